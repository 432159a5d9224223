#include "verify/stats/power_fit.hpp"

#include <cmath>
#include <stdexcept>

#include "lib/linalg/dense.hpp"
#include "verify/stats/confidence.hpp"

namespace ldbench::verify::stats {

ReplicaPowerFit fit_power_over_replicas(const Eigen::MatrixXd& e, const std::vector<double>& x, double alpha) {
  const long R = e.rows(), J = e.cols();
  if (R < 2) throw std::invalid_argument("e: needs at least 2 replicas (rows)");
  if (J < 2 || static_cast<std::size_t>(J) != x.size()) throw std::invalid_argument("x: needs one abscissa per column, at least 2");
  for (double v : x)
    if (!(v > 0)) throw std::invalid_argument("x: abscissae must be > 0");
  if (!(alpha > 0 && alpha < 1)) throw std::invalid_argument("alpha: must be in (0, 1)");
  ReplicaPowerFit f;
  for (long j = 0; j < J; ++j) {
    const double m = e.col(j).mean();
    const double var = (e.col(j).array() - m).square().sum() / static_cast<double>(R - 1);
    f.mean.push_back(m);
    f.se.push_back(std::sqrt(var / static_cast<double>(R)));
    if (!(m > 0) && f.first_nonpositive < 0) f.first_nonpositive = j;
  }
  if (f.first_nonpositive >= 0) return f;
  Eigen::MatrixXd X(J, 2);
  Eigen::VectorXd y(J), w(J);
  for (long j = 0; j < J; ++j) {
    const auto jj = static_cast<std::size_t>(j);
    X(j, 0) = 1.0;
    X(j, 1) = std::log(x[jj]);
    y(j) = std::log(f.mean[jj]);
    const double rel = f.se[jj] / f.mean[jj];
    w(j) = rel > 0 ? 1.0 / (rel * rel) : 1e300;
  }
  const Eigen::MatrixXd XtW = X.transpose() * w.asDiagonal();
  const Eigen::MatrixXd Aw = lib::linalg::symmetric_solve(XtW * X, XtW);  // 2 x J: beta = Aw y
  const Eigen::VectorXd beta = Aw * y;
  f.c = beta(0);
  f.p = beta(1);
  Eigen::VectorXd z = Eigen::VectorXd::Zero(R);
  for (long j = 0; j < J; ++j) z += Aw(1, j) / f.mean[static_cast<std::size_t>(j)] * e.col(j);
  const double zm = z.mean();
  f.se_p = std::sqrt((z.array() - zm).square().sum() / static_cast<double>(R - 1)) / std::sqrt(static_cast<double>(R));
  f.tq = t_quantile(1.0 - alpha / 2.0, static_cast<int>(R - 1));
  f.lo = f.p - f.tq * f.se_p;
  f.hi = f.p + f.tq * f.se_p;
  return f;
}

}  // namespace ldbench::verify::stats
