// Edge cases of the Gaussian closed forms (issue "theory/ closed-form catalogue"): d = 1 and
// d = 50, nearly singular covariances (condition number 1e8), and the t -> 0 / t -> infinity
// (k = 0 / k -> infinity) limits of the OU and ULA laws.
//
// Checked against what (none of it shares code with theory/):
//  - theory/gaussian.hpp (kl, relative_fisher, neg_entropy, w2_squared, log_density): for
//    N(m1, diag a) vs N(m2, diag b) every closed form is a sum of 1-D terms, written out here in
//    long double; the same pair rotated by a random orthogonal Q (Householder QR of a Gaussian
//    matrix, std::mt19937_64) with spectra log-spaced over [1e-4, 1e4] must give the same values
//    (rotation invariance, i.e. the general-SPD code path against the diagonal one); W2 of
//    commuting covariances against sum (sqrt a_i - sqrt b_i)², also when the two differ only in
//    their nearly singular directions; W2 symmetry and the triangle inequality of sqrt(W2²);
//    KL(p||p) = I(p||p) = W2²(p, p) = 0; the Gaussian LSI KL(p||N(0,I)) <= I(p||N(0,I))/2.
//  - theory/ou.hpp (ou_law, ou_stationary; OuParams and OuMatrix): the law at t = 1e-12 against
//    the start, at t = 1e3/a_min and t = inf against ou_stationary and lambda Q diag(1/a) Qᵀ
//    (long double), both against the closed forms written in the eigenbasis of A in long double;
//    OuMatrix{a I} against OuParams{a}.
//  - theory/ula_gaussian.hpp (ula_law, ula_stationary): k = 0 against the start; k up to 4e9
//    against the per-eigendirection solution in long double and against ula_stationary; the
//    stationary law against Q diag(v_inf) Qᵀ and as a fixed point of one step of the recursion
//    S -> (I - eta A) S (I - eta A) + 2 eta lambda I (long double); the W2 bias of the stationary
//    law against sum_i (sqrt v_inf,i - sqrt(lambda/a_i))².
// Every test prints "[worst]" lines (and records a worst_* property for the XML report) with the
// largest error seen per function.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <limits>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/ou.hpp"
#include "theory/tests/test_support.hpp"
#include "theory/ula_gaussian.hpp"

