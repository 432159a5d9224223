// Tests for verify/stats/confidence.hpp (Student-t intervals, least squares) and
// verify/checks/checks.hpp (the decision rules of DESIGN.md §4).
//
// Oracles: tabulated Student-t quantiles and the closed forms for 1, 2 and 4 degrees of freedom;
// intervals computed by hand from tabulated quantiles; a coverage experiment judged by exact
// binomial quantiles; decision rules on constructed data placed just either side of the
// documented confidence limits (so each rule is pinned to its stated level, not merely to its
// direction); the de Bruijn identity on the exact Gaussian OU flow (theory/ou.hpp) and the weak
// order on the exact Euler–Maruyama law (theory/ula_gaussian.hpp).

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <boost/math/distributions/binomial.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/ou.hpp"
#include "theory/ula_gaussian.hpp"
#include "verify/checks/checks.hpp"
#include "verify/stats/confidence.hpp"
#include "verify/stats/power_fit.hpp"
#include "verify/tests/verify_test_support.hpp"

namespace test_stats_checks {  // named per file: a unity build keeps the files' helpers apart
namespace {

namespace stats = ldbench::verify::stats;
namespace checks = ldbench::verify::checks;
namespace th = ldbench::theory;
using ldbench::verify::CheckKind;
using ldbench::verify::CheckResult;
using ldbench::verify::test::seed_msg;
using ldbench::verify::test::test_seed;
using ldbench::verify::test::throws_invalid_argument_naming;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Tabulated quantiles are given to 10 significant digits, so they agree with the exact value to
// half a unit in the 10th digit (<= 5e-10 relative); 1e-9 leaves a factor 2 of head-room.
constexpr double kTabulatedRelTol = 1e-9;
// Boost.Math's t quantile (inverse incomplete beta) against the exact closed forms for 1, 2 and
// 4 degrees of freedom: a few ulps in principle; 1e-12 relative allows for the conditioning of
// tan / sqrt near p -> 0, 1 on the grid used.
constexpr double kQuantileClosedFormRelTol = 1e-12;
// Interval limits computed by hand from 10-digit tabulated quantiles times sd/sqrt(n) ~ 0.7:
// the error is <= 5e-10 * 4.6 * 0.7 ~ 2e-9; 1e-8 absolute.
constexpr double kHandIntervalAbsTol = 1e-8;
// Least squares on exact data with a well-conditioned design (condition number ~ 1e2): the
// backward-stable QR gives coefficients within ~cond * eps ~ 1e-14; 1e-11 absolute.
constexpr double kLeastSquaresAbsTol = 1e-11;
// Limits placed this far (relative) either side of a confidence limit: far above rounding
// (~1e-15 relative) and far below any level confusion (a factor 2 in alpha moves a limit by
// ~10% here).
constexpr double kEdge = 1e-9;

checks::ClaimText text(const std::string& id) { return {id, "claim of " + id, "quantity of " + id}; }

double rel_err(double got, double want) { return std::abs(got - want) / std::abs(want); }

// ------------------------------------------------------------------------------------------
// t_quantile
// ------------------------------------------------------------------------------------------

TEST(TQuantile, MatchesTabulatedValues) {
  struct Row {
    double p;
    int dof;
    double t;
  };
  // Standard tables (e.g. Abramowitz & Stegun Table 26.10), 10 significant digits.
  const std::vector<Row> rows{{0.975, 10, 2.228138852}, {0.995, 5, 4.032142984}, {0.975, 4, 2.776445105},
                              {0.95, 4, 2.131846786},   {0.90, 4, 1.533206274},  {0.975, 7, 2.364624252},
                              {0.025, 10, -2.228138852}};
  for (const auto& r : rows)
    EXPECT_LT(rel_err(stats::t_quantile(r.p, r.dof), r.t), kTabulatedRelTol)
        << "t_{" << r.p << "," << r.dof << "} = " << stats::t_quantile(r.p, r.dof) << ", table " << r.t;
}

TEST(TQuantile, MatchesClosedFormsForOneTwoAndFourDegreesOfFreedom) {
  // dof 1 (Cauchy): tan(pi (p - 1/2)); dof 2: (2p - 1) / sqrt(2 p (1 - p));
  // dof 4 (Hill 1970): a = 4p(1-p), q = cos(arccos(sqrt a) / 3) / sqrt a, t = sign(p - 1/2) 2 sqrt(q - 1).
  double worst = 0;
  double worst_p = 0;
  int worst_dof = 0;
  for (double p : {0.001, 0.01, 0.1, 0.3, 0.45, 0.55, 0.7, 0.9, 0.95, 0.975, 0.99, 0.999}) {
    const double t1 = std::tan(std::numbers::pi * (p - 0.5));
    const double t2 = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    const double a = 4 * p * (1 - p);
    const double q = std::cos(std::acos(std::sqrt(a)) / 3) / std::sqrt(a);
    const double t4 = (p > 0.5 ? 2.0 : -2.0) * std::sqrt(q - 1);
    for (auto [dof, want] : {std::pair{1, t1}, std::pair{2, t2}, std::pair{4, t4}}) {
      const double e = rel_err(stats::t_quantile(p, dof), want);
      if (!(e <= worst)) {
        worst = e;
        worst_p = p;
        worst_dof = dof;
      }
    }
  }
  EXPECT_LT(worst, kQuantileClosedFormRelTol) << "worst at p = " << worst_p << ", dof = " << worst_dof;
}

TEST(TQuantile, RejectsInvalidInput) {
  EXPECT_TRUE(throws_invalid_argument_naming([] { stats::t_quantile(0.975, 0); }, "replicas"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { stats::t_quantile(0.975, -3); }, "replicas"));
  // p outside (0, 1): Boost.Math raises (std::domain_error under its default policy).
  EXPECT_ANY_THROW(stats::t_quantile(1.5, 4));
  EXPECT_ANY_THROW(stats::t_quantile(-0.1, 4));
}

// ------------------------------------------------------------------------------------------
// Intervals
// ------------------------------------------------------------------------------------------

TEST(Interval, LimitsMatchHandComputation) {
  // x = 1..5: mean 3, sample sd sqrt(2.5), sd / sqrt(5) = sqrt(1/2).
  const std::vector<double> x{1, 2, 3, 4, 5};
  const double se = std::sqrt(0.5);
  const double t975_4 = 2.776445105, t95_4 = 2.131846786, t90_4 = 1.533206274;

  const auto ts = stats::two_sided(x, 0.05);
  EXPECT_EQ(ts.n, 5);
  EXPECT_NEAR(ts.mean, 3.0, 1e-15);
  EXPECT_NEAR(ts.sd, std::sqrt(2.5), 1e-15);
  EXPECT_NEAR(ts.lo, 3.0 - t975_4 * se, kHandIntervalAbsTol);
  EXPECT_NEAR(ts.hi, 3.0 + t975_4 * se, kHandIntervalAbsTol);
  EXPECT_NEAR(ts.half_width(), t975_4 * se, kHandIntervalAbsTol);

  const auto lo = stats::lower_limit(x, 0.05);
  EXPECT_NEAR(lo.lo, 3.0 - t95_4 * se, kHandIntervalAbsTol);
  EXPECT_EQ(lo.hi, kInf);
  EXPECT_EQ(lo.n, 5);

  const auto up = stats::upper_limit(x, 0.10);
  EXPECT_NEAR(up.hi, 3.0 + t90_4 * se, kHandIntervalAbsTol);
  EXPECT_EQ(up.lo, -kInf);

  // The one-sided limit at alpha is the two-sided limit at 2 alpha (used by the checks).
  EXPECT_NEAR(stats::two_sided(x, 0.10).lo, lo.lo, 1e-14);
  EXPECT_NEAR(stats::two_sided(x, 0.20).hi, up.hi, 1e-14);
}

TEST(Interval, ConstantDataGivesZeroWidth) {
  const auto iv = stats::two_sided({2.5, 2.5, 2.5}, 0.05);
  EXPECT_EQ(iv.sd, 0.0);
  EXPECT_EQ(iv.lo, 2.5);
  EXPECT_EQ(iv.hi, 2.5);
}

// 2000 replica sets of R = 8 draws from N(mu, 1): the number of 95% intervals containing mu is
// Binomial(2000, 0.95) when the intervals are exact. Accept iff the count lies between the
// binomial quantiles at 0.5e-6 and 1 - 0.5e-6 (false-fail rate <= 1e-6 per interval type).
// Power: normal instead of Student quantiles (1.96 for t_{.975,7} = 2.365) covers ~0.91, far
// outside the acceptance band [~0.926, ~0.973].
TEST(Interval, CoverageOfNinetyFivePercentIntervals) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  constexpr double kMu = 3.7;
  constexpr int kSets = 2000, kR = 8;
  constexpr double kAlpha = 0.05, kFalseFail = 1e-6;
  std::normal_distribution<double> nd(kMu, 1.0);
  int two = 0, lower = 0, upper = 0;
  std::vector<double> x(kR);
  for (int s = 0; s < kSets; ++s) {
    for (double& v : x) v = nd(gen);
    const auto ts = stats::two_sided(x, kAlpha);
    two += ts.lo <= kMu && kMu <= ts.hi;
    lower += stats::lower_limit(x, kAlpha).lo <= kMu;
    upper += stats::upper_limit(x, kAlpha).hi >= kMu;
  }
  const boost::math::binomial_distribution<double> bin(kSets, 1 - kAlpha);
  const double lo = boost::math::quantile(bin, kFalseFail / 2);
  const double hi = boost::math::quantile(boost::math::complement(bin, kFalseFail / 2));
  for (auto [name, count] : {std::pair{"two-sided", two}, std::pair{"lower", lower}, std::pair{"upper", upper}}) {
    EXPECT_GE(count, lo) << name << ": " << count << " of " << kSets << " covered; " << seed_msg(seed);
    EXPECT_LE(count, hi) << name << ": " << count << " of " << kSets << " covered; " << seed_msg(seed);
  }
}

TEST(Interval, RejectsInvalidInput) {
  using Fn = stats::Interval (*)(const std::vector<double>&, double);
  for (Fn f : {Fn{&stats::two_sided}, Fn{&stats::lower_limit}, Fn{&stats::upper_limit}}) {
    EXPECT_TRUE(throws_invalid_argument_naming([&] { f({}, 0.05); }, "replicas"));
    EXPECT_TRUE(throws_invalid_argument_naming([&] { f({1.0}, 0.05); }, "replicas"));
    for (double a : {0.0, 1.0, -0.1, 1.5, kNaN, kInf})
      EXPECT_TRUE(throws_invalid_argument_naming([&] { f({1.0, 2.0, 3.0}, a); }, "alpha")) << "alpha = " << a;
    for (double bad : {kNaN, kInf, -kInf})
      EXPECT_TRUE(throws_invalid_argument_naming([&] { f({1.0, bad, 3.0}, 0.05); }, "non-finite")) << bad;
  }
}

// ------------------------------------------------------------------------------------------
// Least squares
// ------------------------------------------------------------------------------------------

TEST(LeastSquares, RecoversExactCoefficientsOfThreeParameterModel) {
  // The weak-order model y = c + p log h + b h on noiseless data.
  const double c = 0.7, p = 1.5, b = -2.0;
  std::vector<double> one, logh, h, y;
  for (double hh = 0.4; hh > 0.01; hh /= 1.7) {
    one.push_back(1.0);
    logh.push_back(std::log(hh));
    h.push_back(hh);
    y.push_back(c + p * std::log(hh) + b * hh);
  }
  const auto beta = stats::least_squares({one, logh, h}, y);
  ASSERT_EQ(beta.size(), 3u);
  EXPECT_NEAR(beta[0], c, kLeastSquaresAbsTol);
  EXPECT_NEAR(beta[1], p, kLeastSquaresAbsTol);
  EXPECT_NEAR(beta[2], b, kLeastSquaresAbsTol);
}

TEST(LeastSquares, ResidualIsOrthogonalToDesignOnNoisyData) {
  // Normal equations Xᵀ(y - X beta) = 0 characterise the least-squares solution.
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> nd;
  std::vector<double> one, x, x2, y;
  for (int i = 0; i < 40; ++i) {
    const double t = -1.0 + 0.05 * i;
    one.push_back(1.0);
    x.push_back(t);
    x2.push_back(t * t);
    y.push_back(1.0 + 2.0 * t - t * t + 0.1 * nd(gen));
  }
  const auto beta = stats::least_squares({one, x, x2}, y);
  const std::vector<std::vector<double>> cols{one, x, x2};
  for (const auto& col : cols) {
    double dot = 0;
    for (std::size_t i = 0; i < y.size(); ++i) dot += col[i] * (y[i] - beta[0] - beta[1] * x[i] - beta[2] * x2[i]);
    EXPECT_NEAR(dot, 0.0, kLeastSquaresAbsTol) << seed_msg(seed);
  }
}

TEST(LeastSquares, RejectsRankDeficiencyAndBadInput) {
  const std::vector<double> one(6, 1.0), x{0, 1, 2, 3, 4, 5}, y{1, 3, 2, 5, 4, 6};
  std::vector<double> lin(6), same(6, 2.0);
  for (std::size_t i = 0; i < 6; ++i) lin[i] = 2.0 * x[i] + 1.0;  // = 2 x + 1 * one
  EXPECT_TRUE(throws_invalid_argument_naming([&] { stats::least_squares({one, x, lin}, y); }, "rank"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { stats::least_squares({one, x, x}, y); }, "rank"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { stats::fit_line(same, y); }, "rank"));
  // Fewer points than parameters, no parameters, non-finite data.
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { stats::least_squares({{1.0, 1.0}, {0.0, 1.0}, {0.0, 1.0}}, {1.0, 2.0}); }, "points"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { stats::least_squares({}, y); }, "points"));
  std::vector<double> ybad = y;
  ybad[3] = kNaN;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { stats::least_squares({one, x}, ybad); }, "non-finite"));
}

