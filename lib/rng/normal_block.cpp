// Counter-based normals for blocks of particles (lib/rng/normal_block.hpp: the map from indices to
// numbers, its sources and accuracy).
//
// Layout: fill_normal_block() enumerates the counters of the request, (particle p, draw i) for
// p < count, i < ceil(n/2), in chunks of kChunk. For each chunk,
//   1. Philox4x32-10 of every counter, state in 64-bit lanes (word in the low half): the AVX2 path
//      uses _mm256_mul_epu32 (vpmuludq, four 32x32 -> 64-bit products), the baseline path the
//      same formulas on scalars;
//   2. the Box–Muller map of the two 64-bit words of every counter: three loops of IEEE double
//      operations and 64-bit integer bit operations, which GCC vectorises (AVX2: 4 lanes; baseline
//      x86-64: SSE2, 2 lanes), the same source compiled twice;
//   3. the pairs are copied to their rows of out.
// Measured on AMD EPYC (Zen 3), one thread, AVX2 path: ~6x the rate of NormalStream
// (bench/bench_langevin.cpp, BM_LangevinNoise); Philox takes ~30% of the time, the log and the
// square root ~35%, cos/sin ~35%.
// This file is compiled with -ffp-contract=off (lib/meson.build), and the AVX2 copy targets "avx2"
// only (no FMA), so no path can fuse a multiply and an add: every path gives the same bits. The
// tests (lib/tests/test_normal_block.cpp) compare the paths bit for bit and Philox with Random123.
#include "lib/rng/normal_block.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cfloat>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LDBENCH_NORMAL_BLOCK_AVX2 1
#include <immintrin.h>
#else
#define LDBENCH_NORMAL_BLOCK_AVX2 0
#endif

#if defined(__FAST_MATH__)
#error "lib/rng/normal_block.cpp needs IEEE semantics (no -ffast-math): its numbers must not depend on the build"
#endif
#if FLT_EVAL_METHOD != 0
#error "lib/rng/normal_block.cpp needs double arithmetic without excess precision (FLT_EVAL_METHOD == 0)"
#endif

