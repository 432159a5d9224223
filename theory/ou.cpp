#include "theory/ou.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

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

}  // namespace ldbench::theory
