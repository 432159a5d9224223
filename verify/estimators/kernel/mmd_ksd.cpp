#include "verify/estimators/kernel/mmd_ksd.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "verify/estimators/knn/sample_checks.hpp"

namespace ldbench::verify::estimators {

namespace {

// Below this many kernel evaluations (~10-40 ms single-threaded) the O(n²) loops run serially: a
// parallel region costs more than it saves when the cores are shared. Results do not depend on it.
constexpr double kParallelMinPairs = 4.0e6;

// Squared Euclidean distance between two length-d columns.
inline double sqdist(const double* a, const double* b, long d) {
  double s = 0;
  for (long k = 0; k < d; ++k) {
    const double t = a[k] - b[k];
    s += t * t;
  }
  return s;
}

// Plain left-to-right sum: a fixed order, whatever the thread count or vectorisation.
double serial_sum(const Eigen::VectorXd& v) {
  double s = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i) s += v(i);
  return s;
}

// Sample variance (denominator n - 1) of v, summed in index order.
double sample_variance(const Eigen::VectorXd& v) {
  const double n = static_cast<double>(v.size());
  const double mean = serial_sum(v) / n;
  return serial_sum((v.array() - mean).square().matrix()) / (n - 1.0);
}

// u^β, with the common β = -1/2 done by a square root (faster and correctly rounded).
inline double power(double u, double beta) { return beta == -0.5 ? 1.0 / std::sqrt(u) : std::pow(u, beta); }

struct Kernel {
  MmdKernel type;
  double scale;  // h or c
  double beta;
  double operator()(double r2) const {
    if (type == MmdKernel::gaussian) return std::exp(-r2 / (2.0 * scale * scale));
    return power(scale * scale + r2, beta);
  }
};

}  // namespace

double median_heuristic_bandwidth(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  sample_checks::check_samples(x, "x");
  sample_checks::check_samples(y, "y");
  sample_checks::check_same_dim(x, "x", y, "y");
  const long n = x.cols(), m = y.cols(), total = n + m, d = x.rows();
  const long used = std::min(total, kMedianHeuristicMaxPoints);
  Eigen::MatrixXd z(d, used);
  for (long t = 0; t < used; ++t) {
    // Deterministic stride subsample of the pool (the identity when total <= the cap).
    const long src = static_cast<long>((static_cast<long double>(t) * total) / used);
    z.col(t) = src < n ? x.col(src) : y.col(src - n);
  }
  std::vector<double> dist;
  dist.reserve(static_cast<std::size_t>(used) * static_cast<std::size_t>(used - 1) / 2);
  for (long i = 0; i < used; ++i)
    for (long j = i + 1; j < used; ++j) dist.push_back(std::sqrt(sqdist(z.col(i).data(), z.col(j).data(), d)));
  const std::size_t mcount = dist.size();
  const std::size_t mid = mcount / 2;
  std::nth_element(dist.begin(), dist.begin() + static_cast<long>(mid), dist.end());
  double med = dist[mid];
  if (mcount % 2 == 0) {
    const double lower = *std::max_element(dist.begin(), dist.begin() + static_cast<long>(mid));
    med = 0.5 * (med + lower);
  }
  if (!(med > 0))
    throw std::invalid_argument("x, y: the median pairwise distance of the pooled sample is 0 (most points "
                                "coincide); give options.bandwidth explicitly");
  return med;
}

Estimate mmd2_unbiased(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const MmdOptions& options) {
  sample_checks::check_samples(x, "x");
  sample_checks::check_samples(y, "y");
  sample_checks::check_same_dim(x, "x", y, "y");
  sample_checks::check_min_points(x, "x", 2, "for the unbiased MMD² (pairs i != j)");
  sample_checks::check_min_points(y, "y", 2, "for the unbiased MMD² (pairs i != j)");
  if (options.kernel == MmdKernel::imq && !(std::isfinite(options.imq_beta) && options.imq_beta < 0))
    throw std::invalid_argument("options.imq_beta: must be finite and < 0, got " + std::to_string(options.imq_beta));
  double scale = 0;
  if (options.bandwidth) {
    sample_checks::check_positive_finite(*options.bandwidth, "options.bandwidth");
    scale = *options.bandwidth;
  } else {
    scale = median_heuristic_bandwidth(x, y);
  }
  const Kernel kern{options.kernel, scale, options.imq_beta};
  const long d = x.rows(), n = x.cols(), m = y.cols(), total = n + m;

  // Row r < n is x_r, row r >= n is y_{r-n}. same(r): sum over the own sample without r;
  // other(r): sum over the other sample.
  Eigen::VectorXd same(total), other(total);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 16) if (static_cast<double>(total) * total >= kParallelMinPairs)
