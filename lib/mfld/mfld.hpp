// Mean-field Langevin dynamics in discrete time on N particles: MFLD, SGD-MFLD and SVRG-MFLD.
//
// Continuous MFLD (DESIGN.md §2; notes, slides "MF-LD to optimize mean field NN" and "Finite particle
// approximation"): dX^i = -∇(δF/δmu)(mu_N)(X^i) dt + sqrt(2 lambda2) dB^i, mu_N = (1/N) sum_j δ_{X^j},
// which minimises L(mu) = F(mu) + lambda2 Ent(mu) as N -> inf. Its Euler–Maruyama discretisation, for
// every particle i = 0..N-1 at step k = 0..K-1 (all particles use the SAME measure mu_k):
//
//   θ_i ← θ_i - eta g_k(:, i) + sqrt(2 eta lambda2) ξ_{k,i},    ξ_{k,i} ~ N(0, I_D),
//
// with g_k (D x N, see lib/mfld/objective.hpp for G, G_I):
//   mfld       g_k = G(Θ_k)                               full gradient         [n N evaluations]
//   sgd_mfld   g_k = G_{I_k}(Θ_k)                         notes, "確率的勾配の計算量": v_k^i = (1/B) sum_{j ∈ I_k}
//                                                         ∇δf_j(mu_k)/δmu(X_k^i); I_k a uniform B-subset of the
//                                                         n data, WITHOUT replacement, fresh per step, shared
//                                                         by all particles                      [B N]
//   svrg_mfld  snapshot (Θ~, G(Θ~)) taken at k ≡ 0 (mod m) (then g_k = G(Θ_k), n N evaluations); otherwise
//              g_k = G_{I_k}(Θ_k) - G_{I_k}(Θ~) + G(Θ~)   notes, "分散縮小勾配法": v_k^i = (1/B) sum_{j ∈ I_k}
//              [∇δf_j(mu_k)/δmu(X_k^(i)) - ∇δf_j(mu~)/δmu(X~^(i))] + ∇δF(mu~)/δmu(X~^(i)), the snapshot
//              terms at the SAME particle index i (X~^(i) = column i of Θ~, mu~ its measure)   [2 B N]
// Unbiasedness: E_I G_I = G for a uniform B-subset, so sgd and svrg estimators are unbiased given Θ_k.
// Defaults: sgd B = ceil(sqrt(n)); svrg B = ceil(n^{1/3}), m = ceil(n^{2/3}) (notes: B = sqrt(m) = n^{1/3}).
// Units: eta is a time step of the dynamics, k steps reach time k eta.
//
// Gradient-evaluation counts (one evaluation = one (particle, datum) pair; lib/mfld/objective.hpp), s =
// ceil(K/m) snapshot steps: mfld n N K; sgd_mfld B N K; svrg_mfld n N s + 2 B N (K - s)
// (svrg_no_correction: n N s + B N (K - s)). expected_gradient_evaluations() returns these.
//
// Randomness (Philox4x32-10; lib/rng/philox.hpp, lib/rng/normal_block.hpp):
//   ξ_{k,i}: (ξ)_c = block_normal(key (seed, StreamTag::mfld_noise), replica, particle = particle_offset + i,
//            step k, c), c = 0..D-1, drawn a block of particles at a time by fill_normal_block: a pure function
//            of the GLOBAL particle index, so a run sharded over ranks (particle_offset) draws the same noise;
//   I_k:     lib/langevin sample_minibatch(key (seed, StreamTag::mfld_minibatch), replica, chain 0, step k, n, B)
//            (Floyd's algorithm, distinct indices).
// Parallelism: the objective's products use fixed block partitions and the update runs over fixed blocks of
// particles with OpenMP; results are byte-identical for any thread count (Eigen's own threading is off,
// -DEIGEN_DONT_PARALLELIZE).
// Sharding across processes (issue 7 "MPI"; MfldOptions::comm, lib/core/communicator.hpp): rank q holds the
// global particles [o_q, o_q + N_q) (Theta = its D x N_q columns, particle_offset = o_q), the ranges tiling
// [0, N) in rank order and made of whole blocks of kParticleBlock particles (shard_of() gives such a split; a
// rank may hold none). Per gradient evaluation every rank computes the partial sums of its blocks of the
// objective's statistic s_I (lib/mfld/objective.hpp, "Sharding": quadratic the particle sum, network the
// length-|I| prediction sums), the partials are all-gathered (one MPI_Allgatherv of S x (blocks) doubles) and
// summed in global block order, so every rank holds the same s_I as a serial run, and the gradients and
// updates of its own particles are the serial run's bits (noise keyed by the global index o_q + i). Per step
// also either the all-gather of the particles for the observer (see below) or one all-gather of each rank's
// first non-finite particle, so that all ranks throw the same MfldDivergence.
// The observer receives the full D x N matrix in global order, gathered on every rank, and the counts are of
// all N particles: observer calls, summaries and exceptions are identical on every rank and equal to the serial
// run's, for any rank count. An objective without the sharding methods is refused ("objective: ... does not
// support MPI sharding") when comm has more than one rank; with one rank the run is the serial one.
//
// Mutants (deliberately broken variants for the negative tests, DESIGN.md §4 item 4), one formula each:
//   noise_sqrt_eta         noise sqrt(eta) ξ instead of sqrt(2 eta lambda2) ξ
//   entropy_halved         noise sqrt(2 eta lambda2/2) ξ: the dynamics of lambda2/2 (wrong entropy weight)
//   drift_flipped          θ_i ← θ_i + eta g_k(:, i) + noise
//   self_interaction_only  mfld only: g_k = the objective's self_interaction_gradients, each particle's drift
//                          computed from the measure made of itself only (no interaction)
//   svrg_no_correction     svrg_mfld only: non-snapshot steps use g_k = G_{I_k}(Θ_k) (the SGD estimator with a
//                          full gradient every m steps); counts n N s + B N (K - s)
//   rng_key_per_rank       ξ_{k,i} keyed by the LOCAL index i within the shard (particle_offset ignored): in a run
//                          sharded over >= 2 ranks, particle o_q + i of every rank q gets the same noise as particle
//                          i of rank 0 (identical to none on one rank)
//
// Guards: eta must be finite and > 0; when the objective knows a stability limit (step_limit(); quadratic:
// min(2/(c + 2 lambda1), 1/lambda1)) and stability_guard is on, eta >= limit is refused with
// std::invalid_argument "eta: ..." naming both. A non-finite state throws MfldDivergence naming the step,
// the (global) particle and eta. Options and inputs are validated (std::invalid_argument starting with the
// option's name: "lambda2: ...", "eta: ...", "batch_size: ...", "Theta: ...", "mutant: ...").
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "lib/mfld/objective.hpp"

