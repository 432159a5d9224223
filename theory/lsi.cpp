#include "theory/lsi.hpp"

#include "theory/detail/require.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

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

using detail::require_nonnegative;
using detail::require_positive;

namespace {

}  // namespace

double bakry_emery_lsi(double kappa, double lambda) {
  require_positive(kappa, "kappa");
  require_positive(lambda, "lambda");
  return kappa / lambda;
}

double holley_stroock_lsi_notes(double alpha_nu, double B) {
  require_positive(alpha_nu, "alpha_nu");
  require_nonnegative(B, "B");
  return alpha_nu * std::exp(-4.0 * B);
}

double holley_stroock_lsi_osc(double alpha_nu, double osc) {
  require_positive(alpha_nu, "alpha_nu");
  require_nonnegative(osc, "osc");
  return alpha_nu * std::exp(-osc);
}

double bounded_perturbation_example_lsi(double lambda1, double B, double lambda) {
  require_positive(lambda1, "lambda1");
  require_nonnegative(B, "B");
  require_positive(lambda, "lambda");
  return (2.0 * lambda1 / lambda) * std::exp(-4.0 * B / lambda);
}

double notes_mfld_bounded_lsi_as_written(double lambda1, double lambda2, double R) {
  require_positive(lambda1, "lambda1");
  require_positive(lambda2, "lambda2");
  require_nonnegative(R, "R");
  return (lambda1 / lambda2) * std::exp(-4.0 * R / lambda2);
}

NotesLipschitzMicloLsi notes_lipschitz_miclo_lsi_as_written(double lambda1, double lambda2, double R, int d) {
  require_positive(lambda1, "lambda1");
  require_positive(lambda2, "lambda2");
  require_nonnegative(R, "R");
  if (d < 1) throw std::invalid_argument("d: dimension must be >= 1");
  const double dd = static_cast<double>(d);
  const double r2 = R * R / (lambda1 * lambda2);  // R²/(lambda1 lambda2), dimensionless
  NotesLipschitzMicloLsi out;
  out.miclo_term = (lambda1 / (2.0 * lambda2)) * std::exp(-4.0 * r2 * std::sqrt(2.0 * dd / std::numbers::pi));
  const double amp = R / lambda1 + std::sqrt(2.0 * lambda2 / lambda1);
  const double bracket = 2.0 + dd + 0.5 * dd * std::log(lambda2 / lambda1) + 4.0 * r2;
  const double braces = 4.0 * lambda2 / lambda1 + std::exp(0.5 * r2) * amp * amp * bracket;
  out.lipschitz_term_applies = braces > 0 && std::isfinite(braces);
  out.lipschitz_term = out.lipschitz_term_applies ? 1.0 / braces : 0.0;
  out.value = std::max(out.miclo_term, out.lipschitz_term);
  return out;
}

}  // namespace ldbench::theory
