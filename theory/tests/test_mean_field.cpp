// Tests for theory/mean_field.hpp: the quadratic-F mean-field model (proximal Gibbs fixed point,
// entropy sandwich, L(mu) against quadrature, the MFLD flow against its ODE, the LSI rate, the
// exact N-particle stationary law and its 1/N bias), and the SGD-/SVRG-MFLD prescriptions.

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/mean_field.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_mean_field {
namespace {

using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Closed-form identities (a few dozen flops on O(1) numbers): relative error allowed.
constexpr double kClosedFormTol = 1e-12;
// Slack for inequalities between closed-form quantities (rounding only; the bounds are exact).
constexpr double kIneqSlack = 1e-12;
// sinh-sinh quadrature at 1e-13 on smooth Gaussian-tailed integrands: relative error allowed.
constexpr double kQuadRelTol = 1e-9;
// Central finite difference with step h = 1e-5: truncation O(h²) ~ 1e-10 times the third
// derivative, rounding ~ 1e-16/h ~ 1e-11; relative error allowed for d/dt of the flow.
constexpr double kFdRelTol = 1e-7;
// Allowed deviation of the fitted log-log slope of the marginal variance bias from -1.
constexpr double kSlopeTol = 0.02;
// Numerical solve of the Nd x Nd stationary covariance (LDLT, condition number <= ~10): abs tol.
constexpr double kSolveTol = 1e-10;

th::QuadraticMeanField make_model(int d, std::mt19937& gen) {
  std::uniform_real_distribution<double> u(0.3, 2.0);
  th::QuadraticMeanField m;
  m.c = u(gen);
  m.b = random_vector(d, gen, 1.5);
  m.lambda1 = u(gen);
  m.lambda2 = u(gen);
  return m;
}

TEST(QuadraticMeanField, OptimumIsFixedPointOfProximalGibbs) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed);
  WorstError worst("KL(p_{mu*} || mu*) + ||mean diff||");
  for (int d = 1; d <= 5; ++d) {
    for (int rep = 0; rep < 20; ++rep) {
      const auto model = make_model(d, gen);
      const auto opt = th::quadratic_mf_optimum(model);
      const auto prox = th::quadratic_mf_proximal_gibbs(model, opt);
      const double err = (prox.mean - opt.mean).norm() + (prox.cov - opt.cov).norm();
      worst.update(err, "d=" + std::to_string(d));
      EXPECT_LE(err, kClosedFormTol);
      // mu* minimises L: perturbations of mean and covariance increase L.
      const double lstar = th::quadratic_mf_objective(model, opt);
      th::Gaussian pert = opt;
      pert.mean += random_vector(d, gen, 0.1);
      pert.cov += 0.05 * random_spd(d, gen);
      EXPECT_GT(th::quadratic_mf_objective(model, pert), lstar);
    }
  }
}

TEST(QuadraticMeanField, FirstVariationIsDirectionalDerivative) {
  // d/deps F((1-eps) mu + eps nu) at eps = 0 = ∫ δF/δmu d(nu - mu); F is quadratic in the
  // mixture weight, so the central difference is exact up to rounding.
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 1);
  for (int d = 1; d <= 4; ++d) {
    const auto model = make_model(d, gen);
    const auto mu = random_gaussian(d, gen), nu = random_gaussian(d, gen);
    auto F = [&](double eps) {  // mixture: mean and second moment are affine in eps
      const Eigen::VectorXd m = (1 - eps) * mu.mean + eps * nu.mean;
      const double second = (1 - eps) * (mu.mean.squaredNorm() + mu.cov.trace()) +
                            eps * (nu.mean.squaredNorm() + nu.cov.trace());
      return 0.5 * model.c * (m - model.b).squaredNorm() + model.lambda1 * second;
    };
    const double h = 1e-4;
    const double fd = (F(h) - F(-h)) / (2 * h);
    // ∫ δF/δmu d(nu - mu) = c (m - b)·(m_nu - m_mu) + lambda1 (E_nu||x||² - E_mu||x||²)
    const double lin = model.c * (mu.mean - model.b).dot(nu.mean - mu.mean) +
                       model.lambda1 * (nu.mean.squaredNorm() + nu.cov.trace() - mu.mean.squaredNorm() -
                                        mu.cov.trace());
    EXPECT_LE(rel_err(fd, lin), 1e-8) << "d=" << d;
    // and the pointwise formula agrees at x = m_nu (linear + quadratic part).
    const Eigen::VectorXd x = nu.mean;
    EXPECT_LE(rel_err(th::quadratic_mf_first_variation(model, mu, x),
                      model.c * (mu.mean - model.b).dot(x) + model.lambda1 * x.squaredNorm()),
              kClosedFormTol);
  }
}

