#include "lib/fp/gaussian_transition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ldbench::lib::fp {

namespace {
constexpr double kNegligible = 1e-30;
}  // namespace

bool GaussianTransitionOptions::IsValid(std::string* error) const {
  if (!(truncation_sd >= 3.0 && truncation_sd <= 40.0)) {
    if (error) *error = "truncation_sd: must be in [3, 40]";
    return false;
  }
  return true;
}

void GaussianTransitionOptions::validate() const {
  std::string e;
  if (!IsValid(&e)) throw std::invalid_argument(e);
}

GaussianTransition1d::GaussianTransition1d(const Grid& grid, const std::function<double(double)>& mean, double variance,
                                           const GaussianTransitionOptions& opt)
    : grid_(grid) {
  grid.validate();
  opt.validate();
  if (grid.dim() != 1) throw std::invalid_argument("grid: GaussianTransition1d is one-dimensional");
  if (!(std::isfinite(variance) && variance > 0)) throw std::invalid_argument("variance: must be finite and > 0");
  const Axis& ax = grid.axes[0];
  const long n = ax.n;
  const double h = ax.h();
  first_.resize(static_cast<std::size_t>(n));
  offset_.assign(static_cast<std::size_t>(n) + 1, 0);
  column_mass_.resize(static_cast<std::size_t>(n));
  min_sigma_ = std::numeric_limits<double>::infinity();
  max_sigma_ = 0;
  std::vector<double> tail;  // tail function at the band's edges
  for (long i = 0; i < n; ++i) {
    const double x = ax.center(static_cast<int>(i));
    const double m = mean(x);
    if (!std::isfinite(m)) throw std::invalid_argument("mean: non-finite mean map at x = " + std::to_string(x));
    double var = variance;
    if (opt.cell_correction) {
      const double a = (mean(x + 0.5 * h) - mean(x - 0.5 * h)) / h;
      if (!std::isfinite(a)) throw std::invalid_argument("mean: non-finite mean map near x = " + std::to_string(x));
      var -= a * a * h * h / 12.0;
      if (!(var > 0.25 * variance))
        throw std::invalid_argument("variance: " + std::to_string(variance) + " does not resolve the cell width h = " +
                                    std::to_string(h) + " stretched by the mean map (slope " + std::to_string(a) +
                                    " at x = " + std::to_string(x) + "); refine the grid or use a larger step");
    }
    const double sigma = std::sqrt(var);
    min_sigma_ = std::min(min_sigma_, sigma);
    max_sigma_ = std::max(max_sigma_, sigma);
    // Target cells whose edges lie within truncation_sd sigma of m (clipped to the box).
    const double lo = m - opt.truncation_sd * sigma, hi = m + opt.truncation_sd * sigma;
    long j0 = static_cast<long>(std::floor((lo - ax.lo) / h));
    long j1 = static_cast<long>(std::floor((hi - ax.lo) / h));
    j0 = std::max(0L, j0);
    j1 = std::min(n - 1, j1);
    first_[static_cast<std::size_t>(i)] = j0;
    double total = 0;
    if (j1 >= j0) {
      // Tail masses: edge e above m -> P(X > e) = erfc((e - m)/(sigma sqrt 2))/2; below m -> P(X < e).
      const double inv = 1.0 / (sigma * std::sqrt(2.0));
      tail.resize(static_cast<std::size_t>(j1 - j0 + 2));
      for (long j = j0; j <= j1 + 1; ++j) {
        const double e = ax.edge(static_cast<int>(j));
        tail[static_cast<std::size_t>(j - j0)] = 0.5 * std::erfc(std::abs(e - m) * inv);
      }
      for (long j = j0; j <= j1; ++j) {
        const double a = ax.edge(static_cast<int>(j)), b = ax.edge(static_cast<int>(j + 1));
        const double ta = tail[static_cast<std::size_t>(j - j0)], tb = tail[static_cast<std::size_t>(j - j0 + 1)];
        double w;
        if (a >= m)
          w = ta - tb;  // both above: P(X > a) - P(X > b)
        else if (b <= m)
          w = tb - ta;  // both below: P(X < b) - P(X < a)
        else
          w = 1.0 - ta - tb;  // the cell holding m
        w = std::max(w, 0.0);
        weights_.push_back(w);
        total += w;
      }
    }
    offset_[static_cast<std::size_t>(i) + 1] = weights_.size();
    column_mass_[static_cast<std::size_t>(i)] = total;
  }
}

Eigen::VectorXd GaussianTransition1d::apply(const Eigen::VectorXd& p) const {
  const long n = grid_.axes[0].n;
  if (p.size() != n) throw std::invalid_argument("p: " + std::to_string(p.size()) + " values for " + std::to_string(n) + " cells");
  Eigen::VectorXd q = Eigen::VectorXd::Zero(n);
  // Source cells below kNegligible x max p are skipped (their mass, <= n kNegligible relative, is
  // far below the round-off of every functional measured; it shows up in the caller's lost mass).
  const double skip = kNegligible * p.cwiseAbs().maxCoeff();
  for (long i = 0; i < n; ++i) {
    const double pi = p[i];
    if (std::abs(pi) <= skip) continue;
    const std::size_t o0 = offset_[static_cast<std::size_t>(i)], o1 = offset_[static_cast<std::size_t>(i) + 1];
    double* qj = q.data() + first_[static_cast<std::size_t>(i)];
    for (std::size_t o = o0; o < o1; ++o) qj[o - o0] += weights_[o] * pi;
  }
  return q;
}

double GaussianTransition1d::min_column_mass() const {
  return column_mass_.empty() ? 0.0 : *std::min_element(column_mass_.begin(), column_mass_.end());
}

long GaussianTransition1d::nonzeros() const { return static_cast<long>(weights_.size()); }

}  // namespace ldbench::lib::fp
