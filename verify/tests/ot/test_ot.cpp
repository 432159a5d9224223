// Tests for verify/estimators/ot/: exact and entropic W2² (all values are SQUARED distances).
//
// What is checked against what:
//  - w2_squared_1d (quantile coupling) against hand-computed quantile integrals, against the
//    assignment solver on equal-size uniform samples, and against the network simplex on
//    unequal-size weighted samples (three independent exact methods must agree to rounding);
//  - solve_assignment / w2_squared_assignment and w2_squared_network_simplex against brute force
//    over all n! permutations (n <= 8; Birkhoff: a uniform OT problem has a permutation optimum),
//    and against each other; the network simplex on rational weights against the assignment
//    solver on the equivalent replicated uniform samples;
//  - dual certificates: u_i + v_j <= C_ij, equality on the solution, zero duality gap, exact
//    marginals — on random problems; and the checkers reject a deliberately non-optimal solution
//    (two swapped assignments; mass moved around a 4-cycle of the network-simplex coupling);
//  - shift invariance W2²(x, x + δ) = ||δ||² with the identity matching (exact identity:
//    Σ_i ||x_i - x_σ(i) - δ||² = Σ_i ||x_i - x_σ(i)||² + n||δ||², minimized by σ = id);
//  - two Gaussian samples (n = 2000, d = 2): W2² against the Bures closed form
//    theory::w2_squared within a CLT band plus a bias allowance (derivation at the test);
//  - Sinkhorn: against a naive dense log-domain Sinkhorn written here; as ε decreases <P_ε, C>
//    decreases monotonically to the exact W2² with 0 <= <P_ε, C> - W2² <= ε log min(n, m);
//    the Sinkhorn divergence of a sample with itself is exactly 0 and it is >= 0 on random pairs;
//    results are bitwise independent of the thread count; max_iterations = 3 reports
//    converged = false; the no-ε-scaling path agrees with the default path;
//  - invalid input: every error is std::invalid_argument whose message starts with the name of
//    the offending argument.
// Randomized tests use test_seed() (LDBENCH_TEST_SEED overrides it); the whole file runs in a few
// seconds in a release build.

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"
#include "verify/estimators/ot/assignment.hpp"
#include "verify/estimators/ot/common.hpp"
#include "verify/estimators/ot/network_simplex.hpp"
#include "verify/estimators/ot/sinkhorn.hpp"
#include "verify/estimators/ot/w2_1d.hpp"
#include "verify/tests/verify_test_support.hpp"

namespace {

namespace est = ldbench::verify::estimators;
namespace th = ldbench::theory;
using ldbench::verify::test::seed_msg;
using ldbench::verify::test::test_seed;

// Two exact solvers (or an exact solver and brute force) on the same problem: they may differ
// only by the rounding of sums of O(n) terms of size max C, relative 1e-12 is ~100x that.
constexpr double kExactRelTol = 1e-12;
// Dual certificates: potentials are built by O(n) additions of costs, so a violation of
// ~1e-16 · n · max C is rounding; 1e-11 relative to max C leaves two orders of margin.
constexpr double kCertificateRelTol = 1e-11;
// Marginals of the network-simplex coupling (the brief's primal feasibility threshold).
constexpr double kMarginalTol = 1e-12;
// A non-optimal solution must violate its certificate by far more than rounding: for continuous
// random data the reduced cost of a non-optimal cell is O(max C / n²) > 1e-6 max C here.
constexpr double kRejectRelMin = 1e-6;
// Sinkhorn stopping tolerance used in the comparisons, and the resulting agreement of values:
// two plans whose marginals are within 1e-12 (L1) have costs within ~max C · 1e-12.
constexpr double kSinkhornTightTol = 1e-12;
constexpr double kSinkhornValueTol = 1e-9;
// Statistical band of the Gaussian test, in standard errors of the CLT.
constexpr double kGaussianSigmas = 4.0;

Eigen::MatrixXd gaussian_cloud(std::mt19937_64& rng, long d, long n, const Eigen::VectorXd& mean,
                               const Eigen::VectorXd& sd) {
  std::normal_distribution<double> z;
  Eigen::MatrixXd x(d, n);
  for (long i = 0; i < n; ++i)
    for (long k = 0; k < d; ++k) x(k, i) = mean[k] + sd[k] * z(rng);
  return x;
}

Eigen::MatrixXd uniform_cloud(std::mt19937_64& rng, long d, long n) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Eigen::MatrixXd x(d, n);
  for (long i = 0; i < n; ++i)
    for (long k = 0; k < d; ++k) x(k, i) = u(rng);
  return x;
}

Eigen::VectorXd random_weights(std::mt19937_64& rng, long n) {
  std::uniform_real_distribution<double> u(0.05, 1.0);
  Eigen::VectorXd w(n);
  for (long i = 0; i < n; ++i) w[i] = u(rng);
  return w / w.sum();
}

