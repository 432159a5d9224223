// Tests for lib/langevin: ULA against the exact ULA law (theory/ula_gaussian.hpp), MALA invariance
// and acceptance, preconditioning, the SGLD / SVRG / SARAH estimators (unbiasedness, variance
// reduction near the snapshot), exact gradient-evaluation counts, thread-count independence, the
// noise stream (lib/rng/normal_block.hpp), the stability and divergence guards, input errors, and
// the mutants.
//
// Statistical comparisons (Stan Math style): fixed seed (LDBENCH_TEST_SEED overrides), z-tests of
// sample means and variances against exact values with a false-alarm rate kFalseAlarm = 1e-6 per
// test, split over the coordinates and the two moments by Bonferroni (z threshold printed).
// Mutant checks require the opposite: the deviation must exceed kMutantZ standard errors.

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "lib/langevin/gradient_estimators.hpp"
#include "lib/langevin/sampler.hpp"
#include "lib/models/gaussian_sum.hpp"
#include "lib/models/logistic.hpp"
#include "lib/potentials/potential.hpp"
#include "lib/rng/normal_block.hpp"
#include "lib/rng/philox.hpp"
#include "lib/tests/test_support.hpp"
#include "theory/gaussian.hpp"
#include "theory/ou.hpp"
#include "theory/ula_gaussian.hpp"
#include "theory/variance_reduction.hpp"
#include "lib/linalg/dense.hpp"

