#include "lib/fp/operator.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ldbench::lib::fp {

double bernoulli(double z) {
  if (z == 0.0) return 1.0;
  const double e = std::expm1(z);
  if (std::isinf(e)) return 0.0;  // z > ~709: B(z) = z e^{-z} (1 + ...) underflows anyway
  return z / e;
}

double sinhc_inv(double y) {
  const double a = std::abs(y);
  if (a == 0.0) return 1.0;
  if (a <= 20.0) return a / std::sinh(a);
  return 2 * a * std::exp(-a) / (1 - std::exp(-2 * a));
}

SgCoefficients sg_coefficients(const Grid& grid, const Eigen::VectorXd& U, double lambda) {
  grid.validate();
  if (!(std::isfinite(lambda) && lambda > 0)) throw std::invalid_argument("lambda: must be finite and > 0");
  if (U.size() != grid.size())
    throw std::invalid_argument("U: " + std::to_string(U.size()) + " values for " + std::to_string(grid.size()) +
                                " cells");
  if (!U.allFinite()) throw std::invalid_argument("U: non-finite value on the grid");
  SgCoefficients c;
  c.grid = grid;
  c.lambda = lambda;
  auto add_face = [&](long a, long b, double h) {
    const double delta = (U[b] - U[a]) / lambda;
    if (!std::isfinite(delta))
      throw std::invalid_argument("U: (U_j - U_i)/lambda overflows between neighbouring cells");
    c.fwd.push_back(bernoulli(delta));
    c.bwd.push_back(bernoulli(-delta));
    c.sym.push_back(sinhc_inv(0.5 * delta));
    c.scale.push_back(lambda / (h * h));
    c.left.push_back(a);
    c.right.push_back(b);
  };
  const long nx = grid.axes[0].n;
  const long ny = grid.dim() == 2 ? grid.axes[1].n : 1;
  const long faces = (nx - 1) * ny + (grid.dim() == 2 ? nx * (ny - 1) : 0);
  c.fwd.reserve(faces);
  c.bwd.reserve(faces);
  c.sym.reserve(faces);
  c.scale.reserve(faces);
  c.left.reserve(faces);
  c.right.reserve(faces);
  for (long j = 0; j < ny; ++j)
    for (long i = 0; i + 1 < nx; ++i) add_face(i + nx * j, i + 1 + nx * j, grid.axes[0].h());
  if (grid.dim() == 2)
    for (long j = 0; j + 1 < ny; ++j)
      for (long i = 0; i < nx; ++i) add_face(i + nx * j, i + nx * (j + 1), grid.axes[1].h());
  return c;
}

void apply_operator(const SgCoefficients& c, const Eigen::VectorXd& p, Eigen::VectorXd& out) {
  out.setZero(c.grid.size());
  for (long f = 0; f < c.size(); ++f) {
    const long a = c.left[f], b = c.right[f];
    // Flux a -> b times 1/h (per unit volume of the cell).
    const double F = c.scale[f] * (c.fwd[f] * p[a] - c.bwd[f] * p[b]);
    out[a] -= F;
    out[b] += F;
  }
}

namespace {
Eigen::SparseMatrix<double> assemble(const SgCoefficients& c, bool symmetric) {
  using T = Eigen::Triplet<double>;
  std::vector<T> t;
  t.reserve(4 * static_cast<std::size_t>(c.size()));
  for (long f = 0; f < c.size(); ++f) {
    const long a = c.left[f], b = c.right[f];
    const double k = c.scale[f];
    t.emplace_back(a, a, -k * c.fwd[f]);
    t.emplace_back(b, b, -k * c.bwd[f]);
    if (symmetric) {
      t.emplace_back(a, b, k * c.sym[f]);
      t.emplace_back(b, a, k * c.sym[f]);
    } else {
      t.emplace_back(a, b, k * c.bwd[f]);  // d p_a / dt gains B(-delta) p_b
      t.emplace_back(b, a, k * c.fwd[f]);  // d p_b / dt gains B(delta) p_a
    }
  }
  Eigen::SparseMatrix<double> m(c.grid.size(), c.grid.size());
  m.setFromTriplets(t.begin(), t.end());
  return m;
}
}  // namespace

Eigen::SparseMatrix<double> density_operator(const SgCoefficients& c) { return assemble(c, false); }
Eigen::SparseMatrix<double> symmetrized_operator(const SgCoefficients& c) { return assemble(c, true); }

}  // namespace ldbench::lib::fp