// Named per file so that a unity build of this executable keeps the files' helpers apart.
namespace test_edge_cases {
namespace {

using ldbench::theory::Gaussian;
using ldbench::theory::OuMatrix;
using ldbench::theory::OuParams;
using namespace ldbench::theory::test;
namespace th = ldbench::theory;

using Rng = std::mt19937_64;
using LD = long double;
using MatrixLD = Eigen::Matrix<LD, Eigen::Dynamic, Eigen::Dynamic>;
using VectorLD = Eigen::Matrix<LD, Eigen::Dynamic, 1>;

constexpr int kBigDim = 50;
constexpr double kEps = std::numeric_limits<double>::epsilon();  // 2.2e-16
constexpr double kCond = 1e8;                                    // condition number of every ill-conditioned matrix here

// --- Tolerances --------------------------------------------------------------------------------

// Relative error of the closed forms on *diagonal* covariances against the long-double sums of
// 1-D terms. No conditioning enters (Cholesky, solves and SVDs of diagonal matrices are exact up
// to rounding of the entries); what is left is rounding in sums of d = 50 terms with mild
// cancellation (KL = tr - d + log-dets; Fisher = tr P⁻¹ - 2 tr Q⁻¹ + tr Q⁻² P): 1e3 ulps.
constexpr double kDiagonalRelTol = 1e3 * kEps;

// Cancellation allowance: a closed form that adds terms of total magnitude M (see Ref below) to
// a value V has a rounding error of up to ~d eps M in its final sum, i.e. a relative error of
// d eps M / |V| on top of the tolerances here (matters for KL ~ 1e-5, or W2² ~ 1e-3 against
// tr S ~ 3e4). d = 50.
constexpr double kCancellationRelTol = kBigDim * kEps;

// Relative error allowed when the same inputs are rotated by an orthogonal Q: storing
// Q diag(a) Qᵀ in double perturbs it by ~eps ||S|| = eps a_max, i.e. the smallest eigenvalue by a
// relative cond * eps = 2.2e-8 already, before any factorization. Values and matrices below are
// required to agree to 10 cond eps = 2.2e-7 (relative; for matrices, largest entry error over
// largest entry).
constexpr double kIllConditionedRelTol = 10.0 * kCond * kEps;

// KL(p||p) and I(p||p) are exactly 0. KL's closed form cancels tr(S⁻¹S) against d, and the
// solve S⁻¹S has per-entry error <= cond eps: absolute tolerance d cond eps = 1.1e-6 nats.
constexpr double kZeroKlAbsTol = kBigDim * kCond * kEps;
// I(p||p) = tr S⁻¹ - 2 tr S⁻¹ + tr(S⁻² S): each term is of size tr S⁻¹, the sum cancels with
// relative rounding cond eps per term; absolute tolerance 10 cond eps tr(S⁻¹) (units of S⁻¹).
constexpr double kZeroFisherRelToTraceInv = 10.0 * kCond * kEps;
// W2²(p, p) = 0: absolute tolerance in units of tr S, 10 cond eps (the documented Bures term
// cancels tr S + tr S against 2 tr (S^½ S S^½)^½).
constexpr double kZeroW2RelToTrace = 10.0 * kCond * kEps;

// Short-time limit: at t = 1e-12 the exact law differs from the start by a t |m| in the mean
// and by 2 a t |S| + 2 lambda t in the covariance; with a <= 1e2, lambda = 0.5 and a start whose
// largest covariance entry is >= 1e-2 that is <= 2e-10 of the start, so "equals the start" is
// asserted to relative 1e-9 (largest-entry norm).
constexpr double kShortTimeRelTol = 1e-9;
constexpr double kShortTime = 1e-12;

// Closed forms evaluated in exactly representable (diagonal / scalar-times-identity) bases:
// exp, expm1 and a few products per entry, a few ulps; relative, largest-entry norm.
constexpr double kClosedFormRelTol = 1e2 * kEps;

// The ULA law at k = 0 is the start pushed through Vᵀ S V and back (V the eigenvectors of A):
// rounding eps |S| per product with d = 50 terms; relative, largest-entry norm.
constexpr double kRoundTripRelTol = 1e2 * kBigDim * kEps;

// --- Helpers -----------------------------------------------------------------------------------

// Largest-entry relative error of a matrix or vector (0/0 counts as 0).
template <class A, class B>
double max_rel(const A& got, const B& want) {
  const double scale = want.cwiseAbs().maxCoeff();
  const double diff = (got - want).cwiseAbs().maxCoeff();
  return scale == 0.0 ? diff : diff / scale;
}

MatrixLD to_ld(const Eigen::MatrixXd& m) { return m.cast<LD>(); }

// Error of a law (OU at time t, ULA after k steps) against a reference (m, S): the mean error
// relative to the start's mean (the mean decays to 0, so its own size is no scale), the
// covariance error relative to the reference's largest entry; the larger of the two.
double law_err(const Gaussian& got, const VectorLD& m, const MatrixLD& S, const Gaussian& start) {
  const double mean_scale = std::max(start.mean.cwiseAbs().maxCoeff(), std::numeric_limits<double>::min());
  return std::max(static_cast<double>((got.mean.cast<LD>() - m).cwiseAbs().maxCoeff()) / mean_scale,
                  max_rel(got.cov.cast<LD>(), S));
}

Eigen::MatrixXd gaussian_matrix(int rows, int cols, Rng& gen) {
  std::normal_distribution<double> n01;
  Eigen::MatrixXd m(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) m(i, j) = n01(gen);
  return m;
}

// Random orthogonal Q: the Q factor of the Householder QR of a Gaussian matrix.
Eigen::MatrixXd orthogonal(int d, Rng& gen) {
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian_matrix(d, d, gen));
  return qr.householderQ() * Eigen::MatrixXd::Identity(d, d);
}

// d values log-spaced over [lo, hi] (lo for d = 1), in increasing order.
Eigen::VectorXd log_spaced(int d, double lo, double hi) {
  Eigen::VectorXd v(d);
  for (int i = 0; i < d; ++i) v(i) = d == 1 ? lo : lo * std::pow(hi / lo, static_cast<double>(i) / (d - 1));
  return v;
}

// The spectrum log-spaced over [1e-4, 1e4] (condition number 1e8) in random order.
Eigen::VectorXd shuffled_spectrum(int d, Rng& gen) {
  Eigen::VectorXd v = log_spaced(d, 1e-4, 1e4);
  std::shuffle(v.data(), v.data() + d, gen);
  return v;
}

Eigen::MatrixXd sym(const Eigen::MatrixXd& m) { return 0.5 * (m + m.transpose()); }

// Q diag(a) Qᵀ, symmetrized.
Eigen::MatrixXd rotated_diag(const Eigen::MatrixXd& Q, const Eigen::VectorXd& a) {
  return sym(Q * a.asDiagonal() * Q.transpose());
}

// The push-forward of g by x -> Q x.
Gaussian rotate(const Gaussian& g, const Eigen::MatrixXd& Q) { return {Q * g.mean, sym(Q * g.cov * Q.transpose())}; }

Gaussian diag_gaussian(const Eigen::VectorXd& m, const Eigen::VectorXd& a) {
  return {m, Eigen::MatrixXd(a.asDiagonal())};
}

// Long-double references for N(m1, diag a), N(m2, diag b): sums of 1-D closed forms. Each also
// returns the total magnitude of the terms the documented closed form (theory/gaussian.hpp) adds
// up, e.g. tr(S2⁻¹S1) + quad + d + |ln det S2| + |ln det S1| for KL: the final rounding of that
// sum alone costs ~eps * magnitude, which is not small relative to a value such as KL = 1e-5.
struct Ref {
  LD value;
  LD magnitude;
};
LD abs_log_sum(const Eigen::VectorXd& a) {
  LD s = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) s += std::abs(std::log(static_cast<LD>(a(i))));
  return s;
}
Ref kl_ref(const Eigen::VectorXd& m1, const Eigen::VectorXd& a, const Eigen::VectorXd& m2, const Eigen::VectorXd& b) {
  LD s = 0, tr = 0, quad = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const LD r = static_cast<LD>(a(i)) / b(i), dm = static_cast<LD>(m2(i)) - m1(i);
    s += r - 1 - std::log(r) + dm * dm / b(i);
    tr += r;
    quad += dm * dm / b(i);
  }
  return {s / 2, (tr + quad + a.size() + abs_log_sum(a) + abs_log_sum(b)) / 2};
}
Ref fisher_ref(const Eigen::VectorXd& m1, const Eigen::VectorXd& a, const Eigen::VectorXd& m2,
               const Eigen::VectorXd& b) {
  LD s = 0, mag = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const LD ai = a(i), bi = b(i), g = 1 / ai - 1 / bi, dm = (static_cast<LD>(m1(i)) - m2(i)) / bi;
    s += ai * g * g + dm * dm;
    mag += 1 / ai + 2 / bi + ai / (bi * bi) + dm * dm;
  }
  return {s, mag};
}
Ref neg_entropy_ref(const Eigen::VectorXd& a) {
  const LD c = std::log(2 * std::numbers::pi_v<LD> * std::numbers::e_v<LD>);
  LD s = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) s += c + std::log(static_cast<LD>(a(i)));
  return {-s / 2, (a.size() * c + abs_log_sum(a)) / 2};
}
Ref w2_ref(const Eigen::VectorXd& m1, const Eigen::VectorXd& a, const Eigen::VectorXd& m2, const Eigen::VectorXd& b) {
  LD s = 0, mag = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const LD dm = static_cast<LD>(m1(i)) - m2(i), sa = std::sqrt(static_cast<LD>(a(i))), sb = std::sqrt(static_cast<LD>(b(i)));
    s += dm * dm + (sa - sb) * (sa - sb);
    mag += dm * dm + sa * sa + sb * sb + 2 * sa * sb;  // ||dm||² + tr S1 + tr S2 + 2 tr (S2^½ S1 S2^½)^½
  }
  return {s, mag};
}
Ref log_density_ref(const Eigen::VectorXd& m, const Eigen::VectorXd& a, const Eigen::VectorXd& x) {
  const LD c = std::log(2 * std::numbers::pi_v<LD>);
  LD s = 0, quad = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const LD r = static_cast<LD>(x(i)) - m(i);
    s += r * r / a(i) + c + std::log(static_cast<LD>(a(i)));
    quad += r * r / a(i);
  }
  return {-s / 2, (quad + a.size() * c + abs_log_sum(a)) / 2};
}