#endif
  for (long r = 0; r < total; ++r) {
    const bool is_x = r < n;
    const double* p = is_x ? x.col(r).data() : y.col(r - n).data();
    const long self = is_x ? r : r - n;
    const Eigen::MatrixXd& own = is_x ? x : y;
    const Eigen::MatrixXd& oth = is_x ? y : x;
    double s_same = 0, s_other = 0;
    for (long j = 0; j < own.cols(); ++j)
      if (j != self) s_same += kern(sqdist(p, own.col(j).data(), d));
    for (long j = 0; j < oth.cols(); ++j) s_other += kern(sqdist(p, oth.col(j).data(), d));
    same(r) = s_same;
    other(r) = s_other;
  }
  const double dn = static_cast<double>(n), dm = static_cast<double>(m);
  const double kxx = serial_sum(same.head(n)) / (dn * (dn - 1.0));
  const double kyy = serial_sum(same.tail(m)) / (dm * (dm - 1.0));
  const double kxy = serial_sum(other.head(n)) / (dn * dm);
  Estimate est;
  est.value = kxx + kyy - 2.0 * kxy;
  const Eigen::VectorXd gx = same.head(n) / (dn - 1.0) - other.head(n) / dm;
  const Eigen::VectorXd gy = same.tail(m) / (dm - 1.0) - other.tail(m) / dn;
  est.std_error = std::sqrt(4.0 * sample_variance(gx) / dn + 4.0 * sample_variance(gy) / dm);
  return est;
}

namespace {

void check_ksd_options(const KsdOptions& o) {
  sample_checks::check_positive_finite(o.c, "options.c");
  if (!(o.beta > -1.0 && o.beta < 0.0))
    throw std::invalid_argument("options.beta: must be in (-1, 0), got " + std::to_string(o.beta));
}

// u_p for raw columns; see the header for the formula.
inline double stein_imq(const double* x, const double* y, const double* sx, const double* sy, long d, double c2,
                        double beta) {
  double r2 = 0, rds = 0, ss = 0;
  for (long k = 0; k < d; ++k) {
    const double r = x[k] - y[k];
    r2 += r * r;
    rds += r * (sy[k] - sx[k]);
    ss += sx[k] * sy[k];
  }
  const double u = c2 + r2;
  const double a = power(u, beta);  // u^β
  const double b = a / u;           // u^{β-1}
  const double e = b / u;           // u^{β-2}
  return a * ss + 2.0 * beta * b * rds - 2.0 * beta * static_cast<double>(d) * b -
         4.0 * beta * (beta - 1.0) * e * r2;
}

}  // namespace

double stein_kernel_imq(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& sx,
                        const Eigen::VectorXd& sy, const KsdOptions& options) {
  check_ksd_options(options);
  const long d = x.size();
  if (d < 1) throw std::invalid_argument("x: empty vector");
  if (y.size() != d) throw std::invalid_argument("y: length does not match x");
  if (sx.size() != d) throw std::invalid_argument("sx: length does not match x");
  if (sy.size() != d) throw std::invalid_argument("sy: length does not match x");
  return stein_imq(x.data(), y.data(), sx.data(), sy.data(), d, options.c * options.c, options.beta);
}

Estimate ksd2_imq(const Eigen::MatrixXd& x, const Eigen::MatrixXd& score_at_x, const KsdOptions& options) {
  check_ksd_options(options);
  sample_checks::check_samples(x, "x");
  sample_checks::check_min_points(x, "x", 2, "for the KSD² U-statistic (pairs i != j)");
  sample_checks::check_same_shape(x, "x", score_at_x, "score_at_x");
  sample_checks::check_samples(score_at_x, "score_at_x");
  const long d = x.rows(), n = x.cols();
  const double c2 = options.c * options.c, beta = options.beta;
  Eigen::VectorXd row(n);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 16) if (static_cast<double>(n) * n >= kParallelMinPairs)
#endif
  for (long i = 0; i < n; ++i) {
    const double* xi = x.col(i).data();
    const double* si = score_at_x.col(i).data();
    double s = 0;
    for (long j = 0; j < n; ++j)
      if (j != i) s += stein_imq(xi, x.col(j).data(), si, score_at_x.col(j).data(), d, c2, beta);
    row(i) = s;
  }
  const double dn = static_cast<double>(n);
  Estimate est;
  est.value = serial_sum(row) / (dn * (dn - 1.0));  // serial sum in index order
  const Eigen::VectorXd g = row / (dn - 1.0);
  est.std_error = std::sqrt(4.0 * sample_variance(g) / dn);
  return est;
}

Estimate ksd2_imq(const Eigen::MatrixXd& x, const ScoreFunction& score, const KsdOptions& options) {
  check_ksd_options(options);
  sample_checks::check_samples(x, "x");
  return ksd2_imq(x, evaluate_score(score, x, "score"), options);
}

}  // namespace ldbench::verify::estimators
