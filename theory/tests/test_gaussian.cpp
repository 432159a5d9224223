// Tests for theory/gaussian.hpp: closed forms of KL, relative Fisher information, negative
// entropy, W2² and the log-density of multivariate Gaussians (DESIGN.md §2, §3 item 2).
//
// Strategy (Boost.Math style): in d = 1 every closed form is compared with a quadrature of its
// defining integral; in d >= 2 with random SPD covariances (fixed seed) against identities that
// do not share code with the implementation: exact Gauss–Hermite cubature of the defining
// expectations (the integrands are quadratic polynomials), invariance under affine maps,
// additivity over independent blocks, explicit W2 formulas (shifts, commuting covariances, the
// 2x2 trace-of-square-root formula), and the Gaussian log-Sobolev inequality.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <array>
#include <cmath>
#include <numbers>
#include <random>
#include <string>

#include "theory/gaussian.hpp"
#include "theory/lsi.hpp"
#include "theory/tests/test_support.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_gaussian {
namespace {

using ldbench::theory::Gaussian;
using namespace ldbench::theory::test;
namespace th = ldbench::theory;

// Relative error allowed between a closed form and a sinh-sinh quadrature of its defining
// integral in d = 1. The quadrature is asked for 1e-13; the rest is head-room for cancellation
// in integrands such as p log(p/q), which change sign.
constexpr double kQuadratureRelTol = 1e-11;

// Relative error allowed between two algebraically equal expressions evaluated through
// different factorizations (LLT, LU, eigen-decomposition) of well-conditioned 2..5-dimensional
// matrices (condition number < ~100 by construction of random_spd).
constexpr double kIdentityRelTol = 1e-11;

// Absolute error allowed for quantities that are exactly zero in exact arithmetic (KL(p||p),
// I(p||p), W2²(p, p)), in units of the scale of the inputs (tr S, or 1).
constexpr double kZeroAbsTol = 1e-12;

// A 1-D case: p = N(m1, s1²), q = N(m2, s2²) (s are standard deviations).
struct Case1d {
  double m1, s1, m2, s2;
};
constexpr std::array<Case1d, 8> kCases1d{{{0.0, 1.0, 0.0, 1.0},
                                          {0.3, 1.0, 0.0, 1.0},
                                          {1.5, 0.5, -0.7, 2.0},
                                          {-2.0, 3.0, 1.0, 0.4},
                                          {0.0, 0.1, 0.5, 1.0},
                                          {4.0, 1.0, 0.0, 1.0},
                                          {0.0, 1.0, 0.0, 5.0},
                                          {10.0, 2.0, -3.0, 0.7}}};

std::string describe(const Case1d& c) {
  return "(m1,s1,m2,s2) = (" + std::to_string(c.m1) + "," + std::to_string(c.s1) + "," + std::to_string(c.m2) +
         "," + std::to_string(c.s2) + ")";
}

bool identical(const Case1d& c) { return c.m1 == c.m2 && c.s1 == c.s2; }

// Compares a closed form with its quadrature: relative error, except for p == q where both must
// vanish (absolute error).
void expect_matches_quadrature(double closed, double quad, const Case1d& c, WorstError& worst) {
  if (identical(c)) {
    EXPECT_NEAR(closed, 0.0, kZeroAbsTol) << describe(c);
    EXPECT_NEAR(quad, 0.0, kZeroAbsTol) << describe(c);
    return;
  }
  worst.update(rel_err(closed, quad), describe(c));
  EXPECT_LE(rel_err(closed, quad), kQuadratureRelTol) << describe(c) << " closed " << closed << " quad " << quad;
}

Gaussian g1(double m, double s) { return {Eigen::VectorXd::Constant(1, m), Eigen::MatrixXd::Constant(1, 1, s * s)}; }

// log N(x; m, s²), written out independently of theory::log_density.
double lpdf1(double x, double m, double s) {
  const double z = (x - m) / s;
  return -0.5 * z * z - std::log(s) - 0.5 * std::log(2.0 * std::numbers::pi);
}

// ---------------------------------------------------------------------------------------------
// d = 1: closed forms against quadrature of the defining integrals.

// KL(p||q) = ∫ p log(p/q).
TEST(Gaussian1d, KlMatchesQuadratureOfDefinition) {
  WorstError worst("KL 1-D vs quadrature, relative");
  for (const Case1d& c : kCases1d) {
    const double quad = integrate_real_line(
        [&](double x) {
          const double lp = lpdf1(x, c.m1, c.s1);
          return std::exp(lp) * (lp - lpdf1(x, c.m2, c.s2));
        },
        c.m1, c.s1);
    const double closed = th::kl(g1(c.m1, c.s1), g1(c.m2, c.s2));
    expect_matches_quadrature(closed, quad, c, worst);
  }
}

// I(p||q) = ∫ (d/dx log p - d/dx log q)² p, with d/dx log N(x; m, s²) = -(x - m)/s².
TEST(Gaussian1d, FisherMatchesQuadratureOfDefinition) {
  WorstError worst("relative Fisher 1-D vs quadrature, relative");
  for (const Case1d& c : kCases1d) {
    const double quad = integrate_real_line(
        [&](double x) {
          const double diff = -(x - c.m1) / (c.s1 * c.s1) + (x - c.m2) / (c.s2 * c.s2);
          return std::exp(lpdf1(x, c.m1, c.s1)) * diff * diff;
        },
        c.m1, c.s1);
    const double closed = th::relative_fisher(g1(c.m1, c.s1), g1(c.m2, c.s2));
    expect_matches_quadrature(closed, quad, c, worst);
  }
}

// Ent(p) = ∫ p log p (negative differential entropy).
TEST(Gaussian1d, NegEntropyMatchesQuadratureOfDefinition) {
  WorstError worst("neg-entropy 1-D vs quadrature, relative");
  for (const Case1d& c : kCases1d) {
    const double quad =
        integrate_real_line([&](double x) { return std::exp(lpdf1(x, c.m1, c.s1)) * lpdf1(x, c.m1, c.s1); }, c.m1, c.s1);
    const double closed = th::neg_entropy(g1(c.m1, c.s1));
    worst.update(rel_err(closed, quad), describe(c));
    EXPECT_LE(rel_err(closed, quad), kQuadratureRelTol) << describe(c);
  }
}

// In d = 1 the optimal coupling is the quantile coupling: with Y ~ N(0, 1),
// W2² = E (m1 + s1 Y - m2 - s2 Y)² = ∫ (F⁻¹(u) - G⁻¹(u))² du.
TEST(Gaussian1d, W2MatchesQuantileCouplingIntegral) {
  WorstError worst("W2² 1-D vs quantile-coupling quadrature, relative");
  for (const Case1d& c : kCases1d) {
    const double quad = integrate_real_line(
        [&](double y) {
          const double d = c.m1 + c.s1 * y - c.m2 - c.s2 * y;
          return std::exp(lpdf1(y, 0.0, 1.0)) * d * d;
        },
        0.0, 1.0);
    const double closed = th::w2_squared(g1(c.m1, c.s1), g1(c.m2, c.s2));
    expect_matches_quadrature(closed, quad, c, worst);
  }
}

// log_density in d = 1 is the textbook formula, and exp(log_density) integrates to 1.
TEST(Gaussian1d, LogDensityIsNormalizedTextbookFormula) {
  for (const Case1d& c : kCases1d) {
    const Gaussian g = g1(c.m1, c.s1);
    for (double x : {-3.0, -0.5, 0.0, 0.7, 2.5}) {
      const Eigen::VectorXd xv = Eigen::VectorXd::Constant(1, x);
      EXPECT_LE(rel_err(th::log_density(g, xv), lpdf1(x, c.m1, c.s1)), kIdentityRelTol) << describe(c) << " x=" << x;
    }
    const double mass = integrate_real_line(
        [&](double x) { return std::exp(th::log_density(g, Eigen::VectorXd::Constant(1, x))); }, c.m1, c.s1);
    EXPECT_NEAR(mass, 1.0, kQuadratureRelTol) << describe(c);
  }
}

// ---------------------------------------------------------------------------------------------
// d = 3: exact cubature of the defining expectations.
//
// For p = N(m, S) with S = L Lᵀ, E_p f(X) = E f(m + L Z), Z ~ N(0, I_d). The tensor-product
// 2-point Gauss–Hermite rule (nodes ±1, weights 2^-d) integrates every polynomial of degree <= 3
// in each coordinate exactly. log p, log q and ||∇log p - ∇log q||² are quadratic polynomials
// in x, so the rule gives KL, I and Ent *exactly* — an independent check of the closed forms.
// log densities and scores are written out here with LU inverses/determinants, not the LLT
// used by theory/.

double lpdf_lu(const Gaussian& g, const Eigen::VectorXd& x) {
  const Eigen::VectorXd r = x - g.mean;
  const double d = static_cast<double>(g.dim());
  return -0.5 * r.dot(g.cov.inverse() * r) - 0.5 * std::log(g.cov.determinant()) -
         0.5 * d * std::log(2.0 * std::numbers::pi);
}

template <class F>
double gauss_hermite_expectation(const Gaussian& p, F f) {
  const int d = p.dim();
  const Eigen::MatrixXd L = p.cov.llt().matrixL();
  double sum = 0;
  for (int mask = 0; mask < (1 << d); ++mask) {
    Eigen::VectorXd z(d);
    for (int i = 0; i < d; ++i) z(i) = (mask >> i & 1) ? 1.0 : -1.0;
    sum += f(Eigen::VectorXd(p.mean + L * z));
  }
  return sum / static_cast<double>(1 << d);
}

TEST(Gaussian3d, ClosedFormsMatchExactCubatureOfDefinitions) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed);
  WorstError wk("KL 3-D vs cubature, relative"), wi("Fisher 3-D vs cubature, relative"),
      we("neg-entropy 3-D vs cubature, relative");
  for (int rep = 0; rep < 200; ++rep) {
    const Gaussian p = random_gaussian(3, gen), q = random_gaussian(3, gen);
    const Eigen::MatrixXd Pi = p.cov.inverse(), Qi = q.cov.inverse();
    const double kl_c =
        gauss_hermite_expectation(p, [&](const Eigen::VectorXd& x) { return lpdf_lu(p, x) - lpdf_lu(q, x); });
    const double fi_c = gauss_hermite_expectation(p, [&](const Eigen::VectorXd& x) {
      return (-Pi * (x - p.mean) + Qi * (x - q.mean)).squaredNorm();
    });
    const double en_c = gauss_hermite_expectation(p, [&](const Eigen::VectorXd& x) { return lpdf_lu(p, x); });
    const std::string where = "rep " + std::to_string(rep);
    wk.update(rel_err(th::kl(p, q), kl_c), where);
    wi.update(rel_err(th::relative_fisher(p, q), fi_c), where);
    we.update(rel_err(th::neg_entropy(p), en_c), where);
    EXPECT_LE(rel_err(th::kl(p, q), kl_c), kIdentityRelTol) << where;
    EXPECT_LE(rel_err(th::relative_fisher(p, q), fi_c), kIdentityRelTol) << where;
    EXPECT_LE(rel_err(th::neg_entropy(p), en_c), kIdentityRelTol) << where;
    // log_density itself against the LU-based formula at a few points.
    for (int k = 0; k < 3; ++k) {
      const Eigen::VectorXd x = random_vector(3, gen, 2.0);
      EXPECT_LE(rel_err(th::log_density(p, x), lpdf_lu(p, x)), kIdentityRelTol) << where;
    }
  }
}

