// The shipped catalogue: every spec validates under both profiles, names are unique, and the
// quick profile of the whole default suite passes (the same code path as `ldbench verify`).
#include <gtest/gtest.h>

#include "experiments/suite.hpp"

namespace {

using namespace ldbench::experiments;

TEST(Catalogue, EverySpecValidatesUnderEveryProfile) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  const auto files = catalogue_files(catalogue_dir());
  ASSERT_GE(files.size(), 5u);
  for (const auto& profile : profile_names()) {
    SuiteOptions opt;
    opt.profile = profile;
    EXPECT_NO_THROW(load_specs(reg, files, opt)) << profile;
  }
}

TEST(Catalogue, QuickProfilePasses) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  SuiteOptions opt;
  opt.profile = "quick";
  opt.threads = 1;
  const auto rep = run_suite(load_specs(reg, catalogue_files(catalogue_dir()), opt), opt);
  for (const auto& e : rep.experiments) {
    EXPECT_EQ(e.status, "ok") << e.name << ": " << e.error;
    for (const auto& c : e.checks)
      EXPECT_TRUE(c.passed) << e.name << " / " << c.id << ": " << c.measured << " [" << c.measured_lo << ", "
                            << c.measured_hi << "] bound " << c.bound << " " << c.detail;
  }
  EXPECT_LE(rep.alpha_total(), 1e-4) << "the default suite's false-fail budget is 1e-4";
}

}  // namespace
