// Tests for theory/gaussian_mixture.hpp: 1-D Gaussian mixtures, their exact law under the OU
// flow (each component follows theory/ou.hpp), and KL / relative Fisher information to the
// centred Gaussian N(0, v) computed by Gauss–Kronrod quadrature inside theory/.
//
// Checks: a one-component mixture reproduces the Gaussian closed forms of theory/gaussian.hpp;
// bimodal KL/Fisher agree with an independent tanh-sinh quadrature written here (plain sums of
// densities, no log-sum-exp); density, mean and variance agree with quadrature moments; the
// mixture moments follow the 1-D OU moment flow; the de Bruijn identity
// d/dt KL(p_t||pi) = -lambda I(p_t||pi) and the LSI decay hold along the exact mixture flow; and
// score() is the derivative of log_density().

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/gaussian_mixture.hpp"
#include "theory/lsi.hpp"
#include "theory/ou.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_gaussian_mixture {
namespace {

using ldbench::theory::Gaussian;
using ldbench::theory::GaussianMixture1d;
using ldbench::theory::OuParams;
using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative error allowed between quadrature-based KL/Fisher of a one-component mixture and the
// Gaussian closed forms (the header promises ~1e-10 relative accuracy).
constexpr double kOneComponentRelTol = 1e-9;

// Absolute error allowed where the exact value is 0 (a mixture equal to the target).
constexpr double kZeroAbsTol = 1e-12;

// Relative error allowed between theory's Gauss–Kronrod results and the independent tanh-sinh
// quadrature of this file (both are asked for ~1e-13).
constexpr double kCrossQuadratureRelTol = 1e-9;

// Relative error allowed for moment identities of the mixture (sums of a few products).
constexpr double kMomentRelTol = 1e-12;

// de Bruijn: central difference in t with step h = 1e-4 against -lambda I. Truncation
// (h²/6)|KL'''|/|KL'| <= (h²/6)(4a)² ~ 1e-7 for a <= 2 (the mixture's moments relax at rates
// up to 2a); quadrature noise ~1e-13 relative in KL divided by 2h gives ~1e-9. The tolerance
// leaves a margin of ~10 over both.
constexpr double kDeBruijnRelTol = 1e-6;

// score() vs central difference of log_density() with step h = 1e-5: truncation (h²/6)|(log
// p)'''| and rounding eps |log p| / h; both below 1e-8 in units of max(1, |score|) for the
// points below (|log p| <= ~1e3).
constexpr double kScoreTol = 1e-7;

const GaussianMixture1d kBimodal{{0.3, 0.7}, {-2.0, 1.5}, {0.25, 0.6}};
const GaussianMixture1d kTrimodal{{0.2, 0.5, 0.3}, {-4.0, 0.0, 3.0}, {0.1, 1.0, 0.5}};

GaussianMixture1d single(double m, double s2) { return {{1.0}, {m}, {s2}}; }

// Density of the mixture written as a plain sum (no log-sum-exp), and its derivative.
double pdf(const GaussianMixture1d& p, double x) {
  double s = 0;
  for (std::size_t j = 0; j < p.weights.size(); ++j) {
    const double r = x - p.means[j];
    s += p.weights[j] * std::exp(-0.5 * r * r / p.variances[j]) / std::sqrt(2 * std::numbers::pi * p.variances[j]);
  }
  return s;
}
double dpdf(const GaussianMixture1d& p, double x) {
  double s = 0;
  for (std::size_t j = 0; j < p.weights.size(); ++j) {
    const double r = x - p.means[j];
    s += p.weights[j] * std::exp(-0.5 * r * r / p.variances[j]) / std::sqrt(2 * std::numbers::pi * p.variances[j]) *
         (-r / p.variances[j]);
  }
  return s;
}

// ∫ f over R for a mixture: tanh-sinh on finite panels cut at the component means, over an
// interval outside which the mixture and N(0, v) carry no mass in double precision (40 sd).
template <class F>
double integrate_mixture(const GaussianMixture1d& p, double v, F f) {
  double lo = -40 * std::sqrt(v), hi = 40 * std::sqrt(v);
  for (std::size_t j = 0; j < p.means.size(); ++j) {
    lo = std::min(lo, p.means[j] - 40 * std::sqrt(p.variances[j]));
    hi = std::max(hi, p.means[j] + 40 * std::sqrt(p.variances[j]));
  }
  std::vector<double> cuts{lo, hi};
  cuts.insert(cuts.end(), p.means.begin(), p.means.end());
  std::sort(cuts.begin(), cuts.end());
  boost::math::quadrature::tanh_sinh<double> rule;
  double total = 0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double a = cuts[i], w = cuts[i + 1] - a;
    if (!(w > 0)) continue;
    // Each panel is mapped to [0, 1]: Boost 1.74's finite-interval tanh-sinh can evaluate at an
    // endpoint (and trips a BOOST_ASSERT in debug builds) when |a| >= 0.5, but not on [0, 1].
    total += w * rule.integrate([&](double y) { return f(a + w * y); }, 0.0, 1.0, 1e-13);
  }
  return total;
}