TEST(QuadraticMeanField, EntropySandwichOnRandomGaussians) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 2);
  // Tightness (<= 1 by the theorem): how close each side of the sandwich comes to equality.
  WorstError lower_room("max lower/gap"), upper_room("max gap/upper");
  int n_checked = 0;
  for (int d = 1; d <= 5; ++d) {
    for (int rep = 0; rep < 200; ++rep) {
      const auto model = make_model(d, gen);
      const auto mu = random_gaussian(d, gen);
      const auto s = th::quadratic_mf_entropy_sandwich(model, mu);
      EXPECT_GE(s.lower, 0.0);
      EXPECT_LE(s.lower, s.gap + kIneqSlack * (1 + std::abs(s.gap))) << "d=" << d << " rep=" << rep;
      EXPECT_LE(s.gap, s.upper + kIneqSlack * (1 + std::abs(s.gap))) << "d=" << d << " rep=" << rep;
      lower_room.update(s.lower / s.gap, "d=" + std::to_string(d));
      upper_room.update(s.gap / s.upper, "d=" + std::to_string(d));
      ++n_checked;
    }
  }
  EXPECT_EQ(n_checked, 1000);
  // Equality at the optimum: all three terms vanish.
  std::mt19937 gen2(seed + 3);
  const auto model = make_model(3, gen2);
  const auto s = th::quadratic_mf_entropy_sandwich(model, th::quadratic_mf_optimum(model));
  EXPECT_NEAR(s.lower, 0.0, kClosedFormTol);
  EXPECT_NEAR(s.gap, 0.0, 1e-12 * (1 + std::abs(th::quadratic_mf_optimal_value(model))));
  EXPECT_NEAR(s.upper, 0.0, kClosedFormTol);
}

TEST(QuadraticMeanField, ObjectiveMatchesQuadratureIn1d) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 4);
  WorstError worst("rel err L(mu) closed form vs quadrature");
  for (int rep = 0; rep < 20; ++rep) {
    const auto model = make_model(1, gen);
    const auto mu = random_gaussian(1, gen);
    const double m = mu.mean(0), s2 = mu.cov(0, 0), sd = std::sqrt(s2);
    // A heap-allocated 1-vector (VectorXd::Constant(1, x) trips a false -Warray-bounds in GCC 12).
    auto dens = [&](double x) {
      Eigen::VectorXd v(1);
      v(0) = x;
      return std::exp(th::log_density(mu, v));
    };
    const double E1 = integrate_real_line([&](double x) { return x * dens(x); }, m, sd);
    const double E2 = integrate_real_line([&](double x) { return x * x * dens(x); }, m, sd);
    const double ent = integrate_real_line(
        [&](double x) {
          const double p = dens(x);
          return p > 0 ? p * std::log(p) : 0.0;
        },
        m, sd);
    const double quad = 0.5 * model.c * (E1 - model.b(0)) * (E1 - model.b(0)) + model.lambda1 * E2 +
                        model.lambda2 * ent;
    const double closed = th::quadratic_mf_objective(model, mu);
    const double err = rel_err(closed, quad);
    worst.update(err, "rep=" + std::to_string(rep));
    EXPECT_LE(err, kQuadRelTol) << "closed=" << closed << " quad=" << quad;
  }
}

TEST(QuadraticMeanField, FlowSolvesOdeAndConverges) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 5);
  WorstError worst("rel err d/dt flow (FD) vs ODE rhs");
  for (int d = 1; d <= 4; ++d) {
    const auto model = make_model(d, gen);
    const auto mu0 = random_gaussian(d, gen);
    // initial condition
    const auto f0 = th::quadratic_mf_flow(model, mu0, 0.0);
    EXPECT_LE((f0.mean - mu0.mean).norm() + (f0.cov - mu0.cov).norm(), kClosedFormTol);
    for (double t : {0.1, 0.5, 1.0, 3.0}) {
      const double h = 1e-5;
      const auto fp = th::quadratic_mf_flow(model, mu0, t + h), fm = th::quadratic_mf_flow(model, mu0, t - h);
      const auto ft = th::quadratic_mf_flow(model, mu0, t);
      const Eigen::VectorXd dm = (fp.mean - fm.mean) / (2 * h);
      const Eigen::MatrixXd dS = (fp.cov - fm.cov) / (2 * h);
      const auto rhs = th::quadratic_mf_ode_rhs(model, ft);
      const double scale = 1.0 + rhs.dm.norm() + rhs.dS.norm();
      const double err = ((dm - rhs.dm).norm() + (dS - rhs.dS).norm()) / scale;
      worst.update(err, "d=" + std::to_string(d) + " t=" + std::to_string(t));
      EXPECT_LE(err, kFdRelTol);
    }
    const auto opt = th::quadratic_mf_optimum(model);
    EXPECT_LE(th::kl(th::quadratic_mf_flow(model, mu0, 20.0 / model.lambda1), opt), 1e-12);
  }
}

