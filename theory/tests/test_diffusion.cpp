// Tests for theory/diffusion.hpp, each against a computation that does not share its code path:
//  - forward marginals against theory/ou.hpp (a = lambda = 1) and the 1-D mixture of
//    theory/gaussian_mixture.hpp; log-SNR against its inverse;
//  - the multivariate mixture's density against plain sums of Gaussian densities (no
//    log-sum-exp) and against quadrature (normalization, moments), its score against central
//    differences of log_density, with far-apart modes that would underflow a naive sum;
//  - Tweedie: the conditional mean of the denoising target given x_t, by quadrature over x_0,
//    equals the exact score; the DSM - ESM gap by a double quadrature for an arbitrary ŝ;
//  - the continuous reverse-SDE law against an RK4 integration of its moment ODEs, and the
//    Girsanov + initialization bound on the exact final KL (with its tightness printed);
//  - the solvers' claimed orders against the slope of the exact law error over step counts
//    (the exact laws make this deterministic: no Monte Carlo), and DDIM against the
//    exponential-integrator form of DPM-Solver-1.

#include <gtest/gtest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "theory/diffusion.hpp"
#include "theory/gaussian.hpp"
#include "theory/gaussian_mixture.hpp"
#include "theory/ou.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_diffusion {
namespace {

namespace th = ldbench::theory;
using th::Gaussian;
using th::GaussianMixture;
using th::ReverseSolver;
using namespace ldbench::theory::test;

// Agreement of two closed forms that differ only by rounding (relative).
constexpr double kClosedFormRelTol = 1e-12;
// Quadrature against closed forms (the rules are asked for ~1e-13; relative).
constexpr double kQuadratureRelTol = 1e-9;
// Central difference with step h = 1e-5 on log p: truncation h²|∂³log p|/6 plus rounding
// eps|log p|/h ~ 1e-10 for the O(1) scales used here (absolute, per component).
constexpr double kFiniteDifferenceAbsTol = 1e-7;
// RK4 with 20000 steps on the moment ODEs: global error ~ (T/20000)^4 times the ODE's stiffness
// (|1 - 2/v| <= 2/s_min = 40) — well under 1e-9 relative.
constexpr double kRk4RelTol = 1e-8;
// Fitted order vs claimed order: the slope of log error over log K across K = 128..2048 is
// within this of the claimed integer. The range starts at 128 because on a grid uniform in t the
// last step spans a large log-SNR interval (t_min = 0.02), and DPM-Solver-3 only reaches its
// third order from K ~ 256 (fitted over 32..512 it reads 2.7); on log-SNR grids it is third order
// from K = 16.
constexpr double kOrderTol = 0.15;

Gaussian data3() {
  // Eigenvalues 0.05, 0.5 and 3 (data sharper and wider than the N(0, I) prior), rotated.
  std::mt19937 gen(7);
  const Eigen::MatrixXd Q = random_orthogonal(3, gen);
  const Eigen::Vector3d ev(0.05, 0.5, 3.0);
  return {Eigen::Vector3d(1.0, -2.0, 0.5), Q * ev.asDiagonal() * Q.transpose()};
}

TEST(DiffusionForward, AlphaSigmaLogSnr) {
  WorstError worst("log_snr round trip (relative)");
  for (double t : {1e-8, 1e-4, 0.01, 0.3, 1.0, 5.0, 20.0}) {
    const double a = th::diffusion_alpha(t), s2 = th::diffusion_sigma2(t);
    EXPECT_NEAR(a * a + s2, 1.0, 1e-15);
    const double l = th::diffusion_log_snr(t);
    EXPECT_NEAR(l, std::log(a / std::sqrt(s2)), 1e-12 * std::max(1.0, std::abs(l)));
    const double back = th::diffusion_time_from_log_snr(l);
    worst.update(rel_err(back, t), "t = " + std::to_string(t));
    EXPECT_LT(rel_err(back, t), 1e-10) << t;
  }
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::diffusion_log_snr(0.0); }, "t"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::diffusion_sigma2(-1.0); }, "t"));
}

