#include "verify/estimators/kl.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "theory/gaussian.hpp"

namespace ldbench::verify::estimators {

std::string_view to_string(KlEstimator e) {
  return e == KlEstimator::gaussian_fit ? "gaussian_fit_kl" : "histogram_kl";
}

KlEstimator kl_estimator_from_string(std::string_view name) {
  if (name == "gaussian_fit_kl") return KlEstimator::gaussian_fit;
  if (name == "histogram_kl") return KlEstimator::histogram;
  throw std::invalid_argument("estimator: unknown '" + std::string(name) +
                              "'; allowed: gaussian_fit_kl, histogram_kl");
}

namespace {
void check_target(double v) {
  if (!(std::isfinite(v) && v > 0)) throw std::invalid_argument("v: target variance must be finite and > 0");
}
}  // namespace

double gaussian_fit_kl(const Eigen::MatrixXd& X, double v) {
  check_target(v);
  const long d = X.rows(), n = X.cols();
  if (d < 1 || n <= d + 1)
    throw std::invalid_argument("samples: gaussian_fit_kl needs more than d + 1 samples (got " +
                                std::to_string(n) + " in d = " + std::to_string(d) + ")");
  if (!X.allFinite()) throw std::invalid_argument("samples: non-finite entry");
  const Eigen::VectorXd mean = X.rowwise().mean();
  const Eigen::MatrixXd C = X.colwise() - mean;
  const Eigen::MatrixXd S = (C * C.transpose()) / static_cast<double>(n - 1);
  return theory::kl({mean, S}, theory::Gaussian::isotropic(static_cast<int>(d), 0.0, v));
}

namespace {
// log erfc(x), accurate where erfc underflows: for x > 20 the asymptotic series
// erfc(x) = exp(-x²)/(x sqrt(pi)) (1 - 1/(2x²) + 3/(4x⁴) - 15/(8x⁶) + ...), whose first omitted
// term is below 1e-9 there.
double log_erfc(double x) {
  if (x < 20.0) return std::log(std::erfc(x));
  const double y = 1.0 / (2.0 * x * x);
  return -x * x - std::log(x * std::sqrt(std::numbers::pi)) + std::log1p(-y + 3.0 * y * y - 15.0 * y * y * y);
}
// log of the N(0, v) mass of [a, b] (a < b, either may be infinite), accurate in both tails:
// by symmetry work on the side away from the mode, where the mass is Q(a') - Q(b') with
// Q(x) = erfc(x / sqrt(2v)) / 2 and a' < b' both >= 0 or straddling 0.
double log_normal_mass(double a, double b, double v) {
  const double s = std::sqrt(2.0 * v);
  if (b <= 0) {  // reflect to [-b, -a] on the right
    const double na = -b, nb = -a;
    a = na;
    b = nb;
  }
  if (a >= 0) {
    const double la = log_erfc(a / s) - std::log(2.0);
    if (std::isinf(b)) return la;
    const double lb = log_erfc(b / s) - std::log(2.0);
    return la + std::log1p(-std::exp(lb - la));
  }
  return std::log(1.0 - 0.5 * std::erfc(-a / s) - 0.5 * std::erfc(b / s));
}
}  // namespace

double histogram_kl_1d(const Eigen::MatrixXd& X, double v) {
  check_target(v);
  if (X.rows() != 1) throw std::invalid_argument("samples: histogram_kl is one-dimensional (d = 1)");
  const long n = X.cols();
  if (n < 16) throw std::invalid_argument("samples: histogram_kl needs at least 16 samples");
  if (!X.allFinite()) throw std::invalid_argument("samples: non-finite entry");
  const double lo = X.minCoeff(), hi = X.maxCoeff();
  if (!(hi > lo)) throw std::invalid_argument("samples: all equal; histogram_kl needs spread");
  const long B = static_cast<long>(std::ceil(2.0 * std::cbrt(static_cast<double>(n))));
  const double w = (hi - lo) / static_cast<double>(B);
  std::vector<long> count(static_cast<std::size_t>(B), 0);
  for (long i = 0; i < n; ++i) {
    long j = static_cast<long>((X(0, i) - lo) / w);
    count[static_cast<std::size_t>(std::clamp(j, 0L, B - 1))] += 1;
  }
  double kl = 0;
  for (long j = 0; j < B; ++j) {
    const auto c = count[static_cast<std::size_t>(j)];
    if (c == 0) continue;
    const double a = j == 0 ? -INFINITY : lo + w * static_cast<double>(j);
    const double b = j == B - 1 ? INFINITY : lo + w * static_cast<double>(j + 1);
    const double p = static_cast<double>(c) / static_cast<double>(n);
    kl += p * (std::log(p) - log_normal_mass(a, b, v));
  }
  return kl;
}

double estimate_kl(KlEstimator e, const Eigen::MatrixXd& X, double v) {
  return e == KlEstimator::gaussian_fit ? gaussian_fit_kl(X, v) : histogram_kl_1d(X, v);
}

}  // namespace ldbench::verify::estimators
