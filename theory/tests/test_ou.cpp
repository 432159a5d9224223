// Tests for theory/ou.hpp: the Ornstein–Uhlenbeck process dX = -a X dt + sqrt(2 lambda) dB with
// Gibbs law pi = N(0, lambda/a) (DESIGN.md §2, §3 item 1), and for its Gaussian-LSI decay
// (theory/lsi.hpp) and the de Bruijn identity d/dt KL(p_t||pi) = -lambda I(p_t||pi).
//
// The transition density is checked against quadrature of its moments and against the
// Fokker–Planck equation by finite differences; the Gaussian flow ou_law against the 1-D flow,
// the semigroup property, stationarity and the LSI bound; KL and Fisher along the flow against
// each other through de Bruijn's identity. The mean and variance formulas are written out
// independently in this file.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/lsi.hpp"
#include "theory/ou.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_ou {
namespace {

using ldbench::theory::Gaussian;
using ldbench::theory::OuParams;
using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative error allowed between a moment of the transition density computed by sinh-sinh
// quadrature (asked for 1e-13) and its closed form.
constexpr double kQuadratureRelTol = 1e-11;

// Relative error allowed between algebraically equal closed-form expressions (exp, expm1 and a
// few products; a handful of ulps in exact conditions, plus conditioning of d = 3 matrices).
constexpr double kClosedFormRelTol = 1e-12;

// Fokker–Planck residual tolerance, relative to the size of the terms, |∂p/∂t| + |∂(a x p)/∂x|
// + lambda |∂²p/∂x²|. Central differences with step h_t = 1e-4 (time) and h_x = 1e-3 (space)
// have truncation errors (h²/6)|∂³p| and (h²/12)|∂⁴p|; for the cases below (variance >= 0.13,
// so each x-derivative costs a factor 1/sd <= ~3) this is <= ~1e-6 of the terms, and the rounding
// error eps p / h_x² ~ 1e-10 is smaller still. A wrong diffusion coefficient (e.g. lambda/2)
// gives residuals of order 1e-1 (checked below), so the test has power.
constexpr double kFokkerPlanckRelTol = 1e-5;

// de Bruijn check: relative error between the central difference (KL(t+h) - KL(t-h)) / 2h with
// h = 1e-4 and -lambda I(p_t||pi). Truncation (h²/6)|KL'''| / |KL'| <= (h²/6)(4a)² <= 1e-7 for
// a <= 2 (KL along the flow is a sum of terms decaying at rates up to 4a); rounding
// eps KL / h ~ 1e-12.
constexpr double kDeBruijnRelTol = 1e-6;

// LSI equality case (pure mean shift of pi, where KL_t = e^{-2at} KL_0 exactly): allowed
// absolute error in nats. The closed form of KL adds tr(S2⁻¹S1) - d + ln det S2 - ln det S1,
// which cancel to a few ulps of d = 3; everything else is relative (kClosedFormRelTol).
constexpr double kCancellationAbsTol = 1e-14;

// The (a, lambda) pairs exercised throughout.
const std::vector<OuParams> kParams{{1.0, 1.0}, {2.0, 0.5}, {0.3, 2.0}};

std::string describe(const OuParams& p) {
  return "(a, lambda) = (" + std::to_string(p.a) + ", " + std::to_string(p.lambda) + ")";
}

// The closed forms written out once more, independently of theory/ou.cpp.
double mean_t(double t, double m0, const OuParams& p) { return std::exp(-p.a * t) * m0; }
double var_t(double t, double v0, const OuParams& p) {
  const double e = std::exp(-2.0 * p.a * t);
  return e * v0 + (p.lambda / p.a) * (1.0 - e);
}

// ---------------------------------------------------------------------------------------------
// Transition density p_t(x | x0).

// ∫ p_t(x|x0) dx = 1, ∫ x p_t = x0 e^{-at}, ∫ (x - m_t)² p_t = (lambda/a)(1 - e^{-2at}).
TEST(OuTransition, IsNormalizedWithClosedFormMeanAndVariance) {
  WorstError worst("OU transition moments vs quadrature, relative");
  for (const OuParams& p : kParams)
    for (double x0 : {-1.5, 0.0, 2.0})
      for (double t : {0.05, 0.5, 3.0}) {
        const double m = mean_t(t, x0, p), v = var_t(t, 0.0, p), s = std::sqrt(v);
        auto density = [&](double x) { return th::ou_transition_density(x, x0, t, p); };
        const double mass = integrate_real_line(density, m, s);
        const double mean = integrate_real_line([&](double x) { return x * density(x); }, m, s);
        const double var = integrate_real_line([&](double x) { return (x - m) * (x - m) * density(x); }, m, s);
        const std::string where = describe(p) + " x0=" + std::to_string(x0) + " t=" + std::to_string(t);
        worst.update(rel_err(mass, 1.0), where);
        worst.update(rel_err(var, v), where);
        EXPECT_LE(rel_err(mass, 1.0), kQuadratureRelTol) << where;
        // The mean can be 0: compare in units of the standard deviation instead.
        EXPECT_LE(std::abs(mean - m) / s, kQuadratureRelTol) << where;
        EXPECT_LE(rel_err(var, v), kQuadratureRelTol) << where;
        // ou_mean / ou_variance agree with the formulas as well.
        EXPECT_LE(std::abs(th::ou_mean(t, x0, p) - m), kClosedFormRelTol * std::abs(x0)) << where;
        EXPECT_LE(rel_err(th::ou_variance(t, 0.7, p), var_t(t, 0.7, p)), kClosedFormRelTol) << where;
      }
}

// Fokker–Planck (forward Kolmogorov) equation of the OU process in d = 1:
//   ∂p/∂t = ∂/∂x (a x p) + lambda ∂²p/∂x²,
// checked by central finite differences at a few (x, t).
TEST(OuTransition, SatisfiesFokkerPlanckEquation) {
  constexpr double ht = 1e-4, hx = 1e-3;
  WorstError worst("Fokker-Planck residual, relative to the term sizes");
  for (const OuParams& p : kParams)
    for (double x0 : {-1.0, 0.5})
      for (double t : {0.2, 1.0, 2.5})
        for (double dx : {-1.3, 0.0, 0.4, 2.0}) {
          auto P = [&](double x, double tt) { return th::ou_transition_density(x, x0, tt, p); };
          // Points measured from the current mean, in units of the standard deviation.
          const double x = mean_t(t, x0, p) + dx * std::sqrt(var_t(t, 0.0, p));
          const double dpdt = (P(x, t + ht) - P(x, t - ht)) / (2 * ht);
          const double drift = p.a * P(x, t) + p.a * x * (P(x + hx, t) - P(x - hx, t)) / (2 * hx);
          const double diff = (P(x + hx, t) - 2 * P(x, t) + P(x - hx, t)) / (hx * hx);
          const double scale = std::abs(dpdt) + std::abs(drift) + p.lambda * std::abs(diff);
          const double residual = std::abs(dpdt - drift - p.lambda * diff) / scale;
          const std::string where = describe(p) + " x0=" + std::to_string(x0) + " t=" + std::to_string(t) +
                                    " x=" + std::to_string(x);
          worst.update(residual, where);
          EXPECT_LE(residual, kFokkerPlanckRelTol) << where;
        }
  // Power: the same finite differences reject the equation with a wrong diffusion coefficient
  // (lambda/2) by orders of magnitude. Evaluated at the mean, where ∂²p/∂x² = -p/v is far from 0.
  double wrong_max = 0;
  for (const OuParams& p : kParams) {
    const double t = 1.0, x0 = 0.5, x = mean_t(t, x0, p);
    auto P = [&](double xx, double tt) { return th::ou_transition_density(xx, x0, tt, p); };
    const double dpdt = (P(x, t + ht) - P(x, t - ht)) / (2 * ht);
    const double drift = p.a * P(x, t) + p.a * x * (P(x + hx, t) - P(x - hx, t)) / (2 * hx);
    const double diff = (P(x + hx, t) - 2 * P(x, t) + P(x - hx, t)) / (hx * hx);
    const double scale = std::abs(dpdt) + std::abs(drift) + p.lambda * std::abs(diff);
    wrong_max = std::max(wrong_max, std::abs(dpdt - drift - 0.5 * p.lambda * diff) / scale);
  }
  EXPECT_GT(wrong_max, 1e3 * kFokkerPlanckRelTol);
}

// ---------------------------------------------------------------------------------------------
// The Gaussian flow ou_law.

// Each coordinate of the d-dimensional OU process is a 1-D OU process driven by its own
// Brownian motion, so: mean_i(t) = ou_mean(t, m0_i), Cov_ii(t) = ou_variance(t, S0_ii), and the
// cross-covariances only decay, Cov_ij(t) = e^{-2at} S0_ij.
TEST(OuLaw, MatchesOneDimensionalFlowPerCoordinate) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed);
  for (const OuParams& p : kParams)
    for (double t : {0.0, 0.1, 1.0, 4.0}) {
      const Gaussian start = random_gaussian(3, gen);
      const Gaussian g = th::ou_law(start, t, p);
      ASSERT_EQ(g.dim(), 3);
      const std::string where = describe(p) + " t=" + std::to_string(t);
      for (int i = 0; i < 3; ++i) {
        EXPECT_LE(std::abs(g.mean(i) - th::ou_mean(t, start.mean(i), p)), kClosedFormRelTol * std::abs(start.mean(i)))
            << where;
        EXPECT_LE(rel_err(g.cov(i, i), th::ou_variance(t, start.cov(i, i), p)), kClosedFormRelTol) << where;
        for (int j = 0; j < 3; ++j) {
          if (i == j) continue;
          EXPECT_LE(std::abs(g.cov(i, j) - std::exp(-2.0 * p.a * t) * start.cov(i, j)),
                    kClosedFormRelTol * std::abs(start.cov(i, j)))
              << where;
        }
      }
      if (t == 0.0) {
        EXPECT_EQ(g.mean, start.mean);
        EXPECT_LE((g.cov - start.cov).cwiseAbs().maxCoeff(), kClosedFormRelTol * start.cov.cwiseAbs().maxCoeff());
      }
    }
}