double rel_err_ld(double got, LD want) {
  const LD diff = std::abs(static_cast<LD>(got) - want);
  return static_cast<double>(want == 0 ? diff : diff / std::abs(want));
}

// Records a worst error as a test property (XML/JSON report), e.g. worst_rotated_kl="6.92e-10".
void record(const WorstError& w, const std::string& key) {
  std::ostringstream os;
  os << std::setprecision(3) << w.value();
  ::testing::Test::RecordProperty("worst_" + key, os.str());
}

// One diagonal pair (p, q) in the frame where both covariances are diagonal, plus a point x in
// that frame at which log_density is evaluated.
struct DiagPair {
  Eigen::VectorXd m1, a, m2, b, x;
  std::string label;
};

// Worst errors of the five Gaussian closed forms over a family of inputs.
struct GaussianWorst {
  explicit GaussianWorst(const std::string& tag)
      : kl(tag + ": kl, relative"),
        fisher(tag + ": relative_fisher, relative"),
        ent(tag + ": neg_entropy, relative"),
        w2(tag + ": w2_squared, relative"),
        logp(tag + ": log_density, relative") {}
  WorstError kl, fisher, ent, w2, logp;
  void record_all(const std::string& tag) const {
    record(kl, tag + "_kl");
    record(fisher, tag + "_relative_fisher");
    record(ent, tag + "_neg_entropy");
    record(w2, tag + "_w2_squared");
    record(logp, tag + "_log_density");
  }
};

// Evaluates the five closed forms on the pair pushed forward by x -> Q x and compares them with
// the long-double references of the diagonal pair. Allowed relative error: `tol` plus
// kCancellationRelTol * magnitude / |value| (see Ref).
void check_pair(const DiagPair& c, const Eigen::MatrixXd& Q, double tol, GaussianWorst& w) {
  const Gaussian p = rotate(diag_gaussian(c.m1, c.a), Q), q = rotate(diag_gaussian(c.m2, c.b), Q);
  const Eigen::VectorXd x = Q * c.x;
  const double got[] = {th::kl(p, q), th::relative_fisher(p, q), th::neg_entropy(p), th::w2_squared(p, q),
                        th::log_density(p, x)};
  const Ref want[] = {kl_ref(c.m1, c.a, c.m2, c.b), fisher_ref(c.m1, c.a, c.m2, c.b), neg_entropy_ref(c.a),
                      w2_ref(c.m1, c.a, c.m2, c.b), log_density_ref(c.m1, c.a, c.x)};
  WorstError* ws[] = {&w.kl, &w.fisher, &w.ent, &w.w2, &w.logp};
  const char* names[] = {"kl", "relative_fisher", "neg_entropy", "w2_squared", "log_density"};
  for (int k = 0; k < 5; ++k) {
    const double e = rel_err_ld(got[k], want[k].value);
    const double allowed = tol + kCancellationRelTol * static_cast<double>(want[k].magnitude / std::abs(want[k].value));
    ws[k]->update(e, c.label);
    EXPECT_LE(e, allowed) << names[k] << " at " << c.label << ": got " << got[k] << ", want "
                          << static_cast<double>(want[k].value);
  }
}