TEST(QuadraticMeanField, LsiRateBoundHoldsAlongFlow) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 6);
  WorstError worst("max ratio (L_t - L*)/bound");
  for (int d = 1; d <= 5; ++d) {
    for (int rep = 0; rep < 20; ++rep) {
      const auto model = make_model(d, gen);
      const auto mu0 = random_gaussian(d, gen);
      const double lstar = th::quadratic_mf_optimal_value(model);
      const double gap0 = th::quadratic_mf_objective(model, mu0) - lstar;
      const double alpha = th::quadratic_mf_lsi_constant(model);
      EXPECT_LE(rel_err(2 * alpha * model.lambda2, 4 * model.lambda1), kClosedFormTol);
      for (int k = 1; k <= 40; ++k) {
        const double t = 0.05 * k / model.lambda1;
        const double gap = th::quadratic_mf_objective(model, th::quadratic_mf_flow(model, mu0, t)) - lstar;
        const double bound = th::mfld_free_energy_bound(gap0, alpha, model.lambda2, t);
        EXPECT_LE(gap, bound + kIneqSlack * (1 + std::abs(lstar))) << "d=" << d << " t=" << t;
        if (bound > 1e-8) worst.update(gap / bound, "d=" + std::to_string(d));
      }
    }
  }
}

TEST(QuadraticMeanField, LsiRateIsSharpForCovarianceOnlyStart) {
  // mu0 = N(m*, s I): per eigenvalue the excess is lambda1 s* phi(r), phi(r) = r - 1 - ln r. Near
  // r = 1 it decays like e^{-8 lambda1 t}; for r0 >> 1 phi ~ r - 1 and the decay approaches the
  // LSI rate e^{-4 lambda1 t} from below. Check the ratio gap_t / bound is <= 1 and close to 1.
  th::QuadraticMeanField model{1.0, Eigen::VectorXd::Constant(2, 0.5), 0.7, 0.9};
  auto mu0 = th::quadratic_mf_optimum(model);
  mu0.cov *= 1e6;
  const double lstar = th::quadratic_mf_optimal_value(model);
  const double gap0 = th::quadratic_mf_objective(model, mu0) - lstar;
  const double t = 0.1;
  const double gap = th::quadratic_mf_objective(model, th::quadratic_mf_flow(model, mu0, t)) - lstar;
  const double ratio = gap / th::mfld_free_energy_bound(gap0, th::quadratic_mf_lsi_constant(model), model.lambda2, t);
  EXPECT_LE(ratio, 1.0);
  EXPECT_GT(ratio, 0.99);  // the LSI rate 4 lambda1 is asymptotically attained
}

TEST(QuadraticMeanField, NParticleCovarianceSolvesLyapunov) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 7);
  WorstError worst("||A S + S A^T - 2 lambda2 I||_max");
  for (int d = 1; d <= 3; ++d) {
    for (int N : {1, 2, 3, 5, 8}) {
      const auto model = make_model(d, gen);
      // Build the drift independently of the library: row block i of the gradient of
      // c (Xbar - b) + 2 lambda1 X^i with respect to X^j.
      const int D = N * d;
      Eigen::MatrixXd A = Eigen::MatrixXd::Zero(D, D);
      for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j)
          for (int k = 0; k < d; ++k) A(i * d + k, j * d + k) = model.c / N + (i == j ? 2 * model.lambda1 : 0.0);
      EXPECT_LE((A - th::quadratic_mf_n_particle_drift(model, N)).cwiseAbs().maxCoeff(), kClosedFormTol);
      const auto st = th::quadratic_mf_n_particle_stationary(model, N);
      const Eigen::MatrixXd lyap =
          A * st.cov + st.cov * A.transpose() - 2 * model.lambda2 * Eigen::MatrixXd::Identity(D, D);
      const double err = lyap.cwiseAbs().maxCoeff();
      worst.update(err, "d=" + std::to_string(d) + " N=" + std::to_string(N));
      EXPECT_LE(err, kClosedFormTol);
      // Stationary mean: A mean = c (1 ⊗ b)  (drift vanishes).
      Eigen::VectorXd rhs(D);
      for (int i = 0; i < N; ++i) rhs.segment(i * d, d) = model.c * model.b;
      EXPECT_LE((A * st.mean - rhs).norm(), kClosedFormTol * (1 + rhs.norm()));
      // Marginal block matches the marginal accessor.
      const auto marg = th::quadratic_mf_n_particle_marginal(model, N);
      EXPECT_LE((st.cov.topLeftCorner(d, d) - marg.cov).norm(), kClosedFormTol);
      // N = 1: a single particle with Xbar = X is plain OU with drift (c + 2 lambda1).
      if (N == 1) {
        EXPECT_LE(rel_err(marg.cov(0, 0), model.lambda2 / (model.c + 2 * model.lambda1)), kClosedFormTol);
      }
    }
  }
}

