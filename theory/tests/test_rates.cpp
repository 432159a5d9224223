// Tests for theory/rates.hpp: rate exponents s/(2s+d) (TV, minimax), (s+1-delta)/(2s+d) (W1) and
// (d+2)/(2d+2) (linear-estimator lower bound, teacher–student ReLU). Known values, limits,
// monotonicity and invalid arguments.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "theory/rates.hpp"
#include "theory/tests/test_support.hpp"

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