TEST(DiffusionForward, GaussianMarginalIsOuLaw) {
  const Gaussian g = data3();
  for (double t : {0.0, 0.1, 1.0, 4.0}) {
    const Gaussian a = th::diffusion_forward_marginal(g, t);
    const Gaussian b = th::ou_law(g, t, th::OuParams{1.0, 1.0});
    EXPECT_LT((a.mean - b.mean).norm(), kClosedFormRelTol * (1 + b.mean.norm()));
    EXPECT_LT((a.cov - b.cov).norm(), kClosedFormRelTol * b.cov.norm());
  }
}

TEST(DiffusionMixture, OneDimensionalMarginalMatchesGaussianMixture1d) {
  const th::GaussianMixture1d m1{{0.3, 0.7}, {-2.0, 1.5}, {0.1, 0.4}};
  const GaussianMixture m({0.3, 0.7}, {Gaussian{Eigen::VectorXd::Constant(1, -2.0), Eigen::MatrixXd::Constant(1, 1, 0.1)},
                                       Gaussian{Eigen::VectorXd::Constant(1, 1.5), Eigen::MatrixXd::Constant(1, 1, 0.4)}});
  WorstError worst("1-D mixture density and score vs GaussianMixture1d (relative)");
  for (double t : {0.0, 0.05, 0.5, 2.0}) {
    const auto a = th::diffusion_forward_marginal(m, t);
    const auto b = th::ou_mixture_law(m1, t, th::OuParams{1.0, 1.0});
    for (double x : {-3.0, -1.0, 0.0, 0.7, 2.5}) {
      const Eigen::VectorXd xv = Eigen::VectorXd::Constant(1, x);
      const double e1 = rel_err(a.log_density(xv), b.log_density(x));
      const double e2 = rel_err(a.score(xv)(0), b.score(x));
      worst.update(std::max(e1, e2), "t = " + std::to_string(t) + ", x = " + std::to_string(x));
      EXPECT_LT(e1, kClosedFormRelTol * 100) << t << " " << x;
      EXPECT_LT(e2, kClosedFormRelTol * 100) << t << " " << x;
    }
  }
}

GaussianMixture random_mixture(int d, int K, std::mt19937& gen, double spread) {
  std::vector<double> w;
  std::vector<Gaussian> comps;
  std::uniform_real_distribution<double> u(0.5, 1.5);
  double sum = 0;
  for (int k = 0; k < K; ++k) sum += w.emplace_back(u(gen));
  for (double& x : w) x /= sum;
  for (int k = 0; k < K; ++k) comps.push_back({random_vector(d, gen, spread), random_spd(d, gen, 0.2)});
  return GaussianMixture(w, comps);
}

TEST(DiffusionMixture, DensityEqualsPlainSumAndScoreIsGradient) {
  std::mt19937 gen(test_seed());
  SCOPED_TRACE(seed_trace(test_seed()));
  WorstError wd("mixture log density vs plain sum (relative)"), ws("mixture score vs central difference (absolute)");
  for (int d : {1, 2, 5, 50}) {
    const GaussianMixture m = random_mixture(d, 3, gen, 1.0);
    for (int rep = 0; rep < 5; ++rep) {
      const Eigen::VectorXd x = random_vector(d, gen);
      double plain = 0;
      for (std::size_t k = 0; k < m.weights().size(); ++k) plain += m.weights()[k] * std::exp(th::log_density(m.components()[k], x));
      if (plain > 1e-280) {
        const double e = rel_err(m.log_density(x), std::log(plain));
        wd.update(e, "d = " + std::to_string(d));
        EXPECT_LT(e, 1e-11) << d;
      }
      const Eigen::VectorXd s = m.score(x);
      constexpr double h = 1e-5;
      for (int i = 0; i < std::min(d, 5); ++i) {
        Eigen::VectorXd xp = x, xm = x;
        xp(i) += h;
        xm(i) -= h;
        const double fd = (m.log_density(xp) - m.log_density(xm)) / (2 * h);
        const double tol = kFiniteDifferenceAbsTol * std::max(1.0, std::abs(m.log_density(x)));
        ws.update(std::abs(fd - s(i)), "d = " + std::to_string(d));
        EXPECT_NEAR(s(i), fd, tol) << "d = " << d << ", i = " << i;
      }
    }
  }
}

