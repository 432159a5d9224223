#include "theory/discretization.hpp"

#include "theory/detail/require.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ldbench::theory {

using detail::require_nonnegative;
using detail::require_positive;

namespace {

// A step within this relative distance above the limit counts as at the limit: eta lambda and
// alpha/(4 L_f²) computed from suite parameters differ from the exact values by a few ulps.
constexpr double kLimitRelTol = 1e-12;



void require_dimension(int d) {
  if (d < 1) throw std::invalid_argument("d: dimension must be >= 1, got " + std::to_string(d));
}

std::string num(double x) {
  std::ostringstream os;
  os.precision(6);
  os << x;
  return os.str();
}

}  // namespace

double vw_step_from_suite(double eta, double lambda) {
  require_positive(eta, "eta");
  require_positive(lambda, "lambda");
  return eta * lambda;
}

double vw_smoothness_from_suite(double L_U, double lambda) {
  require_positive(L_U, "L_U");
  require_positive(lambda, "lambda");
  return L_U / lambda;
}

double vw_step_limit(double alpha, double L_f) {
  require_positive(alpha, "alpha");
  require_positive(L_f, "L_f");
  return alpha / (4.0 * L_f * L_f);
}

void check_vw_step(double h, double alpha, double L_f) {
  const double limit = vw_step_limit(alpha, L_f);
  require_positive(h, "h");
  if (h > limit * (1.0 + kLimitRelTol))
    throw std::invalid_argument("h: step " + num(h) + " is over the limit alpha/(4 L_f^2) = " + num(limit) +
                                "; the Vempala-Wibisono bound does not apply (alpha = " + num(alpha) +
                                ", L_f = " + num(L_f) + ")");
}

double vw_ula_bias(double h, double alpha, double L_f, int d) {
  check_vw_step(h, alpha, L_f);
  require_dimension(d);
  return 8.0 * static_cast<double>(d) * L_f * L_f * h / alpha;
}

double vw_ula_kl_bound(double kl0, std::uint64_t k, double h, double alpha, double L_f, int d) {
  require_nonnegative(kl0, "kl0");
  const double bias = vw_ula_bias(h, alpha, L_f, d);
  return std::exp(-alpha * h * static_cast<double>(k)) * kl0 + bias;
}

double vw_ula_kl_bound_suite(double kl0, std::uint64_t k, double eta, double lambda, double alpha, double L_U,
                             int d) {
  const double h = vw_step_from_suite(eta, lambda);
  const double L_f = vw_smoothness_from_suite(L_U, lambda);
  const double limit = vw_step_limit(alpha, L_f);
  if (h > limit * (1.0 + kLimitRelTol))
    throw std::invalid_argument("eta: step eta lambda = " + num(h) + " is over the limit alpha/(4 L_f^2) = " +
                                num(limit) + " with L_f = L_U/lambda (i.e. eta <= " + num(limit / lambda) +
                                "); the Vempala-Wibisono bound does not apply");
  return vw_ula_kl_bound(kl0, k, h, alpha, L_f, d);
}

VwUlaPlan vw_ula_plan(double eps, double kl0, double alpha, double L_f, int d) {
  require_positive(eps, "eps");
  require_nonnegative(kl0, "kl0");
  require_dimension(d);
  const double limit = vw_step_limit(alpha, L_f);
  VwUlaPlan plan;
  plan.h = limit * std::min(1.0, eps / (4.0 * static_cast<double>(d)));
  const double k_real = std::log(2.0 * kl0 / eps) / (alpha * plan.h);  // -inf for kl0 = 0
  if (!(k_real > 0)) {
    plan.iterations = 0;
  } else {
    const double k_ceil = std::ceil(k_real);
    if (!(k_ceil < 1.8e19))
      throw std::invalid_argument("eps: " + num(eps) + " needs more than 2^64 iterations (" + num(k_ceil) + ")");
    plan.iterations = static_cast<std::uint64_t>(k_ceil);
  }
  plan.bound_at_k = vw_ula_kl_bound(kl0, plan.iterations, plan.h, alpha, L_f, d);
  return plan;
}

double vw_ula_gradient_evaluations(double eps, double kl0, double alpha, double L_f, int d, std::uint64_t n) {
  if (n < 1) throw std::invalid_argument("n: number of component functions must be >= 1");
  const VwUlaPlan plan = vw_ula_plan(eps, kl0, alpha, L_f, d);
  return static_cast<double>(n) * static_cast<double>(plan.iterations);
}

}  // namespace ldbench::theory