TEST(QuadraticMeanField, NParticleMarginalBiasScalesAsInverseN) {
  // Independent computation: the joint OU has symmetric drift A, so Sigma_N = lambda2 A^{-1};
  // solve it numerically (LDLT) for d = 1 and fit log|s_N - s*| against log N, N = 2..256.
  th::QuadraticMeanField model{1.3, Eigen::VectorXd::Constant(1, 0.8), 0.6, 0.7};
  const double sstar = th::quadratic_mf_optimum(model).cov(0, 0);
  std::vector<double> lx, ly;
  WorstError worst("abs err numerical vs closed-form s_N and gap");
  for (int N = 2; N <= 256; N *= 2) {
    const Eigen::MatrixXd A = th::quadratic_mf_n_particle_drift(model, N);
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(A);
    const Eigen::MatrixXd Sigma = model.lambda2 * ldlt.solve(Eigen::MatrixXd::Identity(N, N));
    const double sN = Sigma(0, 0);
    worst.update(std::abs(sN - th::quadratic_mf_n_particle_marginal_variance(model, N)), "N=" + std::to_string(N));
    EXPECT_NEAR(sN, th::quadratic_mf_n_particle_marginal_variance(model, N), kSolveTol);
    lx.push_back(std::log(N));
    ly.push_back(std::log(std::abs(sN - sstar)));
    // Normalised free-energy gap (1/N) L^N(p^(N)) - L(mu*) from the numerical Sigma.
    // (1/N) L^N = E F(empirical) + (lambda2/N) Ent(joint); with all means = m*:
    //   E F = (c/2)(||m* - b||² + Var(Xbar)) + lambda1 (||m*||² + mean_i Var(X^i)).
    const double mstar = th::quadratic_mf_optimum(model).mean(0);
    const double varbar = Sigma.sum() / (double(N) * N);
    const double EF = 0.5 * model.c * ((mstar - model.b(0)) * (mstar - model.b(0)) + varbar) +
                      model.lambda1 * (mstar * mstar + Sigma.trace() / N);
    const double logdet = ldlt.vectorD().array().log().sum();  // log det A
    const double entjoint = -0.5 * (N * std::log(2 * std::numbers::pi * std::numbers::e) +
                                    N * std::log(model.lambda2) - logdet);
    const double gapN = EF + model.lambda2 * entjoint / N - th::quadratic_mf_optimal_value(model);
    EXPECT_NEAR(gapN, th::quadratic_mf_n_particle_free_energy_gap(model, N), kSolveTol) << "N=" << N;
    // KL of the marginal to mu* is O(1/N²), much smaller than the O(1/N) free-energy gap.
    EXPECT_LT(th::kl(th::quadratic_mf_n_particle_marginal(model, N), th::quadratic_mf_optimum(model)),
              th::quadratic_mf_n_particle_free_energy_gap(model, N));
  }
  const double slope = ls_slope(lx, ly);
  std::cout << "    [slope] log|s_N - s*| vs log N: " << slope << '\n';
  EXPECT_NEAR(slope, -1.0, kSlopeTol);
}

TEST(QuadraticMeanField, InvalidArguments) {
  th::QuadraticMeanField good{1.0, Eigen::VectorXd::Constant(2, 0.5), 0.7, 0.9};
  auto bad = good;
  bad.lambda1 = 0.0;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_optimum(bad); }, "model.lambda1"));
  bad = good;
  bad.lambda2 = -1.0;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_optimum(bad); }, "model.lambda2"));
  bad = good;
  bad.c = -0.1;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_optimum(bad); }, "model.c"));
  bad = good;
  bad.b = Eigen::VectorXd();
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_optimum(bad); }, "model.b"));
  const auto mu3 = th::Gaussian::isotropic(3, 0.0, 1.0);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_objective(good, mu3); }, "mu"));
  const auto mu2 = th::Gaussian::isotropic(2, 0.0, 1.0);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_flow(good, mu2, -1.0); }, "t"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_n_particle_stationary(good, 0); }, "N"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::mfld_free_energy_bound(-1, 1, 1, 1); }, "gap0"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::mfld_free_energy_bound(1, 0, 1, 1); }, "alpha"));
}

