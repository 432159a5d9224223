// Tests for theory/rates.hpp: rate exponents s/(2s+d) (TV, minimax), (s+1-delta)/(2s+d) (W1) and
// (d+2)/(2d+2) (linear-estimator lower bound, teacher–student ReLU) and the two-phase GLD risk shape
// sigma_min^{-4} m^5 log(n)/n. Known values, limits, monotonicity, the fitted log-log slope of the
// GLD risk against the linear estimators' exponent, and invalid arguments.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "theory/rates.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_rates {
namespace {

using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative tolerance for rational values computed with two or three floating-point operations.
constexpr double kExactRelTol = 1e-15;

// Distance from the limit 1/2 allowed at d = 1e8 for (d+2)/(2d+2) = 1/2 + 1/(2d+2) (= 5e-9 there).
constexpr double kLimitAbsTol = 1e-8;

TEST(Rates, KnownValues) {
  EXPECT_LE(rel_err(th::linear_estimator_lower_bound_exponent(1), 3.0 / 4.0), kExactRelTol);
  // The notes' "For d = 2: n^{-2/3}".
  EXPECT_LE(rel_err(th::linear_estimator_lower_bound_exponent(2), 2.0 / 3.0), kExactRelTol);
  EXPECT_LE(rel_err(th::linear_estimator_lower_bound_exponent(10), 12.0 / 22.0), kExactRelTol);
  EXPECT_LE(rel_err(th::minimax_tv_rate_exponent(1.0, 1), 1.0 / 3.0), kExactRelTol);
  EXPECT_LE(rel_err(th::minimax_tv_rate_exponent(2.0, 3), 2.0 / 7.0), kExactRelTol);
  EXPECT_LE(rel_err(th::minimax_w1_rate_exponent(1.0, 1, 0.5), 1.5 / 3.0), kExactRelTol);
  EXPECT_LE(rel_err(th::minimax_w1_rate_exponent(2.0, 4, 0.25), 2.75 / 8.0), kExactRelTol);
}

TEST(Rates, LimitsAndMonotonicity) {
  // Linear estimator: (d+2)/(2d+2) decreases to 1/2 as d -> inf.
  EXPECT_NEAR(th::linear_estimator_lower_bound_exponent(100000000), 0.5, kLimitAbsTol);
  for (int d = 1; d < 1000; ++d) {
    EXPECT_GT(th::linear_estimator_lower_bound_exponent(d), th::linear_estimator_lower_bound_exponent(d + 1));
    EXPECT_GT(th::linear_estimator_lower_bound_exponent(d), 0.5);
  }
  // TV: s/(2s+d) -> 1/2 as s -> inf (parametric rate), -> 0 as d -> inf; increasing in s.
  EXPECT_NEAR(th::minimax_tv_rate_exponent(1e9, 3), 0.5, kLimitAbsTol);
  EXPECT_LT(th::minimax_tv_rate_exponent(1.0, 1000000), 1e-5);
  EXPECT_LT(th::minimax_tv_rate_exponent(1.0, 2), th::minimax_tv_rate_exponent(2.0, 2));
  // W1 as delta -> 0 exceeds TV by exactly 1/(2s+d) (the extra order of a Lipschitz test class).
  EXPECT_NEAR(th::minimax_w1_rate_exponent(1.5, 3, 1e-12) - th::minimax_tv_rate_exponent(1.5, 3), 1.0 / 6.0, 1e-11);
  EXPECT_GT(th::minimax_w1_rate_exponent(1.5, 3, 0.1), th::minimax_w1_rate_exponent(1.5, 3, 0.2));
}

// The GLD risk's local log-log slope -d log R / d log n = 1 - 1/log n tends to 1 (fitted by least
// squares over n = 1e6..1e12 it is within 0.07 of 1), strictly steeper than every linear
// estimator's lower-bound exponent (<= 3/4): the notes' "superiority to kernel methods".
TEST(Rates, TwoPhaseGldRiskBeatsLinearEstimators) {
  EXPECT_LE(rel_err(th::two_phase_gld_risk_unit_constant(0.5, 2, 100.0), 16.0 * 32.0 * std::log(100.0) / 100.0), kExactRelTol);
  std::vector<double> lx, ly;
  for (double n = 1e6; n <= 1e12; n *= 10) {
    lx.push_back(std::log(n));
    ly.push_back(std::log(th::two_phase_gld_risk_unit_constant(1.0, 3, n)));
  }
  const double slope = -ls_slope(lx, ly);
  EXPECT_NEAR(slope, 1.0, 0.07);
  for (int d = 1; d <= 100; ++d) EXPECT_GT(slope, th::linear_estimator_lower_bound_exponent(d) + 0.1);
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::two_phase_gld_risk_unit_constant(0.0, 1, 10.0); }, "sigma_min:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::two_phase_gld_risk_unit_constant(1.0, 0, 10.0); }, "m:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::two_phase_gld_risk_unit_constant(1.0, 1, 1.0); }, "n:"));
}

TEST(Rates, InvalidArguments) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::linear_estimator_lower_bound_exponent(0); }, "d:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::linear_estimator_lower_bound_exponent(-3); }, "d:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minimax_tv_rate_exponent(0.0, 1); }, "s:"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::minimax_tv_rate_exponent(nan, 1); }, "s:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minimax_tv_rate_exponent(1.0, 0); }, "d:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minimax_w1_rate_exponent(-1.0, 1, 0.1); }, "s:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minimax_w1_rate_exponent(1.0, 0, 0.1); }, "d:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minimax_w1_rate_exponent(1.0, 1, 0.0); }, "delta:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minimax_w1_rate_exponent(1.0, 1, 2.0); }, "delta:"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::minimax_w1_rate_exponent(1.0, 1, nan); }, "delta:"));
}

}  // namespace
}  // namespace test_rates