// Markov semigroup: flowing for s then for t equals flowing for s + t.
TEST(OuLaw, SemigroupProperty) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 1);
  for (const OuParams& p : kParams)
    for (double s : {0.05, 0.7})
      for (double t : {0.2, 1.5}) {
        const Gaussian start = random_gaussian(3, gen);
        const Gaussian two = th::ou_law(th::ou_law(start, s, p), t, p);
        const Gaussian one = th::ou_law(start, s + t, p);
        EXPECT_LE((two.mean - one.mean).norm(), kClosedFormRelTol * start.mean.norm()) << describe(p);
        EXPECT_LE((two.cov - one.cov).norm(), kClosedFormRelTol * one.cov.norm()) << describe(p);
      }
}

// pi = N(0, lambda/a I) is invariant, and every Gaussian start converges to it.
TEST(OuLaw, StationaryIsInvariantAndLimit) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 2);
  for (const OuParams& p : kParams) {
    const Gaussian pi = th::ou_stationary(3, p);
    EXPECT_EQ(pi.mean, Eigen::VectorXd::Zero(3));
    EXPECT_LE((pi.cov - (p.lambda / p.a) * Eigen::MatrixXd::Identity(3, 3)).norm(), kClosedFormRelTol * p.lambda / p.a);
    for (double t : {0.3, 5.0}) {
      const Gaussian g = th::ou_law(pi, t, p);
      EXPECT_LE(g.mean.norm(), 0.0);
      EXPECT_LE((g.cov - pi.cov).norm(), kClosedFormRelTol * pi.cov.norm()) << describe(p) << " t=" << t;
    }
    // Large t: e^{-a t} = e^{-40} ~ 4e-18, so the law is pi to double precision: the mean is
    // e^{-40} m0 and KL(p_t||pi) is O(e^{-80}) plus the cancellation floor of the closed form.
    const Gaussian start = random_gaussian(3, gen);
    const Gaussian late = th::ou_law(start, 40.0 / p.a, p);
    EXPECT_LE(late.mean.norm(), 1e-17 * start.mean.norm()) << describe(p);
    EXPECT_LE((late.cov - pi.cov).norm(), kClosedFormRelTol * pi.cov.norm()) << describe(p);
    EXPECT_LE(th::kl(late, pi), kCancellationAbsTol) << describe(p);
  }
}

