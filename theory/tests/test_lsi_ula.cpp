// Tests for theory/lsi.hpp (Gaussian LSI constant, KL decay rate and bound) and
// theory/ula_gaussian.hpp (exact moment recursion of ULA = Euler–Maruyama on the OU target):
//
//   x_{k+1} = (1 - eta a) x_k + sqrt(2 eta lambda) xi_k,
//   m_{k+1} = r m_k,  v_{k+1} = r² v_k + 2 eta lambda,  r = 1 - eta a,
//   v_inf = (lambda/a) / (1 - eta a/2),  stable iff 0 < eta a < 2.
//
// The recursion is iterated by hand in this file and compared with the closed form; the
// stationary variance is checked as the fixed point; the stability limit must throw; and the
// discretisation error against the continuous OU flow (theory/ou.hpp) must be first order in eta.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/lsi.hpp"
#include "theory/ou.hpp"
#include "theory/tests/test_support.hpp"
#include "theory/ula_gaussian.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_lsi_ula {
namespace {

using ldbench::theory::Gaussian;
using ldbench::theory::OuParams;
using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative error allowed between the closed form r^k m0, r^{2k} v0 + v_inf (1 - r^{2k}) and k
// steps of the hand-iterated recursion: each step adds a few ulps, so k <= 200 steps stay well
// below 1e-12.
constexpr double kRecursionRelTol = 1e-12;

// Relative error allowed for simple closed-form identities (a few floating-point operations).
constexpr double kClosedFormRelTol = 1e-13;

// Relative error allowed for KL = I/(2 alpha) on small shifts: the closed form of KL sums
// tr(S2⁻¹S1) - d + ln det S2 - ln det S1, which cancel to ~1e-16 absolute, so the relative error
// is ~1e-16 / KL; the shifts below have KL >= 5e-5.
constexpr double kSmallKlRelTol = 1e-10;

// Accepted window for the fitted order of the ULA-vs-OU error in eta (the theory says 1: the
// error is c1 eta + O(eta²), and with eta <= 0.1 a the O(eta²) term moves the fitted slope by
// at most a few percent).
constexpr double kOrderLow = 0.9, kOrderHigh = 1.1;

const std::vector<OuParams> kParams{{1.0, 1.0}, {2.0, 0.5}, {0.3, 2.0}};

std::string describe(const OuParams& p, double eta) {
  return "(a, lambda, eta) = (" + std::to_string(p.a) + ", " + std::to_string(p.lambda) + ", " + std::to_string(eta) +
         ")";
}

// ---------------------------------------------------------------------------------------------
// theory/lsi.hpp

// gaussian_lsi_constant(s2) = 1/s2, lsi_kl_rate = 2 alpha lambda, lsi_kl_bound = e^{-rate t} KL0.
TEST(Lsi, ClosedForms) {
  for (double s2 : {0.1, 1.0, 7.5}) EXPECT_LE(rel_err(th::gaussian_lsi_constant(s2), 1.0 / s2), kClosedFormRelTol);
  EXPECT_LE(rel_err(th::lsi_kl_rate(0.5, 3.0), 3.0), kClosedFormRelTol);
  EXPECT_LE(rel_err(th::lsi_kl_bound(2.0, 0.5, 3.0, 0.7), 2.0 * std::exp(-3.0 * 0.7)), kClosedFormRelTol);
  EXPECT_EQ(th::lsi_kl_bound(2.0, 0.5, 3.0, 0.0), 2.0);
  EXPECT_EQ(th::lsi_kl_bound(0.0, 0.5, 3.0, 1.0), 0.0);
}

// The Gaussian LSI constant 1/s2 of N(0, s2) is sharp: along the shifts N(m, s2) the ratio
// KL / (I / 2 alpha) equals 1, so any larger alpha would violate the inequality.
TEST(Lsi, GaussianConstantIsSharp) {
  for (double s2 : {0.25, 1.0, 4.0}) {
    const Gaussian pi = Gaussian::isotropic(1, 0.0, s2);
    const double alpha = th::gaussian_lsi_constant(s2);
    for (double m : {0.01, 0.5, 3.0}) {
      const Gaussian nu = Gaussian::isotropic(1, m, s2);
      const double kl = th::kl(nu, pi), fisher = th::relative_fisher(nu, pi);
      EXPECT_LE(rel_err(kl, fisher / (2.0 * alpha)), kSmallKlRelTol) << "s2 " << s2 << " m " << m;
      EXPECT_GT(kl, fisher / (2.0 * 1.01 * alpha)) << "alpha is not sharp: s2 " << s2 << " m " << m;
    }
  }
}

TEST(Lsi, RejectsBadArguments) {
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::gaussian_lsi_constant(0.0); }, "s2"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::gaussian_lsi_constant(std::nan("")); }, "s2"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::lsi_kl_rate(-1.0, 1.0); }, "alpha"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::lsi_kl_rate(1.0, 0.0); }, "lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::lsi_kl_bound(-0.1, 1.0, 1.0, 1.0); }, "kl0"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::lsi_kl_bound(std::numeric_limits<double>::infinity(), 1.0, 1.0, 1.0); }, "kl0"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::lsi_kl_bound(1.0, 1.0, 1.0, -1.0); }, "t"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::lsi_kl_bound(1.0, 0.0, 1.0, 1.0); }, "alpha"));
}

// ---------------------------------------------------------------------------------------------
// theory/ula_gaussian.hpp

