#include "theory/gaussian_mixture.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace ldbench::theory {

void GaussianMixture1d::validate() const {
  if (weights.empty()) throw std::invalid_argument("weights: need at least one component");
  if (means.size() != weights.size())
    throw std::invalid_argument("means: need one mean per weight");
  if (variances.size() != weights.size())
    throw std::invalid_argument("variances: need one variance per weight");
  double sum = 0;
  for (std::size_t j = 0; j < weights.size(); ++j) {
    if (!(std::isfinite(weights[j]) && weights[j] > 0))
      throw std::invalid_argument("weights: entries must be finite and > 0");
    if (!std::isfinite(means[j])) throw std::invalid_argument("means: entries must be finite");
    if (!(std::isfinite(variances[j]) && variances[j] > 0))
      throw std::invalid_argument("variances: entries must be finite and > 0");
    sum += weights[j];
  }
  if (std::abs(sum - 1.0) > 1e-12) throw std::invalid_argument("weights: must sum to 1");
}

double GaussianMixture1d::log_density(double x) const {
  // log-sum-exp over components.
  double mx = -INFINITY;
  std::vector<double> l(weights.size());
  for (std::size_t j = 0; j < weights.size(); ++j) {
    const double r = x - means[j];
    l[j] = std::log(weights[j]) - 0.5 * r * r / variances[j] -
           0.5 * std::log(2.0 * std::numbers::pi * variances[j]);
    mx = std::max(mx, l[j]);
  }
  double s = 0;
  for (double v : l) s += std::exp(v - mx);
  return mx + std::log(s);
}

double GaussianMixture1d::score(double x) const {
  // sum_j r_j(x) * (-(x - mu_j)/s_j²) with responsibilities r_j computed stably.
  const double lp = log_density(x);
  double s = 0;
  for (std::size_t j = 0; j < weights.size(); ++j) {
    const double r = x - means[j];
    const double lj = std::log(weights[j]) - 0.5 * r * r / variances[j] -
                      0.5 * std::log(2.0 * std::numbers::pi * variances[j]);
    s += std::exp(lj - lp) * (-r / variances[j]);
  }
  return s;
}

double GaussianMixture1d::mean() const {
  double m = 0;
  for (std::size_t j = 0; j < weights.size(); ++j) m += weights[j] * means[j];
  return m;
}

double GaussianMixture1d::variance() const {
  const double m = mean();
  double v = 0;
  for (std::size_t j = 0; j < weights.size(); ++j)
    v += weights[j] * (variances[j] + (means[j] - m) * (means[j] - m));
  return v;
}

GaussianMixture1d ou_mixture_law(const GaussianMixture1d& start, double t, const OuParams& p) {
  start.validate();
  GaussianMixture1d out = start;
  for (std::size_t j = 0; j < start.weights.size(); ++j) {
    out.means[j] = ou_mean(t, start.means[j], p);
    out.variances[j] = ou_variance(t, start.variances[j], p);
  }
  return out;
}

namespace {
// Integrate f over [lo, hi], an interval holding all mass of p and of N(0, v) to ~1e-40.
template <class F>
double integrate_over_support(const GaussianMixture1d& p, double v, F f) {
  double lo = -14.0 * std::sqrt(v), hi = 14.0 * std::sqrt(v);
  for (std::size_t j = 0; j < p.weights.size(); ++j) {
    const double s = std::sqrt(p.variances[j]);
    lo = std::min(lo, p.means[j] - 14.0 * s);
    hi = std::max(hi, p.means[j] + 14.0 * s);
  }
  // Split at the component means so each panel is smooth and unimodal-ish.
  std::vector<double> cuts = {lo, hi};
  for (double m : p.means) cuts.push_back(m);
  std::sort(cuts.begin(), cuts.end());
  double total = 0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    if (cuts[i + 1] <= cuts[i]) continue;
    total += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, cuts[i], cuts[i + 1], 15,
                                                                            1e-13);
  }
  return total;
}
void check_target_variance(double v) {
  if (!(std::isfinite(v) && v > 0)) throw std::invalid_argument("v: target variance must be finite and > 0");
}
}  // namespace

double kl_to_centered_gaussian(const GaussianMixture1d& p, double v) {
  p.validate();
  check_target_variance(v);
  const double lnorm = -0.5 * std::log(2.0 * std::numbers::pi * v);
  return integrate_over_support(p, v, [&](double x) {
    const double lp = p.log_density(x);
    const double lq = lnorm - 0.5 * x * x / v;
    return std::exp(lp) * (lp - lq);
  });
}

double fisher_to_centered_gaussian(const GaussianMixture1d& p, double v) {
  p.validate();
  check_target_variance(v);
  return integrate_over_support(p, v, [&](double x) {
    const double diff = p.score(x) + x / v;
    return std::exp(p.log_density(x)) * diff * diff;
  });
}

}  // namespace ldbench::theory
