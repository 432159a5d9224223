// Tests for verify/estimators/kl.hpp: KL estimators from particles against pi = N(0, v I).
//
// Oracles:
//  - theory::kl (closed form) for the population value;
//  - the exact finite-sample mean of gaussian_fit_kl on Gaussian data, from E|x̄|² = |m|² + tr S/n
//    and the Wishart log-determinant E ln det Ŝ = ln det S + Σ_{i=1..d} [ψ((n-i)/2) + ln(2/(n-1))]
//    (Anderson, "An Introduction to Multivariate Statistical Analysis", 3rd ed., §7.5); its
//    large-n form is the documented bias d(d+3)/(4n) at p = pi;
//  - the asymptotic variance of a plug-in KL estimate, Var_p[log(p/pi)] / n, which for
//    p = N(m, S), pi = N(0, v I) is [mᵀ S m / v² + ½ tr((S/v - I)²)] / n (delta method; the same
//    expression for the Gaussian fit and, up to O(bin width²), for the histogram);
//  - for histogram_kl_1d, the binned population KL Σ P_j log(P_j/Q_j) on the estimator's own bin
//    edges (data processing: <= KL), and a long-double erfc reference in the far tails where
//    double erfc underflows.
// Statistical assertions use 6 standard errors (normal false-alarm rate 2e-9) with a fixed seed.

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"
#include "verify/estimators/kl.hpp"
#include "verify/tests/verify_test_support.hpp"
#include "lib/linalg/dense.hpp"