namespace ldbench::lib::rng {

namespace {

using u64 = std::uint64_t;

constexpr u64 kLow32 = 0xffffffffULL;
// Philox4x32 constants (Random123 philox.h: PHILOX_M4x32_0/1, PHILOX_W32_0/1).
constexpr u64 kM0 = 0xD2511F53ULL, kM1 = 0xCD9E8D57ULL;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
constexpr int kRounds = 10;
// Counters per chunk (multiple of 8): a chunk's arrays (counters, words, log stages, normals: ~18 KiB)
// stay in L1.
constexpr int kChunk = 256;

// The state after Philox's first round, which depends on the particle and draw words only through
// XOR (counter words 0 and 2, replica and step, are the same for the whole request), and the round
// keys: round r uses key + r (W0, W1) mod 2^32, r = 0..9.
struct Setup {
  u64 k0[kRounds], k1[kRounds];
  u64 hi1_k0, lo1;  // round 0: x0' = hi(M1 step) ^ particle ^ k0, x1' = lo(M1 step)
  u64 hi0_k1, lo0;  //          x2' = hi(M0 replica) ^ draw ^ k1, x3' = lo(M0 replica)
};

Setup make_setup(Key key, std::uint32_t replica, std::uint32_t step) {
  Setup s{};
  std::uint32_t k0 = key.seed, k1 = key.stream;
  for (int r = 0; r < kRounds; ++r) {
    s.k0[r] = k0;
    s.k1[r] = k1;
    k0 += kW0;
    k1 += kW1;
  }
  const u64 p0 = kM0 * replica, p1 = kM1 * step;
  s.hi1_k0 = (p1 >> 32) ^ s.k0[0];
  s.lo1 = p1 & kLow32;
  s.hi0_k1 = (p0 >> 32) ^ s.k1[0];
  s.lo0 = p0 & kLow32;
  return s;
}

// Philox4x32-10 of counter (replica, particle, step, draw): a = w0 | w1 << 32, b = w2 | w3 << 32.
[[gnu::always_inline]] inline void philox_scalar(const Setup& s, u64 particle, u64 draw, u64& a, u64& b) {
  u64 x0 = s.hi1_k0 ^ particle, x1 = s.lo1, x2 = s.hi0_k1 ^ draw, x3 = s.lo0;
  for (int r = 1; r < kRounds; ++r) {
    const u64 p0 = kM0 * (x0 & kLow32), p1 = kM1 * (x2 & kLow32);
    x0 = (p1 >> 32) ^ x1 ^ s.k0[r];
    x1 = p1 & kLow32;
    x2 = (p0 >> 32) ^ x3 ^ s.k1[r];
    x3 = p0 & kLow32;
  }
  a = x0 | (x1 << 32);
  b = x2 | (x3 << 32);
}

// x as a double, exactly, for 0 <= x < 2^52: the bits of 2^52 + x minus 2^52.
[[gnu::always_inline]] inline double small_to_double(u64 x) {
  return std::bit_cast<double>(x | 0x4330000000000000ULL) - 0x1p52;
}

// fdlibm / musl log.c constants.
constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLg1 = 6.666666666666735130e-01, kLg2 = 3.999999999940941908e-01,
                 kLg3 = 2.857142874366239149e-01, kLg4 = 2.222219843214978396e-01,
                 kLg5 = 1.818357216161805012e-01, kLg6 = 1.531383769920937332e-01,
                 kLg7 = 1.479819860511658591e-01;
// fdlibm / musl __sin.c and __cos.c constants (|x| <= pi/4).
constexpr double kS1 = -1.66666666666666324348e-01, kS2 = 8.33333333332248946124e-03,
                 kS3 = -1.98412698298579493134e-04, kS4 = 2.75573137070700676789e-06,
                 kS5 = -2.50507602534068634195e-08, kS6 = 1.58969099521155010221e-10;
constexpr double kC1 = 4.16666666666666019037e-02, kC2 = -1.38888888888741095749e-03,
                 kC3 = 2.48015872894767294178e-05, kC4 = -2.75573143513906633035e-07,
                 kC5 = 2.08757232129817482790e-09, kC6 = -1.13596475577881948265e-11;
// 2 pi 2^-54: the angle of one unit of the reduced 54-bit fixed-point fraction below.
constexpr double kTwoPiOver2p54 = 6.28318530717958647692 * 0x1p-54;

// log u for a normal double u > 0 (musl log.c without its special cases), in two stages so that
// the chunk loop can run them as separate loops (see box_muller_chunk):
// log_reduce: u = 2^k (1 + f), 1 + f in [sqrt(2)/2, sqrt(2)), s = f / (2 + f), dk = k;
// log_finish: log u = s (hfsq + R(s^2)) + k ln2_lo - hfsq + f + k ln2_hi, hfsq = f^2 / 2.
[[gnu::always_inline]] inline void log_reduce(double u, double& f, double& s, double& dk) {
  // Bias the exponent by the mantissa of sqrt(2)/2 (0x3fe6a09e...) so that the carry decides k.
  u64 ix = std::bit_cast<u64>(u) + (0x3ff0000000000000ULL - 0x3fe6a09e00000000ULL);
  dk = small_to_double(ix >> 52) - 1023.0;
  ix = (ix & 0x000fffffffffffffULL) + 0x3fe6a09e00000000ULL;
  f = std::bit_cast<double>(ix) - 1.0;
  s = f / (2.0 + f);
}
[[gnu::always_inline]] inline double log_finish(double f, double s, double dk) {
  const double hfsq = 0.5 * f * f;
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  const double R = t2 + t1;
  return s * (hfsq + R) + dk * kLn2Lo - hfsq + f + dk * kLn2Hi;
}
[[gnu::always_inline]] inline double log_kernel(double u) {
  double f, s, dk;
  log_reduce(u, f, s, dk);
  return log_finish(f, s, dk);
}

// The radius uniform of the header comment: u = ((a >> 32) + ((a mod 2^32) + 1/2) 2^-32) 2^-32.
[[gnu::always_inline]] inline double uniform_kernel(u64 a) {
  return (small_to_double(a >> 32) + (small_to_double(a & kLow32) + 0.5) * 0x1p-32) * 0x1p-32;
}

// cos and sin of phi = 2 pi b 2^-64, as bit patterns.
[[gnu::always_inline]] inline void cos_sin_kernel(u64 b, u64& cos_bits, u64& sin_bits) {
  // n = round(4 b 2^-64) mod 4 (the quadrant), and b 2^-64 - n/4 = (frac - 2^61) 2^-64 in
  // [-1/8, 1/8) with frac = (b + 2^61) mod 2^62 (wrapping arithmetic is the mod 4).
  const u64 bb = b + (1ULL << 61);
  const u64 n = bb >> 62;
  const u64 frac = bb & ((1ULL << 62) - 1);
  // theta = 2 pi (frac - 2^61) 2^-64 with frac truncated to its top 52 bits: t = (frac >> 10) - 2^51,
  // exact in double; theta in [-pi/4, pi/4).
  const double t = small_to_double(frac >> 10) - 0x1p51;
  const double x = t * kTwoPiOver2p54;
  const double z = x * x;
  // fdlibm __kernel_sin(x, 0, 0).
  const double v = z * x;
  const double rs = kS2 + z * (kS3 + z * (kS4 + z * (kS5 + z * kS6)));
  const double sn = x + v * (kS1 + z * rs);
  // fdlibm __kernel_cos(x, 0).
  const double w = z * z;
  const double rc = z * (kC1 + z * (kC2 + z * kC3)) + w * w * (kC4 + z * (kC5 + z * kC6));
  const double hz = 0.5 * z;
  const double one_minus_hz = 1.0 - hz;
  const double cs = one_minus_hz + (((1.0 - one_minus_hz) - hz) + z * rc);
  // Rotate by n pi/2: (cos, sin)(phi) = (c, s), (-s, c), (-c, -s), (s, -c) for n = 0..3.
  const u64 swap = 0 - (n & 1);  // all ones for odd n
  const u64 cb = std::bit_cast<u64>(cs), sb = std::bit_cast<u64>(sn);
  const u64 cos_sign = ((n + 1) & 2) << 62;  // n = 1, 2
  const u64 sin_sign = (n & 2) << 62;        // n = 2, 3
  cos_bits = ((cb & ~swap) | (sb & swap)) ^ cos_sign;
  sin_bits = ((sb & ~swap) | (cb & swap)) ^ sin_sign;
}

// The two normals of one counter's word b, given the radius r = sqrt(-2 log u) of its word a.
[[gnu::always_inline]] inline void box_muller(double r, u64 b, double& z0, double& z1) {
  u64 cb, sb;
  cos_sin_kernel(b, cb, sb);
  z0 = r * std::bit_cast<double>(cb);
  z1 = r * std::bit_cast<double>(sb);
}

// Scratch arrays of the transform of one chunk.
struct Scratch {
  alignas(32) u64 a[kChunk], b[kChunk];            // Philox words
  alignas(32) double f[kChunk], s[kChunk], r[kChunk];  // log stages, then the radius
};

// The transform of a chunk as three loops (log reduction with its division; rest of the log and
// the square root; angle, cos, sin and products): each loop body is short enough for the
// out-of-order core to overlap many iterations, where one fused loop is bound by the latency of
// its long dependency chain (measured: the split is ~6% faster on AMD Zen 3). GCC vectorises
// the loops for the target of the function they are inlined in. r[] holds dk between loops 1 and 2.
[[gnu::always_inline]] inline void box_muller_chunk(Scratch& t, int m, double* __restrict z) {
  double* __restrict f = t.f;
  double* __restrict s = t.s;
  double* __restrict r = t.r;
  const u64* __restrict a = t.a;
  const u64* __restrict b = t.b;
  for (int i = 0; i < m; ++i) log_reduce(uniform_kernel(a[i]), f[i], s[i], r[i]);
  for (int i = 0; i < m; ++i) r[i] = std::sqrt(-2.0 * log_finish(f[i], s[i], r[i]));
  for (int i = 0; i < m; ++i) box_muller(r[i], b[i], z[2 * i], z[2 * i + 1]);
}

// One chunk: the counters (replica, particle[i], step, draw[i]), i < m, to the normals z[2i], z[2i+1].
// particle and draw are 32-byte aligned and hold m entries rounded up to a multiple of 8 (the ones
// past m are zero).
using ChunkFn = void (*)(const Setup&, const u64*, const u64*, int, double*);

void chunk_baseline(const Setup& s, const u64* particle, const u64* draw, int m, double* z) {
  Scratch t;
  for (int i = 0; i < m; ++i) philox_scalar(s, particle[i], draw[i], t.a[i], t.b[i]);
  box_muller_chunk(t, m, z);
}

#if LDBENCH_NORMAL_BLOCK_AVX2
// Philox on four counters per 256-bit register (one 32-bit word in the low half of each 64-bit
// lane: _mm256_mul_epu32 reads only those, so the high halves may hold garbage until the end).
[[gnu::target("avx2")]] void chunk_avx2(const Setup& s, const u64* particle, const u64* draw, int m, double* z) {
  Scratch t;
  u64* a = t.a;
  u64* b = t.b;
  const __m256i M0 = _mm256_set1_epi64x(static_cast<long long>(kM0));
  const __m256i M1 = _mm256_set1_epi64x(static_cast<long long>(kM1));
  const __m256i low = _mm256_set1_epi64x(static_cast<long long>(kLow32));
  const __m256i hi1_k0 = _mm256_set1_epi64x(static_cast<long long>(s.hi1_k0));
  const __m256i hi0_k1 = _mm256_set1_epi64x(static_cast<long long>(s.hi0_k1));
  const __m256i lo1 = _mm256_set1_epi64x(static_cast<long long>(s.lo1));
  const __m256i lo0 = _mm256_set1_epi64x(static_cast<long long>(s.lo0));
  __m256i K0[kRounds], K1[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    K0[r] = _mm256_set1_epi64x(static_cast<long long>(s.k0[r]));
    K1[r] = _mm256_set1_epi64x(static_cast<long long>(s.k1[r]));
  }
  // Two independent groups of four counters per iteration, for instruction-level parallelism.
  for (int i = 0; i < m; i += 8) {
    const __m256i pa = _mm256_load_si256(reinterpret_cast<const __m256i*>(particle + i));
    const __m256i pb = _mm256_load_si256(reinterpret_cast<const __m256i*>(particle + i + 4));
    const __m256i da = _mm256_load_si256(reinterpret_cast<const __m256i*>(draw + i));
    const __m256i db = _mm256_load_si256(reinterpret_cast<const __m256i*>(draw + i + 4));
    __m256i x0a = _mm256_xor_si256(hi1_k0, pa), x1a = lo1, x2a = _mm256_xor_si256(hi0_k1, da), x3a = lo0;
    __m256i x0b = _mm256_xor_si256(hi1_k0, pb), x1b = lo1, x2b = _mm256_xor_si256(hi0_k1, db), x3b = lo0;
    for (int r = 1; r < kRounds; ++r) {
      const __m256i p0a = _mm256_mul_epu32(x0a, M0), p1a = _mm256_mul_epu32(x2a, M1);
      const __m256i p0b = _mm256_mul_epu32(x0b, M0), p1b = _mm256_mul_epu32(x2b, M1);
      x0a = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1a, 32), x1a), K0[r]);
      x2a = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0a, 32), x3a), K1[r]);
      x0b = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1b, 32), x1b), K0[r]);
      x2b = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0b, 32), x3b), K1[r]);
      x1a = p1a;
      x3a = p0a;
      x1b = p1b;
      x3b = p0b;
    }
    _mm256_store_si256(reinterpret_cast<__m256i*>(a + i),
                       _mm256_or_si256(_mm256_and_si256(x0a, low), _mm256_slli_epi64(x1a, 32)));
    _mm256_store_si256(reinterpret_cast<__m256i*>(b + i),
                       _mm256_or_si256(_mm256_and_si256(x2a, low), _mm256_slli_epi64(x3a, 32)));
    _mm256_store_si256(reinterpret_cast<__m256i*>(a + i + 4),
                       _mm256_or_si256(_mm256_and_si256(x0b, low), _mm256_slli_epi64(x1b, 32)));
    _mm256_store_si256(reinterpret_cast<__m256i*>(b + i + 4),
                       _mm256_or_si256(_mm256_and_si256(x2b, low), _mm256_slli_epi64(x3b, 32)));
  }
  box_muller_chunk(t, m, z);
}
#endif

