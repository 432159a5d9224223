// Tests for lib/sde/euler_maruyama.hpp and lib/sde/ou.hpp.
//
// Euler–Maruyama: X_{k+1} = X_k + h b(X_k, t_k) + sigma(t_k) sqrt(h) xi_k with xi_k the
// NormalStream normals of (key, replica, particle_offset + i, k). Checked exactly (drift only;
// the documented increments), statistically against the exact ULA law of theory/ula_gaussian.hpp,
// for thread-count and sharding independence (bitwise), observers, blow-up and input errors.
//
// OU: the drift/sigma of the SDE and its mutants; ou_exact_coupled against the exact law
// theory::ou_law; strong order 1 of EM against the coupled exact solution (additive noise), and
// non-convergence of the mutants.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "lib/rng/philox.hpp"
#include "lib/sde/euler_maruyama.hpp"
#include "lib/sde/initial_law.hpp"
#include "lib/sde/ou.hpp"
#include "lib/tests/test_support.hpp"
#include "theory/gaussian.hpp"
#include "theory/ou.hpp"
#include "theory/ula_gaussian.hpp"

namespace test_sde {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::lib::sde;
using namespace ldbench::lib::test;
namespace rng = ldbench::lib::rng;
namespace th = ldbench::theory;

// Relative error allowed between euler_maruyama and the same recursion written out here
// (identical operations; only a compiler's choice to contract a*b + c into an FMA could
// change the last bit, which compounds to at most ~1e-14 over the 100 steps below).
constexpr double kRecursionRelTol = 1e-13;

// Accepted window for the fitted strong order (slope of log E|X_EM - X_exact|² vs log h is
// 2 x order = 2 for additive noise). The Monte Carlo error of each mean square with 2 x 20000
// values is ~0.7%, which moves the slope by ~0.01; the O(h) correction to the leading term
// moves it by a few percent at h <= 0.1.
constexpr double kSlopeLow = 1.8, kSlopeHigh = 2.2;

// Mutants must not converge: from the coarsest to the finest step (8x smaller) a converging
// scheme's mean-square error drops 64x; a mutant's may drop at most kMutantMaxDrop x, must stay
// above kMutantFloor in absolute terms (the noise mutant's limit is
// (sqrt 2 - 1)² lambda (1 - e^{-2aT})/(2a) ~ 0.074), and must be kMutantMargin x above the
// correct scheme's error at the finest step.
constexpr double kMutantMaxDrop = 2.0, kMutantFloor = 0.01, kMutantMargin = 100.0;

// Grid times t0 + k h against the same sum evaluated here (a few ulps of t <= 2).
constexpr double kTimeAbsTol = 1e-15;

const rng::Key kBrownian{20240611u, static_cast<std::uint32_t>(rng::StreamTag::brownian)};

Sde nonlinear_sde(double sigma0) {
  // b(x, t) = -x³ + cos(t) per coordinate; sigma(t) = sigma0 (1 + t).
  Sde s;
  s.dim = 3;
  s.drift = [](const Ensemble& X, double t, Ensemble& out) { out = (-X.array().cube() + std::cos(t)).matrix(); };
  s.sigma = [sigma0](double t) { return sigma0 * (1.0 + t); };
  return s;
}

Ensemble start_ensemble(int d, long n) {
  Ensemble X(d, n);
  for (long i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) X(j, i) = 0.3 * (j + 1) - 0.1 * static_cast<double>(i % 7);
  return X;
}

double max_rel_diff(const Ensemble& A, const Ensemble& B) {
  return ((A - B).array().abs() / B.array().abs().max(1e-300)).maxCoeff();
}

// ---------------------------------------------------------------------------------------------
// Euler–Maruyama, exact checks.

// sigma = 0: EM is the explicit Euler recursion x <- x + h b(x, t_k) with t_k = t0 + k h.
TEST(EulerMaruyama, DriftOnlyMatchesExplicitRecursion) {
  const Sde sde = nonlinear_sde(0.0);
  EulerMaruyamaOptions opt;
  opt.grid = {0.5, 0.01, 100};
  opt.key = kBrownian;
  opt.threads = 1;  // tiny ensemble: thread start-up would dominate (thread independence is tested below)
  Ensemble X = start_ensemble(3, 5);
  Ensemble Y = X;
  euler_maruyama(sde, X, opt);
  for (std::uint32_t k = 0; k < 100; ++k) {
    const double t = 0.5 + 0.01 * k;
    Y = (Y.array() + 0.01 * (-Y.array().cube() + std::cos(t))).matrix();
  }
  EXPECT_LE(max_rel_diff(X, Y), kRecursionRelTol);
  EXPECT_NE(X, start_ensemble(3, 5)) << "the sampler did not move";
}

// With noise, the increments are exactly sigma(t_k) sqrt(h) NormalStream(key, replica,
// particle_offset + i, k).normal(j) (the documented contract shared with ou_exact_coupled);
// checked with d = 3 (odd, so the last normal pair is split) and a non-zero offset and replica.
TEST(EulerMaruyama, IncrementsAreTheDocumentedNormals) {
  const Sde sde = nonlinear_sde(0.7);
  EulerMaruyamaOptions opt;
  opt.grid = {0.25, 0.02, 40};
  opt.key = kBrownian;
  opt.replica = 3;
  opt.particle_offset = 11;
  opt.threads = 1;
  Ensemble X = start_ensemble(3, 6);
  Ensemble Y = X;
  euler_maruyama(sde, X, opt);
  for (std::uint32_t k = 0; k < 40; ++k) {
    const double t = 0.25 + 0.02 * k;
    const double s = 0.7 * (1.0 + t) * std::sqrt(0.02);
    Ensemble B = (-Y.array().cube() + std::cos(t)).matrix();
    for (long i = 0; i < Y.cols(); ++i) {
      const rng::NormalStream z(kBrownian, 3, 11 + static_cast<std::uint32_t>(i), k);
      for (int j = 0; j < 3; ++j) Y(j, i) += 0.02 * B(j, i) + s * z.normal(static_cast<std::uint32_t>(j));
    }
  }
  EXPECT_LE(max_rel_diff(X, Y), kRecursionRelTol);
}

// Results are bitwise independent of the thread count, and of sharding the particles into
// blocks run separately with the matching particle_offset (d = 3, N = 1001: odd sizes).
TEST(EulerMaruyama, BitwiseIndependentOfThreadsAndSharding) {
  const Sde sde = ornstein_uhlenbeck(3, {1.3, 0.4});
  EulerMaruyamaOptions opt;
  opt.grid = {0.0, 0.05, 60};
  opt.key = kBrownian;
  opt.replica = 2;
  const Ensemble X0 = start_ensemble(3, 1001);
  Ensemble X1 = X0, X2 = X0, Xd = X0;
  opt.threads = 1;
  euler_maruyama(sde, X1, opt);
  opt.threads = 2;
  euler_maruyama(sde, X2, opt);
  opt.threads = 0;
  euler_maruyama(sde, Xd, opt);
  EXPECT_TRUE(X1 == X2) << "threads = 1 and threads = 2 differ";
  EXPECT_TRUE(X1 == Xd) << "threads = 1 and the default thread count differ";
  // Sharded: columns [0, 400) and [400, 1001) with particle_offset 0 and 400.
  Ensemble A = X0.leftCols(400), B = X0.rightCols(601);
  opt.threads = 2;
  euler_maruyama(sde, A, opt);
  opt.particle_offset = 400;
  euler_maruyama(sde, B, opt);
  EXPECT_TRUE(X1.leftCols(400) == A);
  EXPECT_TRUE(X1.rightCols(601) == B);
  // A different replica gives a different path.
  Ensemble Xr = X0;
  opt.particle_offset = 0;
  opt.replica = 5;
  euler_maruyama(sde, Xr, opt);
  EXPECT_FALSE(Xr == X1);
}

// The observer is called exactly at the requested grid indices, with t_k = t0 + k h and the
// ensemble after k steps (compared bitwise with a run stopped at k).
TEST(EulerMaruyama, ObserverCalledAtRequestedSteps) {
  const Sde sde = ornstein_uhlenbeck(2, {1.0, 1.0});
  EulerMaruyamaOptions opt;
  opt.grid = {0.3, 0.1, 10};
  opt.key = kBrownian;
  opt.threads = 1;
  const Ensemble X0 = start_ensemble(2, 9);
  const std::vector<std::uint32_t> steps{0, 3, 7, 10};
  std::vector<std::uint32_t> seen_k;
  std::vector<double> seen_t;
  std::vector<Ensemble> seen_X;
  Ensemble X = X0;
  euler_maruyama(sde, X, opt, steps, [&](std::uint32_t k, double t, const Ensemble& Xk) {
    seen_k.push_back(k);
    seen_t.push_back(t);
    seen_X.push_back(Xk);
  });
  ASSERT_EQ(seen_k, steps);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(seen_t[i], opt.grid.time(steps[i]));
    EXPECT_NEAR(seen_t[i], 0.3 + 0.1 * steps[i], kTimeAbsTol);
    EulerMaruyamaOptions partial = opt;
    partial.grid.n_steps = steps[i];
    Ensemble Y = X0;
    euler_maruyama(sde, Y, partial);
    EXPECT_TRUE(seen_X[i] == Y) << "observed ensemble at step " << steps[i];
  }
  EXPECT_TRUE(seen_X.back() == X);
  // No observer requested: nothing is called; a set of steps without an observer is harmless.
  Ensemble Z = X0;
  EXPECT_NO_THROW(euler_maruyama(sde, Z, opt, steps));
  EXPECT_TRUE(Z == X);
}

