#include "verify/estimators/ot/w2_1d.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "verify/estimators/ot/common.hpp"

namespace ldbench::verify::estimators {

namespace {

void check_one_row(const Eigen::MatrixXd& x, const char* name) {
  ot_detail::check_samples(x, name);
  if (x.rows() != 1)
    throw std::invalid_argument(std::string(name) + ": expected one row (d = 1), got " + std::to_string(x.rows()));
}

// Sorted atoms and their cumulative weights, the last one set to exactly 1.
void sorted_cdf(const Eigen::MatrixXd& x, const Eigen::VectorXd& w, std::vector<double>& atoms,
                std::vector<double>& cdf) {
  const long n = x.cols();
  std::vector<long> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  std::stable_sort(order.begin(), order.end(), [&](long p, long q) { return x(0, p) < x(0, q); });
  atoms.resize(static_cast<std::size_t>(n));
  cdf.resize(static_cast<std::size_t>(n));
  double acc = 0.0;
  for (long k = 0; k < n; ++k) {
    atoms[static_cast<std::size_t>(k)] = x(0, order[static_cast<std::size_t>(k)]);
    acc += w[order[static_cast<std::size_t>(k)]];
    cdf[static_cast<std::size_t>(k)] = std::min(acc, 1.0);
  }
  cdf.back() = 1.0;
}

}  // namespace

Estimate w2_squared_1d(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  check_one_row(x, "x");
  check_one_row(y, "y");
  return w2_squared_1d(x, y, ot_detail::uniform_weights(x.cols()), ot_detail::uniform_weights(y.cols()));
}

Estimate w2_squared_1d(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const Eigen::VectorXd& a,
                       const Eigen::VectorXd& b) {
  check_one_row(x, "x");
  check_one_row(y, "y");
  const Eigen::VectorXd wa = ot_detail::checked_weights(a, x.cols(), "a", "x");
  const Eigen::VectorXd wb = ot_detail::checked_weights(b, y.cols(), "b", "y");

  std::vector<double> xs, fa, ys, gb;
  sorted_cdf(x, wa, xs, fa);
  sorted_cdf(y, wb, ys, gb);

  // Merge the breakpoints: on (prev, next] the quantile functions are the constants xs[i], ys[j].
  std::size_t i = 0, j = 0;
  double prev = 0.0, sum = 0.0;
  long intervals = 0;
  while (i < xs.size() && j < ys.size()) {
    const double next = std::min(fa[i], gb[j]);
    const double diff = xs[i] - ys[j];
    if (next > prev) {
      sum += (next - prev) * diff * diff;
      ++intervals;
      prev = next;
    }
    if (fa[i] <= next) ++i;
    if (gb[j] <= next) ++j;
  }
  Estimate e;
  e.value = sum;
  e.diagnostics.iterations = intervals;
  return e;
}

}  // namespace ldbench::verify::estimators
