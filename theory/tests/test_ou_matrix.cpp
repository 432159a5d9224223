// Multivariate OU with a symmetric drift matrix A and the exact ULA law on Gaussian targets
// U(x) = xᵀAx/2 (theory/ou.hpp, theory/ula_gaussian.hpp), checked against independent
// computations: the defining ODEs by finite differences, step-by-step recursion, the isotropic
// closed forms, fixed points, the KL closed form, and the eta -> 0 limit.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/lsi.hpp"
#include "theory/ou.hpp"
#include "theory/tests/test_support.hpp"
#include "theory/ula_gaussian.hpp"
#include "lib/linalg/dense.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_ou_matrix {
namespace {

using namespace ldbench::theory;
using namespace ldbench::theory::test;

// Relative agreement of algebraically equal closed forms (eigen-decompositions of well
// conditioned d <= 6 matrices: a few hundred ulps).
constexpr double kClosedFormRelTol = 1e-11;
// Finite differences in t with step 1e-5 of functions whose third derivatives are O(|A|³ |S|):
// truncation ~1e-10 |S|, rounding ~1e-16 |S| / 1e-5 = 1e-11 |S|.
constexpr double kOdeRelTol = 1e-7;
// d = 50 with eigenvalues spread over [1e-3, 10] (condition number 1e4): invariance of the
// stationary law holds to ~cond x eps.
constexpr double kIllConditionedRelTol = 1e-9;

double max_rel(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want) {
  return (got - want).cwiseAbs().maxCoeff() / std::max(want.cwiseAbs().maxCoeff(), 1e-300);
}

OuMatrix random_drift(int d, std::mt19937& gen, double lambda) { return {random_spd(d, gen, 0.5), lambda}; }

TEST(OuMatrix, IsotropicDriftMatchesTheScalarFlow) {
  std::mt19937 gen(test_seed());
  const Gaussian g = random_gaussian(3, gen);
  for (double t : {0.0, 0.1, 1.0, 5.0}) {
    const Gaussian want = ou_law(g, t, OuParams{1.7, 0.4});
    const Gaussian got = ou_law(g, t, OuMatrix{1.7 * Eigen::MatrixXd::Identity(3, 3), 0.4});
    EXPECT_LT(max_rel(got.mean, want.mean), kClosedFormRelTol) << "t = " << t << "; " << seed_trace(test_seed());
    EXPECT_LT(max_rel(got.cov, want.cov), kClosedFormRelTol) << "t = " << t;
  }
}

TEST(OuMatrix, SolvesTheMomentOdes) {
  // dm/dt = -A m,  dS/dt = -A S - S A + 2 lambda I.
  std::mt19937 gen(test_seed());
  const OuMatrix p = random_drift(4, gen, 0.7);
  const Gaussian g = random_gaussian(4, gen);
  const double h = 1e-5;
  for (double t : {0.05, 0.5, 2.0}) {
    const Gaussian mid = ou_law(g, t, p), up = ou_law(g, t + h, p), dn = ou_law(g, t - h, p);
    const Eigen::VectorXd dm = (up.mean - dn.mean) / (2 * h);
    const Eigen::MatrixXd dS = (up.cov - dn.cov) / (2 * h);
    EXPECT_LT(max_rel(dm, -p.A * mid.mean), kOdeRelTol) << "t = " << t << "; " << seed_trace(test_seed());
    const Eigen::MatrixXd rhs = -p.A * mid.cov - mid.cov * p.A + 2 * p.lambda * Eigen::MatrixXd::Identity(4, 4);
    EXPECT_LT(max_rel(dS, rhs), kOdeRelTol) << "t = " << t;
  }
}

TEST(OuMatrix, SemigroupStationarityAndLimit) {
  std::mt19937 gen(test_seed());
  const OuMatrix p = random_drift(5, gen, 1.3);
  const Gaussian g = random_gaussian(5, gen);
  const Gaussian two_steps = ou_law(ou_law(g, 0.3, p), 0.9, p), one = ou_law(g, 1.2, p);
  EXPECT_LT(max_rel(two_steps.cov, one.cov), kClosedFormRelTol);
  EXPECT_LT(max_rel(two_steps.mean, one.mean), kClosedFormRelTol);
  const Gaussian pi = ou_stationary(p);
  EXPECT_LT(max_rel(ou_law(pi, 2.0, p).cov, pi.cov), kClosedFormRelTol);
  EXPECT_LT(max_rel(pi.cov * p.A, p.lambda * Eigen::MatrixXd::Identity(5, 5)), kClosedFormRelTol);
  EXPECT_LT(max_rel(ou_law(g, 200.0, p).cov, pi.cov), kClosedFormRelTol);
}

TEST(OuMatrix, IllConditionedFiftyDimensions) {
  std::mt19937 gen(test_seed());
  const Eigen::MatrixXd Q = random_orthogonal(50, gen);
  Eigen::VectorXd a(50);
  for (int i = 0; i < 50; ++i) a(i) = std::pow(10.0, -3.0 + 4.0 * i / 49.0);
  const OuMatrix p{Q * a.asDiagonal() * Q.transpose(), 0.5};
  const Gaussian pi = ou_stationary(p);
  EXPECT_LT(max_rel(ou_law(pi, 3.0, p).cov, pi.cov), kIllConditionedRelTol) << seed_trace(test_seed());
}

TEST(OuMatrix, BakryEmeryRateOnAnisotropicTargets) {
  // ∇²U = A ⪰ a_min I, so pi satisfies LSI(a_min/lambda): KL_t <= e^{-2 a_min t} KL_0.
  std::mt19937 gen(test_seed());
  for (int trial = 0; trial < 50; ++trial) {
    const OuMatrix p = random_drift(3, gen, 0.8);
    const Gaussian g = random_gaussian(3, gen), pi = ou_stationary(p);
    const double amin = ldbench::lib::linalg::symmetric_min_eigenvalue(p.A);
    const double kl0 = kl(g, pi);
    for (double t : {0.1, 0.5, 1.0, 3.0})
      EXPECT_LE(kl(ou_law(g, t, p), pi), lsi_kl_bound(kl0, amin / p.lambda, p.lambda, t) * (1 + 1e-12))
          << "trial " << trial << ", t = " << t << "; " << seed_trace(test_seed());
  }
}

TEST(OuMatrix, InvalidDriftNamesA) {
  const Gaussian g = Gaussian::isotropic(2, 0.0, 1.0);
  Eigen::MatrixXd asym(2, 2);
  asym << 1, 0.5, 0, 1;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { ou_law(g, 1.0, OuMatrix{asym, 1.0}); }, "A: not symmetric"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { ou_law(g, 1.0, OuMatrix{-Eigen::MatrixXd::Identity(2, 2), 1.0}); }, "A: not positive definite"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { ou_law(g, 1.0, OuMatrix{Eigen::MatrixXd::Identity(3, 3), 1.0}); }, "A: shape"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { ou_law(g, 1.0, OuMatrix{Eigen::MatrixXd::Identity(2, 2), 0.0}); }, "lambda"));
}

