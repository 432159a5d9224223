// Tests for theory/dual.hpp: the Fenchel dual of the entropic mean-field primal for squared loss
// and linear features (weak duality on random Gaussian mu and random g, strong duality at the
// closed-form optimal pair, the log-partition against quadrature, the dual optimum is a
// stationary point), and the PDA / P-SDCA complexity statements of the notes.

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <string>

#include "theory/dual.hpp"
#include "theory/gaussian.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_dual {
namespace {

using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Closed-form identities (O(n d) flops on O(1) numbers): relative / absolute error allowed.
constexpr double kClosedFormTol = 1e-12;
// Strong duality: P(mu*) - D(g*) involves a linear solve (condition number <= ~30) and
// cancellation between O(1) terms: absolute error allowed.
constexpr double kStrongDualityTol = 1e-11;
// sinh-sinh quadrature at 1e-13 of a Gaussian integrand: relative error allowed on log ∫ q.
constexpr double kQuadRelTol = 1e-9;
// Central finite difference (h = 1e-5) of the dual: absolute error allowed on the gradient.
constexpr double kFdTol = 1e-7;

th::LinearSquaredLossProblem make_problem(int n, int d, std::mt19937& gen) {
  std::uniform_real_distribution<double> u(0.2, 2.0);
  th::LinearSquaredLossProblem p;
  p.X.resize(n, d);
  std::normal_distribution<double> n01;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) p.X(i, j) = n01(gen);
  p.y = random_vector(n, gen);
  p.lambda1 = u(gen);
  p.lambda2 = u(gen);
  return p;
}

TEST(Dual, SquaredLossConjugateIsSupremum) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed);
  std::normal_distribution<double> n01;
  for (int rep = 0; rep < 200; ++rep) {
    const double g = 2 * n01(gen), y = n01(gen), u = 3 * n01(gen);
    const double conj = th::squared_loss_conjugate(g, y);
    EXPECT_GE(conj + 1e-14, u * g - 0.5 * (u - y) * (u - y));  // Fenchel–Young
    const double ustar = y + g;                                 // the maximiser
    // l*(g) can vanish (g = -2y), so compare on the scale of its terms, not relative to l*(g).
    EXPECT_LE(std::abs(conj - (ustar * g - 0.5 * (ustar - y) * (ustar - y))), kClosedFormTol * (1 + g * g + y * y));
  }
}

TEST(Dual, LogPartitionMatchesQuadratureIn1d) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 1);
  WorstError worst("rel err lambda2 log ∫ q[g] closed form vs quadrature");
  for (int rep = 0; rep < 20; ++rep) {
    const auto p = make_problem(5, 1, gen);
    const Eigen::VectorXd g = random_vector(5, gen, 2.0);
    const double a = (p.X.transpose() * g)(0) / p.n();
    auto q = [&](double th) { return std::exp(-(a * th + p.lambda1 * th * th) / p.lambda2); };
    const double center = -a / (2 * p.lambda1), scale = std::sqrt(p.lambda2 / (2 * p.lambda1));
    const double quad = p.lambda2 * std::log(integrate_real_line(q, center, scale));
    const double closed = th::dual_log_partition(p, g);
    const double err = rel_err(closed, quad);
    worst.update(err, "rep=" + std::to_string(rep));
    EXPECT_LE(err, kQuadRelTol);
    // p[g] is the normalised q[g]: its mean and variance.
    const auto pg = th::dual_gibbs(p, g);
    EXPECT_LE(rel_err(pg.mean(0), center), kClosedFormTol);
    EXPECT_LE(rel_err(pg.cov(0, 0), scale * scale), kClosedFormTol);
  }
}