TEST(FitLine, ExactOnALine) {
  const std::vector<double> x{0.5, 1, 2, 4, 8, 16};
  std::vector<double> y;
  for (double v : x) y.push_back(3.0 - 0.5 * v);
  const auto f = stats::fit_line(x, y);
  EXPECT_NEAR(f.slope, -0.5, kLeastSquaresAbsTol);
  EXPECT_NEAR(f.intercept, 3.0, kLeastSquaresAbsTol);
}

// ------------------------------------------------------------------------------------------
// upper_bound_pointwise
// ------------------------------------------------------------------------------------------

// R = 8 replicas x T = 4 points; column j holds level[j] + (-3.5, ..., 3.5) * spread.
Eigen::MatrixXd replica_matrix(const std::vector<double>& level, double spread) {
  Eigen::MatrixXd m(8, static_cast<long>(level.size()));
  for (long j = 0; j < m.cols(); ++j)
    for (long r = 0; r < 8; ++r) m(r, j) = level[static_cast<std::size_t>(j)] + (static_cast<double>(r) - 3.5) * spread;
  return m;
}

std::vector<double> col(const Eigen::MatrixXd& m, long j) {
  std::vector<double> out;
  for (long r = 0; r < m.rows(); ++r) out.push_back(m(r, j));
  return out;
}

