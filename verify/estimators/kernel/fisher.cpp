#include "verify/estimators/kernel/fisher.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "verify/estimators/knn/sample_checks.hpp"

namespace ldbench::verify::estimators {

namespace {

// Below this many kernel evaluations (~10-40 ms single-threaded) the O(n²) loops run serially: a
// parallel region costs more than it saves when the cores are shared. Results do not depend on it.
constexpr double kParallelMinPairs = 4.0e6;

double serial_sum(const Eigen::VectorXd& v) {
  double s = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i) s += v(i);
  return s;
}

}  // namespace

double silverman_bandwidth(const Eigen::MatrixXd& x) {
  sample_checks::check_samples(x, "x");
  sample_checks::check_min_points(x, "x", 2, "for a sample variance");
  const long d = x.rows(), n = x.cols();
  double var_sum = 0;
  for (long k = 0; k < d; ++k) {
    const Eigen::VectorXd row = x.row(k).transpose();
    const double mean = serial_sum(row) / static_cast<double>(n);
    var_sum += serial_sum((row.array() - mean).square().matrix()) / static_cast<double>(n - 1);
  }
  const double sigma = std::sqrt(var_sum / static_cast<double>(d));
  if (!(sigma > 0)) throw std::invalid_argument("x: zero spread (all points equal): Silverman bandwidth is 0");
  const double dd = static_cast<double>(d);
  return sigma * std::pow(4.0 / ((dd + 2.0) * static_cast<double>(n)), 1.0 / (dd + 4.0));
}

Eigen::MatrixXd kde_score_loo(const Eigen::MatrixXd& x, double h) {
  sample_checks::check_samples(x, "x");
  sample_checks::check_min_points(x, "x", 2, "for a leave-one-out density estimate");
  sample_checks::check_positive_finite(h, "bandwidth");
  const long d = x.rows(), n = x.cols();
  const double inv2h2 = 1.0 / (2.0 * h * h), invh2 = 1.0 / (h * h);
  Eigen::MatrixXd out(d, n);
#ifdef _OPENMP
#pragma omp parallel if (static_cast<double>(n) * n >= kParallelMinPairs)
#endif
  {
    std::vector<double> r2(static_cast<std::size_t>(n));
    std::vector<double> acc(static_cast<std::size_t>(d));
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 16)
#endif
    for (long i = 0; i < n; ++i) {
      const double* xi = x.col(i).data();
      double rmin = std::numeric_limits<double>::infinity();
      for (long j = 0; j < n; ++j) {
        if (j == i) continue;
        const double* xj = x.col(j).data();
        double s = 0;
        for (long k = 0; k < d; ++k) {
          const double t = xj[k] - xi[k];
          s += t * t;
        }
        r2[static_cast<std::size_t>(j)] = s;
        rmin = std::min(rmin, s);
      }
      double wsum = 0;
      std::fill(acc.begin(), acc.end(), 0.0);
      for (long j = 0; j < n; ++j) {
        if (j == i) continue;
        const double w = std::exp(-(r2[static_cast<std::size_t>(j)] - rmin) * inv2h2);  // <= 1, the nearest is 1
        wsum += w;
        const double* xj = x.col(j).data();
        for (long k = 0; k < d; ++k) acc[static_cast<std::size_t>(k)] += w * (xj[k] - xi[k]);
      }
      for (long k = 0; k < d; ++k) out(k, i) = acc[static_cast<std::size_t>(k)] / wsum * invh2;
    }
  }
  return out;
}

Estimate relative_fisher_kde(const Eigen::MatrixXd& x, const Eigen::MatrixXd& target_score_at_x,
                             std::optional<double> bandwidth) {
  sample_checks::check_samples(x, "x");
  sample_checks::check_min_points(x, "x", 2, "for a leave-one-out density estimate");
  sample_checks::check_same_shape(x, "x", target_score_at_x, "target_score_at_x");
  sample_checks::check_samples(target_score_at_x, "target_score_at_x");
  if (bandwidth) sample_checks::check_positive_finite(*bandwidth, "bandwidth");
  const double h = bandwidth ? *bandwidth : silverman_bandwidth(x);
  const Eigen::MatrixXd s = kde_score_loo(x, h);
  const Eigen::VectorXd terms = (s - target_score_at_x).colwise().squaredNorm().transpose();
  const double n = static_cast<double>(x.cols());
  const double mean = serial_sum(terms) / n;
  const double var = serial_sum((terms.array() - mean).square().matrix()) / (n - 1.0);
  Estimate est;
  est.value = mean;
  est.std_error = std::sqrt(var / n);
  return est;
}

Estimate relative_fisher_kde(const Eigen::MatrixXd& x, const ScoreFunction& target_score,
                             std::optional<double> bandwidth) {
  sample_checks::check_samples(x, "x");
  return relative_fisher_kde(x, evaluate_score(target_score, x, "target_score"), bandwidth);
}

Estimate relative_fisher_grid(const Eigen::VectorXd& density, double dx, const Eigen::VectorXd& target_score) {
  const long N = density.size();
  if (N < 3)
    throw std::invalid_argument("density: " + std::to_string(N) +
                                " grid points, but at least 3 are needed for second-order differences");
  sample_checks::check_positive_finite(dx, "dx");
  if (target_score.size() != N)
    throw std::invalid_argument("target_score: length " + std::to_string(target_score.size()) +
                                " does not match the density's " + std::to_string(N));
  for (long i = 0; i < N; ++i) {
    if (!std::isfinite(density(i)))
      throw std::invalid_argument("density: entry " + std::to_string(i) + " is not finite");
    if (density(i) < 0)
      throw std::invalid_argument("density: entry " + std::to_string(i) + " is negative (" +
                                  std::to_string(density(i)) + ")");
    if (!std::isfinite(target_score(i)))
      throw std::invalid_argument("target_score: entry " + std::to_string(i) + " is not finite");
  }
  const Eigen::VectorXd& p = density;
  const double mass = dx * (serial_sum(p) - 0.5 * (p(0) + p(N - 1)));
  if (!(mass > 0)) throw std::invalid_argument("density: all values are zero");
  Estimate est;
  if (std::abs(mass - 1.0) > 1e-3)
    est.diagnostics.warnings.push_back("density: trapezoid mass " + std::to_string(mass) +
                                       " differs from 1 by more than 1e-3; renormalised");
  long zeros = 0;
  double integral = 0;
  for (long i = 0; i < N; ++i) {
    double dp = 0;
    if (i == 0)
      dp = (-3.0 * p(0) + 4.0 * p(1) - p(2)) / (2.0 * dx);
    else if (i == N - 1)
      dp = (3.0 * p(N - 1) - 4.0 * p(N - 2) + p(N - 3)) / (2.0 * dx);
    else
      dp = (p(i + 1) - p(i - 1)) / (2.0 * dx);
    double f = 0;
    if (p(i) > 0) {
      const double g = dp - p(i) * target_score(i);
      f = g * g / p(i);
    } else {
      ++zeros;
    }
    integral += (i == 0 || i == N - 1) ? 0.5 * f : f;
  }
  // Renormalising ρ -> ρ / M scales (ρ' - ρ s)²/ρ by 1/M.
  est.value = integral * dx / mass;
  if (zeros > 0)
    est.diagnostics.warnings.push_back("density: " + std::to_string(zeros) +
                                       " grid points with zero density contribute 0 (skipped)");
  return est;
}

}  // namespace ldbench::verify::estimators
