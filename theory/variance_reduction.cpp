#include "theory/variance_reduction.hpp"

#include "theory/detail/require.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ldbench::theory {

using detail::require_positive;

namespace {

// Validates the common arguments and returns gamma² L² / alpha².
double scale_factor(std::uint64_t n, int d, double eps, double gamma, double L, double alpha) {
  if (n < 1) throw std::invalid_argument("n: number of component functions must be >= 1");
  if (d < 1) throw std::invalid_argument("d: dimension must be >= 1, got " + std::to_string(d));
  require_positive(eps, "eps");
  require_positive(gamma, "gamma");
  require_positive(L, "L");
  require_positive(alpha, "alpha");
  const double r = gamma * L / alpha;
  return r * r;
}

std::uint64_t ceil_sqrt(std::uint64_t n, const char* what) {
  if (n < 1) throw std::invalid_argument(std::string("n: number of component functions must be >= 1 (") + what + ")");
  auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r < n) ++r;                   // fix rounding of the double square root
  while (r > 1 && (r - 1) * (r - 1) >= n) --r;
  return r;
}

}  // namespace

double gld_gradient_complexity_leading(std::uint64_t n, int d, double eps, double gamma, double L, double alpha) {
  const double s = scale_factor(n, d, eps, gamma, L, alpha);
  return static_cast<double>(n) * static_cast<double>(d) / eps * s;
}

double svrg_ld_gradient_complexity_leading(std::uint64_t n, int d, double eps, double gamma, double L, double alpha) {
  const double s = scale_factor(n, d, eps, gamma, L, alpha);
  const double nn = static_cast<double>(n);
  return (nn + std::sqrt(nn) * static_cast<double>(d) / eps) * s;
}

double sarah_ld_gradient_complexity_leading(std::uint64_t n, int d, double eps, double gamma, double L,
                                            double alpha) {
  return svrg_ld_gradient_complexity_leading(n, d, eps, gamma, L, alpha);
}

double vr_ld_gradient_complexity_leading_literal_sqrt_nd(std::uint64_t n, int d, double eps, double gamma, double L,
                                                         double alpha) {
  const double s = scale_factor(n, d, eps, gamma, L, alpha);
  const double nn = static_cast<double>(n);
  return (nn + std::sqrt(nn * static_cast<double>(d)) / eps) * s;
}

std::uint64_t vr_inner_loop_length(std::uint64_t n) { return ceil_sqrt(n, "inner-loop length"); }

std::uint64_t vr_batch_size(std::uint64_t n) { return ceil_sqrt(n, "batch size"); }

}  // namespace ldbench::theory
