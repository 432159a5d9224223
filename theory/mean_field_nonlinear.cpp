#include "theory/mean_field_nonlinear.hpp"

#include <cmath>
#include <stdexcept>

#include "theory/detail/require.hpp"
#include "theory/lsi.hpp"

namespace ldbench::theory {

double mfld_holley_stroock_lsi(double lambda1, double lambda2, double osc) {
  detail::require_positive(lambda1, "lambda1");
  detail::require_positive(lambda2, "lambda2");
  detail::require_nonnegative(osc, "osc");
  return holley_stroock_lsi_osc(bakry_emery_lsi(2.0 * lambda1, lambda2), osc / lambda2);
}

double single_index_tanh_uniform_oscillation(const std::vector<double>& y) {
  if (y.empty()) throw std::invalid_argument("y: needs at least one label");
  double s = 0;
  for (double v : y) {
    if (!std::isfinite(v)) throw std::invalid_argument("y: labels must be finite");
    s += 1.0 + std::abs(v);
  }
  return 2.0 * s / static_cast<double>(y.size());
}

}  // namespace ldbench::theory