namespace test_langevin {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::lib::langevin;
using namespace ldbench::lib::test;
namespace models = ldbench::lib::models;
namespace rng = ldbench::lib::rng;
namespace th = ldbench::theory;

// A mutant must move a moment by at least this many standard errors (vs ~5.3 for the
// Bonferroni threshold of the correct algorithm): detection is then essentially certain.
constexpr double kMutantZ = 20.0;

// Exact samples of N(mean, cov) in the columns of a d x N matrix (StreamTag::reference_sample).
Eigen::MatrixXd exact_samples(const Eigen::VectorXd& mean, const Eigen::MatrixXd& cov, long N, std::uint32_t seed) {
  const Eigen::MatrixXd L = ldbench::lib::linalg::Cholesky(cov).matrixL();
  const rng::Key key{seed, static_cast<std::uint32_t>(rng::StreamTag::reference_sample)};
  Eigen::MatrixXd X(mean.size(), N);
  Eigen::VectorXd z(mean.size());
  for (long j = 0; j < N; ++j) {
    rng::NormalStream(key, 0, static_cast<std::uint32_t>(j), 0).fill(z.data(), static_cast<std::uint32_t>(z.size()));
    X.col(j) = mean + L * z;
  }
  return X;
}

struct MomentCheck {
  double max_z_mean = 0, max_z_var = 0;
  double max_rel_mean_err = 0, max_rel_var_err = 0;  // |err| / sqrt(var), |err| / var
};

// Per-coordinate z-scores of the sample mean and unbiased sample variance of X against the exact
// law (mean, diag(cov)); Gaussian standard errors (the laws here are Gaussian).
MomentCheck check_moments(const Eigen::MatrixXd& X, const Eigen::VectorXd& mean, const Eigen::MatrixXd& cov) {
  MomentCheck c;
  const long N = X.cols();
  for (int i = 0; i < X.rows(); ++i) {
    const SampleMoments s = row_moments(X, i);
    const double v = cov(i, i);
    c.max_z_mean = std::max(c.max_z_mean, std::abs(s.mean - mean(i)) / se_mean(v, N));
    c.max_z_var = std::max(c.max_z_var, std::abs(s.variance - v) / se_variance(v, N));
    c.max_rel_mean_err = std::max(c.max_rel_mean_err, std::abs(s.mean - mean(i)) / std::sqrt(v));
    c.max_rel_var_err = std::max(c.max_rel_var_err, std::abs(s.variance - v) / v);
  }
  return c;
}

// Bonferroni over 2 d comparisons at total false-alarm rate kFalseAlarm.
double bonferroni_z(int d) { return z_two_sided(kFalseAlarm / (2.0 * d)); }

SamplerOptions options(Algorithm a, double eta, std::uint32_t K, std::uint32_t seed, double lambda = 1.0) {
  SamplerOptions o;
  o.algorithm = a;
  o.step = StepSchedule::constant(eta);
  o.n_steps = K;
  o.seed = seed;
  o.lambda = lambda;
  return o;
}

// ---------------------------------------------------------------------------------------------
// ULA against the exact law.

struct UlaCase {
  const char* name;
  Eigen::MatrixXd A;
  Eigen::VectorXd target_mean;
  double lambda, eta;
  unsigned k;
};

void run_ula_case(const UlaCase& c) {
  const std::uint32_t seed = test_seed();
  const int d = static_cast<int>(c.A.rows());
  const long N = 20000;
  auto U = models::make_gaussian_finite_sum(c.target_mean, c.A, 10, 1.0, 0.5, 5u);
  // Start: exact samples of N(target_mean + (1, -1, 1, ...), 0.25 I).
  Eigen::VectorXd off(d);
  for (int i = 0; i < d; ++i) off(i) = i % 2 ? -1.0 : 1.0;
  const Eigen::MatrixXd S0 = 0.25 * Eigen::MatrixXd::Identity(d, d);
  Eigen::MatrixXd X = exact_samples(c.target_mean + off, S0, N, seed + 1);
  sample(*U, X, options(Algorithm::ula, c.eta, c.k, seed, c.lambda));
  const th::Gaussian law = th::ula_law({off, S0}, c.k, c.eta, th::OuMatrix{c.A, c.lambda});
  const MomentCheck m = check_moments(X, c.target_mean + law.mean, law.cov);
  const double z = bonferroni_z(d);
  std::printf("[ula %s] d = %d, N = %ld, k = %u: max |z| mean %.2f, var %.2f (threshold %.2f); max rel err mean %.2e sd, var %.2e\n",
              c.name, d, N, c.k, m.max_z_mean, m.max_z_var, z, m.max_rel_mean_err, m.max_rel_var_err);
  EXPECT_LT(m.max_z_mean, z) << seed_trace(seed);
  EXPECT_LT(m.max_z_var, z) << seed_trace(seed);
}

TEST(Ula, MatchesExactLawD1) {
  run_ula_case({"d1", Eigen::MatrixXd::Constant(1, 1, 2.0), Eigen::VectorXd::Zero(1), 1.0, 0.2, 15});
}

TEST(Ula, MatchesExactLawD10Isotropic) {
  run_ula_case({"d10-iso", 1.5 * Eigen::MatrixXd::Identity(10, 10), Eigen::VectorXd::Zero(10), 0.5, 0.1, 20});
}

TEST(Ula, MatchesExactLawAnisotropicDenseShifted) {
  Eigen::MatrixXd A(4, 4);
  A << 20, 2, 0, 1, 2, 5, 1, 0, 0, 1, 1, 0.2, 1, 0, 0.2, 0.3;
  Eigen::VectorXd m(4);
  m << 1, -2, 0.5, 3;
  run_ula_case({"aniso", A, m, 2.0, 0.08, 30});
}

// Preconditioned ULA on a Gaussian: m_{k+1} = m* + (I - eta P A)(m_k - m*),
// S_{k+1} = (I - eta P A) S_k (I - eta P A)ᵀ + 2 eta lambda P (the recursion of
// lib/langevin/preconditioner.hpp, evaluated here directly).
TEST(Ula, PreconditionedMatchesExactRecursion) {
  const std::uint32_t seed = test_seed();
  Eigen::MatrixXd A(3, 3);
  A << 100, 5, 0, 5, 2, 0.1, 0, 0.1, 0.5;
  Eigen::MatrixXd P = A.inverse();
  P = 0.5 * (P + P.transpose()).eval();
  const Eigen::VectorXd mstar = Eigen::VectorXd::Zero(3);
  auto U = models::make_gaussian_finite_sum(mstar, A, 5, 0.0, 0.0, 1u);
  const long N = 20000;
  const double eta = 0.3, lambda = 1.0;
  const unsigned K = 10;
  Eigen::VectorXd x0(3);
  x0 << 1, 2, -3;
  Eigen::MatrixXd X = x0.replicate(1, N);
  SamplerOptions o = options(Algorithm::ula, eta, K, seed, lambda);
  o.preconditioner = Preconditioner::dense(P);
  sample(*U, X, o);
  const Eigen::MatrixXd T = Eigen::MatrixXd::Identity(3, 3) - eta * P * A;
  Eigen::VectorXd m = x0;
  Eigen::MatrixXd S = Eigen::MatrixXd::Zero(3, 3);
  for (unsigned k = 0; k < K; ++k) {
    m = T * m;
    S = T * S * T.transpose() + 2 * eta * lambda * P;
  }
  const MomentCheck c = check_moments(X, m, S);
  std::printf("[ula preconditioned] cond(A) ~ 1e3, P = A^-1, eta = %.2f: max |z| mean %.2f, var %.2f (threshold %.2f)\n",
              eta, c.max_z_mean, c.max_z_var, bonferroni_z(3));
  EXPECT_LT(c.max_z_mean, bonferroni_z(3)) << seed_trace(seed);
  EXPECT_LT(c.max_z_var, bonferroni_z(3)) << seed_trace(seed);
}

// Polynomial schedule: the same per-step recursion with eta_k = eta0 (1 + k/k0)^{-gamma}.
TEST(Ula, PolynomialScheduleMatchesRecursion) {
  const std::uint32_t seed = test_seed();
  const Eigen::MatrixXd A = Eigen::MatrixXd::Constant(1, 1, 1.0);
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(1), A, 4, 1.0, 0.3, 2u);
  const long N = 20000;
  Eigen::MatrixXd X = Eigen::MatrixXd::Constant(1, N, 2.0);
  SamplerOptions o = options(Algorithm::ula, 0.5, 40, seed);
  o.step = StepSchedule::polynomial(0.5, 5.0, 0.8);
  const SamplerSummary s = sample(*U, X, o);
  double m = 2.0, v = 0.0;
  for (std::uint32_t k = 0; k < 40; ++k) {
    const double eta = 0.5 * std::pow(1.0 + k / 5.0, -0.8), r = 1 - eta;
    m *= r;
    v = r * r * v + 2 * eta;
  }
  EXPECT_DOUBLE_EQ(s.eta_last, 0.5 * std::pow(1.0 + 39 / 5.0, -0.8));
  const MomentCheck c = check_moments(X, Eigen::VectorXd::Constant(1, m), Eigen::MatrixXd::Constant(1, 1, v));
  EXPECT_LT(c.max_z_mean, bonferroni_z(1)) << seed_trace(seed);
  EXPECT_LT(c.max_z_var, bonferroni_z(1)) << seed_trace(seed);
}