TEST(DiffusionMixture, FarApartModesStayFinite) {
  // Modes at ±60 with variance 1e-4: at x = 0 a plain sum of densities underflows to 0.
  const GaussianMixture m({0.5, 0.5}, {Gaussian{Eigen::VectorXd::Constant(1, -60.0), Eigen::MatrixXd::Constant(1, 1, 1e-4)},
                                       Gaussian{Eigen::VectorXd::Constant(1, 60.0), Eigen::MatrixXd::Constant(1, 1, 1e-4)}});
  const Eigen::VectorXd x = Eigen::VectorXd::Constant(1, 1.0);
  const double lp = m.log_density(x);
  EXPECT_TRUE(std::isfinite(lp));
  // Near x = 1 the right mode dominates completely: score = -(x - 60)/1e-4.
  EXPECT_NEAR(m.score(x)(0), 59.0 / 1e-4, 1e-9 * 59.0 / 1e-4);
  EXPECT_NEAR(lp, std::log(0.5) - 0.5 * 59.0 * 59.0 / 1e-4 - 0.5 * std::log(2 * std::numbers::pi * 1e-4), 1e-6);
}

TEST(DiffusionMixture, NormalizationAndMomentsByQuadrature) {
  const GaussianMixture m({0.2, 0.5, 0.3}, {Gaussian{Eigen::VectorXd::Constant(1, -3.0), Eigen::MatrixXd::Constant(1, 1, 0.2)},
                                            Gaussian{Eigen::VectorXd::Constant(1, 0.5), Eigen::MatrixXd::Constant(1, 1, 1.0)},
                                            Gaussian{Eigen::VectorXd::Constant(1, 4.0), Eigen::MatrixXd::Constant(1, 1, 0.05)}});
  auto p = [&](double x) { return std::exp(m.log_density(Eigen::VectorXd::Constant(1, x))); };
  const double z = integrate_real_line(p, 0.0, 2.0);
  const double mu = integrate_real_line([&](double x) { return x * p(x); }, 0.0, 2.0);
  const double var = integrate_real_line([&](double x) { return (x - mu) * (x - mu) * p(x); }, 0.0, 2.0);
  EXPECT_LT(rel_err(z, 1.0), kQuadratureRelTol);
  EXPECT_LT(rel_err(mu, m.mean()(0)), kQuadratureRelTol);
  EXPECT_LT(rel_err(var, m.covariance()(0, 0)), kQuadratureRelTol);
}

TEST(DiffusionMixture, RejectsBadInput) {
  const Gaussian g{Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2)};
  const Gaussian g3{Eigen::VectorXd::Zero(3), Eigen::MatrixXd::Identity(3, 3)};
  EXPECT_TRUE(throws_invalid_argument_naming([&] { GaussianMixture({0.5, 0.6}, {g, g}); }, "weights"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { GaussianMixture({1.0}, {g, g}); }, "weights"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { GaussianMixture({0.5, 0.5}, {g, g3}); }, "components[1]"));
  Gaussian bad = g;
  bad.cov(0, 0) = -1;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { GaussianMixture({1.0}, {bad}); }, "components[0]"));
  const GaussianMixture m({1.0}, {g});
  EXPECT_TRUE(throws_invalid_argument_naming([&] { m.score(Eigen::VectorXd::Zero(3)); }, "x"));
}