namespace test_estimators {  // named per file: a unity build keeps the files' helpers apart
namespace {

namespace est = ldbench::verify::estimators;
namespace th = ldbench::theory;
using est::KlEstimator;
using ldbench::verify::test::seed_msg;
using ldbench::verify::test::test_seed;
using ldbench::verify::test::throws_invalid_argument_naming;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Number of standard errors allowed in statistical comparisons: a normal deviation beyond 6 SE
// has probability 2e-9, so a failure means a wrong estimator, not bad luck.
constexpr double kZ = 6.0;

// n samples of N(m, S) as a d x n matrix (x = m + L z, L L' = S).
Eigen::MatrixXd sample_gaussian(const th::Gaussian& g, long n, std::mt19937_64& gen) {
  const long d = g.dim();
  const Eigen::MatrixXd L = ldbench::lib::linalg::Cholesky(g.cov).matrixL();
  std::normal_distribution<double> nd;
  Eigen::MatrixXd Z(d, n);
  for (long i = 0; i < n; ++i)
    for (long k = 0; k < d; ++k) Z(k, i) = nd(gen);
  return (L * Z).colwise() + g.mean;
}

// Exact E[gaussian_fit_kl] - KL(p||pi) for n Gaussian samples of p = N(m, S), pi = N(0, v I):
// ½ [tr S / (n v) - Σ_{i=1..d} (ψ((n-i)/2) + ln(2/(n-1)))]. (E tr Ŝ = tr S: unbiased covariance.)
double exact_fit_bias(const th::Gaussian& p, long n, double v) {
  const double nn = static_cast<double>(n);
  double s = p.cov.trace() / (nn * v);
  for (long i = 1; i <= p.dim(); ++i)
    s -= boost::math::digamma((nn - static_cast<double>(i)) / 2.0) + std::log(2.0 / (nn - 1.0));
  return 0.5 * s;
}

// n Var[plug-in KL estimate] -> Var_p[log p/pi] = mᵀ S m / v² + ½ tr((S/v - I)²).
double kl_asymptotic_variance(const th::Gaussian& p, double v) {
  const Eigen::MatrixXd D = p.cov / v - Eigen::MatrixXd::Identity(p.dim(), p.dim());
  return p.mean.dot(p.cov * p.mean) / (v * v) + 0.5 * (D * D).trace();
}

double mean_of(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size()); }
double sd_of(const std::vector<double>& x) {
  const double m = mean_of(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

th::Gaussian gauss1(double m, double s2) { return th::Gaussian::isotropic(1, m, s2); }
th::Gaussian gauss3() {
  Eigen::MatrixXd S(3, 3);
  S << 1.5, 0.3, -0.2,  //
      0.3, 0.8, 0.1,    //
      -0.2, 0.1, 0.5;
  Eigen::VectorXd m(3);
  m << 0.5, -0.3, 0.2;
  return {m, S};
}

// ------------------------------------------------------------------------------------------
// gaussian_fit_kl
// ------------------------------------------------------------------------------------------

// R = 20 replicas of n = 200000 samples: the replica mean must lie within 6 SE of
// KL + exact bias (SE from the delta-method variance / sqrt(nR); normal by the CLT), and the
// replica spread must match the delta-method standard deviation (chi-square band at 1e-6).
TEST(GaussianFitKl, MatchesClosedFormOnLargeSamples) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  constexpr long kN = 200000;
  constexpr int kR = 20;
  struct Case {
    th::Gaussian p;
    double v;
  };
  for (const Case& c : {Case{gauss1(0.5, 2.0), 1.0}, Case{gauss3(), 1.3}}) {
    const double kl = th::kl(c.p, th::Gaussian::isotropic(c.p.dim(), 0.0, c.v));
    const double bias = exact_fit_bias(c.p, kN, c.v);
    const double sd1 = std::sqrt(kl_asymptotic_variance(c.p, c.v) / static_cast<double>(kN));
    std::vector<double> e;
    for (int r = 0; r < kR; ++r) e.push_back(est::gaussian_fit_kl(sample_gaussian(c.p, kN, gen), c.v));
    const double mean = mean_of(e), se = sd1 / std::sqrt(static_cast<double>(kR));
    EXPECT_LE(std::abs(mean - kl - bias), kZ * se)
        << "d = " << c.p.dim() << ": mean " << mean << ", KL " << kl << ", bias " << bias << ", SE " << se << "; "
        << seed_msg(seed);
    // Spread: s² / sd1² ~ chi²_{R-1}.
    const boost::math::chi_squared_distribution<double> chi(kR - 1);
    const double stat = (kR - 1) * std::pow(sd_of(e) / sd1, 2);
    EXPECT_GE(stat, boost::math::quantile(chi, 0.5e-6)) << "d = " << c.p.dim() << "; " << seed_msg(seed);
    EXPECT_LE(stat, boost::math::quantile(boost::math::complement(chi, 0.5e-6)))
        << "d = " << c.p.dim() << "; " << seed_msg(seed);
  }
}

// At p = pi, 2n KL-estimate is asymptotically chi² with k = d(d+3)/2 degrees of freedom, so its
// mean is the documented bias d(d+3)/(4n). R = 1000 replicas of n = 1000 measure the mean to a
// relative SE of sqrt(2/k / R) (3% in d = 1, 1.5% in d = 3); the documented (asymptotic) bias and
// the exact finite-n mean differ by O(d³/n²), added to the tolerance. Power: the plausible wrong
// formulas d(d+1)/(4n) (mean term forgotten) and d/(2n) (covariance term forgotten) are rejected.
TEST(GaussianFitKl, BiasAtTargetMatchesDocumentedFormula) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  constexpr long kN = 1000;
  constexpr int kR = 1000;
  const double n = static_cast<double>(kN);
  for (int d : {1, 3}) {
    constexpr double kV = 0.7;
    const auto pi = th::Gaussian::isotropic(d, 0.0, kV);
    std::vector<double> e;
    for (int r = 0; r < kR; ++r) e.push_back(est::gaussian_fit_kl(sample_gaussian(pi, kN, gen), kV));
    const double mean = mean_of(e), se = sd_of(e) / std::sqrt(static_cast<double>(kR));
    const double documented = d * (d + 3) / (4.0 * n);
    const double exact = exact_fit_bias(pi, kN, kV);
    const double tol = kZ * se + std::abs(exact - documented);
    EXPECT_LE(std::abs(mean - documented), tol)
        << "d = " << d << ": mean " << mean << ", documented " << documented << ", exact " << exact << ", SE " << se
        << "; " << seed_msg(seed);
    EXPECT_LE(std::abs(mean - exact), kZ * se) << "d = " << d << "; " << seed_msg(seed);
    EXPECT_GT(std::abs(mean - d * (d + 1) / (4.0 * n)), tol) << "d = " << d << ": test has no power";
    EXPECT_GT(std::abs(mean - d / (2.0 * n)), tol) << "d = " << d << ": test has no power";
  }
}

// Permuting the samples only reorders the sums behind the mean and covariance: equal up to
// rounding, i.e. a few ulps of the O(1) terms of the closed form.
constexpr double kPermutationAbsTol = 1e-12;

TEST(GaussianFitKl, InvariantUnderPermutationOfSamples) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  const auto X = sample_gaussian(gauss3(), 5000, gen);
  std::vector<long> idx(static_cast<std::size_t>(X.cols()));
  std::iota(idx.begin(), idx.end(), 0L);
  std::shuffle(idx.begin(), idx.end(), gen);
  Eigen::MatrixXd Y(X.rows(), X.cols());
  for (long i = 0; i < X.cols(); ++i) Y.col(i) = X.col(idx[static_cast<std::size_t>(i)]);
  const double a = est::gaussian_fit_kl(X, 1.1), b = est::gaussian_fit_kl(Y, 1.1);
  EXPECT_NEAR(a, b, kPermutationAbsTol) << seed_msg(seed);
  EXPECT_GT(a, 0.1);  // a non-trivial value, so the comparison means something
}