TEST(Dual, WeakDualityOnRandomPairs) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 2);
  WorstError tight("max violation -gap/(1 + |P| + |D|) (0 = none seen)");
  for (int d = 1; d <= 5; ++d)
    for (int n : {1, 3, 10})
      for (int rep = 0; rep < 50; ++rep) {
        const auto p = make_problem(n, d, gen);
        const auto mu = random_gaussian(d, gen);
        const Eigen::VectorXd g = random_vector(n, gen, 2.0);
        const double gap = th::duality_gap(p, mu, g);
        const double scale = std::abs(th::primal_value(p, mu)) + std::abs(th::dual_value(p, g));
        EXPECT_GE(gap, -kClosedFormTol * (1 + scale)) << "d=" << d << " n=" << n;
        tight.update(-gap / (1 + scale), "d=" + std::to_string(d) + " n=" + std::to_string(n));
        // The gap decomposes as (primal-vs-Lagrangian) + lambda2 KL(mu || p[g]) >= lambda2 KL(mu||p[g]):
        // P(mu) - D(g) = (1/n) Σ [l_i(u_i) + l_i*(g_i) - u_i g_i] + lambda2 KL(mu||p[g]), u_i = x_i·m.
        const Eigen::VectorXd u = p.X * mu.mean;
        double fy = 0;
        for (int i = 0; i < n; ++i)
          fy += 0.5 * (u(i) - p.y(i)) * (u(i) - p.y(i)) + th::squared_loss_conjugate(g(i), p.y(i)) - u(i) * g(i);
        const double decomposed = fy / n + p.lambda2 * th::kl(mu, th::dual_gibbs(p, g));
        EXPECT_LE(std::abs(gap - decomposed), kClosedFormTol * (1 + scale)) << "d=" << d << " n=" << n;
      }
}

TEST(Dual, StrongDualityAtClosedFormOptimum) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 3);
  WorstError worst("|P(mu*) - D(g*)|");
  for (int d = 1; d <= 5; ++d)
    for (int n : {1, 4, 20}) {
      const auto p = make_problem(n, d, gen);
      const auto mustar = th::primal_optimum(p);
      const Eigen::VectorXd gstar = th::dual_optimum(p);
      const double gap = th::duality_gap(p, mustar, gstar);
      worst.update(std::abs(gap), "d=" + std::to_string(d) + " n=" + std::to_string(n));
      EXPECT_LE(std::abs(gap), kStrongDualityTol);
      // p[g*] = mu*, and the notes-sign dual is minus ours: P(mu*) = -D_notes(g*).
      const auto pg = th::dual_gibbs(p, gstar);
      EXPECT_LE((pg.mean - mustar.mean).norm(), kStrongDualityTol);
      EXPECT_LE(std::abs(th::primal_value(p, mustar) + th::dual_value_notes_sign(p, gstar)), kStrongDualityTol);
      // g* is a stationary point (maximum) of the concave D: FD gradient ~ 0, perturbations decrease D.
      const double h = 1e-5;
      for (int i = 0; i < n; ++i) {
        Eigen::VectorXd gp = gstar, gm = gstar;
        gp(i) += h;
        gm(i) -= h;
        EXPECT_NEAR((th::dual_value(p, gp) - th::dual_value(p, gm)) / (2 * h), 0.0, kFdTol);
      }
      const Eigen::VectorXd pert = random_vector(n, gen, 0.1);
      EXPECT_LT(th::dual_value(p, gstar + pert), th::dual_value(p, gstar));
      // mu* is optimal among Gaussians: perturbations increase P.
      auto mp = mustar;
      mp.mean += random_vector(d, gen, 0.1);
      EXPECT_GT(th::primal_value(p, mp), th::primal_value(p, mustar));
    }
}

TEST(Dual, GapShrinksAlongPathToOptimum) {
  // Pairs interpolating linearly to the optimum: P(N(m, S)) is convex in (m, S) and -D is convex
  // in g, so the gap is convex along the path with minimum 0 at the optimum: monotone decrease.
  std::mt19937 gen(test_seed() + 4);
  const auto p = make_problem(8, 3, gen);
  const auto mustar = th::primal_optimum(p);
  const Eigen::VectorXd gstar = th::dual_optimum(p);
  const auto mu0 = random_gaussian(3, gen);
  const Eigen::VectorXd g0 = random_vector(8, gen, 2.0);
  double prev = std::numeric_limits<double>::infinity();
  for (int k = 0; k <= 10; ++k) {
    const double s = 1.0 - k / 10.0;
    th::Gaussian mu{mustar.mean + s * (mu0.mean - mustar.mean), mustar.cov + s * (mu0.cov - mustar.cov)};
    const double gap = th::duality_gap(p, mu, gstar + s * (g0 - gstar));
    EXPECT_LT(gap, prev + 1e-12);
    prev = gap;
  }
  EXPECT_LE(std::abs(prev), kStrongDualityTol);
}