TEST(UlaMatrix, ClosedFormEqualsTheRecursion) {
  std::mt19937 gen(test_seed());
  const OuMatrix p = random_drift(4, gen, 0.6);
  const Gaussian g = random_gaussian(4, gen);
  const double amax = ldbench::lib::linalg::symmetric_max_eigenvalue(p.A);
  const double eta = 0.9 / amax;
  const Eigen::MatrixXd R = Eigen::MatrixXd::Identity(4, 4) - eta * p.A;
  Eigen::VectorXd m = g.mean;
  Eigen::MatrixXd S = g.cov;
  for (unsigned k = 0; k <= 25; ++k) {
    const Gaussian law = ula_law(g, k, eta, p);
    EXPECT_LT(max_rel(law.mean, m), kClosedFormRelTol) << "k = " << k << "; " << seed_trace(test_seed());
    EXPECT_LT(max_rel(law.cov, S), kClosedFormRelTol) << "k = " << k;
    m = R * m;
    S = R * S * R + 2 * eta * p.lambda * Eigen::MatrixXd::Identity(4, 4);
  }
}

TEST(UlaMatrix, IsotropicCaseMatchesUlaMoments) {
  const OuMatrix p{2.0 * Eigen::MatrixXd::Identity(2, 2), 0.5};
  const Gaussian g = Gaussian::isotropic(2, 1.5, 0.3);
  const auto want = ula_moments(9, 0.2, 1.5, 0.3, OuParams{2.0, 0.5});
  const Gaussian got = ula_law(g, 9, 0.2, p);
  EXPECT_NEAR(got.mean(0), want.mean, 1e-14);
  EXPECT_NEAR(got.cov(1, 1), want.variance, 1e-14);
  EXPECT_NEAR(got.cov(0, 1), 0.0, 1e-15);
}

