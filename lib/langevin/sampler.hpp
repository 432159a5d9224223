// Langevin samplers over an ensemble of independent chains: ULA, MALA, SGLD, SVRG-LD, SARAH-LD.
//
// Target pi(x) ∝ exp(-U(x)/lambda), U = sum_{i=1}^n l_i + R (lib/models/finite_sum.hpp); the
// ensemble X is d x N, chain j is column j. Every algorithm takes, at step k = 0, 1, ..., K-1,
//
//   x_{k+1} = x_k - eta_k P g_k + sqrt(2 eta_k lambda) L xi_k,    xi_k ~ N(0, I_d),  P = L Lᵀ
//
// (P = I for the stochastic-gradient methods), with g_k:
//   ula       g_k = ∇U(x_k)  (GLD discretised by Euler–Maruyama; DESIGN.md §2; notes "時間離散化")
//   mala      the ULA step is a proposal y, accepted with probability
//               min(1, exp(-(U(y) - U(x))/lambda) q(x|y) / q(y|x)),
//               q(y|x) ∝ exp(-|L⁻¹(y - x + eta P ∇U(x))|² / (4 eta lambda))
//             (Roberts & Tweedie 1996, "Exponential convergence of Langevin distributions and their
//             discrete approximations", §1.4; preconditioned form as in Roberts & Stramer 2002).
//             ∇U and U at the current state are cached, so a step costs one gradient and one value.
//   sgld      g_k = SGLD estimator (Welling & Teh 2011), batch B
//   svrg_ld   g_k = SVRG estimator (Dubey et al. 2016); at k ≡ 0 (mod m) the snapshot is x~ = x_k and
//             g_k = ∇U(x_k) (full gradient, n evaluations); other steps 2B evaluations
//   sarah_ld  g_k = SARAH estimator (Kinoshita & Suzuki 2022); at k ≡ 0 (mod m) g_k = ∇U(x_k)
//             (reset, n evaluations); other steps 2B evaluations, recursion on (x_{k-1}, g_{k-1})
// (estimators and their normalisation: lib/langevin/gradient_estimators.hpp).
//
// Step sizes: constant eta_k = eta_0, or polynomial decay eta_k = eta_0 (1 + k/k0)^{-gamma}
// (gamma in [0, 1]; Welling & Teh use gamma in (0.5, 1]). Units: eta is a time step of the
// dynamics dX = -P∇U dt + sqrt(2 lambda) P^{1/2} dB, so k steps of constant eta reach time k eta.
//
// Gradient-evaluation counts (per chain, in per-example gradients ∇l_i; ∇R is not counted), with
// K steps and s = ceil(K/m) snapshot/reset steps:
//   ula  n K;  mala  n (K + 1) gradients and n (K + 1) values;  sgld  B K;
//   svrg_ld, sarah_ld  n s + 2B (K - s)   (mutant svrg_no_correction: n s + B (K - s)).
// expected_gradient_evaluations() returns these; SamplerSummary reports what was done.
//
// Randomness (Philox4x32-10, key = (seed, stream tag), counter = (replica, chain, k, draw) with
// chain = chain_offset + j the global index of column j):
//   xi_k of chain c: (xi_k)_i = block_normal(key = (seed, StreamTag::langevin_noise), replica, c, k, i)
//     for i = 0..d-1 (lib/rng/normal_block.hpp: Box–Muller with ldbench's own log/sin/cos on the
//     words of counter (replica, c, k, i/2); vectorised, the same bits on every code path), drawn a
//     block of chains at a time by fill_normal_block;
//   mini-batch indices: StreamTag::minibatch (sample_minibatch);
//   MALA uniforms: StreamTag::metropolis, uniform01x2({replica, chain, k, 0})[0], accept iff
//   log u <= log alpha.
// Chains are processed in blocks of kChainBlock columns (full gradients of a block are matrix
// products; the noise of a block is one fill_normal_block call), blocks in parallel with OpenMP
// (dynamic schedule); every chain's update is a pure function of its indices, so the result is
// byte-identical for any thread count. A sharded run (chain_offset)
// reproduces the full run's columns bitwise when the model's full gradient is column-wise (e.g. a
// diagonal Gaussian) and to rounding otherwise (blocked matrix products round depending on a
// column's position in its block; observed ~1e-16 per step for logistic regression).
//
// Guards: before the first step, if the stability guard is on and a curvature bound is known, the
// sampler refuses eta_0 > 2/M_eff with std::invalid_argument "eta: ..." naming eta_0 and the limit
// 2/M_eff, where M_eff = λ_max(Lᵀ A L) when U is Gaussian with precision A (exact: the ULA
// recursion diverges iff eta λ_max >= 2), else M_eff = M λ_max(P) with M = hessian_max() (an upper
// bound of λ_max(Lᵀ ∇²U L), so the check may refuse a stable step but never accepts one that is
// unstable on the quadratic with curvature M). eta_0 is the largest step of both schedules. During
// the run a non-finite state throws SamplerDivergence naming the step, chain and step size.
//
// Errors: options and inputs are validated (std::invalid_argument whose message starts with the
// option's name: "lambda: ...", "step.eta0: ...", "n_steps: ...", "X: ...", "mutant: ...").
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "lib/langevin/preconditioner.hpp"
#include "lib/models/finite_sum.hpp"

