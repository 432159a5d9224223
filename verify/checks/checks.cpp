#include "verify/checks/checks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "verify/stats/confidence.hpp"

namespace ldbench::verify::checks {

namespace {
std::vector<double> column(const Eigen::MatrixXd& m, long j) {
  std::vector<double> out(static_cast<std::size_t>(m.rows()));
  for (long r = 0; r < m.rows(); ++r) out[static_cast<std::size_t>(r)] = m(r, j);
  return out;
}
CheckResult start(const ClaimText& t, CheckKind kind) {
  CheckResult c;
  c.id = t.id;
  c.claim = t.claim;
  c.quantity = t.quantity;
  c.kind = kind;
  return c;
}
std::string fmt(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}
}  // namespace

CheckResult upper_bound_pointwise(const ClaimText& text, const std::vector<double>& x_axis,
                                  const Eigen::MatrixXd& values, const std::vector<double>& bound,
                                  const std::vector<bool>& judged, double alpha) {
  const long T = values.cols();
  if (static_cast<long>(bound.size()) != T || static_cast<long>(judged.size()) != T ||
      static_cast<long>(x_axis.size()) != T)
    throw std::invalid_argument("upper_bound_pointwise: size mismatch");
  CheckResult c = start(text, CheckKind::upper_bound_pointwise);
  c.alpha = alpha;
  c.replicas = static_cast<int>(values.rows());
  c.rule = "fail iff at a judged point the lower confidence limit of the replica mean exceeds the bound "
           "(one-sided, Bonferroni over judged points)";
  const long J = std::count(judged.begin(), judged.end(), true);
  if (J == 0) {
    c.passed = false;
    c.detail = "no judged point: the bound is below the estimator's noise floor everywhere; raise the "
               "particle count or shorten the horizon";
    return c;
  }
  double worst = -std::numeric_limits<double>::infinity();
  double max_hw_rel = 0;
  bool ok = true;
  for (long j = 0; j < T; ++j) {
    if (!judged[static_cast<std::size_t>(j)]) continue;
    // A two-sided interval at 2 alpha/J has the one-sided lower limit at alpha/J.
    const auto iv = stats::two_sided(column(values, j), 2.0 * alpha / static_cast<double>(J));
    const double b = bound[static_cast<std::size_t>(j)];
    ok = ok && iv.lo <= b;
    max_hw_rel = std::max(max_hw_rel, iv.half_width() / b);
    if (iv.lo / b > worst) {
      worst = iv.lo / b;
      c.measured = iv.mean;
      c.measured_lo = iv.lo;
      c.measured_hi = iv.hi;
      c.bound = b;
      c.detail = "worst point x = " + fmt(x_axis[static_cast<std::size_t>(j)]) + "; judged " +
                 std::to_string(J) + " of " + std::to_string(T) + " points";
    }
  }
  c.tightness = c.measured / c.bound;
  c.resolution = max_hw_rel;  // relative to the bound
  c.passed = ok;
  return c;
}

CheckResult rate_at_least(const ClaimText& text, const std::vector<double>& rates, double claimed, double alpha) {
  CheckResult c = start(text, CheckKind::rate_at_least);
  const auto iv = stats::two_sided(rates, 2.0 * alpha);  // hi = one-sided upper limit at alpha
  c.alpha = alpha;
  c.replicas = iv.n;
  c.measured = iv.mean;
  c.measured_lo = iv.lo;
  c.measured_hi = iv.hi;
  c.bound = claimed;
  c.tightness = iv.mean / claimed;
  c.resolution = iv.half_width();
  c.passed = iv.hi >= claimed;
  c.rule = "fail iff the upper confidence limit of the mean fitted rate is below the claimed rate (one-sided)";
  return c;
}

CheckResult order_equals(const ClaimText& text, const std::vector<double>& orders, double claimed, double alpha) {
  CheckResult c = start(text, CheckKind::order_equals);
  const auto iv = stats::two_sided(orders, alpha);
  c.alpha = alpha;
  c.replicas = iv.n;
  c.measured = iv.mean;
  c.measured_lo = iv.lo;
  c.measured_hi = iv.hi;
  c.bound = claimed;
  c.tightness = iv.mean / claimed;
  c.resolution = iv.half_width();
  c.passed = iv.lo <= claimed && claimed <= iv.hi;
  c.rule = "fail iff the two-sided confidence interval of the mean fitted order excludes the claimed order";
  return c;
}

CheckResult consistency(const ClaimText& text, const std::vector<double>& x_axis, const Eigen::MatrixXd& values,
                        const std::vector<double>& exact, double alpha) {
  const long T = values.cols();
  if (static_cast<long>(exact.size()) != T || static_cast<long>(x_axis.size()) != T)
    throw std::invalid_argument("consistency: size mismatch");
  CheckResult c = start(text, CheckKind::consistency);
  c.alpha = alpha;
  c.replicas = static_cast<int>(values.rows());
  c.rule = "fail iff at some point the two-sided confidence interval of the replica mean excludes the exact "
           "value (Bonferroni over points)";
  bool ok = true;
  double worst = -1;
  double max_rel_hw = 0;
  for (long j = 0; j < T; ++j) {
    const auto iv = stats::two_sided(column(values, j), alpha / static_cast<double>(T));
    const double e = exact[static_cast<std::size_t>(j)];
    ok = ok && iv.lo <= e && e <= iv.hi;
    const double z = std::abs(iv.mean - e) / std::max(iv.half_width(), std::numeric_limits<double>::min());
    max_rel_hw = std::max(max_rel_hw, iv.half_width() / std::abs(e));
    if (z > worst) {
      worst = z;
      c.measured = iv.mean;
      c.measured_lo = iv.lo;
      c.measured_hi = iv.hi;
      c.bound = e;
      c.detail = "worst point x = " + fmt(x_axis[static_cast<std::size_t>(j)]) +
                 " (|mean - exact| = " + fmt(z) + " half-widths)";
    }
  }
  c.tightness = c.measured / c.bound;
  c.resolution = max_rel_hw;  // relative to the exact value
  c.passed = ok;
  return c;
}

CheckResult deterministic_upper_bound(const ClaimText& text, const std::vector<double>& x_axis,
                                      const std::vector<double>& values, const std::vector<double>& bound,
                                      const std::vector<bool>& judged, double tolerance) {
  if (values.size() != x_axis.size() || bound.size() != x_axis.size() || judged.size() != x_axis.size())
    throw std::invalid_argument("deterministic_upper_bound: size mismatch");
  CheckResult c = start(text, CheckKind::identity);
  c.rule = "fail iff the largest ratio value / bound exceeds 1 + " + fmt(tolerance) + " (round-off allowance)";
  c.bound = 1.0;
  c.resolution = tolerance;
  double worst = 0;
  bool any = false, nan = false;
  c.detail = "nothing judged";
  for (std::size_t j = 0; j < x_axis.size(); ++j) {
    if (!judged[j]) continue;
    any = true;
    const double ratio = values[j] / bound[j];
    nan = nan || std::isnan(ratio);
    if (ratio > worst || (std::isnan(ratio) && !std::isnan(worst))) {
      worst = ratio;
      c.detail = "worst x = " + fmt(x_axis[j]) + ": value = " + fmt(values[j]) + ", bound = " + fmt(bound[j]);
    }
  }
  c.measured = c.measured_lo = c.measured_hi = c.tightness = worst;
  c.passed = any && !nan && worst <= 1.0 + tolerance;
  return c;
}

CheckResult identity(const ClaimText& text, double max_error, double tolerance, const std::string& worst) {
  CheckResult c = start(text, CheckKind::identity);
  c.measured = c.measured_lo = c.measured_hi = max_error;
  c.bound = tolerance;
  c.tightness = max_error / tolerance;
  c.resolution = tolerance;
  c.passed = std::isfinite(max_error) && max_error <= tolerance;
  c.rule = "fail iff the largest relative error exceeds the tolerance";
  c.detail = worst;
  return c;
}

CheckResult de_bruijn(const ClaimText& text, const std::function<double(double)>& kl,
                      const std::function<double(double)>& fisher, double lambda,
                      const std::vector<double>& times, double delta, double tolerance) {
  double worst = 0;
  std::string where = "no time t >= 2 delta: nothing judged";
  std::size_t judged = 0;
  for (double t : times) {
    if (t < 2 * delta) continue;
    ++judged;
    const double dkl = (kl(t + delta) - kl(t - delta)) / (2.0 * delta);
    const double rhs = -lambda * fisher(t);
    const double err = std::abs(dkl - rhs) / std::abs(rhs);
    if (!std::isnan(worst) && !(err <= worst)) {  // a NaN error becomes the worst and stays
      worst = err;
      where = "t = " + fmt(t) + ": dKL/dt = " + fmt(dkl) + ", -lambda I = " + fmt(rhs);
    }
  }
  CheckResult c = identity(text, worst, tolerance, where);
  if (judged == 0) c.passed = false;  // a check that judged nothing must not pass vacuously
  return c;
}

double fit_weak_order(const std::vector<double>& steps, const std::vector<double>& errors) {
  if (steps.size() < 4 || errors.size() != steps.size())
    throw std::invalid_argument("steps: a weak-order fit needs at least 4 step sizes");
  std::vector<double> one(steps.size(), 1.0), logh, h, loge;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (!std::isfinite(errors[i])) throw std::invalid_argument("weak error: non-finite value");
    if (errors[i] == 0) throw std::invalid_argument("weak error: exactly zero, cannot take its log");
    logh.push_back(std::log(steps[i]));
    h.push_back(steps[i]);
    loge.push_back(std::log(std::abs(errors[i])));
  }
  return stats::least_squares({one, logh, h}, loge)[1];
}

double fit_decay_rate(const std::vector<double>& t, const std::vector<double>& y) {
  std::vector<double> logy;
  for (double v : y) {
    if (!(v > 0)) throw std::invalid_argument("decay fit: non-positive value in the fit window");
    logy.push_back(std::log(v));
  }
  return -stats::fit_line(t, logy).slope;
}

}  // namespace ldbench::verify::checks