// Identity: KL(p||p) = 0, I(p||p) = 0, W2²(p, p) = 0.
TEST(Gaussian3d, IdentityGivesZero) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 1);
  for (int rep = 0; rep < 100; ++rep) {
    const Gaussian p = random_gaussian(3, gen);
    const double scale = p.cov.trace();
    EXPECT_NEAR(th::kl(p, p), 0.0, kZeroAbsTol) << "rep " << rep;
    EXPECT_NEAR(th::relative_fisher(p, p), 0.0, kZeroAbsTol * p.cov.inverse().trace()) << "rep " << rep;
    EXPECT_NEAR(th::w2_squared(p, p), 0.0, kZeroAbsTol * scale) << "rep " << rep;
  }
}

// KL is invariant under a common invertible affine map T x = A x + b:
// KL(T#p || T#q) = KL(p||q), with T#N(m, S) = N(A m + b, A S Aᵀ). Entropy shifts by log|det A|:
// Ent(T#p) = Ent(p) - log|det A|. For orthogonal A, the relative Fisher information and W2 are
// invariant as well (both are defined through the Euclidean norm).
TEST(Gaussian3d, AffineInvariances) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 2);
  auto push = [](const Gaussian& g, const Eigen::MatrixXd& A, const Eigen::VectorXd& b) {
    Gaussian out{A * g.mean + b, A * g.cov * A.transpose()};
    out.cov = 0.5 * (out.cov + out.cov.transpose());
    return out;
  };
  WorstError worst("affine invariances, relative");
  for (int rep = 0; rep < 100; ++rep) {
    const Gaussian p = random_gaussian(3, gen), q = random_gaussian(3, gen);
    const Eigen::VectorXd b = random_vector(3, gen, 3.0);
    // A general invertible map, kept away from singularity.
    const Eigen::MatrixXd A = random_orthogonal(3, gen) * random_spd(3, gen, 0.5);
    const std::string where = "rep " + std::to_string(rep);
    const double e1 = rel_err(th::kl(push(p, A, b), push(q, A, b)), th::kl(p, q));
    const double e2 = rel_err(th::neg_entropy(push(p, A, b)), th::neg_entropy(p) - std::log(std::abs(A.determinant())));
    const Eigen::MatrixXd Q = random_orthogonal(3, gen);
    const double e3 = rel_err(th::relative_fisher(push(p, Q, b), push(q, Q, b)), th::relative_fisher(p, q));
    const double e4 = rel_err(th::w2_squared(push(p, Q, b), push(q, Q, b)), th::w2_squared(p, q));
    for (double e : {e1, e2, e3, e4}) {
      worst.update(e, where);
      EXPECT_LE(e, kIdentityRelTol) << where << " errors " << e1 << " " << e2 << " " << e3 << " " << e4;
    }
  }
}