// ---------------------------------------------------------------------------------------------
// MALA.

struct MalaRun {
  MomentCheck moments;
  double acceptance = 0, mean_abs_move = 0;
};

MalaRun run_mala_invariance(const Eigen::MatrixXd& A, double eta, const Preconditioner& P, Mutant mutant,
                            std::uint32_t K, long N) {
  const std::uint32_t seed = test_seed();
  const int d = static_cast<int>(A.rows());
  const double lambda = 0.7;
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(d), A, 3, 0.5, 0.2, 9u);
  const Eigen::MatrixXd cov = lambda * A.inverse();
  Eigen::MatrixXd X = exact_samples(Eigen::VectorXd::Zero(d), cov, N, seed);
  const Eigen::MatrixXd X0 = X;
  SamplerOptions o = options(Algorithm::mala, eta, K, seed, lambda);
  o.preconditioner = P;
  o.mutant = mutant;
  o.stability_guard = false;  // MALA is stable beyond 2/M (rejections)
  const SamplerSummary s = sample(*U, X, o);
  MalaRun r;
  r.moments = check_moments(X, Eigen::VectorXd::Zero(d), cov);
  r.acceptance = s.mean_acceptance_rate;
  r.mean_abs_move = (X - X0).cwiseAbs().mean();
  return r;
}

TEST(Mala, LeavesTheTargetInvariant) {
  Eigen::MatrixXd A(3, 3);
  A << 4, 1, 0, 1, 2, 0.3, 0, 0.3, 1;
  const MalaRun r = run_mala_invariance(A, 0.25, Preconditioner::identity(), Mutant::none, 50, 20000);
  std::printf("[mala] d = 3, eta = 0.25 (eta M ~ 1.2), 50 steps from exact: max |z| mean %.2f, var %.2f "
              "(threshold %.2f); acceptance %.3f; mean |x_K - x_0| %.3f\n",
              r.moments.max_z_mean, r.moments.max_z_var, bonferroni_z(3), r.acceptance, r.mean_abs_move);
  EXPECT_LT(r.moments.max_z_mean, bonferroni_z(3));
  EXPECT_LT(r.moments.max_z_var, bonferroni_z(3));
  EXPECT_GT(r.acceptance, 0.3);
  EXPECT_LT(r.acceptance, 0.99);
  EXPECT_GT(r.mean_abs_move, 0.3);  // movement guard: the chains do move (stationary sd ~ 0.4-0.9)
}

TEST(Mala, PreconditionedLeavesTheTargetInvariant) {
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(3, 3);
  A.diagonal() << 1000, 10, 0.1;
  A(0, 1) = A(1, 0) = 20;
  Eigen::MatrixXd P = A.inverse();
  P = 0.5 * (P + P.transpose()).eval();
  const MalaRun r = run_mala_invariance(A, 0.8, Preconditioner::dense(P), Mutant::none, 30, 20000);
  std::printf("[mala preconditioned] cond(A) ~ 1e4, P = A^-1, eta = 0.8: max |z| mean %.2f, var %.2f; acceptance %.3f\n",
              r.moments.max_z_mean, r.moments.max_z_var, r.acceptance);
  EXPECT_LT(r.moments.max_z_mean, bonferroni_z(3));
  EXPECT_LT(r.moments.max_z_var, bonferroni_z(3));
  EXPECT_GT(r.acceptance, 0.5);
}