// KL(p||N(0, v)) and I(p||N(0, v)) from their definitions.
double kl_reference(const GaussianMixture1d& p, double v) {
  return integrate_mixture(p, v, [&](double x) {
    const double px = pdf(p, x);
    if (px == 0.0) return 0.0;
    return px * (std::log(px) + 0.5 * x * x / v + 0.5 * std::log(2 * std::numbers::pi * v));
  });
}
double fisher_reference(const GaussianMixture1d& p, double v) {
  return integrate_mixture(p, v, [&](double x) {
    const double px = pdf(p, x);
    if (px == 0.0) return 0.0;
    const double diff = dpdf(p, x) / px + x / v;
    return px * diff * diff;
  });
}

// ---------------------------------------------------------------------------------------------

// With one component N(m, s2), KL and Fisher to N(0, v) are the Gaussian closed forms.
TEST(GaussianMixture, OneComponentMatchesGaussianClosedForms) {
  struct Case {
    double m, s2, v;
  };
  WorstError worst("one-component mixture vs Gaussian closed forms, relative");
  for (const Case& c : {Case{0.0, 1.0, 1.0}, Case{0.5, 1.0, 1.0}, Case{2.0, 0.3, 1.5}, Case{-1.0, 4.0, 0.5},
                        Case{3.0, 0.01, 1.0}, Case{0.0, 0.2, 2.0}}) {
    const GaussianMixture1d p = single(c.m, c.s2);
    const Gaussian g = Gaussian::isotropic(1, c.m, c.s2), q = Gaussian::isotropic(1, 0.0, c.v);
    const double kl = th::kl_to_centered_gaussian(p, c.v), fi = th::fisher_to_centered_gaussian(p, c.v);
    const std::string where = "(m, s2, v) = (" + std::to_string(c.m) + ", " + std::to_string(c.s2) + ", " +
                              std::to_string(c.v) + ")";
    if (c.m == 0.0 && c.s2 == c.v) {
      EXPECT_NEAR(kl, 0.0, kZeroAbsTol) << where;
      EXPECT_NEAR(fi, 0.0, kZeroAbsTol) << where;
      continue;
    }
    worst.update(rel_err(kl, th::kl(g, q)), where);
    worst.update(rel_err(fi, th::relative_fisher(g, q)), where);
    EXPECT_LE(rel_err(kl, th::kl(g, q)), kOneComponentRelTol) << where;
    EXPECT_LE(rel_err(fi, th::relative_fisher(g, q)), kOneComponentRelTol) << where;
    EXPECT_LE(rel_err(p.log_density(0.3), th::log_density(g, Eigen::VectorXd::Constant(1, 0.3))), kMomentRelTol)
        << where;
  }
}

// Multimodal mixtures: theory's Gauss–Kronrod KL and Fisher agree with the definitions
// integrated here by tanh-sinh.
TEST(GaussianMixture, MultimodalKlAndFisherMatchIndependentQuadrature) {
  WorstError worst("multimodal KL/Fisher vs tanh-sinh reference, relative");
  for (const GaussianMixture1d& p : {kBimodal, kTrimodal})
    for (double v : {0.5, 1.0, 3.0}) {
      const std::string where = std::to_string(p.weights.size()) + " components, v = " + std::to_string(v);
      const double kl = th::kl_to_centered_gaussian(p, v), kl_ref = kl_reference(p, v);
      const double fi = th::fisher_to_centered_gaussian(p, v), fi_ref = fisher_reference(p, v);
      worst.update(rel_err(kl, kl_ref), where);
      worst.update(rel_err(fi, fi_ref), where);
      EXPECT_LE(rel_err(kl, kl_ref), kCrossQuadratureRelTol) << where;
      EXPECT_LE(rel_err(fi, fi_ref), kCrossQuadratureRelTol) << where;
    }
}

