// A constant symmetric positive-definite preconditioner P for ULA and MALA.
//
// Preconditioned Langevin dynamics and its Euler–Maruyama step (ULA), with P = L Lᵀ:
//
//   dX = -P ∇U(X) dt + sqrt(2 lambda) P^{1/2} dB,
//   x' = x - eta P ∇U(x) + sqrt(2 eta lambda) L xi,    xi ~ N(0, I_d).
//
// L xi has covariance L Lᵀ = P, the same law as P^{1/2} xi (any square root gives the same chain in
// law; ldbench uses the Cholesky factor L, lower-triangular, or sqrt(p_j) for a diagonal P). For a
// constant P the Fokker–Planck operator is ∇·(P (rho ∇U + lambda ∇rho)), which vanishes at
// rho ∝ exp(-U/lambda): the invariant law of the continuous dynamics is unchanged (Roberts &
// Stramer 2002, "Langevin diffusions and Metropolis–Hastings algorithms", §2; Girolami &
// Calderhead 2011 with a constant metric G = P⁻¹).
//
// On a quadratic U = ½ xᵀ A x the step in the coordinates y = L⁻¹ x is plain ULA with A_P = Lᵀ A L
// (since L⁻¹ P = Lᵀ), so the exact ULA law of theory/ula_gaussian.hpp applies with A_P, and the
// stability limit is eta < 2/λ_max(Lᵀ A L) = 2/λ_max(P^{1/2} A P^{1/2}).
//
// Errors: std::invalid_argument starting with "preconditioner: ".
#pragma once

#include <Eigen/Core>

namespace ldbench::lib::langevin {

class Preconditioner {
 public:
  enum class Kind { identity, diagonal, dense };

  Preconditioner() = default;  // identity
  static Preconditioner identity() { return {}; }
  // P = diag(p), p_j finite and > 0.
  static Preconditioner diagonal(const Eigen::VectorXd& p);
  // P symmetric positive definite (checked by a Cholesky factorisation P = L Lᵀ).
  static Preconditioner dense(const Eigen::MatrixXd& P);
  // P = L Lᵀ with L lower-triangular with a positive diagonal (the strict upper part is ignored).
  static Preconditioner from_cholesky(const Eigen::MatrixXd& L);

  Kind kind() const { return kind_; }
  bool is_identity() const { return kind_ == Kind::identity; }
  // Dimension (0 for the identity, which fits every dimension).
  int dim() const;
  // Throws "preconditioner: dimension ..." unless the identity or dim() == d.
  void validate(int d) const;

  // out = P G (columns independently). out may not alias G.
  void apply(const Eigen::Ref<const Eigen::MatrixXd>& G, Eigen::Ref<Eigen::MatrixXd> out) const;
  // out = L Z (diagonal: sqrt(p) ∘ Z). out may not alias Z.
  void apply_sqrt(const Eigen::Ref<const Eigen::MatrixXd>& Z, Eigen::Ref<Eigen::MatrixXd> out) const;
  // out(j) = R(:, j)ᵀ P⁻¹ R(:, j) = |L⁻¹ R(:, j)|².
  void inverse_quadratic(const Eigen::Ref<const Eigen::MatrixXd>& R, Eigen::Ref<Eigen::VectorXd> out) const;

  // P as a dense d x d matrix (d given for the identity).
  Eigen::MatrixXd matrix(int d) const;
  // λ_max(P) (1 for the identity).
  double max_eigenvalue() const;
  // λ_max(Lᵀ A L) = λ_max(P^{1/2} A P^{1/2}) for symmetric A (the identity gives λ_max(A)).
  double max_eigenvalue_preconditioned(const Eigen::MatrixXd& A) const;

 private:
  Kind kind_ = Kind::identity;
  Eigen::VectorXd p_, sqrt_p_;  // diagonal
  Eigen::MatrixXd P_, L_;       // dense
};

}  // namespace ldbench::lib::langevin
