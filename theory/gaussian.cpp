#include "theory/gaussian.hpp"

#include <Eigen/SVD>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "lib/linalg/dense.hpp"

namespace ldbench::theory {

Gaussian Gaussian::isotropic(int d, double m, double s2) {
  if (d < 1) throw std::invalid_argument("dim: must be >= 1");
  return {Eigen::VectorXd::Constant(d, m), s2 * Eigen::MatrixXd::Identity(d, d)};
}

void validate(const Gaussian& g, const char* name) {
  const std::string n(name);
  if (g.mean.size() == 0) throw std::invalid_argument(n + ".mean: empty; give a vector of length d >= 1");
  if (g.cov.rows() != g.mean.size() || g.cov.cols() != g.mean.size())
    throw std::invalid_argument(n + ".cov: shape " + std::to_string(g.cov.rows()) + "x" +
                                std::to_string(g.cov.cols()) + " does not match mean length " +
                                std::to_string(g.mean.size()));
  if (!g.mean.allFinite()) throw std::invalid_argument(n + ".mean: non-finite entry");
  if (!g.cov.allFinite()) throw std::invalid_argument(n + ".cov: non-finite entry");
  const double scale = g.cov.cwiseAbs().maxCoeff();
  if ((g.cov - g.cov.transpose()).cwiseAbs().maxCoeff() > 1e-12 * scale)
    throw std::invalid_argument(n + ".cov: not symmetric");
  if (!lib::linalg::Cholesky(g.cov).ok()) throw std::invalid_argument(n + ".cov: not positive definite");
}

namespace {
using lib::linalg::Cholesky;
void check_pair(const Gaussian& p, const Gaussian& q) {
  validate(p, "p");
  validate(q, "q");
  if (p.dim() != q.dim())
    throw std::invalid_argument("q: dimension " + std::to_string(q.dim()) +
                                " does not match p's dimension " + std::to_string(p.dim()));
}
}  // namespace

double kl(const Gaussian& p, const Gaussian& q) {
  check_pair(p, q);
  const Cholesky lp(p.cov), lq(q.cov);
  const Eigen::VectorXd dm = q.mean - p.mean;
  const double tr = lq.solve(p.cov).trace();
  const double quad = dm.dot(lq.solve(dm));
  return 0.5 * (tr + quad - p.dim() + lq.log_det() - lp.log_det());
}

double relative_fisher(const Gaussian& p, const Gaussian& q) {
  check_pair(p, q);
  const Cholesky lp(p.cov), lq(q.cov);
  const int d = p.dim();
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(d, d);
  const Eigen::MatrixXd Pinv = lp.solve(I);
  const Eigen::MatrixXd Qinv = lq.solve(I);
  const Eigen::VectorXd r = Qinv * (p.mean - q.mean);
  return Pinv.trace() - 2.0 * Qinv.trace() + (Qinv * Qinv * p.cov).trace() + r.squaredNorm();
}

double neg_entropy(const Gaussian& p) {
  validate(p, "p");
  const Cholesky lp(p.cov);
  return -0.5 * (p.dim() * std::log(2.0 * std::numbers::pi * std::numbers::e) + lp.log_det());
}

double w2_squared(const Gaussian& p, const Gaussian& q) {
  check_pair(p, q);
  // The Bures term as an orthogonal Procrustes residual: for any factors S1 = L1 L1ᵀ, S2 = L2 L2ᵀ
  // the singular values of L1ᵀ L2 are the eigenvalues of (S2^½ S1 S2^½)^½, so
  //   tr(S1 + S2 - 2 (S2^½ S1 S2^½)^½) = min over orthogonal U of ||L1 - L2 U||_F²,
  // attained at U = V Wᵀ for the SVD L1ᵀ L2 = W Σ Vᵀ. Summing the residual's squares directly does
  // not cancel tr S1 + tr S2 against 2 tr(...), and never forms S2^½ S1 S2^½, whose condition
  // number is the square of the inputs'. (The former eigen-decomposition of S2^½ S1 S2^½ lost
  // all digits when S1, S2 differ only in nearly singular directions, e.g. the W2 bias of ULA at
  // condition 1e8: theory/tests/test_edge_cases.cpp.)
  const Eigen::MatrixXd L1 = Cholesky(p.cov).matrixL();
  const Eigen::MatrixXd L2 = Cholesky(q.cov).matrixL();
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(L1.transpose() * L2, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::MatrixXd U = svd.matrixV() * svd.matrixU().transpose();
  return (p.mean - q.mean).squaredNorm() + (L1 - L2 * U).squaredNorm();
}

double log_density(const Gaussian& g, const Eigen::VectorXd& x) {
  validate(g, "g");
  if (x.size() != g.mean.size()) throw std::invalid_argument("x: dimension mismatch with g");
  const Cholesky l(g.cov);
  const Eigen::VectorXd r = x - g.mean;
  return -0.5 * (r.dot(l.solve(r)) + l.log_det() + g.dim() * std::log(2.0 * std::numbers::pi));
}

}  // namespace ldbench::theory