// exp(log_density) integrates to 1 and has mean mean() and variance variance(); and mean() and
// variance() are Σ w m and Σ w (s2 + (m - mean)²) (law of total variance).
TEST(GaussianMixture, DensityIsNormalizedWithStatedMoments) {
  for (const GaussianMixture1d& p : {kBimodal, kTrimodal}) {
    auto density = [&](double x) { return std::exp(p.log_density(x)); };
    const double mass = integrate_mixture(p, 1.0, density);
    const double mean = integrate_mixture(p, 1.0, [&](double x) { return x * density(x); });
    const double var =
        integrate_mixture(p, 1.0, [&](double x) { return (x - p.mean()) * (x - p.mean()) * density(x); });
    EXPECT_NEAR(mass, 1.0, kCrossQuadratureRelTol);
    EXPECT_NEAR(mean, p.mean(), kCrossQuadratureRelTol * std::sqrt(p.variance()));
    EXPECT_LE(rel_err(var, p.variance()), kCrossQuadratureRelTol);
    // Pointwise: log-sum-exp log density equals the log of the plain sum.
    for (double x : {-5.0, -2.0, 0.0, 1.0, 4.0}) EXPECT_LE(rel_err(p.log_density(x), std::log(pdf(p, x))), kMomentRelTol);
  }
  EXPECT_LE(rel_err(kBimodal.mean(), 0.3 * -2.0 + 0.7 * 1.5), kMomentRelTol);
  const double m = kBimodal.mean();
  EXPECT_LE(rel_err(kBimodal.variance(), 0.3 * (0.25 + (-2.0 - m) * (-2.0 - m)) + 0.7 * (0.6 + (1.5 - m) * (1.5 - m))),
            kMomentRelTol);
}

// The OU flow is linear, so the mixture's overall mean and variance follow the 1-D flow:
// mean_t = ou_mean(t, mean_0), var_t = ou_variance(t, var_0); each component follows it too.
TEST(GaussianMixture, OuMixtureLawFollowsMomentFlow) {
  for (const OuParams& p : {OuParams{1.0, 1.0}, OuParams{2.0, 0.5}, OuParams{0.3, 2.0}})
    for (const GaussianMixture1d& start : {kBimodal, kTrimodal})
      for (double t : {0.0, 0.1, 1.0, 5.0}) {
        const GaussianMixture1d g = th::ou_mixture_law(start, t, p);
        const std::string where = "a " + std::to_string(p.a) + " t " + std::to_string(t);
        EXPECT_NO_THROW(g.validate()) << where;
        EXPECT_EQ(g.weights, start.weights) << where;
        EXPECT_LE(std::abs(g.mean() - th::ou_mean(t, start.mean(), p)), kMomentRelTol * std::sqrt(g.variance())) << where;
        EXPECT_LE(rel_err(g.variance(), th::ou_variance(t, start.variance(), p)), kMomentRelTol) << where;
        for (std::size_t j = 0; j < start.weights.size(); ++j) {
          EXPECT_LE(std::abs(g.means[j] - th::ou_mean(t, start.means[j], p)), kMomentRelTol * std::abs(start.means[j]))
              << where;
          EXPECT_LE(rel_err(g.variances[j], th::ou_variance(t, start.variances[j], p)), kMomentRelTol) << where;
        }
      }
}

