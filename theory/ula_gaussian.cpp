#include "theory/ula_gaussian.hpp"

#include <cmath>
#include <stdexcept>
#include <sstream>
#include <string>

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

}  // namespace ldbench::theory
