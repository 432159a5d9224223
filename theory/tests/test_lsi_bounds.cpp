// Tests for the LSI sufficient conditions in theory/lsi.hpp: Bakry–Émery, Holley–Stroock (notes'
// exp(-4B) form and the sharper exp(-osc) form), the notes' bounded-perturbation example, and the
// notes' Lipschitz-perturbation + Miclo bound (encoded as written).
//
// Numerical LSI-type check: a lower bound alpha_lb on the LSI constant must satisfy
//   I(nu||pi) / (2 KL(nu||pi)) >= alpha_lb   for EVERY nu,
// so we evaluate the ratio by Gauss–Kronrod quadrature for a family of Gaussian nu = N(m, s²) and
// 1-D targets pi ∝ exp(-U/lambda), and also check alpha_lb <= rho/lambda with rho the
// finite-difference spectral gap (Poincaré bound, theory/kramers.hpp). The Gaussian family only
// probes the inequality (the infimum over all nu may be smaller), so these are necessary checks.

#include <gtest/gtest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/kramers.hpp"
#include "theory/lsi.hpp"
#include "theory/tests/spectral_gap_fd.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_lsi_bounds {
namespace {

using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative error allowed for closed-form identities (a handful of floating-point operations).
constexpr double kClosedFormRelTol = 1e-14;

// Relative quadrature error of KL and I below: adaptive 61-point Gauss–Kronrod at 1e-12 on smooth
// integrands over 16 standard deviations; the ratio is then accurate to ~1e-10, far below the
// head-room of the bounds checked, so the checks use no slack beyond this.
constexpr double kQuadRelTol = 1e-9;

double gk(const std::function<double(double)>& f, double a, double b) {
  constexpr int kPieces = 8;
  double total = 0.0;
  for (int i = 0; i < kPieces; ++i) {
    const double lo = a + (b - a) * i / kPieces, hi = a + (b - a) * (i + 1) / kPieces;
    total += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, lo, hi, 15, 1e-12);
  }
  return total;
}

// A 1-D target pi ∝ exp(-U/lambda) with its normalising constant computed by quadrature.
struct Target1d {
  std::function<double(double)> U, dU;
  double lambda;
  double lo, hi;  // interval carrying all but a negligible part of pi's mass
  double log_z = 0.0;
  void normalise() {
    double umin = std::numeric_limits<double>::infinity();
    for (int i = 0; i <= 2000; ++i) umin = std::min(umin, U(lo + (hi - lo) * i / 2000.0));
    log_z = -umin / lambda + std::log(gk([&](double x) { return std::exp(-(U(x) - umin) / lambda); }, lo, hi));
  }
};

// I(nu||pi) / (2 KL(nu||pi)) for nu = N(m, s²): with x = m + s y, y ~ N(0,1),
//   KL = E[-y²/2 - log(s sqrt(2 pi)) + U(x)/lambda + log Z],  I = E[(-y/s + U'(x)/lambda)²].
double lsi_ratio(const Target1d& t, double m, double s) {
  const double c = std::log(s * std::sqrt(2 * std::numbers::pi));
  auto phi = [](double y) { return std::exp(-0.5 * y * y) / std::sqrt(2 * std::numbers::pi); };
  const double kl = gk([&](double y) { return phi(y) * (-0.5 * y * y - c + t.U(m + s * y) / t.lambda + t.log_z); }, -8, 8);
  const double fi = gk([&](double y) {
    const double g = -y / s + t.dU(m + s * y) / t.lambda;
    return phi(y) * g * g;
  }, -8, 8);
  return fi / (2 * kl);
}