// The proposal-density term matters at eta a = 1 on N(0, lambda/a): the proposal is then
// y = sqrt(2 eta lambda) xi, independent of x, with law q = N(0, 2 lambda/a). Without the q-ratio
// the chain is an independence sampler accepting with pi(y)/pi(x), whose invariant law is
// ∝ pi q = N(0, (2/3) lambda/a): the variance drops by a third.
TEST(Mala, NoProposalCorrectionMutantIsDetected) {
  const Eigen::MatrixXd A = Eigen::MatrixXd::Constant(1, 1, 1.0);
  const long N = 20000;
  const MalaRun ok = run_mala_invariance(A, 1.0, Preconditioner::identity(), Mutant::none, 60, N);
  const MalaRun bad = run_mala_invariance(A, 1.0, Preconditioner::identity(), Mutant::mala_no_proposal_correction, 60, N);
  // run_mala_invariance uses lambda = 0.7; the mutant's limit is (2/3) 0.7.
  std::printf("[mala mutant] eta a = 1: correct variance error %.2f%% (|z| %.2f, acceptance %.3f); mutant variance "
              "error %.1f%% (|z| %.1f; theory -33.3%%)\n",
              100 * ok.moments.max_rel_var_err, ok.moments.max_z_var, ok.acceptance, -100 * bad.moments.max_rel_var_err,
              bad.moments.max_z_var);
  EXPECT_LT(ok.moments.max_z_var, bonferroni_z(1));
  EXPECT_GT(bad.moments.max_z_var, kMutantZ);
  EXPECT_NEAR(bad.moments.max_rel_var_err, 1.0 / 3.0, 0.05);
}

// ---------------------------------------------------------------------------------------------
// Gradient estimators.

TEST(GradientEstimators, DefaultsAgreeWithTheory) {
  for (std::int64_t n : {1L, 2L, 4L, 5L, 99L, 100L, 101L, 10000L, 123457L})
    EXPECT_EQ(default_batch_size(n), th::vr_batch_size(static_cast<std::uint64_t>(n))) << n;
  for (std::int64_t n : {1L, 3L, 1000L, 1000001L})
    EXPECT_EQ(default_inner_loop_length(n), th::vr_inner_loop_length(static_cast<std::uint64_t>(n))) << n;
}

TEST(GradientEstimators, MinibatchIsAUniformSubsetWithoutReplacement) {
  const rng::Key key{test_seed(), static_cast<std::uint32_t>(rng::StreamTag::minibatch)};
  const std::int64_t n = 50;
  const std::uint32_t B = 7;
  const long R = 40000;
  std::vector<long> hits(n, 0);
  std::vector<std::uint32_t> idx;
  for (long r = 0; r < R; ++r) {
    sample_minibatch(key, 0, static_cast<std::uint32_t>(r), 0, n, B, idx);
    ASSERT_EQ(idx.size(), B);
    std::vector<bool> seen(n, false);
    for (auto i : idx) {
      ASSERT_LT(i, n);
      ASSERT_FALSE(seen[i]) << "repeated index";
      seen[i] = true;
      ++hits[i];
    }
  }
  // Inclusion frequency of each index is B/n; binomial standard error.
  const double p = static_cast<double>(B) / n, se = std::sqrt(p * (1 - p) / R);
  double zmax = 0;
  for (long h : hits) zmax = std::max(zmax, std::abs(static_cast<double>(h) / R - p) / se);
  EXPECT_LT(zmax, z_two_sided(kFalseAlarm / n));
}

struct EstimatorStats {
  double max_z = 0;      // unbiasedness z-score (max over coordinates)
  double trace_var = 0;  // trace of the estimator's covariance
};

enum class Est { sgld, svrg, sarah };

EstimatorStats estimator_stats(const models::FiniteSumPotential& U, Est e, const Eigen::VectorXd& x,
                               const Eigen::VectorXd& x_ref, std::uint32_t B, long R) {
  const int d = U.dim();
  const rng::Key key{test_seed(), static_cast<std::uint32_t>(rng::StreamTag::minibatch)};
  Eigen::VectorXd full(d), gref(d), g(d);
  U.gradient(x.data(), full.data());
  U.gradient(x_ref.data(), gref.data());  // snapshot gradient / exact previous estimate
  Eigen::VectorXd s1 = Eigen::VectorXd::Zero(d), s2 = Eigen::VectorXd::Zero(d);
  std::vector<std::uint32_t> idx;
  for (long r = 0; r < R; ++r) {
    sample_minibatch(key, 1, static_cast<std::uint32_t>(r), 3, U.n(), B, idx);
    switch (e) {
      case Est::sgld: sgld_gradient(U, x.data(), idx, g.data()); break;
      case Est::svrg: svrg_gradient(U, x.data(), x_ref.data(), gref.data(), idx, g.data()); break;
      case Est::sarah: sarah_gradient(U, x.data(), x_ref.data(), gref.data(), idx, g.data()); break;
    }
    s1 += g - full;
    s2 += (g - full).cwiseAbs2();
  }
  EstimatorStats st;
  const Eigen::VectorXd mean = s1 / R, var = (s2 / R - mean.cwiseAbs2()) * (R / (R - 1.0));
  for (int j = 0; j < d; ++j)
    if (var(j) > 0) st.max_z = std::max(st.max_z, std::abs(mean(j)) / std::sqrt(var(j) / R));
  st.trace_var = var.sum();
  return st;
}