// A drift that overflows raises NumericalBlowUp naming the step, the time and the first
// non-finite particle (global index); no observation after the blow-up is made.
TEST(EulerMaruyama, ExplodingDriftThrowsNumericalBlowUpWithStep) {
  Sde sde;
  sde.dim = 2;
  sde.drift = [](const Ensemble& X, double, Ensemble& out) { out = 1e3 * X; };
  sde.sigma = [](double) { return 1.0; };
  EulerMaruyamaOptions opt;
  opt.grid = {0.0, 1.0, 200};
  opt.key = kBrownian;
  opt.threads = 2;  // the blow-up must be reported from inside the parallel loop too
  opt.particle_offset = 100;
  Ensemble X = Ensemble::Constant(2, 4, 1.0);
  X(1, 2) = 1e100;  // particle 102 overflows first
  // Expected step: replay the recursion of particle 102 (same operations as the integrator).
  std::uint32_t expected = 0;
  {
    Eigen::VectorXd y = X.col(2);
    for (std::uint32_t k = 0; k < 200 && expected == 0; ++k) {
      const rng::NormalStream z(kBrownian, 0, 102, k);
      for (int j = 0; j < 2; ++j) {
        y(j) += 1.0 * (1e3 * y(j)) + 1.0 * z.normal(static_cast<std::uint32_t>(j));
        if (!std::isfinite(y(j))) expected = k + 1;
      }
    }
  }
  ASSERT_GT(expected, 60u);  // (308 - 100) / log10(1001) ~ 69 steps
  std::vector<std::uint32_t> observed;
  try {
    euler_maruyama(sde, X, opt, {0, 50, 150, 200}, [&](std::uint32_t k, double, const Ensemble&) { observed.push_back(k); });
    FAIL() << "no NumericalBlowUp";
  } catch (const NumericalBlowUp& e) {
    EXPECT_EQ(e.step, expected);
    EXPECT_EQ(e.time, opt.grid.time(expected));
    EXPECT_EQ(e.particle, 102u);
    EXPECT_NE(std::string(e.what()).find("step " + std::to_string(expected)), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("particle 102"), std::string::npos) << e.what();
  }
  EXPECT_EQ(observed, (std::vector<std::uint32_t>{0, 50}));
  // A NaN-producing drift fails at step 1.
  sde.drift = [](const Ensemble& Y, double, Ensemble& out) { out = Y * std::nan(""); };
  Ensemble Y = Ensemble::Zero(2, 3);
  try {
    euler_maruyama(sde, Y, opt);
    FAIL() << "no NumericalBlowUp";
  } catch (const NumericalBlowUp& e) {
    EXPECT_EQ(e.step, 1u);
    EXPECT_EQ(e.particle, 100u);
  }
}

