#include "theory/kramers.hpp"

#include "theory/detail/require.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace ldbench::theory {

using detail::require_positive;

double kramers_escape_rate(double Uxx_min, double Uxx_saddle_abs, double barrier, double lambda) {
  require_positive(Uxx_min, "Uxx_min");
  require_positive(Uxx_saddle_abs, "Uxx_saddle_abs");
  require_positive(barrier, "barrier");
  require_positive(lambda, "lambda");
  return std::sqrt(Uxx_min * Uxx_saddle_abs) / (2.0 * std::numbers::pi) * std::exp(-barrier / lambda);
}

double kramers_spectral_gap_symmetric(double Uxx_min, double Uxx_saddle_abs, double barrier, double lambda) {
  return 2.0 * kramers_escape_rate(Uxx_min, Uxx_saddle_abs, barrier, lambda);
}

double kramers_spectral_gap_1d(const DoubleWell1d& w, double lambda) {
  const bool finite = std::isfinite(w.U_a) && std::isfinite(w.U_b) && std::isfinite(w.U_z);
  if (!(finite && w.U_z > w.U_a && w.U_z > w.U_b))
    throw std::invalid_argument("well: U_z must be finite and exceed U_a and U_b");
  if (!(std::isfinite(w.Uxx_a) && w.Uxx_a > 0 && std::isfinite(w.Uxx_b) && w.Uxx_b > 0 &&
        std::isfinite(w.Uxx_z_abs) && w.Uxx_z_abs > 0))
    throw std::invalid_argument("well: curvatures Uxx_a, Uxx_b, Uxx_z_abs must be finite and > 0");
  require_positive(lambda, "lambda");
  return kramers_escape_rate(w.Uxx_a, w.Uxx_z_abs, w.U_z - w.U_a, lambda) +
         kramers_escape_rate(w.Uxx_b, w.Uxx_z_abs, w.U_z - w.U_b, lambda);
}

double lsi_upper_bound_from_gap(double rho, double lambda) {
  require_positive(rho, "rho");
  require_positive(lambda, "lambda");
  return rho / lambda;
}

}  // namespace ldbench::theory