const std::vector<double> kX{0.5, 1.0, 1.5, 2.0};

TEST(UpperBoundPointwise, PassesWhenValuesAreBelowTheBound) {
  const auto v = replica_matrix({1.0, 0.8, 0.6, 0.4}, 0.01);
  const auto c = checks::upper_bound_pointwise(text("ub"), kX, v, {2.0, 2.0, 2.0, 2.0}, {true, true, true, true}, 1e-3);
  EXPECT_TRUE(c.passed) << c.detail;
  EXPECT_EQ(c.kind, CheckKind::upper_bound_pointwise);
  EXPECT_EQ(c.id, "ub");
  EXPECT_EQ(c.replicas, 8);
  EXPECT_EQ(c.alpha, 1e-3);
  // The reported point is the one with the largest LCL / bound: x = 0.5 (level 1.0).
  EXPECT_NEAR(c.measured, 1.0, 1e-14);
  EXPECT_EQ(c.bound, 2.0);
  EXPECT_NEAR(c.tightness, 0.5, 1e-14);
  EXPECT_NE(c.detail.find("x = 0.5"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("judged 4 of 4"), std::string::npos) << c.detail;
}

TEST(UpperBoundPointwise, FailsWhenTheLowerLimitExceedsTheBoundAtOneJudgedPoint) {
  const auto v = replica_matrix({1.0, 0.8, 3.0, 0.4}, 0.01);
  const auto c = checks::upper_bound_pointwise(text("ub"), kX, v, {2.0, 2.0, 2.0, 2.0}, {true, true, true, true}, 1e-3);
  EXPECT_FALSE(c.passed);
  EXPECT_GT(c.measured_lo, c.bound);
  EXPECT_NEAR(c.measured, 3.0, 1e-14);
  EXPECT_NE(c.detail.find("x = 1.5"), std::string::npos) << c.detail;
}

TEST(UpperBoundPointwise, MeanAboveBoundButLowerLimitBelowPasses) {
  // Column 0: mean 2.05 > bound 2, but the spread puts the LCL well below 2.
  const auto v = replica_matrix({2.05, 0.8, 0.6, 0.4}, 0.2);
  const auto c = checks::upper_bound_pointwise(text("ub"), kX, v, {2.0, 2.0, 2.0, 2.0}, {true, true, true, true}, 1e-3);
  EXPECT_TRUE(c.passed) << c.measured_lo;
  EXPECT_GT(c.tightness, 1.0);  // the point estimate exceeds the bound; the decision uses the LCL
}

TEST(UpperBoundPointwise, IgnoresUnjudgedPoints) {
  const auto v = replica_matrix({1.0, 0.8, 3.0, 0.4}, 0.01);
  const auto c = checks::upper_bound_pointwise(text("ub"), kX, v, {2.0, 2.0, 2.0, 2.0}, {true, true, false, true}, 1e-3);
  EXPECT_TRUE(c.passed) << c.detail;
  EXPECT_NE(c.detail.find("judged 3 of 4"), std::string::npos) << c.detail;
  EXPECT_EQ(c.detail.find("x = 1.5"), std::string::npos) << c.detail;
}

TEST(UpperBoundPointwise, FailsWithDetailWhenNoPointIsJudged) {
  const auto v = replica_matrix({1.0, 0.8, 0.6, 0.4}, 0.01);
  const auto c =
      checks::upper_bound_pointwise(text("ub"), kX, v, {2.0, 2.0, 2.0, 2.0}, {false, false, false, false}, 1e-3);
  EXPECT_FALSE(c.passed);
  EXPECT_NE(c.detail.find("no judged point"), std::string::npos) << c.detail;
}

TEST(UpperBoundPointwise, RejectsSizeMismatch) {
  const auto v = replica_matrix({1.0, 0.8, 0.6, 0.4}, 0.01);
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { checks::upper_bound_pointwise(text("ub"), kX, v, {2.0, 2.0, 2.0}, {true, true, true, true}, 1e-3); },
      "size"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { checks::upper_bound_pointwise(text("ub"), kX, v, {2.0, 2.0, 2.0, 2.0}, {true, true, true}, 1e-3); },
      "size"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { checks::upper_bound_pointwise(text("ub"), {1.0}, v, {2.0, 2.0, 2.0, 2.0}, {true, true, true, true}, 1e-3); },
      "size"));
}

