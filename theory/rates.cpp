#include "theory/rates.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ldbench::theory {

namespace {

void require_smoothness(double s) {
  if (!(std::isfinite(s) && s > 0)) throw std::invalid_argument("s: smoothness must be finite and > 0");
}

void require_dimension(int d) {
  if (d < 1) throw std::invalid_argument("d: dimension must be >= 1, got " + std::to_string(d));
}

}  // namespace

double minimax_tv_rate_exponent(double s, int d) {
  require_smoothness(s);
  require_dimension(d);
  return s / (2.0 * s + static_cast<double>(d));
}

double minimax_w1_rate_exponent(double s, int d, double delta) {
  require_smoothness(s);
  require_dimension(d);
  if (!(std::isfinite(delta) && delta > 0 && delta < s + 1.0)) {
    std::ostringstream os;
    os << "delta: must satisfy 0 < delta < s + 1 = " << s + 1.0 << ", got " << delta;
    throw std::invalid_argument(os.str());
  }
  return (s + 1.0 - delta) / (2.0 * s + static_cast<double>(d));
}

double linear_estimator_lower_bound_exponent(int d) {
  require_dimension(d);
  const double dd = static_cast<double>(d);
  return (dd + 2.0) / (2.0 * dd + 2.0);
}

double two_phase_gld_risk_unit_constant(double sigma_min, int m, double n) {
  if (!(std::isfinite(sigma_min) && sigma_min > 0)) throw std::invalid_argument("sigma_min: must be finite and > 0");
  if (m < 1) throw std::invalid_argument("m: teacher width must be >= 1, got " + std::to_string(m));
  if (!(std::isfinite(n) && n >= 2)) throw std::invalid_argument("n: sample size must be finite and >= 2");
  return std::pow(sigma_min, -4.0) * std::pow(static_cast<double>(m), 5.0) * std::log(n) / n;
}

}  // namespace ldbench::theory