// Smallest ratio over a grid of Gaussians around pi's scale; printed with its location.
double smallest_lsi_ratio(const Target1d& t, double scale, const std::string& label) {
  double best = std::numeric_limits<double>::infinity();
  std::string where;
  for (double m : {-2.0, -1.0, -0.5, -0.2, 0.2, 0.5, 1.0, 2.0, 3.0})
    for (double s : {0.4, 0.7, 1.0, 1.4, 2.0}) {
      const double r = lsi_ratio(t, m * scale, s * scale);
      if (r < best) {
        best = r;
        where = "m " + std::to_string(m * scale) + " s " + std::to_string(s * scale);
      }
    }
  std::cout << "    [lsi ratio] " << label << ": min I/(2KL) over Gaussians " << best << " at " << where << '\n';
  return best;
}

// Bakry–Émery on U = a x²/2 gives exactly the Gaussian constant of N(0, lambda/a).
TEST(LsiBounds, BakryEmeryEqualsGaussianConstant) {
  for (double a : {0.2, 1.0, 5.0})
    for (double lambda : {0.05, 1.0, 3.0})
      EXPECT_LE(rel_err(th::bakry_emery_lsi(a, lambda), th::gaussian_lsi_constant(lambda / a)), kClosedFormRelTol);
  // KL rate 2 alpha lambda = 2 kappa, independent of lambda.
  EXPECT_LE(rel_err(th::lsi_kl_rate(th::bakry_emery_lsi(1.5, 0.3), 0.3), 3.0), kClosedFormRelTol);
}

TEST(LsiBounds, HolleyStroockFormsAndExample) {
  for (double alpha : {0.3, 1.0, 4.0})
    for (double B : {0.0, 0.1, 1.0, 3.0}) {
      EXPECT_LE(rel_err(th::holley_stroock_lsi_notes(alpha, B), alpha * std::exp(-4 * B)), kClosedFormRelTol);
      for (double frac : {0.0, 0.5, 1.0})  // any osc <= 2B
        EXPECT_GE(th::holley_stroock_lsi_osc(alpha, frac * 2 * B), th::holley_stroock_lsi_notes(alpha, B));
    }
  for (double lambda1 : {0.1, 1.0})
    for (double B : {0.0, 0.5, 2.0})
      for (double lambda : {0.2, 1.0}) {
        const double ex = th::bounded_perturbation_example_lsi(lambda1, B, lambda);
        EXPECT_LE(rel_err(ex, th::holley_stroock_lsi_notes(th::bakry_emery_lsi(2 * lambda1, lambda), B / lambda)),
                  kClosedFormRelTol);
        EXPECT_LE(rel_err(ex, 2 * lambda1 / lambda * std::exp(-4 * B / lambda)), kClosedFormRelTol);
        // The MFLD slide's bounded-case statement is exactly half of the example's value.
        EXPECT_LE(rel_err(th::notes_mfld_bounded_lsi_as_written(lambda1, lambda, B), 0.5 * ex), kClosedFormRelTol);
      }
}

