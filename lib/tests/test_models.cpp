// Tests for lib/models: finite-sum potentials (Gaussian split, Bayesian logistic regression, the
// Potential wrapper), their registry, Hessians and the Newton mode (lib/models/mode.hpp).
// Deterministic checks in relative units with named tolerances: analytic gradients and Hessians
// against central differences, batch sums against per-example sums, closed forms, and the
// documented errors.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "lib/models/finite_sum.hpp"
#include "lib/models/gaussian_sum.hpp"
#include "lib/models/logistic.hpp"
#include "lib/models/mode.hpp"
#include "lib/models/registry.hpp"
#include "lib/potentials/potential.hpp"
#include "lib/tests/test_support.hpp"
#include "lib/linalg/dense.hpp"

namespace test_models {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::lib::models;
using ldbench::lib::test::throws_invalid_argument_naming;
namespace pot = ldbench::lib::potentials;

// Central differences with h = 1e-5 on O(1)..O(100) values have truncation error ~h² |U'''| and
// rounding error ~eps |U| / h ~ 1e-11 |U|; 1e-6 relative to max(1, |g|_inf) covers both.
constexpr double kFdRelTol = 1e-6;
// Sums of the same terms in a different order (batch vs per-example, closed form vs sum).
constexpr double kSumRelTol = 1e-12;

double rel_err(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}

std::unique_ptr<LogisticRegression> small_logistic(int n = 60, int d = 4, double s2 = 2.0) {
  auto data = make_synthetic_logistic_data(n, d, 7u, 1.5, 2.0);
  return std::make_unique<LogisticRegression>(data.features, data.labels, s2);
}

TEST(LogisticRegression, GradientsMatchFiniteDifferences) {
  auto U = small_logistic();
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(U->dim(), -0.7, 0.9);
  Eigen::VectorXd g(U->dim());
  U->gradient(x.data(), g.data());
  const double e_full = rel_err(g, finite_difference_gradient(*U, x));
  EXPECT_LT(e_full, kFdRelTol);
  double e_ex = 0;
  for (std::uint32_t i = 0; i < 10; ++i) {
    U->example_gradient(i, x.data(), g.data());
    e_ex = std::max(e_ex, rel_err(g, finite_difference_example_gradient(*U, i, x)));
  }
  EXPECT_LT(e_ex, kFdRelTol);
  std::printf("[logistic] FD relative error: full gradient %.2e, per-example (max of 10) %.2e\n", e_full, e_ex);
}

TEST(LogisticRegression, BatchSumsEqualPerExampleSums) {
  auto U = small_logistic();
  const int d = U->dim();
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(d, 0.3, -0.4), y = Eigen::VectorXd::LinSpaced(d, -1, 1);
  std::vector<std::uint32_t> all(static_cast<std::size_t>(U->n()));
  std::iota(all.begin(), all.end(), 0u);
  Eigen::VectorXd gb(d), gsum = Eigen::VectorXd::Zero(d), gi(d), r(d), gd(d), gyb(d);
  U->batch_gradient_sum(x.data(), all, gb.data());
  for (std::uint32_t i : all) {
    U->example_gradient(i, x.data(), gi.data());
    gsum += gi;
  }
  EXPECT_LT(rel_err(gb, gsum), kSumRelTol);
  U->regularizer_gradient(x.data(), r.data());
  Eigen::VectorXd full(d);
  U->gradient(x.data(), full.data());
  EXPECT_LT(rel_err(gb + r, full), kSumRelTol);
  const std::vector<std::uint32_t> I = {3, 17, 17, 42};
  U->batch_gradient_difference(x.data(), y.data(), I, gd.data());
  U->batch_gradient_sum(x.data(), I, gb.data());
  U->batch_gradient_sum(y.data(), I, gyb.data());
  EXPECT_LT(rel_err(gd, gb - gyb), kSumRelTol);
  // values_and_gradients shares one product F X; it must agree with the separate calls.
  Eigen::MatrixXd P(d, 2);
  P << x, y;
  Eigen::VectorXd vals(2), vals2(2);
  Eigen::MatrixXd G(d, 2), G2(d, 2);
  U->values_and_gradients(P, vals, G);
  U->values(P, vals2);
  U->gradients(P, G2);
  EXPECT_LT(rel_err(vals, vals2), kSumRelTol);
  EXPECT_LT((G - G2).cwiseAbs().maxCoeff(), kSumRelTol * std::max(1.0, G2.cwiseAbs().maxCoeff()));
  double v = U->regularizer_value(x.data());
  for (std::uint32_t i : all) v += U->example_value(i, x.data());
  EXPECT_NEAR(U->value(x.data()), v, kSumRelTol * std::abs(v));
}

TEST(LogisticRegression, ZeroOneLabelsEqualPlusMinusOneAndCurvatureBound) {
  auto data = make_synthetic_logistic_data(50, 3, 11u);
  const Eigen::VectorXd zo = (data.labels.array() + 1.0) / 2.0;
  LogisticRegression a(data.features, data.labels, 1.5), b(data.features, zo, 1.5);
  EXPECT_EQ(a.labels(), b.labels());
  // M = ¼ λmax(FᵀF) + 1/s² bounds the Hessian at 0, where sigma(1 - sigma) = ¼ attains it.
  const Eigen::MatrixXd F = data.features;
  const Eigen::MatrixXd H0 = 0.25 * F.transpose() * F + Eigen::MatrixXd::Identity(3, 3) / 1.5;
  const double h0max = ldbench::lib::linalg::symmetric_max_eigenvalue(H0);
  EXPECT_NEAR(*a.hessian_max(), h0max, 1e-12 * h0max);
  EXPECT_DOUBLE_EQ(*a.hessian_min(), 1 / 1.5);
  EXPECT_FALSE(a.gaussian().has_value());
}

TEST(LogisticRegression, InvalidInputsNameTheArgument) {
  Eigen::MatrixXd F = Eigen::MatrixXd::Ones(3, 2);
  Eigen::VectorXd y(3);
  y << 1, -1, 1;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { LogisticRegression(F, y, 0.0); }, "prior_variance"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { LogisticRegression(F, Eigen::VectorXd::Ones(2), 1.0); }, "labels"));
  Eigen::VectorXd bad(3);
  bad << 1, 0, -1;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { LogisticRegression(F, bad, 1.0); }, "labels"));
  F(0, 0) = NAN;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { LogisticRegression(F, y, 1.0); }, "features"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { make_synthetic_logistic_data(0, 2, 1); }, "n"));
}