// d = 1 pairs over the extreme variances, means included.
std::vector<DiagPair> pairs_1d() {
  std::vector<DiagPair> out;
  const double vars[] = {1e-4, 1e-2, 1.0, 1e2, 1e4};
  for (double a : vars)
    for (double b : vars)
      for (double m1 : {0.0, 1.5}) {
        DiagPair c{Eigen::VectorXd::Constant(1, m1), Eigen::VectorXd::Constant(1, a), Eigen::VectorXd::Constant(1, -0.5),
                   Eigen::VectorXd::Constant(1, b), Eigen::VectorXd::Constant(1, m1 + 3.0 * std::sqrt(a)),
                   "d=1 a=" + std::to_string(a) + " b=" + std::to_string(b) + " m1=" + std::to_string(m1)};
        out.push_back(c);
      }
  return out;
}

// d = 50 pairs: (i) independent shuffled spectra over [1e-4, 1e4] and random means; (ii) the same
// spectrum with the five smallest variances of q multiplied by 4 and equal means, so that p and q
// differ only in their nearly singular directions (W2² ~ 1e-3 against tr S ~ 3e4); (iii) equal
// covariances, different means (W2² is the squared shift, the Bures term is 0).
std::vector<DiagPair> pairs_50d(Rng& gen, int reps) {
  std::vector<DiagPair> out;
  for (int rep = 0; rep < reps; ++rep) {
    const Eigen::VectorXd a = shuffled_spectrum(kBigDim, gen), b = shuffled_spectrum(kBigDim, gen);
    const Eigen::VectorXd m1 = gaussian_matrix(kBigDim, 1, gen), m2 = gaussian_matrix(kBigDim, 1, gen);
    const Eigen::VectorXd z = gaussian_matrix(kBigDim, 1, gen);
    const Eigen::VectorXd x = m1 + (a.cwiseSqrt().array() * z.array()).matrix();  // a typical point of p
    const std::string r = " rep " + std::to_string(rep);
    out.push_back({m1, a, m2, b, x, "d=50 independent" + r});
    Eigen::VectorXd b2 = a;
    for (Eigen::Index i = 0; i < kBigDim; ++i)
      if (a(i) < 7e-4) b2(i) = 4.0 * a(i);  // the five smallest of the log-spaced grid
    out.push_back({m1, a, m1, b2, x, "d=50 differ in near-null directions" + r});
    out.push_back({m1, a, m2, a, x, "d=50 pure shift" + r});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// theory/gaussian.hpp

// (a) Diagonal pairs: every closed form is a sum of 1-D terms (long double, by hand).
TEST(GaussianEdge, DiagonalPairsMatchSumsOfOneDimensionalTerms) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed);
  GaussianWorst w("diagonal d=1,50 vs 1-D sums");
  for (const DiagPair& c : pairs_1d()) check_pair(c, Eigen::MatrixXd::Identity(1, 1), kDiagonalRelTol, w);
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(kBigDim, kBigDim);
  for (const DiagPair& c : pairs_50d(gen, 10)) check_pair(c, I, kDiagonalRelTol, w);
  w.record_all("diagonal");
}

// (b) Rotation invariance: the same pairs pushed forward by a random orthogonal Q (general-SPD
// code path, condition number 1e8) give the values of the diagonal frame. In d = 1, Q = -1.
TEST(GaussianEdge, RotatedIllConditionedPairsMatchTheDiagonalFrame) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 1);
  GaussianWorst w("rotated cond 1e8 vs 1-D sums");
  for (const DiagPair& c : pairs_1d()) check_pair(c, -Eigen::MatrixXd::Identity(1, 1), kIllConditionedRelTol, w);
  for (const DiagPair& c : pairs_50d(gen, 10)) check_pair(c, orthogonal(kBigDim, gen), kIllConditionedRelTol, w);
  w.record_all("rotated");
}

// A random d = 50 Gaussian with condition number 1e8: Q diag(shuffled spectrum) Qᵀ, N(0, I) mean.
Gaussian random_ill_conditioned(Rng& gen) {
  return {gaussian_matrix(kBigDim, 1, gen), rotated_diag(orthogonal(kBigDim, gen), shuffled_spectrum(kBigDim, gen))};
}

// (c) W2 on non-commuting triples: symmetry and the triangle inequality for sqrt(W2²).
TEST(GaussianEdge, W2IsSymmetricAndSatisfiesTriangleInequalityAtConditionTenToTheEight) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 2);
  WorstError sym_err("w2_squared(p,q) vs w2_squared(q,p), d=50 cond 1e8, relative");
  double tightest = 0;  // largest W(p,r) / (W(p,q) + W(q,r))
  for (int rep = 0; rep < 10; ++rep) {
    const Gaussian p = random_ill_conditioned(gen), q = random_ill_conditioned(gen), r = random_ill_conditioned(gen);
    const double pq = th::w2_squared(p, q), qp = th::w2_squared(q, p);
    const std::string where = "rep " + std::to_string(rep);
    sym_err.update(rel_err(pq, qp), where);
    EXPECT_LE(rel_err(pq, qp), kIllConditionedRelTol) << where;
    const double wpr = std::sqrt(th::w2_squared(p, r)), wpq = std::sqrt(pq), wqr = std::sqrt(th::w2_squared(q, r));
    tightest = std::max(tightest, wpr / (wpq + wqr));
    EXPECT_LE(wpr, (wpq + wqr) * (1.0 + kIllConditionedRelTol)) << where;
  }
  // d = 1: W2² = (m1 - m2)² + (s1 - s2)², symmetric up to rounding.
  for (const DiagPair& c : pairs_1d()) {
    const Gaussian p = diag_gaussian(c.m1, c.a), q = diag_gaussian(c.m2, c.b);
    EXPECT_LE(rel_err(th::w2_squared(p, q), th::w2_squared(q, p)), kDiagonalRelTol) << c.label;
  }
  std::cout << "    [info] largest W2(p,r) / (W2(p,q) + W2(q,r)): " << tightest << '\n';
  record(sym_err, "w2_symmetry");
}