// min over all permutations of Σ_i C(i, σ(i)), summed in row order like the solvers.
double brute_force_assignment(const Eigen::MatrixXd& c) {
  const long n = c.rows();
  std::vector<long> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 0L);
  double best = std::numeric_limits<double>::infinity();
  do {
    double s = 0.0;
    for (long i = 0; i < n; ++i) s += c(i, p[static_cast<std::size_t>(i)]);
    best = std::min(best, s);
  } while (std::next_permutation(p.begin(), p.end()));
  return best;
}

std::string sci(double v) {
  std::ostringstream os;
  os.precision(3);
  os << std::scientific << v;
  return os.str();
}

// Passes iff f() throws std::invalid_argument whose message starts with "<name>:".
template <class F>
::testing::AssertionResult throws_naming(F&& f, const std::string& name) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    if (msg.rfind(name + ":", 0) == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "message '" << msg << "' does not start with '" << name << ":'";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a different exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw (expected std::invalid_argument naming '" << name << "')";
}

// ------------------------------------------------------------------------------------------ 1-D

TEST(W2OneDim, HandComputedQuantileIntegrals) {
  // x = {0, 1, 3} with a = (.2, .5, .3), y = {1, 2} with b = (.6, .4): on (0,.2] |0-1|², (.2,.6]
  // |1-1|², (.6,.7] |1-2|², (.7,1] |3-2|² -> .2 + 0 + .1 + .3 = .6.
  Eigen::MatrixXd x(1, 3), y(1, 2);
  x << 3, 0, 1;  // unsorted on purpose
  y << 2, 1;
  Eigen::VectorXd a(3), b(2);
  a << 0.3, 0.2, 0.5;
  b << 0.4, 0.6;
  EXPECT_NEAR(est::w2_squared_1d(x, y, a, b).value, 0.6, 1e-15);
  // A point mass against a two-point law: W2² = Σ b_j (y_j - x)² = .25·0 + .75·4 = 3.
  Eigen::MatrixXd p(1, 1), q(1, 2);
  p << 0;
  q << 0, 2;
  Eigen::VectorXd w1(1), w2(2);
  w1 << 1;
  w2 << 0.25, 0.75;
  EXPECT_NEAR(est::w2_squared_1d(p, q, w1, w2).value, 3.0, 1e-15);
  // Zero-weight atoms do not count, however far away.
  Eigen::MatrixXd r(1, 3);
  r << 0, 1e6, 2;
  Eigen::VectorXd w3(3);
  w3 << 0.25, 0.0, 0.75;
  EXPECT_NEAR(est::w2_squared_1d(p, r, w1, w3).value, 3.0, 1e-15);
  // Identical samples: exactly zero.
  EXPECT_EQ(est::w2_squared_1d(q, q).value, 0.0);
}

TEST(W2OneDim, MatchesAssignmentOnEqualUniformSamples) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed);
  double worst = 0.0;
  for (long n : {1L, 2L, 7L, 50L, 300L}) {
    const Eigen::MatrixXd x = gaussian_cloud(rng, 1, n, Eigen::VectorXd::Zero(1), Eigen::VectorXd::Ones(1));
    Eigen::MatrixXd y = uniform_cloud(rng, 1, n);
    y = (3.0 * y.array().cube() + 0.5).matrix();  // a skewed law
    const double v1 = est::w2_squared_1d(x, y).value;
    const double v2 = est::w2_squared_assignment(x, y).w2_squared.value;
    worst = std::max(worst, std::abs(v1 - v2) / std::max(v2, 1e-300));
    EXPECT_NEAR(v1, v2, kExactRelTol * v2) << "n = " << n << ", " << seed_msg(seed);
  }
  RecordProperty("worst_rel_err_1d_vs_assignment", sci(worst));
}

TEST(W2OneDim, MatchesNetworkSimplexOnWeightedUnequalSamples) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 1);
  for (const auto& [n, m] : std::vector<std::pair<long, long>>{{1, 5}, {13, 7}, {60, 41}}) {
    const Eigen::MatrixXd x = uniform_cloud(rng, 1, n), y = 2.0 * uniform_cloud(rng, 1, m);
    const Eigen::VectorXd a = random_weights(rng, n), b = random_weights(rng, m);
    const double v1 = est::w2_squared_1d(x, y, a, b).value;
    const est::ExactOtResult ns = est::w2_squared_network_simplex(x, y, a, b);
    ASSERT_TRUE(ns.w2_squared.diagnostics.converged);
    EXPECT_NEAR(v1, ns.w2_squared.value, kExactRelTol * std::max(v1, 1.0)) << n << " x " << m << ", " << seed_msg(seed);
  }
}

// ------------------------------------------------------------------------- exact vs brute force

