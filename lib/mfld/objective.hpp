// Mean-field objectives: the energy F of mean-field Langevin dynamics (MFLD), evaluated on the
// empirical measure of N particles, with the gradient of its first variation at every particle.
//
// Math (DESIGN.md §2; lecture notes seeds/000_ef0f64e0f0cc7cc8.txt, slides "MF-LD to optimize mean
// field NN", "Finite particle approximation", "確率的勾配の計算量" (SGD-MFLD), "分散縮小勾配法"
// (SVRG-MFLD)):
//   L(mu) = F(mu) + lambda2 Ent(mu),   F(mu) = (1/n) sum_{j=1}^n f_j(mu) + lambda1 E_mu ||θ||²,
// on particles θ ∈ R^D. The particle measure of Θ = [θ_1 .. θ_N] (D x N, column i = particle i) is
// mu_N = (1/N) sum_i δ_{θ_i}. The drift of particle i is -G(:, i) with
//   G(:, i) = ∇_θ (δF/δmu)(mu_N)(θ_i)   (the L2 term INCLUDED: + 2 lambda1 θ_i),
// which is also N ∂F(mu_N)/∂θ_i (for the empirical measure ∂F(mu_N)/∂θ_i = (1/N) ∇_θ δF/δmu(mu_N)(θ_i);
// the tests check this against finite differences).
// Mini-batches (SGD-/SVRG-MFLD): for a set I of data indices (distinct, 0-based, |I| = B),
//   G_I(:, i) = ∇_θ (1/B) sum_{j ∈ I} δf_j/δmu(mu_N)(θ_i) + 2 lambda1 θ_i,
// an unbiased estimator of G when I is a uniform B-subset; with I = {0..n-1} it equals G.
// Objectives without data (e.g. the quadratic model) have n() = 1 and G_{0} = G.
//
// Counting convention: ONE gradient evaluation is one (particle, datum) pair, so a full gradient
// costs n N, a mini-batch gradient B N (lib/mfld/mfld.hpp counts these).
//
// Units: θ is dimensionless; F, L are in the units of the loss; lambda2 is loss per nat.
//
// Implementations are thread-safe (const methods, no shared mutable state) and produce results
// that do not depend on the OpenMP thread count (fixed block partitions, fixed reduction order).
// Misuse throws std::invalid_argument whose message starts with the argument's name ("Theta: ...").
//
// Sharding (optional; issue 7 "MPI", lib/mfld/mfld.hpp run() with MfldOptions::comm). An objective whose
// gradient depends on the measure only through a sum over particles
//   s_I(mu_N) = sum_{i=0}^{N-1} phi_I(θ_i) ∈ R^S,    G_I(:, i) = g_I(θ_i, s_I, N)
// (quadratic: phi(θ) = θ, S = d, the mean m = s/N; network: phi_I(θ)_j = r act(w·z_j) for the data j ∈ I, S = |I|,
// the predictions f(z_j) = s_j/N) can be run with its particles split across ranks. The particles are cut into
// fixed blocks of kParticleBlock columns, block b = global particles [b kParticleBlock, (b + 1) kParticleBlock)
// (the last one possibly shorter); the partial sum of block b is P_b = sum_{i in block b} phi_I(θ_i), computed
// block by block with the same code whoever owns the block, and
//   s_I = (((P_0 + P_1) + P_2) + ...)    (block order, left to right; reduce_partials below),
// so s_I, hence G_I, is bit-for-bit the same for any split of whole blocks among ranks and any thread count. An
// objective that supports this also computes gradients() and batch_gradients() exactly this way (one rank owning
// every block), so a sharded run is bit-identical to the serial one. I = all data for gradients() (passed as
// an empty span) or the mini-batch for batch_gradients(); objectives without data (n() = 1) ignore I.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace ldbench::lib::mfld {

using ConstMatRef = Eigen::Ref<const Eigen::MatrixXd>;
using MatRef = Eigen::Ref<Eigen::MatrixXd>;