// ---------------------------------------------------------------------------------------------
// SGD-MFLD / SVRG-MFLD prescriptions.

TEST(MfldPrescriptions, MinibatchFactorLimits) {
  EXPECT_EQ(th::minibatch_variance_factor(100, 100), 0.0);
  EXPECT_DOUBLE_EQ(th::minibatch_variance_factor(100, 1), 1.0);
  double prev = 2.0;
  for (int B = 1; B <= 100; ++B) {
    const double f = th::minibatch_variance_factor(100, B);
    EXPECT_LT(f, prev);
    prev = f;
  }
  // B = n: the SGD bound has no mini-batch term and equals the full-gradient bound.
  const double eta = 0.01, k = 1000, alpha = 0.5, l2 = 0.2, N = 50;
  const double full = std::exp(-l2 * eta * k * alpha) + (eta * eta + l2 * eta + 1 / N) / (alpha * l2);
  EXPECT_LE(rel_err(th::sgd_mfld_bound_unit_constants(eta, k, alpha, l2, N, 100, 100), full), kClosedFormTol);
  EXPECT_LE(rel_err(th::svrg_mfld_bound_unit_constants(eta, k, alpha, l2, N, 100, 100, 20), full), kClosedFormTol);
  // B = n: the mini-batch step-size constraint disappears.
  EXPECT_EQ(th::sgd_mfld_step_size_unit_constants(0.01, alpha, l2, 100, 100),
            std::min(0.01 * alpha, std::sqrt(l2 * 0.01 * alpha)));
}

TEST(MfldPrescriptions, BoundsMonotone) {
  const double alpha = 0.5, l2 = 0.2, n = 1000;
  // decreasing in k, N, B; increasing in eta once the exponential has died out.
  EXPECT_GT(th::sgd_mfld_bound_unit_constants(0.01, 10, alpha, l2, 50, n, 10),
            th::sgd_mfld_bound_unit_constants(0.01, 1000, alpha, l2, 50, n, 10));
  EXPECT_GT(th::sgd_mfld_bound_unit_constants(0.01, 1000, alpha, l2, 50, n, 10),
            th::sgd_mfld_bound_unit_constants(0.01, 1000, alpha, l2, 500, n, 10));
  EXPECT_GT(th::sgd_mfld_bound_unit_constants(0.01, 1000, alpha, l2, 50, n, 10),
            th::sgd_mfld_bound_unit_constants(0.01, 1000, alpha, l2, 50, n, 100));
  EXPECT_LT(th::sgd_mfld_bound_unit_constants(0.001, 1e9, alpha, l2, 50, n, 10),
            th::sgd_mfld_bound_unit_constants(0.01, 1e9, alpha, l2, 50, n, 10));
  EXPECT_GT(th::svrg_mfld_bound_unit_constants(0.01, 1000, alpha, l2, 50, n, 10, 100),
            th::svrg_mfld_bound_unit_constants(0.01, 1000, alpha, l2, 50, n, 10, 10));
  // Iteration counts grow as eps shrinks; optimal batch is capped at n.
  EXPECT_GT(th::sgd_mfld_iterations_unit_constants(1e-3, alpha, l2, n, 10),
            th::sgd_mfld_iterations_unit_constants(1e-2, alpha, l2, n, 10));
  EXPECT_EQ(th::sgd_mfld_optimal_batch_size(1e-9, alpha, l2, n), n);
  EXPECT_LE(rel_err(th::sgd_mfld_optimal_batch_size(1e-2, alpha, l2, n), std::sqrt(1 / (l2 * alpha * 1e-2))),
            kClosedFormTol);
  EXPECT_GT(th::svrg_mfld_iterations(1e-3, alpha, l2), th::svrg_mfld_iterations(1e-2, alpha, l2));
}