TEST(ExactSolvers, AssignmentAndNetworkSimplexMatchBruteForce) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 2);
  double worst_assign = 0.0, worst_ns = 0.0;
  for (long n = 1; n <= 8; ++n)
    for (int rep = 0; rep < 3; ++rep) {
      const Eigen::MatrixXd x = uniform_cloud(rng, 3, n), y = gaussian_cloud(rng, 3, n, Eigen::VectorXd::Zero(3),
                                                                                Eigen::VectorXd::Ones(3));
      const Eigen::MatrixXd c = est::squared_euclidean_cost(x, y);
      const double brute = brute_force_assignment(c) / static_cast<double>(n);
      const double va = est::w2_squared_assignment(x, y).w2_squared.value;
      const est::ExactOtResult ns = est::w2_squared_network_simplex(x, y);
      ASSERT_TRUE(ns.w2_squared.diagnostics.converged);
      const double tol = kExactRelTol * c.maxCoeff();
      EXPECT_NEAR(va, brute, tol) << "n = " << n << ", " << seed_msg(seed);
      EXPECT_NEAR(ns.w2_squared.value, brute, tol) << "n = " << n << ", " << seed_msg(seed);
      EXPECT_NEAR(ns.w2_squared.value, va, tol) << "n = " << n << ", " << seed_msg(seed);
      worst_assign = std::max(worst_assign, std::abs(va - brute));
      worst_ns = std::max(worst_ns, std::abs(ns.w2_squared.value - brute));
    }
  RecordProperty("worst_abs_err_assignment_vs_brute", sci(worst_assign));
  RecordProperty("worst_abs_err_network_simplex_vs_brute", sci(worst_ns));
}

TEST(ExactSolvers, GeneralCostAssignmentWithNegativeEntriesMatchesBruteForce) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 3);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (long n = 1; n <= 8; ++n) {
    Eigen::MatrixXd c(n, n);
    for (long i = 0; i < n; ++i)
      for (long j = 0; j < n; ++j) c(i, j) = u(rng);
    const est::AssignmentSolution s = est::solve_assignment(c);
    EXPECT_NEAR(s.total_cost, brute_force_assignment(c), kExactRelTol * n) << "n = " << n << ", " << seed_msg(seed);
    EXPECT_LE(est::assignment_certificate_violation(c, s.assignment, s.u, s.v), kCertificateRelTol);
    // The same cost through the network simplex (transport with uniform marginals).
    const Eigen::VectorXd w = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
    const est::ExactOtResult ns = est::solve_transport(c, w, w);
    EXPECT_NEAR(ns.w2_squared.value, s.total_cost / static_cast<double>(n), kExactRelTol) << seed_msg(seed);
  }
}

TEST(ExactSolvers, NetworkSimplexOnRationalWeightsMatchesReplicatedAssignment) {
  // μ = Σ_i (k_i/N) δ_{x_i} is the uniform measure on N points with x_i repeated k_i times.
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 4);
  std::uniform_int_distribution<int> mult(1, 4);
  const long n = 9, m = 6;
  const Eigen::MatrixXd x = uniform_cloud(rng, 2, n), y = uniform_cloud(rng, 2, m);
  std::vector<int> kx(n), ky(m);
  int total_x = 0, total_y = 0;
  for (auto& k : kx) total_x += (k = mult(rng));
  for (auto& k : ky) total_y += (k = mult(rng));
  // Pad the smaller side's last atom so both replicate to the same N.
  const int big = std::max(total_x, total_y);
  kx.back() += big - total_x;
  ky.back() += big - total_y;
  Eigen::VectorXd a(n), b(m);
  Eigen::MatrixXd xr(2, big), yr(2, big);
  for (long i = 0, c = 0; i < n; ++i) {
    a[i] = kx[static_cast<std::size_t>(i)] / static_cast<double>(big);
    for (int r = 0; r < kx[static_cast<std::size_t>(i)]; ++r) xr.col(c++) = x.col(i);
  }
  for (long j = 0, c = 0; j < m; ++j) {
    b[j] = ky[static_cast<std::size_t>(j)] / static_cast<double>(big);
    for (int r = 0; r < ky[static_cast<std::size_t>(j)]; ++r) yr.col(c++) = y.col(j);
  }
  const double ns = est::w2_squared_network_simplex(x, y, a, b).w2_squared.value;
  const double as = est::w2_squared_assignment(xr, yr).w2_squared.value;
  EXPECT_NEAR(ns, as, kExactRelTol * std::max(as, 1.0)) << seed_msg(seed);
}

// ------------------------------------------------------------------------------- certificates

TEST(Certificates, AssignmentCertificateValidAndSwapRejected) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 5);
  double worst = 0.0, least_bad = std::numeric_limits<double>::infinity();
  for (long n : {2L, 10L, 60L, 250L}) {
    const Eigen::MatrixXd x = gaussian_cloud(rng, 2, n, Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(2));
    const Eigen::MatrixXd y = uniform_cloud(rng, 2, n) * 2.0;
    const Eigen::MatrixXd c = est::squared_euclidean_cost(x, y);
    const est::AssignmentResult r = est::w2_squared_assignment(x, y);
    const double scale = c.maxCoeff();
    const double viol = est::assignment_certificate_violation(c, r.assignment, r.u, r.v);
    EXPECT_LE(viol, kCertificateRelTol * scale) << "n = " << n << ", " << seed_msg(seed);
    // Zero duality gap: Σ u + Σ v = Σ C_iσ(i) = n W2².
    EXPECT_NEAR(r.u.sum() + r.v.sum(), n * r.w2_squared.value, kCertificateRelTol * scale * n);
    // Negative test: swap the partners of two rows; the same duals must now fail.
    std::vector<long> swapped = r.assignment;
    std::swap(swapped[0], swapped[static_cast<std::size_t>(n - 1)]);
    const double bad = est::assignment_certificate_violation(c, swapped, r.u, r.v);
    EXPECT_GT(bad, kRejectRelMin * scale) << "n = " << n << ", " << seed_msg(seed);
    worst = std::max(worst, viol / scale);
    least_bad = std::min(least_bad, bad / scale);
  }
  RecordProperty("worst_rel_assignment_certificate_violation", sci(worst));
  RecordProperty("smallest_rel_violation_of_swapped_assignment", sci(least_bad));
}

