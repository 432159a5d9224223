// Tests for lib/rng/normal_block.hpp, the vectorised counter-based normals of the Langevin
// samplers' noise:
//   - the definition: Philox4x32-10 words equal Random123's, and every normal is exactly
//     r cos(phi) / r sin(phi) of the documented map; the polynomial log / cos / sin against
//     std:: functions in long double (named tolerances, worst case printed);
//   - the code paths (AVX2, SSE2 baseline, scalar) give identical bits for every block shape;
//   - the indexing contract (pure function of (key, replica, particle, step, j); prefix
//     property; strides; untouched padding) and input errors;
//   - statistical quality on fixed seeds at false-alarm rate kFalseAlarm per test: mean,
//     variance, skewness, kurtosis (1e6 draws), Kolmogorov–Smirnov against N(0, 1) (1e6 draws),
//     tail frequencies beyond 3, 4, 5 sigma against exact binomial bounds (1e8 draws), and
//     correlations between normals of one counter, adjacent counters, particles, steps, replicas.
// Every statistical check is also run on a deliberately broken sample and must reject it.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "lib/rng/normal_block.hpp"
#include "lib/rng/philox.hpp"
#include "lib/tests/test_support.hpp"

namespace test_normal_block {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::lib::rng;
using namespace ldbench::lib::test;

// Accuracy of the building blocks against std:: functions in long double (64-bit mantissa):
//   log: fdlibm's kernel is < 1 ulp (observed max 0.84 ulp);
//   cos, sin of phi = 2 pi b 2^-64: absolute error <= kCosSinAbsTol (observed 4.4e-16 = 2^-51:
//     the kernels' < 1 ulp plus the rounding of theta = t (2 pi 2^-54));
//   the normals: |z - r cos phi| <= kNormalRelTol 2^-52 r with the exact r of the rounded u
//     (observed 2.2: the errors of log, sqrt, cos and the product).
constexpr double kLogUlpTol = 1.0;
constexpr double kCosSinAbsTol = 1e-15;
constexpr double kNormalRelTol = 3.0;

// Independence checks: |sample correlation| < kIndependenceSe / sqrt(n) for independent N(0, 1)
// variables (standard error 1/sqrt(n); two-sided false alarm ~2e-9 each), as in test_rng.cpp.
constexpr double kIndependenceSe = 6.0;

constexpr long double kPiL = 3.141592653589793238462643383279502884L;

// Keys and indices of the tests: the samplers' stream tag, seed from test_seed().
Key noise_key() { return Key{test_seed(), static_cast<std::uint32_t>(StreamTag::langevin_noise)}; }

std::vector<SimdPath> vector_paths() {
  std::vector<SimdPath> p{SimdPath::baseline};
  if (simd_path_supported(SimdPath::avx2)) p.push_back(SimdPath::avx2);
  return p;
}

// ---------------------------------------------------------------------------------------------
// The definition.

// Philox words from Random123 and the documented map: the numbers are exactly
// sqrt(-2 log u) * (cos phi, sin phi) computed from the exposed kernels, and within
// kNormalRelTol of the long double evaluation.
TEST(NormalBlock, IsBoxMullerOfRandom123PhiloxWords) {
  const Key key = noise_key();
  SCOPED_TRACE(seed_trace(key.seed));
  double worst = 0;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    const std::uint32_t replica = i % 3, particle = i * 2654435761u, step = i / 7, draw = i % 11;
    const auto w = philox_u64x2({replica, particle, step, draw}, key);
    const double u = block_uniform(w[0]);
    const double r = std::sqrt(-2.0 * block_log(u));
    double c, s;
    block_cos_sin(w[1], &c, &s);
    const double z0 = block_normal(key, replica, particle, step, 2 * draw);
    const double z1 = block_normal(key, replica, particle, step, 2 * draw + 1);
    ASSERT_EQ(std::bit_cast<std::uint64_t>(z0), std::bit_cast<std::uint64_t>(r * c)) << "counter " << i;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(z1), std::bit_cast<std::uint64_t>(r * s)) << "counter " << i;
    const long double rl = std::sqrt(-2.0L * std::log(static_cast<long double>(u)));
    const long double phi = 2.0L * kPiL * static_cast<long double>(w[1]) * 0x1p-64L;
    const long double unit = rl * 0x1p-52L + 0x1p-1074L;
    worst = std::max({worst, static_cast<double>(std::fabs(z0 - rl * std::cos(phi)) / unit),
                      static_cast<double>(std::fabs(z1 - rl * std::sin(phi)) / unit)});
  }
  std::printf("    [info] max |z - r (cos, sin)(phi)| = %.2f x 2^-52 r (tolerance %.1f)\n", worst, kNormalRelTol);
  EXPECT_LE(worst, kNormalRelTol);
}