// Tweedie: ∇log p_t(x) = E[∇log p_t(x | X_0) | X_t = x], the conditional law of X_0 given
// X_t = x being ∝ p_0(x0) N(x; alpha x0, sigma²). Quadrature over x0 (1-D bimodal data).
TEST(DiffusionScoreMatching, DenoisingTargetAveragesToTheScore) {
  const GaussianMixture data({0.4, 0.6}, {Gaussian{Eigen::VectorXd::Constant(1, -1.5), Eigen::MatrixXd::Constant(1, 1, 0.05)},
                                          Gaussian{Eigen::VectorXd::Constant(1, 2.0), Eigen::MatrixXd::Constant(1, 1, 0.3)}});
  WorstError worst("Tweedie: quadrature of the DSM target vs exact score (relative)");
  for (double t : {0.05, 0.3, 1.0, 3.0}) {
    const auto pt = th::diffusion_forward_marginal(data, t);
    const double a = th::diffusion_alpha(t), s2 = th::diffusion_sigma2(t);
    for (double x : {-2.0, -0.3, 0.8, 2.2}) {
      auto joint = [&](double x0) {
        return std::exp(data.log_density(Eigen::VectorXd::Constant(1, x0)) - 0.5 * (x - a * x0) * (x - a * x0) / s2);
      };
      const double z = integrate_real_line(joint, 0.0, 2.0);
      const double num = integrate_real_line(
          [&](double x0) {
            return th::diffusion_dsm_target(Eigen::VectorXd::Constant(1, x), Eigen::VectorXd::Constant(1, x0), t)(0) *
                   joint(x0);
          },
          0.0, 2.0);
      const double want = pt.score(Eigen::VectorXd::Constant(1, x))(0);
      const double e = std::abs(num / z - want) / std::max(1.0, std::abs(want));
      worst.update(e, "t = " + std::to_string(t) + ", x = " + std::to_string(x));
      EXPECT_LT(e, kQuadratureRelTol) << t << " " << x;
    }
  }
}

// DSM(ŝ) - ESM(ŝ) = C_t for any ŝ: here ŝ(x) = 0.3 x + 0.1 on 1-D Gaussian data, with both
// losses by quadrature (DSM over (x0, x_t) as an inner Gauss–Kronrod over x_t).
TEST(DiffusionScoreMatching, DsmMinusEsmIsTheStatedConstant) {
  const Gaussian data{Eigen::VectorXd::Constant(1, 0.7), Eigen::MatrixXd::Constant(1, 1, 0.2)};
  auto shat = [](double x) { return 0.3 * x + 0.1; };
  WorstError worst("DSM - ESM constant (relative)");
  for (double t : {0.02, 0.2, 1.0, 3.0}) {
    const double a = th::diffusion_alpha(t), s2 = th::diffusion_sigma2(t);
    const Gaussian pt = th::diffusion_forward_marginal(data, t);
    const double esm = integrate_real_line(
        [&](double x) {
          const Eigen::VectorXd xv = Eigen::VectorXd::Constant(1, x);
          const double score = -(x - pt.mean(0)) / pt.cov(0, 0);
          const double p = std::exp(th::log_density(pt, xv));
          return p == 0.0 ? 0.0 : (shat(x) - score) * (shat(x) - score) * p;
        },
        pt.mean(0), std::sqrt(pt.cov(0, 0)));
    const double dsm = integrate_real_line(
        [&](double x0) {
          const double p0 = std::exp(th::log_density(data, Eigen::VectorXd::Constant(1, x0)));
          if (p0 == 0.0) return 0.0;
          const double inner = integrate_real_line(
              [&](double xt) {
                const double tgt = -(xt - a * x0) / s2;
                const double pc = std::exp(-0.5 * (xt - a * x0) * (xt - a * x0) / s2) / std::sqrt(2 * std::numbers::pi * s2);
                return pc == 0.0 ? 0.0 : (shat(xt) - tgt) * (shat(xt) - tgt) * pc;  // 0 * inf in the far tails
              },
              a * x0, std::sqrt(s2));
          return inner * p0;
        },
        data.mean(0), std::sqrt(data.cov(0, 0)));
    const double want = th::diffusion_dsm_esm_gap(data, t);
    const double e = rel_err(dsm - esm, want);
    worst.update(e, "t = " + std::to_string(t));
    EXPECT_LT(e, kQuadratureRelTol) << "t = " << t << ": dsm " << dsm << " esm " << esm;
  }
}