TEST(Certificates, NetworkSimplexCertificateValidAndPerturbedCouplingRejected) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 6);
  double worst_marg = 0.0, worst_dual = 0.0, worst_slack = 0.0;
  for (const auto& [n, m] : std::vector<std::pair<long, long>>{{1, 1}, {1, 4}, {5, 3}, {40, 30}, {120, 90}}) {
    const Eigen::MatrixXd x = gaussian_cloud(rng, 3, n, Eigen::VectorXd::Zero(3), Eigen::VectorXd::Ones(3));
    const Eigen::MatrixXd y = uniform_cloud(rng, 3, m);
    Eigen::VectorXd a = random_weights(rng, n), b = random_weights(rng, m);
    if (n > 4) {  // zero-weight atoms are removed before solving; the certificate still covers them
      a[2] = 0.0;
      a /= a.sum();
    }
    const Eigen::MatrixXd c = est::squared_euclidean_cost(x, y);
    const est::ExactOtResult r = est::w2_squared_network_simplex(x, y, a, b);
    ASSERT_TRUE(r.w2_squared.diagnostics.converged);
    const est::CouplingCertificate cert = est::coupling_certificate(c, a, b, r.coupling, r.u, r.v);
    const double scale = c.maxCoeff();
    EXPECT_LE(cert.marginal, kMarginalTol) << n << " x " << m << ", " << seed_msg(seed);
    EXPECT_LE(cert.dual, kCertificateRelTol * scale) << n << " x " << m << ", " << seed_msg(seed);
    EXPECT_LE(cert.slackness, kCertificateRelTol * scale) << n << " x " << m << ", " << seed_msg(seed);
    EXPECT_NEAR(cert.primal_cost, cert.dual_cost, kCertificateRelTol * scale);
    EXPECT_NEAR(cert.primal_cost, r.w2_squared.value, kExactRelTol * scale);
    EXPECT_LE(static_cast<long>(r.coupling.size()), n + m - 1);  // a basic (vertex) solution
    worst_marg = std::max(worst_marg, cert.marginal);
    worst_dual = std::max(worst_dual, cert.dual / scale);
    worst_slack = std::max(worst_slack, cert.slackness / scale);
    RecordProperty("worst_network_simplex_marginal", sci(worst_marg));
    RecordProperty("worst_rel_network_simplex_dual_violation", sci(worst_dual));
    RecordProperty("worst_rel_network_simplex_slackness", sci(worst_slack));

    // Negative test: move mass around a 4-cycle (i1,j1) (i2,j2) -> (i1,j2) (i2,j1). Marginals are
    // unchanged, so only complementary slackness can (and must) reject it.
    std::size_t p = 0, q = 0;
    bool found = false;
    for (p = 0; p < r.coupling.size() && !found; ++p)
      for (q = p + 1; q < r.coupling.size(); ++q)
        if (r.coupling[p].i != r.coupling[q].i && r.coupling[p].j != r.coupling[q].j) {
          found = true;
          break;
        }
    if (!found) continue;  // too small for a 4-cycle (e.g. 1 x m)
    --p;
    std::vector<est::CouplingEntry> moved = r.coupling;
    const double delta = 0.5 * std::min(moved[p].mass, moved[q].mass);
    moved[p].mass -= delta;
    moved[q].mass -= delta;
    moved.push_back({moved[p].i, moved[q].j, delta});
    moved.push_back({moved[q].i, moved[p].j, delta});
    const est::CouplingCertificate bad = est::coupling_certificate(c, a, b, moved, r.u, r.v);
    EXPECT_LE(bad.marginal, kMarginalTol);
    EXPECT_GT(bad.slackness, kRejectRelMin * scale) << n << " x " << m << ", " << seed_msg(seed);
    EXPECT_GT(bad.primal_cost, cert.primal_cost);
  }
}

TEST(Certificates, CheckerRejectsMalformedInput) {
  Eigen::MatrixXd c = Eigen::MatrixXd::Ones(3, 3);
  const Eigen::VectorXd z = Eigen::VectorXd::Zero(3);
  EXPECT_TRUE(throws_naming([&] { est::assignment_certificate_violation(c, {0, 0, 1}, z, z); }, "assignment"));
  EXPECT_TRUE(throws_naming([&] { est::assignment_certificate_violation(c, {0, 1}, z, z); }, "assignment"));
  EXPECT_TRUE(throws_naming([&] { est::assignment_certificate_violation(c, {0, 1, 2}, Eigen::VectorXd::Zero(2), z); }, "u"));
  const Eigen::VectorXd w = Eigen::VectorXd::Constant(3, 1.0 / 3.0);
  EXPECT_TRUE(throws_naming([&] { est::coupling_certificate(c, w, w, {{0, 5, 0.1}}, z, z); }, "coupling"));
  EXPECT_TRUE(throws_naming([&] { est::coupling_certificate(c, w, w, {{0, 1, -0.1}}, z, z); }, "coupling"));
}

