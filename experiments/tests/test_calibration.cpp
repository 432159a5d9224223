// Seed calibration (experiments/calibration.hpp): from per-seed reports of correct code, each check's
// false-fail count against Binomial(K, alpha). A check failing far more often than its alpha is
// flagged; one failing as often as declared is not; a deterministic check or an experiment in error
// must never fail; the verdict reaches the report (passed(), JSON round trip, Markdown).
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "experiments/calibration.hpp"
#include "reports/json.hpp"
#include "reports/markdown.hpp"

namespace test_calibration {
namespace {

using namespace ldbench;

verify::CheckResult check(const std::string& id, double alpha, bool passed) {
  verify::CheckResult c;
  c.id = id;
  c.alpha = alpha;
  c.passed = passed;
  return c;
}

// K seeds of one experiment "e" with checks: "tight" (alpha 1e-6, fails at seeds in fail_tight),
// "loose" (alpha 0.05, fails at every 20th seed: 5 of 100, as declared), "exact" (alpha 0, fails at
// seeds in fail_exact); seeds in error_at end in status "error".
std::vector<reports::Report> seeds(int K, std::set<int> fail_tight, std::set<int> fail_exact = {}, std::set<int> error_at = {}) {
  std::vector<reports::Report> out;
  for (int j = 0; j < K; ++j) {
    reports::Report r;
    reports::Experiment e;
    e.name = "e";
    if (error_at.count(j)) {
      e.status = "error";
      e.error = "diverged";
    } else {
      e.checks = {check("tight", 1e-6, !fail_tight.count(j)), check("loose", 0.05, j % 20 != 0), check("exact", 0.0, !fail_exact.count(j))};
    }
    r.experiments.push_back(e);
    out.push_back(r);
  }
  return out;
}

const reports::CalibrationRow& row(const reports::Calibration& c, const std::string& id) {
  for (const auto& r : c.rows)
    if (r.check == id) return r;
  throw std::runtime_error("no row " + id);
}

TEST(Calibration, AsDeclaredIsConsistent) {
  const auto c = experiments::calibrate_reports(seeds(100, {}), 1, 0.05);
  ASSERT_EQ(c.rows.size(), 4u);
  EXPECT_EQ(c.rows.back().check, "(error)");
  EXPECT_EQ(row(c, "loose").failures, 5);
  EXPECT_TRUE(row(c, "loose").consistent) << row(c, "loose").p_value;
  EXPECT_EQ(row(c, "tight").failures, 0);
  EXPECT_DOUBLE_EQ(row(c, "tight").p_value, 1.0);
  EXPECT_NEAR(row(c, "tight").rate_hi, 1 - std::pow(0.025, 0.01), 1e-12);  // Clopper–Pearson 0/100
  EXPECT_EQ(c.inconsistent(), 0);
}

TEST(Calibration, FalseFailsBeyondAlphaAreCaught) {
  // One false fail in 100 seeds of a check declared at 1e-6: p = 1e-4 < 0.05/4.
  const auto one = experiments::calibrate_reports(seeds(100, {17}), 1, 0.05);
  EXPECT_FALSE(row(one, "tight").consistent);
  EXPECT_NEAR(row(one, "tight").p_value, -std::expm1(100 * std::log1p(-1e-6)), 1e-16);
  EXPECT_EQ(one.inconsistent(), 1);
  // A deterministic check that ever fails, and a run in error, are inconsistent.
  const auto det = experiments::calibrate_reports(seeds(100, {}, {3}, {50}), 1, 0.05);
  EXPECT_FALSE(row(det, "exact").consistent);
  EXPECT_FALSE(row(det, "(error)").consistent);
  EXPECT_EQ(row(det, "(error)").failures, 1);
  EXPECT_EQ(row(det, "tight").runs, 99);  // the run in error has no checks
  // The loose check failing 20 of 100 times (declared 5%) is caught too.
  auto many = seeds(100, {});
  for (int j = 0; j < 100; j += 5) many[static_cast<std::size_t>(j)].experiments[0].checks[1].passed = false;
  EXPECT_FALSE(row(experiments::calibrate_reports(many, 1, 0.05), "loose").consistent);
}

TEST(Calibration, VerdictReachesTheReport) {
  reports::Report rep;
  rep.profile = "quick";
  rep.calibration = experiments::calibrate_reports(seeds(10, {4}), 7, 0.05);
  EXPECT_FALSE(rep.passed());
  const auto j = reports::to_json(rep);
  EXPECT_EQ(j["calibration"]["inconsistent"], 1);
  EXPECT_EQ(j["calibration"]["first_seed"], 7);
  const auto back = reports::report_from_json(j);
  EXPECT_EQ(reports::to_json(back), j);
  const std::string md = reports::to_markdown(back, {});
  EXPECT_NE(md.find("## Seed calibration"), std::string::npos);
  EXPECT_NE(md.find("**INCONSISTENT**"), std::string::npos);
  EXPECT_NE(md.find("7 to 16"), std::string::npos);
  rep.calibration = experiments::calibrate_reports(seeds(10, {}), 7, 0.05);
  EXPECT_TRUE(rep.passed());
}

TEST(Calibration, RejectsEmptyInput) {
  EXPECT_THROW((void)experiments::calibrate_reports({}, 1, 0.05), std::invalid_argument);
  EXPECT_THROW((void)experiments::calibrate_reports(seeds(3, {}), 1, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace test_calibration