// For independent blocks, p = p1 ⊗ p2 and q = q1 ⊗ q2 (block-diagonal covariances), KL, I, Ent
// and W2² are sums over the blocks (each is an integral of a sum of per-block terms, resp. the
// optimal coupling is the product of the blockwise optimal couplings).
TEST(Gaussian3d, AdditiveOverIndependentBlocks) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 3);
  auto join = [](const Gaussian& a, const Gaussian& b) {
    const int da = a.dim(), db = b.dim();
    Gaussian out{Eigen::VectorXd(da + db), Eigen::MatrixXd::Zero(da + db, da + db)};
    out.mean << a.mean, b.mean;
    out.cov.topLeftCorner(da, da) = a.cov;
    out.cov.bottomRightCorner(db, db) = b.cov;
    return out;
  };
  WorstError worst("block additivity, relative");
  for (int rep = 0; rep < 100; ++rep) {
    const Gaussian p1 = random_gaussian(2, gen), q1 = random_gaussian(2, gen);
    const Gaussian p2 = random_gaussian(3, gen), q2 = random_gaussian(3, gen);
    const Gaussian p = join(p1, p2), q = join(q1, q2);
    const std::string where = "rep " + std::to_string(rep);
    const double errs[] = {rel_err(th::kl(p, q), th::kl(p1, q1) + th::kl(p2, q2)),
                           rel_err(th::relative_fisher(p, q), th::relative_fisher(p1, q1) + th::relative_fisher(p2, q2)),
                           rel_err(th::neg_entropy(p), th::neg_entropy(p1) + th::neg_entropy(p2)),
                           rel_err(th::w2_squared(p, q), th::w2_squared(p1, q1) + th::w2_squared(p2, q2))};
    for (double e : errs) {
      worst.update(e, where);
      EXPECT_LE(e, kIdentityRelTol) << where;
    }
  }
}