// --------------------------------------------------------------------------- shift invariance

TEST(ExactSolvers, ShiftInvarianceIsExactForAssignment) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 7);
  for (long d : {1L, 2L, 5L}) {
    const long n = 150;
    const Eigen::MatrixXd x = gaussian_cloud(rng, d, n, Eigen::VectorXd::Zero(d), Eigen::VectorXd::Ones(d));
    Eigen::VectorXd delta(d);
    for (long k = 0; k < d; ++k) delta[k] = 0.3 * static_cast<double>(k + 1) - 0.5;
    const Eigen::MatrixXd y = x.colwise() + delta;
    const est::AssignmentResult r = est::w2_squared_assignment(x, y);
    for (long i = 0; i < n; ++i) ASSERT_EQ(r.assignment[static_cast<std::size_t>(i)], i) << "d = " << d;
    EXPECT_NEAR(r.w2_squared.value, delta.squaredNorm(), kExactRelTol * delta.squaredNorm()) << "d = " << d;
  }
}

// ---------------------------------------------------------------------- Gaussians vs Bures

TEST(ExactSolvers, GaussianSamplesApproachBuresDistance) {
  // μ = N(0, I), ν = N(0, S²) with S = diag(1.5, 0.5): W2² = Σ (1 - s_k)² = 0.5 (Bures).
  // CLT for the empirical cost (del Barrio & Loubes, Ann. Probab. 47(2), 2019): with two
  // independent samples of size n, √n (Ŵ - E Ŵ) → N(0, Var φ(X) + Var ψ(Y)), φ, ψ the optimal
  // Kantorovich potentials for ||x - y||². Here T(x) = S x, φ(x) = xᵀ(I - S)x, and with Y = S Z,
  // ψ(Y) = Zᵀ(S² - S)Z; for Z ~ N(0, I), Var(ZᵀDZ) = 2 Σ D_kk², so
  //   σ² = 2[(1-1.5)² + (1-0.5)²] + 2[(2.25-1.5)² + (0.25-0.5)²] = 1.0 + 1.25 = 2.25.
  // The bias E Ŵ - W2² is O(log n / n) in d = 2 (Ajtai–Komlós–Tusnády rate of the one-sample
  // W2², which bounds the second-order term); over seeds 1..8 it is about +0.03 ≈ 8 log(n)/n
  // here, so we allow 20 log(n)/n. Band: 4σ/√n + 20 log(n)/n = 0.134 + 0.076 (42% of W2²:
  // a sanity check of the solver on real data, not a precision test — those are above).
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 8);
  const long n = 2000;
  Eigen::VectorXd s(2);
  s << 1.5, 0.5;
  const Eigen::MatrixXd x = gaussian_cloud(rng, 2, n, Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(2));
  const Eigen::MatrixXd y = gaussian_cloud(rng, 2, n, Eigen::VectorXd::Zero(2), s);
  const th::Gaussian p{Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2)};
  const th::Gaussian q{Eigen::VectorXd::Zero(2), Eigen::MatrixXd(s.array().square().matrix().asDiagonal())};
  const double exact = th::w2_squared(p, q);
  ASSERT_NEAR(exact, 0.5, 1e-12);
  const double sigma = std::sqrt(2.25);
  const double band = kGaussianSigmas * sigma / std::sqrt(static_cast<double>(n)) +
                      20.0 * std::log(static_cast<double>(n)) / static_cast<double>(n);
  const est::AssignmentResult r = est::w2_squared_assignment(x, y);
  EXPECT_NEAR(r.w2_squared.value, exact, band) << seed_msg(seed);
  RecordProperty("gaussian_w2sq_estimate", sci(r.w2_squared.value));
  RecordProperty("gaussian_w2sq_bures", sci(exact));
  RecordProperty("gaussian_band", sci(band));
}

// -------------------------------------------------------------------------------- Sinkhorn

// Plain log-domain Sinkhorn on a dense cost (no scaling, no acceleration): the reference.
struct NaiveSinkhorn {
  double cost = 0.0, objective = 0.0;
};
NaiveSinkhorn naive_sinkhorn(const Eigen::MatrixXd& c, const Eigen::VectorXd& a, const Eigen::VectorXd& b, double eps) {
  const long n = c.rows(), m = c.cols();
  Eigen::VectorXd f = Eigen::VectorXd::Zero(n), g = Eigen::VectorXd::Zero(m);
  const auto lse = [](const Eigen::ArrayXd& z) {
    const double mx = z.maxCoeff();
    return mx + std::log((z - mx).exp().sum());
  };
  for (int it = 0; it < 200000; ++it) {
    for (long j = 0; j < m; ++j) g[j] = -eps * lse(a.array().log() + (f.array() - c.col(j).array()) / eps);
    double err = 0.0;
    for (long i = 0; i < n; ++i) {
      const double fi = -eps * lse(b.array().log() + (g.array() - c.row(i).transpose().array()) / eps);
      err += a[i] * std::abs(std::exp((f[i] - fi) / eps) - 1.0);
      f[i] = fi;
    }
    if (err < 1e-14) break;
  }
  NaiveSinkhorn out;
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < m; ++j) {
      const double p = a[i] * b[j] * std::exp((f[i] + g[j] - c(i, j)) / eps);
      out.cost += p * c(i, j);
      out.objective += p * (f[i] + g[j]);
    }
  return out;
}

