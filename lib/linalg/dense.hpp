// Dense symmetric linear algebra behind a non-template interface.
//
// Why this exists: Eigen's decompositions are header templates, and every translation unit that
// names Eigen::SelfAdjointEigenSolver<MatrixXd> or Eigen::LLT<MatrixXd> instantiates and optimises
// them again (about 10 s and 4 s of compiler time per file with GCC 12 at -O3). The library code of
// ldbench needs only a handful of operations on dynamic double matrices, so they are instantiated
// once, in dense.cpp, and everything else calls these functions. The results are the same bits as
// calling Eigen directly (same code, and no fast-math anywhere in the build).
//
// Conventions: matrices are Eigen::MatrixXd; "symmetric" inputs are read from their lower triangle
// (Eigen's convention); eigenvalues are in increasing order with orthonormal eigenvectors as columns.
// Misuse (a non-square matrix) throws std::invalid_argument starting with the argument's name.
#pragma once

#include <Eigen/Core>

namespace ldbench::lib::linalg {

// A = V diag(values) Vᵀ for symmetric A (Eigen::SelfAdjointEigenSolver, Householder tridiagonalisation
// + implicit symmetric QR). `ok` is false if the QR iteration did not converge.
struct SymmetricEigen {
  Eigen::VectorXd values;   // increasing
  Eigen::MatrixXd vectors;  // columns; empty when only the values were asked for
  bool ok = true;
};

SymmetricEigen symmetric_eigen(const Eigen::MatrixXd& A);
// Eigenvalues only (cheaper: no accumulation of the Householder and Givens rotations).
Eigen::VectorXd symmetric_eigenvalues(const Eigen::MatrixXd& A);
// Smallest and largest eigenvalue of symmetric A.
double symmetric_min_eigenvalue(const Eigen::MatrixXd& A);
double symmetric_max_eigenvalue(const Eigen::MatrixXd& A);

// A = L Lᵀ for symmetric positive definite A (Eigen::LLT, reading the lower triangle).
// ok() is false when A is not positive definite (numerically): then nothing else may be called.
class Cholesky {
 public:
  Cholesky() = default;
  explicit Cholesky(const Eigen::MatrixXd& A);

  bool ok() const { return ok_; }
  Eigen::Index size() const { return L_.rows(); }
  const Eigen::MatrixXd& matrixL() const { return L_; }  // lower triangular, zeros above

  Eigen::MatrixXd solve(const Eigen::MatrixXd& B) const;  // A⁻¹ B
  Eigen::VectorXd solve(const Eigen::VectorXd& b) const;  // A⁻¹ b
  Eigen::MatrixXd solve_lower(const Eigen::MatrixXd& B) const;  // L⁻¹ B
  Eigen::VectorXd solve_lower(const Eigen::VectorXd& b) const;  // L⁻¹ b
  Eigen::MatrixXd solve_upper(const Eigen::MatrixXd& B) const;  // L⁻ᵀ B
  Eigen::VectorXd solve_upper(const Eigen::VectorXd& b) const;  // L⁻ᵀ b
  Eigen::MatrixXd inverse() const;                             // A⁻¹
  double log_det() const;                                      // log det A = 2 Σ log L_ii

 private:
  Eigen::MatrixXd L_;
  bool ok_ = false;
};

// Triangular solves with a lower-triangular L (only its lower triangle is read):
// lower_solve(L, B) = L⁻¹ B, lower_transpose_solve(L, B) = L⁻ᵀ B. Matrix and vector right-hand sides
// take Eigen's matrix and vector kernels respectively (as the corresponding Eigen calls would).
Eigen::MatrixXd lower_solve(const Eigen::MatrixXd& L, const Eigen::MatrixXd& B);
Eigen::VectorXd lower_solve(const Eigen::MatrixXd& L, const Eigen::VectorXd& b);
Eigen::MatrixXd lower_transpose_solve(const Eigen::MatrixXd& L, const Eigen::MatrixXd& B);
Eigen::VectorXd lower_transpose_solve(const Eigen::MatrixXd& L, const Eigen::VectorXd& b);

// A⁻¹ of a general square matrix, as Eigen's MatrixXd::inverse() (LU with partial pivoting).
Eigen::MatrixXd inverse(const Eigen::MatrixXd& A);

// A⁻¹ B for symmetric A by the robust (pivoted) LDLᵀ factorisation (Eigen::LDLT): the weighted
// least-squares normal equations of the order fits. Throws std::runtime_error if A is singular.
Eigen::MatrixXd symmetric_solve(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B);
Eigen::VectorXd symmetric_solve(const Eigen::MatrixXd& A, const Eigen::VectorXd& b);

}  // namespace ldbench::lib::linalg
