// Tests for theory/variance_reduction.hpp: leading terms (constants and logs set to 1) of the
// gradient complexities in the notes' slide "分散縮小勾配法の収束レート":
//   GLD (Vempala–Wibisono):     (n d / eps) gamma² L² / alpha²
//   SVRG-LD / SARAH-LD:         (n + sqrt(n) d / eps) gamma² L² / alpha²
// and the inner-loop length / batch size ceil(sqrt(n)). Checks: hand-computed values;
// monotonicity in n, d, eps; the ratio VR/GLD = eps/d + n^{-1/2} has log-log slope -1/2 in n when
// the sqrt(n) term dominates (the notes' "sqrt(n) 倍高速"); consistency of the GLD leading term
// with the exact VW iteration count of theory/discretization.hpp (ratio -> 16 log(2 KL0/eps));
// invalid arguments.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "theory/discretization.hpp"
#include "theory/tests/test_support.hpp"
#include "theory/variance_reduction.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_variance_reduction {
namespace {

using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative tolerance for closed-form values (a handful of floating-point operations).
constexpr double kClosedFormRelTol = 1e-14;

// Accepted distance of the fitted log-log slope of VR/GLD in n from -1/2. With eps/d = 1e-7 and
// n <= 1e7 the constant term eps/d is at most 3e-4 of n^{-1/2}, which moves the slope by < 1e-3.
constexpr double kSlopeTol = 0.01;

// Relative tolerance for (VW exact count) / (16 log(2 KL0/eps) × GLD leading) -> 1: the only
// difference is the ceil() of the iteration count, i.e. < 1/k <= 1e-4 for the inputs below.
constexpr double kVwConsistencyRelTol = 1e-4;

TEST(VrComplexity, HandComputedValues) {
  // n = 100, d = 2, eps = 0.5, gamma = 2, L = 3, alpha = 1.5: gamma² L² / alpha² = 16.
  EXPECT_LE(rel_err(th::gld_gradient_complexity_leading(100, 2, 0.5, 2.0, 3.0, 1.5), 100.0 * 2 / 0.5 * 16),
            kClosedFormRelTol);
  EXPECT_LE(rel_err(th::svrg_ld_gradient_complexity_leading(100, 2, 0.5, 2.0, 3.0, 1.5), (100.0 + 10 * 2 / 0.5) * 16),
            kClosedFormRelTol);
  EXPECT_EQ(th::sarah_ld_gradient_complexity_leading(100, 2, 0.5, 2.0, 3.0, 1.5),
            th::svrg_ld_gradient_complexity_leading(100, 2, 0.5, 2.0, 3.0, 1.5));
  EXPECT_LE(rel_err(th::vr_ld_gradient_complexity_leading_literal_sqrt_nd(100, 2, 0.5, 2.0, 3.0, 1.5),
                    (100.0 + std::sqrt(200.0) / 0.5) * 16),
            kClosedFormRelTol);
}

TEST(VrComplexity, Monotonicity) {
  using Fn = double (*)(std::uint64_t, int, double, double, double, double);
  const std::vector<Fn> fns{th::gld_gradient_complexity_leading, th::svrg_ld_gradient_complexity_leading,
                            th::sarah_ld_gradient_complexity_leading,
                            th::vr_ld_gradient_complexity_leading_literal_sqrt_nd};
  const std::vector<std::uint64_t> ns{1, 10, 1000, 100000, 10000000};
  const std::vector<int> ds{1, 2, 10, 100};
  const std::vector<double> epss{1.0, 0.1, 1e-3, 1e-6};
  for (Fn f : fns) {
    for (std::size_t i = 0; i < ns.size(); ++i)
      for (std::size_t j = 0; j < ds.size(); ++j)
        for (std::size_t k = 0; k < epss.size(); ++k) {
          const double c = f(ns[i], ds[j], epss[k], 1.5, 2.0, 0.7);
          if (i + 1 < ns.size()) {  // grows with n
            EXPECT_LT(c, f(ns[i + 1], ds[j], epss[k], 1.5, 2.0, 0.7));
          }
          if (j + 1 < ds.size()) {  // grows with d
            EXPECT_LT(c, f(ns[i], ds[j + 1], epss[k], 1.5, 2.0, 0.7));
          }
          if (k + 1 < epss.size()) {  // grows as eps falls
            EXPECT_LT(c, f(ns[i], ds[j], epss[k + 1], 1.5, 2.0, 0.7));
          }
        }
  }
  // VR/GLD = eps/d + n^{-1/2}: here 1e-4 + 1e-3 < 1, so VR's leading term is smaller.
  EXPECT_LT(th::svrg_ld_gradient_complexity_leading(1000000, 10, 1e-3, 1, 1, 1),
            th::gld_gradient_complexity_leading(1000000, 10, 1e-3, 1, 1, 1));
}

TEST(VrComplexity, RatioToGldScalesLikeInverseSqrtN) {
  std::vector<double> log_n, log_ratio;
  const int d = 10;
  const double eps = 1e-6;  // eps/d = 1e-7 << n^{-1/2} >= 3.2e-4 on the range
  for (int i = 0; i <= 40; ++i) {
    const double n_real = std::pow(10.0, 3.0 + 4.0 * i / 40.0);
    const auto n = static_cast<std::uint64_t>(std::llround(n_real));
    const double ratio = th::svrg_ld_gradient_complexity_leading(n, d, eps, 1.0, 1.0, 1.0) /
                         th::gld_gradient_complexity_leading(n, d, eps, 1.0, 1.0, 1.0);
    log_n.push_back(std::log(static_cast<double>(n)));
    log_ratio.push_back(std::log(ratio));
  }
  const double slope = ls_slope(log_n, log_ratio);
  std::cout << "    [slope] log(VR/GLD) vs log n over n in [1e3, 1e7]: " << slope << '\n';
  EXPECT_NEAR(slope, -0.5, kSlopeTol);
  // In the opposite regime (n term dominates: eps/d >> n^{-1/2}) the ratio is flat, eps/d.
  std::vector<double> log_ratio_flat;
  for (double ln : log_n) {
    const auto n = static_cast<std::uint64_t>(std::llround(std::exp(ln)));
    log_ratio_flat.push_back(std::log(th::svrg_ld_gradient_complexity_leading(n, 1, 10.0, 1, 1, 1) /
                                      th::gld_gradient_complexity_leading(n, 1, 10.0, 1, 1, 1)));
  }
  EXPECT_NEAR(ls_slope(log_n, log_ratio_flat), 0.0, kSlopeTol);
}

// The Õ of the GLD entry hides exactly 16 log(2 KL0/eps) (VW Corollary with h = alpha eps/(16 d L_f²)):
// with L_f = gamma L the exact count n k of vw_ula_gradient_evaluations equals
// 16 log(2 KL0/eps) × gld_gradient_complexity_leading up to the ceil() of k.
TEST(VrComplexity, GldLeadingMatchesVwCorollary) {
  struct P { std::uint64_t n; int d; double eps, gamma, L, alpha, kl0; };
  for (const P& q : std::vector<P>{{1000, 5, 0.01, 2.0, 1.5, 0.8, 10.0}, {50, 1, 1e-3, 1.0, 1.0, 1.0, 3.0},
                                   {100000, 20, 0.05, 0.5, 4.0, 0.1, 100.0}}) {
    const double exact = th::vw_ula_gradient_evaluations(q.eps, q.kl0, q.alpha, q.gamma * q.L, q.d, q.n);
    const double leading = th::gld_gradient_complexity_leading(q.n, q.d, q.eps, q.gamma, q.L, q.alpha);
    const double want = 16.0 * std::log(2.0 * q.kl0 / q.eps) * leading;
    EXPECT_GE(exact, want * (1 - kClosedFormRelTol));  // ceil() only rounds up
    EXPECT_LE(rel_err(exact, want), kVwConsistencyRelTol) << "n=" << q.n << " d=" << q.d;
  }
}

TEST(VrLoopSizes, CeilSqrtN) {
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> cases{
      {1, 1}, {2, 2}, {4, 2}, {5, 3}, {100, 10}, {101, 11}, {1000000, 1000}, {999999, 1000},
      {1000001, 1001}, {(1ull << 62), (1ull << 31)}, {(1ull << 62) + 1, (1ull << 31) + 1}};
  for (auto [n, m] : cases) {
    EXPECT_EQ(th::vr_inner_loop_length(n), m) << "n=" << n;
    EXPECT_EQ(th::vr_batch_size(n), m) << "n=" << n;
  }
}

TEST(VrErrors, InvalidArguments) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::gld_gradient_complexity_leading(0, 1, 0.1, 1, 1, 1); }, "n:"));
  EXPECT_TRUE(
      throws_invalid_argument_naming([] { th::svrg_ld_gradient_complexity_leading(10, 0, 0.1, 1, 1, 1); }, "d:"));
  EXPECT_TRUE(
      throws_invalid_argument_naming([] { th::svrg_ld_gradient_complexity_leading(10, 1, 0.0, 1, 1, 1); }, "eps:"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { th::sarah_ld_gradient_complexity_leading(10, 1, 0.1, nan, 1, 1); }, "gamma:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::gld_gradient_complexity_leading(10, 1, 0.1, 1, -1, 1); }, "L:"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { th::vr_ld_gradient_complexity_leading_literal_sqrt_nd(10, 1, 0.1, 1, 1, inf); }, "alpha:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vr_inner_loop_length(0); }, "n:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vr_batch_size(0); }, "n:"));
}

}  // namespace
}  // namespace test_variance_reduction