// Bonferroni, constructed deterministically. Column 0 holds x = level + (-3.5..3.5) * 0.1. With
// J judged points the per-point lower limit is at level 1 - alpha/J:
//   LCL(alpha/J) < LCL(alpha).
// A bound between them fails when column 0 is the only judged point (J = 1) and passes when
// J = 4 points are judged. Bounds placed kEdge either side of LCL(alpha/4) pin the level exactly:
// any other split (alpha/2, alpha/8, a two-sided alpha/J, ...) moves the limit by >> kEdge.
TEST(UpperBoundPointwise, BonferroniPerPointLevelIsAlphaOverJ) {
  constexpr double kAlpha = 0.05;
  constexpr int kJ = 4;
  const auto v = replica_matrix({1.0, 0.1, 0.1, 0.1}, 0.1);
  const auto x0 = col(v, 0);
  const double lcl_alpha = stats::lower_limit(x0, kAlpha).lo;
  const double lcl_split = stats::lower_limit(x0, kAlpha / kJ).lo;
  ASSERT_LT(lcl_split, lcl_alpha);
  const double between = 0.5 * (lcl_split + lcl_alpha);
  const std::vector<double> bound(4, between);

  const auto alone = checks::upper_bound_pointwise(text("ub"), kX, v, bound, {true, false, false, false}, kAlpha);
  EXPECT_FALSE(alone.passed) << "J = 1: LCL " << alone.measured_lo << " vs bound " << between;
  EXPECT_NEAR(alone.measured_lo, lcl_alpha, 1e-14);

  const auto all = checks::upper_bound_pointwise(text("ub"), kX, v, bound, {true, true, true, true}, kAlpha);
  EXPECT_TRUE(all.passed) << "J = 4: LCL " << all.measured_lo << " vs bound " << between;
  EXPECT_NEAR(all.measured_lo, lcl_split, 1e-14);

  const std::vector<double> just_above(4, lcl_split * (1 + kEdge)), just_below(4, lcl_split * (1 - kEdge));
  EXPECT_TRUE(checks::upper_bound_pointwise(text("ub"), kX, v, just_above, {true, true, true, true}, kAlpha).passed);
  EXPECT_FALSE(checks::upper_bound_pointwise(text("ub"), kX, v, just_below, {true, true, true, true}, kAlpha).passed);
}