// (d) KL(p||p) = I(p||p) = W2²(p, p) = 0 on d = 50, condition 1e8, and d = 1 extreme variances.
TEST(GaussianEdge, SelfDivergencesVanishAtConditionTenToTheEight) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 3);
  WorstError wk("KL(p||p), absolute nats"), wi("I(p||p) / tr S^-1"), ww("W2^2(p,p) / tr S");
  std::vector<Gaussian> ps;
  for (int rep = 0; rep < 10; ++rep) ps.push_back(random_ill_conditioned(gen));
  for (double v : {1e-4, 1.0, 1e4}) ps.push_back({Eigen::VectorXd::Constant(1, 0.3), Eigen::MatrixXd::Constant(1, 1, v)});
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const Gaussian& p = ps[i];
    const std::string where = "d=" + std::to_string(p.dim()) + " #" + std::to_string(i);
    const double tr_inv = p.cov.inverse().trace(), tr = p.cov.trace();
    const double k = th::kl(p, p), f = th::relative_fisher(p, p), w = th::w2_squared(p, p);
    wk.update(std::abs(k), where);
    wi.update(std::abs(f) / tr_inv, where);
    ww.update(std::abs(w) / tr, where);
    EXPECT_NEAR(k, 0.0, kZeroKlAbsTol) << where;
    EXPECT_NEAR(f, 0.0, kZeroFisherRelToTraceInv * tr_inv) << where;
    EXPECT_NEAR(w, 0.0, kZeroW2RelToTrace * tr) << where;
    // KL >= 0 and I >= 0 against the next Gaussian of the same dimension.
    const Gaussian& other = ps[(i + 1) % ps.size()].dim() == p.dim() ? ps[(i + 1) % ps.size()] : ps[i - 1];
    EXPECT_GE(th::kl(p, other), 0.0) << where;
    EXPECT_GE(th::relative_fisher(p, other), 0.0) << where;
  }
  record(wk, "kl_self_abs");
  record(wi, "fisher_self_over_trinv");
  record(ww, "w2_self_over_tr");
}

// (e) Gaussian LSI for the standard normal: KL(p || N(0,I)) <= I(p || N(0,I)) / 2, d = 50.
TEST(GaussianEdge, StandardGaussianLsiHoldsAtConditionTenToTheEight) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 4);
  const Gaussian q = Gaussian::isotropic(kBigDim, 0.0, 1.0);
  WorstError w("KL(shift||N(0,I)) vs I(shift||N(0,I))/2, d=50, relative");
  double tightest = 0;
  for (int rep = 0; rep < 20; ++rep) {
    const Gaussian p = random_ill_conditioned(gen);
    const double k = th::kl(p, q), half_i = th::relative_fisher(p, q) / 2.0;
    tightest = std::max(tightest, k / half_i);
    EXPECT_GE(k, 0.0) << "rep " << rep;
    EXPECT_LE(k, half_i * (1.0 + kIllConditionedRelTol)) << "rep " << rep;
    // Equality for the pure shift N(m, I): KL = ||m||²/2 = I/2.
    const Gaussian shift{p.mean, Eigen::MatrixXd::Identity(kBigDim, kBigDim)};
    const double e = rel_err(th::kl(shift, q), th::relative_fisher(shift, q) / 2.0);
    w.update(e, "rep " + std::to_string(rep));
    EXPECT_LE(e, kIllConditionedRelTol) << "rep " << rep;
  }
  std::cout << "    [info] largest KL / (I/2) over d=50 cond 1e8 Gaussians: " << tightest << '\n';
  ::testing::Test::RecordProperty("lsi_largest_kl_over_half_fisher", std::to_string(tightest));
  record(w, "lsi_shift_equality");
}

// ---------------------------------------------------------------------------------------------
// theory/ou.hpp and theory/ula_gaussian.hpp

// Drift matrices with condition number 1e8: spectrum log-spaced over [1e-6, 1e2]. a_max = 1e2
// keeps a_max t = 1e-10 at t = 1e-12 (so the short-time law is within kShortTimeRelTol of the
// start), a_min = 1e-6 keeps lambda / a_min = 5e5 finite.
constexpr double kAMin = 1e-6, kAMax = 1e2;
constexpr double kLambda = 0.5;

struct Drift {
  Eigen::MatrixXd Q;  // eigenvectors
  Eigen::VectorXd a;  // eigenvalues
  OuMatrix ou() const { return {rotated_diag(Q, a), kLambda}; }
};

Drift ill_conditioned_drift(int d, Rng& gen) {
  return {orthogonal(d, gen), log_spaced(d, kAMin, kAMax)};  // d = 1: a = a_min, Q = ±1
}

// The start: d = 50 Gaussian with condition-1e8 covariance; d = 1 a small variance.
Gaussian start_law(int d, Rng& gen) {
  if (d == 1) return {Eigen::VectorXd::Constant(1, 2.0), Eigen::MatrixXd::Constant(1, 1, 1e-2)};
  return random_ill_conditioned(gen);
}