// The particle block of thread-count and rank-count independence (header): partial sums, the update loop of
// lib/mfld/mfld.cpp and the shards of a sharded run are made of whole blocks of this many particles.
inline constexpr Eigen::Index kParticleBlock = 256;
// Number of blocks of N particles, ceil(N / kParticleBlock).
inline Eigen::Index particle_blocks(Eigen::Index N) { return (N + kParticleBlock - 1) / kParticleBlock; }

// Working memory an objective keeps between statistic_partials and gradients_from_statistic of the same
// particles (e.g. the network's activations); created by make_statistic_workspace, owned by the caller.
class StatisticWorkspace {
 public:
  virtual ~StatisticWorkspace() = default;
};

// s = P(:, 0) + P(:, 1) + ... in column order (header); P must have >= 1 column.
Eigen::VectorXd reduce_partials(const ConstMatRef& P);

class MeanFieldObjective {
 public:
  virtual ~MeanFieldObjective() = default;

  // D, the dimension of one particle.
  virtual int dim() const = 0;
  // Number of data terms n (1 for objectives without data).
  virtual std::int64_t n() const { return 1; }
  // lambda1 of the L2 term lambda1 E||θ||².
  virtual double lambda1() const = 0;
  // Formula and source, one line.
  virtual std::string description() const = 0;

  // F(mu_N) of the particle measure of Theta (D x N, N >= 1).
  virtual double value(const ConstMatRef& Theta) const = 0;
  // G = full gradient (D x N) as in the header. Costs n N evaluations. `threads` (0: OpenMP default)
  // only changes speed, never the bits.
  virtual void gradients(const ConstMatRef& Theta, MatRef G, int threads = 1) const = 0;
  // G = mini-batch gradient G_I (header). Costs |I| N evaluations. Requires I non-empty, indices
  // distinct and < n. Default (n() == 1): I must be {0} and G_I = G.
  virtual void batch_gradients(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef G,
                               int threads = 1) const;
  // The self_interaction_only mutant of lib/mfld/mfld.hpp: G(:, i) = ∇_θ δF/δmu(δ_{θ_i})(θ_i), i.e. each
  // particle's drift evaluated with the measure made of that particle alone. Costs n N evaluations.
  virtual void self_interaction_gradients(const ConstMatRef& Theta, MatRef G, int threads = 1) const = 0;

  // A known step-size limit of full-gradient MFLD (discrete MFLD with eta >= limit diverges on this
  // objective), or nullopt when none is known.
  virtual std::optional<double> step_limit() const { return std::nullopt; }

  // ---- sharding (header); the defaults refuse: "objective: ... does not support MPI sharding" ----
  virtual bool supports_sharding() const { return false; }
  // S, the length of s_I (I empty: all data).
  virtual Eigen::Index statistic_size(std::span<const std::uint32_t> I) const;
  virtual std::unique_ptr<StatisticWorkspace> make_statistic_workspace() const;
  // P (S x nb, nb = ceil(Nloc / kParticleBlock)): column b = the partial sum of local block b, Theta (D x Nloc,
  // Nloc >= 1) being whole global blocks (its column 0 starts a block). Keeps in ws what the next
  // gradients_from_statistic call on the same Theta and I needs.
  virtual void statistic_partials(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef P, StatisticWorkspace& ws,
                                  int threads = 1) const;
  // G (D x Nloc) = G_I at the local particles given s_I (length S) of all N particles; ws from statistic_partials.
  virtual void gradients_from_statistic(const ConstMatRef& Theta, std::span<const std::uint32_t> I, const Eigen::VectorXd& s,
                                        std::int64_t N, MatRef G, StatisticWorkspace& ws, int threads = 1) const;
  // Throws the refusal above unless supports_sharding().
  void require_sharding() const;

 protected:
  // Throws "Theta: ..." unless Theta has dim() rows and >= 1 column, and "G: ..." unless G has the
  // same shape.
  void check_shapes(const ConstMatRef& Theta, const MatRef& G) const;
};

}  // namespace ldbench::lib::mfld