// ------------------------------------------------------------------------------------------
// rate_at_least, order_equals, consistency
// ------------------------------------------------------------------------------------------

const std::vector<double> kRates{0.9, 1.0, 1.1, 0.95, 1.05, 0.98, 1.02, 1.0};

TEST(RateAtLeast, DecidesOnTheOneSidedUpperLimit) {
  constexpr double kAlpha = 0.01;
  EXPECT_TRUE(checks::rate_at_least(text("r"), kRates, 1.0, kAlpha).passed);
  EXPECT_TRUE(checks::rate_at_least(text("r"), kRates, 0.5, kAlpha).passed);
  const auto bad = checks::rate_at_least(text("r"), kRates, 1.5, kAlpha);
  EXPECT_FALSE(bad.passed);
  EXPECT_EQ(bad.kind, CheckKind::rate_at_least);
  EXPECT_EQ(bad.replicas, 8);
  EXPECT_NEAR(bad.measured, 1.0, 1e-15);
  EXPECT_NEAR(bad.tightness, 1.0 / 1.5, 1e-15);
  // Pinned to the one-sided level 1 - alpha.
  const double ucl = stats::upper_limit(kRates, kAlpha).hi;
  EXPECT_NEAR(bad.measured_hi, ucl, 1e-14);
  EXPECT_TRUE(checks::rate_at_least(text("r"), kRates, ucl * (1 - kEdge), kAlpha).passed);
  EXPECT_FALSE(checks::rate_at_least(text("r"), kRates, ucl * (1 + kEdge), kAlpha).passed);
}

TEST(OrderEquals, DecidesOnTheTwoSidedInterval) {
  constexpr double kAlpha = 0.01;
  EXPECT_TRUE(checks::order_equals(text("o"), kRates, 1.0, kAlpha).passed);
  EXPECT_FALSE(checks::order_equals(text("o"), kRates, 2.0, kAlpha).passed);
  EXPECT_FALSE(checks::order_equals(text("o"), kRates, 0.5, kAlpha).passed);
  const auto iv = stats::two_sided(kRates, kAlpha);
  for (auto [claimed, want] : {std::pair{iv.hi * (1 - kEdge), true}, std::pair{iv.hi * (1 + kEdge), false},
                               std::pair{iv.lo * (1 + kEdge), true}, std::pair{iv.lo * (1 - kEdge), false}}) {
    const auto c = checks::order_equals(text("o"), kRates, claimed, kAlpha);
    EXPECT_EQ(c.passed, want) << "claimed " << claimed << " vs [" << iv.lo << ", " << iv.hi << "]";
    EXPECT_NEAR(c.measured_lo, iv.lo, 1e-14);
    EXPECT_NEAR(c.measured_hi, iv.hi, 1e-14);
  }
}

TEST(Consistency, PassesOnTheMeansAndFailsOnAShiftedExactValue) {
  constexpr double kAlpha = 1e-3;
  const auto v = replica_matrix({1.0, 2.0, 3.0, 4.0}, 0.05);
  const auto ok = checks::consistency(text("c"), kX, v, {1.0, 2.0, 3.0, 4.0}, kAlpha);
  EXPECT_TRUE(ok.passed) << ok.detail;
  EXPECT_EQ(ok.kind, CheckKind::consistency);

  const auto bad = checks::consistency(text("c"), kX, v, {1.0, 2.5, 3.0, 4.0}, kAlpha);
  EXPECT_FALSE(bad.passed);
  EXPECT_EQ(bad.bound, 2.5);
  EXPECT_NE(bad.detail.find("x = 1 ("), std::string::npos) << bad.detail;

  // Pinned to the Bonferroni level alpha / T (two-sided), T = 4 columns.
  const auto iv = stats::two_sided(col(v, 2), kAlpha / 4);
  EXPECT_TRUE(checks::consistency(text("c"), kX, v, {1.0, 2.0, iv.hi * (1 - kEdge), 4.0}, kAlpha).passed);
  EXPECT_FALSE(checks::consistency(text("c"), kX, v, {1.0, 2.0, iv.hi * (1 + kEdge), 4.0}, kAlpha).passed);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { checks::consistency(text("c"), kX, v, {1.0, 2.0}, kAlpha); },
                                             "size"));
}

// ------------------------------------------------------------------------------------------
// identity, de_bruijn
// ------------------------------------------------------------------------------------------

TEST(Identity, ComparesTheErrorWithTheTolerance) {
  const auto ok = checks::identity(text("i"), 1e-10, 1e-8, "x = 3");
  EXPECT_TRUE(ok.passed);
  EXPECT_EQ(ok.detail, "x = 3");
  EXPECT_EQ(ok.kind, CheckKind::identity);
  EXPECT_NEAR(ok.tightness, 1e-2, 1e-16);
  EXPECT_FALSE(checks::identity(text("i"), 1e-6, 1e-8, "x = 3").passed);
  EXPECT_FALSE(checks::identity(text("i"), kNaN, 1e-8, "x = 3").passed);
  EXPECT_FALSE(checks::identity(text("i"), kInf, 1e-8, "x = 3").passed);
}

