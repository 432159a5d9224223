// A Gaussian target written as a finite sum, so that SGLD / SVRG-LD / SARAH-LD have something
// non-trivial to estimate while the exact ULA law (theory/ula_gaussian.hpp) still applies to
// full-gradient ULA and MALA.
//
//   l_i(x) = ½ w_i (x - c_i)ᵀ A (x - c_i),   i = 1..n,    R = 0,
//   w_i > 0,  sum_i w_i = 1,  sum_i w_i c_i = m,
//   U(x) = sum_i l_i(x) = ½ (x - m)ᵀ A (x - m) + K,   K = ½ sum_i w_i (c_i - m)ᵀ A (c_i - m),
//   ∇l_i(x) = w_i A (x - c_i),  ∇U(x) = A (x - m),  pi = N(m, lambda A⁻¹).
//
// The split controls the estimator noise: with w_i = 1/n and c_i = m every mini-batch estimator is
// exact; spreading the centres c_i adds x-independent noise (which SVRG/SARAH remove completely),
// spreading the weights w_i adds noise proportional to x - x_snapshot (which they reduce near the
// snapshot). Curvature: hessian_min/max are the extreme eigenvalues of A (attained).
//
// Batch sums are O(B d + d²): sum_{i in I} ∇l_i(x) = A (x sum_I w_i - sum_I w_i c_i). A diagonal A is
// detected and applied elementwise.
//
// Source: construction of this suite (DESIGN.md §4 item 1, "oracles first").
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>

#include "lib/models/finite_sum.hpp"

namespace ldbench::lib::models {

class GaussianFiniteSum final : public FiniteSumPotential {
 public:
  // mean: d; precision: d x d SPD; weights: n, > 0, summing to 1 (relative error 1e-12);
  // centres: d x n with sum_i w_i c_i = mean (absolute error 1e-9 (1 + |mean|_inf)).
  // Throws std::invalid_argument naming the argument.
  GaussianFiniteSum(Eigen::VectorXd mean, Eigen::MatrixXd precision, Eigen::VectorXd weights,
                    Eigen::MatrixXd centres);

  int dim() const override { return static_cast<int>(mean_.size()); }
  std::int64_t n() const override { return static_cast<std::int64_t>(w_.size()); }
  void values(const ConstMatRef& X, VecRef out) const override;
  void gradients(const ConstMatRef& X, MatRef G) const override;
  void batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const override;
  void batch_gradient_difference(const double* x, const double* y, std::span<const std::uint32_t> idx,
                                 double* g) const override;
  double example_value(std::uint32_t i, const double* x) const override;
  double regularizer_value(const double*) const override { return 0.0; }
  void regularizer_gradient(const double*, double* g) const override;
  std::optional<double> hessian_max() const override { return eig_max_; }
  std::optional<double> hessian_min() const override { return eig_min_; }
  std::optional<GaussianForm> gaussian() const override { return GaussianForm{mean_, A_}; }
  std::string description() const override;

  const Eigen::VectorXd& weights() const { return w_; }
  const Eigen::MatrixXd& centres() const { return C_; }

 private:
  void apply_A(const double* v, double* out) const;  // out = A v
  Eigen::VectorXd mean_;
  Eigen::MatrixXd A_;
  bool diagonal_ = false;
  Eigen::VectorXd a_diag_;
  Eigen::VectorXd w_;
  Eigen::MatrixXd C_, WC_;  // WC(:, i) = w_i c_i
  double K_ = 0;
  double eig_min_ = 0, eig_max_ = 0;
};

// The split used by the registry entry "gaussian" and by the tests: weights
// w_i ∝ 1 + weight_spread (2 u_i - 1) with u_i uniform on (0, 1] (0 <= weight_spread < 1), centres
// c_i = m + spread (z_i - sum_j w_j z_j) with z_i ~ N(0, I_d). u_i, z_i are Philox draws of
// (seed, StreamTag::model_data), counter (0, i, 0, .), so the split is a pure function of the seed.
// spread = weight_spread = 0 gives n identical terms U/n.
std::unique_ptr<GaussianFiniteSum> make_gaussian_finite_sum(const Eigen::VectorXd& mean,
                                                             const Eigen::MatrixXd& precision, std::int64_t n,
                                                             double spread, double weight_spread,
                                                             std::uint32_t seed);

}  // namespace ldbench::lib::models
