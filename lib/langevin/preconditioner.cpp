#include "lib/langevin/preconditioner.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include "lib/linalg/dense.hpp"

namespace ldbench::lib::langevin {

Preconditioner Preconditioner::diagonal(const Eigen::VectorXd& p) {
  if (p.size() < 1) throw std::invalid_argument("preconditioner: diagonal must have size >= 1");
  if (!p.allFinite() || p.minCoeff() <= 0) throw std::invalid_argument("preconditioner: diagonal entries must be finite and > 0");
  Preconditioner out;
  out.kind_ = Kind::diagonal;
  out.p_ = p;
  out.sqrt_p_ = p.cwiseSqrt();
  return out;
}

Preconditioner Preconditioner::dense(const Eigen::MatrixXd& P) {
  if (P.rows() < 1 || P.rows() != P.cols()) throw std::invalid_argument("preconditioner: matrix must be square, d >= 1");
  if (!P.allFinite()) throw std::invalid_argument("preconditioner: matrix must be finite");
  if ((P - P.transpose()).cwiseAbs().maxCoeff() > 1e-12 * (1 + P.cwiseAbs().maxCoeff()))
    throw std::invalid_argument("preconditioner: matrix must be symmetric");
  const linalg::Cholesky llt(P);
  if (!llt.ok()) throw std::invalid_argument("preconditioner: matrix must be positive definite");
  Preconditioner out;
  out.kind_ = Kind::dense;
  out.P_ = P;
  out.L_ = llt.matrixL();
  return out;
}

Preconditioner Preconditioner::from_cholesky(const Eigen::MatrixXd& L) {
  if (L.rows() < 1 || L.rows() != L.cols()) throw std::invalid_argument("preconditioner: factor must be square, d >= 1");
  if (!L.allFinite() || L.diagonal().minCoeff() <= 0)
    throw std::invalid_argument("preconditioner: factor must be finite with a positive diagonal");
  Preconditioner out;
  out.kind_ = Kind::dense;
  out.L_ = L.triangularView<Eigen::Lower>();
  out.P_ = out.L_ * out.L_.transpose();
  return out;
}

int Preconditioner::dim() const {
  switch (kind_) {
    case Kind::identity: return 0;
    case Kind::diagonal: return static_cast<int>(p_.size());
    case Kind::dense: return static_cast<int>(L_.rows());
  }
  return 0;
}

void Preconditioner::validate(int d) const {
  if (!is_identity() && dim() != d)
    throw std::invalid_argument("preconditioner: dimension " + std::to_string(dim()) + " does not match the potential's " +
                                std::to_string(d));
}

void Preconditioner::apply(const Eigen::Ref<const Eigen::MatrixXd>& G, Eigen::Ref<Eigen::MatrixXd> out) const {
  switch (kind_) {
    case Kind::identity: out = G; break;
    case Kind::diagonal: out = G.array().colwise() * p_.array(); break;
    case Kind::dense: out.noalias() = P_ * G; break;
  }
}

void Preconditioner::apply_sqrt(const Eigen::Ref<const Eigen::MatrixXd>& Z, Eigen::Ref<Eigen::MatrixXd> out) const {
  switch (kind_) {
    case Kind::identity: out = Z; break;
    case Kind::diagonal: out = Z.array().colwise() * sqrt_p_.array(); break;
    case Kind::dense: out.noalias() = L_.triangularView<Eigen::Lower>() * Z; break;
  }
}

void Preconditioner::inverse_quadratic(const Eigen::Ref<const Eigen::MatrixXd>& R, Eigen::Ref<Eigen::VectorXd> out) const {
  switch (kind_) {
    case Kind::identity: out = R.colwise().squaredNorm().transpose(); break;
    case Kind::diagonal: out = (R.array().square().colwise() / p_.array()).colwise().sum().transpose(); break;
    case Kind::dense: {
      const Eigen::MatrixXd S = L_.triangularView<Eigen::Lower>().solve(R);
      out = S.colwise().squaredNorm().transpose();
      break;
    }
  }
}

Eigen::MatrixXd Preconditioner::matrix(int d) const {
  switch (kind_) {
    case Kind::identity: return Eigen::MatrixXd::Identity(d, d);
    case Kind::diagonal: return p_.asDiagonal();
    case Kind::dense: return P_;
  }
  return {};
}

double Preconditioner::max_eigenvalue() const {
  switch (kind_) {
    case Kind::identity: return 1.0;
    case Kind::diagonal: return p_.maxCoeff();
    case Kind::dense: {
      return linalg::symmetric_max_eigenvalue(P_);
    }
  }
  return 1.0;
}

double Preconditioner::max_eigenvalue_preconditioned(const Eigen::MatrixXd& A) const {
  Eigen::MatrixXd B;
  switch (kind_) {
    case Kind::identity: B = A; break;
    case Kind::diagonal: B = sqrt_p_.asDiagonal() * A * sqrt_p_.asDiagonal(); break;
    case Kind::dense: B = L_.transpose() * A * L_; break;
  }
  B = 0.5 * (B + B.transpose()).eval();
  return linalg::symmetric_max_eigenvalue(B);
}

}  // namespace ldbench::lib::langevin