TEST(DeterministicUpperBound, JudgesTheWorstRatioAtJudgedPointsOnly) {
  const std::vector<double> x{0.0, 1.0, 2.0}, bound{1.0, 0.5, 0.25};
  const std::vector<bool> all{true, true, true}, skip_first{false, true, true};
  // Equality is allowed up to the round-off tolerance; 1e-6 over the bound is not.
  const auto eq = checks::deterministic_upper_bound(text("b"), x, {1.0, 0.5, 0.25}, bound, all, 1e-9);
  EXPECT_TRUE(eq.passed);
  EXPECT_DOUBLE_EQ(eq.measured, 1.0);
  const auto over = checks::deterministic_upper_bound(text("b"), x, {0.9, 0.5 * (1 + 1e-6), 0.2}, bound, all, 1e-9);
  EXPECT_FALSE(over.passed);
  EXPECT_NE(over.detail.find("worst x = 1"), std::string::npos) << over.detail;
  // An unjudged point may exceed its bound.
  EXPECT_TRUE(checks::deterministic_upper_bound(text("b"), x, {5.0, 0.4, 0.2}, bound, skip_first, 1e-9).passed);
  // Nothing judged, or a NaN, never passes.
  EXPECT_FALSE(checks::deterministic_upper_bound(text("b"), x, {0.1, 0.1, 0.1}, bound, {false, false, false}, 1e-9).passed);
  EXPECT_FALSE(checks::deterministic_upper_bound(text("b"), x, {0.1, kNaN, 0.1}, bound, all, 1e-9).passed);
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { checks::deterministic_upper_bound(text("b"), x, {0.1}, bound, all, 1e-9); }, "size"));
}

// de Bruijn step and tolerance: central difference with delta = 1e-4 has truncation error
// (delta²/6)|KL'''| / |KL'| <= (delta²/6) 4² ~ 3e-8 (KL along the OU flow is a sum of terms
// decaying at rates <= 4 for a = 1) and rounding eps KL / (delta |KL'|) ~ 1e-11; 1e-6 relative.
// A wrong flow is off by >= 10% (checked below).
constexpr double kDeBruijnDelta = 1e-4;
constexpr double kDeBruijnTol = 1e-6;
const std::vector<double> kTimes{0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0};

th::Gaussian ou_start(int d) {
  Eigen::MatrixXd S = 0.25 * Eigen::MatrixXd::Identity(d, d);
  if (d > 1) S(0, 1) = S(1, 0) = 0.1;
  return {Eigen::VectorXd::LinSpaced(d, 2.0, -1.0), S};
}

TEST(DeBruijn, PassesOnTheExactOuFlow) {
  for (int d : {1, 3}) {
    for (const th::OuParams p : {th::OuParams{1.0, 1.0}, th::OuParams{0.5, 0.5}}) {
      const auto start = ou_start(d);
      const auto pi = th::ou_stationary(d, p);
      auto kl = [&](double t) { return th::kl(th::ou_law(start, t, p), pi); };
      auto fi = [&](double t) { return th::relative_fisher(th::ou_law(start, t, p), pi); };
      const auto c = checks::de_bruijn(text("db"), kl, fi, p.lambda, kTimes, kDeBruijnDelta, kDeBruijnTol);
      EXPECT_TRUE(c.passed) << "d = " << d << ", a = " << p.a << ": " << c.measured << " at " << c.detail;
      EXPECT_EQ(c.kind, CheckKind::identity);
    }
  }
}

TEST(DeBruijn, FailsForAWrongFlow) {
  const auto start = ou_start(1);
  const th::OuParams slow{0.5, 0.5};  // same Gibbs law N(0, 1), half the speed
  const auto pi = th::ou_stationary(1, slow);
  auto kl = [&](double t) { return th::kl(th::ou_law(start, t, slow), pi); };
  auto fi = [&](double t) { return th::relative_fisher(th::ou_law(start, t, slow), pi); };
  // The law of OU(lambda = 0.5) judged against the lambda = 1 identity: dKL/dt = -0.5 I.
  const auto wrong_lambda = checks::de_bruijn(text("db"), kl, fi, 1.0, kTimes, kDeBruijnDelta, kDeBruijnTol);
  EXPECT_FALSE(wrong_lambda.passed);
  EXPECT_NEAR(wrong_lambda.measured, 0.5, 1e-5);  // |(-0.5 I) - (-I)| / I

  // A KL function scaled by 1.1 (e.g. a biased estimator): relative error 0.1.
  const th::OuParams ou{1.0, 1.0};
  auto kl11 = [&](double t) { return 1.1 * th::kl(th::ou_law(start, t, ou), pi); };
  auto fi1 = [&](double t) { return th::relative_fisher(th::ou_law(start, t, ou), pi); };
  const auto scaled = checks::de_bruijn(text("db"), kl11, fi1, 1.0, kTimes, kDeBruijnDelta, kDeBruijnTol);
  EXPECT_FALSE(scaled.passed);
  EXPECT_NEAR(scaled.measured, 0.1, 1e-5);
  EXPECT_FALSE(scaled.detail.empty());

  // A NaN anywhere fails (never a silent pass).
  auto kl_nan = [&](double t) { return t > 0.9 && t < 1.1 ? kNaN : th::kl(th::ou_law(start, t, ou), pi); };
  EXPECT_FALSE(checks::de_bruijn(text("db"), kl_nan, fi1, 1.0, kTimes, kDeBruijnDelta, kDeBruijnTol).passed);
}