TEST(EulerMaruyama, InvalidInputsThrowNamingTheArgument) {
  const Sde sde = ornstein_uhlenbeck(2, {});
  EulerMaruyamaOptions opt;
  opt.grid = {0.0, 0.1, 10};
  Ensemble X = Ensemble::Zero(2, 4);
  Ensemble wrong = Ensemble::Zero(3, 4);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { euler_maruyama(sde, wrong, opt); }, "X"));
  for (double step : {0.0, -0.1, std::nan(""), std::numeric_limits<double>::infinity()}) {
    EulerMaruyamaOptions bad = opt;
    bad.grid.step = step;
    EXPECT_TRUE(throws_invalid_argument_naming([&] { euler_maruyama(sde, X, bad); }, "step")) << step;
  }
  EulerMaruyamaOptions bad_t0 = opt;
  bad_t0.grid.t0 = std::nan("");
  EXPECT_TRUE(throws_invalid_argument_naming([&] { euler_maruyama(sde, X, bad_t0); }, "t0"));
  Sde no_drift = sde;
  no_drift.drift = nullptr;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { euler_maruyama(no_drift, X, opt); }, "sde"));
  Sde no_sigma = sde;
  no_sigma.sigma = nullptr;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { euler_maruyama(no_sigma, X, opt); }, "sde"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { euler_maruyama(sde, X, opt, {3, 1}); }, "observe_steps"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { euler_maruyama(sde, X, opt, {0, 11}); }, "observe_steps"));
  // Nothing was modified by the rejected calls.
  EXPECT_TRUE(X == Ensemble::Zero(2, 4));
}