// W2² of a pure shift is the squared shift: the Bures term tr(2S - 2(S^{1/2} S S^{1/2})^{1/2})
// vanishes.
TEST(Gaussian3d, W2OfPureShiftIsSquaredShift) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 4);
  for (int rep = 0; rep < 100; ++rep) {
    const Eigen::MatrixXd S = random_spd(3, gen);
    const Eigen::VectorXd m1 = random_vector(3, gen), m2 = random_vector(3, gen);
    const double got = th::w2_squared({m1, S}, {m2, S});
    EXPECT_NEAR(got, (m1 - m2).squaredNorm(), kZeroAbsTol * (S.trace() + (m1 - m2).squaredNorm())) << "rep " << rep;
  }
}

// Commuting covariances S1 = U diag(a) Uᵀ, S2 = U diag(b) Uᵀ:
// W2² = ||m1 - m2||² + Σ_i (sqrt(a_i) - sqrt(b_i))².
TEST(Gaussian3d, W2OfCommutingCovariances) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 5);
  std::uniform_real_distribution<double> ev(0.05, 5.0);
  WorstError worst("W2² commuting covariances, relative");
  for (int rep = 0; rep < 100; ++rep) {
    const Eigen::MatrixXd U = random_orthogonal(3, gen);
    Eigen::Vector3d a, b;
    for (int i = 0; i < 3; ++i) {
      a(i) = ev(gen);
      b(i) = ev(gen);
    }
    Eigen::MatrixXd S1 = U * a.asDiagonal() * U.transpose(), S2 = U * b.asDiagonal() * U.transpose();
    S1 = 0.5 * (S1 + S1.transpose());
    S2 = 0.5 * (S2 + S2.transpose());
    const Eigen::VectorXd m1 = random_vector(3, gen), m2 = random_vector(3, gen);
    const double want = (m1 - m2).squaredNorm() + (a.cwiseSqrt() - b.cwiseSqrt()).squaredNorm();
    const double got = th::w2_squared({m1, S1}, {m2, S2});
    worst.update(rel_err(got, want), "rep " + std::to_string(rep));
    EXPECT_LE(rel_err(got, want), kIdentityRelTol) << "rep " << rep;
  }
}

