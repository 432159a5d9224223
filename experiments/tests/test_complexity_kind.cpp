// The iteration_complexity kind (experiments/drivers/complexity.cpp): a small version of the shipped
// spec passes every check; the mutants the checks are designed to catch are caught (noise
// sqrt(eta) instead of sqrt(2 eta lambda) on ULA fails gld_exponent, on SVRG-LD fails
// vr_exponent_sqrt_n and vr_exponent_below_gld); results do not depend on the thread count;
// invalid params give a one-line SpecError naming the JSON path. svrg_no_correction is not tested
// here: its tuned cost grows more slowly than sqrt(n) (the uncorrected gradient noise falls like
// 1/B = n^{-1/2}), so only the tight intervals of the shipped full profile separate it from 1/2
// (see the design comment of the driver and the README). About 12 s at -O1 (the driver is built
// at the release level).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "experiments/registry.hpp"
#include "experiments/suite.hpp"

namespace test_complexity_kind {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::experiments;
using nlohmann::json;

json shipped() {
  std::ifstream in(catalogue_dir() + "/iteration_complexity_logistic.json");
  EXPECT_TRUE(in.good());
  return json::parse(in);
}

// The shipped spec at its quick profile with `over` merged into the profile's params.
json small(const json& over) {
  json d = shipped();
  json& q = d["profiles"]["quick"]["params"];
  q["ns"] = {100, 1000, 10000};
  q["algorithms"] = {"ula", "svrg_ld", "sarah_ld"};
  for (auto it = over.begin(); it != over.end(); ++it) q[it.key()] = it.value();
  return d;
}

ldbench::reports::Experiment run(const json& doc, int threads = 1) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  return prepare_spec(reg, doc, "t.json", "quick", std::nullopt).run(RunContext{threads, {}});
}

const ldbench::verify::CheckResult& check(const ldbench::reports::Experiment& e, const std::string& id) {
  for (const auto& c : e.checks)
    if (c.id == id) return c;
  ADD_FAILURE() << "no check " << id;
  static ldbench::verify::CheckResult none;
  return none;
}

void expect_spec_error(json doc, const std::string& needle) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  try {
    prepare_spec(reg, doc, "t.json", "quick", std::nullopt);
    ADD_FAILURE() << "no error for " << doc.dump();
  } catch (const SpecError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "not one line: " << what;
  }
}

TEST(IterationComplexity, SmallRunPassesEveryCheck) {
  // n = 100 .. 1e4 is cheap but noisier than the shipped profiles (the smallest data sets move the
  // posterior's shape between n, and SARAH-LD's grid choice is coarse there): the checks run at
  // alpha = 1e-3 here; the shipped quick and full profiles (alpha 2e-6) pass in the catalogue test.
  json d = small(json::object());
  for (const char* id : {"gld_exponent", "vr_exponent_below_gld", "vr_exponent_sqrt_n"}) d["checks"][id]["alpha"] = 1e-3;
  const auto e = run(d);
  ASSERT_EQ(e.status, "ok") << e.error;
  ASSERT_EQ(e.checks.size(), 3u);
  for (const auto& c : e.checks) EXPECT_TRUE(c.passed) << c.id << ": " << c.measured << " " << c.detail;
  // The measured numbers behind the checks: ULA's iteration count does not grow with n, SVRG-LD's
  // exponent sits near 1/2 and SARAH-LD's below ULA's; SGLD was not run.
  const json& a = e.results.at("algorithms");
  EXPECT_NEAR(a.at("ula").at("iteration_exponent").at("mean").get<double>(), 0.0, 0.1);
  EXPECT_NEAR(a.at("svrg_ld").at("exponent").at("mean").get<double>(), 0.5, 0.15);
  EXPECT_LT(a.at("sarah_ld").at("exponent").at("mean").get<double>(), 0.9);
  EXPECT_FALSE(a.contains("sgld"));
  EXPECT_EQ(e.plots.size(), 3u);
}

