#include "lib/linalg/dense.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <stdexcept>
#include <string>

namespace ldbench::lib::linalg {

namespace {

void require_square(const Eigen::MatrixXd& A, const char* what) {
  if (A.rows() != A.cols())
    throw std::invalid_argument(std::string(what) + ": matrix must be square (got " + std::to_string(A.rows()) + " x " +
                                std::to_string(A.cols()) + ")");
}

}  // namespace

SymmetricEigen symmetric_eigen(const Eigen::MatrixXd& A) {
  require_square(A, "A");
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(A);
  SymmetricEigen out;
  out.ok = es.info() == Eigen::Success;
  out.values = es.eigenvalues();
  out.vectors = es.eigenvectors();
  return out;
}

Eigen::VectorXd symmetric_eigenvalues(const Eigen::MatrixXd& A) {
  require_square(A, "A");
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(A, Eigen::EigenvaluesOnly);
  return es.eigenvalues();
}

double symmetric_min_eigenvalue(const Eigen::MatrixXd& A) { return symmetric_eigenvalues(A).minCoeff(); }
double symmetric_max_eigenvalue(const Eigen::MatrixXd& A) { return symmetric_eigenvalues(A).maxCoeff(); }

Cholesky::Cholesky(const Eigen::MatrixXd& A) {
  require_square(A, "A");
  const Eigen::LLT<Eigen::MatrixXd> llt(A);
  ok_ = llt.info() == Eigen::Success;
  if (ok_) L_ = llt.matrixL();
}

// The solves are those of Eigen::LLT::solve (L then Lᵀ, in place), so the bits agree with it.
Eigen::MatrixXd Cholesky::solve(const Eigen::MatrixXd& B) const { return solve_upper(solve_lower(B)); }
Eigen::VectorXd Cholesky::solve(const Eigen::VectorXd& b) const { return solve_upper(solve_lower(b)); }

Eigen::MatrixXd Cholesky::solve_lower(const Eigen::MatrixXd& B) const { return lower_solve(L_, B); }
Eigen::VectorXd Cholesky::solve_lower(const Eigen::VectorXd& b) const { return lower_solve(L_, b); }
Eigen::MatrixXd Cholesky::solve_upper(const Eigen::MatrixXd& B) const { return lower_transpose_solve(L_, B); }
Eigen::VectorXd Cholesky::solve_upper(const Eigen::VectorXd& b) const { return lower_transpose_solve(L_, b); }

Eigen::MatrixXd Cholesky::inverse() const { return solve(Eigen::MatrixXd(Eigen::MatrixXd::Identity(L_.rows(), L_.cols()))); }

double Cholesky::log_det() const { return 2.0 * L_.diagonal().array().log().sum(); }

namespace {

void require_triangular_system(const Eigen::MatrixXd& L, Eigen::Index rows) {
  require_square(L, "L");
  if (rows != L.rows()) throw std::invalid_argument("B: row count does not match L");
}

}  // namespace

Eigen::MatrixXd lower_solve(const Eigen::MatrixXd& L, const Eigen::MatrixXd& B) {
  require_triangular_system(L, B.rows());
  Eigen::MatrixXd X = B;
  L.triangularView<Eigen::Lower>().solveInPlace(X);
  return X;
}
Eigen::VectorXd lower_solve(const Eigen::MatrixXd& L, const Eigen::VectorXd& b) {
  require_triangular_system(L, b.rows());
  Eigen::VectorXd x = b;
  L.triangularView<Eigen::Lower>().solveInPlace(x);
  return x;
}
Eigen::MatrixXd lower_transpose_solve(const Eigen::MatrixXd& L, const Eigen::MatrixXd& B) {
  require_triangular_system(L, B.rows());
  Eigen::MatrixXd X = B;
  L.adjoint().triangularView<Eigen::Upper>().solveInPlace(X);
  return X;
}
Eigen::VectorXd lower_transpose_solve(const Eigen::MatrixXd& L, const Eigen::VectorXd& b) {
  require_triangular_system(L, b.rows());
  Eigen::VectorXd x = b;
  L.adjoint().triangularView<Eigen::Upper>().solveInPlace(x);
  return x;
}

Eigen::MatrixXd inverse(const Eigen::MatrixXd& A) {
  require_square(A, "A");
  return A.inverse();
}

Eigen::MatrixXd symmetric_solve(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B) {
  require_square(A, "A");
  if (B.rows() != A.rows()) throw std::invalid_argument("B: row count does not match A");
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(A);
  if (ldlt.info() != Eigen::Success) throw std::runtime_error("A: LDLT factorisation failed (singular matrix)");
  return ldlt.solve(B);
}

Eigen::VectorXd symmetric_solve(const Eigen::MatrixXd& A, const Eigen::VectorXd& b) {
  require_square(A, "A");
  if (b.size() != A.rows()) throw std::invalid_argument("b: length does not match A");
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(A);
  if (ldlt.info() != Eigen::Success) throw std::runtime_error("A: LDLT factorisation failed (singular matrix)");
  return ldlt.solve(b);
}

}  // namespace ldbench::lib::linalg