TEST(MfldPrescriptions, StepSizeMakesEachBiasTermAtMostEps) {
  // With eta from the notes' prescription, each eta-dependent bias term (1/(alpha lambda2)) x
  // {eta², lambda2 eta, minibatch term} is <= eps; and k from the notes is within [1, 3] of
  // log(1/eps)/(lambda2 alpha eta).
  for (double eps : {1e-1, 1e-2, 1e-3})
    for (double B : {1.0, 10.0, 100.0, 999.0}) {
      const double alpha = 0.5, l2 = 0.2, n = 1000;
      const double eta = th::sgd_mfld_step_size_unit_constants(eps, alpha, l2, n, B);
      const double c = 1 / (alpha * l2);
      EXPECT_LE(c * eta * eta, eps * (1 + 1e-12));
      EXPECT_LE(c * l2 * eta, eps * (1 + 1e-12));
      EXPECT_LE(c * th::minibatch_variance_factor(n, B) * std::sqrt(eta * l2), eps * (1 + 1e-12));
      const double k = th::sgd_mfld_iterations_unit_constants(eps, alpha, l2, n, B);
      const double k_eta = std::log(1 / eps) / (l2 * alpha * eta);
      EXPECT_GE(k, k_eta * (1 - 1e-12));
      EXPECT_LE(k, 3 * k_eta * (1 + 1e-12));
      // SVRG: with B = sqrt(m) = n^{1/3} the variance term is <= eta sqrt(1 + eta/lambda2)/alpha.
      const double es = th::svrg_mfld_step_size(eps, alpha, l2);
      EXPECT_LE(c * es * es, eps * (1 + 1e-12));
      EXPECT_LE(c * l2 * es, eps * (1 + 1e-12));
    }
  const double n = 1e6;
  EXPECT_LE(rel_err(th::svrg_mfld_batch_size(n), 100.0), kClosedFormTol);
  EXPECT_LE(rel_err(th::svrg_mfld_epoch_length(n), 1e4), kClosedFormTol);
  EXPECT_LE(rel_err(th::svrg_mfld_gradient_evaluations(1e-2, 0.5, 0.2, n), 200.0 * th::svrg_mfld_iterations(1e-2, 0.5, 0.2)),
            kClosedFormTol);
}

TEST(MfldPrescriptions, UniformInNBiasAndErrors) {
  EXPECT_LE(rel_err(th::uniform_in_n_lsi_bias(2.0, 10, 0.5, 4.0), 2.0 / (10 * 0.5 * 4.0)), kClosedFormTol);
  EXPECT_LE(rel_err(th::uniform_in_n_lsi_bias(2.0, 20, 0.5, 4.0) * 2, th::uniform_in_n_lsi_bias(2.0, 10, 0.5, 4.0)),
            kClosedFormTol);
  // The quadratic model's exact N-particle free-energy gap has this form with
  // C = lambda2² alpha d ln(1 + c/(2 lambda1))/2.
  th::QuadraticMeanField model{1.3, Eigen::VectorXd::Constant(3, 0.8), 0.6, 0.7};
  const double alpha = th::quadratic_mf_lsi_constant(model);
  const double C = model.lambda2 * model.lambda2 * alpha * 3 * std::log1p(model.c / (2 * model.lambda1)) / 2;
  EXPECT_LE(rel_err(th::uniform_in_n_lsi_bias(C, 17, model.lambda2, alpha),
                    th::quadratic_mf_n_particle_free_energy_gap(model, 17)),
            kClosedFormTol);
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::uniform_in_n_lsi_bias(-1, 1, 1, 1); }, "C"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::uniform_in_n_lsi_bias(1, 0.5, 1, 1); }, "N"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minibatch_variance_factor(1, 1); }, "n"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minibatch_variance_factor(10, 11); }, "B"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::minibatch_variance_factor(10, 0.5); }, "B"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::sgd_mfld_step_size_unit_constants(0, 1, 1, 10, 2); }, "eps"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::sgd_mfld_step_size_unit_constants(1.5, 1, 1, 10, 2); }, "eps"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::sgd_mfld_bound_unit_constants(0, 1, 1, 1, 1, 10, 2); }, "eta"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::sgd_mfld_bound_unit_constants(0.1, -1, 1, 1, 1, 10, 2); }, "k"));
  EXPECT_TRUE(
      throws_invalid_argument_naming([] { th::svrg_mfld_bound_unit_constants(0.1, 1, 1, 1, 1, 10, 2, 0.5); }, "m"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::svrg_mfld_step_size(0.1, 1, 0); }, "lambda2"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::svrg_mfld_batch_size(0.5); }, "n"));
}

// ---------------------------------------------------------------------------------------------
// Exact discrete MFLD law of the quadratic model (quadratic_mf_mfld_law).