TEST(GaussianFitKl, RejectsInvalidInput) {
  std::mt19937_64 gen(test_seed());
  const auto X = sample_gaussian(gauss3(), 5, gen);  // n = 5 > d + 1 = 4: smallest valid size
  EXPECT_NO_THROW(est::gaussian_fit_kl(X, 1.0));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { est::gaussian_fit_kl(X.leftCols(4), 1.0); }, "samples"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { est::gaussian_fit_kl(X.leftCols(1), 1.0); }, "samples"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { est::gaussian_fit_kl(Eigen::MatrixXd(0, 10), 1.0); }, "samples"));
  for (double bad : {kNaN, kInf}) {
    Eigen::MatrixXd Y = X;
    Y(1, 2) = bad;
    EXPECT_TRUE(throws_invalid_argument_naming([&] { est::gaussian_fit_kl(Y, 1.0); }, "non-finite")) << bad;
  }
  for (double v : {0.0, -1.0, kNaN, kInf})
    EXPECT_TRUE(throws_invalid_argument_naming([&] { est::gaussian_fit_kl(X, v); }, "v:")) << "v = " << v;
}

// ------------------------------------------------------------------------------------------
// histogram_kl_1d
// ------------------------------------------------------------------------------------------

// log of the N(0, v) mass of [a, b] in long double (80-bit on x86-64: erfcl does not underflow
// before |x| ~ 106, so the far tails need no asymptotic series). An independent reference for
// the estimator's double-precision log_erfc / log1p construction.
long double ref_log_mass(long double a, long double b, long double v) {
  const long double s = std::sqrt(2.0L * v);
  long double m;
  if (a >= 0)
    m = 0.5L * (std::erfc(a / s) - std::erfc(b / s));
  else if (b <= 0)
    m = 0.5L * (std::erfc(-b / s) - std::erfc(-a / s));
  else
    m = 1.0L - 0.5L * std::erfc(-a / s) - 0.5L * std::erfc(b / s);
  return std::log(m);
}