// The radius uniform: u = ((a >> 32) + ((a mod 2^32) + 1/2) 2^-32) 2^-32 rounded once, in [2^-65, 1].
TEST(NormalBlock, RadiusUniformMapsIntoHalfOpenUnitInterval) {
  EXPECT_EQ(block_uniform(0), 0x1p-65);
  EXPECT_EQ(block_uniform(~std::uint64_t{0}), 1.0);
  EXPECT_EQ(block_uniform(std::uint64_t{1} << 63), 0.5 + 0x1p-65);
  EXPECT_EQ(block_uniform(std::uint64_t{1} << 32), 0x1p-32 + 0x1p-65);
  // Against the exact value (a + 1/2) 2^-64, held exactly in binary128 (113-bit significand),
  // rounded once to double.
  __extension__ typedef __float128 quad;
  std::uint64_t a = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 100000; ++i) {
    a = a * 6364136223846793005ull + 1442695040888963407ull;
    const quad exact = (static_cast<quad>(a) + static_cast<quad>(0.5)) * static_cast<quad>(0x1p-64);
    ASSERT_EQ(block_uniform(a), static_cast<double>(exact)) << std::hex << a;
  }
}

// log to within kLogUlpTol ulp over the radius uniforms and at the edges of the reduction.
TEST(NormalBlock, LogKernelWithinOneUlp) {
  std::vector<double> us = {0x1p-65, 0x1p-64, 0.5, std::nextafter(1.0, 0.0), 1.0, std::numbers::sqrt2 / 2,
                            std::nextafter(std::numbers::sqrt2 / 2, 0.0), std::nextafter(std::numbers::sqrt2 / 2, 1.0),
                            std::numbers::sqrt2, 0x1p-1022, 3.0, 1e300};
  std::uint64_t a = 12345;
  for (int i = 0; i < 300000; ++i) {
    a = a * 6364136223846793005ull + 1442695040888963407ull;
    us.push_back(block_uniform(a));
    if (i % 10 == 0) us.push_back(1.0 - static_cast<double>(a >> 40) * 0x1p-53);  // near 1
  }
  double worst = 0, worst_u = 0;
  for (double u : us) {
    const long double ref = std::log(static_cast<long double>(u));
    const double got = block_log(u);
    const double ulp = ref == 0 ? 0x1p-1074 : std::abs(std::nextafter(static_cast<double>(ref), 0.0) - static_cast<double>(ref));
    const double e = static_cast<double>(std::fabs(got - ref) / ulp);
    if (e > worst) worst = e, worst_u = u;
  }
  std::printf("    [info] log: max error %.3f ulp at u = %a (tolerance %.1f)\n", worst, worst_u, kLogUlpTol);
  EXPECT_LE(worst, kLogUlpTol);
  EXPECT_EQ(block_log(1.0), 0.0);
}

// cos and sin of the fixed-point angle: exact at the quadrant points, kCosSinAbsTol elsewhere
// (including next to the reduction's boundaries b = (2k + 1) 2^61).
TEST(NormalBlock, CosSinKernelAccurateAndExactAtQuadrants) {
  const double expect[4][2] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
  for (std::uint64_t q = 0; q < 4; ++q) {
    double c, s;
    block_cos_sin(q << 62, &c, &s);
    EXPECT_EQ(c, expect[q][0]) << "quadrant " << q;
    EXPECT_EQ(std::abs(s), std::abs(expect[q][1])) << "quadrant " << q;  // sin(pi) = ±0
  }
  std::vector<std::uint64_t> bs;
  for (std::uint64_t k = 0; k < 8; ++k)
    for (std::uint64_t off : {0ull, 1ull, 1023ull, 1024ull, 1ull << 20})
      bs.insert(bs.end(), {(2 * k + 1) * (1ull << 61) + off, (2 * k + 1) * (1ull << 61) - off});
  std::uint64_t b = 777;
  for (int i = 0; i < 300000; ++i) bs.push_back(b = b * 6364136223846793005ull + 1442695040888963407ull);
  double worst = 0;
  for (std::uint64_t x : bs) {
    double c, s;
    block_cos_sin(x, &c, &s);
    const long double phi = 2.0L * kPiL * static_cast<long double>(x) * 0x1p-64L;
    worst = std::max({worst, static_cast<double>(std::fabs(c - std::cos(phi))), static_cast<double>(std::fabs(s - std::sin(phi)))});
  }
  std::printf("    [info] cos/sin: max absolute error %.3g (tolerance %.1g)\n", worst, kCosSinAbsTol);
  EXPECT_LE(worst, kCosSinAbsTol);
}