// Propagates the joint Nd-dimensional Gaussian of the particle system by the update itself,
// θ <- (I - eta A) θ + eta c 1⊗b + sqrt(2 eta lambda2) xi, A = quadratic_mf_n_particle_drift: the
// independent reference for the mode decomposition.
struct JointLaw {
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
};
JointLaw propagate_joint(const th::QuadraticMeanField& model, const th::Gaussian& mu0, int N, double eta, int k) {
  const int d = model.dim();
  const Eigen::Index Nd = static_cast<Eigen::Index>(N) * d;
  const Eigen::MatrixXd M = Eigen::MatrixXd::Identity(Nd, Nd) - eta * th::quadratic_mf_n_particle_drift(model, N);
  JointLaw J;
  J.mean.resize(Nd);
  J.cov = Eigen::MatrixXd::Zero(Nd, Nd);
  Eigen::VectorXd shift(Nd);
  for (int i = 0; i < N; ++i) {
    J.mean.segment(static_cast<Eigen::Index>(i) * d, d) = mu0.mean;
    J.cov.block(static_cast<Eigen::Index>(i) * d, static_cast<Eigen::Index>(i) * d, d, d) = mu0.cov;
    shift.segment(static_cast<Eigen::Index>(i) * d, d) = eta * model.c * model.b;
  }
  for (int s = 0; s < k; ++s) {
    J.mean = M * J.mean + shift;
    J.cov = M * J.cov * M.transpose() + 2.0 * eta * model.lambda2 * Eigen::MatrixXd::Identity(Nd, Nd);
  }
  return J;
}

TEST(QuadraticMfldLaw, ModeDecompositionMatchesTheJointRecursion) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed);
  WorstError worst("|law - joint recursion| / max(1, |joint|)");
  for (int d : {1, 2, 3}) {
    for (int N : {1, 2, 5}) {
      const auto model = make_model(d, gen);
      const double eta = 0.9 * th::quadratic_mf_mfld_step_limit(model);
      Eigen::MatrixXd R = Eigen::MatrixXd::Random(d, d);
      const th::Gaussian mu0{random_vector(d, gen, 2.0), R * R.transpose() + 0.3 * Eigen::MatrixXd::Identity(d, d)};
      for (int k : {0, 1, 4, 17}) {
        const auto L = th::quadratic_mf_mfld_law(model, mu0, N, eta, static_cast<unsigned long long>(k));
        const JointLaw J = propagate_joint(model, mu0, N, eta, k);
        const std::string where = "d=" + std::to_string(d) + " N=" + std::to_string(N) + " k=" + std::to_string(k);
        for (int i = 0; i < N; ++i) {
          const auto m = J.mean.segment(static_cast<Eigen::Index>(i) * d, d);
          worst.update((m - L.mean).norm() / std::max(1.0, m.norm()), where + " mean");
          const Eigen::MatrixXd Sii = J.cov.block(static_cast<Eigen::Index>(i) * d, static_cast<Eigen::Index>(i) * d, d, d);
          worst.update((Sii - L.marginal_cov).norm() / std::max(1.0, Sii.norm()), where + " marginal");
          for (int j = 0; j < N; ++j) {
            if (j == i) continue;
            const Eigen::MatrixXd Sij = J.cov.block(static_cast<Eigen::Index>(i) * d, static_cast<Eigen::Index>(j) * d, d, d);
            worst.update((Sij - L.cross_cov).norm() / std::max(1.0, Sij.norm()), where + " cross");
          }
        }
        // Particle mean: (1/N) sum of blocks.
        Eigen::MatrixXd Vm = Eigen::MatrixXd::Zero(d, d);
        for (int i = 0; i < N; ++i)
          for (int j = 0; j < N; ++j)
            Vm += J.cov.block(static_cast<Eigen::Index>(i) * d, static_cast<Eigen::Index>(j) * d, d, d);
        Vm /= static_cast<double>(N) * N;
        worst.update((Vm - L.mean_mode_cov).norm() / std::max(1.0, Vm.norm()), where + " mean mode");
      }
    }
  }
  EXPECT_LE(worst.value(), 1e-11);
}

