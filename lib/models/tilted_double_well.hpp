// A non-convex finite sum with exactly known gradient noise: the tilted double well of the
// Raginsky–Rakhlin–Telgarsky experiment (experiments/drivers/nonconvex.cpp).
//
//   R(x)   = a x_1⁴ - b x_1² + (kappa/2) sum_{j>=2} x_j²                   (the landscape)
//   l_i(x) = (tau e_1 + sigma z_i)ᵀ x / n,   i = 1..n                     (the data terms)
//   U(x)   = sum_i l_i(x) + R(x) = V(x_1) + (kappa/2) sum_{j>=2} x_j²,   V(s) = a s⁴ - b s² + tau s,
//
// with z_i in R^d centred and whitened, sum_i z_i = 0 and (1/n) sum_i z_i z_iᵀ = I_d exactly. For
// b > 0 and small |tau| the 1-D profile V has two wells; tau > 0 makes the left one (s < 0) the
// global minimum. Everything about U is known to quadrature accuracy:
//   U* = min_s V(s) (Newton on V' from the left well),
//   E_pi[U] - U* = G_1(lambda) + (d - 1) lambda / 2   for pi ∝ exp(-U/lambda),
//   G_1(lambda) = ∫ (V - V*) e^{-(V - V*)/lambda} ds / ∫ e^{-(V - V*)/lambda} ds   (composite Simpson)
// (gibbs_excess), and the Laplace limit G(lambda) = d lambda / 2 + O(lambda²) as lambda -> 0.
//
// Gradient noise: with a uniform B-subset I (lib/langevin sample_minibatch), the SGLD estimator
// ∇R + (n/B) sum_{i in I} ∇l_i equals ∇U + (sigma/B) sum_{i in I} z_i, an x-independent error with
// mean 0 and covariance exactly s² I_d,  s² = sigma² (n - B) / (B (n - 1))  (sampling without
// replacement from a population with variance 1; minibatch_noise_variance). This is the notes'
// (n - B)/(B(n - 1)) factor (Suzuki–Wu–Nitanda 2023) and the term that makes SGLD's excess risk
// stop shrinking with lambda (experiments/drivers/nonconvex.cpp).
//
// Curvature: ∇²U is unbounded above (12 a x_1²), so hessian_max() is unknown and the samplers'
// stability guard cannot act; the driver checks finiteness instead (SamplerDivergence).
// The random draws z_i are Philox of (seed, StreamTag::model_data), counter (0, i, 0, .).
//
// Source: construction of this suite; the landscape is the notes' double well x⁴ - x² (slide
// "非凸最適化") with a tilt so that the global minimum is unique.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>

#include "lib/models/finite_sum.hpp"

namespace ldbench::lib::models {

struct TiltedDoubleWellParams {
  double a = 1.0;      // > 0
  double b = 1.0;      // >= 0
  double tau = 0.2;    // tilt of x_1 (any sign)
  double kappa = 1.0;  // > 0, curvature of x_2..x_d
  double sigma = 1.0;  // >= 0, spread of the data terms
};

class TiltedDoubleWellSum final : public FiniteSumPotential {
 public:
  // d >= 1, n >= d + 1 (the whitening needs it; n >= 2 when d = 1). Throws std::invalid_argument
  // naming the argument.
  TiltedDoubleWellSum(int d, std::int64_t n, const TiltedDoubleWellParams& p, std::uint32_t seed);

  int dim() const override { return d_; }
  std::int64_t n() const override { return n_; }
  void values(const ConstMatRef& X, VecRef out) const override;
  void gradients(const ConstMatRef& X, MatRef G) const override;
  void batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const override;
  void batch_gradient_difference(const double* x, const double* y, std::span<const std::uint32_t> idx,
                                 double* g) const override;
  double example_value(std::uint32_t i, const double* x) const override;
  double regularizer_value(const double* x) const override;
  void regularizer_gradient(const double* x, double* g) const override;
  std::string description() const override;

  const TiltedDoubleWellParams& params() const { return p_; }
  double minimizer_x1() const { return s_star_; }  // argmin V (global)
  double local_minimizer_x1() const { return s_loc_; }  // the other well's minimum (NaN if none)
  double minimum() const { return v_star_; }        // U* = V(s*)
  double curvature_at_minimum() const;             // V''(s*)
  // E_pi[U] - U* for pi ∝ exp(-U/lambda) (header comment), lambda > 0.
  double gibbs_excess(double lambda) const;
  // s² = sigma² (n - B) / (B (n - 1)), 1 <= B <= n.
  double minibatch_noise_variance(std::uint32_t B) const;

 private:
  double V(double s) const { return (p_.a * s * s - p_.b) * s * s + p_.tau * s; }
  int d_;
  std::int64_t n_;
  TiltedDoubleWellParams p_;
  Eigen::MatrixXd W_;  // d x n, column i = ∇l_i = (tau e_1 + sigma z_i) / n
  double s_star_ = 0, s_loc_ = 0, v_star_ = 0;
};

}  // namespace ldbench::lib::models