// Non-commuting covariances in d = 2, where the matrix square root has a closed form: for a 2x2
// SPD M, tr M^{1/2} = sqrt(tr M + 2 sqrt(det M)). With M = S2^{1/2} S1 S2^{1/2},
// tr M = tr(S1 S2) and det M = det S1 det S2, so
// W2² = ||m1 - m2||² + tr S1 + tr S2 - 2 sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)).
TEST(Gaussian2d, W2MatchesTwoByTwoSquareRootFormula) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 6);
  WorstError worst("W2² 2x2 formula, relative");
  for (int rep = 0; rep < 200; ++rep) {
    const Gaussian p = random_gaussian(2, gen), q = random_gaussian(2, gen);
    const double want = (p.mean - q.mean).squaredNorm() + p.cov.trace() + q.cov.trace() -
                        2.0 * std::sqrt((p.cov * q.cov).trace() + 2.0 * std::sqrt(p.cov.determinant() * q.cov.determinant()));
    const double got = th::w2_squared(p, q);
    worst.update(rel_err(got, want), "rep " + std::to_string(rep));
    EXPECT_LE(rel_err(got, want), kIdentityRelTol) << "rep " << rep;
    // W2 is symmetric.
    EXPECT_LE(rel_err(th::w2_squared(q, p), got), kIdentityRelTol) << "rep " << rep;
  }
}

// W2 is a metric: triangle inequality on random triples.
TEST(Gaussian3d, W2SatisfiesTriangleInequality) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 7);
  for (int rep = 0; rep < 200; ++rep) {
    const Gaussian p = random_gaussian(3, gen), q = random_gaussian(3, gen), r = random_gaussian(3, gen);
    const double pr = std::sqrt(th::w2_squared(p, r));
    const double pq = std::sqrt(th::w2_squared(p, q)), qr = std::sqrt(th::w2_squared(q, r));
    EXPECT_LE(pr, (pq + qr) * (1.0 + kIdentityRelTol)) << "rep " << rep;
  }
}

