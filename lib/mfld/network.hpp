// The mean-field two-layer network (lecture notes, slide "MF-LD to optimize mean field NN"; DESIGN.md §2)
// as a MeanFieldObjective. A particle is one neuron θ = (r, w) ∈ R^{1+p} (row 0 of Θ is r, rows 1..p
// are w); the network of N particles is
//   f(z) = (1/N) sum_i r_i act(w_i·z),    act = tanh or relu (relu(u) = max(u, 0), relu'(u) = [u > 0]),
// on data (z_j, y_j), j = 1..n, z_j ∈ R^p, with the loss
//   squared   F = (1/(2n)) sum_j (f(z_j) - y_j)²     + lambda1 E||θ||²,   loss'(f, y) = f - y
//   logistic  F = (1/n) sum_j log(1 + exp(-y_j f(z_j))) + lambda1 E||θ||²,  y ∈ {-1, +1},
//             loss'(f, y) = -y/(1 + exp(y f)).
// First variation δF/δmu(mu)(θ) = (1/n) sum_j loss'(f(z_j), y_j) r act(w·z_j) + lambda1 ||θ||², so with
// e_j = loss'(f(z_j), y_j):
//   ∂/∂r_i = (1/n) sum_j e_j act(w_i·z_j) + 2 lambda1 r_i,
//   ∂/∂w_i = (1/n) sum_j e_j r_i act'(w_i·z_j) z_j + 2 lambda1 w_i.
// Computation (gradients): H = Z W (n x N, Z the n x p features, W the p x N input weights), A = act(H),
// f = A r / N, e; then G_r = Aᵀ e / n and G_w = Zᵀ (e ∘ act'(H)) diag(r) / n: two dense products
// (2 n p N flops each) plus the activation and two matrix-vector products. The first product, the
// activation and A r run tile by tile, tile = (block of kDataBlock data rows) x (block of kParticleBlock
// particles), giving per particle block b the partial sums P_b = A(:, block b) r_b; s = P_0 + P_1 + ... in
// block order and f = s/N (the sharding statistic of lib/mfld/objective.hpp: phi_I(θ)_j = r act(w·z_j),
// S = |I|). The second product runs per particle block. Tiles and blocks run in parallel with OpenMP: the
// bits depend neither on the thread count nor, in a sharded run, on how the particle blocks are split among
// ranks (every tile has the same shape and alignment wherever it is computed). For N <= kParticleBlock
// this is the untiled computation Z W, A r.
// Mini-batch I: the same with (Z, y) restricted to the rows I (and 1/B in place of 1/n).
// Mutant self_interaction_only: f replaced by particle i's own f_i(z) = r_i act(w_i·z) (measure δ_{θ_i}).
//
// Synthetic teacher data (make_teacher_data): z_j ~ N(0, I_p); teacher f*(z) = (1/K) sum_k r*_k act(w*_k·z)
// with K = teacher_width, r*_k ~ N(0, 1) * 2, w*_k ~ N(0, I_p/p) * sqrt(p)/||.|| (unit norm); squared loss:
// y_j = f*(z_j) + noise eps_j, eps ~ N(0, 1); logistic: y_j = sign(f*(z_j) + noise eps_j) (sign(0) = +1).
// RNG: key (seed, StreamTag::mfld_data); z_j: NormalStream counter (0, j, 0); teacher neuron k:
// (1, k, 0) (r*_k first, then w*_k); eps_j: (2, j, 0) normal 0.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "lib/mfld/objective.hpp"

namespace ldbench::lib::mfld {

struct MeanFieldData {
  Eigen::MatrixXd features;  // n x p
  Eigen::VectorXd labels;    // n
};

enum class Activation { tanh, relu };
enum class Loss { squared, logistic };
const char* to_string(Activation a);
const char* to_string(Loss l);
Activation activation_from_string(const std::string& s);  // "activation: unknown ..."
Loss loss_from_string(const std::string& s);               // "loss: unknown ..."

inline constexpr Eigen::Index kDataBlock = 256;
// kParticleBlock (256): lib/mfld/objective.hpp.

// Throws "n: ...", "p: ...", "teacher_width: ...", "noise: ..." on invalid arguments.
MeanFieldData make_teacher_data(std::int64_t n, int p, std::uint32_t seed, Activation act, Loss loss, int teacher_width = 4,
                                double noise = 0.1);

class NetworkObjective final : public MeanFieldObjective {
 public:
  // Throws "data: ..." (empty, non-finite, labels not ±1 for logistic, size mismatch), "lambda1: ...".
  NetworkObjective(MeanFieldData data, Activation act, Loss loss, double lambda1);

  int dim() const override { return 1 + static_cast<int>(data_.features.cols()); }
  std::int64_t n() const override { return data_.features.rows(); }
  double lambda1() const override { return lambda1_; }
  std::string description() const override;
  double value(const ConstMatRef& Theta) const override;
  void gradients(const ConstMatRef& Theta, MatRef G, int threads = 1) const override;
  void batch_gradients(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef G, int threads = 1) const override;
  void self_interaction_gradients(const ConstMatRef& Theta, MatRef G, int threads = 1) const override;
  bool supports_sharding() const override { return true; }
  Eigen::Index statistic_size(std::span<const std::uint32_t> I) const override;
  std::unique_ptr<StatisticWorkspace> make_statistic_workspace() const override;
  void statistic_partials(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef P, StatisticWorkspace& ws,
                          int threads = 1) const override;
  void gradients_from_statistic(const ConstMatRef& Theta, std::span<const std::uint32_t> I, const Eigen::VectorXd& s, std::int64_t N,
                                MatRef G, StatisticWorkspace& ws, int threads = 1) const override;

  // f(z_j) for every datum (n), the network of the particle measure of Theta.
  Eigen::VectorXd predict(const ConstMatRef& Theta) const;
  const MeanFieldData& data() const { return data_; }
  Activation activation() const { return act_; }
  Loss loss() const { return loss_; }

 private:
  // A = act(Z W) tile by tile and, when P is given, P(:, b) = A(:, block b) r_b (header).
  void activations(const ConstMatRef& Theta, const Eigen::MatrixXd& Z, Eigen::MatrixXd& A, MatRef* P, int threads) const;
  // G from A: e given (length rows of Z), or e = nullptr for the self_interaction_only mutant.
  void backward(const ConstMatRef& Theta, const Eigen::MatrixXd& Z, const Eigen::VectorXd& y, const Eigen::MatrixXd& A,
                const Eigen::VectorXd* e, MatRef G, int threads) const;
  // gradients / batch_gradients: the sharded computation with this process owning every block.
  void serial_gradients(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef G, int threads) const;
  MeanFieldData data_;
  Activation act_;
  Loss loss_;
  double lambda1_;
};

}  // namespace ldbench::lib::mfld
