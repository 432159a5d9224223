#include "verify/estimators/ot/common.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ldbench::verify::estimators {

namespace ot_detail {

void check_samples(const Eigen::MatrixXd& x, const char* name) {
  if (x.cols() == 0 || x.rows() == 0)
    throw std::invalid_argument(std::string(name) + ": empty sample (" + std::to_string(x.rows()) + " x " +
                                std::to_string(x.cols()) + "; need d >= 1 rows and n >= 1 points)");
  for (long j = 0; j < x.cols(); ++j)
    for (long k = 0; k < x.rows(); ++k)
      if (!std::isfinite(x(k, j)))
        throw std::invalid_argument(std::string(name) + ": non-finite entry at (" + std::to_string(k) + ", " +
                                    std::to_string(j) + ")");
}

void check_same_dimension(const Eigen::MatrixXd& x, const char* x_name, const Eigen::MatrixXd& y,
                          const char* y_name) {
  if (x.rows() != y.rows())
    throw std::invalid_argument(std::string(y_name) + ": dimension " + std::to_string(y.rows()) +
                                " does not match " + x_name + "'s " + std::to_string(x.rows()));
}

Eigen::VectorXd checked_weights(const Eigen::VectorXd& w, long n, const char* name, const char* samples_name) {
  if (w.size() != n)
    throw std::invalid_argument(std::string(name) + ": length " + std::to_string(w.size()) + " does not match " +
                                samples_name + "'s " + std::to_string(n) + " points");
  double sum = 0.0;
  for (long i = 0; i < n; ++i) {
    if (!std::isfinite(w[i])) throw std::invalid_argument(std::string(name) + ": weight " + std::to_string(i) + " is not finite");
    if (w[i] < 0.0) throw std::invalid_argument(std::string(name) + ": weight " + std::to_string(i) + " is negative");
    sum += w[i];
  }
  if (!(std::abs(sum - 1.0) <= kWeightSumTolerance))
    throw std::invalid_argument(std::string(name) + ": weights sum to " + std::to_string(sum) +
                                ", not 1 (tolerance 1e-9)");
  return w / sum;
}

Eigen::VectorXd uniform_weights(long n) { return Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n)); }

void fill_cost_row_major(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double* out) {
  const long d = x.rows(), n = x.cols(), m = y.cols();
  for (long i = 0; i < n; ++i) {
    double* row = out + i * m;
    for (long j = 0; j < m; ++j) {
      double s = 0.0;
      for (long k = 0; k < d; ++k) {
        const double t = x(k, i) - y(k, j);
        s += t * t;
      }
      row[j] = s;
    }
  }
}

}  // namespace ot_detail

Eigen::MatrixXd squared_euclidean_cost(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  ot_detail::check_samples(x, "x");
  ot_detail::check_samples(y, "y");
  ot_detail::check_same_dimension(x, "x", y, "y");
  const long n = x.cols(), m = y.cols();
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> c(n, m);
  ot_detail::fill_cost_row_major(x, y, c.data());  // one summation order for every solver
  return c;
}

}  // namespace ldbench::verify::estimators