TEST(DeBruijn, FailsWhenNoTimeIsJudged) {
  // Times below 2 delta are skipped (the central difference would reach t < 0); a check that
  // judged nothing must not pass vacuously (DESIGN.md §4.5).
  auto kl = [](double t) { return std::exp(-2 * t); };
  auto wrong = [](double) { return 100.0; };
  const auto c = checks::de_bruijn(text("db"), kl, wrong, 1.0, {1e-5, 1e-4}, 1e-4, kDeBruijnTol);
  EXPECT_FALSE(c.passed) << c.detail;
  const auto empty = checks::de_bruijn(text("db"), kl, wrong, 1.0, {}, 1e-4, kDeBruijnTol);
  EXPECT_FALSE(empty.passed) << empty.detail;
}

// ------------------------------------------------------------------------------------------
// fit_weak_order, fit_decay_rate
// ------------------------------------------------------------------------------------------

const std::vector<double> kSteps{0.2, 0.1, 0.05, 0.025, 0.0125};

// e(h) = C h^p exp(b h) is exactly the fitted model log|e| = c + p log h + b h.
constexpr double kExactModelTol = 1e-10;
// e(h) = C h^p (1 + b h): log(1 + b h) = b h - (b h)²/2 + ..., so the model is off by O((b h)²)
// <= 5e-3 at h = 0.2, |b| = 0.5; the induced error in p is a fraction of that (measured 1.2e-3
// on kSteps). A plain log-log slope, without the b h column, misses p by 0.03 (checked below), so
// the tolerance separates the two.
constexpr double kWeakOrderTol = 5e-3;
// Euler–Maruyama weak order on the exact OU law: the fitted order with the b h column is within
// 4e-4 of 1 on the steps used (remaining O(h²) terms); 1e-2 as asked.
constexpr double kEmOrderTol = 1e-2;

TEST(FitWeakOrder, ExactOnTheFittedModel) {
  for (double p : {0.5, 1.0, 2.0}) {
    std::vector<double> e;
    for (double h : kSteps) e.push_back(0.3 * std::pow(h, p) * std::exp(-1.7 * h));
    EXPECT_NEAR(checks::fit_weak_order(kSteps, e), p, kExactModelTol) << "p = " << p;
  }
}

TEST(FitWeakOrder, RecoversOrderWithFirstCorrection) {
  for (double p : {1.0, 2.0}) {
    for (double b : {0.5, -0.5}) {
      std::vector<double> e, neg, logh, loge;
      for (double h : kSteps) {
        e.push_back(0.8 * std::pow(h, p) * (1 + b * h));
        neg.push_back(-e.back());
        logh.push_back(std::log(h));
        loge.push_back(std::log(e.back()));
      }
      const double fitted = checks::fit_weak_order(kSteps, e);
      EXPECT_NEAR(fitted, p, kWeakOrderTol) << "p = " << p << ", b = " << b;
      EXPECT_EQ(checks::fit_weak_order(kSteps, neg), fitted) << "the sign of the error must not matter";
      // Power: without the b h column the slope is off by more than the tolerance.
      EXPECT_GT(std::abs(stats::fit_line(logh, loge).slope - p), kWeakOrderTol) << "p = " << p << ", b = " << b;
    }
  }
}

TEST(FitWeakOrder, EulerMaruyamaOuLawHasOrderOne) {
  // Weak error of E[X_T²] at T = 1 for ULA on the OU target (a = lambda = 1) from N(1, 0.25):
  // exact law per step (theory/ula_gaussian.hpp) vs exact OU law (theory/ou.hpp).
  const th::OuParams p{1.0, 1.0};
  constexpr double kT = 1.0, kM0 = 1.0, kV0 = 0.25;
  const double exact = std::pow(th::ou_mean(kT, kM0, p), 2) + th::ou_variance(kT, kV0, p);
  const std::vector<double> steps{0.1, 0.05, 0.025, 0.0125, 0.00625};
  std::vector<double> err, err_mean;
  for (double eta : steps) {
    const auto k = static_cast<unsigned>(std::lround(kT / eta));
    const auto m = th::ula_moments(k, eta, kM0, kV0, p);
    err.push_back(m.mean * m.mean + m.variance - exact);
    err_mean.push_back(m.mean - th::ou_mean(kT, kM0, p));
  }
  EXPECT_LT(std::abs(checks::fit_weak_order(steps, err) - 1.0), kEmOrderTol);
  EXPECT_LT(std::abs(checks::fit_weak_order(steps, err_mean) - 1.0), kEmOrderTol);
}

TEST(FitWeakOrder, RejectsTooFewStepsZeroAndNonFiniteErrors) {
  EXPECT_TRUE(throws_invalid_argument_naming(
      [] { checks::fit_weak_order({0.1, 0.05, 0.025}, {0.1, 0.05, 0.025}); }, "at least 4"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [] { checks::fit_weak_order({0.1, 0.05, 0.025, 0.0125}, {0.1, 0.05, 0.025}); }, "steps"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [] { checks::fit_weak_order({0.1, 0.05, 0.025, 0.0125}, {0.1, 0.0, 0.025, 0.0125}); }, "zero"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [] { checks::fit_weak_order({0.1, 0.05, 0.025, 0.0125}, {0.1, kNaN, 0.025, 0.0125}); }, "non-finite"));
}