TEST(TimeGrid, CoveringDividesTheInterval) {
  const TimeGrid g = TimeGrid::covering(1.0, 0.1);
  EXPECT_EQ(g.n_steps, 10u);
  EXPECT_EQ(g.t0, 0.0);
  EXPECT_NEAR(g.time(g.n_steps), 1.0, kTimeAbsTol);
  EXPECT_EQ(TimeGrid::covering(2.0, 2.0).n_steps, 1u);
  EXPECT_TRUE(throws_invalid_argument_naming([] { TimeGrid::covering(1.0, 0.3); }, "step"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { TimeGrid::covering(1.0, 0.0); }, "step"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { TimeGrid::covering(-1.0, 0.1); }, "t_end"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { TimeGrid::covering(std::nan(""), 0.1); }, "t_end"));
}

// ---------------------------------------------------------------------------------------------
// The OU SDE and its mutants.

// drift -a X and sigma sqrt(2 lambda); the mutants change exactly one of them.
TEST(OuSde, DriftSigmaAndMutants) {
  const OuSdeParams p{1.7, 0.3};
  const Ensemble X = start_ensemble(2, 3);
  Ensemble out(2, 3);
  const Sde ok = ornstein_uhlenbeck(2, p);
  EXPECT_EQ(ok.dim, 2);
  ok.drift(X, 0.0, out);
  EXPECT_TRUE(out == -1.7 * X);
  EXPECT_EQ(ok.sigma(0.4), std::sqrt(2 * 0.3));
  const Sde noise = ornstein_uhlenbeck(2, p, OuMutant::noise_sqrt_dt);
  noise.drift(X, 0.0, out);
  EXPECT_TRUE(out == -1.7 * X);
  EXPECT_EQ(noise.sigma(0.4), std::sqrt(0.3));
  const Sde flipped = ornstein_uhlenbeck(2, p, OuMutant::drift_flipped);
  flipped.drift(X, 0.0, out);
  EXPECT_TRUE(out == 1.7 * X);
  EXPECT_EQ(flipped.sigma(0.4), std::sqrt(2 * 0.3));
  // Names round-trip; unknown names list the allowed ones.
  for (const std::string& name : ou_mutant_names()) EXPECT_EQ(to_string(ou_mutant_from_string(name)), name);
  EXPECT_EQ(ou_mutant_names().size(), 3u);
  EXPECT_TRUE(throws_invalid_argument_naming([] { ou_mutant_from_string("bogus"); }, "mutant"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { ou_mutant_from_string("bogus"); }, "drift_flipped"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { ornstein_uhlenbeck(0, {}); }, "dim"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { ornstein_uhlenbeck(1, {0.0, 1.0}); }, "a"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { ornstein_uhlenbeck(1, {1.0, -1.0}); }, "lambda"));
  Ensemble Y = X;
  EulerMaruyamaOptions opt;
  opt.grid = {0.0, 0.1, 3};
  EXPECT_TRUE(throws_invalid_argument_naming([&] { ou_exact_coupled({-1.0, 1.0}, Y, opt); }, "a"));
  opt.grid.step = 0.0;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { ou_exact_coupled({1.0, 1.0}, Y, opt); }, "step"));
}