// The documented bin layout: B = ceil(2 n^{1/3}) equal-width bins on [min, max], outer bins
// extended to ±inf.
struct Bins {
  long B;
  double lo, w;
  double edge(long j) const {
    if (j <= 0) return -kInf;
    if (j >= B) return kInf;
    return lo + w * static_cast<double>(j);
  }
};
Bins bins_of(const Eigen::MatrixXd& X) {
  const long B = static_cast<long>(std::ceil(2.0 * std::cbrt(static_cast<double>(X.cols()))));
  return {B, X.minCoeff(), (X.maxCoeff() - X.minCoeff()) / static_cast<double>(B)};
}

// Population binned KL Σ P_j r_j, r_j = log(P_j / Q_j), of p = N(mu, s2) against N(0, v) on given
// bins, and the variance Σ P_j r_j² - (Σ P_j r_j)² of the binned log-ratio: n times the
// asymptotic variance of the plug-in estimate on these bins (delta method). It can be far larger
// than Var_p[log p/pi] when the log-ratio jumps between bins, as at the bin extended towards pi's
// mode for far-away samples.
struct BinnedKl {
  double kl;
  double var;
};
BinnedKl binned_population(const Bins& b, double mu, double s2, double v) {
  long double m1 = 0, m2 = 0;
  for (long j = 0; j < b.B; ++j) {
    const long double lp = ref_log_mass(b.edge(j) - mu, b.edge(j + 1) - mu, s2);
    const long double r = lp - ref_log_mass(b.edge(j), b.edge(j + 1), v);
    m1 += std::exp(lp) * r;
    m2 += std::exp(lp) * r * r;
  }
  return {static_cast<double>(m1), static_cast<double>(m2 - m1 * m1)};
}

// N(1, 0.5) against N(0, 1), n = 100000, R = 10 replicas. Sources of deviation from KL:
//  - binning (data processing): the population binned KL on the estimator's own edges is below
//    KL; the gap is ≈ w² I(p||pi) / 24 ≈ 3e-4 here. Computed exactly per replica and allowed for
//    on the low side;
//  - plug-in bias ≈ +(B - 1)/(2n) ≈ 5e-4, allowed for on the high side;
//  - noise: SE = sqrt(Var[binned log-ratio] / (n R)) ≈ 8e-4 (delta method; here close to
//    Var_p[log p/pi] = 0.625).
TEST(HistogramKl, MatchesClosedFormOnLargeSamples) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  constexpr long kN = 100000;
  constexpr int kR = 10;
  constexpr double kV = 1.0;
  const auto p = gauss1(1.0, 0.5);
  const double kl = th::kl(p, gauss1(0.0, kV));
  std::vector<double> e, pop, var;
  long B = 0;
  for (int r = 0; r < kR; ++r) {
    const auto X = sample_gaussian(p, kN, gen);
    e.push_back(est::histogram_kl_1d(X, kV));
    const auto bins = bins_of(X);
    B = bins.B;
    const auto bp = binned_population(bins, 1.0, 0.5, kV);
    pop.push_back(bp.kl);
    var.push_back(bp.var);
    EXPECT_LT(bp.kl, kl) << "data processing inequality; " << seed_msg(seed);
  }
  const double mean = mean_of(e), binned = mean_of(pop);
  const double se = std::sqrt(mean_of(var) / (static_cast<double>(kN) * kR));
  const double plugin_bias = static_cast<double>(B - 1) / (2.0 * kN);
  EXPECT_LE(mean, kl + plugin_bias + kZ * se) << "KL " << kl << ", SE " << se << "; " << seed_msg(seed);
  EXPECT_GE(mean, binned - kZ * se) << "KL " << kl << ", binned " << binned << ", SE " << se << "; "
                                    << seed_msg(seed);
  // The binning loss itself is small (w² I / 24 ≈ 3e-4 of 0.6): a sanity bound on the oracle.
  EXPECT_LT(kl - binned, 2e-3 * kl) << seed_msg(seed);
}

