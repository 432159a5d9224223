// Tests for lib/rng/philox.hpp: the Philox4x32-10 block cipher (known-answer vectors), the
// fixed-point uniform map, Box–Muller normals (goodness of fit and independence), and the
// indexing contract of NormalStream (DESIGN.md §4 item 8).
//
// Statistical tests draw from counters that differ in the particle and step words only (the
// pattern the integrators use), with a fixed key, and reject at false-alarm rate kFalseAlarm.

#include <gtest/gtest.h>

#include <Random123/uniform.hpp>
#include <algorithm>
#include <array>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <set>
#include <vector>

#include "lib/rng/philox.hpp"
#include "lib/tests/test_support.hpp"

namespace test_rng {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::lib::rng;
using namespace ldbench::lib::test;

// Absolute error allowed between normal2 and Box–Muller evaluated here with std::sin/std::cos
// instead of Random123's sincos(pi x): a few ulps of the radius r (<= ~9), so 1e-14 (1 + r).
constexpr double kBoxMullerAbsTol = 1e-14;

// Independence checks: a sample correlation of independent N(0, 1) variables has standard error
// 1/sqrt(n); accept |corr| < kIndependenceSe / sqrt(n) (two-sided false alarm ~2e-9 each).
constexpr double kIndependenceSe = 6.0;

// Published Kolmogorov critical values are rounded to 4 digits (±5e-5 in x); the tail's slope
// there is at most ~0.3, so the tail at the rounded value is within 2e-5 of the nominal level
// (1e-5 at 1%, 1e-6 at 0.1% where the slope is smaller).
constexpr double kKolmogorovTableTol5 = 2e-5, kKolmogorovTableTol1 = 1e-5, kKolmogorovTableTol01 = 1e-6;

// ---------------------------------------------------------------------------------------------
// Known answers.

// Philox4x32-10 known-answer vectors from Random123's kat_vectors file (lines "philox4x32 10
// <ctr0..3> <key0..1> <out0..3>"). In ldbench's API the counter words are (replica, particle,
// step, draw) and the key words (seed, stream), in that order.
TEST(Philox, KnownAnswerVectors) {
  struct Kat {
    Counter ctr;
    Key key;
    std::array<std::uint32_t, 4> out;
  };
  const Kat kats[] = {
      {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
       {0x00000000, 0x00000000},
       {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Kat& k : kats) {
    const auto w = philox4x32_10(k.ctr, k.key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(w[i], k.out[i]) << "word " << i << " of KAT with ctr0 " << std::hex << k.ctr.replica;
    // The 64-bit words pair (w0, w1) and (w2, w3), low word first.
    const auto u = philox_u64x2(k.ctr, k.key);
    EXPECT_EQ(u[0], static_cast<std::uint64_t>(k.out[0]) | static_cast<std::uint64_t>(k.out[1]) << 32);
    EXPECT_EQ(u[1], static_cast<std::uint64_t>(k.out[2]) | static_cast<std::uint64_t>(k.out[3]) << 32);
  }
}

// The fixed-point uniform map is u -> u 2^-64 + 2^-65, so its range is (0, 1]: the smallest
// value is 2^-65 (never 0, so log(u) in Box–Muller is finite) and the largest rounds to 1.
TEST(Philox, Uniform01MapsIntoHalfOpenUnitInterval) {
  EXPECT_EQ(r123::u01<double>(std::uint64_t{0}), 0x1p-65);
  EXPECT_EQ(r123::u01<double>(~std::uint64_t{0}), 1.0);
  const Key key{test_seed(), 7};
  SCOPED_TRACE(seed_trace(key.seed));
  double lo = 1, hi = 0, sum = 0, sum2 = 0;
  constexpr std::uint32_t n = 200000;  // counters; two uniforms each
  for (std::uint32_t i = 0; i < n; ++i) {
    const Counter c{0, i, 0, 0};
    const auto u = uniform01x2(c, key);
    const auto raw = philox_u64x2(c, key);
    ASSERT_EQ(u[0], static_cast<double>(raw[0]) * 0x1p-64 + 0x1p-65);
    ASSERT_EQ(u[1], static_cast<double>(raw[1]) * 0x1p-64 + 0x1p-65);
    for (double x : u) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      sum += x;
      sum2 += x * x;
    }
  }
  EXPECT_GT(lo, 0.0);
  EXPECT_LE(hi, 1.0);
  // Mean 1/2 and variance 1/12 of U(0, 1): E u = 1/2 with standard error sqrt(1/12 / 2n).
  const double m = sum / (2.0 * n), v = sum2 / (2.0 * n) - m * m;
  EXPECT_NEAR(m, 0.5, z_two_sided() * std::sqrt(1.0 / 12.0 / (2.0 * n)));
  // Var(u²) = 1/5 - 1/9 = 4/45, so the second moment has standard error sqrt(4/45 / 2n).
  EXPECT_NEAR(v + m * m, 1.0 / 3.0, z_two_sided() * std::sqrt(4.0 / 45.0 / (2.0 * n)));
}

// normal2 is Box–Muller on the fixed-point uniforms of the two 64-bit words:
// r = sqrt(-2 ln u01(u1)), angle pi * uneg11(u0), (z0, z1) = (r sin, r cos).
TEST(Philox, Normal2IsBoxMullerOfFixedPointUniforms) {
  const Key key{test_seed(), 2};
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const Counter c{1, i, 3, 0};
    const auto u = philox_u64x2(c, key);
    const double r = std::sqrt(-2.0 * std::log(r123::u01<double>(u[1])));
    const double angle = std::numbers::pi * r123::uneg11<double>(u[0]);
    const auto z = normal2(c, key);
    EXPECT_NEAR(z[0], r * std::sin(angle), kBoxMullerAbsTol * (1.0 + r)) << "counter " << i;
    EXPECT_NEAR(z[1], r * std::cos(angle), kBoxMullerAbsTol * (1.0 + r)) << "counter " << i;
  }
}

// ---------------------------------------------------------------------------------------------
// Goodness of fit of the normals.

// 1e6 normals: components 0 and 1 of normal2 at counters (0, particle, step, 0) for particle <
// 1000, step < 500.
std::vector<double> normal_sample(const Key& key) {
  std::vector<double> z;
  z.reserve(1000000);
  for (std::uint32_t step = 0; step < 500; ++step)
    for (std::uint32_t particle = 0; particle < 1000; ++particle) {
      const auto p = normal2({0, particle, step, 0}, key);
      z.push_back(p[0]);
      z.push_back(p[1]);
    }
  return z;
}

// Pearson chi-square statistic of the sample in `bins` equiprobable N(0, 1) bins.
double chi_square_statistic(const std::vector<double>& z, int bins) {
  const boost::math::normal_distribution<double> n01;
  std::vector<double> edges;
  for (int k = 1; k < bins; ++k) edges.push_back(boost::math::quantile(n01, static_cast<double>(k) / bins));
  std::vector<long> count(bins, 0);
  for (double x : z) ++count[std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()];
  const double expected = static_cast<double>(z.size()) / bins;
  double chi2 = 0;
  for (long c : count) chi2 += (c - expected) * (c - expected) / expected;
  return chi2;
}

// Chi-square goodness of fit, 200 equiprobable bins, 1e6 draws: the statistic is ~chi²(199)
// under H0. Reject if it falls in either tail with total probability kFalseAlarm (a too-small
// statistic means too-regular numbers). Power: the same statistic rejects normals scaled by 1.02
// (noncentrality ~ n (0.02)² E(1 - z²)² = 800, far beyond the critical value ~310).
TEST(NormalGoodnessOfFit, ChiSquare200Bins) {
  const Key key{test_seed(), static_cast<std::uint32_t>(StreamTag::brownian)};
  SCOPED_TRACE(seed_trace(key.seed));
  constexpr int bins = 200;
  const std::vector<double> z = normal_sample(key);
  const boost::math::chi_squared_distribution<double> chi2(bins - 1);
  const double upper = boost::math::quantile(boost::math::complement(chi2, kFalseAlarm / 2));
  const double lower = boost::math::quantile(chi2, kFalseAlarm / 2);
  const double stat = chi_square_statistic(z, bins);
  std::cout << "    [info] chi² = " << stat << " (199 df), acceptance region [" << lower << ", " << upper << "]\n";
  EXPECT_LT(stat, upper);
  EXPECT_GT(stat, lower);
  // Each Box–Muller component on its own (5e5 draws).
  std::vector<double> z0, z1;
  for (std::size_t i = 0; i < z.size(); i += 2) {
    z0.push_back(z[i]);
    z1.push_back(z[i + 1]);
  }
  EXPECT_LT(chi_square_statistic(z0, bins), upper);
  EXPECT_LT(chi_square_statistic(z1, bins), upper);
  // Power.
  std::vector<double> scaled = z;
  for (double& x : scaled) x *= 1.02;
  EXPECT_GT(chi_square_statistic(scaled, bins), upper) << "chi-square test has no power against a 2% scale error";
}

// Tail of the Kolmogorov distribution, P(K > x) = 2 Σ_{k>=1} (-1)^{k-1} exp(-2 k² x²), the
// asymptotic law of sqrt(n) sup|F_n - F| (Kolmogorov 1933). The series alternates with
// decreasing terms for x >= 0.3, so truncating when a term is < 1e-17 is accurate to that.
double kolmogorov_tail(double x) {
  if (x < 0.3) return 1.0;  // P(K > 0.3) = 1 - 1e-5 already; the series converges slowly here
  double sum = 0;
  for (int k = 1; k < 1000; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += (k % 2 == 1 ? term : -term);
    if (term < 1e-17) break;
  }
  return 2.0 * sum;
}

// x with P(K > x) = alpha, by bisection (the tail is decreasing).
double kolmogorov_critical(double alpha) {
  double lo = 0.3, hi = 10.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (kolmogorov_tail(mid) > alpha ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// The hand-written Kolmogorov tail reproduces the classical critical values (Smirnov 1948
// table: 1.3581 at 5%, 1.6276 at 1%, 1.9495 at 0.1%; the values are rounded to 4 digits).
TEST(NormalGoodnessOfFit, KolmogorovTailMatchesTable) {
  EXPECT_NEAR(kolmogorov_tail(1.3581), 0.05, kKolmogorovTableTol5);
  EXPECT_NEAR(kolmogorov_tail(1.6276), 0.01, kKolmogorovTableTol1);
  EXPECT_NEAR(kolmogorov_tail(1.9495), 0.001, kKolmogorovTableTol01);
  EXPECT_NEAR(kolmogorov_critical(0.05), 1.3581, 5e-5);  // inverse of the above, to the table's rounding
  // Far out the leading term dominates: P(K > x) = 2 exp(-2x²) (1 - exp(-6x²) + ...), and
  // exp(-54) ~ 4e-24 is below double precision at x = 3.
  EXPECT_NEAR(kolmogorov_tail(3.0) / (2.0 * std::exp(-18.0)), 1.0, 1e-15);
}

// sqrt(n) D_n with D_n = sup_x |F_n(x) - Phi(x)| for a sorted sample.
double ks_statistic(std::vector<double> z) {
  std::sort(z.begin(), z.end());
  const boost::math::normal_distribution<double> n01;
  const double n = static_cast<double>(z.size());
  double d = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double f = boost::math::cdf(n01, z[i]);
    d = std::max({d, (static_cast<double>(i) + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return std::sqrt(n) * d;
}

// Kolmogorov–Smirnov test of the 1e6 normals against N(0, 1) at false-alarm rate kFalseAlarm
// (n = 1e6, so the asymptotic law is accurate to O(n^{-1/2})). Power: a mean shift of 0.01
// moves sqrt(n) D to about 4 and must be rejected.
TEST(NormalGoodnessOfFit, KolmogorovSmirnov) {
  const Key key{test_seed(), static_cast<std::uint32_t>(StreamTag::brownian)};
  SCOPED_TRACE(seed_trace(key.seed));
  const std::vector<double> z = normal_sample(key);
  const double crit = kolmogorov_critical(kFalseAlarm);
  const double stat = ks_statistic(z);
  std::cout << "    [info] sqrt(n) D = " << stat << ", critical value " << crit << '\n';
  EXPECT_LT(stat, crit);
  std::vector<double> shifted = z;
  for (double& x : shifted) x += 0.01;
  EXPECT_GT(ks_statistic(shifted), crit) << "KS test has no power against a 0.01 shift";
}

// Independence: sample correlations that vanish for independent N(0, 1) draws, each within 6
// standard errors (SE of a sample correlation of independent variables: 1/sqrt(n)):
//   the two Box–Muller outputs of one counter, and their squares (they share the radius);
//   consecutive normals of a NormalStream across the pair boundary (normal(1), normal(2));
//   the same normal at consecutive steps and at consecutive particles.
TEST(NormalIndependence, CorrelationsVanish) {
  const Key key{test_seed(), static_cast<std::uint32_t>(StreamTag::brownian)};
  SCOPED_TRACE(seed_trace(key.seed));
  constexpr std::uint32_t n_particles = 1000, n_steps = 200;
  const double n = static_cast<double>(n_particles) * (n_steps - 1);
  double s01 = 0, s01sq = 0, s12 = 0, s_step = 0, s_part = 0;
  for (std::uint32_t particle = 0; particle < n_particles; ++particle)
    for (std::uint32_t step = 0; step + 1 < n_steps; ++step) {
      const NormalStream a(key, 0, particle, step), next_step(key, 0, particle, step + 1),
          next_particle(key, 0, particle + 1, step);
      const double z0 = a.normal(0), z1 = a.normal(1), z2 = a.normal(2);
      s01 += z0 * z1;
      s01sq += (z0 * z0 - 1) * (z1 * z1 - 1) / 2.0;  // Var(z² - 1) = 2
      s12 += z1 * z2;
      s_step += z0 * next_step.normal(0);
      s_part += z0 * next_particle.normal(0);
    }
  const double bound = kIndependenceSe / std::sqrt(n);
  const double corr[] = {s01 / n, s01sq / n, s12 / n, s_step / n, s_part / n};
  const char* what[] = {"z0,z1", "z0²,z1²", "z1,z2", "step,step+1", "particle,particle+1"};
  for (int i = 0; i < 5; ++i) EXPECT_LT(std::abs(corr[i]), bound) << what[i] << " correlation " << corr[i];
}

// ---------------------------------------------------------------------------------------------
// NormalStream indexing contract.

// normal(j) is the element j of fill(), for even and odd lengths, bit for bit, and equals
// component j % 2 of normal2 at draw j / 2.
TEST(NormalStream, NormalEqualsFillElement) {
  const NormalStream s(Key{test_seed(), 2}, 3, 17, 5);
  for (std::uint32_t n : {1u, 2u, 7u, 8u, 33u}) {
    std::vector<double> buf(n + 1, -12345.0);
    s.fill(buf.data(), n);
    for (std::uint32_t j = 0; j < n; ++j) {
      EXPECT_EQ(buf[j], s.normal(j)) << "n " << n << " j " << j;
      EXPECT_EQ(buf[j], normal2({3, 17, 5, j / 2}, Key{test_seed(), 2})[j % 2]);
    }
    EXPECT_EQ(buf[n], -12345.0) << "fill wrote past n = " << n;
  }
  double untouched = 7.0;
  s.fill(&untouched, 0);
  EXPECT_EQ(untouched, 7.0);
}

// Changing any single index (seed, stream, replica, particle, step) changes the numbers; and
// within a stream the first 1000 normals are distinct.
TEST(NormalStream, DifferentIndicesGiveDifferentNumbers) {
  const Key k{test_seed(), 2};
  const NormalStream streams[] = {NormalStream(k, 0, 0, 0),
                                  NormalStream(Key{k.seed + 1, k.stream}, 0, 0, 0),
                                  NormalStream(Key{k.seed, k.stream + 1}, 0, 0, 0),
                                  NormalStream(k, 1, 0, 0),
                                  NormalStream(k, 0, 1, 0),
                                  NormalStream(k, 0, 0, 1)};
  std::set<double> seen;
  for (const NormalStream& s : streams)
    for (std::uint32_t j = 0; j < 4; ++j) seen.insert(s.normal(j));
  EXPECT_EQ(seen.size(), std::size(streams) * 4) << "two index tuples produced an identical normal";
  std::set<double> within;
  for (std::uint32_t j = 0; j < 1000; ++j) within.insert(streams[0].normal(j));
  EXPECT_EQ(within.size(), 1000u);
  // Pure function of the indices: a second object gives the same numbers.
  EXPECT_EQ(NormalStream(k, 0, 1, 0).normal(5), streams[4].normal(5));
}

}  // namespace
}  // namespace test_rng