// The OU law from `start` at time t, in long double, in the eigenbasis (Q, a) of A:
// m_t = Q e^{-a t} Qᵀ m0,  S_t = Q [e^{-at} (Qᵀ S0 Q) e^{-at} + diag(lambda/a (1 - e^{-2at}))] Qᵀ.
std::pair<VectorLD, MatrixLD> ou_ref(const Gaussian& start, LD t, const Drift& dr, LD lambda) {
  const MatrixLD Q = to_ld(dr.Q);
  const int d = static_cast<int>(dr.a.size());
  VectorLD decay(d), stat(d);
  for (int i = 0; i < d; ++i) {
    const LD a = dr.a(i);
    decay(i) = std::isinf(t) ? 0 : std::exp(-a * t);
    stat(i) = std::isinf(t) ? lambda / a : -lambda / a * std::expm1(-2 * a * t);
  }
  const VectorLD m = Q * (decay.array() * (Q.transpose() * start.mean.cast<LD>()).array()).matrix();
  MatrixLD S = decay.asDiagonal() * (Q.transpose() * to_ld(start.cov) * Q) * decay.asDiagonal();
  S.diagonal() += stat;
  return {m, Q * S * Q.transpose()};
}

TEST(OuEdge, ShortTimeLawIsTheStart) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 10);
  WorstError ws("ou_law(t=1e-12) vs start, relative"), wp("ou_law(OuParams, t=1e-12) vs long-double closed form, relative"),
      wm("ou_law(OuMatrix cond 1e8, t=1e-12) vs long-double closed form, relative");
  for (int d : {1, kBigDim}) {
    const Gaussian start = start_law(d, gen);
    for (double a : {kAMin, 1.0, kAMax}) {
      const OuParams p{a, kLambda};
      const Gaussian law = th::ou_law(start, kShortTime, p);
      const std::string where = "OuParams d=" + std::to_string(d) + " a=" + std::to_string(a);
      const double e = std::max(max_rel(law.mean, start.mean), max_rel(law.cov, start.cov));
      ws.update(e, where);
      EXPECT_LE(e, kShortTimeRelTol) << where;
      const Drift iso{Eigen::MatrixXd::Identity(d, d), Eigen::VectorXd::Constant(d, a)};
      const auto [m, S] = ou_ref(start, kShortTime, iso, kLambda);
      const double er = law_err(law, m, S, start);
      wp.update(er, where);
      EXPECT_LE(er, kClosedFormRelTol) << where;
    }
    const Drift dr = ill_conditioned_drift(d, gen);
    const Gaussian law = th::ou_law(start, kShortTime, dr.ou());
    const std::string where = "OuMatrix d=" + std::to_string(d);
    const double e = std::max(max_rel(law.mean, start.mean), max_rel(law.cov, start.cov));
    ws.update(e, where);
    EXPECT_LE(e, kShortTimeRelTol) << where;
    const auto [m, S] = ou_ref(start, kShortTime, dr, kLambda);
    const double er = law_err(law, m, S, start);
    wm.update(er, where);
    EXPECT_LE(er, kIllConditionedRelTol) << where;
  }
  record(ws, "ou_short_time_vs_start");
  record(wp, "ou_law_params_short_time");
  record(wm, "ou_law_matrix_short_time");
}

TEST(OuEdge, LongTimeLawIsStationary) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 11);
  WorstError wp("ou_law(OuParams, t=1e3/a or inf) vs ou_stationary, relative"),
      wm("ou_law(OuMatrix cond 1e8, t=1e3/a_min or inf) vs lambda Q diag(1/a) Q^T, relative"),
      wst("ou_stationary(OuMatrix cond 1e8) vs lambda Q diag(1/a) Q^T, relative");
  const double inf = std::numeric_limits<double>::infinity();
  for (int d : {1, kBigDim}) {
    const Gaussian start = start_law(d, gen);
    for (double a : {kAMin, 1.0, kAMax}) {
      const OuParams p{a, kLambda};
      const Gaussian pi = th::ou_stationary(d, p);
      for (double t : {1e3 / a, inf}) {
        const Gaussian law = th::ou_law(start, t, p);
        const std::string where = "OuParams d=" + std::to_string(d) + " a=" + std::to_string(a) + " t=" + std::to_string(t);
        const double e = law_err(law, pi.mean.cast<LD>(), to_ld(pi.cov), start);
        wp.update(e, where);
        EXPECT_LE(e, kClosedFormRelTol) << where;
      }
    }
    const Drift dr = ill_conditioned_drift(d, gen);
    const OuMatrix p = dr.ou();
    const auto [m_inf, S_inf] = ou_ref(start, std::numeric_limits<LD>::infinity(), dr, kLambda);
    const Gaussian pi = th::ou_stationary(p);
    const double est = law_err(pi, m_inf, S_inf, start);
    wst.update(est, "d=" + std::to_string(d));
    EXPECT_LE(est, kIllConditionedRelTol) << "d=" << d;
    for (double t : {1e3 / dr.a.minCoeff(), inf}) {
      const Gaussian law = th::ou_law(start, t, p);
      const std::string where = "OuMatrix d=" + std::to_string(d) + " t=" + std::to_string(t);
      ASSERT_TRUE(law.mean.allFinite() && law.cov.allFinite()) << where;
      const double e = law_err(law, m_inf, S_inf, start);
      wm.update(e, where);
      EXPECT_LE(e, kIllConditionedRelTol) << where;
      EXPECT_LE(max_rel(law.cov, pi.cov), kIllConditionedRelTol) << where;
    }
  }
  record(wp, "ou_law_params_long_time");
  record(wm, "ou_law_matrix_long_time");
  record(wst, "ou_stationary_matrix");
}

