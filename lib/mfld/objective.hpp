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
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ldbench::lib::mfld {

using ConstMatRef = Eigen::Ref<const Eigen::MatrixXd>;
using MatRef = Eigen::Ref<Eigen::MatrixXd>;

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

 protected:
  // Throws "Theta: ..." unless Theta has dim() rows and >= 1 column, and "G: ..." unless G has the
  // same shape.
  void check_shapes(const ConstMatRef& Theta, const MatRef& G) const;
};

}  // namespace ldbench::lib::mfld
