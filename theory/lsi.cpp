#include "theory/lsi.hpp"

#include <cmath>
#include <stdexcept>

namespace ldbench::theory {

double gaussian_lsi_constant(double s2) {
  if (!(std::isfinite(s2) && s2 > 0)) throw std::invalid_argument("s2: variance must be finite and > 0");
  return 1.0 / s2;
}

double lsi_kl_rate(double alpha, double lambda) {
  if (!(std::isfinite(alpha) && alpha > 0)) throw std::invalid_argument("alpha: must be finite and > 0");
  if (!(std::isfinite(lambda) && lambda > 0)) throw std::invalid_argument("lambda: must be finite and > 0");
  return 2.0 * alpha * lambda;
}

double lsi_kl_bound(double kl0, double alpha, double lambda, double t) {
  if (!(std::isfinite(kl0) && kl0 >= 0)) throw std::invalid_argument("kl0: must be finite and >= 0");
  if (!(t >= 0)) throw std::invalid_argument("t: must be >= 0");
  return std::exp(-lsi_kl_rate(alpha, lambda) * t) * kl0;
}

}  // namespace ldbench::theory