// The reverse SDE's moments by RK4 in tau = T - t: mean' = mean + 2 ŝ(mean), var' = 2(1 - 2/v) var + 2
// per eigen-direction (1-D data here, so no rotation is involved).
struct Moments {
  double mean, var;
};
Moments reverse_moments_rk4(double m, double s, double delta, double mean_T, double var_T, double T, double t_end) {
  auto v = [&](double t) { return std::exp(-2 * t) * s - std::expm1(-2 * t); };
  auto rhs = [&](double tau, Moments y) {
    const double t = T - tau;
    const double a = std::exp(-t);
    return Moments{y.mean + 2 * (-(y.mean - a * m) / v(t) + delta), 2 * (1 - 2 / v(t)) * y.var + 2};
  };
  const int n = 20000;
  const double h = (T - t_end) / n;
  Moments y{mean_T, var_T};
  for (int i = 0; i < n; ++i) {
    const double tau = i * h;
    const Moments k1 = rhs(tau, y);
    const Moments k2 = rhs(tau + h / 2, {y.mean + h / 2 * k1.mean, y.var + h / 2 * k1.var});
    const Moments k3 = rhs(tau + h / 2, {y.mean + h / 2 * k2.mean, y.var + h / 2 * k2.var});
    const Moments k4 = rhs(tau + h, {y.mean + h * k3.mean, y.var + h * k3.var});
    y.mean += h / 6 * (k1.mean + 2 * k2.mean + 2 * k3.mean + k4.mean);
    y.var += h / 6 * (k1.var + 2 * k2.var + 2 * k3.var + k4.var);
  }
  return y;
}

TEST(DiffusionReverse, ContinuousLawMatchesMomentOdes) {
  WorstError worst("reverse SDE law vs RK4 of its moment ODEs (relative)");
  for (double s : {0.05, 1.0, 4.0}) {      // c = s - 1 < 0, = 0, > 0: all three branches of G
    for (double delta : {0.0, 0.4, -1.0}) {
      const Gaussian data{Eigen::VectorXd::Constant(1, 1.3), Eigen::MatrixXd::Constant(1, 1, s)};
      const Gaussian init{Eigen::VectorXd::Constant(1, 0.2), Eigen::MatrixXd::Constant(1, 1, 1.7)};
      const double T = 2.0, t = 0.05;
      const Gaussian q = th::diffusion_reverse_sde_law(data, init, T, t, Eigen::VectorXd::Constant(1, delta));
      const Moments r = reverse_moments_rk4(1.3, s, delta, 0.2, 1.7, T, t);
      const double e = std::max(rel_err(q.mean(0), r.mean), rel_err(q.cov(0, 0), r.var));
      worst.update(e, "s = " + std::to_string(s) + ", delta = " + std::to_string(delta));
      EXPECT_LT(e, kRk4RelTol) << s << " " << delta;
    }
  }
}

TEST(DiffusionReverse, ExactInitAndScoreReproduceTheForwardMarginal) {
  const Gaussian data = data3();
  for (double t : {0.01, 0.5, 1.9}) {
    const Gaussian q = th::diffusion_reverse_sde_law(data, th::diffusion_forward_marginal(data, 2.0), 2.0, t,
                                                     Eigen::VectorXd::Zero(3));
    const Gaussian p = th::diffusion_forward_marginal(data, t);
    EXPECT_LT((q.mean - p.mean).norm(), 1e-12);
    EXPECT_LT((q.cov - p.cov).norm(), 1e-12);
  }
}