// de Bruijn identity along the exact mixture flow, pi = N(0, lambda/a):
//   d/dt KL(p_t||pi) = -lambda I(p_t||pi),
// by a central difference in t; plus the Gaussian-LSI decay KL(p_t||pi) <= e^{-2at} KL(p_0||pi).
TEST(GaussianMixture, DeBruijnIdentityAndLsiDecayForBimodalStart) {
  constexpr double h = 1e-4;
  WorstError worst("mixture de Bruijn central difference vs -lambda I, relative");
  for (const OuParams& p : {OuParams{1.0, 1.0}, OuParams{2.0, 0.5}}) {
    const double v = p.stationary_variance();
    const double alpha = th::gaussian_lsi_constant(v);
    for (const GaussianMixture1d& start : {kBimodal, kTrimodal}) {
      const double kl0 = th::kl_to_centered_gaussian(start, v);
      for (double t : {0.05, 0.3, 1.0}) {
        const double dkl = (th::kl_to_centered_gaussian(th::ou_mixture_law(start, t + h, p), v) -
                            th::kl_to_centered_gaussian(th::ou_mixture_law(start, t - h, p), v)) /
                           (2 * h);
        const GaussianMixture1d pt = th::ou_mixture_law(start, t, p);
        const double want = -p.lambda * th::fisher_to_centered_gaussian(pt, v);
        const std::string where = "a " + std::to_string(p.a) + " components " + std::to_string(start.weights.size()) +
                                  " t " + std::to_string(t);
        worst.update(rel_err(dkl, want), where);
        EXPECT_LE(rel_err(dkl, want), kDeBruijnRelTol) << where << " dKL/dt " << dkl << " -lambda I " << want;
        EXPECT_LE(th::kl_to_centered_gaussian(pt, v), th::lsi_kl_bound(kl0, alpha, p.lambda, t)) << where;
        // LSI itself at time t (KL <= I / 2 alpha) for this non-Gaussian law.
        EXPECT_LE(th::kl_to_centered_gaussian(pt, v), th::fisher_to_centered_gaussian(pt, v) / (2 * alpha)) << where;
      }
    }
  }
}

// score() = d/dx log_density(), checked by central differences, including far tails where the
// responsibilities are extremely unbalanced (log-sum-exp must not under/overflow).
TEST(GaussianMixture, ScoreIsDerivativeOfLogDensity) {
  constexpr double h = 1e-5;
  WorstError worst("score vs central difference of log_density, units of max(1, |score|)");
  for (const GaussianMixture1d& p : {kBimodal, kTrimodal, single(0.7, 2.0)})
    for (double x : {-30.0, -8.0, -2.0, -0.3, 0.0, 0.9, 1.5, 4.0, 30.0}) {
      const double fd = (p.log_density(x + h) - p.log_density(x - h)) / (2 * h);
      const double s = p.score(x);
      const double err = std::abs(s - fd) / std::max(1.0, std::abs(s));
      worst.update(err, "x = " + std::to_string(x));
      EXPECT_TRUE(std::isfinite(s)) << "x = " << x;
      EXPECT_LE(err, kScoreTol) << "x = " << x << " score " << s << " fd " << fd;
    }
  // For a single Gaussian the score is -(x - m)/s2 exactly.
  EXPECT_LE(rel_err(single(0.7, 2.0).score(3.0), -(3.0 - 0.7) / 2.0), kMomentRelTol);
}

// validate() names the offending field; the quadrature functions name the target variance.
TEST(GaussianMixture, ValidateNamesField) {
  EXPECT_NO_THROW(kBimodal.validate());
  EXPECT_TRUE(throws_invalid_argument_naming([] { GaussianMixture1d{{}, {}, {}}.validate(); }, "weights"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { GaussianMixture1d{{0.5, 0.5}, {0.0}, {1.0, 1.0}}.validate(); }, "means"));
  EXPECT_TRUE(
      throws_invalid_argument_naming([] { GaussianMixture1d{{0.5, 0.5}, {0.0, 1.0}, {1.0}}.validate(); }, "variances"));
  EXPECT_TRUE(
      throws_invalid_argument_naming([] { GaussianMixture1d{{0.5, 0.6}, {0.0, 1.0}, {1.0, 1.0}}.validate(); }, "weights"));
  EXPECT_TRUE(
      throws_invalid_argument_naming([] { GaussianMixture1d{{1.5, -0.5}, {0.0, 1.0}, {1.0, 1.0}}.validate(); }, "weights"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [] { GaussianMixture1d{{0.5, 0.5}, {0.0, std::nan("")}, {1.0, 1.0}}.validate(); }, "means"));
  EXPECT_TRUE(
      throws_invalid_argument_naming([] { GaussianMixture1d{{0.5, 0.5}, {0.0, 1.0}, {1.0, 0.0}}.validate(); }, "variances"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::kl_to_centered_gaussian(kBimodal, 0.0); }, "v"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::fisher_to_centered_gaussian(kBimodal, -1.0); }, "v"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::ou_mixture_law(GaussianMixture1d{{1.0}, {0.0}, {-1.0}}, 1.0); },
                                             "variances"));
}

}  // namespace
}  // namespace test_gaussian_mixture