// At p = pi every population bin mass equals the target mass, so the estimate is the plug-in
// divergence Σ p̂_j log(p̂_j / P_j), whose mean is the documented (B - 1)/(2n) plus the O(1/n²)
// term (Σ_j 1/P_j - 1)/(12 n²) of the plug-in entropy bias (Harris 1975), ≈ 1-2% here because of
// the low-mass outer bins; kHarrisAllowance = 5% of the bias covers it. R = 1000 replicas of
// n = 1000 (B = 20) give a relative SE of ~1%. Power: a bin count of n^{1/3} instead of
// 2 n^{1/3} halves the bias.
constexpr double kHarrisAllowance = 0.05;

TEST(HistogramKl, BiasAtTargetMatchesDocumentedFormula) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  constexpr long kN = 1000;
  constexpr int kR = 1000;
  constexpr double kV = 2.0;
  const auto pi = gauss1(0.0, kV);
  std::vector<double> e;
  for (int r = 0; r < kR; ++r) e.push_back(est::histogram_kl_1d(sample_gaussian(pi, kN, gen), kV));
  const long B = static_cast<long>(std::ceil(2.0 * std::cbrt(static_cast<double>(kN))));
  const double documented = static_cast<double>(B - 1) / (2.0 * kN);
  const double se = sd_of(e) / std::sqrt(static_cast<double>(kR));
  const double mean = mean_of(e);
  EXPECT_LE(std::abs(mean - documented), kZ * se + kHarrisAllowance * documented)
      << "mean " << mean << ", documented " << documented << ", SE " << se << "; " << seed_msg(seed);
}

TEST(HistogramKl, InvariantUnderPermutationOfSamples) {
  // Counts, minimum and maximum do not depend on the order: bit-identical.
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  Eigen::MatrixXd X = sample_gaussian(gauss1(0.3, 2.0), 3000, gen);
  const double a = est::histogram_kl_1d(X, 1.0);
  std::shuffle(X.data(), X.data() + X.size(), gen);
  EXPECT_EQ(est::histogram_kl_1d(X, 1.0), a) << seed_msg(seed);
}

// Deterministic samples with a known histogram: one sample at each end of [c - L, c + L] and
// counts cnt_j at the bin centres. The estimator's value is compared with Σ p_j log(p_j / Q_j)
// computed with long-double erfc. Allowed difference: log_erfc's asymptotic series (used for
// x / sqrt(2v) >= 20) is documented to truncate below 1e-9 relative in erfc, i.e. 1e-9 absolute
// in each log Q_j, hence in the p-weighted sum; plus rounding of terms ~ c²/2 (~1e-13 relative).
constexpr double kTailAbsTol = 2e-9;
constexpr double kTailRelTol = 1e-12;