// KL(p_{t_min} || q_{t_min}) <= KL(p_T || gamma) + ||delta||² (T - t_min) <= e^{-2T} KL(p_0||gamma) + ...
// on the exact final law; prints the tightness (exact / bound).
TEST(DiffusionReverse, GirsanovAndInitializationBoundsHold) {
  const Gaussian data = data3();
  const Gaussian gamma{Eigen::VectorXd::Zero(3), Eigen::MatrixXd::Identity(3, 3)};
  const double t_min = 0.01;
  double tightest = 0;
  for (double T : {0.5, 1.0, 2.0, 4.0}) {
    for (double b : {0.0, 0.05, 0.3}) {
      const Eigen::VectorXd delta = Eigen::Vector3d(b, -b, 0.5 * b);
      const Gaussian q = th::diffusion_reverse_sde_law(data, gamma, T, t_min, delta);
      const double exact = th::kl(th::diffusion_forward_marginal(data, t_min), q);
      const double kl_T = th::kl(th::diffusion_forward_marginal(data, T), gamma);
      const double init_bound = th::reverse_initialization_kl_bound(th::kl(data, gamma), T);
      EXPECT_LE(kl_T, init_bound * (1 + 1e-12)) << T;
      const double bound = th::reverse_girsanov_kl_bound(kl_T, delta.squaredNorm() * (T - t_min));
      EXPECT_LE(exact, bound * (1 + 1e-12)) << "T = " << T << ", b = " << b;
      tightest = std::max(tightest, exact / bound);
      // Pinsker form of the initialization term.
      EXPECT_LE(std::sqrt(kl_T / 2), th::reverse_initialization_tv_bound(th::kl(data, gamma), T) * (1 + 1e-12));
    }
  }
  std::cout << "    [tightness] max exact KL / (init + Girsanov) bound = " << tightest << '\n';
  EXPECT_GT(tightest, 0.01);  // the bound is not vacuous for this data
}

// ---------------------------------------------------------------------------------------------
// Solvers.

double law_error(const Gaussian& a, const Gaussian& b) { return (a.mean - b.mean).norm() + (a.cov - b.cov).norm(); }

double fitted_order(ReverseSolver solver, th::TimeSpacing spacing, const Gaussian& data, double T, double t_min) {
  std::vector<double> lx, ly;
  const Gaussian init = th::diffusion_forward_marginal(data, T);
  const Gaussian target = th::diffusion_forward_marginal(data, t_min);
  for (int K : {128, 256, 512, 1024, 2048}) {
    const auto grid = th::diffusion_time_grid(T, t_min, K, spacing);
    const double e = law_error(th::diffusion_reverse_solver_law(data, init, solver, grid, Eigen::VectorXd::Zero(data.dim())), target);
    lx.push_back(std::log(static_cast<double>(K)));
    ly.push_back(std::log(e));
  }
  return -ls_slope(lx, ly);
}

TEST(DiffusionSolvers, FittedOrdersMatchClaims) {
  const Gaussian data = data3();
  for (auto spacing : {th::TimeSpacing::uniform_time, th::TimeSpacing::uniform_log_snr}) {
    for (auto s : {ReverseSolver::euler_maruyama, ReverseSolver::euler, ReverseSolver::heun, ReverseSolver::ddim,
                   ReverseSolver::dpm_solver_2, ReverseSolver::dpm_solver_3}) {
      const double p = fitted_order(s, spacing, data, 3.0, 0.02);
      std::cout << "    [order] " << th::to_string(s)
                << (spacing == th::TimeSpacing::uniform_time ? " (uniform t): " : " (uniform log-SNR): ") << p
                << " (claimed " << th::reverse_solver_claimed_order(s) << ")\n";
      EXPECT_NEAR(p, th::reverse_solver_claimed_order(s), kOrderTol) << th::to_string(s);
    }
  }
}

// The same fit must reject a wrong claim: first-order solvers are not second order.
TEST(DiffusionSolvers, OrderFitRejectsAWrongClaim) {
  const Gaussian data = data3();
  EXPECT_GT(std::abs(fitted_order(ReverseSolver::euler, th::TimeSpacing::uniform_time, data, 3.0, 0.02) - 2.0), 5 * kOrderTol);
  EXPECT_GT(std::abs(fitted_order(ReverseSolver::ddim, th::TimeSpacing::uniform_log_snr, data, 3.0, 0.02) - 2.0), 5 * kOrderTol);
}

