// Uniform cell-centred grids for the finite-volume Fokker–Planck solver (lib/fp/fokker_planck.hpp).
//
// A 1-D axis [lo, hi] is cut into n cells of width h = (hi - lo)/n with centres
// x_i = lo + (i + 1/2) h, i = 0..n-1. A 2-D grid is the product of two axes; cell (i, j) is stored
// at index k = i + nx j (x fastest). A density on the grid is the vector of CELL VALUES p_k
// (cell averages), normalised by Σ_k p_k vol = 1 with vol = h (1-D) or hx hy (2-D): the
// piecewise-constant density p(x) = p_k on cell k. Boundaries are reflecting (zero flux).
#pragma once

#include <Eigen/Core>
#include <functional>
#include <vector>

namespace ldbench::lib::potentials {
class Potential;
}

namespace ldbench::lib::fp {

struct Axis {
  double lo = -1.0;
  double hi = 1.0;
  int n = 100;  // number of cells, >= 3

  double h() const { return (hi - lo) / n; }
  double center(int i) const { return lo + (i + 0.5) * h(); }
  double edge(int i) const { return lo + i * h(); }  // i = 0..n
  // Throws std::invalid_argument "<name>: ..." unless lo < hi (finite) and n >= 3.
  void validate(const char* name = "axis") const;
};

struct Grid {
  std::vector<Axis> axes;  // one (1-D) or two (2-D) axes

  static Grid line(double lo, double hi, int n) { return Grid{{Axis{lo, hi, n}}}; }
  static Grid box(const Axis& x, const Axis& y) { return Grid{{x, y}}; }

  int dim() const { return static_cast<int>(axes.size()); }
  long size() const;           // number of cells
  double cell_volume() const;  // h or hx hy
  // Centre of cell k (c[0..dim-1]).
  void center(long k, double* c) const;
  // Throws std::invalid_argument "grid: ..." unless dim is 1 or 2 and every axis is valid.
  void validate() const;
};

// f evaluated at every cell centre (a point-value sample; differs from cell averages by O(h²)).
Eigen::VectorXd sample(const Grid& grid, const std::function<double(const double*)>& f);
// U at every cell centre. Throws "U: ..." if U.dim() != grid.dim().
Eigen::VectorXd sample(const Grid& grid, const potentials::Potential& U);
// p scaled so that Σ p vol = 1. Throws "p: ..." unless p has grid.size() finite entries with
// positive total mass.
Eigen::VectorXd normalized(const Grid& grid, const Eigen::VectorXd& p);
// Σ p vol.
double mass(const Grid& grid, const Eigen::VectorXd& p);

}  // namespace ldbench::lib::fp