TEST(GaussianFiniteSum, ClosedFormAndSums) {
  Eigen::MatrixXd A(3, 3);
  A << 4, 1, 0, 1, 3, 0.5, 0, 0.5, 2;
  Eigen::VectorXd m(3);
  m << 1, -2, 0.5;
  auto U = make_gaussian_finite_sum(m, A, 40, 1.5, 0.7, 3u);
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(3, -1, 2);
  Eigen::VectorXd g(3);
  U->gradient(x.data(), g.data());
  EXPECT_LT(rel_err(g, A * (x - m)), kSumRelTol);
  EXPECT_LT(rel_err(g, finite_difference_gradient(*U, x)), kFdRelTol);
  Eigen::VectorXd gsum = Eigen::VectorXd::Zero(3), gi(3);
  double v = 0;
  for (std::uint32_t i = 0; i < 40; ++i) {
    U->example_gradient(i, x.data(), gi.data());
    EXPECT_LT(rel_err(gi, finite_difference_example_gradient(*U, i, x)), kFdRelTol);
    gsum += gi;
    v += U->example_value(i, x.data());
  }
  EXPECT_LT(rel_err(gsum, g), 1e-11);
  EXPECT_NEAR(U->value(x.data()), v, 1e-11 * std::abs(v));
  ASSERT_TRUE(U->gaussian().has_value());
  EXPECT_EQ(U->gaussian()->mean, m);
  const Eigen::VectorXd ev = ldbench::lib::linalg::symmetric_eigenvalues(A);
  EXPECT_NEAR(*U->hessian_max(), ev.maxCoeff(), 1e-12);
  EXPECT_NEAR(*U->hessian_min(), ev.minCoeff(), 1e-12);
  // Weights are not all equal and the centres are spread: the split is non-trivial.
  EXPECT_GT(U->weights().maxCoeff() / U->weights().minCoeff(), 1.5);
}

