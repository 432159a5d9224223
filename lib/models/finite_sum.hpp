// Finite-sum potentials: the targets of stochastic-gradient Langevin samplers.
//
//   U(x) = sum_{i=1}^n l_i(x) + R(x),      x in R^d,      pi(x) ∝ exp(-U(x)/lambda)   (DESIGN.md §2)
//
// l_i is the loss (negative log-likelihood) of example i, R the regulariser (negative log-prior);
// the temperature lambda is NOT part of U. A Bayesian posterior at lambda = 1 is the usual case.
//
// Relation to the lecture notes (slide "時間離散化 + 確率的分散縮小勾配法"): the notes write
// f(x) = (1/n) sum_i f_i(x) and nu ∝ exp(-gamma f). The map is f = U, gamma = 1/lambda and
// f_i = n l_i + R, so that (1/B) sum_{i in I} ∇f_i = (n/B) sum_{i in I} ∇l_i + ∇R: every estimator in
// lib/langevin/gradient_estimators.hpp is the notes' estimator with this f_i.
//
// Gradient-evaluation units: ONE evaluation is one per-example gradient ∇l_i (a full gradient ∇U
// costs n). ∇R is O(d) and is not counted. Values count the same way (U costs n).
//
// Curvature: hessian_max() = M with ∇²U(x) ⪯ M I for all x (ULA on a quadratic with top curvature
// M is stable iff eta < 2/M; the samplers refuse eta > 2/M when M is known), hessian_min() = kappa
// with ∇²U ⪰ kappa I. std::nullopt when unknown. gaussian() returns the closed form when U is a
// quadratic: U(x) = ½ (x - mean)ᵀ A (x - mean) + const, so pi = N(mean, lambda A⁻¹) and the exact
// ULA law (theory/ula_gaussian.hpp: ula_law) applies to full-gradient ULA.
//
// Index sets: batch_gradient_sum(x, idx) = sum_{j} ∇l_{idx[j]}(x) over the listed indices (a
// repeated index counts twice), indices 0-based in [0, n). Implementations are thread-safe
// (const methods, no shared mutable state); the samplers call them from OpenMP threads.
//
// Misuse throws std::invalid_argument whose message starts with the argument's name.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "lib/potentials/potential.hpp"

namespace ldbench::lib::models {

using ConstMatRef = Eigen::Ref<const Eigen::MatrixXd>;
using MatRef = Eigen::Ref<Eigen::MatrixXd>;
using ConstVecRef = Eigen::Ref<const Eigen::VectorXd>;
using VecRef = Eigen::Ref<Eigen::VectorXd>;

// U(x) = ½ (x - mean)ᵀ precision (x - mean) + const; pi = N(mean, lambda precision⁻¹).
struct GaussianForm {
  Eigen::VectorXd mean;
  Eigen::MatrixXd precision;  // A, symmetric positive definite
};

class FiniteSumPotential {
 public:
  virtual ~FiniteSumPotential() = default;

  virtual int dim() const = 0;
  virtual std::int64_t n() const = 0;  // number of examples (>= 1)

  // out(j) = U(X(:, j)) for every column of X (d x m). Costs n value evaluations per column.
  virtual void values(const ConstMatRef& X, VecRef out) const = 0;
  // G(:, j) = ∇U(X(:, j)) (including ∇R). Costs n gradient evaluations per column.
  virtual void gradients(const ConstMatRef& X, MatRef G) const = 0;
  // Both at once (MALA needs both at every proposal); default: values() then gradients().
  // Costs n value and n gradient evaluations per column.
  virtual void values_and_gradients(const ConstMatRef& X, VecRef out, MatRef G) const;

  // g[0..d-1] = sum_j ∇l_{idx[j]}(x) (R excluded). Costs idx.size() evaluations.
  virtual void batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const = 0;
  // g = sum_j (∇l_{idx[j]}(x) - ∇l_{idx[j]}(y)). Costs 2 idx.size() evaluations. Default: two
  // batch_gradient_sum calls; models override it to gather the examples once.
  virtual void batch_gradient_difference(const double* x, const double* y, std::span<const std::uint32_t> idx,
                                         double* g) const;
  // g = ∇l_i(x). Default: batch_gradient_sum with the single index i.
  virtual void example_gradient(std::uint32_t i, const double* x, double* g) const;
  // l_i(x) (for finite-difference checks).
  virtual double example_value(std::uint32_t i, const double* x) const = 0;

  virtual double regularizer_value(const double* x) const = 0;
  virtual void regularizer_gradient(const double* x, double* g) const = 0;

  // H = ∇²U(x) (d x d, including ∇²R), at one point: the Laplace approximation and Newton's method
  // (lib/models/mode.hpp) and curvature diagnostics use it. Default: finite_difference_hessian
  // below (2d full gradients, i.e. 2 d n evaluations, error O(h²)); models with a closed form
  // override it.
  virtual Eigen::MatrixXd hessian(const double* x) const;

  virtual std::optional<double> hessian_max() const { return std::nullopt; }
  virtual std::optional<double> hessian_min() const { return std::nullopt; }
  virtual std::optional<GaussianForm> gaussian() const { return std::nullopt; }
  virtual std::string description() const = 0;

  // Single-point conveniences on top of values()/gradients().
  double value(const double* x) const;
  void gradient(const double* x, double* g) const;
};

// A lib/potentials::Potential as a finite sum with n = 1: l_1 = U, R = 0. hessian_max/min come
// from Potential::curvature(); gaussian() is std::nullopt (the Potential interface does not expose
// it). The wrapper shares ownership of the potential.
std::unique_ptr<FiniteSumPotential> wrap_potential(std::shared_ptr<const potentials::Potential> U);

// Central differences of U (the full sum) and of one example l_i, for tests and plugin authors:
//   g_j = (F(x + h e_j) - F(x - h e_j)) / (2h).
Eigen::VectorXd finite_difference_gradient(const FiniteSumPotential& U, const Eigen::VectorXd& x, double h = 1e-5);
Eigen::VectorXd finite_difference_example_gradient(const FiniteSumPotential& U, std::uint32_t i,
                                                   const Eigen::VectorXd& x, double h = 1e-5);

// Symmetrised central differences of the gradient (the default FiniteSumPotential::hessian):
//   column j of D = (∇U(x + h_j e_j) - ∇U(x - h_j e_j)) / (2 h_j),  h_j = h max(1, |x_j|),
//   H = (D + Dᵀ)/2.
// Error of entry (k, j): truncation h_j² |∂_j³ ∂_k U| / 6 = O(h²) (Taylor; symmetrising averages
// two such estimates) plus rounding ~ eps |∇U| / h_j. With h = 1e-5 both are ~1e-11 relative for
// derivatives of order 1 (the minimiser of h²/6 + eps/h is h* = (3 eps)^{1/3} ≈ 7e-6). Costs 2d
// full gradients. Throws std::invalid_argument naming h or x.
Eigen::MatrixXd finite_difference_hessian(const FiniteSumPotential& U, const Eigen::VectorXd& x, double h = 1e-5);

}  // namespace ldbench::lib::models