// The closed form after k steps equals k steps of m <- r m, v <- r² v + 2 eta lambda, including
// eta a in (1, 2) where r < 0 and the mean oscillates.
TEST(Ula, ClosedFormMatchesStepByStepRecursion) {
  WorstError worst("ula_moments vs iterated recursion, relative");
  for (const OuParams& p : kParams)
    for (double eta_a : {0.01, 0.3, 1.0, 1.5, 1.9}) {
      const double eta = eta_a / p.a, r = 1.0 - eta * p.a;
      const double m0 = 1.7, v0 = 0.4;
      double m = m0, v = v0;
      for (unsigned k = 0; k <= 200; ++k) {
        const auto got = th::ula_moments(k, eta, m0, v0, p);
        const std::string where = describe(p, eta) + " k " + std::to_string(k);
        // The mean decays like |r|^k: compare it in units of m0.
        EXPECT_LE(std::abs(got.mean - m) / m0, kRecursionRelTol) << where;
        EXPECT_LE(rel_err(got.variance, v), kRecursionRelTol) << where;
        worst.update(rel_err(got.variance, v), where);
        m = r * m;
        v = r * r * v + 2.0 * eta * p.lambda;
      }
    }
}

// v_inf = (lambda/a) / (1 - eta a/2) is the fixed point of v <- r² v + 2 eta lambda: starting
// there the variance stays there, and every start converges to it.
TEST(Ula, FixedPointIsStationaryVariance) {
  for (const OuParams& p : kParams)
    for (double eta_a : {0.01, 0.5, 1.0, 1.9}) {
      const double eta = eta_a / p.a, r = 1.0 - eta * p.a;
      const double vinf = th::ula_stationary_variance(eta, p);
      const std::string where = describe(p, eta);
      EXPECT_LE(rel_err(vinf, (p.lambda / p.a) / (1.0 - 0.5 * eta * p.a)), kClosedFormRelTol) << where;
      EXPECT_LE(rel_err(r * r * vinf + 2.0 * eta * p.lambda, vinf), kClosedFormRelTol) << where;
      for (unsigned k : {1u, 7u, 100u}) {
        EXPECT_LE(rel_err(th::ula_moments(k, eta, 0.0, vinf, p).variance, vinf), kRecursionRelTol) << where;
      }
      // |r| <= 0.99 here, so 1e5 steps leave r^{2k} = 0 in double precision.
      const auto late = th::ula_moments(100000, eta, 3.0, 10.0, p);
      EXPECT_LE(rel_err(late.variance, vinf), kRecursionRelTol) << where;
      EXPECT_LE(std::abs(late.mean), 1e-300) << where;
    }
}

// Stability: 0 < eta a < 2. At and beyond eta = 2/a the recursion diverges (|r| >= 1 with a
// growing variance), so the functions throw std::invalid_argument naming "eta".
TEST(Ula, StabilityLimitThrowsNamingEta) {
  for (const OuParams& p : kParams) {
    for (double eta : {2.0 / p.a, 2.5 / p.a, 100.0, 0.0, -0.1, std::nan(""), std::numeric_limits<double>::infinity()}) {
      const std::string where = describe(p, eta);
      EXPECT_TRUE(throws_invalid_argument_naming([&] { th::check_ula_stability(eta, p); }, "eta")) << where;
      EXPECT_TRUE(throws_invalid_argument_naming([&] { th::ula_moments(5, eta, 0.0, 1.0, p); }, "eta")) << where;
      EXPECT_TRUE(throws_invalid_argument_naming([&] { th::ula_stationary_variance(eta, p); }, "eta")) << where;
    }
    // Just inside the limit is fine.
    EXPECT_NO_THROW(th::check_ula_stability(1.999 / p.a, p)) << describe(p, 1.999 / p.a);
  }
  // Bad OU parameters are reported by name too.
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::ula_moments(1, 0.1, 0.0, 1.0, OuParams{-1.0, 1.0}); }, "a"));
}

// ULA converges to the OU flow as eta -> 0 with error O(eta) (weak order 1): at T = 1 with
// k = T/eta steps, k = k0, 2 k0, 4 k0, 8 k0 (k0 = ceil(10 a T), so eta a <= 0.1), fit the slope of
// log|error| against log eta, separately for the mean and the variance. Expect ~1. Also the
// stationary bias v_inf - lambda/a = (lambda/a)(eta a/2)/(1 - eta a/2) is first order.
TEST(Ula, ConvergesToOuFlowAtOrderOne) {
  constexpr double T = 1.0;
  for (const OuParams& p : kParams) {
    const double m0 = 1.5, v0 = 0.2 * p.stationary_variance();  // v0 < lambda/a: no cancellation
    const unsigned k0 = static_cast<unsigned>(std::ceil(10.0 * p.a * T));
    std::vector<double> log_eta, log_em, log_ev, log_eb;
    for (unsigned k : {k0, 2 * k0, 4 * k0, 8 * k0}) {
      const double eta = T / k;
      const auto u = th::ula_moments(k, eta, m0, v0, p);
      log_eta.push_back(std::log(eta));
      log_em.push_back(std::log(std::abs(u.mean - th::ou_mean(T, m0, p))));
      log_ev.push_back(std::log(std::abs(u.variance - th::ou_variance(T, v0, p))));
      log_eb.push_back(std::log(th::ula_stationary_variance(eta, p) - p.stationary_variance()));
    }
    const double sm = ls_slope(log_eta, log_em), sv = ls_slope(log_eta, log_ev), sb = ls_slope(log_eta, log_eb);
    const std::string where = "(a, lambda) = (" + std::to_string(p.a) + ", " + std::to_string(p.lambda) + ")";
    std::cout << "    [info] " << where << " fitted orders: mean " << sm << ", variance " << sv
              << ", stationary bias " << sb << '\n';
    for (double slope : {sm, sv, sb}) {
      EXPECT_GE(slope, kOrderLow) << where;
      EXPECT_LE(slope, kOrderHigh) << where;
    }
  }
}

}  // namespace
}  // namespace test_lsi_ula