// ---------------------------------------------------------------------------------------------
// Code paths and the indexing contract.

struct Shape {
  std::uint32_t count, n, particle0, stride;
  std::size_t ld;
};
const Shape kShapes[] = {
    {1, 1, 0, 1, 1},      {16, 100, 0, 1, 100},   {16, 101, 5, 1, 101},  {7, 3, 4000000000u, 1, 5},
    {300, 1, 9, 1, 1},    {3, 1001, 2, 1, 1001},  {5, 2, 0xfffffffeu, 1, 2}, {9, 17, 123, 0, 20},
    {1, 777, 42, 1, 777}, {257, 2, 1, 3, 2},      {33, 8, 7, 1, 9},
};

// AVX2, baseline and scalar code give the same bits for every shape (the AVX2 comparison is
// skipped on CPUs without AVX2, where only the baseline path exists).
TEST(NormalBlock, CodePathsGiveIdenticalBits) {
  const Key key = noise_key();
  std::printf("    [info] automatic path on this machine: %s\n", to_string(resolved_simd_path()));
  for (const Shape& sh : kShapes) {
    const std::size_t size = (sh.count - 1) * sh.ld + sh.n;
    std::vector<std::vector<double>> outs;
    for (SimdPath path : vector_paths()) {
      std::vector<double> out(size, -7.0);
      fill_normal_block(key, 2, 9, sh.particle0, sh.stride, sh.count, sh.n, out.data(), sh.ld, path);
      outs.push_back(out);
    }
    for (std::uint32_t p = 0; p < sh.count; ++p)
      for (std::uint32_t j = 0; j < sh.n; ++j) {
        const double s = block_normal(key, 2, sh.particle0 + p * sh.stride, 9, j);
        for (const auto& out : outs)
          ASSERT_EQ(std::bit_cast<std::uint64_t>(out[p * sh.ld + j]), std::bit_cast<std::uint64_t>(s))
              << "count " << sh.count << " n " << sh.n << " row " << p << " j " << j;
      }
  }
  if (!simd_path_supported(SimdPath::avx2)) std::printf("    [info] no AVX2 on this CPU: compared baseline and scalar only\n");
}

// normal j does not depend on n, count, ld or the other rows; padding between rows and entries
// past the block are not written; stride 0 repeats one particle; count 0 or n 0 writes nothing.
TEST(NormalBlock, IndexingContract) {
  const Key key = noise_key();
  std::vector<double> big(40 * 64, 0), small(40 * 9, 0);
  fill_normal_block(key, 1, 3, 10, 1, 40, 63, big.data(), 64);
  fill_normal_block(key, 1, 3, 10, 1, 40, 9, small.data(), 9);
  for (int p = 0; p < 40; ++p) {
    for (int j = 0; j < 9; ++j) EXPECT_EQ(small[p * 9 + j], big[p * 64 + j]) << "prefix, row " << p;
    EXPECT_EQ(big[p * 64 + 63], 0.0) << "padding of row " << p << " written";
    std::vector<double> one(63);
    fill_normal_block(key, 1, 3, 10 + p, 1, 1, 63, one.data(), 0);
    EXPECT_EQ(0, std::memcmp(one.data(), &big[p * 64], 63 * sizeof(double))) << "row " << p << " alone";
  }
  std::vector<double> rep(5 * 12, 0);
  fill_normal_block(key, 1, 3, 77, 0, 5, 12, rep.data(), 12);
  for (int p = 1; p < 5; ++p) EXPECT_EQ(0, std::memcmp(rep.data(), &rep[p * 12], 12 * sizeof(double)));
  std::vector<double> guard(10, 5.0);
  fill_normal_block(key, 1, 3, 0, 1, 0, 10, guard.data(), 10);
  fill_normal_block(key, 1, 3, 0, 1, 10, 0, guard.data(), 0);
  EXPECT_TRUE(std::all_of(guard.begin(), guard.end(), [](double x) { return x == 5.0; }));
  std::vector<double> odd(4, 5.0);
  fill_normal_block(key, 1, 3, 0, 1, 1, 3, odd.data(), 3);
  EXPECT_EQ(odd[3], 5.0) << "an odd n wrote the unused sine of its last pair";
}

