#include "theory/ula_gaussian.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <sstream>
#include <string>
#include "lib/linalg/dense.hpp"

namespace ldbench::theory {

void check_ula_stability(double eta, const OuParams& p) {
  p.validate();
  if (!(std::isfinite(eta) && eta > 0))
    throw std::invalid_argument("eta: step size must be finite and > 0");
  if (!(eta * p.a < 2.0)) {
    std::ostringstream os;
    os << "eta: step " << eta << " is over the stability limit 2/a = " << 2.0 / p.a << "; use 0 < eta < 2/a";
    throw std::invalid_argument(os.str());
  }
}

UlaMoments ula_moments(unsigned k, double eta, double m0, double v0, const OuParams& p) {
  check_ula_stability(eta, p);
  const double r = 1.0 - eta * p.a;
  const double rk = std::pow(r, static_cast<double>(k));
  const double vinf = ula_stationary_variance(eta, p);
  return {rk * m0, rk * rk * v0 + vinf * (1.0 - rk * rk)};
}

double ula_stationary_variance(double eta, const OuParams& p) {
  check_ula_stability(eta, p);
  return p.stationary_variance() / (1.0 - 0.5 * eta * p.a);
}

void check_ula_stability(double eta, const OuMatrix& p) {
  p.validate(static_cast<int>(p.A.rows()));
  if (!(std::isfinite(eta) && eta > 0)) throw std::invalid_argument("eta: step size must be finite and > 0");
  const double amax = lib::linalg::symmetric_max_eigenvalue(p.A);
  if (!(eta * amax < 2.0)) {
    std::ostringstream os;
    os << "eta: step " << eta << " is over the stability limit 2/a_max = " << 2.0 / amax
       << "; use 0 < eta < 2/a_max";
    throw std::invalid_argument(os.str());
  }
}

Gaussian ula_law(const Gaussian& start, unsigned k, double eta, const OuMatrix& p) {
  validate(start, "start");
  p.validate(start.dim());
  check_ula_stability(eta, p);
  const lib::linalg::SymmetricEigen es = lib::linalg::symmetric_eigen(p.A);
  const Eigen::MatrixXd& V = es.vectors;
  const Eigen::ArrayXd a = es.values.array();
  const Eigen::ArrayXd r = 1.0 - eta * a;
  const Eigen::ArrayXd rk = r.pow(static_cast<double>(k));
  const Eigen::ArrayXd vinf = (p.lambda / a) / (1.0 - 0.5 * eta * a);
  // In the eigenbasis the recursion is S'_{k+1} = R S'_k R + 2 eta lambda I with R diagonal, so
  // S'_k(i, j) = r_i^k r_j^k S'_0(i, j) + delta_ij vinf_i (1 - r_i^{2k}).
  const Eigen::VectorXd m = V * (rk * (V.transpose() * start.mean).array()).matrix();
  Eigen::MatrixXd S = rk.matrix().asDiagonal() * (V.transpose() * start.cov * V) * rk.matrix().asDiagonal();
  S.diagonal().array() += vinf * (1.0 - rk * rk);
  const Eigen::MatrixXd cov = V * S * V.transpose();
  return {m, 0.5 * (cov + cov.transpose())};
}

Gaussian ula_stationary(double eta, const OuMatrix& p) {
  check_ula_stability(eta, p);
  const lib::linalg::SymmetricEigen es = lib::linalg::symmetric_eigen(p.A);
  const Eigen::ArrayXd a = es.values.array();
  const Eigen::ArrayXd vinf = (p.lambda / a) / (1.0 - 0.5 * eta * a);
  const Eigen::MatrixXd cov = es.vectors * vinf.matrix().asDiagonal() * es.vectors.transpose();
  return {Eigen::VectorXd::Zero(p.A.rows()), 0.5 * (cov + cov.transpose())};
}

double ula_stationary_bias_kl(double eta, const OuMatrix& p) {
  check_ula_stability(eta, p);
  const Eigen::ArrayXd a =
      lib::linalg::symmetric_eigenvalues(p.A).array();
  // r - 1 - ln r with r = 1/(1 - x), x = eta a/2: r - 1 = x/(1-x), ln r = -log1p(-x) (accurate for small x).
  const Eigen::ArrayXd x = 0.5 * eta * a;
  double kl = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) kl += x(i) / (1.0 - x(i)) + std::log1p(-x(i));
  return 0.5 * kl;
}

}  // namespace ldbench::theory
