#include "lib/fp/grid.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "lib/potentials/potential.hpp"

namespace ldbench::lib::fp {

void Axis::validate(const char* name) const {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi))
    throw std::invalid_argument(std::string(name) + ": need finite lo < hi");
  if (n < 3) throw std::invalid_argument(std::string(name) + ": need n >= 3 cells, got " + std::to_string(n));
}

long Grid::size() const {
  long s = 1;
  for (const auto& a : axes) s *= a.n;
  return s;
}

double Grid::cell_volume() const {
  double v = 1;
  for (const auto& a : axes) v *= a.h();
  return v;
}

void Grid::center(long k, double* c) const {
  if (dim() == 1) {
    c[0] = axes[0].center(static_cast<int>(k));
  } else {
    const long nx = axes[0].n;
    c[0] = axes[0].center(static_cast<int>(k % nx));
    c[1] = axes[1].center(static_cast<int>(k / nx));
  }
}

void Grid::validate() const {
  if (dim() != 1 && dim() != 2)
    throw std::invalid_argument("grid: dimension must be 1 or 2, got " + std::to_string(dim()));
  axes[0].validate("grid.x");
  if (dim() == 2) axes[1].validate("grid.y");
}

Eigen::VectorXd sample(const Grid& grid, const std::function<double(const double*)>& f) {
  grid.validate();
  Eigen::VectorXd v(grid.size());
  double c[2];
  for (long k = 0; k < grid.size(); ++k) {
    grid.center(k, c);
    v[k] = f(c);
  }
  return v;
}

Eigen::VectorXd sample(const Grid& grid, const potentials::Potential& U) {
  if (U.dim() != grid.dim())
    throw std::invalid_argument("U: potential of dimension " + std::to_string(U.dim()) + " on a " +
                                std::to_string(grid.dim()) + "-D grid");
  return sample(grid, [&U](const double* x) { return U.value(x); });
}

double mass(const Grid& grid, const Eigen::VectorXd& p) { return p.sum() * grid.cell_volume(); }

Eigen::VectorXd normalized(const Grid& grid, const Eigen::VectorXd& p) {
  if (p.size() != grid.size())
    throw std::invalid_argument("p: " + std::to_string(p.size()) + " values for " + std::to_string(grid.size()) +
                                " cells");
  if (!p.allFinite()) throw std::invalid_argument("p: non-finite value");
  const double m = mass(grid, p);
  if (!(m > 0)) throw std::invalid_argument("p: total mass must be > 0");
  return p / m;
}

}  // namespace ldbench::lib::fp