// Changing any single index (seed, stream, replica, particle, step, j) changes the number.
TEST(NormalBlock, DifferentIndicesGiveDifferentNumbers) {
  const Key k = noise_key();
  std::set<double> seen = {block_normal(k, 0, 0, 0, 0),         block_normal({k.seed + 1, k.stream}, 0, 0, 0, 0),
                           block_normal({k.seed, k.stream + 1}, 0, 0, 0, 0), block_normal(k, 1, 0, 0, 0),
                           block_normal(k, 0, 1, 0, 0),         block_normal(k, 0, 0, 1, 0),
                           block_normal(k, 0, 0, 0, 1),         block_normal(k, 0, 0, 0, 2)};
  EXPECT_EQ(seen.size(), 8u);
}

TEST(NormalBlock, InvalidArgumentsNameTheField) {
  std::vector<double> out(100);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { fill_normal_block(noise_key(), 0, 0, 0, 1, 2, 10, out.data(), 9); }, "ld:"));
  if (simd_path_supported(SimdPath::avx2)) {
    EXPECT_EQ(resolved_simd_path(), SimdPath::avx2);
  } else {
    EXPECT_TRUE(throws_invalid_argument_naming(
        [&] { fill_normal_block(noise_key(), 0, 0, 0, 1, 2, 10, out.data(), 10, SimdPath::avx2); }, "path:"));
    EXPECT_EQ(resolved_simd_path(), SimdPath::baseline);
  }
  EXPECT_STREQ(to_string(SimdPath::avx2), "avx2");
}

// ---------------------------------------------------------------------------------------------
// Statistical quality.

// 1e6 normals laid out as the sampler draws them: 10^4 particles x 100 coordinates at one step.
std::vector<double> block_sample(std::uint32_t step = 0) {
  std::vector<double> z(1000000);
  fill_normal_block(noise_key(), 0, step, 0, 1, 10000, 100, z.data(), 100);
  return z;
}