void check_estimators(const models::FiniteSumPotential& U, const char* name, double max_ratio) {
  const int d = U.dim();
  const long R = 20000;
  const std::uint32_t B = 10;
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(d, -0.5, 0.5);
  const Eigen::VectorXd near = x + Eigen::VectorXd::Constant(d, 0.02);  // snapshot close to x
  const double z = z_two_sided(kFalseAlarm / (3.0 * d));
  const EstimatorStats sg = estimator_stats(U, Est::sgld, x, near, B, R);
  const EstimatorStats sv = estimator_stats(U, Est::svrg, x, near, B, R);
  const EstimatorStats sa = estimator_stats(U, Est::sarah, x, near, B, R);
  std::printf("[estimators %s] n = %ld, B = %u, |x - x~|_inf = 0.02: bias max |z| sgld %.2f svrg %.2f sarah %.2f "
              "(threshold %.2f); tr Var sgld %.3g, svrg %.3g, sarah %.3g; ratio svrg/sgld %.2e\n",
              name, static_cast<long>(U.n()), B, sg.max_z, sv.max_z, sa.max_z, z, sg.trace_var, sv.trace_var,
              sa.trace_var, sv.trace_var / sg.trace_var);
  EXPECT_LT(sg.max_z, z);
  EXPECT_LT(sv.max_z, z);
  EXPECT_LT(sa.max_z, z);
  EXPECT_GT(sg.trace_var, 0);
  EXPECT_LT(sv.trace_var, max_ratio * sg.trace_var);
  EXPECT_LT(sa.trace_var, max_ratio * sg.trace_var);
}

TEST(GradientEstimators, UnbiasedAndVarianceReducedGaussian) {
  Eigen::MatrixXd A(3, 3);
  A << 3, 1, 0, 1, 2, 0, 0, 0, 1;
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(3), A, 200, 2.0, 0.8, 4u);
  check_estimators(*U, "gaussian split", 1e-2);
}

TEST(GradientEstimators, UnbiasedAndVarianceReducedLogistic) {
  auto data = models::make_synthetic_logistic_data(300, 5, 3u);
  models::LogisticRegression U(data.features, data.labels, 4.0);
  check_estimators(U, "logistic", 1e-2);
}

// ---------------------------------------------------------------------------------------------
// Gradient-evaluation counts and observers.

TEST(Sampler, GradientEvaluationCountsAreExact) {
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2), 100, 1.0, 0.5, 1u);
  const std::uint32_t K = 25, B = 10, m = 10;  // s = ceil(25/10) = 3 full steps
  struct Row {
    Algorithm a;
    Mutant mu;
    std::uint64_t expect;
  } rows[] = {{Algorithm::ula, Mutant::none, 100ull * 25},
              {Algorithm::mala, Mutant::none, 100ull * 26},
              {Algorithm::sgld, Mutant::none, 10ull * 25},
              {Algorithm::svrg_ld, Mutant::none, 3 * 100ull + 22 * 20ull},
              {Algorithm::sarah_ld, Mutant::none, 3 * 100ull + 22 * 20ull},
              {Algorithm::svrg_ld, Mutant::svrg_no_correction, 3 * 100ull + 22 * 10ull}};
  for (const Row& r : rows) {
    Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 5);
    SamplerOptions o = options(r.a, 0.1, K, 1);
    o.batch_size = B;
    o.inner_loop = m;
    o.mutant = r.mu;
    o.observe_every = 10;
    std::vector<std::pair<std::uint32_t, std::uint64_t>> seen;
    const SamplerSummary s = sample(*U, X, o, [&](std::uint32_t k, const Ensemble&, std::uint64_t g) {
      seen.emplace_back(k, g);
    });
    EXPECT_EQ(s.gradient_evaluations, r.expect) << to_string(r.a) << " " << to_string(r.mu);
    EXPECT_EQ(s.gradient_evaluations, expected_gradient_evaluations(r.a, 100, K, B, m, r.mu));
    EXPECT_EQ(s.total_gradient_evaluations(), 5 * r.expect);
    ASSERT_EQ(seen.size(), 4u);  // k = 0, 10, 20, 25
    EXPECT_EQ(seen[0].first, 0u);
    EXPECT_EQ(seen[3].first, 25u);
    EXPECT_EQ(seen[3].second, r.expect);
    if (r.a == Algorithm::mala) {
      EXPECT_EQ(s.value_evaluations, 100ull * 26);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reproducibility.

TEST(Sampler, ThreadCountIndependentBitwise) {
  auto data = models::make_synthetic_logistic_data(400, 6, 5u);
  models::LogisticRegression L(data.features, data.labels, 1.0);
  Eigen::MatrixXd A(3, 3);
  A << 3, 1, 0, 1, 2, 0, 0, 0, 1;
  auto G = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(3), A, 50, 1.0, 0.5, 4u);
  for (const models::FiniteSumPotential* U : {static_cast<const models::FiniteSumPotential*>(&L),
                                              static_cast<const models::FiniteSumPotential*>(G.get())}) {
    for (Algorithm a : {Algorithm::ula, Algorithm::mala, Algorithm::sgld, Algorithm::svrg_ld, Algorithm::sarah_ld}) {
      const long N = 37;  // three blocks, the last one partial
      Eigen::MatrixXd X1 = Eigen::MatrixXd::Constant(U->dim(), N, 0.1), X2 = X1;
      SamplerOptions o = options(a, 0.5 / *U->hessian_max(), 12, 77);
      o.threads = 1;
      const SamplerSummary s1 = sample(*U, X1, o);
      o.threads = 2;
      const SamplerSummary s2 = sample(*U, X2, o);
      EXPECT_EQ(0, std::memcmp(X1.data(), X2.data(), sizeof(double) * X1.size())) << to_string(a);
      EXPECT_EQ(s1.gradient_evaluations, s2.gradient_evaluations);
      if (a == Algorithm::mala) {
        EXPECT_EQ(s1.acceptance_rate, s2.acceptance_rate);
      }
    }
  }
}