// DDIM (x̂0 form) equals the exponential integrator x' = (alpha'/alpha) x - sigma' (e^{h_lambda} - 1) eps_hat.
TEST(DiffusionSolvers, DdimIsDpmSolverOne) {
  const double m = 0.8, s = 0.3, t = 0.9, tn = 0.6, y = 0.37;
  const Gaussian data{Eigen::VectorXd::Constant(1, m), Eigen::MatrixXd::Constant(1, 1, s)};
  const Gaussian init{Eigen::VectorXd::Constant(1, y), Eigen::MatrixXd::Constant(1, 1, 1e-300)};
  const Gaussian out = th::diffusion_reverse_solver_law(data, init, ReverseSolver::ddim, {t, tn}, Eigen::VectorXd::Zero(1));
  const double a = std::exp(-t), an = std::exp(-tn), sg = std::sqrt(-std::expm1(-2 * t)), sgn = std::sqrt(-std::expm1(-2 * tn));
  const double v = a * a * s + sg * sg;
  const double eps_hat = -sg * (-(y - a * m) / v);
  const double hl = th::diffusion_log_snr(tn) - th::diffusion_log_snr(t);
  EXPECT_NEAR(out.mean(0), (an / a) * y - sgn * std::expm1(hl) * eps_hat, 1e-14);
}

// With N(0, I) initialization, Euler–Maruyama converges (as K grows) to the continuous reverse
// SDE law from the same start: the two functions agree in the limit.
TEST(DiffusionSolvers, EulerMaruyamaConvergesToTheContinuousLaw) {
  const Gaussian data = data3();
  const Gaussian gamma{Eigen::VectorXd::Zero(3), Eigen::MatrixXd::Identity(3, 3)};
  const Eigen::VectorXd delta = Eigen::Vector3d(0.1, 0.0, -0.2);
  const Gaussian limit = th::diffusion_reverse_sde_law(data, gamma, 2.0, 0.05, delta);
  double prev = INFINITY;
  for (int K : {100, 1000, 10000}) {
    const auto grid = th::diffusion_time_grid(2.0, 0.05, K, th::TimeSpacing::uniform_time);
    const double e = law_error(th::diffusion_reverse_solver_law(data, gamma, ReverseSolver::euler_maruyama, grid, delta), limit);
    EXPECT_LT(e, prev / 5) << K;  // first order: 10x the steps, ~10x smaller error
    prev = e;
  }
  EXPECT_LT(prev, 1e-3);
}

TEST(DiffusionSolvers, RejectsBadInput) {
  const Gaussian data = data3();
  const Gaussian init = th::diffusion_forward_marginal(data, 1.0);
  const Eigen::VectorXd z = Eigen::VectorXd::Zero(3);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::diffusion_reverse_solver_law(data, init, ReverseSolver::heun, {1.0}, z); }, "grid"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::diffusion_reverse_solver_law(data, init, ReverseSolver::heun, {1.0, 1.0}, z); }, "grid"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::diffusion_reverse_solver_law(data, init, ReverseSolver::heun, {1.0, 0.0}, z); }, "grid"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { th::diffusion_reverse_solver_law(data, init, ReverseSolver::heun, {1.0, 0.5}, Eigen::VectorXd::Zero(2)); }, "score_bias"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { th::diffusion_reverse_solver_law(data, Gaussian{Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2)}, ReverseSolver::heun, {1.0, 0.5}, z); },
      "init"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::parse_reverse_solver("rk45"); }, "solver"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::diffusion_time_grid(1.0, 2.0, 10, th::TimeSpacing::uniform_time); }, "t_min"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::diffusion_reverse_sde_law(data, init, 1.0, 2.0, z); }, "t"));
}

}  // namespace
}  // namespace test_diffusion