TEST(Sinkhorn, MatchesNaiveLogDomainReference) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 9);
  const long n = 40, m = 27;
  const Eigen::MatrixXd x = uniform_cloud(rng, 2, n), y = gaussian_cloud(rng, 2, m, Eigen::VectorXd::Ones(2) * 0.3,
                                                                           Eigen::VectorXd::Ones(2) * 0.7);
  const Eigen::VectorXd a = random_weights(rng, n), b = random_weights(rng, m);
  const Eigen::MatrixXd c = est::squared_euclidean_cost(x, y);
  est::SinkhornOptions opt;
  opt.tol = kSinkhornTightTol;
  double worst = 0.0;
  for (double eps : {1.0, 0.1, 0.03}) {
    const NaiveSinkhorn ref = naive_sinkhorn(c, a, b, eps);
    const est::SinkhornResult r = est::sinkhorn_w2_squared(x, y, a, b, eps, opt);
    ASSERT_TRUE(r.transport_cost.diagnostics.converged) << "eps = " << eps;
    EXPECT_LE(r.marginal_violation, kSinkhornTightTol);
    EXPECT_NEAR(r.transport_cost.value, ref.cost, kSinkhornValueTol) << "eps = " << eps << ", " << seed_msg(seed);
    EXPECT_NEAR(r.objective, ref.objective, kSinkhornValueTol) << "eps = " << eps << ", " << seed_msg(seed);
    EXPECT_NEAR(r.objective, r.dual_objective, kSinkhornValueTol) << "eps = " << eps;
    worst = std::max({worst, std::abs(r.transport_cost.value - ref.cost), std::abs(r.objective - ref.objective)});
    RecordProperty("worst_abs_err_sinkhorn_vs_naive", sci(worst));
    EXPECT_GE(r.objective, r.transport_cost.value - kSinkhornValueTol);  // eps KL >= 0
    // The potentials reproduce the plan's row marginal: Σ_j b_j exp((f_i + g_j - C_ij)/eps) = 1.
    double worst = 0.0;
    for (long i = 0; i < n; ++i) {
      double s = 0.0;
      for (long j = 0; j < m; ++j) s += b[j] * std::exp((r.f[i] + r.g[j] - c(i, j)) / eps);
      worst = std::max(worst, std::abs(s - 1.0));
    }
    EXPECT_LE(worst, 1e-9) << "eps = " << eps;
  }
}

TEST(Sinkhorn, CostDecreasesMonotonicallyToExactOt) {
  // <P_eps, C> is nondecreasing in eps (compare the optimality of P_e1 and P_e2 at both eps), and
  // 0 <= <P_eps, C> - W2² <= eps (KL(P*||a⊗b) - KL(P_eps||a⊗b)) <= eps log min(n, m).
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 10);
  const long n = 60, m = 45;
  const Eigen::MatrixXd x = gaussian_cloud(rng, 2, n, Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(2));
  const Eigen::MatrixXd y = uniform_cloud(rng, 2, m) * 1.5;
  const double exact = est::w2_squared_network_simplex(x, y).w2_squared.value;
  est::SinkhornOptions opt;
  opt.tol = kSinkhornTightTol;
  double prev_cost = std::numeric_limits<double>::infinity(), prev_obj = prev_cost;
  for (double eps : {2.0, 1.0, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01}) {
    const est::SinkhornResult r = est::sinkhorn_w2_squared(x, y, eps, opt);
    ASSERT_TRUE(r.transport_cost.diagnostics.converged) << "eps = " << eps;
    EXPECT_LE(r.transport_cost.value, prev_cost + kSinkhornValueTol) << "eps = " << eps << ", " << seed_msg(seed);
    EXPECT_LE(r.objective, prev_obj + kSinkhornValueTol) << "eps = " << eps;
    EXPECT_GE(r.transport_cost.value, exact - kSinkhornValueTol) << "eps = " << eps;
    EXPECT_LE(r.transport_cost.value - exact, eps * std::log(static_cast<double>(std::min(n, m))) + kSinkhornValueTol)
        << "eps = " << eps;
    prev_cost = r.transport_cost.value;
    prev_obj = r.objective;
  }
  EXPECT_LT(prev_cost - exact, 0.01 * exact) << "eps = 0.01 should be within 1% of the exact W2²";
  RecordProperty("sinkhorn_gap_at_eps_0.01", sci(prev_cost - exact));
}