// A chain's trajectory is a function of its global index: a sharded run (chain_offset) reproduces
// the columns of the full run (bitwise for column-wise models, to rounding for blocked products).
TEST(Sampler, ShardedRunReproducesColumns) {
  auto G = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2), 40, 1.0, 0.5, 4u);
  for (Algorithm a : {Algorithm::ula, Algorithm::mala, Algorithm::sgld, Algorithm::svrg_ld, Algorithm::sarah_ld}) {
    Eigen::MatrixXd Xall = Eigen::MatrixXd::Constant(2, 20, 0.3);
    SamplerOptions o = options(a, 0.2, 9, 5);
    sample(*G, Xall, o);
    Eigen::MatrixXd Xpart = Eigen::MatrixXd::Constant(2, 4, 0.3);
    o.chain_offset = 16;
    sample(*G, Xpart, o);
    // Diagonal Gaussian: every update is column-wise, so the columns agree bitwise.
    EXPECT_TRUE((Xpart.array() == Xall.middleCols(16, 4).array()).all()) << to_string(a);
  }
  // Logistic regression: full gradients are blocked matrix products, whose rounding depends on a
  // column's position in its block of kChainBlock (observed differences ~1e-16 after 9 steps).
  auto data = models::make_synthetic_logistic_data(300, 7, 5u);
  models::LogisticRegression L(data.features, data.labels, 1.0);
  for (Algorithm a : {Algorithm::ula, Algorithm::mala, Algorithm::svrg_ld}) {
    Eigen::MatrixXd Xall = Eigen::MatrixXd::Constant(7, 37, 0.1);
    SamplerOptions o = options(a, 0.3 / *L.hessian_max(), 9, 5);
    sample(L, Xall, o);
    Eigen::MatrixXd Xpart = Eigen::MatrixXd::Constant(7, 5, 0.1);
    o.chain_offset = 19;
    sample(L, Xpart, o);
    EXPECT_LT((Xpart - Xall.middleCols(19, 5)).cwiseAbs().maxCoeff(), 1e-12) << to_string(a);
  }
}

// The noise is the documented stream (sampler.hpp, "Randomness"): one ULA step from x_0 = mean = 0
// with A = I has zero drift, so x_1 = sqrt(2 eta lambda) xi_0 bit for bit, with
// (xi_0)_i = block_normal((seed, langevin_noise), replica, chain_offset + j, 0, i); under the
// reused_rng_counters mutant every chain gets the numbers of chain 0.
TEST(Sampler, UlaNoiseIsTheBlockNormalStream) {
  const int d = 5;
  const long N = 37;  // three blocks, the last one partial
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(d), Eigen::MatrixXd::Identity(d, d), 1, 0.0, 0.0, 1u);
  const double eta = 0.1, lambda = 0.7;
  SamplerOptions o = options(Algorithm::ula, eta, 1, 31, lambda);
  o.replica = 4;
  o.chain_offset = 1000;
  const rng::Key key{31, static_cast<std::uint32_t>(rng::StreamTag::langevin_noise)};
  const double scale = std::sqrt(2 * eta * lambda);
  for (Mutant mu : {Mutant::none, Mutant::reused_rng_counters}) {
    o.mutant = mu;
    Eigen::MatrixXd X = Eigen::MatrixXd::Zero(d, N);
    sample(*U, X, o);
    // sampler_noise reproduces the increments, for any sub-range of chains.
    Eigen::MatrixXd Z;
    sampler_noise(o, d, 0, 3, static_cast<std::uint32_t>(N - 3), Z);
    ASSERT_EQ(Z.cols(), N - 3);
    for (long j = 3; j < N; ++j) ASSERT_TRUE(((scale * Z.col(j - 3)).array() == X.col(j).array()).all()) << to_string(mu) << ", chain " << j;
    for (long j = 0; j < N; ++j)
      for (int i = 0; i < d; ++i) {
        const std::uint32_t chain = mu == Mutant::none ? o.chain_offset + static_cast<std::uint32_t>(j) : 0u;
        ASSERT_EQ(X(i, j), scale * rng::block_normal(key, o.replica, chain, 0, static_cast<std::uint32_t>(i)))
            << to_string(mu) << ", chain " << j << ", coordinate " << i;
      }
  }
}

