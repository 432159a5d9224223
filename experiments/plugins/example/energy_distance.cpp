// Example estimator plugin: the energy distance of Székely & Rizzo, added to ldbench's catalogue
// from a shared module, without touching the core. Build: experiments/plugins/meson.build; use:
//   ldbench --plugin build/experiments/plugins/ldbench_example_plugin.so estimate --list
//   ldbench --plugin ... estimate energy_distance --x a.csv --y b.csv
//
// Math (Székely & Rizzo 2013, "Energy statistics", J. Stat. Plann. Inference 143):
//   D²(P, Q) = 2 E||X - Y|| - E||X - X'|| - E||Y - Y'||   (>= 0, = 0 iff P = Q)
// estimated without bias by the U-statistic
//   2/(nm) Σ_ij ||x_i - y_j|| - 1/(n(n-1)) Σ_{i≠i'} ||x_i - x_i'|| - 1/(m(m-1)) Σ_{j≠j'} ||y_j - y_j'||.
// Returned: D² (units of distance, not squared distance). Cost O((n + m)² d).
#include <cmath>
#include <stdexcept>

#include "experiments/plugin.hpp"

namespace {

namespace est = ldbench::verify::estimators;

double mean_pair_distance(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, bool same) {
  double s = 0;
  for (long i = 0; i < a.cols(); ++i)
    for (long j = 0; j < b.cols(); ++j)
      if (!same || i != j) s += (a.col(i) - b.col(j)).norm();
  const double pairs = same ? static_cast<double>(a.cols()) * static_cast<double>(a.cols() - 1)
                            : static_cast<double>(a.cols()) * static_cast<double>(b.cols());
  return s / pairs;
}

est::Estimate energy_distance(const est::EstimatorInput& in, const est::Params&) {
  const Eigen::MatrixXd& x = *in.x;
  const Eigen::MatrixXd& y = *in.y;
  if (x.cols() < 2) throw std::invalid_argument("x: energy_distance needs at least 2 points");
  if (y.cols() < 2) throw std::invalid_argument("y: energy_distance needs at least 2 points");
  const double v = 2 * mean_pair_distance(x, y, false) - mean_pair_distance(x, x, true) - mean_pair_distance(y, y, true);
  return {v, std::nullopt, {}};
}

}  // namespace

LDBENCH_PLUGIN(host) {
  est::EstimatorInfo info;
  info.name = "energy_distance";
  info.returns = "energy distance D² = 2E||X-Y|| - E||X-X'|| - E||Y-Y'|| (distance units)";
  info.description = "Unbiased U-statistic of Székely & Rizzo (2013); example plugin shipped with ldbench";
  info.needs.y = true;
  info.unbiased = true;
  info.cost = "O((n + m)² d)";
  info.max_points = 100000;  // n + m pairs of distances: minutes at 1e5
  info.origin = host.plugin_path;
  host.estimators->add(info, energy_distance);
}