TEST(Sinkhorn, DivergenceOfSampleWithItselfIsZeroAndNonnegativeOtherwise) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 11);
  const Eigen::MatrixXd x = gaussian_cloud(rng, 2, 80, Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(2));
  const est::SinkhornDivergenceResult self = est::sinkhorn_divergence_w2_squared(x, x, 0.1);
  EXPECT_EQ(self.divergence.value, 0.0);  // identical computations for OT(a,b), OT(a,a), OT(b,b)
  EXPECT_EQ(self.divergence_linear, 0.0);
  EXPECT_TRUE(self.divergence.diagnostics.converged);
  for (int rep = 0; rep < 3; ++rep) {
    const Eigen::MatrixXd y =
        gaussian_cloud(rng, 2, 70, Eigen::VectorXd::Constant(2, 0.2 * rep), Eigen::VectorXd::Constant(2, 1.0 + 0.2 * rep));
    for (double eps : {1.0, 0.1, 0.02}) {
      const est::SinkhornDivergenceResult s = est::sinkhorn_divergence_w2_squared(x, y, eps);
      ASSERT_TRUE(s.divergence.diagnostics.converged);
      EXPECT_GE(s.divergence.value, -kSinkhornValueTol) << "rep " << rep << " eps " << eps << ", " << seed_msg(seed);
      EXPECT_LE(s.divergence.value, s.xy.objective);  // OT(a,a), OT(b,b) >= 0 here
    }
  }
}

TEST(Sinkhorn, ResultIsIndependentOfThreadCount) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 12);
  // 641 x 479 > 2^18 kernel entries: large enough for the solver to use the threads it is given.
  const Eigen::MatrixXd x = uniform_cloud(rng, 2, 641), y = uniform_cloud(rng, 2, 479);
  est::SinkhornOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const est::SinkhornResult r1 = est::sinkhorn_w2_squared(x, y, 0.2, one);
  const est::SinkhornResult r2 = est::sinkhorn_w2_squared(x, y, 0.2, two);
  EXPECT_EQ(r1.transport_cost.value, r2.transport_cost.value);
  EXPECT_EQ(r1.objective, r2.objective);
  EXPECT_EQ(r1.transport_cost.diagnostics.iterations, r2.transport_cost.diagnostics.iterations);
  EXPECT_TRUE((r1.f.array() == r2.f.array()).all());
}

TEST(Sinkhorn, WithoutEpsScalingAgreesWithDefault) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 13);
  const Eigen::MatrixXd x = uniform_cloud(rng, 3, 50), y = uniform_cloud(rng, 3, 35) * 2.0;
  est::SinkhornOptions with, without;
  with.tol = without.tol = kSinkhornTightTol;
  without.eps_scaling = false;
  const est::SinkhornResult r1 = est::sinkhorn_w2_squared(x, y, 0.05, with);
  const est::SinkhornResult r2 = est::sinkhorn_w2_squared(x, y, 0.05, without);
  ASSERT_TRUE(r1.transport_cost.diagnostics.converged);
  ASSERT_TRUE(r2.transport_cost.diagnostics.converged);
  EXPECT_NEAR(r1.transport_cost.value, r2.transport_cost.value, kSinkhornValueTol);
  EXPECT_NEAR(r1.objective, r2.objective, kSinkhornValueTol);
}

TEST(Sinkhorn, IterationCapReportsNonConvergence) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 14);
  const Eigen::MatrixXd x = uniform_cloud(rng, 2, 60), y = uniform_cloud(rng, 2, 60) + Eigen::MatrixXd::Constant(2, 60, 0.5);
  est::SinkhornOptions opt;
  opt.max_iterations = 3;
  const est::SinkhornResult r = est::sinkhorn_w2_squared(x, y, 0.01, opt);
  EXPECT_FALSE(r.transport_cost.diagnostics.converged);
  EXPECT_LE(r.transport_cost.diagnostics.iterations, 3);
  EXPECT_FALSE(r.transport_cost.diagnostics.warnings.empty());
  EXPECT_TRUE(std::isfinite(r.transport_cost.value));
  EXPECT_GT(r.marginal_violation, opt.tol);
  // The divergence inherits it.
  const est::SinkhornDivergenceResult s = est::sinkhorn_divergence_w2_squared(x, y, 0.01, opt);
  EXPECT_FALSE(s.divergence.diagnostics.converged);
  // And the network simplex reports its own cap the same way.
  est::NetworkSimplexOptions nso;
  nso.max_iterations = 1;
  const est::ExactOtResult ns = est::w2_squared_network_simplex(x, y, nso);
  EXPECT_FALSE(ns.w2_squared.diagnostics.converged);
  EXPECT_FALSE(ns.w2_squared.diagnostics.warnings.empty());
}

TEST(Sinkhorn, SmallEpsApproachesNetworkSimplexOnWeightedUnequalSamples) {
  const auto seed = test_seed();
  std::mt19937_64 rng(seed + 15);
  const long n = 70, m = 33;
  const Eigen::MatrixXd x = uniform_cloud(rng, 2, n), y = gaussian_cloud(rng, 2, m, Eigen::VectorXd::Zero(2),
                                                                           Eigen::VectorXd::Constant(2, 0.5));
  const Eigen::VectorXd a = random_weights(rng, n), b = random_weights(rng, m);
  const double exact = est::w2_squared_network_simplex(x, y, a, b).w2_squared.value;
  const double eps = 0.005;
  const est::SinkhornResult r = est::sinkhorn_w2_squared(x, y, a, b, eps);
  ASSERT_TRUE(r.transport_cost.diagnostics.converged);
  EXPECT_GE(r.transport_cost.value, exact - 1e-7);
  // KL(P*||a⊗b) <= min(H(a), H(b)) <= log min(n, m).
  EXPECT_LE(r.transport_cost.value - exact, eps * std::log(static_cast<double>(std::min(n, m))));
}