TEST(DualComplexity, PsdcaAndDeterministic) {
  const double n = 1000, l2 = 0.1, gamma = 0.5, C = 2.0, eps = 1e-3;
  EXPECT_LE(rel_err(th::psdca_outer_iterations(n, l2, gamma, C, eps), 2 * (n + 1 / (l2 * gamma)) * std::log(n * C / eps)),
            kClosedFormTol);
  // logarithmic in 1/eps: halving eps adds 2(n + 1/(lambda2 gamma)) ln 2.
  EXPECT_LE(rel_err(th::psdca_outer_iterations(n, l2, gamma, C, eps / 2) - th::psdca_outer_iterations(n, l2, gamma, C, eps),
                    2 * (n + 1 / (l2 * gamma)) * std::log(2.0)),
            1e-10);
  EXPECT_EQ(th::psdca_outer_iterations(1, l2, gamma, 1.0, 2.0), 0.0);
  EXPECT_GT(th::psdca_outer_iterations(n, l2 / 10, gamma, C, eps), th::psdca_outer_iterations(n, l2, gamma, C, eps));
  // Deterministic comparison grows like n/(lambda2 gamma) instead of n + 1/(lambda2 gamma).
  EXPECT_LE(rel_err(th::deterministic_dual_iterations_unit_constants(n, l2, gamma, eps), n / (l2 * gamma) * std::log(1 / eps)),
            kClosedFormTol);
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::psdca_outer_iterations(0.5, 1, 1, 1, 0.1); }, "n"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::psdca_outer_iterations(10, 0, 1, 1, 0.1); }, "lambda2"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::psdca_outer_iterations(10, 1, -1, 1, 0.1); }, "gamma"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::psdca_outer_iterations(10, 1, 1, 0, 0.1); }, "C"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::psdca_outer_iterations(10, 1, 1, 1, 0); }, "eps_P"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::deterministic_dual_iterations_unit_constants(10, 1, 1, 1.5); },
                                             "eps_P"));
}

TEST(DualComplexity, Pda) {
  EXPECT_LE(rel_err(th::pda_outer_bound_unit_constants(100, 10000), 0.02), kClosedFormTol);
  EXPECT_GT(th::pda_outer_bound_unit_constants(10, 100), th::pda_outer_bound_unit_constants(20, 100));
  EXPECT_GT(th::pda_outer_bound_unit_constants(10, 100), th::pda_outer_bound_unit_constants(10, 400));
  const double l1 = 0.5, l2 = 2.0;
  // T_t = 1/eta_t grows like t²; total over T outer steps is Σ T_t = O(T³).
  EXPECT_LE(rel_err(th::pda_inner_iterations_unit_constants(4, l1, l2), 16 * std::exp(4.0) / (l1 * l2)), kClosedFormTol);
  double total = 0;
  for (int t = 1; t <= 50; ++t) total += th::pda_inner_iterations_unit_constants(t, l1, l2);
  EXPECT_LE(rel_err(th::pda_total_inner_iterations_unit_constants(50, l1, l2), total), kClosedFormTol);
  // Dual-averaging weights sum to t/(t+2) (not 1) exactly as written in the notes.
  for (int t = 1; t <= 30; ++t) {
    double s = 0;
    for (int k = 1; k <= t; ++k) s += th::pda_average_weight(k, t);
    EXPECT_LE(rel_err(s, th::pda_average_weight_sum(t)), kClosedFormTol);
  }
  // Output-selection distribution sums to 1.
  for (int T : {1, 2, 7, 100}) {
    double s = 0;
    for (int t = 2; t <= T + 1; ++t) s += th::pda_output_probability(t, T);
    EXPECT_LE(std::abs(s - 1.0), kClosedFormTol) << "T=" << T;
  }
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::pda_outer_bound_unit_constants(0, 1); }, "T"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::pda_outer_bound_unit_constants(1, 0); }, "M"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::pda_inner_step_size_unit_constants(0.5, 1, 1); }, "t"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::pda_inner_step_size_unit_constants(1, 0, 1); }, "lambda1"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::pda_average_weight(5, 4); }, "s"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::pda_output_probability(1, 4); }, "t"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::pda_output_probability(2, 0); }, "T"));
}

TEST(Dual, InvalidArguments) {
  std::mt19937 gen(test_seed() + 5);
  const auto good = make_problem(3, 2, gen);
  auto bad = good;
  bad.lambda1 = 0;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::primal_optimum(bad); }, "problem.lambda1"));
  bad = good;
  bad.lambda2 = NAN;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::primal_optimum(bad); }, "problem.lambda2"));
  bad = good;
  bad.y = Eigen::VectorXd::Zero(2);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::primal_optimum(bad); }, "problem.y"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::dual_value(good, Eigen::VectorXd::Zero(2)); }, "g"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { th::primal_value(good, th::Gaussian::isotropic(3, 0.0, 1.0)); }, "mu"));
}

}  // namespace
}  // namespace test_dual