// Gaussian LSI along the flow (DESIGN.md §2): pi = N(0, lambda/a I) satisfies LSI(alpha) with
// alpha = a/lambda, so KL(p_t||pi) <= exp(-2 alpha lambda t) KL(p_0||pi) = exp(-2at) KL(p_0||pi).
// The bound is attained by a pure mean shift of pi (then only the mean term e^{-2at}||m||² a/(2
// lambda) is left), which pins the rate: a bound with exp(-4at) would fail there.
TEST(OuLaw, KlDecayObeysGaussianLsiBound) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 3);
  WorstError tight("pure shifts: |KL_t - LSI bound| / bound");
  for (const OuParams& p : kParams) {
    const Gaussian pi = th::ou_stationary(3, p);
    const double alpha = th::gaussian_lsi_constant(p.stationary_variance());
    EXPECT_LE(rel_err(th::lsi_kl_rate(alpha, p.lambda), 2.0 * p.a), kClosedFormRelTol);
    for (int rep = 0; rep < 50; ++rep) {
      const Gaussian start = random_gaussian(3, gen);
      const double kl0 = th::kl(start, pi);
      for (double t : {0.01, 0.1, 0.5, 1.0, 2.0, 5.0}) {
        const double klt = th::kl(th::ou_law(start, t, p), pi);
        EXPECT_LE(klt, th::lsi_kl_bound(kl0, alpha, p.lambda, t) * (1 + kClosedFormRelTol))
            << describe(p) << " rep " << rep << " t " << t;
      }
      const Gaussian shift{random_vector(3, gen), pi.cov};
      for (double t : {0.1, 1.0, 3.0}) {
        const double klt = th::kl(th::ou_law(shift, t, p), pi);
        const double bound = th::lsi_kl_bound(th::kl(shift, pi), alpha, p.lambda, t);
        const double err = std::abs(klt - bound);
        tight.update(err / bound, describe(p));
        EXPECT_LE(err, kClosedFormRelTol * bound + kCancellationAbsTol) << describe(p) << " t " << t;
      }
    }
  }
}