TEST(HistogramKl, FarTailsMatchLongDoubleReference) {
  if (std::numeric_limits<long double>::min_exponent10 > -1000)
    GTEST_SKIP() << "long double has no extended exponent range on this platform";
  constexpr long kN = 1200;  // not a cube, so B = ceil(2 n^{1/3}) = 22 has no rounding ambiguity
  struct Case {
    double c, L, v;
  };
  // Far right and far left of N(0, 1) (erfc underflows in double), straddling log_erfc's branch
  // point x = 20 sqrt(2v), where double erfc is subnormal (x / sqrt(2v) in [26.9, 27.7]: only
  // ~5 significant digits), and a central case where the bins straddle the mode.
  for (const Case& k : {Case{60, 0.5, 1.0}, Case{-60, 0.5, 1.0}, Case{20 * std::sqrt(2.0), 0.5, 1.0},
                        Case{27.3 * std::sqrt(2.0), 0.5, 1.0}, Case{50, 1.0, 2.5}, Case{0.3, 3.0, 2.5}}) {
    const long B = static_cast<long>(std::ceil(2.0 * std::cbrt(static_cast<double>(kN))));
    ASSERT_EQ(B, 22);
    const double lo = k.c - k.L, hi = k.c + k.L, w = (hi - lo) / static_cast<double>(B);
    std::vector<long> cnt(static_cast<std::size_t>(B));
    long total = 2;  // the two end samples
    for (long j = 0; j + 1 < B; ++j) {  // a hump-shaped histogram
      const double u = (static_cast<double>(j) + 0.5) / static_cast<double>(B) - 0.5;
      cnt[static_cast<std::size_t>(j)] = 1 + static_cast<long>(std::lround(100.0 * std::exp(-12.0 * u * u)));
      total += cnt[static_cast<std::size_t>(j)];
    }
    cnt[static_cast<std::size_t>(B - 1)] = kN - total;
    ASSERT_GT(cnt[static_cast<std::size_t>(B - 1)], 0);
    Eigen::MatrixXd X(1, kN);
    long i = 0;
    X(0, i++) = lo;
    X(0, i++) = hi;
    for (long j = 0; j < B; ++j)
      for (long r = 0; r < cnt[static_cast<std::size_t>(j)]; ++r) X(0, i++) = lo + (static_cast<double>(j) + 0.5) * w;
    ASSERT_EQ(i, kN);
    cnt[0] += 1;                                // the minimum falls in bin 0
    cnt[static_cast<std::size_t>(B - 1)] += 1;  // the maximum in the last bin
    const Bins bins{B, lo, w};
    long double ref = 0;
    for (long j = 0; j < B; ++j) {
      const long double pj = static_cast<long double>(cnt[static_cast<std::size_t>(j)]) / kN;
      ref += pj * (std::log(pj) - ref_log_mass(bins.edge(j), bins.edge(j + 1), k.v));
    }
    const double got = est::histogram_kl_1d(X, k.v);
    ASSERT_TRUE(std::isfinite(got)) << "c = " << k.c;
    EXPECT_NEAR(got, static_cast<double>(ref), kTailAbsTol + kTailRelTol * std::abs(static_cast<double>(ref)))
        << "c = " << k.c << ", v = " << k.v;
  }
}

// Samples of N(±60, 0.01) against N(0, 1): the density ratio is astronomically large but the
// estimate must be large and FINITE (no -log(0) = inf, no NaN) and close to
// KL = ½ [0.01 + 3600 - 1 - ln 0.01] ≈ 1801.8, dominated by the cross-entropy term 60²/2.
//  - High side: <= KL + plug-in bias + 6 SE, SE from the variance of the binned log-ratio
//    (≈ 2.8 here, not sqrt(Var_p[log p/pi] / n) ≈ 0.19: the log-ratio jumps by ~1800 between the
//    outer bin and its neighbour, so the outer bin's count noise dominates).
//  - Low side: binning only loses information (data processing), mainly through the bin extended
//    towards pi's mode: its pi-mass is ≈ 1, so its samples lose their x²/2 cross-entropy. It
//    holds the sample extreme plus the p-mass of one bin width (range / 20 ≈ 0.3 sd) beyond it,
//    typically 0.2-0.3% of n (measured: 0.27% mean loss over 300 seeds); a 3% loss would need
//    the sample extreme on pi's side within 1.9 sd of the centre (probability ~1e-13). The precise value is tested
//    deterministically in FarTailsMatchLongDoubleReference.
constexpr double kOuterBinRelAllowance = 0.03;

TEST(HistogramKl, FarAwaySamplesGiveLargeFiniteValue) {
  if (std::numeric_limits<long double>::min_exponent10 > -1000)
    GTEST_SKIP() << "long double has no extended exponent range on this platform";
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  constexpr long kN = 1000;
  constexpr double kS2 = 0.01;
  for (double c : {60.0, -60.0}) {
    const auto p = gauss1(c, kS2);
    const double kl = th::kl(p, gauss1(0.0, 1.0));
    const auto X = sample_gaussian(p, kN, gen);
    const double got = est::histogram_kl_1d(X, 1.0);
    ASSERT_TRUE(std::isfinite(got)) << "c = " << c << "; " << seed_msg(seed);
    const auto bins = bins_of(X);
    const auto bp = binned_population(bins, c, kS2, 1.0);
    const double se = std::sqrt(bp.var / kN);
    const double plugin_bias = static_cast<double>(bins.B - 1) / (2.0 * kN);
    EXPECT_LE(got, kl + plugin_bias + kZ * se)
        << "c = " << c << ", KL " << kl << ", SE " << se << "; " << seed_msg(seed);
    EXPECT_GE(got, (1 - kOuterBinRelAllowance) * kl) << "c = " << c << ", KL " << kl << "; " << seed_msg(seed);
    EXPECT_LE(bp.kl, kl) << "data processing inequality; c = " << c << "; " << seed_msg(seed);
  }
}