TEST(OuEdge, IsotropicMatrixDriftMatchesScalarOverloadAcrossTimeScales) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 12);
  WorstError w("ou_law(OuMatrix{a I}) vs ou_law(OuParams{a}), relative");
  for (int d : {1, kBigDim}) {
    const Gaussian start = start_law(d, gen);
    for (double a : {kAMin, 1.0, kAMax}) {
      const OuParams ps{a, kLambda};
      const OuMatrix pm{a * Eigen::MatrixXd::Identity(d, d), kLambda};
      for (double t : {0.0, kShortTime, 1e-3 / a, 1.0 / a, 1e3 / a}) {
        const Gaussian want = th::ou_law(start, t, ps), got = th::ou_law(start, t, pm);
        const std::string where = "d=" + std::to_string(d) + " a=" + std::to_string(a) + " a t=" + std::to_string(a * t);
        const double e = law_err(got, want.mean.cast<LD>(), to_ld(want.cov), start);
        w.update(e, where);
        EXPECT_LE(e, kClosedFormRelTol) << where;
      }
    }
  }
  record(w, "ou_law_matrix_vs_params");
}

// The ULA law after k steps, in long double, in the eigenbasis (Q, a) of A: with r_i = 1 - eta a_i,
// S_k = Q [ (r_i r_j)^k (Qᵀ S0 Q)_ij + delta_ij v_i (1 - r_i^{2k}) ] Qᵀ, v_i = (lambda/a_i)/(1 - eta a_i/2).
// r_i^k is exp(k log1p(-eta a_i)) for r_i > 0, so that 1 - eta a_i ~ 1 - 1e-8 loses nothing.
std::pair<VectorLD, MatrixLD> ula_ref(const Gaussian& start, unsigned long long k, LD eta, const Drift& dr, LD lambda) {
  const MatrixLD Q = to_ld(dr.Q);
  const int d = static_cast<int>(dr.a.size());
  VectorLD rk(d), stat(d);
  for (int i = 0; i < d; ++i) {
    const LD x = eta * static_cast<LD>(dr.a(i)), v = lambda / static_cast<LD>(dr.a(i)) / (1 - x / 2);
    if (x < 1) {
      const LD lr = std::log1p(-x);
      rk(i) = std::exp(static_cast<LD>(k) * lr);
      stat(i) = -v * std::expm1(2 * static_cast<LD>(k) * lr);
    } else {
      rk(i) = std::pow(1 - x, static_cast<LD>(k));
      stat(i) = v * (1 - rk(i) * rk(i));
    }
  }
  const VectorLD m = Q * (rk.array() * (Q.transpose() * start.mean.cast<LD>()).array()).matrix();
  MatrixLD S = rk.asDiagonal() * (Q.transpose() * to_ld(start.cov) * Q) * rk.asDiagonal();
  S.diagonal() += stat;
  return {m, Q * S * Q.transpose()};
}

// Step sizes as fractions of the stability limit 2 / a_max (1.9 / a_max makes r negative).
constexpr double kEtaTimesAMax[] = {0.5, 1.0, 1.9};

TEST(UlaEdge, ZeroStepsIsTheStart) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 20);
  WorstError w("ula_law(k=0) vs start, relative");
  for (int d : {1, kBigDim}) {
    const Gaussian start = start_law(d, gen);
    const Drift dr = ill_conditioned_drift(d, gen);
    for (double f : kEtaTimesAMax) {
      const double eta = f / dr.a.maxCoeff();
      const Gaussian law = th::ula_law(start, 0, eta, dr.ou());
      const std::string where = "d=" + std::to_string(d) + " eta a_max=" + std::to_string(f);
      const double e = std::max(max_rel(law.mean, start.mean), max_rel(law.cov, start.cov));
      w.update(e, where);
      EXPECT_LE(e, kRoundTripRelTol) << where;
    }
  }
  record(w, "ula_law_k0");
}