TEST(GaussianFiniteSum, InvalidInputsNameTheArgument) {
  const Eigen::VectorXd m = Eigen::VectorXd::Zero(2);
  const Eigen::MatrixXd A = Eigen::MatrixXd::Identity(2, 2);
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { GaussianFiniteSum(m, -A, Eigen::VectorXd::Constant(2, 0.5), Eigen::MatrixXd::Zero(2, 2)); }, "precision"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { GaussianFiniteSum(m, A, Eigen::VectorXd::Constant(2, 0.4), Eigen::MatrixXd::Zero(2, 2)); }, "weights"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { GaussianFiniteSum(m, A, Eigen::VectorXd::Constant(2, 0.5), Eigen::MatrixXd::Ones(2, 2)); }, "centres"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { make_gaussian_finite_sum(m, A, 10, 1, 1.0, 1); }, "weight_spread"));
}

TEST(WrapPotential, QuadraticIsAFiniteSumOfOne) {
  pot::PotentialRegistry preg;
  pot::register_builtin_potentials(preg);
  ldbench::lib::Params p;
  p.set("a", 3.0);
  auto U = wrap_potential(std::shared_ptr<const pot::Potential>(preg.make("quadratic", 2, p)));
  EXPECT_EQ(U->n(), 1);
  EXPECT_DOUBLE_EQ(*U->hessian_max(), 3.0);
  const Eigen::VectorXd x = Eigen::VectorXd::Constant(2, 0.5);
  Eigen::VectorXd g(2), gb(2);
  U->gradient(x.data(), g.data());
  const std::uint32_t zero[1] = {0};
  U->batch_gradient_sum(x.data(), zero, gb.data());
  EXPECT_EQ(g, gb);
  EXPECT_LT(rel_err(g, finite_difference_gradient(*U, x)), kFdRelTol);
}

TEST(ModelRegistry, BuiltinsFallbackAndErrors) {
  ModelRegistry reg;
  register_builtin_models(reg);
  pot::PotentialRegistry preg;
  pot::register_builtin_potentials(preg);
  reg.set_fallback(&preg);
  ldbench::lib::Params p;
  p.set("n", 30L);
  p.set("a_min", 1.0);
  p.set("a_max", 100.0);
  auto g = reg.make("gaussian", 3, p);
  EXPECT_EQ(g->n(), 30);
  EXPECT_NEAR(*g->hessian_max(), 100.0, 1e-9);
  ldbench::lib::Params pl;
  pl.set("n", 30L);
  auto l = reg.make("logistic_synthetic", 4, pl);
  EXPECT_EQ(l->n(), 30);
  EXPECT_EQ(l->dim(), 4);
  auto w = reg.make("double_well", 1);
  EXPECT_EQ(w->n(), 1);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("logistic_regression", 2); }, "data"));
  ModelData data{Eigen::MatrixXd::Ones(5, 2), Eigen::VectorXd::Ones(5)};
  EXPECT_EQ(reg.make("logistic_regression", 2, {}, &data)->n(), 5);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("logistic_regression", 3, {}, &data); }, "dim"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("nope", 2); }, "name"));
  ldbench::lib::Params bad;
  bad.set("n", 0L);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("gaussian", 2, bad); }, "params.n"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { register_builtin_models(reg); }, "already registered"));
}

// ------------------------------------------------------------------------------------------------
// Hessians: central differences of the gradient (the default) against closed forms.

// finite_difference_hessian with h = 1e-5: truncation ~h²|∇⁴U|/6 ~ 2e-11 and rounding
// ~eps |∇U|/h ~ 1e-11 |∇U| per entry; 1e-6 relative to max(1, |H|_max) covers both with margin.
constexpr double kFdHessRelTol = 1e-6;

