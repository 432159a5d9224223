// Tests for theory/kramers.hpp: Eyring–Kramers spectral-gap asymptotics for 1-D double wells and
// the Poincaré bound alpha <= rho/lambda, against a finite-difference spectral gap of the generator
// L f = lambda f'' - U' f' (theory/tests/spectral_gap_fd.hpp, Sturm bisection on the symmetric
// tridiagonal ground-state transform; grid convergence checked by halving h).
//
// Reference numbers for U = x⁴ - x² (minima ±1/sqrt2 with U'' = 4, saddle 0 with U'' = -2,
// barrier 1/4) are printed by the tests ("[gap]" lines).

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <numbers>
#include <vector>

#include "theory/kramers.hpp"
#include "theory/lsi.hpp"
#include "theory/tests/spectral_gap_fd.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_kramers {
namespace {

using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative error allowed for closed-form identities (a handful of floating-point operations).
constexpr double kClosedFormRelTol = 1e-14;

// Grid convergence of the finite-difference gap: the scheme is second order, and halving h from
// 5/1200 to 5/2400 changes the gap of x⁴ - x² by < 1e-5 relative at the temperatures used, so
// the finer value is accurate to ~1e-5; allow 1e-4 between the two grids.
constexpr double kGridRelTol = 1e-4;
constexpr int kCoarse = 1201, kFine = 2401;

// The brief's reference value of the numeric gap at lambda = 0.08 (quoted to 3 digits, hence the
// 0.5 % window) and the Kramers value 0.0396 (2 significant digits quoted: 1.5 % window).
constexpr double kGapRef008 = 0.0355, kGapRefRelTol = 5e-3;
constexpr double kKramersRef008 = 0.0396, kKramersRefRelTol = 1.5e-2;

double double_well(double x) { return x * x * x * x - x * x; }

// Tests validating the finite-difference reference itself: for U = a x²/2 (OU) the gap of -L is
// exactly a for every lambda (eigenfunction f = x), and then alpha lambda = rho (the Poincaré
// bound is attained by the Gaussian, whose LSI constant is a/lambda).
TEST(Kramers, FiniteDifferenceGapIsExactForOu) {
  // Relative error of the FD gap for the OU process on [-L, L] with L = 12 sd, n = 2401.
  constexpr double kOuRelTol = 1e-5;
  WorstError worst("FD gap vs a (OU)");
  for (double a : {0.5, 1.0, 3.0}) {
    for (double lambda : {0.1, 1.0}) {
      const double sd = std::sqrt(lambda / a);
      const double rho = spectral_gap_fd([a](double x) { return 0.5 * a * x * x; }, lambda, -12 * sd, 12 * sd, kFine);
      const double err = rel_err(rho, a);
      worst.update(err, "a " + std::to_string(a) + " lambda " + std::to_string(lambda));
      EXPECT_LE(err, kOuRelTol) << "a " << a << " lambda " << lambda;
      EXPECT_LE(rel_err(th::lsi_upper_bound_from_gap(rho, lambda), th::bakry_emery_lsi(a, lambda)), kOuRelTol);
    }
  }
}

// The Kramers relative error is 1 + c lambda + o(lambda) with c ≈ 1.4-1.9 for these wells
// (measured (ratio - 1)/lambda at lambda in [0.02, 0.08]); allow |ratio - 1| <= 2.5 lambda there.
// Above lambda ≈ 0.1 the barrier/lambda ratio is < 2.5 and the asymptotics are not yet accurate
// (ratio 0.82 at lambda = 0.3, crossing 1 near 0.17), so the error is not monotone in lambda.
constexpr double kKramersFirstOrderSlope = 2.5;

// Symmetric double well x⁴ - x²: the numeric gap is grid-converged, reproduces ~0.0355 at
// lambda = 0.08, Kramers (sum of the two escape rates = 2 k) predicts ~0.0396, and the ratio
// Kramers / numeric tends to 1 as lambda decreases: closer at 0.08 than at 0.3, closer still at
// 0.02, and within 1 + O(lambda) for lambda <= 0.08.
TEST(Kramers, SymmetricDoubleWellMatchesFiniteDifferences) {
  const std::vector<double> lambdas{0.3, 0.15, 0.08, 0.03, 0.02};
  std::vector<double> err;  // |Kramers/numeric - 1|
  double ratio_at_smallest = 0.0;
  for (double lambda : lambdas) {
    const double coarse = spectral_gap_fd(double_well, lambda, -2.5, 2.5, kCoarse);
    const double rho = spectral_gap_fd(double_well, lambda, -2.5, 2.5, kFine);
    EXPECT_LE(rel_err(coarse, rho), kGridRelTol) << "grid not converged at lambda " << lambda;
    const double kramers = th::kramers_spectral_gap_symmetric(4.0, 2.0, 0.25, lambda);
    const double ratio = kramers / rho;
    err.push_back(std::abs(ratio - 1.0));
    ratio_at_smallest = ratio;
    std::cout << "    [gap] x^4 - x^2, lambda " << lambda << ": numeric " << rho << " (coarse grid " << coarse
              << "), Kramers " << kramers << ", Kramers/numeric " << ratio << ", single-well rate/numeric "
              << 0.5 * ratio << '\n';
    if (lambda == 0.08) {
      EXPECT_LE(rel_err(rho, kGapRef008), kGapRefRelTol);
      EXPECT_LE(rel_err(kramers, kKramersRef008), kKramersRefRelTol);
    }
    if (lambda <= 0.08) {
      EXPECT_LE(err.back(), kKramersFirstOrderSlope * lambda) << "lambda " << lambda;
    }
  }
  EXPECT_LT(err[2], err[0]);  // lambda 0.08 closer to 1 than lambda 0.3
  EXPECT_LT(err[4], err[2]);  // lambda 0.02 closer than 0.08
  // The factor 2 (sum of the two rates) is the right one: the single-well rate is off by ~2x.
  EXPECT_GT(std::abs(0.5 * ratio_at_smallest - 1.0), 0.4);
}

// An asymmetric well U = x⁴ - x² + c x: the general two-state formula k_a + k_b against the
// numeric gap; the relative error shrinks from lambda = 0.08 to 0.02 and is O(lambda).
TEST(Kramers, AsymmetricDoubleWellMatchesFiniteDifferences) {
  constexpr double c = 0.1;
  auto U = [](double x) { return x * x * x * x - x * x + c * x; };
  auto dU = [](double x) { return 4 * x * x * x - 2 * x + c; };
  auto d2U = [](double x) { return 12 * x * x - 2; };
  auto newton = [&](double x) {
    for (int i = 0; i < 100; ++i) x -= dU(x) / d2U(x);
    return x;
  };
  const double xa = newton(-0.75), xz = newton(0.0), xb = newton(0.7);
  ASSERT_LT(U(xa), U(xb));  // a is the deeper well
  const th::DoubleWell1d well{U(xa), d2U(xa), U(xb), d2U(xb), U(xz), std::abs(d2U(xz))};
  double prev_err = 1e300;
  for (double lambda : {0.08, 0.03, 0.02}) {
    const double rho = spectral_gap_fd(U, lambda, -2.5, 2.5, kFine);
    const double coarse = spectral_gap_fd(U, lambda, -2.5, 2.5, kCoarse);
    EXPECT_LE(rel_err(coarse, rho), kGridRelTol);
    const double kramers = th::kramers_spectral_gap_1d(well, lambda);
    const double shallow_only = th::kramers_escape_rate(well.Uxx_b, well.Uxx_z_abs, well.U_z - well.U_b, lambda);
    std::cout << "    [gap] x^4 - x^2 + 0.1x, lambda " << lambda << ": numeric " << rho << ", Kramers k_a + k_b "
              << kramers << " (k_b alone " << shallow_only << "), ratio " << kramers / rho << '\n';
    const double err = std::abs(kramers / rho - 1.0);
    EXPECT_LT(err, prev_err) << "lambda " << lambda;
    EXPECT_LE(err, kKramersFirstOrderSlope * lambda) << "lambda " << lambda;
    prev_err = err;
  }
}

// For U = x⁴ - x² the Holley–Stroock lower bound (convex part g with g'' >= 2, bounded remainder
// l = (x² - 1)² on [-1, 1], 0 outside, osc l = 1) must lie below the Poincaré upper bound rho/lambda.
TEST(Kramers, LsiLowerBoundBelowPoincareUpperBound) {
  for (double lambda : {0.3, 0.15, 0.08}) {
    const double rho = spectral_gap_fd(double_well, lambda, -2.5, 2.5, kFine);
    const double upper = th::lsi_upper_bound_from_gap(rho, lambda);
    const double lower_osc = th::holley_stroock_lsi_osc(th::bakry_emery_lsi(2.0, lambda), 1.0 / lambda);
    const double lower_notes = th::holley_stroock_lsi_notes(th::bakry_emery_lsi(2.0, lambda), 0.5 / lambda);
    std::cout << "    [lsi] x^4 - x^2, lambda " << lambda << ": HS(notes) " << lower_notes << " <= HS(osc) "
              << lower_osc << " <= alpha <= rho/lambda " << upper << '\n';
    EXPECT_LE(lower_notes, lower_osc);
    EXPECT_LE(lower_osc, upper);
  }
}

TEST(Kramers, ClosedFormsAndSymmetricReduction) {
  const double k = th::kramers_escape_rate(4.0, 2.0, 0.25, 0.08);
  EXPECT_LE(rel_err(k, std::sqrt(8.0) / (2 * std::numbers::pi) * std::exp(-0.25 / 0.08)), kClosedFormRelTol);
  EXPECT_LE(rel_err(th::kramers_spectral_gap_symmetric(4.0, 2.0, 0.25, 0.08), 2 * k), kClosedFormRelTol);
  const th::DoubleWell1d sym{-0.25, 4.0, -0.25, 4.0, 0.0, 2.0};
  EXPECT_LE(rel_err(th::kramers_spectral_gap_1d(sym, 0.08), 2 * k), kClosedFormRelTol);
  EXPECT_LE(rel_err(th::lsi_upper_bound_from_gap(0.5, 0.25), 2.0), kClosedFormRelTol);
}

TEST(Kramers, InvalidArgumentsThrowNamingTheArgument) {
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::kramers_escape_rate(0.0, 2.0, 0.25, 0.1); }, "Uxx_min"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::kramers_escape_rate(4.0, -2.0, 0.25, 0.1); }, "Uxx_saddle_abs"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::kramers_escape_rate(4.0, 2.0, 0.0, 0.1); }, "barrier"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::kramers_spectral_gap_symmetric(4.0, 2.0, 0.25, 0.0); }, "lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::kramers_spectral_gap_1d({0.0, 1.0, 0.0, 1.0, -1.0, 1.0}, 0.1); }, "well"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::kramers_spectral_gap_1d({0.0, 0.0, 0.0, 1.0, 1.0, 1.0}, 0.1); }, "well"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::lsi_upper_bound_from_gap(std::nan(""), 1.0); }, "rho"));
}

}  // namespace
}  // namespace test_kramers