TEST(IterationComplexity, WrongNoiseOnUlaFailsTheGldChecks) {
  const auto e = run(small({{"algorithms", {"ula"}}, {"mutant", "noise_sqrt_eta"}, {"mutant_algorithm", "ula"}}));
  EXPECT_EQ(e.status, "ok") << e.error;
  const auto& g = check(e, "gld_exponent");
  EXPECT_FALSE(g.passed);
  EXPECT_NE(g.detail.find("ula did not reach eps"), std::string::npos) << g.detail;
  EXPECT_FALSE(check(e, "vr_exponent_below_gld").passed);
}

TEST(IterationComplexity, WrongNoiseOnSvrgFailsTheVarianceReductionChecks) {
  const auto e = run(small({{"ns", {100, 300, 1000}},
                            {"algorithms", {"ula", "svrg_ld"}},
                            {"mutant", "noise_sqrt_eta"},
                            {"mutant_algorithm", "svrg_ld"},
                            {"step_grid_max", 6},
                            {"max_steps", 3000}}));
  EXPECT_EQ(e.status, "ok") << e.error;
  EXPECT_TRUE(check(e, "gld_exponent").passed) << check(e, "gld_exponent").detail;
  const auto& v = check(e, "vr_exponent_sqrt_n");
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.detail.find("svrg_ld did not reach eps"), std::string::npos) << v.detail;
  EXPECT_FALSE(check(e, "vr_exponent_below_gld").passed);
}

TEST(IterationComplexity, ResultsDoNotDependOnTheThreadCount) {
  const json d = small({{"ns", {100, 300, 1000}}, {"algorithms", {"ula", "svrg_ld"}}});
  json one = run(d, 1).results, two = run(d, 2).results;
  one.erase("seconds");
  two.erase("seconds");
  EXPECT_EQ(one, two);
}

TEST(IterationComplexity, InvalidParamsNameTheirPath) {
  json d = shipped();
  d["params"]["ns"] = {1000, 1000, 10000};
  expect_spec_error(d, "/params/ns/1: must increase");
  d = shipped();
  d["params"]["ns"] = {1000, 2000, 3000};
  expect_spec_error(d, "/params/ns: spans a factor 3");
  d = shipped();
  d["params"]["feature_scales"] = {1.0, 0.5};
  expect_spec_error(d, "/params/feature_scales: has 2 entries");
  d = shipped();
  d["params"]["eps"] = 0.0;
  expect_spec_error(d, "/params/eps:");
  d = shipped();
  d["params"]["mutant"] = "svrg_no_correction";
  d["params"]["mutant_algorithm"] = "sarah_ld";
  expect_spec_error(d, "/params/mutant_algorithm: is sarah_ld but mutant svrg_no_correction exists only for svrg_ld");
  d = shipped();
  d["params"]["algorithms"] = {"ula", "ula"};
  expect_spec_error(d, "/params/algorithms/1: ula is listed twice");
  d = shipped();
  d["params"]["algorithms"] = {"ula"};
  d["params"]["mutant"] = "noise_sqrt_eta";
  expect_spec_error(d, "/params/mutant_algorithm: svrg_ld is not in algorithms");
  d = shipped();
  d["params"]["curve_n"] = 1234;
  expect_spec_error(d, "/params/curve_n: 1234 is not in ns");
  d = shipped();
  d["params"]["dim"] = 5;
  d["params"]["feature_scales"] = {1.0, 0.8, 0.6, 0.4, 0.2};
  d["profiles"]["quick"]["params"].erase("feature_scales");
  d["params"]["quadrature_nodes"] = 10;
  expect_spec_error(d, "/params/quadrature_nodes: gives 161051 nodes");
  d = shipped();
  d["params"]["step_size"] = 1;
  expect_spec_error(d, "step_size");
  d = shipped();
  d["replicas"] = 2;
  expect_spec_error(d, "replicas = 2 is too few");
}

TEST(IterationComplexity, ShippedSpecValidatesUnderBothProfiles) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  for (const auto& profile : profile_names()) EXPECT_NO_THROW(prepare_spec(reg, shipped(), "t.json", profile, std::nullopt)) << profile;
}

}  // namespace
}  // namespace test_complexity_kind