double rel_err(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}

TEST(FiniteSumHessian, FiniteDifferencesMatchClosedForms) {
  // Logistic regression: the analytic override against the default's finite differences, at a
  // point away from the mode (every sigma(1 - sigma) weight distinct).
  auto U = small_logistic();
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(U->dim(), -0.7, 0.9);
  const Eigen::MatrixXd H = U->hessian(x.data());
  const double e_log = rel_err(finite_difference_hessian(*U, x), H);
  EXPECT_LT(e_log, kFdHessRelTol);
  EXPECT_LT(rel_err(H, Eigen::MatrixXd(H.transpose())), kSumRelTol);  // Fᵀ W F by GEMM: symmetric to rounding
  // Closed form by hand: Fᵀ diag(w) F + I/s².
  Eigen::MatrixXd Hh = Eigen::MatrixXd::Identity(U->dim(), U->dim()) / U->prior_variance();
  for (Eigen::Index i = 0; i < U->features().rows(); ++i) {
    const double t = U->features().row(i).dot(x), s = 1 / (1 + std::exp(-t));
    Hh += s * (1 - s) * U->features().row(i).transpose() * U->features().row(i);
  }
  EXPECT_LT(rel_err(H, Hh), kSumRelTol);
  // Gaussian split: no override, so hessian() is the finite-difference default; ∇²U = A exactly.
  Eigen::MatrixXd A(3, 3);
  A << 4, 1, 0, 1, 3, 0.5, 0, 0.5, 2;
  auto G = make_gaussian_finite_sum(Eigen::VectorXd::LinSpaced(3, 1, -1), A, 40, 1.5, 0.7, 3u);
  const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(3, -2, 3);
  const double e_gauss = rel_err(G->hessian(y.data()), A);
  EXPECT_LT(e_gauss, kFdHessRelTol);
  std::printf("[hessian] FD relative error: logistic %.2e, gaussian %.2e\n", e_log, e_gauss);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { finite_difference_hessian(*G, y, 0.0); }, "h"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { finite_difference_hessian(*G, Eigen::VectorXd::Zero(2)); }, "x"));
}

// ------------------------------------------------------------------------------------------------
// The Newton mode.

// A quadratic's Newton iteration with a finite-difference Hessian contracts by ~|ΔH|/|H| ~ 1e-10
// per step; 1e-9 relative covers the stopping error |θ - θ*|_H < 1e-8 of the default options.
constexpr double kModeRelTol = 1e-9;

TEST(NewtonMode, GaussianSumModeIsItsMean) {
  Eigen::MatrixXd A(3, 3);
  A << 40, 1, 0, 1, 3, 0.5, 0, 0.5, 0.2;
  Eigen::VectorXd m(3);
  m << 1.5, -2, 7;
  auto U = make_gaussian_finite_sum(m, A, 50, 2.0, 0.7, 5u);
  const ModeResult r = find_mode(*U);
  ASSERT_TRUE(r.converged) << r.message;
  EXPECT_LT(rel_err(r.mode, m), kModeRelTol) << r.mode.transpose();
  EXPECT_LT(rel_err(r.hessian, A), kFdHessRelTol);
  EXPECT_LE(r.iterations, 4);  // one Newton step solves a quadratic; the rest polishes the FD error
  std::printf("[mode] gaussian: %d iterations, |mode - mean| = %.2e, |grad| = %.2e\n", r.iterations, (r.mode - m).norm(),
              r.gradient_norm);
}