// ---------------------------------------------------------------------------------------------
// Guards and errors.

TEST(Sampler, StabilityGuardRefusesStepAboveTwoOverM) {
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(2), Eigen::Vector2d(1, 100).asDiagonal().toDenseMatrix(),
                                            10, 1.0, 0.5, 1u);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 3);
  for (Algorithm a : {Algorithm::ula, Algorithm::mala, Algorithm::sgld, Algorithm::svrg_ld, Algorithm::sarah_ld}) {
    EXPECT_TRUE(throws_invalid_argument_naming([&] { sample(*U, X, options(a, 0.021, 1, 1)); }, "eta: step size eta_0 = 0.021"));
    EXPECT_TRUE(throws_invalid_argument_naming([&] { sample(*U, X, options(a, 0.021, 1, 1)); }, "stability limit 2/M = 0.02"));
  }
  // Preconditioned: M_eff = λmax(P^{1/2} A P^{1/2}) = 1 for P = A⁻¹, so eta = 1.5 is accepted.
  SamplerOptions o = options(Algorithm::ula, 1.5, 3, 1);
  o.preconditioner = Preconditioner::diagonal(Eigen::Vector2d(1, 0.01));
  EXPECT_NO_THROW(sample(*U, X, o));
  o.step = StepSchedule::constant(2.5);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample(*U, X, o); }, "preconditioned"));
}

TEST(Sampler, DivergenceNamesStepChainAndEta) {
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Constant(1, 1, 1.0), 4, 1.0, 0.5, 1u);
  Eigen::MatrixXd X = Eigen::MatrixXd::Constant(1, 40, 1.0);
  SamplerOptions o = options(Algorithm::ula, 5.0, 2000, 3);
  o.stability_guard = false;  // |1 - eta a| = 4: the chains overflow after ~510 steps
  try {
    sample(*U, X, o);
    FAIL() << "no divergence";
  } catch (const SamplerDivergence& e) {
    std::printf("[guard] %s\n", e.what());
    EXPECT_GT(e.step, 400u);
    EXPECT_LT(e.step, 600u);
    EXPECT_LT(e.chain, 40u);
    EXPECT_EQ(e.eta, 5.0);
    EXPECT_NE(std::string(e.what()).find("step " + std::to_string(e.step)), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("eta = 5"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("2/M = 2"), std::string::npos);
  }
  // Unknown curvature (x⁴ double well): no guard at start, divergence during the run.
  ldbench::lib::potentials::PotentialRegistry preg;
  ldbench::lib::potentials::register_builtin_potentials(preg);
  auto W = models::wrap_potential(std::shared_ptr<const ldbench::lib::potentials::Potential>(preg.make("double_well", 1)));
  Eigen::MatrixXd Y = Eigen::MatrixXd::Constant(1, 3, 3.0);
  EXPECT_THROW(sample(*W, Y, options(Algorithm::sgld, 1.0, 100, 3)), SamplerDivergence);
}

TEST(Sampler, InvalidInputsNameTheArgument) {
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2), 10, 1.0, 0.5, 1u);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 3);
  auto run = [&](SamplerOptions o) { return [&U, &X, o] { sample(*U, X, o); }; };
  SamplerOptions o = options(Algorithm::ula, 0.1, 2, 1);
  o.lambda = 0;
  EXPECT_TRUE(throws_invalid_argument_naming(run(o), "lambda"));
  o = options(Algorithm::ula, -0.1, 2, 1);
  EXPECT_TRUE(throws_invalid_argument_naming(run(o), "step.eta0"));
  o = options(Algorithm::ula, 0.1, 2, 1);
  o.step = StepSchedule::polynomial(0.1, 1, 2);
  EXPECT_TRUE(throws_invalid_argument_naming(run(o), "step.gamma"));
  o = options(Algorithm::sgld, 0.1, 2, 1);
  o.batch_size = 11;
  EXPECT_TRUE(throws_invalid_argument_naming(run(o), "batch_size"));
  o.batch_size = 0;
  o.preconditioner = Preconditioner::diagonal(Eigen::Vector2d(1, 2));
  EXPECT_TRUE(throws_invalid_argument_naming(run(o), "preconditioner"));
  o = options(Algorithm::ula, 0.1, 2, 1);
  o.mutant = Mutant::svrg_no_correction;
  EXPECT_TRUE(throws_invalid_argument_naming(run(o), "mutant"));
  o = options(Algorithm::sgld, 0.1, 2, 1);
  o.mutant = Mutant::mala_no_proposal_correction;
  EXPECT_TRUE(throws_invalid_argument_naming(run(o), "mutant"));
  o = options(Algorithm::ula, 0.1, 2, 1);
  o.preconditioner = Preconditioner::diagonal(Eigen::Vector3d(1, 2, 3));
  EXPECT_TRUE(throws_invalid_argument_naming(run(o), "preconditioner"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { Preconditioner::dense(-Eigen::MatrixXd::Identity(2, 2)); },
                                             "preconditioner"));
  Eigen::MatrixXd bad(3, 2);
  bad.setZero();
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample(*U, bad, options(Algorithm::ula, 0.1, 1, 1)); }, "X"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { algorithm_from_string("hmc"); }, "algorithm"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { mutant_from_string("x"); }, "mutant"));
  EXPECT_EQ(mutant_from_string("reused_rng_counters"), Mutant::reused_rng_counters);
  EXPECT_EQ(algorithm_from_string(to_string(Algorithm::sarah_ld)), Algorithm::sarah_ld);
  std::string err;
  o = options(Algorithm::ula, 0.1, 2, 1);
  o.lambda = -1;
  EXPECT_FALSE(o.IsValid(&err));
  EXPECT_EQ(err.rfind("lambda", 0), 0u);
}