namespace ldbench::lib::langevin {

using Ensemble = Eigen::MatrixXd;  // d x N, chain j is column j

inline constexpr Eigen::Index kChainBlock = 16;

enum class Algorithm { ula, mala, sgld, svrg_ld, sarah_ld };

// Deliberately broken variants for the verification suite's negative tests (DESIGN.md §4 item 4).
// Each changes exactly one formula; everything else (counts, RNG streams, guards) is unchanged.
enum class Mutant {
  none,
  // noise sqrt(eta) L xi instead of sqrt(2 eta lambda) L xi (every algorithm; for MALA the
  // proposal changes while the MH ratio keeps the correct density).
  noise_sqrt_eta,
  // drift +eta P g_k instead of -eta P g_k (every algorithm; MALA: in the proposal only).
  drift_flipped,
  // svrg_ld only: on non-snapshot steps the control variate ∇U(x~) - c sum_I ∇l_i(x~) (and the R
  // difference) is dropped, so g_k = ∇R(x_k) + c sum_I ∇l_i(x_k): the SGLD estimator with a full
  // gradient every m steps. Unbiased but with SGLD's variance; costs n s + B (K - s).
  svrg_no_correction,
  // mala only: log alpha = -(U(y) - U(x))/lambda, the proposal-density ratio q(x|y)/q(y|x) omitted.
  mala_no_proposal_correction,
  // every algorithm: all chains use the noise xi of global chain 0 (counter particle = 0); the
  // chains are no longer independent.
  reused_rng_counters,
};

const char* to_string(Algorithm a);
const char* to_string(Mutant m);
// Throw std::invalid_argument "algorithm: unknown ..." / "mutant: unknown ..." listing the names.
Algorithm algorithm_from_string(const std::string& s);
Mutant mutant_from_string(const std::string& s);

struct StepSchedule {
  enum class Kind { constant, polynomial };
  Kind kind = Kind::constant;
  double eta0 = 0.01;  // > 0
  double k0 = 1.0;     // > 0 (polynomial)
  double gamma = 0.0;  // in [0, 1] (polynomial)

  static StepSchedule constant(double eta) { return {Kind::constant, eta, 1.0, 0.0}; }
  static StepSchedule polynomial(double eta0, double k0, double gamma) { return {Kind::polynomial, eta0, k0, gamma}; }
  // eta_k = eta0 (constant) or eta0 (1 + k/k0)^{-gamma}.
  double at(std::uint32_t k) const;
  // Throws "step.eta0: ...", "step.k0: ...", "step.gamma: ...".
  void validate() const;
};

struct SamplerOptions {
  Algorithm algorithm = Algorithm::ula;
  double lambda = 1.0;          // temperature, > 0
  StepSchedule step;
  std::uint32_t n_steps = 0;    // K
  std::uint32_t batch_size = 0;  // B (sgld, svrg_ld, sarah_ld); 0: default_batch_size(n)
  std::uint32_t inner_loop = 0;  // m (svrg_ld, sarah_ld); 0: default_inner_loop_length(n)
  Preconditioner preconditioner;  // ula and mala only
  std::uint32_t seed = 0;
  std::uint32_t replica = 0;
  std::uint32_t chain_offset = 0;  // global index of column 0 (sharded runs)
  int threads = 0;                 // 0: the OpenMP default
  std::uint32_t observe_every = 0;  // 0: no observations
  Mutant mutant = Mutant::none;
  bool stability_guard = true;  // refuse eta_0 > 2/M_eff when M_eff is known

