// Tests for theory/discretization.hpp: the Vempala–Wibisono (2019) discrete ULA bound
//   KL_k <= exp(-alpha h k) KL_0 + 8 d L_f² h / alpha,   0 < h <= alpha/(4 L_f²),
// with the suite's map f = U/lambda, h = eta lambda, L_f = L_U/lambda.
//
// The real test: on Gaussian targets U = xᵀ A x / 2 the law of ULA is exact (theory/ula_gaussian.hpp)
// and so is KL (theory/gaussian.hpp); pi = N(0, lambda A⁻¹) has LSI constant alpha = a_min/lambda
// (exact, gaussian_lsi_constant of the widest direction) and L_f = a_max/lambda. The exact KL must
// lie under the bound at every k of a grid over (a, lambda, eta, d, start). To show that the test
// has power, the same grid with a wrong map (h = eta, i.e. lambda forgotten in the step) must
// produce at least one violation.

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "theory/discretization.hpp"
#include "theory/gaussian.hpp"
#include "theory/ou.hpp"
#include "theory/tests/test_support.hpp"
#include "theory/ula_gaussian.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_discretization {
namespace {

using ldbench::theory::Gaussian;
using ldbench::theory::OuMatrix;
using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative slack allowed when comparing the exact KL with the bound: KL is computed from a sum of
// O(d) terms that cancel to ~1e-15 absolute, and exp(-alpha h k) to a few ulps, so 1e-12 relative
// plus 1e-13 absolute only forgives rounding, never a real violation (the bias term is >= 8 d
// alpha h >= 2e-3 nats on the grid below, far above rounding).
constexpr double kBoundRelSlack = 1e-12;
constexpr double kBoundAbsSlack = 1e-13;

// Relative tolerance for closed-form identities (a handful of floating-point operations).
constexpr double kClosedFormRelTol = 1e-14;

struct Case {
  Eigen::MatrixXd A;  // drift matrix of U = xᵀ A x / 2
  double a_min, a_max;
  double lambda;
  double eta;
  Gaussian start;
  std::string name;
};

// k grid: every k up to 60, then geometric (factor 1.15) up to k_max, plus k_max.
std::vector<unsigned> k_grid(unsigned k_max) {
  std::vector<unsigned> ks;
  for (unsigned k = 0; k <= std::min(60u, k_max); ++k) ks.push_back(k);
  double k = 60;
  while (k < k_max) {
    k = std::ceil(k * 1.15);
    ks.push_back(static_cast<unsigned>(std::min<double>(k, k_max)));
  }
  return ks;
}

// The grid of Gaussian cases: isotropic A = a I (everything exact and scalar) and anisotropic
// rotated diagonal A; lambda in {0.2, 1, 5}; eta as a fraction of the step limit
// eta_max = alpha lambda / (4 L_U²) = a_min / (4 a_max²); d in {1, 3, 10}; four starts (far mean,
// wide, narrow, far mean + narrow) scaled to the target's spread.
std::vector<Case> make_cases(std::mt19937& gen) {
  std::vector<Case> cases;
  const std::vector<int> dims{1, 3, 10};
  const std::vector<double> lambdas{0.2, 1.0, 5.0};
  const std::vector<double> eta_fracs{1.0, 0.5, 0.1, 0.02};
  for (int d : dims) {
    // (a_min, a_max) pairs: isotropic a = 1, isotropic a = 2.5, anisotropic [0.5, 2] (d > 1).
    std::vector<std::pair<double, double>> spectra{{1.0, 1.0}, {2.5, 2.5}};
    if (d > 1) spectra.push_back({0.5, 2.0});
    for (auto [a_min, a_max] : spectra) {
      Eigen::MatrixXd A;
      if (a_min == a_max) {
        A = a_min * Eigen::MatrixXd::Identity(d, d);
      } else {
        Eigen::VectorXd diag(d);
        for (int i = 0; i < d; ++i) diag(i) = a_min + (a_max - a_min) * i / (d - 1);
        const Eigen::MatrixXd Q = random_orthogonal(d, gen);
        A = Q * diag.asDiagonal() * Q.transpose();
        A = 0.5 * (A + A.transpose());
      }
      for (double lambda : lambdas) {
        const double sd = std::sqrt(lambda / a_min);  // widest target standard deviation
        const std::vector<std::pair<std::string, Gaussian>> starts{
            {"far", Gaussian::isotropic(d, 3.0 * sd, sd * sd)},
            {"wide", Gaussian::isotropic(d, 0.0, 10.0 * sd * sd)},
            {"narrow", Gaussian::isotropic(d, 0.0, 0.05 * sd * sd)},
            {"far-narrow", Gaussian::isotropic(d, 10.0 * sd, 0.01 * sd * sd)}};
        for (double frac : eta_fracs) {
          const double eta = frac * a_min / (4.0 * a_max * a_max);
          for (const auto& [sname, start] : starts) {
            cases.push_back({A, a_min, a_max, lambda, eta, start,
                             "d=" + std::to_string(d) + " spec=[" + std::to_string(a_min) + "," +
                                 std::to_string(a_max) + "] lambda=" + std::to_string(lambda) +
                                 " eta=" + std::to_string(eta) + " start=" + sname});
          }
        }
      }
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------

TEST(VwMap, SuiteToVw) {
  EXPECT_LE(rel_err(th::vw_step_from_suite(0.01, 3.0), 0.03), kClosedFormRelTol);
  EXPECT_LE(rel_err(th::vw_smoothness_from_suite(6.0, 3.0), 2.0), kClosedFormRelTol);
  EXPECT_LE(rel_err(th::vw_step_limit(0.4, 1.0), 0.1), kClosedFormRelTol);
  // bias = 8 d L_f² h / alpha; bound = e^{-alpha h k} KL0 + bias.
  EXPECT_LE(rel_err(th::vw_ula_bias(0.05, 0.4, 1.0, 3), 8.0 * 3 * 0.05 / 0.4), kClosedFormRelTol);
  EXPECT_LE(rel_err(th::vw_ula_kl_bound(2.0, 7, 0.05, 0.4, 1.0, 3), std::exp(-0.4 * 0.05 * 7) * 2.0 + 3.0),
            kClosedFormRelTol);
  // Suite form: eta = 0.02, lambda = 2.5, L_U = 2, alpha = 0.3 -> h = 0.05, L_f = 0.8.
  EXPECT_LE(rel_err(th::vw_ula_kl_bound_suite(2.0, 7, 0.02, 2.5, 0.3, 2.0, 3),
                    th::vw_ula_kl_bound(2.0, 7, 0.05, 0.3, 0.8, 3)),
            kClosedFormRelTol);
  // The step exactly at the limit is accepted.
  EXPECT_NO_THROW(th::vw_ula_bias(0.1, 0.4, 1.0, 1));
}

TEST(VwGaussian, ExactUlaKlLiesUnderTheBound) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed);
  WorstError worst("exact KL_k / VW bound for k >= 1 (must stay <= 1)");
  int n_checked = 0;
  for (const Case& c : make_cases(gen)) {
    const int d = c.start.dim();
    const OuMatrix p{c.A, c.lambda};
    const Gaussian pi = th::ou_stationary(p);
    const double kl0 = th::kl(c.start, pi);
    const double alpha = c.a_min / c.lambda;  // LSI constant of N(0, lambda A⁻¹)
    const double L_U = c.a_max;
    // Five contraction times of the bound (alpha h k = 5), at most 20000 steps.
    const double h = th::vw_step_from_suite(c.eta, c.lambda);
    const auto k_max = static_cast<unsigned>(std::min(20000.0, std::ceil(5.0 / (alpha * h))));
    for (unsigned k : k_grid(k_max)) {
      const double exact = th::kl(th::ula_law(c.start, k, c.eta, p), pi);
      const double bound = th::vw_ula_kl_bound_suite(kl0, k, c.eta, c.lambda, alpha, L_U, d);
      if (k > 0) worst.update(exact / bound, c.name + " k=" + std::to_string(k));
      ASSERT_LE(exact, bound * (1.0 + kBoundRelSlack) + kBoundAbsSlack) << c.name << " k=" << k;
      ++n_checked;
    }
  }
  EXPECT_GT(n_checked, 10000);
}

// The same grid with the step map h = eta (temperature forgotten) must violate the "bound"
// somewhere: otherwise the test above could not tell a right map from a wrong one.
TEST(VwGaussian, WrongStepMapIsCaught) {
  const auto seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed);
  int violations = 0, tried = 0;
  std::string first;
  for (const Case& c : make_cases(gen)) {
    const OuMatrix p{c.A, c.lambda};
    const Gaussian pi = th::ou_stationary(p);
    const double kl0 = th::kl(c.start, pi);
    const double alpha = c.a_min / c.lambda;
    const double L_f = c.a_max / c.lambda;
    const double h_wrong = c.eta;  // WRONG: should be eta lambda
    if (h_wrong > th::vw_step_limit(alpha, L_f)) continue;
    ++tried;
    const auto k_max = static_cast<unsigned>(std::min(20000.0, std::ceil(5.0 / (alpha * h_wrong))));
    for (unsigned k : k_grid(k_max)) {
      const double exact = th::kl(th::ula_law(c.start, k, c.eta, p), pi);
      if (exact > th::vw_ula_kl_bound(kl0, k, h_wrong, alpha, L_f, c.start.dim()) * (1.0 + 1e-6)) {
        if (violations == 0) first = c.name + " k=" + std::to_string(k);
        ++violations;
        break;
      }
    }
  }
  std::cout << "    [power] wrong map h = eta violated in " << violations << " of " << tried
            << " cases; first: " << first << '\n';
  EXPECT_GT(violations, 0);
}

// VW Corollary: the plan reaches KL <= eps in the bound, and on a Gaussian target the exact
// KL after the planned iterations is <= eps too.
TEST(VwPlan, ReachesEpsAndIsMinimalForTheBound) {
  struct P { double eps, kl0, alpha, L_f; int d; };
  for (const P& q : std::vector<P>{{0.1, 5.0, 1.0, 1.0, 1}, {0.01, 50.0, 0.2, 3.0, 10}, {1e-3, 1.0, 2.0, 2.5, 3},
                                   {100.0, 1e4, 1.0, 1.0, 2}, {0.5, 0.1, 1.0, 1.0, 1}}) {
    const auto plan = th::vw_ula_plan(q.eps, q.kl0, q.alpha, q.L_f, q.d);
    const double want_h = std::min(q.alpha / (4 * q.L_f * q.L_f), q.alpha * q.eps / (16 * q.d * q.L_f * q.L_f));
    EXPECT_LE(rel_err(plan.h, want_h), kClosedFormRelTol);
    EXPECT_LE(plan.bound_at_k, q.eps * (1 + kBoundRelSlack));
    EXPECT_LE(th::vw_ula_bias(plan.h, q.alpha, q.L_f, q.d), 0.5 * q.eps * (1 + kClosedFormRelTol));
    if (plan.iterations > 0) {  // one iteration fewer leaves the decaying term above eps/2
      EXPECT_GT(std::exp(-q.alpha * plan.h * static_cast<double>(plan.iterations - 1)) * q.kl0, 0.5 * q.eps);
    } else {
      EXPECT_LE(q.kl0, 0.5 * q.eps);
    }
    EXPECT_EQ(th::vw_ula_gradient_evaluations(q.eps, q.kl0, q.alpha, q.L_f, q.d, 1000),
              1000.0 * static_cast<double>(plan.iterations));
  }
  // End to end on U = a||x||²/2: eta = h/lambda, exact KL after k iterations <= eps.
  for (double lambda : {0.3, 1.0, 4.0}) {
    const int d = 4;
    const double a = 2.0, eps = 0.05;
    const OuMatrix p{a * Eigen::MatrixXd::Identity(d, d), lambda};
    const Gaussian pi = th::ou_stationary(p);
    const Gaussian start = Gaussian::isotropic(d, 4.0 * std::sqrt(lambda / a), 0.2 * lambda / a);
    const double kl0 = th::kl(start, pi);
    const auto plan = th::vw_ula_plan(eps, kl0, a / lambda, a / lambda, d);
    const double exact = th::kl(th::ula_law(start, static_cast<unsigned>(plan.iterations), plan.h / lambda, p), pi);
    EXPECT_LE(exact, eps) << "lambda=" << lambda << " k=" << plan.iterations;
  }
}

TEST(VwErrors, RefusesLargeStepsAndInvalidArguments) {
  // The message starts with the argument's name and quotes the limit.
  try {
    th::vw_ula_kl_bound(1.0, 3, 0.3, 0.4, 1.0, 2);
    ADD_FAILURE() << "h = 0.3 over the limit 0.1 was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("h: step 0.3 is over the limit alpha/(4 L_f^2) = 0.1;", 0), 0u) << msg;
  }
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::check_vw_step(0.1000001, 0.4, 1.0); }, "h:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_ula_bias(0.2, 0.4, 1.0, 1); }, "h:"));
  // Suite form: eta = 0.3, lambda = 1, L_U = 1, alpha = 1 -> limit eta <= 0.25.
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_ula_kl_bound_suite(1.0, 1, 0.3, 1.0, 1.0, 1.0, 1); },
                                             "eta: step eta lambda"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_ula_kl_bound(1.0, 1, 0.0, 0.4, 1.0, 1); }, "h:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_ula_kl_bound(1.0, 1, 0.01, 0.0, 1.0, 1); }, "alpha:"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [] { th::vw_ula_kl_bound(1.0, 1, 0.01, 0.4, std::numeric_limits<double>::quiet_NaN(), 1); }, "L_f:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_ula_kl_bound(1.0, 1, 0.01, 0.4, 1.0, 0); }, "d:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_ula_kl_bound(-1.0, 1, 0.01, 0.4, 1.0, 1); }, "kl0:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_step_from_suite(0.1, -1.0); }, "lambda:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_smoothness_from_suite(0.0, 1.0); }, "L_U:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_ula_plan(0.0, 1.0, 1.0, 1.0, 1); }, "eps:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::vw_ula_gradient_evaluations(0.1, 1.0, 1.0, 1.0, 1, 0); },
                                             "n:"));
}

}  // namespace
}  // namespace test_discretization