TEST(UlaMatrix, StationaryLawIsAFixedPointAndItsBiasMatchesKl) {
  std::mt19937 gen(test_seed());
  const OuMatrix p = random_drift(5, gen, 1.1);
  const double amax = ldbench::lib::linalg::symmetric_max_eigenvalue(p.A);
  WorstError worst("ULA stationary bias KL vs theory::kl, relative");
  for (double frac : {1e-4, 1e-2, 0.3, 1.5}) {
    const double eta = frac / amax;
    const Gaussian s = ula_stationary(eta, p);
    EXPECT_LT(max_rel(ula_law(s, 3, eta, p).cov, s.cov), kClosedFormRelTol) << "eta a_max = " << frac;
    const double got = ula_stationary_bias_kl(eta, p), want = kl(s, ou_stationary(p));
    worst.update(rel_err(got, want), "eta a_max = " + std::to_string(frac));
  }
  // kl() sums terms of size ~1 that cancel to KL ~ 1e-10 at eta a_max = 1e-4, so it is good to
  // ~eps / 1e-10 ~ 1e-6 relative there (the closed form uses log1p and does not cancel).
  EXPECT_LT(worst.value(), 1e-6) << seed_trace(test_seed());
  // Small-step expansion: r - 1 - ln r = x²/2 + O(x³) with x = eta a/2, so KL ≈ sum_i (eta a_i)² / 16.
  const Eigen::VectorXd a = ldbench::lib::linalg::symmetric_eigenvalues(p.A);
  const double eta = 1e-3 / amax;
  EXPECT_NEAR(ula_stationary_bias_kl(eta, p) / ((eta * a).squaredNorm() / 16.0), 1.0, 1e-3);
}

TEST(UlaMatrix, StabilityLimitNamesEta) {
  const OuMatrix p{(Eigen::MatrixXd(2, 2) << 4.0, 0.0, 0.0, 1.0).finished(), 1.0};
  EXPECT_TRUE(throws_invalid_argument_naming([&] { ula_stationary(0.5, p); }, "eta: step 0.5 is over the stability limit 2/a_max = 0.5"));
  EXPECT_NO_THROW(ula_stationary(0.49, p));
}

TEST(UlaMatrix, ConvergesToTheOuLawWithOrderOne) {
  // With k eta = t fixed, the ULA law approaches the OU law at t with error O(eta).
  std::mt19937 gen(test_seed());
  const OuMatrix p = random_drift(3, gen, 0.9);
  const Gaussian g = random_gaussian(3, gen);
  const double t = 1.0;
  const Gaussian exact = ou_law(g, t, p);
  std::vector<double> logh, loge;
  for (unsigned k : {50u, 100u, 200u, 400u, 800u}) {
    const double eta = t / k;
    const Gaussian u = ula_law(g, k, eta, p);
    logh.push_back(std::log(eta));
    loge.push_back(std::log((u.cov - exact.cov).norm() + (u.mean - exact.mean).norm()));
  }
  EXPECT_NEAR(ls_slope(logh, loge), 1.0, 0.02) << seed_trace(test_seed());
}

}  // namespace
}  // namespace test_ou_matrix