// de Bruijn identity along GLD (DESIGN.md §2): d/dt KL(p_t||pi) = -lambda I(p_t||pi). Checked
// for random d = 3 Gaussian starts by a central difference in t, for (a, lambda) = (1, 1) and
// (2, 0.5) (and the third parameter pair). A Fisher information off by a factor 2 or a missing
// lambda fails by far more than the tolerance.
TEST(OuLaw, DeBruijnIdentity) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 4);
  constexpr double h = 1e-4;
  WorstError worst("de Bruijn central difference vs -lambda I, relative");
  for (const OuParams& p : kParams) {
    const Gaussian pi = th::ou_stationary(3, p);
    for (int rep = 0; rep < 20; ++rep) {
      const Gaussian start = random_gaussian(3, gen);
      for (double t : {0.1, 0.5, 1.0, 2.0}) {
        const double dkl =
            (th::kl(th::ou_law(start, t + h, p), pi) - th::kl(th::ou_law(start, t - h, p), pi)) / (2 * h);
        const double want = -p.lambda * th::relative_fisher(th::ou_law(start, t, p), pi);
        const std::string where = describe(p) + " rep " + std::to_string(rep) + " t " + std::to_string(t);
        worst.update(rel_err(dkl, want), where);
        EXPECT_LE(rel_err(dkl, want), kDeBruijnRelTol) << where << " dKL/dt " << dkl << " -lambda I " << want;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Input validation.

TEST(OuValidate, RejectsBadParameters) {
  EXPECT_TRUE(throws_invalid_argument_naming([] { OuParams{0.0, 1.0}.validate(); }, "a"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { OuParams{-1.0, 1.0}.validate(); }, "a"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { OuParams{std::nan(""), 1.0}.validate(); }, "a"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { OuParams{1.0, 0.0}.validate(); }, "lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { OuParams{1.0, std::numeric_limits<double>::infinity()}.validate(); }, "lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::ou_mean(1.0, 0.0, OuParams{0.0, 1.0}); }, "a"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::ou_variance(1.0, 1.0, OuParams{1.0, -2.0}); }, "lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::ou_stationary(2, OuParams{1.0, -2.0}); }, "lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::ou_transition_density(0.0, 0.0, 0.0); }, "t"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::ou_transition_density(0.0, 0.0, -1.0); }, "t"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::ou_law(Gaussian::isotropic(2, 0, 1), -0.1); }, "t"));
  Gaussian bad = Gaussian::isotropic(2, 0, 1);
  bad.cov(0, 0) = -1;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::ou_law(bad, 1.0); }, "start.cov"));
}

}  // namespace
}  // namespace test_ou
