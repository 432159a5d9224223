// Counter-based standard normals for blocks of particles, vectorised: the Gaussian noise xi_k of the
// Langevin samplers (lib/langevin/sampler.cpp). Same key and counter layout as lib/rng/philox.hpp,
// a different map from counter to normals (Box–Muller with ldbench's own polynomial log, sin, cos),
// so the numbers differ from NormalStream's but have the same law and the same indexing contract.
//
// Normal number j of (key, replica, particle, step) is a pure function of these indices:
//
//   Philox4x32-10(counter = (replica, particle, step, j / 2), key = (seed, stream)) -> w0..w3
//     (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC'11; all 10
//     rounds, bit-identical to Random123's philox4x32_10, which the tests check)
//   a = w0 | w1 << 32,  b = w2 | w3 << 32                                 two 64-bit words
//   u = ((a >> 32) + ((a mod 2^32) + 1/2) 2^-32) 2^-32  in [2^-65, 1]      radius uniform (one rounding)
//   phi = 2 pi b 2^-64  in [0, 2 pi)                                        angle (54 bits used, below)
//   r = sqrt(-2 log u)
//   normal 2i = r cos phi,  normal 2i + 1 = r sin phi   (i = j / 2)
//
// (Box & Muller 1958, "A note on the generation of random normal deviates": r cos phi and r sin phi
// are independent N(0, 1).) The largest |normal| is sqrt(2 * 65 ln 2) = 9.49, as with
// r123::boxmuller; P(|N(0,1)| > 9.49) ~ 2e-21.
//
// log, cos and sin are not the C library's: they are fdlibm's kernels (Sun Microsystems 1993, as in
// musl's log.c, __sin.c, __cos.c; error < 1 ulp on their ranges), evaluated with +, -, *, / and
// sqrt only, in a fixed order, without FMA contraction:
//   log u = (((s (hfsq + R) + k ln2_lo) - hfsq) + f) + k ln2_hi,  u = 2^k (1 + f), 1 + f in
//           [sqrt(2)/2, sqrt(2)), s = f / (2 + f), hfsq = f^2 / 2, R = R(s^2) fdlibm's degree-7
//           polynomial (Lg1..Lg7), ln2 = ln2_hi + ln2_lo;
//   phi = n pi/2 + theta with n = round(4 b 2^-64) mod 4 and theta = 2 pi t 2^-54, where the integer
//           t = (((b + 2^61) mod 2^62) >> 10) - 2^51 in [-2^51, 2^51) is the offset from the quadrant's
//           centre in units of 2^-54 turn (integer arithmetic; the 10 lowest bits of b are dropped), so
//           theta in [-pi/4, pi/4); then sin theta (S1..S6), cos theta (C1..C6) and the quadrant
//           rotation (swaps and sign flips: exact).
// Every operation is an IEEE-754 double operation with one correctly rounded result, so the numbers
// are the same bits on every code path (AVX2 vectors, SSE2 vectors, scalar), every compiler that keeps
// FP semantics (no -ffast-math, no FMA contraction) and every thread count. Accuracy (tested against
// std::log / std::cos / std::sin in long double): log < 1 ulp, cos and sin < 1e-15 absolute, and
// |normal - r (cos, sin)(phi)| <= 3 * 2^-52 r with r the exact radius of the rounded u (observed 2.2).
//
// Speed: the counters of a block (all particles x all draws) are processed in chunks of 256 in
// structure-of-arrays form: Philox with AVX2 intrinsics (vpmuludq: four 32x32 -> 64-bit products per
// instruction) or scalar code, the Box–Muller map in loops that GCC auto-vectorises. The .cpp
// compiles them twice, for baseline x86-64 (SSE2) and for AVX2 (no FMA), and picks the AVX2 copy at
// run time when the CPU has it (SimdPath). Costs: one Philox4x32-10 block per two normals (as
// NormalStream), no calls to the C library's transcendental functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/rng/philox.hpp"

namespace ldbench::lib::rng {

// The code path of fill_normal_block(). automatic = avx2 when the CPU supports it, else baseline.
// All paths give identical bits; the choice matters for speed only.
enum class SimdPath { automatic, baseline, avx2 };

const char* to_string(SimdPath p);
// True iff this build contains the path and the CPU can run it (automatic and baseline: always).
bool simd_path_supported(SimdPath p);
// The path that automatic resolves to on this machine (baseline or avx2).
SimdPath resolved_simd_path();

// out[p * ld + j] = block_normal(key, replica, particle0 + p * particle_stride, step, j)
// for p < count, j < n. particle_stride 0 gives every row the same particle (the samplers'
// reused_rng_counters mutant). Requires ld >= n when count > 1; particle indices wrap mod 2^32.
// Throws std::invalid_argument "ld: ..." if ld < n with count > 1, "path: ..." if the requested
// path is not supported here (simd_path_supported).
void fill_normal_block(Key key, std::uint32_t replica, std::uint32_t step, std::uint32_t particle0,
                       std::uint32_t particle_stride, std::uint32_t count, std::uint32_t n, double* out,
                       std::size_t ld, SimdPath path = SimdPath::automatic);

// One normal (the same bits as fill_normal_block; evaluated by the scalar code).
double block_normal(Key key, std::uint32_t replica, std::uint32_t particle, std::uint32_t step, std::uint32_t j);

// The building blocks, exposed for the tests (scalar evaluation, same bits as the vector paths):
// the polynomial log of a normal double u > 0 (the generator uses u in [2^-65, 1]), and
// (cos phi, sin phi) of the fixed-point angle phi = 2 pi b 2^-64.
double block_log(double u);
void block_cos_sin(std::uint64_t b, double* cos_phi, double* sin_phi);
// The radius uniform u in [2^-65, 1] of the 64-bit word a (see the header comment).
double block_uniform(std::uint64_t a);

}  // namespace ldbench::lib::rng
