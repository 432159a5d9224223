// Stochastic and variance-reduced estimators of ∇U for U = sum_{i=1}^n l_i + R
// (lib/models/finite_sum.hpp), and the mini-batch sampler they use.
//
// With I a mini-batch of B indices (uniform B-subset, see sample_minibatch) and c = n/B:
//
//   SGLD  (Welling & Teh 2011, eq. 4):
//     g_k = ∇R(x_k) + c sum_{i in I_k} ∇l_i(x_k)                                  [B evaluations]
//   SVRG-LD (Dubey et al. 2016, "Variance reduction in stochastic gradient Langevin dynamics", Alg. 1;
//            notes, slide "時間離散化 + 確率的分散縮小勾配法"), snapshot x~ with full gradient ∇U(x~):
//     g_k = ∇U(x~) + ∇R(x_k) - ∇R(x~) + c sum_{i in I_k} (∇l_i(x_k) - ∇l_i(x~))   [2B evaluations]
//   SARAH-LD (Kinoshita & Suzuki 2022, Alg. 2; notes, same slide), recursive:
//     g_k = g_{k-1} + ∇R(x_k) - ∇R(x_{k-1}) + c sum_{i in I_k} (∇l_i(x_k) - ∇l_i(x_{k-1}))  [2B]
//
// Normalisation: the notes write f = (1/n) sum_i f_i and (1/B) sum_{i in I} (∇f_i(x) - ∇f_i(x~)) + ∇f(x~);
// with f = U and f_i = n l_i + R these are exactly the formulas above (R enters exactly since it is
// deterministic and cheap). SGLD and SVRG are unbiased: E_I[g_k] = ∇U(x_k) for uniform I. SARAH is
// unbiased conditionally on the past only when B = n; it is biased in general but its error
// is controlled by |x_k - x_{k-1}| and resets with the full gradient every m steps.
//
// Snapshot period m and batch size B default to ceil(sqrt(n)) (notes: "m = sqrt(n) でOK";
// Kinoshita & Suzuki 2022: batch size and inner loop length sqrt(n)). These are the values of
// theory/variance_reduction.hpp (vr_inner_loop_length, vr_batch_size); lib/ does not depend on
// theory/ (DESIGN.md §1), so they are re-stated here and a lib test checks they agree.
//
// Mini-batches are uniform WITHOUT replacement (Floyd's algorithm): the B indices are distinct.
// Draw j of (chain, step) uses the 64-bit word j % 2 of Philox(key = (seed, StreamTag::minibatch),
// counter = (replica, chain, step, j / 2)) and maps it to {0..t} by the multiply-high
// floor(u (t + 1) / 2^64) (bias <= (t + 1)/2^64, below 1e-10 for n < 2^32).
//
// Errors: std::invalid_argument starting with the argument's name.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lib/models/finite_sum.hpp"
#include "lib/rng/philox.hpp"

namespace ldbench::lib::langevin {

// ceil(sqrt(n)) for n >= 1 (exact integer square root).
std::uint32_t default_batch_size(std::int64_t n);
std::uint32_t default_inner_loop_length(std::int64_t n);

// out = B distinct indices in [0, n), a uniform B-subset (order: Floyd's insertion order).
// Requires 1 <= B <= n. Thread-safe.
void sample_minibatch(const rng::Key& key, std::uint32_t replica, std::uint32_t chain, std::uint32_t step,
                      std::int64_t n, std::uint32_t B, std::vector<std::uint32_t>& out);

// The estimators above, for one point; g has dim() entries; I non-empty.
void sgld_gradient(const models::FiniteSumPotential& U, const double* x, std::span<const std::uint32_t> I, double* g);
void svrg_gradient(const models::FiniteSumPotential& U, const double* x, const double* x_snapshot,
                   const double* full_gradient_snapshot, std::span<const std::uint32_t> I, double* g);
void sarah_gradient(const models::FiniteSumPotential& U, const double* x, const double* x_prev,
                    const double* g_prev, std::span<const std::uint32_t> I, double* g);

}  // namespace ldbench::lib::langevin