TEST(NewtonMode, LogisticModeIsStationaryWithTheAnalyticHessian) {
  auto U = small_logistic(200, 5, 3.0);
  const ModeResult r = find_mode(*U);
  ASSERT_TRUE(r.converged) << r.message;
  Eigen::VectorXd g(U->dim());
  U->gradient(r.mode.data(), g.data());
  EXPECT_LT(g.norm(), 1e-10);
  EXPECT_DOUBLE_EQ(r.gradient_norm, g.norm());
  EXPECT_EQ(r.hessian, U->hessian(r.mode.data()));
  EXPECT_LE(r.iterations, 20);
  // The complexity kind's tolerances (LDLT, Armijo 1/4, stop below 1e-24) find the same point.
  NewtonOptions o;
  o.factorization = NewtonOptions::Factorization::ldlt;
  o.decrement_tol = 1e-24;
  o.final_step = false;
  o.stall_below = 0;
  o.full_step_below = 0;
  o.stop_after_step_below = 1e-20;
  o.armijo = 0.25;
  o.accept_failed_line_search = true;
  const ModeResult c = find_mode(*U, o);
  ASSERT_TRUE(c.converged) << c.message;
  EXPECT_LT(rel_err(c.mode, r.mode), 1e-12);
}

TEST(NewtonMode, NonConvergenceAndBadHessiansAreReported) {
  auto U = small_logistic(200, 5, 3.0);
  NewtonOptions o;
  o.max_iterations = 1;
  try {
    find_mode(*U, o);
    ADD_FAILURE() << "no error after one iteration";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newton: no convergence in 1 iterations"), std::string::npos) << e.what();
  }
  o.throw_on_failure = false;
  const ModeResult r = find_mode(*U, o);
  EXPECT_FALSE(r.converged);
  EXPECT_NE(r.message.find("no convergence"), std::string::npos) << r.message;
  EXPECT_EQ(r.iterations, 1);
  // U(x) = -|x|²/2 + |x|⁴/4 from x = 0.1 e_1: the Hessian -I + ... is not positive definite.
  NewtonObjective f;
  f.value = [](const Eigen::VectorXd& x) { return -0.5 * x.squaredNorm() + 0.25 * x.squaredNorm() * x.squaredNorm(); };
  f.gradient_hessian = [](const Eigen::VectorXd& x, Eigen::VectorXd& g, Eigen::MatrixXd& H) {
    const double q = x.squaredNorm();
    g = (q - 1) * x;
    H = (q - 1) * Eigen::MatrixXd::Identity(x.size(), x.size()) + 2 * x * x.transpose();
  };
  Eigen::VectorXd x0 = Eigen::VectorXd::Zero(2);
  x0(0) = 0.1;
  try {
    newton_minimize(f, x0);
    ADD_FAILURE() << "no error for an indefinite Hessian";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not positive definite at iteration 0"), std::string::npos) << e.what();
  }
  // A saddle: U(x) = x1² - x2² started at its critical point 0. LDLT factorises the indefinite
  // Hessian, the decrement is 0, the iteration stops at once, and the final test refuses the point.
  NewtonObjective saddle;
  saddle.value = [](const Eigen::VectorXd& x) { return x(0) * x(0) - x(1) * x(1); };
  saddle.gradient_hessian = [](const Eigen::VectorXd& x, Eigen::VectorXd& g, Eigen::MatrixXd& H) {
    g = Eigen::Vector2d(2 * x(0), -2 * x(1));
    H = Eigen::Vector2d(2, -2).asDiagonal();
  };
  NewtonOptions ld;
  ld.factorization = NewtonOptions::Factorization::ldlt;
  try {
    newton_minimize(saddle, Eigen::VectorXd::Zero(2), ld);
    ADD_FAILURE() << "a saddle accepted as a mode";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the Hessian at the final point is not positive definite"), std::string::npos) << e.what();
  }
  ld.throw_on_failure = false;
  const ModeResult sr = newton_minimize(saddle, Eigen::VectorXd::Zero(2), ld);
  EXPECT_FALSE(sr.converged);
  EXPECT_EQ(sr.iterations, 1);
  o = NewtonOptions{};
  o.armijo = 0.7;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { find_mode(*U, o); }, "armijo"));
  o = NewtonOptions{};
  o.max_iterations = 0;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { find_mode(*U, o); }, "max_iterations"));
}

}  // namespace
}  // namespace test_models
