#include "theory/ou.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <string>
#include <numbers>
#include <stdexcept>
#include "lib/linalg/dense.hpp"

namespace ldbench::theory {

void OuParams::validate() const {
  if (!(std::isfinite(a) && a > 0)) throw std::invalid_argument("a: must be finite and > 0");
  if (!(std::isfinite(lambda) && lambda > 0))
    throw std::invalid_argument("lambda: must be finite and > 0");
}

double ou_mean(double t, double m0, const OuParams& p) {
  p.validate();
  return std::exp(-p.a * t) * m0;
}

double ou_variance(double t, double v0, const OuParams& p) {
  p.validate();
  // (lambda/a)(1 - e^{-2at}) written with expm1 to stay accurate for small t.
  return std::exp(-2.0 * p.a * t) * v0 - p.stationary_variance() * std::expm1(-2.0 * p.a * t);
}

double ou_transition_density(double x, double x0, double t, const OuParams& p) {
  if (!(t > 0)) throw std::invalid_argument("t: must be > 0 (the transition density is a delta at t = 0)");
  const double m = ou_mean(t, x0, p);
  const double v = ou_variance(t, 0.0, p);
  return std::exp(-0.5 * (x - m) * (x - m) / v) / std::sqrt(2.0 * std::numbers::pi * v);
}

Gaussian ou_law(const Gaussian& start, double t, const OuParams& p) {
  validate(start, "start");
  p.validate();
  if (!(t >= 0)) throw std::invalid_argument("t: must be >= 0");
  const double decay = std::exp(-p.a * t);
  const int d = start.dim();
  return {decay * start.mean,
          decay * decay * start.cov -
              p.stationary_variance() * std::expm1(-2.0 * p.a * t) * Eigen::MatrixXd::Identity(d, d)};
}

Gaussian ou_stationary(int d, const OuParams& p) {
  p.validate();
  return Gaussian::isotropic(d, 0.0, p.stationary_variance());
}

void OuMatrix::validate(int d) const {
  if (!(std::isfinite(lambda) && lambda > 0)) throw std::invalid_argument("lambda: must be finite and > 0");
  if (A.rows() != d || A.cols() != d)
    throw std::invalid_argument("A: shape " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()) +
                                " does not match dimension " + std::to_string(d));
  if (!A.allFinite()) throw std::invalid_argument("A: non-finite entry");
  if ((A - A.transpose()).cwiseAbs().maxCoeff() > 1e-12 * A.cwiseAbs().maxCoeff())
    throw std::invalid_argument("A: not symmetric");
  if (!(lib::linalg::symmetric_min_eigenvalue(A) > 0)) throw std::invalid_argument("A: not positive definite");
}

Gaussian ou_law(const Gaussian& start, double t, const OuMatrix& p) {
  validate(start, "start");
  p.validate(start.dim());
  if (!(t >= 0)) throw std::invalid_argument("t: must be >= 0");
  const lib::linalg::SymmetricEigen es = lib::linalg::symmetric_eigen(p.A);
  const Eigen::MatrixXd& V = es.vectors;
  const Eigen::ArrayXd a = es.values.array();
  const Eigen::ArrayXd decay = (-a * t).exp();
  // In the eigenbasis: m' = D m, S' = D S D + lambda a⁻¹ (1 - e^{-2at}) (diagonal), D = e^{-at}.
  const Eigen::VectorXd m = V * (decay * (V.transpose() * start.mean).array()).matrix();
  const Eigen::MatrixXd S0 = V.transpose() * start.cov * V;
  Eigen::MatrixXd S = decay.matrix().asDiagonal() * S0 * decay.matrix().asDiagonal();
  S.diagonal().array() -= p.lambda / a * (-2.0 * a * t).unaryExpr([](double x) { return std::expm1(x); });
  Eigen::MatrixXd cov = V * S * V.transpose();
  return {m, 0.5 * (cov + cov.transpose())};
}

Gaussian ou_stationary(const OuMatrix& p) {
  p.validate(static_cast<int>(p.A.rows()));
  Eigen::MatrixXd cov = p.lambda * lib::linalg::inverse(p.A);
  return {Eigen::VectorXd::Zero(p.A.rows()), 0.5 * (cov + cov.transpose())};
}

}  // namespace ldbench::theory