TEST(UlaEdge, LargeKApproachesTheStationaryLaw) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 21);
  WorstError wl("ula_law(k) vs long-double per-eigendirection solution, relative"),
      ws("ula_law(k=4e9) vs ula_stationary, relative");
  // eta a_min >= 0.5 * 1e-8, so r_min^{2k} <= exp(-2 k 5e-9) = e^{-40} at k = 4e9.
  const unsigned ks[] = {1u, 10u, 1000u, 100000u, 10000000u, 100000000u, 1000000000u, 4000000000u};
  for (int d : {1, kBigDim}) {
    const Gaussian start = start_law(d, gen);
    const Drift dr = ill_conditioned_drift(d, gen);
    const OuMatrix p = dr.ou();
    for (double f : kEtaTimesAMax) {
      const double eta = f / dr.a.maxCoeff();
      const Gaussian stat = th::ula_stationary(eta, p);
      double prev = std::numeric_limits<double>::infinity();
      for (unsigned k : ks) {
        const Gaussian law = th::ula_law(start, k, eta, p);
        const auto [m, S] = ula_ref(start, k, eta, dr, kLambda);
        const std::string where = "d=" + std::to_string(d) + " eta a_max=" + std::to_string(f) + " k=" + std::to_string(k);
        const double e = law_err(law, m, S, start);
        wl.update(e, where);
        EXPECT_LE(e, kIllConditionedRelTol) << where;
        // ||S_k - S_inf||_F = ||R^k (S_0 - S_inf) R^k||_F is non-increasing in k (|r_i| < 1).
        const double dist = (law.cov - stat.cov).norm() + (law.mean - stat.mean).norm();
        EXPECT_LE(dist, prev * (1.0 + kIllConditionedRelTol) + kIllConditionedRelTol * stat.cov.norm()) << where;
        prev = dist;
      }
      const Gaussian law = th::ula_law(start, ks[std::size(ks) - 1], eta, p);
      const std::string where = "d=" + std::to_string(d) + " eta a_max=" + std::to_string(f);
      const double e = law_err(law, stat.mean.cast<LD>(), to_ld(stat.cov), start);
      ws.update(e, where);
      EXPECT_LE(e, kIllConditionedRelTol) << where;
    }
  }
  record(wl, "ula_law_large_k");
  record(ws, "ula_law_vs_stationary");
}

TEST(UlaEdge, StationaryLawIsAFixedPointOfOneStep) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 22);
  WorstError wref("ula_stationary vs Q diag(v_inf) Q^T (long double), relative"),
      wfix("ula_stationary vs one recursion step of itself (long double), relative"),
      wlaw("ula_law(ula_stationary, k=1) vs ula_stationary, relative");
  for (int d : {1, kBigDim}) {
    const Drift dr = ill_conditioned_drift(d, gen);
    const OuMatrix p = dr.ou();
    const MatrixLD A = to_ld(p.A), I = MatrixLD::Identity(d, d);
    for (double f : kEtaTimesAMax) {
      const double eta = f / dr.a.maxCoeff();
      const std::string where = "d=" + std::to_string(d) + " eta a_max=" + std::to_string(f);
      const Gaussian s = th::ula_stationary(eta, p);
      VectorLD v(d);
      for (int i = 0; i < d; ++i) v(i) = static_cast<LD>(kLambda) / dr.a(i) / (1 - static_cast<LD>(eta) * dr.a(i) / 2);
      const MatrixLD S_inf = to_ld(dr.Q) * v.asDiagonal() * to_ld(dr.Q).transpose();
      const double er = max_rel(s.cov.cast<LD>(), S_inf);
      wref.update(er, where);
      EXPECT_LE(er, kIllConditionedRelTol) << where;
      EXPECT_EQ(s.mean, Eigen::VectorXd::Zero(d)) << where;
      const MatrixLD R = I - static_cast<LD>(eta) * A;
      const MatrixLD step = R * s.cov.cast<LD>() * R + 2 * static_cast<LD>(eta) * kLambda * I;
      const double ef = max_rel(step, s.cov.cast<LD>());
      wfix.update(ef, where);
      EXPECT_LE(ef, kIllConditionedRelTol) << where;
      const Gaussian one = th::ula_law(s, 1, eta, p);
      const double el = std::max(max_rel(one.cov, s.cov), one.mean.cwiseAbs().maxCoeff());
      wlaw.update(el, where);
      EXPECT_LE(el, kIllConditionedRelTol) << where;
    }
  }
  record(wref, "ula_stationary");
  record(wfix, "ula_stationary_fixed_point");
  record(wlaw, "ula_law_one_step_from_stationary");
}

// W2 bias of ULA: W2²(N(0, S_inf), N(0, lambda A⁻¹)) between ULA's stationary law and the Gibbs
// law, both built here as Q diag(.) Qᵀ on the eigenvectors of the condition-1e8 drift (the
// commuting case), against sum_i (sqrt(v_inf,i) - sqrt(lambda/a_i))² in long double. The bias
// sits in the stiff directions (variances ~ lambda/a_max = 5e-3) while tr S ~ 1.6e6: nearly
// singular covariances that differ only in their small directions.
TEST(UlaEdge, W2BiasOfTheStationaryLawMatchesTheCommutingFormula) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  Rng gen(seed + 23);
  WorstError w("w2_squared(ULA stationary, Gibbs), d=50 cond 1e8, relative");
  const Drift dr = ill_conditioned_drift(kBigDim, gen);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(kBigDim);
  for (double f : {0.1, 1.0, 1.9}) {
    const double eta = f / dr.a.maxCoeff();
    Eigen::VectorXd v(kBigDim), g(kBigDim);
    for (int i = 0; i < kBigDim; ++i) {
      g(i) = kLambda / dr.a(i);
      v(i) = g(i) / (1.0 - 0.5 * eta * dr.a(i));
    }
    const Gaussian ula{zero, rotated_diag(dr.Q, v)}, gibbs{zero, rotated_diag(dr.Q, g)};
    const Ref want = w2_ref(zero, v, zero, g);
    const double got = th::w2_squared(ula, gibbs), e = rel_err_ld(got, want.value);
    const std::string where = "eta a_max=" + std::to_string(f);
    w.update(e, where);
    EXPECT_LE(e, kIllConditionedRelTol + kCancellationRelTol * static_cast<double>(want.magnitude / want.value))
        << where << ": got " << got << ", want " << static_cast<double>(want.value);
  }
  record(w, "w2_ula_bias");
}

}  // namespace
}  // namespace test_edge_cases