TEST(HistogramKl, RejectsInvalidInput) {
  std::mt19937_64 gen(test_seed());
  const auto X = sample_gaussian(gauss1(0.0, 1.0), 16, gen);  // n = 16: smallest valid size
  EXPECT_NO_THROW(est::histogram_kl_1d(X, 1.0));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { est::histogram_kl_1d(X.leftCols(15), 1.0); }, "16"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { est::histogram_kl_1d(sample_gaussian(gauss3(), 100, gen), 1.0); }, "d = 1"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { est::histogram_kl_1d(Eigen::MatrixXd(0, 100), 1.0); }, "d = 1"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { est::histogram_kl_1d(Eigen::MatrixXd::Constant(1, 50, 1.5), 1.0); },
                                             "spread"));
  for (double bad : {kNaN, kInf, -kInf}) {
    Eigen::MatrixXd Y = X;
    Y(0, 7) = bad;
    EXPECT_TRUE(throws_invalid_argument_naming([&] { est::histogram_kl_1d(Y, 1.0); }, "non-finite")) << bad;
  }
  for (double v : {0.0, -1.0, kNaN, kInf})
    EXPECT_TRUE(throws_invalid_argument_naming([&] { est::histogram_kl_1d(X, v); }, "v:")) << "v = " << v;
}

// ------------------------------------------------------------------------------------------
// Registry
// ------------------------------------------------------------------------------------------

TEST(KlEstimatorRegistry, NamesRoundTrip) {
  EXPECT_EQ(est::to_string(KlEstimator::gaussian_fit), "gaussian_fit_kl");
  EXPECT_EQ(est::to_string(KlEstimator::histogram), "histogram_kl");
  for (KlEstimator e : {KlEstimator::gaussian_fit, KlEstimator::histogram})
    EXPECT_EQ(est::kl_estimator_from_string(est::to_string(e)), e);
}

TEST(KlEstimatorRegistry, UnknownNameListsAllowedNames) {
  for (const char* bad : {"", "gaussian", "Histogram_KL", "knn"}) {
    std::string quoted(1, '\'');  // built with += : GCC 12 warns falsely (-Wrestrict) on "'" + s
    quoted += bad;
    quoted += '\'';
    EXPECT_TRUE(throws_invalid_argument_naming([&] { est::kl_estimator_from_string(bad); }, quoted));
    EXPECT_TRUE(throws_invalid_argument_naming([&] { est::kl_estimator_from_string(bad); }, "gaussian_fit_kl"));
    EXPECT_TRUE(throws_invalid_argument_naming([&] { est::kl_estimator_from_string(bad); }, "histogram_kl"));
  }
}

TEST(KlEstimatorRegistry, EstimateKlDispatches) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 gen(seed);
  const auto X = sample_gaussian(gauss1(0.4, 1.5), 500, gen);
  EXPECT_EQ(est::estimate_kl(KlEstimator::gaussian_fit, X, 1.2), est::gaussian_fit_kl(X, 1.2));
  EXPECT_EQ(est::estimate_kl(KlEstimator::histogram, X, 1.2), est::histogram_kl_1d(X, 1.2));
  EXPECT_NE(est::gaussian_fit_kl(X, 1.2), est::histogram_kl_1d(X, 1.2));
}

}  // namespace
}  // namespace test_estimators
