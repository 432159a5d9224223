// Bayesian logistic regression as a finite-sum potential.
//
//   data: features a_i in R^d (rows of F, n x d), labels y_i in {-1, +1} (0/1 accepted: 0 -> -1)
//   l_i(θ) = log(1 + exp(-y_i a_iᵀθ))            (negative log-likelihood of example i)
//   R(θ)   = |θ|² / (2 s²)                          (Gaussian prior N(0, s² I), s² = prior_variance)
//   U(θ)   = sum_i l_i(θ) + R(θ),  pi(θ) ∝ exp(-U(θ)/lambda) (the posterior at lambda = 1)
//   ∇l_i(θ) = -y_i sigma(-y_i a_iᵀθ) a_i,   sigma(t) = 1/(1 + e^{-t})
//   ∇²U(θ) = Fᵀ diag(sigma(t_i)(1 - sigma(t_i))) F + I/s²,  so
//   hessian_max M = ¼ λ_max(FᵀF) + 1/s²  (not attained in general),  hessian_min = 1/s².
//
// Vectorised with Eigen: full gradients of a block of m points are two matrix products
// (Z = F Θ, n x m; G = Fᵀ W + Θ/s²); a mini-batch gradient gathers the B rows once and does two
// matrix-vector products (no per-example loop). l_i is evaluated as softplus(-y_i a_iᵀθ) =
// max(t, 0) + log1p(exp(-|t|)), t = -y_i a_iᵀθ (no overflow).
//
// Source: standard (e.g. Welling & Teh 2011, §5.1, whose SGLD experiment is this model).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>

#include "lib/models/finite_sum.hpp"

namespace ldbench::lib::models {

class LogisticRegression final : public FiniteSumPotential {
 public:
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  // features: n x d, finite; labels: n values, each in {-1, +1} or each in {0, 1};
  // prior_variance s² > 0. Throws std::invalid_argument naming the argument.
  LogisticRegression(const Eigen::MatrixXd& features, const Eigen::VectorXd& labels, double prior_variance);

  int dim() const override { return static_cast<int>(F_.cols()); }
  std::int64_t n() const override { return static_cast<std::int64_t>(F_.rows()); }
  void values(const ConstMatRef& X, VecRef out) const override;
  void gradients(const ConstMatRef& X, MatRef G) const override;
  void values_and_gradients(const ConstMatRef& X, VecRef out, MatRef G) const override;  // one Z = F X
  void batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const override;
  void batch_gradient_difference(const double* x, const double* y, std::span<const std::uint32_t> idx,
                                 double* g) const override;
  double example_value(std::uint32_t i, const double* x) const override;
  double regularizer_value(const double* x) const override;
  void regularizer_gradient(const double* x, double* g) const override;
  // ∇²U(θ) = Fᵀ diag(sigma(t_i)(1 - sigma(t_i))) F + I/s², t_i = y_i a_iᵀθ (closed form; costs n).
  Eigen::MatrixXd hessian(const double* x) const override;
  std::optional<double> hessian_max() const override { return M_; }
  std::optional<double> hessian_min() const override { return 1.0 / s2_; }
  std::string description() const override;

  const RowMatrix& features() const { return F_; }
  const Eigen::VectorXd& labels() const { return y_; }  // in {-1, +1}
  double prior_variance() const { return s2_; }

 private:
  RowMatrix F_;
  Eigen::VectorXd y_;
  double s2_;
  double M_ = 0;
};

// Synthetic data: a_i ~ N(0, feature_scale² I_d), θ* ~ N(0, (theta_scale²/d) I_d),
// y_i = +1 with probability sigma(a_iᵀθ*), else -1. All draws are Philox of (seed,
// StreamTag::model_data): features counter (1, i, 0, .), θ* counter (2, 0, 0, .), labels (3, i, 0, 0).
struct LogisticData {
  Eigen::MatrixXd features;   // n x d
  Eigen::VectorXd labels;     // ±1
  Eigen::VectorXd theta_true;  // d
};
LogisticData make_synthetic_logistic_data(std::int64_t n, int d, std::uint32_t seed, double feature_scale = 1.0,
                                          double theta_scale = 1.0);

}  // namespace ldbench::lib::models