TEST(QuadraticMfldLaw, SmallStepTendsToTheContinuousLaws) {
  th::QuadraticMeanField model;
  model.c = 1.7;
  model.b = Eigen::Vector2d(0.4, -1.1);
  model.lambda1 = 0.6;
  model.lambda2 = 0.8;
  const th::Gaussian mu0{Eigen::Vector2d(2.0, 0.5), Eigen::Vector2d(3.0, 0.2).asDiagonal()};
  const double t = 0.9;
  std::vector<double> err_flow, err_stat, etas = {1e-2, 5e-3, 2.5e-3};
  for (double eta : etas) {
    // N huge: the marginal is the mean-field flow up to O(1/N); the step error is O(eta).
    const auto L = th::quadratic_mf_mfld_law(model, mu0, 1000000000, eta, static_cast<unsigned long long>(std::llround(t / eta)));
    const auto f = th::quadratic_mf_flow(model, mu0, t);
    err_flow.push_back((L.mean - f.mean).norm() + (L.marginal_cov - f.cov).norm());
    const int N = 7;
    const auto S = th::quadratic_mf_mfld_stationary(model, N, eta);
    const auto C = th::quadratic_mf_n_particle_stationary(model, N);
    err_stat.push_back((S.marginal_cov - C.cov.topLeftCorner(2, 2)).norm() + (S.cross_cov - C.cov.block(0, 2, 2, 2)).norm() +
                       (S.mean - C.mean.head(2)).norm());
  }
  for (std::size_t i = 0; i < etas.size(); ++i) {
    EXPECT_LT(err_flow[i], 2.0 * etas[i]) << "eta " << etas[i];
    EXPECT_LT(err_stat[i], 2.0 * etas[i]) << "eta " << etas[i];
    EXPECT_GT(err_stat[i], 0.0);
  }
  // First order in eta: halving eta halves the error.
  EXPECT_NEAR(err_flow[1] / err_flow[2], 2.0, 0.1);
  EXPECT_NEAR(err_stat[1] / err_stat[2], 2.0, 0.1);
}

TEST(QuadraticMfldLaw, StationaryIsTheLimitAndBiasesDecompose) {
  th::QuadraticMeanField model;
  model.c = 3.0;
  model.b = Eigen::Vector3d(1.0, 0.0, -2.0);
  model.lambda1 = 0.5;
  model.lambda2 = 1.3;
  const double eta = 0.07;
  const th::Gaussian mu0{Eigen::Vector3d(5.0, 1.0, 1.0), 4.0 * Eigen::Matrix3d::Identity()};
  for (int N : {1, 3, 64}) {
    const auto L = th::quadratic_mf_mfld_law(model, mu0, N, eta, 5000);
    const auto S = th::quadratic_mf_mfld_stationary(model, N, eta);
    EXPECT_LT((L.mean - S.mean).norm(), 1e-12);
    EXPECT_LT((L.marginal_cov - S.marginal_cov).norm(), 1e-12);
    EXPECT_LT((L.cross_cov - S.cross_cov).norm(), 1e-12);
    // s_N(eta) - a = step bias + chaos bias, the chaos bias exactly ∝ 1/N.
    const double a = model.lambda2 / (2 * model.lambda1);
    const double sN = S.marginal_cov(0, 0);
    EXPECT_NEAR(sN - a, th::quadratic_mf_mfld_step_bias(model, eta) + th::quadratic_mf_mfld_chaos_bias(model, N, eta), 1e-13);
    EXPECT_NEAR(N * th::quadratic_mf_mfld_chaos_bias(model, N, eta), th::quadratic_mf_mfld_chaos_bias(model, 1, eta), 1e-13);
    EXPECT_LT(th::quadratic_mf_mfld_chaos_bias(model, N, eta), 0.0);
  }
  // eta -> 0: the chaos bias tends to the continuous N-particle variance bias.
  EXPECT_NEAR(th::quadratic_mf_mfld_chaos_bias(model, 10, 1e-7), th::quadratic_mf_n_particle_variance_bias(model, 10), 1e-7);
}

TEST(QuadraticMfldLaw, InvalidArguments) {
  th::QuadraticMeanField model;
  model.c = 8.0;
  model.b = Eigen::VectorXd::Ones(2);
  model.lambda1 = 1.0;
  model.lambda2 = 1.0;
  EXPECT_DOUBLE_EQ(th::quadratic_mf_mfld_step_limit(model), 0.2);  // min(2/10, 1/1)
  const th::Gaussian mu0{Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2)};
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_mfld_law(model, mu0, 4, 0.2, 1); }, "eta"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_mfld_law(model, mu0, 4, 0.0, 1); }, "eta"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_mfld_law(model, mu0, 0, 0.1, 1); }, "N"));
  const th::Gaussian bad{Eigen::VectorXd::Zero(3), Eigen::MatrixXd::Identity(3, 3)};
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_mfld_law(model, bad, 4, 0.1, 1); }, "mu0"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::quadratic_mf_mfld_stationary(model, 4, 0.25); }, "eta"));
}

}  // namespace
}  // namespace test_mean_field