// ---------------------------------------------------------------------------------------------
// Statistical checks against exact laws.

// Compares the per-coordinate sample mean and variance of X with a Gaussian law N(m, v) at
// false-alarm rate kFalseAlarm per comparison (the laws here are exactly Gaussian, so the
// standard errors sqrt(v/n) and v sqrt(2/(n-1)) are exact). Returns the largest |deviation| / SE.
double worst_z(const Ensemble& X, const std::vector<double>& m, const std::vector<double>& v) {
  double worst = 0;
  for (int j = 0; j < X.rows(); ++j) {
    const SampleMoments s = row_moments(X, j);
    worst = std::max(worst, std::abs(s.mean - m[j]) / se_mean(v[j], s.n));
    worst = std::max(worst, std::abs(s.variance - v[j]) / se_variance(v[j], s.n));
  }
  return worst;
}

// EM on the OU SDE is ULA on U = a|x|²/2, whose law after k steps is exactly Gaussian with the
// moments of theory::ula_moments. N = 2e5 particles from N(m0, v0 I) (sample_initial), k = 15
// steps of h = 0.1. Power: the two mutants are rejected by the same rule.
TEST(EulerMaruyamaStatistical, OuEnsembleMomentsMatchUlaRecursion) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  const OuSdeParams p{1.0, 0.5};
  const th::OuParams tp{p.a, p.lambda};
  constexpr long N = 200000;
  constexpr std::uint32_t k = 15;
  constexpr double h = 0.1, v0 = 0.3;
  const Eigen::Vector2d m0(1.5, -1.0);
  const IsotropicMixture law{{1.0}, {m0}, {v0}};
  std::vector<double> m, v;
  for (int j = 0; j < 2; ++j) {
    const auto u = th::ula_moments(k, h, m0(j), v0, tp);
    m.push_back(u.mean);
    v.push_back(u.variance);
  }
  EulerMaruyamaOptions opt;
  opt.grid = {0.0, h, k};
  opt.key = {seed, static_cast<std::uint32_t>(rng::StreamTag::brownian)};
  const double z = z_two_sided();
  auto run = [&](OuMutant mutant) {
    Ensemble X = sample_initial(law, N, seed, 0);
    euler_maruyama(ornstein_uhlenbeck(2, p, mutant), X, opt);
    return worst_z(X, m, v);
  };
  const double ok = run(OuMutant::none);
  std::cout << "    [info] worst |deviation|/SE: correct " << ok << ", z at 1e-6: " << z << '\n';
  EXPECT_LT(ok, z);
  EXPECT_GT(run(OuMutant::noise_sqrt_dt), z) << "mutant noise_sqrt_dt survived";
  EXPECT_GT(run(OuMutant::drift_flipped), z) << "mutant drift_flipped survived";
}