// pi ∝ exp(-(lambda1 x² + B cos x)/lambda) = N(0, lambda/(2 lambda1)) e^{h}/Z, h = -B cos(x)/lambda,
// |h| <= B/lambda, osc h = 2|B|/lambda. Both Holley–Stroock bounds must sit below every Gaussian
// LSI ratio and below rho/lambda. (lambda1, lambda) = (0.5, 1) is N(0,1) perturbed by ±B cos x.
TEST(LsiBounds, HolleyStroockBoundHoldsNumerically) {
  struct Case { double lambda1, B, lambda; };
  double smallest_headroom = std::numeric_limits<double>::infinity();
  for (const Case c : {Case{0.5, 0.5, 1.0}, Case{0.5, -0.5, 1.0}, Case{0.5, 1.0, 1.0}, Case{0.5, 2.0, 1.0},
                       Case{1.0, 0.3, 0.3}, Case{1.0, -0.3, 0.3}}) {
    Target1d t{[c](double x) { return c.lambda1 * x * x + c.B * std::cos(x); },
               [c](double x) { return 2 * c.lambda1 * x - c.B * std::sin(x); }, c.lambda, 0.0, 0.0};
    const double sd = std::sqrt(c.lambda / (2 * c.lambda1));
    t.lo = -16 * sd - 4;
    t.hi = 16 * sd + 4;
    t.normalise();
    const double alpha_nu = th::bakry_emery_lsi(2 * c.lambda1, c.lambda);
    const double hs_osc = th::holley_stroock_lsi_osc(alpha_nu, 2 * std::abs(c.B) / c.lambda);
    const double hs_notes = th::holley_stroock_lsi_notes(alpha_nu, std::abs(c.B) / c.lambda);
    const std::string label = "lambda1 " + std::to_string(c.lambda1) + " B " + std::to_string(c.B) + " lambda " +
                              std::to_string(c.lambda);
    const double ratio = smallest_lsi_ratio(t, sd, label);
    const double rho = spectral_gap_fd(t.U, c.lambda, t.lo, t.hi, 4001);
    std::cout << "      HS(osc) " << hs_osc << ", HS(notes) " << hs_notes << ", rho/lambda " << rho / c.lambda
              << ", min ratio / HS(osc) " << ratio / hs_osc << '\n';
    EXPECT_GE(ratio * (1 + kQuadRelTol), hs_osc) << label;
    EXPECT_GE(hs_osc, hs_notes) << label;
    EXPECT_GE(rho / c.lambda * (1 + kQuadRelTol), hs_osc) << label;
    smallest_headroom = std::min(smallest_headroom, ratio / hs_osc);
  }
  std::cout << "    [lsi ratio] smallest (min Gaussian ratio) / HS(osc) over cases: " << smallest_headroom << '\n';
}

// The notes' Lipschitz + Miclo bound in d = 1: pi ∝ exp(-(lambda1 x² + R sin x)/lambda2), whose
// perturbation R sin x is R-Lipschitz. Both terms (and hence the max) must sit below every
// Gaussian LSI ratio and below rho/lambda2.
TEST(LsiBounds, LipschitzMicloBoundHoldsNumerically) {
  struct Case { double lambda1, lambda2, R; };
  for (const Case c : {Case{1.0, 1.0, 1.0}, Case{0.5, 0.2, 1.0}, Case{1.0, 0.5, 3.0}, Case{1.0, 1.0, 0.2}}) {
    Target1d t{[c](double x) { return c.lambda1 * x * x + c.R * std::sin(x); },
               [c](double x) { return 2 * c.lambda1 * x + c.R * std::cos(x); }, c.lambda2, 0.0, 0.0};
    const double sd = std::sqrt(c.lambda2 / (2 * c.lambda1));
    const double shift = c.R / (2 * c.lambda1);  // the minimiser moves by at most R/(2 lambda1)
    t.lo = -16 * sd - shift - 4;
    t.hi = 16 * sd + shift + 4;
    t.normalise();
    const auto b = th::notes_lipschitz_miclo_lsi_as_written(c.lambda1, c.lambda2, c.R, 1);
    const std::string label = "lambda1 " + std::to_string(c.lambda1) + " lambda2 " + std::to_string(c.lambda2) +
                              " R " + std::to_string(c.R);
    const double ratio = smallest_lsi_ratio(t, sd, label);
    const double rho = spectral_gap_fd(t.U, c.lambda2, t.lo, t.hi, 4001);
    std::cout << "      Miclo term " << b.miclo_term << ", Lipschitz term " << b.lipschitz_term << ", rho/lambda2 "
              << rho / c.lambda2 << '\n';
    EXPECT_TRUE(b.lipschitz_term_applies) << label;
    EXPECT_EQ(b.value, std::max(b.miclo_term, b.lipschitz_term));
    EXPECT_GE(ratio * (1 + kQuadRelTol), b.value) << label;
    EXPECT_GE(rho / c.lambda2 * (1 + kQuadRelTol), b.value) << label;
    // Our derivation of the Miclo term gives twice the slide's prefactor (see theory/lsi.hpp).
    const double derived = (c.lambda1 / c.lambda2) *
                           std::exp(-4 * c.R * c.R / (c.lambda1 * c.lambda2) * std::sqrt(2 / std::numbers::pi));
    EXPECT_LE(rel_err(b.miclo_term, 0.5 * derived), kClosedFormRelTol);
  }
}

