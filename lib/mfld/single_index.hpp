// The single-index tanh model (issue 7, verification 2: a nonlinear mean-field case) as a
// MeanFieldObjective, and its first variation on a 1-D grid (the ground truth of
// experiments/drivers/mfld_nonlinear.cpp, solved with lib/fp/nonlinear.hpp).
//
// Model (lecture notes, slide "MF-LD to optimize mean field NN", with the output weight fixed to 1;
// DESIGN.md §2). A particle is an input weight θ = w ∈ R^D; on data (z_j, y_j), j = 1..n, z_j ∈ R^D,
//   f_mu(z) = E_mu tanh(w·z),
//   F(mu)   = (1/n) sum_j f_j(mu) + lambda1 E_mu ||w||²,   f_j(mu) = ½ (f_mu(z_j) - y_j)²,
// so with e_j = f_mu(z_j) - y_j the first variation and its gradient are
//   δF/δmu(mu)(w) = (1/n) sum_j e_j tanh(w·z_j) + lambda1 ||w||²,
//   ∇_w δF/δmu(mu)(w) = (1/n) sum_j e_j (1 - tanh²(w·z_j)) z_j + 2 lambda1 w.
// F is convex in mu (a convex function of the linear functional f_mu plus a linear term), which is what
// the entropy sandwich needs.
// Computation (gradients), as lib/mfld/network.cpp: H = Z W (n x N; Z the n x D data, W = Θ), A = tanh(H),
// f = A 1/N, e = f - y; G = Zᵀ ((1 - A²) ∘ e 1ᵀ)/n + 2 lambda1 W: two dense products. Data rows in fixed
// blocks of kDataBlock for the first product and the row sums of A, particles in fixed blocks of
// kParticleBlock for the second, blocks in parallel (OpenMP): the bits do not depend on the thread count
// (each row sum of A is a serial sum over the particles in column order).
// Mini-batch I: the same with (Z, y) restricted to the rows I and 1/B in place of 1/n.
// Mutant self_interaction_only: f_mu(z_j) replaced by particle i's own tanh(w_i·z_j) (measure δ_{w_i}).
//
// Synthetic data (make_single_index_data): z_j ~ N(0, I_D); teacher w* = teacher_weight (1, ..., 1)/sqrt(D);
// y_j = tanh(w*·z_j) + noise eps_j, eps_j ~ N(0, 1). RNG: key (seed, StreamTag::mfld_data); z_j: NormalStream
// counter (3, j, 0); eps_j: (4, j, 0) normal 0 (the counters 0..2 are the network data's).
//
// Grid form (dim() == 1, SingleIndexGrid): for a piecewise-constant density with cell values p_k on the
// cell centres w_k of a 1-D grid (cell width h, Σ p_k h = 1; lib/fp/grid.hpp), the midpoint rule gives
//   f_p(z_j) = Σ_k h p_k tanh(w_k z_j),   F_h(p) = (1/(2n)) Σ_j (f_p(z_j) - y_j)² + lambda1 Σ_k h p_k w_k²,
//   V_k = (1/h) ∂F_h/∂p_k = (1/n) Σ_j e_j tanh(w_k z_j) + lambda1 w_k²        (e_j = f_p(z_j) - y_j),
// the exact first variation of the discrete functional (so the discrete entropy sandwich holds exactly;
// lib/fp/nonlinear.hpp). The bounded part g_k = V_k - lambda1 w_k² = (1/n) Σ_j e_j tanh(w_k z_j) has
// |g'(w)| <= Lip := (1/n) Σ_j |e_j| |z_j| (|tanh'| <= 1), so its oscillation over the grid's interval
// [lo, hi] is at most max_k g_k - min_k g_k + Lip h (every point is within h/2 of a centre), and at most
// (2/n) Σ_j |e_j| everywhere on R (|tanh| < 1).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "lib/mfld/objective.hpp"

namespace ldbench::lib::mfld {

struct SingleIndexData {
  Eigen::MatrixXd features;  // n x D
  Eigen::VectorXd labels;    // n
};

// Throws "n: ...", "dim: ...", "teacher_weight: ...", "noise: ..." on invalid arguments.
SingleIndexData make_single_index_data(std::int64_t n, int dim, std::uint32_t seed, double teacher_weight, double noise);

class SingleIndexObjective final : public MeanFieldObjective {
 public:
  // Throws "data: ..." (empty, non-finite, size mismatch), "lambda1: ..." (not finite and > 0).
  SingleIndexObjective(SingleIndexData data, double lambda1);

  int dim() const override { return static_cast<int>(data_.features.cols()); }
  std::int64_t n() const override { return data_.features.rows(); }
  double lambda1() const override { return lambda1_; }
  std::string description() const override;
  double value(const ConstMatRef& Theta) const override;
  void gradients(const ConstMatRef& Theta, MatRef G, int threads = 1) const override;
  void batch_gradients(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef G, int threads = 1) const override;
  void self_interaction_gradients(const ConstMatRef& Theta, MatRef G, int threads = 1) const override;

  // f_mu(z_j) for every datum (n) of the particle measure of Theta.
  Eigen::VectorXd predict(const ConstMatRef& Theta) const;
  const SingleIndexData& data() const { return data_; }

 private:
  void compute(const ConstMatRef& Theta, const Eigen::MatrixXd& Z, const Eigen::VectorXd& y, MatRef G, int threads,
               bool self_only) const;
  SingleIndexData data_;
  double lambda1_;
};

// The grid form of the header for a 1-D objective (dim() == 1) on cell centres `centers` of width h.
class SingleIndexGrid {
 public:
  // Throws "objective: ..." unless dim() == 1, "centers: ..." (empty, non-finite), "h: ..." (not > 0).
  SingleIndexGrid(const SingleIndexObjective& F, Eigen::VectorXd centers, double h);

  // F_h(p); V (resized) = the first variation V_k. p: cell values (size = centers), not renormalised.
  double energy(const Eigen::VectorXd& p, Eigen::VectorXd& V) const;
  // f_p(z_j) for every datum.
  Eigen::VectorXd predict(const Eigen::VectorXd& p) const;

  struct Perturbation {
    double grid_oscillation = 0;  // max_k g_k - min_k g_k
    double lipschitz = 0;         // (1/n) Σ |e_j| |z_j|
    double interval_oscillation = 0;  // grid_oscillation + lipschitz h: >= osc of g over [lo, hi]
    double uniform_oscillation = 0;   // (2/n) Σ |e_j|: >= osc of g over R
  };
  // The bounded part g = V - lambda1 w² of the first variation at p (header).
  Perturbation perturbation(const Eigen::VectorXd& p) const;

  const Eigen::VectorXd& centers() const { return w_; }
  double h() const { return h_; }

 private:
  Eigen::VectorXd w_;
  double h_;
  Eigen::MatrixXd T_;  // cells x n: tanh(w_k z_j)
  Eigen::VectorXd y_, absz_;
  double lambda1_;
};

}  // namespace ldbench::lib::mfld