bool cpu_has_avx2() {
#if LDBENCH_NORMAL_BLOCK_AVX2
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
#else
  return false;
#endif
}

ChunkFn chunk_function(SimdPath path) {
  if (!simd_path_supported(path))
    throw std::invalid_argument(std::string("path: ") + to_string(path) +
                                " is not supported by this build or CPU; use automatic or baseline");
#if LDBENCH_NORMAL_BLOCK_AVX2
  if (path == SimdPath::avx2 || (path == SimdPath::automatic && cpu_has_avx2())) return chunk_avx2;
#endif
  return chunk_baseline;
}

}  // namespace

const char* to_string(SimdPath p) {
  switch (p) {
    case SimdPath::automatic: return "automatic";
    case SimdPath::baseline: return "baseline";
    case SimdPath::avx2: return "avx2";
  }
  return "?";
}

bool simd_path_supported(SimdPath p) { return p != SimdPath::avx2 || cpu_has_avx2(); }

SimdPath resolved_simd_path() { return cpu_has_avx2() ? SimdPath::avx2 : SimdPath::baseline; }

void fill_normal_block(Key key, std::uint32_t replica, std::uint32_t step, std::uint32_t particle0,
                       std::uint32_t particle_stride, std::uint32_t count, std::uint32_t n, double* out,
                       std::size_t ld, SimdPath path) {
  const ChunkFn chunk = chunk_function(path);
  if (count > 1 && ld < n)
    throw std::invalid_argument("ld: the row stride " + std::to_string(ld) + " is below the row length n = " +
                                std::to_string(n) + "; rows would overlap");
  if (count == 0 || n == 0) return;
  const Setup s = make_setup(key, replica, step);
  const u64 h = (static_cast<u64>(n) + 1) / 2;  // counters (pairs) per particle
  const u64 total = h * count;
  alignas(32) u64 particle[kChunk], draw[kChunk];
  alignas(32) double z[2 * kChunk];
  u64 p = 0, i_draw = 0;  // the first counter of the next chunk: particle row p, draw i_draw
  for (u64 first = 0; first < total; first += kChunk) {
    const int m = static_cast<int>(std::min<u64>(kChunk, total - first));
    // The chunk's counters, run by run (a run: consecutive draws of one particle).
    for (int i = 0, pp = 0; i < m; ++pp) {
      const u64 ii = pp == 0 ? i_draw : 0;
      const int run = static_cast<int>(std::min<u64>(h - ii, static_cast<u64>(m - i)));
      const u64 pv = static_cast<std::uint32_t>(particle0 + static_cast<std::uint32_t>(p + pp) * particle_stride);
      for (int k = 0; k < run; ++k) {
        particle[i + k] = pv;
        draw[i + k] = ii + static_cast<u64>(k);
      }
      i += run;
    }
    for (int i = m; i < (m + 7) / 8 * 8; ++i) particle[i] = draw[i] = 0;  // the AVX2 loop reads groups of 8
    chunk(s, particle, draw, m, z);
    // Copy each particle's run of pairs to its row (the last pair of an odd n keeps its cos part).
    for (int i = 0; i < m;) {
      const u64 run = std::min<u64>(h - i_draw, static_cast<u64>(m - i));
      const u64 j0 = 2 * i_draw, j1 = std::min<u64>(2 * (i_draw + run), n);
      std::memcpy(out + p * ld + j0, z + 2 * i, (j1 - j0) * sizeof(double));
      i += static_cast<int>(run);
      i_draw += run;
      if (i_draw == h) {
        i_draw = 0;
        ++p;
      }
    }
  }
}

double block_normal(Key key, std::uint32_t replica, std::uint32_t particle, std::uint32_t step, std::uint32_t j) {
  const Setup s = make_setup(key, replica, step);
  u64 a, b;
  philox_scalar(s, particle, j / 2, a, b);
  double z0, z1;
  box_muller(std::sqrt(-2.0 * log_kernel(uniform_kernel(a))), b, z0, z1);
  return j % 2 == 0 ? z0 : z1;
}

double block_log(double u) { return log_kernel(u); }

void block_cos_sin(std::uint64_t b, double* cos_phi, double* sin_phi) {
  u64 cb, sb;
  cos_sin_kernel(b, cb, sb);
  *cos_phi = std::bit_cast<double>(cb);
  *sin_phi = std::bit_cast<double>(sb);
}

double block_uniform(std::uint64_t a) { return uniform_kernel(a); }

}  // namespace ldbench::lib::rng