TEST(FitDecayRate, ExactOnExponentials) {
  for (double rate : {0.1, 0.7, 3.0}) {
    std::vector<double> t, y;
    for (int i = 0; i < 12; ++i) {
      t.push_back(0.25 * i);
      y.push_back(3.0 * std::exp(-rate * t.back()));
    }
    EXPECT_NEAR(checks::fit_decay_rate(t, y), rate, kExactModelTol) << "rate = " << rate;
  }
}

TEST(FitDecayRate, RejectsNonPositiveValues) {
  const std::vector<double> t{0, 1, 2, 3};
  for (double bad : {0.0, -1e-3, kNaN})
    EXPECT_TRUE(throws_invalid_argument_naming([&] { checks::fit_decay_rate(t, {1.0, 0.5, bad, 0.1}); },
                                               "non-positive"))
        << bad;
}

// The replica power fit recovers a known order with an interval that covers it, and its interval
// excludes a wrong order (the check built on it can fail); a non-positive mean stops the fit.
TEST(ReplicaPowerFit, RecoversTheOrderAndRejectsAWrongOne) {
  const std::vector<double> x = {0.04, 0.02, 0.01, 0.005};
  const int R = 40;
  std::mt19937_64 gen(7);
  std::normal_distribution<double> noise(0.0, 0.05);
  Eigen::MatrixXd e(R, 4);
  for (int r = 0; r < R; ++r)
    for (int j = 0; j < 4; ++j) e(r, j) = 3.0 * x[static_cast<std::size_t>(j)] * (1.0 + noise(gen));  // order 1
  const auto f = ldbench::verify::stats::fit_power_over_replicas(e, x, 1e-3);
  ASSERT_EQ(f.first_nonpositive, -1);
  EXPECT_LE(f.lo, 1.0);
  EXPECT_GE(f.hi, 1.0);
  EXPECT_LT(f.hi - f.lo, 0.2);
  EXPECT_NEAR(std::exp(f.c), 3.0, 0.3);
  EXPECT_TRUE(f.hi < 2.0 || f.lo > 2.0) << "an interval that contains order 2 cannot reject it";
  e.col(2).setConstant(-1.0);
  const auto g = ldbench::verify::stats::fit_power_over_replicas(e, x, 1e-3);
  EXPECT_EQ(g.first_nonpositive, 2);
  EXPECT_TRUE(std::isnan(g.p));
  EXPECT_EQ(g.mean.size(), 4u);
  EXPECT_THROW((void)ldbench::verify::stats::fit_power_over_replicas(e.topRows(1), x, 1e-3), std::invalid_argument);
  EXPECT_THROW((void)ldbench::verify::stats::fit_power_over_replicas(e, {1, 2}, 1e-3), std::invalid_argument);
}

// Clopper–Pearson against closed forms: x = 0 gives hi = 1 - (a/2)^{1/n}; x = n gives lo = (a/2)^{1/n};
// and the tabulated interval of 5/20 at 95% (0.0866, 0.4910).
TEST(Binomial, ClopperPearsonMatchesClosedFormsAndATable) {
  const auto z = stats::clopper_pearson(0, 100, 0.05);
  EXPECT_EQ(z.lo, 0.0);
  EXPECT_NEAR(z.hi, 1 - std::pow(0.025, 1.0 / 100), 1e-12);
  const auto f = stats::clopper_pearson(100, 100, 0.05);
  EXPECT_NEAR(f.lo, std::pow(0.025, 1.0 / 100), 1e-12);
  EXPECT_EQ(f.hi, 1.0);
  const auto m = stats::clopper_pearson(5, 20, 0.05);
  EXPECT_NEAR(m.lo, 0.0866, 5e-5);
  EXPECT_NEAR(m.hi, 0.4910, 5e-5);
  EXPECT_DOUBLE_EQ(m.mean, 0.25);
  EXPECT_THROW((void)stats::clopper_pearson(3, 2, 0.05), std::invalid_argument);
  EXPECT_THROW((void)stats::clopper_pearson(1, 2, 0.0), std::invalid_argument);
}

// P(X >= x) against direct sums of the binomial pmf, and the edge cases.
TEST(Binomial, UpperTailMatchesTheSumOfThePmf) {
  for (int n : {1, 10, 100})
    for (double p : {1e-6, 0.01, 0.3})
      for (int x = 0; x <= std::min(n, 5); ++x) {
        double tail = 0;
        for (int k = x; k <= n; ++k) tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                                                      k * std::log(p) + (n - k) * std::log1p(-p));
        EXPECT_NEAR(stats::binomial_upper_tail(x, n, p), tail, 1e-12 * std::max(1.0, tail) + 1e-300) << n << " " << p << " " << x;
      }
  EXPECT_EQ(stats::binomial_upper_tail(0, 10, 0.0), 1.0);
  EXPECT_EQ(stats::binomial_upper_tail(1, 10, 0.0), 0.0);
  // One false fail in 100 runs of a check declared at alpha = 1e-6 is 1e-4 likely: miscalibrated.
  EXPECT_NEAR(stats::binomial_upper_tail(1, 100, 1e-6), -std::expm1(100 * std::log1p(-1e-6)), 1e-16);
}

}  // namespace
}  // namespace test_stats_checks