// ------------------------------------------------------------------------------- bad input

TEST(OtInputErrors, MessagesStartWithTheArgumentName) {
  const Eigen::MatrixXd x2 = Eigen::MatrixXd::Random(2, 4), y2 = Eigen::MatrixXd::Random(2, 4);
  const Eigen::MatrixXd y3 = Eigen::MatrixXd::Random(3, 4), y25 = Eigen::MatrixXd::Random(2, 5);
  const Eigen::MatrixXd empty(2, 0);
  Eigen::MatrixXd xnan = x2;
  xnan(1, 2) = std::numeric_limits<double>::quiet_NaN();
  Eigen::MatrixXd yinf = y2;
  yinf(0, 0) = std::numeric_limits<double>::infinity();
  const Eigen::VectorXd w4 = Eigen::VectorXd::Constant(4, 0.25);
  Eigen::VectorXd neg = w4;
  neg[0] = -0.25;
  neg[1] = 0.75;
  const Eigen::VectorXd sum2 = Eigen::VectorXd::Constant(4, 0.5);
  const Eigen::VectorXd w3 = Eigen::VectorXd::Constant(3, 1.0 / 3.0);

  // The dimension message is exactly the documented one.
  try {
    est::w2_squared_assignment(x2, y3);
    ADD_FAILURE() << "no throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "y: dimension 3 does not match x's 2");
  }

  // 1-D
  const Eigen::MatrixXd x1 = Eigen::MatrixXd::Random(1, 4), y1 = Eigen::MatrixXd::Random(1, 4);
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_1d(x2, y1); }, "x"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_1d(x1, Eigen::MatrixXd(1, 0)); }, "y"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_1d(xnan.bottomRows(1), y1); }, "x"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_1d(x1, y1, neg, w4); }, "a"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_1d(x1, y1, w4, sum2); }, "b"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_1d(x1, y1, w3, w4); }, "a"));
  // assignment
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_assignment(x2, y25); }, "y"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_assignment(empty, y2); }, "x"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_assignment(xnan, y2); }, "x"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_assignment(x2, yinf); }, "y"));
  EXPECT_TRUE(throws_naming([&] { est::solve_assignment(Eigen::MatrixXd::Ones(2, 3)); }, "cost"));
  EXPECT_TRUE(throws_naming([&] { est::solve_assignment(Eigen::MatrixXd::Constant(2, 2, NAN)); }, "cost"));
  // network simplex
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_network_simplex(x2, y3); }, "y"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_network_simplex(x2, y2, w3, w4); }, "a"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_network_simplex(x2, y2, w4, neg); }, "b"));
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_network_simplex(x2, yinf, w4, w4); }, "y"));
  est::NetworkSimplexOptions bad_ns;
  bad_ns.max_iterations = 0;
  EXPECT_TRUE(throws_naming([&] { est::w2_squared_network_simplex(x2, y2, bad_ns); }, "options"));
  EXPECT_TRUE(throws_naming([&] { est::solve_transport(Eigen::MatrixXd::Ones(4, 4), w4, sum2); }, "b"));
  // sinkhorn
  EXPECT_TRUE(throws_naming([&] { est::sinkhorn_w2_squared(x2, y2, 0.0); }, "eps"));
  EXPECT_TRUE(throws_naming([&] { est::sinkhorn_w2_squared(x2, y2, NAN); }, "eps"));
  EXPECT_TRUE(throws_naming([&] { est::sinkhorn_w2_squared(xnan, y2, 0.1); }, "x"));
  EXPECT_TRUE(throws_naming([&] { est::sinkhorn_w2_squared(x2, y3, 0.1); }, "y"));
  EXPECT_TRUE(throws_naming([&] { est::sinkhorn_w2_squared(x2, y2, w4, sum2, 0.1); }, "b"));
  est::SinkhornOptions bad_tol;
  bad_tol.tol = -1.0;
  EXPECT_TRUE(throws_naming([&] { est::sinkhorn_w2_squared(x2, y2, 0.1, bad_tol); }, "options"));
  est::SinkhornOptions bad_iter;
  bad_iter.max_iterations = 0;
  EXPECT_TRUE(throws_naming([&] { est::sinkhorn_divergence_w2_squared(x2, y2, 0.1, bad_iter); }, "options"));
  EXPECT_TRUE(throws_naming([&] { est::sinkhorn_divergence_w2_squared(x2, empty, 0.1); }, "y"));
  // cost matrix helper
  EXPECT_TRUE(throws_naming([&] { est::squared_euclidean_cost(x2, y3); }, "y"));
}

}  // namespace