namespace ldbench::lib::core {
class Communicator;
}

namespace ldbench::lib::mfld {

enum class Algorithm { mfld, sgd_mfld, svrg_mfld };
enum class Mutant { none, noise_sqrt_eta, entropy_halved, drift_flipped, self_interaction_only, svrg_no_correction, rng_key_per_rank };

const char* to_string(Algorithm a);
const char* to_string(Mutant m);
// Throw std::invalid_argument "algorithm: unknown ..." / "mutant: unknown ..." listing the names.
Algorithm algorithm_from_string(const std::string& s);
Mutant mutant_from_string(const std::string& s);

struct MfldOptions {
  Algorithm algorithm = Algorithm::mfld;
  double lambda2 = 1.0;             // temperature (entropy weight), > 0
  double eta = 0.01;                // step, > 0
  std::uint32_t n_steps = 0;        // K
  std::uint32_t batch_size = 0;     // B (sgd, svrg); 0: the default above
  std::uint32_t inner_loop = 0;     // m (svrg); 0: the default above
  std::uint32_t seed = 0;
  std::uint32_t replica = 0;
  std::uint32_t particle_offset = 0;  // global index of column 0 (sharded runs)
  // Sharded run (header): Theta holds this rank's particles only. nullptr: a serial run (the same bits).
  const core::Communicator* comm = nullptr;
  int threads = 0;                    // 0: the OpenMP default
  std::uint32_t observe_every = 0;    // 0: no observations
  Mutant mutant = Mutant::none;
  bool stability_guard = true;

  // Ceres style: true iff consistent on their own; otherwise *error holds the message.
  bool IsValid(std::string* error) const;
};

// Called with Θ after step k (k = 0: the initial state) for k = 0, observe_every, 2 observe_every, ... and
// k = n_steps; gradient_evaluations = total (particle, datum) evaluations so far.
using Observer = std::function<void(std::uint32_t k, const Eigen::MatrixXd& Theta, std::uint64_t gradient_evaluations)>;

struct MfldSummary {
  Algorithm algorithm = Algorithm::mfld;
  Mutant mutant = Mutant::none;
  std::uint32_t steps = 0;
  int dim = 0;
  Eigen::Index particles = 0;
  std::int64_t n = 0;
  std::uint32_t batch_size = 0;  // 0 for mfld
  std::uint32_t inner_loop = 0;  // 0 unless svrg
  double lambda2 = 1, eta = 0;
  std::optional<double> step_limit;
  std::uint64_t gradient_evaluations = 0;  // (particle, datum) pairs
  double seconds = 0;
  std::string brief() const;  // one line (with the wall time)
};

class MfldDivergence : public std::runtime_error {
 public:
  MfldDivergence(std::uint32_t step, std::uint32_t particle, double eta, std::optional<double> limit);
  std::uint32_t step;      // 1-based: the state after this many steps is non-finite
  std::uint32_t particle;  // global index of the first non-finite particle
  double eta;
};

// Runs opt.n_steps steps on Theta (D x N; sharded: this rank's D x N_q particles) in place. Throws
// std::invalid_argument on invalid options or inputs or when the stability guard refuses, MfldDivergence on a
// non-finite state (sharded: on every rank alike; a rank whose own input is invalid throws its message, the
// others "Theta: rank q ..."). The summary's particles and counts are of all N particles.
MfldSummary run(const MeanFieldObjective& F, Eigen::MatrixXd& Theta, const MfldOptions& opt, const Observer& observer = {});

// Defaults of B and m (header), and the counts of the header for N particles.
std::uint32_t default_batch_size(Algorithm a, std::int64_t n);
std::uint32_t default_inner_loop(std::int64_t n);
std::uint64_t expected_gradient_evaluations(Algorithm a, std::int64_t n, std::int64_t N, std::uint32_t K, std::uint32_t B,
                                            std::uint32_t m, Mutant mutant = Mutant::none);

// The split of N particles over `size` ranks into whole blocks (header): rank r holds [begin, end) with
// begin = min(N, kParticleBlock floor(nb r/size)), end = min(N, kParticleBlock floor(nb (r + 1)/size)),
// nb = ceil(N/kParticleBlock). Throws "N: ..." / "size: ..." / "rank: ..." on invalid arguments.
struct ShardRange {
  std::int64_t begin = 0, end = 0;
  std::int64_t count() const { return end - begin; }
};
ShardRange shard_of(std::int64_t N, int rank, int size);

// The noise the run draws at step k for global particles i0 .. i0 + count - 1 (D x count, unscaled ξ).
void mfld_noise(const MfldOptions& opt, int D, std::uint32_t k, std::uint32_t i0, std::uint32_t count, Eigen::MatrixXd& Z);

}  // namespace ldbench::lib::mfld