TEST(LsiBounds, LipschitzMicloClosedFormAndDegenerateBraces) {
  // lambda1 = lambda2 = R = d = 1: miclo = 0.5 exp(-4 sqrt(2/pi)),
  // lipschitz = 1 / (4 + e^{1/2} (1 + sqrt 2)² (2 + 1 + 0 + 4)).
  const auto b = th::notes_lipschitz_miclo_lsi_as_written(1.0, 1.0, 1.0, 1);
  EXPECT_LE(rel_err(b.miclo_term, 0.5 * std::exp(-4 * std::sqrt(2 / std::numbers::pi))), kClosedFormRelTol);
  const double a = 1 + std::sqrt(2.0);
  EXPECT_LE(rel_err(b.lipschitz_term, 1 / (4 + std::exp(0.5) * a * a * 7)), kClosedFormRelTol);
  // lambda2 << lambda1 in d = 10 with R = 0: the bracket 2 + d + (d/2) log(lambda2/lambda1) < 0,
  // the slide's second term is meaningless and is dropped.
  const auto deg = th::notes_lipschitz_miclo_lsi_as_written(1.0, 1e-3, 0.0, 10);
  EXPECT_FALSE(deg.lipschitz_term_applies);
  EXPECT_EQ(deg.lipschitz_term, 0.0);
  EXPECT_EQ(deg.value, deg.miclo_term);
  // With R = 0 the target is N(0, lambda2/(2 lambda1)), alpha = 2 lambda1/lambda2 exactly; the
  // slide's bound must not exceed it.
  for (int d : {1, 3, 10})
    for (double lambda2 : {0.1, 1.0, 10.0})
      EXPECT_LE(th::notes_lipschitz_miclo_lsi_as_written(1.0, lambda2, 0.0, d).value, 2.0 / lambda2);
}

TEST(LsiBounds, InvalidArgumentsThrowNamingTheArgument) {
  const double nan = std::nan("");
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::bakry_emery_lsi(0.0, 1.0); }, "kappa"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::bakry_emery_lsi(-1.0, 1.0); }, "kappa"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::bakry_emery_lsi(1.0, 0.0); }, "lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::holley_stroock_lsi_notes(0.0, 1.0); }, "alpha_nu"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::holley_stroock_lsi_notes(1.0, -0.1); }, "B"));
  EXPECT_TRUE(throws_invalid_argument_naming([nan] { th::holley_stroock_lsi_osc(1.0, nan); }, "osc"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::holley_stroock_lsi_osc(-2.0, 1.0); }, "alpha_nu"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::bounded_perturbation_example_lsi(0.0, 1.0, 1.0); }, "lambda1"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::bounded_perturbation_example_lsi(1.0, -1.0, 1.0); }, "B"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::bounded_perturbation_example_lsi(1.0, 1.0, 0.0); }, "lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::notes_mfld_bounded_lsi_as_written(1.0, 1.0, -1.0); }, "R"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::notes_lipschitz_miclo_lsi_as_written(0.0, 1.0, 1.0, 1); }, "lambda1"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::notes_lipschitz_miclo_lsi_as_written(1.0, 0.0, 1.0, 1); }, "lambda2"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::notes_lipschitz_miclo_lsi_as_written(1.0, 1.0, -1.0, 1); }, "R"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::notes_lipschitz_miclo_lsi_as_written(1.0, 1.0, 1.0, 0); }, "d"));
}

}  // namespace
}  // namespace test_lsi_bounds