// Gaussian LSI (DESIGN.md §2): N(0, s² I) satisfies LSI(1/s²), i.e. KL(p||q) <= (s²/2) I(p||q)
// for every p. Checked on many random Gaussian p; the bound is attained by pure shifts
// p = N(m, s² I), where KL = ||m||²/(2s²) and I = ||m||²/s⁴ — so a wrong factor in either
// closed form (or in the LSI constant) makes one of the two assertions fail.
TEST(Gaussian3d, GaussianLsiHoldsAndIsAttainedByShifts) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  std::mt19937 gen(seed + 8);
  std::uniform_real_distribution<double> var(0.2, 4.0);
  double tightest = 0;  // largest KL / (I / 2 alpha) over the random (non-shift) pairs
  for (int rep = 0; rep < 1000; ++rep) {
    const double s2 = var(gen);
    const Gaussian p = random_gaussian(3, gen);
    const Gaussian q = Gaussian::isotropic(3, 0.0, s2);
    const double alpha = th::gaussian_lsi_constant(s2);
    const double k = th::kl(p, q), bound = th::relative_fisher(p, q) / (2.0 * alpha);
    tightest = std::max(tightest, k / bound);
    EXPECT_LE(k, bound * (1.0 + kIdentityRelTol)) << "rep " << rep << " s2 " << s2;
    // Equality for the pure shift of the target.
    const Gaussian shift{random_vector(3, gen), s2 * Eigen::MatrixXd::Identity(3, 3)};
    EXPECT_LE(rel_err(th::kl(shift, q), th::relative_fisher(shift, q) / (2.0 * alpha)), kIdentityRelTol) << "rep " << rep;
    EXPECT_LE(rel_err(th::kl(shift, q), shift.mean.squaredNorm() / (2.0 * s2)), kIdentityRelTol) << "rep " << rep;
  }
  std::cout << "    [info] largest KL / (I/2alpha) over random pairs: " << tightest << '\n';
}

TEST(Gaussian, IsotropicFactory) {
  const Gaussian g = Gaussian::isotropic(4, -1.5, 2.5);
  EXPECT_EQ(g.dim(), 4);
  EXPECT_EQ(g.mean, Eigen::VectorXd::Constant(4, -1.5));
  EXPECT_EQ(g.cov, 2.5 * Eigen::MatrixXd::Identity(4, 4));
  EXPECT_TRUE(throws_invalid_argument_naming([] { Gaussian::isotropic(0, 0.0, 1.0); }, "dim"));
}

// ---------------------------------------------------------------------------------------------
// validate(): malformed Gaussians throw std::invalid_argument naming the argument and field.

Gaussian good3() { return Gaussian::isotropic(3, 0.0, 1.0); }

TEST(GaussianValidate, AcceptsWellFormed) { EXPECT_NO_THROW(th::validate(good3(), "start")); }

TEST(GaussianValidate, RejectsNonPositiveDefinite) {
  Gaussian g = good3();
  g.cov(1, 1) = -1.0;  // indefinite
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "start.cov"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "positive definite"));
  g.cov(1, 1) = 0.0;  // singular, positive semi-definite
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "positive definite"));
  // The closed forms validate each argument under its own name.
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::kl(g, good3()); }, "p.cov"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::kl(good3(), g); }, "q.cov"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::relative_fisher(good3(), g); }, "q.cov"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::w2_squared(g, good3()); }, "p.cov"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::neg_entropy(g); }, "p.cov"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::log_density(g, Eigen::VectorXd::Zero(3)); }, "g.cov"));
}

TEST(GaussianValidate, RejectsAsymmetric) {
  Gaussian g = good3();
  g.cov(0, 1) = 0.5;
  g.cov(1, 0) = 0.4;  // positive definite lower triangle, but not symmetric
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "start.cov"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "symmetric"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::kl(good3(), g); }, "q.cov"));
}

TEST(GaussianValidate, RejectsNonFinite) {
  Gaussian g = good3();
  g.mean(2) = std::nan("");
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "start.mean"));
  g = good3();
  g.cov(0, 0) = std::nan("");
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "start.cov"));
  g = good3();
  g.cov(0, 2) = g.cov(2, 0) = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "start.cov"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::kl(g, good3()); }, "p.cov"));
}

TEST(GaussianValidate, RejectsDimensionMismatch) {
  Gaussian g = good3();
  g.cov = Eigen::MatrixXd::Identity(2, 2);  // mean has length 3
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "start.cov"));
  g.cov = Eigen::MatrixXd::Identity(3, 2);  // not square
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::validate(g, "start"); }, "start.cov"));
  // Empty mean.
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { th::validate(Gaussian{Eigen::VectorXd(), Eigen::MatrixXd()}, "start"); }, "start.mean"));
  // Well-formed p and q of different dimensions.
  const Gaussian q2 = Gaussian::isotropic(2, 0.0, 1.0);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::kl(good3(), q2); }, "q: dimension"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::relative_fisher(good3(), q2); }, "q: dimension"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::w2_squared(good3(), q2); }, "q: dimension"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { th::log_density(good3(), Eigen::VectorXd::Zero(2)); }, "x"));
}

}  // namespace
}  // namespace test_gaussian