  // Ceres style: true iff the options are consistent on their own; otherwise *error (if non-null)
  // holds the message that validate() would throw.
  bool IsValid(std::string* error) const;
};

// Called with the ensemble after step k (k = 0 is the initial state) for k = 0, observe_every,
// 2 observe_every, ... and k = n_steps; gradient_evaluations = per-chain count so far.
using Observer = std::function<void(std::uint32_t k, const Ensemble& X, std::uint64_t gradient_evaluations)>;

struct SamplerSummary {
  Algorithm algorithm = Algorithm::ula;
  Mutant mutant = Mutant::none;
  std::uint32_t steps = 0;
  int dim = 0;
  Eigen::Index chains = 0;
  std::int64_t n = 0;
  std::uint32_t batch_size = 0;  // 0 for ula/mala
  std::uint32_t inner_loop = 0;  // 0 unless svrg_ld/sarah_ld
  double lambda = 1.0;
  double eta_first = 0, eta_last = 0;
  std::uint64_t gradient_evaluations = 0;  // per chain, per-example units
  std::uint64_t value_evaluations = 0;     // per chain (mala), per-example units
  Eigen::VectorXd acceptance_rate;         // per chain (mala); empty otherwise
  double mean_acceptance_rate = 0;         // mean over chains (mala); NaN otherwise
  std::optional<double> curvature_bound;   // M_eff used by the stability guard
  double stability_limit = 0;              // 2/M_eff (inf when unknown)
  double seconds = 0;

  std::uint64_t total_gradient_evaluations() const {
    return gradient_evaluations * static_cast<std::uint64_t>(chains);
  }
  std::string brief() const;  // one line
  std::string full() const;   // multi-line
};

class SamplerDivergence : public std::runtime_error {
 public:
  SamplerDivergence(std::uint32_t step, std::uint32_t chain, double eta, double limit);
  std::uint32_t step;   // the step whose result is non-finite (1-based: state x_step)
  std::uint32_t chain;  // global index of the first non-finite chain
  double eta;           // the step size used
  double limit;         // 2/M_eff, or +inf when unknown
};

// Runs opt.n_steps steps on every column of X in place. Throws std::invalid_argument on invalid
// options/inputs or when the stability guard refuses, SamplerDivergence on a non-finite state.
SamplerSummary sample(const models::FiniteSumPotential& U, Ensemble& X, const SamplerOptions& opt,
                      const Observer& observer = {});

// The counts of the header comment (per chain), with B and m already resolved.
std::uint64_t expected_gradient_evaluations(Algorithm a, std::int64_t n, std::uint32_t K, std::uint32_t B,
                                            std::uint32_t m, Mutant mutant = Mutant::none);

// The Brownian increments the sampler draws at step k (the header's "Randomness"): column j of Z
// (d x count) is xi_k of chain c0 + j, where c0 counts from opt.chain_offset; the reused_rng_counters
// mutant gives every column chain 0's numbers. For analyses that need the noise a run used (e.g.
// control-variate shadow chains driven by the same increments); sample() calls this itself.
void sampler_noise(const SamplerOptions& opt, int d, std::uint32_t k, std::uint32_t c0, std::uint32_t count, Eigen::MatrixXd& Z);

// M_eff of the guard for (U, P), or nullopt when unknown (see the header comment).
std::optional<double> effective_curvature(const models::FiniteSumPotential& U, const Preconditioner& P);

}  // namespace ldbench::lib::langevin
