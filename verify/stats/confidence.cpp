#include "verify/stats/confidence.hpp"

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ldbench::verify::stats {

Interval clopper_pearson(int x, int n, double a) {
  if (n < 1 || x < 0 || x > n) throw std::invalid_argument("x: need 0 <= x <= n and n >= 1");
  if (!(a > 0 && a < 1)) throw std::invalid_argument("a: the level must be in (0, 1)");
  Interval r;
  r.n = n;
  r.mean = static_cast<double>(x) / n;
  r.lo = x == 0 ? 0.0 : boost::math::ibeta_inv(static_cast<double>(x), static_cast<double>(n - x + 1), a / 2);
  r.hi = x == n ? 1.0 : boost::math::ibeta_inv(static_cast<double>(x + 1), static_cast<double>(n - x), 1 - a / 2);
  return r;
}

double binomial_upper_tail(int x, int n, double p) {
  if (n < 1 || x < 0 || x > n) throw std::invalid_argument("x: need 0 <= x <= n and n >= 1");
  if (!(p >= 0 && p <= 1)) throw std::invalid_argument("p: a rate must be in [0, 1]");
  if (x == 0) return 1.0;
  if (p == 0) return 0.0;
  if (p == 1) return 1.0;
  return boost::math::ibeta(static_cast<double>(x), static_cast<double>(n - x + 1), p);
}

double t_quantile(double p, int dof) {
  if (dof < 1) throw std::invalid_argument("replicas: need at least 2 for a confidence interval");
  return boost::math::quantile(boost::math::students_t(dof), p);
}

namespace {
void moments(const std::vector<double>& x, double alpha, double& mean, double& sd) {
  if (x.size() < 2) throw std::invalid_argument("replicas: need at least 2 for a confidence interval");
  if (!(alpha > 0 && alpha < 1)) throw std::invalid_argument("alpha: must be in (0, 1)");
  double s = 0;
  for (double v : x) {
    if (!std::isfinite(v)) throw std::invalid_argument("replica value: non-finite");
    s += v;
  }
  mean = s / static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  sd = std::sqrt(ss / static_cast<double>(x.size() - 1));
}
}  // namespace

Interval two_sided(const std::vector<double>& x, double alpha) {
  Interval r;
  moments(x, alpha, r.mean, r.sd);
  r.n = static_cast<int>(x.size());
  const double hw = t_quantile(1.0 - alpha / 2.0, r.n - 1) * r.sd / std::sqrt(static_cast<double>(r.n));
  r.lo = r.mean - hw;
  r.hi = r.mean + hw;
  return r;
}

Interval lower_limit(const std::vector<double>& x, double alpha) {
  Interval r;
  moments(x, alpha, r.mean, r.sd);
  r.n = static_cast<int>(x.size());
  r.lo = r.mean - t_quantile(1.0 - alpha, r.n - 1) * r.sd / std::sqrt(static_cast<double>(r.n));
  r.hi = std::numeric_limits<double>::infinity();
  return r;
}

Interval upper_limit(const std::vector<double>& x, double alpha) {
  Interval r;
  moments(x, alpha, r.mean, r.sd);
  r.n = static_cast<int>(x.size());
  r.lo = -std::numeric_limits<double>::infinity();
  r.hi = r.mean + t_quantile(1.0 - alpha, r.n - 1) * r.sd / std::sqrt(static_cast<double>(r.n));
  return r;
}

std::vector<double> least_squares(const std::vector<std::vector<double>>& columns, const std::vector<double>& y) {
  const long n = static_cast<long>(y.size());
  const long p = static_cast<long>(columns.size());
  if (p < 1 || n < p) throw std::invalid_argument("fit: need at least as many points as parameters");
  for (const auto& c : columns)
    if (static_cast<long>(c.size()) != n) throw std::invalid_argument("fit: every design column must have one entry per point");
  Eigen::MatrixXd A(n, p);
  Eigen::VectorXd b(n);
  for (long i = 0; i < n; ++i) {
    b(i) = y[static_cast<std::size_t>(i)];
    for (long j = 0; j < p; ++j) A(i, j) = columns[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)];
  }
  if (!A.allFinite() || !b.allFinite()) throw std::invalid_argument("fit: non-finite data");
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(A);
  if (qr.rank() < p) throw std::invalid_argument("fit: design is rank deficient (too few distinct points)");
  const Eigen::VectorXd beta = qr.solve(b);
  return {beta.data(), beta.data() + p};
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  const auto beta = least_squares({std::vector<double>(x.size(), 1.0), x}, y);
  return {beta[1], beta[0]};
}

}  // namespace ldbench::verify::stats