// ou_exact_coupled has exactly the law theory::ou_law(N(m0, v0 I), T) at any step size
// (here 4 steps of 0.25 and 1 step of 1.0), coordinates uncorrelated (they use distinct normals).
TEST(OuExactCoupledStatistical, MatchesOuLawAtAnyStepSize) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  const OuSdeParams p{1.5, 0.7};
  constexpr long N = 200000;
  constexpr double v0 = 0.2;
  const Eigen::Vector2d m0(2.0, -0.5);
  const IsotropicMixture law{{1.0}, {m0}, {v0}};
  const th::Gaussian target = th::ou_law({m0, v0 * Eigen::MatrixXd::Identity(2, 2)}, 1.0, {p.a, p.lambda});
  const std::vector<double> m{target.mean(0), target.mean(1)}, v{target.cov(0, 0), target.cov(1, 1)};
  const double z = z_two_sided();
  for (const TimeGrid grid : {TimeGrid::covering(1.0, 0.25), TimeGrid::covering(1.0, 1.0)}) {
    EulerMaruyamaOptions opt;
    opt.grid = grid;
    opt.key = {seed, static_cast<std::uint32_t>(rng::StreamTag::brownian)};
    Ensemble X = sample_initial(law, N, seed, 1);
    ou_exact_coupled(p, X, opt);
    const double wz = worst_z(X, m, v);
    EXPECT_LT(wz, z) << "steps " << grid.n_steps;
    // Cross-covariance of the two coordinates: 0, with standard error sqrt(v0 v1 / N).
    const Eigen::VectorXd c0 = X.row(0).transpose().array() - X.row(0).mean();
    const Eigen::VectorXd c1 = X.row(1).transpose().array() - X.row(1).mean();
    const double cov01 = c0.dot(c1) / (N - 1);
    EXPECT_LT(std::abs(cov01) / std::sqrt(v[0] * v[1] / N), z) << "steps " << grid.n_steps;
  }
}

// Mean-square difference between EM and the coupled exact solution at T = 1, for h = 0.1,
// 0.05, 0.025, 0.0125, same start and key. For additive noise EM has strong order 1, so
// E|X_EM - X_exact|² ~ C h²: the fitted slope in log-log must be ~2. The mutants must not
// converge: their mean-square difference stays O(1) as h shrinks.
TEST(OuExactCoupledStatistical, EulerMaruyamaStrongOrderOneAndMutantsDoNotConverge) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  const OuSdeParams p{1.0, 1.0};
  constexpr long N = 20000;
  const IsotropicMixture law{{1.0}, {Eigen::Vector2d(1.0, -2.0)}, {0.5}};
  const Ensemble X0 = sample_initial(law, N, seed, 0);
  // E|X_EM - X_exact|² over all coordinates and particles, for the EM variant `mutant`; the
  // exact solution is computed once per h (it does not depend on the mutant).
  auto options = [&](double h) {
    EulerMaruyamaOptions opt;
    opt.grid = TimeGrid::covering(1.0, h);
    opt.key = {seed, static_cast<std::uint32_t>(rng::StreamTag::brownian)};
    return opt;
  };
  auto exact = [&](double h) {
    Ensemble X = X0;
    ou_exact_coupled(p, X, options(h));
    return X;
  };
  auto mean_square = [&](double h, OuMutant mutant, const Ensemble& ex) {
    Ensemble em = X0;
    euler_maruyama(ornstein_uhlenbeck(2, p, mutant), em, options(h));
    return (em - ex).squaredNorm() / static_cast<double>(em.size());
  };
  const std::vector<double> hs{0.1, 0.05, 0.025, 0.0125};
  std::vector<double> log_h, log_ms, ms_noise, ms_flip;
  for (double h : hs) {
    const Ensemble ex = exact(h);
    log_h.push_back(std::log(h));
    log_ms.push_back(std::log(mean_square(h, OuMutant::none, ex)));
    if (h == hs.front() || h == hs.back()) {  // the mutants only at the coarsest and finest h
      ms_noise.push_back(mean_square(h, OuMutant::noise_sqrt_dt, ex));
      ms_flip.push_back(mean_square(h, OuMutant::drift_flipped, ex));
    }
  }
  const double slope = ls_slope(log_h, log_ms);
  std::cout << "    [info] fitted slope of log E|X_EM - X_exact|² vs log h: " << slope << " (expect 2); MS at h = "
            << hs.back() << ": " << std::exp(log_ms.back()) << ", mutants: noise " << ms_noise.back() << ", drift "
            << ms_flip.back() << '\n';
  EXPECT_GE(slope, kSlopeLow);
  EXPECT_LE(slope, kSlopeHigh);
  // Mutants: no decrease with h (the ratio coarsest/finest would be 64 for order 1), and far
  // above the correct scheme's error at the finest step.
  for (const auto* ms : {&ms_noise, &ms_flip}) {
    EXPECT_LT(ms->front() / ms->back(), kMutantMaxDrop);
    EXPECT_GT(ms->back(), kMutantFloor);
    EXPECT_GT(ms->back(), kMutantMargin * std::exp(log_ms.back()));
  }
}

}  // namespace
}  // namespace test_sde
