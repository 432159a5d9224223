// The mode of a smooth potential by damped Newton with backtracking (Armijo) line search:
// θ* = argmin U, with the Hessian H = ∇²U(θ*) that the Laplace approximation N(θ*, lambda H⁻¹)
// and the preconditioner P = H⁻¹ of the posterior kind need (experiments/drivers/posterior.cpp),
// and the mode of the iteration-complexity kind's F_n (experiments/drivers/complexity.cpp).
//
// Iteration k (Boyd & Vandenberghe 2004, §9.5, Algorithm 9.5; Nocedal & Wright 2006, §3.1):
//   g_k = ∇U(θ_k),  H_k = ∇²U(θ_k),  s_k = H_k⁻¹ g_k (Cholesky LLᵀ or LDLᵀ, `factorization`),
//   λ_k² = g_kᵀ H_k⁻¹ g_k (the squared Newton decrement; U(θ_k) - min of the local quadratic = λ_k²/2).
//   Stop when λ_k² < decrement_tol, or when λ_k² < stall_below and λ_k² >= λ_{k-1}² (the decrement
//   no longer falls: the round-off floor); then θ_{k+1} = θ_k - s_k when `final_step` (near θ*,
//   |θ_k - θ*|_H ≈ λ_k, so the extra step makes the error O(λ_k²)) and return.
//   Else if λ_k² < full_step_below: θ_{k+1} = θ_k - s_k without line search (U's decrease ~ λ_k²/2
//   is below U's round-off there, so the Armijo test cannot be evaluated).
//   Else θ_{k+1} = θ_k - τ s_k, τ = 1, ½, ¼, ... (at most max_backtracks trials), the first τ with
//   U(θ_k - τ s_k) <= U(θ_k) - armijo τ λ_k². If none passes: error, or (accept_failed_line_search)
//   the last, smallest trial when its value is finite. Then stop if λ_k² < stop_after_step_below.
// For a strictly convex U (e.g. logistic regression with a Gaussian prior) the iteration converges
// globally and quadratically near θ* (B&V §9.5.3).
//
// Failure (no stopping rule met within max_iterations, a Hessian whose factorisation fails, a
// negative or non-finite decrement, a failed line search, or a final Hessian that is not positive
// definite, i.e. not a strict local minimum): std::runtime_error "newton: <what>" when
// throw_on_failure (the default), else a result with converged = false and `message`.
// Misuse (bad options, missing callbacks, empty start) throws std::invalid_argument naming it.
//
// The defaults are the posterior kind's tolerances (decrement_tol 1e-16, i.e. |θ - θ*|_H < 1e-8
// before the final step; Armijo 1e-4; full steps below 1e-6; stall floor 1e-10). The complexity
// kind sets its own (LDLᵀ, Armijo ¼, stop at 1e-24 without a final step or after a step below
// 1e-20, accept the last trial of a failed line search): both reproduce the Newton loops those
// drivers had before this header existed, bit for bit.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <string>

#include "lib/models/finite_sum.hpp"

namespace ldbench::lib::models {

struct NewtonOptions {
  enum class Factorization { llt, ldlt };
  int max_iterations = 100;        // >= 1
  Factorization factorization = Factorization::llt;
  double decrement_tol = 1e-16;    // stop when λ² < this (> 0)
  bool final_step = true;          // take the Newton step at the stopping iterate
  double stall_below = 1e-10;      // stop when λ² < this and λ² did not decrease (0: off)
  double full_step_below = 1e-6;   // full steps without line search when λ² < this (0: off)
  double stop_after_step_below = 0;  // stop after a line-searched step whose λ² was below this (0: off)
  double armijo = 1e-4;            // sufficient-decrease constant, in (0, ½)
  int max_backtracks = 60;         // >= 1
  bool accept_failed_line_search = false;
  bool throw_on_failure = true;

  // Throws std::invalid_argument naming the first invalid field ("max_iterations: ...").
  void validate() const;
};

// The function to minimise: value(θ), and gradient and Hessian at θ (g and H are resized by the
// callee or arrive with size d and d x d).
struct NewtonObjective {
  std::function<double(const Eigen::VectorXd&)> value;
  std::function<void(const Eigen::VectorXd&, Eigen::VectorXd& g, Eigen::MatrixXd& H)> gradient_hessian;
};

struct ModeResult {
  Eigen::VectorXd mode;     // the last iterate (θ* when converged)
  Eigen::MatrixXd hessian;  // ∇²U(mode)
  double gradient_norm = 0;  // |∇U(mode)|
  double decrement = 0;      // λ² of the last Newton direction computed
  int iterations = 0;        // Newton directions computed
  bool converged = false;
  std::string message;       // why not, when !converged
};

ModeResult newton_minimize(const NewtonObjective& f, const Eigen::VectorXd& start, const NewtonOptions& opt = {});

// The mode of U (value(), gradient() and hessian() of the finite sum) from θ = 0 (Gaussian priors
// centred at 0 make it the natural start).
ModeResult find_mode(const FiniteSumPotential& U, const NewtonOptions& opt = {});

}  // namespace ldbench::lib::models