// ---------------------------------------------------------------------------------------------
// Mutants: each moves a moment of a Gaussian run by more than kMutantZ standard errors.

struct MutantEffect {
  double rel_change;  // (var_mutant - var_correct) / var_correct, mean over the 2 coordinates
  double z;           // |var_mutant - var_correct| / sqrt(se_mutant² + se_correct²), max over coordinates
};

// Runs algorithm a with and without the mutant (same seed, same start: exact samples of the ULA
// stationary law of the split Gaussian N(0, I_2)) and compares the per-coordinate variances.
MutantEffect mutant_effect(Algorithm a, Mutant mu, double eta, std::uint32_t K, double start_var,
                           const models::FiniteSumPotential& U) {
  const std::uint32_t seed = test_seed();
  const long N = 20000;
  const Eigen::MatrixXd X0 =
      exact_samples(Eigen::VectorXd::Zero(2), start_var * Eigen::MatrixXd::Identity(2, 2), N, seed);
  Eigen::MatrixXd X = X0, Y = X0;
  SamplerOptions o = options(a, eta, K, seed);
  o.batch_size = 10;
  o.inner_loop = 10;
  sample(U, X, o);
  o.mutant = mu;
  o.stability_guard = true;
  sample(U, Y, o);
  MutantEffect e{0, 0};
  for (int i = 0; i < 2; ++i) {
    const SampleMoments ok = row_moments(X, i), bad = row_moments(Y, i);
    e.rel_change += 0.5 * (bad.variance - ok.variance) / ok.variance;
    const double se = std::hypot(se_variance(ok.variance, N), se_variance(std::max(bad.variance, 1e-300), N));
    e.z = std::max(e.z, std::abs(bad.variance - ok.variance) / se);
  }
  return e;
}

// Expected effects (lambda = a = 1, eta = 0.1, r = 0.9): noise_sqrt_eta halves the noise variance
// (stationary variance -50%); drift_flipped multiplies the variance by ~1.1^{2K}; reused counters
// make the chains share their noise, so the ensemble variance decays like r^{2K} -> ~0; dropping
// SVRG's correction adds the SGLD noise of the centres c_i (spread 10: Var ~ 10 per coordinate
// per step, i.e. + eta² 10 / (2 eta a) ~ +50% stationary variance).
TEST(Mutants, EachChangesTheResultDetectably) {
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2), 100, 10.0, 0.5, 8u);
  const double eta = 0.1;
  const double v_ula = th::ula_stationary_variance(eta);  // (lambda/a)/(1 - eta a/2)
  struct Row {
    const char* name;
    Algorithm a;
    Mutant mu;
    std::uint32_t K;
  } rows[] = {{"noise_sqrt_eta (ula)", Algorithm::ula, Mutant::noise_sqrt_eta, 60},
              {"drift_flipped (ula)", Algorithm::ula, Mutant::drift_flipped, 10},
              {"reused_rng_counters (ula)", Algorithm::ula, Mutant::reused_rng_counters, 60},
              {"noise_sqrt_eta (sgld)", Algorithm::sgld, Mutant::noise_sqrt_eta, 60},
              {"drift_flipped (svrg_ld)", Algorithm::svrg_ld, Mutant::drift_flipped, 10},
              {"reused_rng_counters (sarah_ld)", Algorithm::sarah_ld, Mutant::reused_rng_counters, 60},
              {"svrg_no_correction (svrg_ld)", Algorithm::svrg_ld, Mutant::svrg_no_correction, 60}};
  for (const Row& r : rows) {
    const MutantEffect e = mutant_effect(r.a, r.mu, eta, r.K, v_ula, *U);
    std::printf("[mutant %s] K = %u: variance change vs the correct run %+.1f%% (|z| %.1f)\n", r.name, r.K,
                100 * e.rel_change, e.z);
    EXPECT_GT(e.z, kMutantZ) << r.name;
  }
}

}  // namespace
}  // namespace test_langevin