// |z| of the sample mean, variance, skewness and excess kurtosis against N(0, 1), with their
// asymptotic standard errors under normality: sqrt(1/n), sqrt(2/n), sqrt(6/n), sqrt(24/n).
std::array<double, 4> moment_z(const std::vector<double>& z) {
  const double n = static_cast<double>(z.size());
  long double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (double x : z) m1 += x;
  const long double mean = m1 / n;
  for (double x : z) {
    const long double d = x - mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const double var = static_cast<double>(m2 / (n - 1)), mu2 = static_cast<double>(m2 / n);
  const double skew = static_cast<double>(m3 / n) / std::pow(mu2, 1.5), kurt = static_cast<double>(m4 / n) / (mu2 * mu2) - 3.0;
  return {std::abs(static_cast<double>(mean)) * std::sqrt(n), std::abs(var - 1.0) / std::sqrt(2.0 / n),
          std::abs(skew) / std::sqrt(6.0 / n), std::abs(kurt) / std::sqrt(24.0 / n)};
}

// Mean, variance, skewness and kurtosis of 1e6 draws, Bonferroni over the four at kFalseAlarm.
// Power: a 1% scale error (variance z ~ 14), z + 0.03 (z² - 1) (skewness 0.18, z ~ 73) and a
// scale mixture 1.1 / 0.9 on alternate draws (excess kurtosis ~0.12, z ~ 24) are each rejected.
TEST(NormalBlockGoodnessOfFit, MomentsOf1e6Draws) {
  SCOPED_TRACE(seed_trace(test_seed()));
  const double crit = z_two_sided(kFalseAlarm / 4);
  const std::vector<double> z = block_sample();
  const auto zs = moment_z(z);
  const char* names[] = {"mean", "variance", "skewness", "kurtosis"};
  std::printf("    [info] |z| mean %.2f, variance %.2f, skewness %.2f, kurtosis %.2f (threshold %.2f)\n", zs[0], zs[1], zs[2],
              zs[3], crit);
  for (int i = 0; i < 4; ++i) EXPECT_LT(zs[i], crit) << names[i];
  std::vector<double> scaled = z, skewed = z, mixed = z;
  for (std::size_t i = 0; i < z.size(); ++i) {
    scaled[i] *= 1.01;
    skewed[i] += 0.03 * (z[i] * z[i] - 1);
    mixed[i] *= i % 2 ? 0.9 : 1.1;
  }
  EXPECT_GT(moment_z(scaled)[1], crit) << "variance check has no power against a 1% scale error";
  EXPECT_GT(moment_z(skewed)[2], crit) << "skewness check has no power";
  EXPECT_GT(moment_z(mixed)[3], crit) << "kurtosis check has no power";
}

// Tail of the Kolmogorov distribution, P(K > x) = 2 Σ_{k>=1} (-1)^{k-1} exp(-2 k² x²)
// (Kolmogorov 1933; same series as test_rng.cpp), and its inverse by bisection.
double kolmogorov_tail(double x) {
  if (x < 0.3) return 1.0;
  double sum = 0;
  for (int k = 1; k < 1000; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += (k % 2 == 1 ? term : -term);
    if (term < 1e-17) break;
  }
  return 2.0 * sum;
}
double kolmogorov_critical(double alpha) {
  double lo = 0.3, hi = 10.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (kolmogorov_tail(mid) > alpha ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// sqrt(n) sup_x |F_n(x) - Phi(x)|.
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

// Kolmogorov–Smirnov against N(0, 1) on 1e6 draws, and on the cos and sin halves (5e5 each),
// Bonferroni over the three at kFalseAlarm. Power: a 0.01 mean shift (sqrt(n) D ~ 4) is rejected.
TEST(NormalBlockGoodnessOfFit, KolmogorovSmirnov) {
  SCOPED_TRACE(seed_trace(test_seed()));
  const std::vector<double> z = block_sample(1);
  const double crit = kolmogorov_critical(kFalseAlarm / 3);
  std::vector<double> even, odd;
  for (std::size_t i = 0; i < z.size(); i += 2) {
    even.push_back(z[i]);
    odd.push_back(z[i + 1]);
  }
  const double all = ks_statistic(z), ks_even = ks_statistic(even), ks_odd = ks_statistic(odd);
  std::printf("    [info] sqrt(n) D: all %.3f, cos half %.3f, sin half %.3f (critical value %.3f)\n", all, ks_even, ks_odd, crit);
  EXPECT_LT(all, crit);
  EXPECT_LT(ks_even, crit);
  EXPECT_LT(ks_odd, crit);
  std::vector<double> shifted = z;
  for (double& x : shifted) x += 0.01;
  EXPECT_GT(ks_statistic(shifted), crit) << "KS test has no power against a 0.01 shift";
}

// Counts of |z| > 3, 4, 5 in 1e8 draws (10^6 particles x 100 coordinates) against
// Binomial(1e8, 2 Phi(-k)), two-sided, Bonferroni over the three at kFalseAlarm (bounds rounded
// outwards). Expected counts 269980, 6334, 57.3. Power: the same draws scaled by 0.98 (the 4-sigma
// count falls to ~4530) and clipped to |z| <= 5 (no 5-sigma draw) are rejected.
TEST(NormalBlockGoodnessOfFit, TailFrequencies) {
  SCOPED_TRACE(seed_trace(test_seed()));
  constexpr std::uint32_t kParticles = 10000, kDim = 100, kSteps = 100;
  const double n = static_cast<double>(kParticles) * kDim * kSteps;
  const double ks[3] = {3, 4, 5};
  long count[3] = {0, 0, 0}, count_scaled[3] = {0, 0, 0};
  double max_abs = 0;
  std::vector<double> z(static_cast<std::size_t>(kParticles) * kDim);
  for (std::uint32_t step = 0; step < kSteps; ++step) {
    fill_normal_block(noise_key(), 7, step, 0, 1, kParticles, kDim, z.data(), kDim);
    for (double x : z) {
      const double a = std::abs(x);
      max_abs = std::max(max_abs, a);
      for (int i = 0; i < 3; ++i) {
        count[i] += a > ks[i];
        count_scaled[i] += 0.98 * a > ks[i];
      }
    }
  }
  const boost::math::normal_distribution<double> n01;
  const double alpha = kFalseAlarm / 3;
  bool rejects_scaled = false, rejects_clipped = false;
  for (int i = 0; i < 3; ++i) {
    const double p = 2 * boost::math::cdf(boost::math::complement(n01, ks[i]));
    const boost::math::binomial_distribution<double> bin(n, p);
    const double lo = boost::math::quantile(bin, alpha / 2);
    const double hi = boost::math::quantile(boost::math::complement(bin, alpha / 2));
    std::printf("    [info] |z| > %.0f: %ld of %.0e (expected %.1f, acceptance [%.0f, %.0f]); scaled by 0.98: %ld\n", ks[i],
                count[i], n, n * p, lo, hi, count_scaled[i]);
    EXPECT_GE(count[i], lo) << "k = " << ks[i];
    EXPECT_LE(count[i], hi) << "k = " << ks[i];
    rejects_scaled = rejects_scaled || count_scaled[i] < lo || count_scaled[i] > hi;
    if (i == 2) rejects_clipped = 0 < lo;
  }
  std::printf("    [info] max |z| = %.3f (bound sqrt(130 ln 2) = %.3f)\n", max_abs, std::sqrt(130 * std::log(2.0)));
  EXPECT_LE(max_abs, std::sqrt(130 * std::log(2.0)));
  EXPECT_TRUE(rejects_scaled) << "tail check has no power against a 2% scale error";
  EXPECT_TRUE(rejects_clipped) << "tail check accepts a generator without 5-sigma draws";
}

// Sample correlations that vanish for independent N(0, 1) draws: the two normals of one counter
// and their squares (they share the radius), adjacent counters (normals 1 and 2), and the same
// normal at adjacent particles, steps and replicas. Power: stride 0 (every particle the same
// numbers, the samplers' reused_rng_counters mutant) gives particle correlation 1.
TEST(NormalBlockIndependence, CorrelationsVanish) {
  SCOPED_TRACE(seed_trace(test_seed()));
  constexpr std::uint32_t kParticles = 1001, kSteps = 200, kN = 3;
  std::vector<double> cur(kParticles * kN), next(kParticles * kN), rep(kParticles * kN), reused(kParticles * kN);
  const Key key = noise_key();
  fill_normal_block(key, 0, 0, 0, 1, kParticles, kN, cur.data(), kN);
  double s01 = 0, s01sq = 0, s12 = 0, s_step = 0, s_part = 0, s_rep = 0, s_reused = 0;
  const double n = static_cast<double>(kParticles - 1) * (kSteps - 1);
  for (std::uint32_t step = 0; step + 1 < kSteps; ++step) {
    fill_normal_block(key, 0, step + 1, 0, 1, kParticles, kN, next.data(), kN);
    fill_normal_block(key, 1, step, 0, 1, kParticles, kN, rep.data(), kN);
    fill_normal_block(key, 0, step, 0, 0, kParticles, kN, reused.data(), kN);
    for (std::uint32_t p = 0; p + 1 < kParticles; ++p) {
      const double* z = &cur[p * kN];
      s01 += z[0] * z[1];
      s01sq += (z[0] * z[0] - 1) * (z[1] * z[1] - 1) / 2.0;  // Var(z² - 1) = 2
      s12 += z[1] * z[2];
      s_step += z[0] * next[p * kN];
      s_part += z[0] * cur[(p + 1) * kN];
      s_rep += z[0] * rep[p * kN];
      s_reused += reused[p * kN] * reused[(p + 1) * kN];
    }
    std::swap(cur, next);
  }
  const double bound = kIndependenceSe / std::sqrt(n);
  const double corr[] = {s01 / n, s01sq / n, s12 / n, s_step / n, s_part / n, s_rep / n};
  const char* what[] = {"z0,z1", "z0²,z1²", "z1,z2", "step,step+1", "particle,particle+1", "replica,replica+1"};
  for (int i = 0; i < 6; ++i) {
    std::printf("    [info] correlation %-20s %+.5f (bound %.5f)\n", what[i], corr[i], bound);
    EXPECT_LT(std::abs(corr[i]), bound) << what[i];
  }
  // The mutant's "correlation" is the mean square of one normal per step: ~1.
  EXPECT_GT(std::abs(s_reused / n), bound) << "correlation check has no power against reused counters";
}

}  // namespace
}  // namespace test_normal_block
