#include "lib/fp/spectral.hpp"

#include <Eigen/QR>
#include <Eigen/SparseCholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "lib/fp/operator.hpp"
#include "lib/potentials/potential.hpp"
#include "lib/linalg/dense.hpp"

namespace ldbench::lib::fp {

namespace {

// Number of eigenvalues < x of the symmetric tridiagonal (d, e) (e[i] couples i and i+1).
long sturm_count(const std::vector<double>& d, const std::vector<double>& e, double x) {
  long count = 0;
  double q = 1.0;
  const std::size_t n = d.size();
  for (std::size_t i = 0; i < n; ++i) {
    q = (d[i] - x) - (i == 0 ? 0.0 : e[i - 1] * e[i - 1] / q);
    if (q == 0.0) q = -std::numeric_limits<double>::min();  // pivot guard
    if (q < 0) ++count;
  }
  return count;
}

struct Bisection {
  double value, width;
};

Bisection kth_eigenvalue(const std::vector<double>& d, const std::vector<double>& e, long k, double lo, double hi) {
  const double floor = 4 * std::numeric_limits<double>::epsilon() * std::max(std::abs(lo), std::abs(hi));
  for (int it = 0; it < 400; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (!(hi - lo > std::max(floor * 1e-3, 2 * std::numeric_limits<double>::epsilon() * std::abs(mid))) || mid == lo ||
        mid == hi)
      break;
    if (sturm_count(d, e, mid) > k)
      hi = mid;
    else
      lo = mid;
  }
  return {0.5 * (lo + hi), hi - lo};
}

void tridiagonal_minus_S(const SgCoefficients& c, std::vector<double>& d, std::vector<double>& e) {
  const long n = c.grid.size();
  d.assign(n, 0.0);
  e.assign(n - 1, 0.0);
  for (long f = 0; f < c.size(); ++f) {
    d[f] += c.scale[f] * c.fwd[f];
    d[f + 1] += c.scale[f] * c.bwd[f];
    e[f] = -c.scale[f] * c.sym[f];
  }
}

}  // namespace

std::vector<double> smallest_eigenvalues_1d(const Grid& grid, const Eigen::VectorXd& U, double lambda, int k) {
  if (grid.dim() != 1) throw std::invalid_argument("grid: smallest_eigenvalues_1d needs a 1-D grid");
  if (k < 1 || k > grid.size()) throw std::invalid_argument("k: must be in [1, number of cells]");
  const SgCoefficients c = sg_coefficients(grid, U, lambda);
  std::vector<double> d, e;
  tridiagonal_minus_S(c, d, e);
  double lo = 0, hi = 0;  // Gershgorin
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double r = (i > 0 ? std::abs(e[i - 1]) : 0.0) + (i + 1 < d.size() ? std::abs(e[i]) : 0.0);
    lo = std::min(lo, d[i] - r);
    hi = std::max(hi, d[i] + r);
  }
  std::vector<double> out;
  for (int j = 0; j < k; ++j) out.push_back(kth_eigenvalue(d, e, j, lo, hi).value);
  return out;
}

SpectralGap spectral_gap(const Grid& grid, const Eigen::VectorXd& U, double lambda, const GapOptions& opt) {
  grid.validate();
  const SgCoefficients c = sg_coefficients(grid, U, lambda);
  SpectralGap out;
  if (grid.dim() == 1) {
    std::vector<double> d, e;
    tridiagonal_minus_S(c, d, e);
    double lo = 0, hi = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      const double r = (i > 0 ? std::abs(e[i - 1]) : 0.0) + (i + 1 < d.size() ? std::abs(e[i]) : 0.0);
      lo = std::min(lo, d[i] - r);
      hi = std::max(hi, d[i] + r);
    }
    const Bisection b0 = kth_eigenvalue(d, e, 0, lo, hi);
    const Bisection b1 = kth_eigenvalue(d, e, 1, lo, hi);
    const Bisection b2 = kth_eigenvalue(d, e, 2, lo, hi);
    out.zero_eigenvalue = b0.value;
    out.gap = b1.value;
    out.next = b2.value;
    out.residual = b1.width;
    out.method = "sturm_bisection";
    return out;
  }

  if (opt.block < 1) throw std::invalid_argument("opt.block: must be >= 1");
  if (opt.max_iterations < 1) throw std::invalid_argument("opt.max_iterations: must be >= 1");
  if (!(opt.tol > 0)) throw std::invalid_argument("opt.tol: must be > 0");
  if (!(opt.shift >= 0 && std::isfinite(opt.shift))) throw std::invalid_argument("opt.shift: must be finite and >= 0");
  const long n = grid.size();
  const int k = static_cast<int>(std::min<long>(opt.block, n - 1));
  const Eigen::SparseMatrix<double> A = -symmetrized_operator(c);  // PSD
  const double dmax = A.diagonal().maxCoeff();
  const double sigma = opt.shift > 0 ? opt.shift : 1e-6 * dmax;
  Eigen::SparseMatrix<double> I(n, n);
  I.setIdentity();
  const Eigen::SparseMatrix<double> B = A + sigma * I;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::AMDOrdering<int>> ldlt(B);
  if (ldlt.info() != Eigen::Success) throw std::runtime_error("fp: LDLT factorisation of -S + sigma I failed");

  Eigen::VectorXd v0 = (-(U.array() - U.minCoeff()) / (2 * lambda)).exp().matrix();  // sqrt(M), max 1
  v0.normalize();
  out.zero_eigenvalue = v0.dot(A * v0);

  // Deterministic start: smooth, non-symmetric functions of position times sqrt(M).
  Eigen::MatrixXd V(n, k);
  double cc[2];
  for (long i = 0; i < n; ++i) {
    grid.center(i, cc);
    const double x = (cc[0] - grid.axes[0].lo) / (grid.axes[0].hi - grid.axes[0].lo);
    const double y = grid.dim() == 2 ? (cc[1] - grid.axes[1].lo) / (grid.axes[1].hi - grid.axes[1].lo) : 0.0;
    for (int j = 0; j < k; ++j)
      V(i, j) = std::cos((j + 1) * 2.3 * x + 0.7 * j) + std::sin((j + 2) * 1.7 * y + 0.3 * j) + 0.1 * (j + 1) * x * y;
  }
  auto orthonormalize = [&](Eigen::MatrixXd& W) {
    for (int pass = 0; pass < 2; ++pass) W -= v0 * (v0.transpose() * W);
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(W);
    W = qr.householderQ() * Eigen::MatrixXd::Identity(n, k);
    W -= v0 * (v0.transpose() * W);
  };
  orthonormalize(V);
  double prev = std::numeric_limits<double>::infinity();
  Eigen::MatrixXd W(n, k);
  out.converged = false;
  out.method = "block_inverse_iteration";
  for (int it = 1; it <= opt.max_iterations; ++it) {
    for (int j = 0; j < k; ++j) W.col(j) = ldlt.solve(V.col(j));
    orthonormalize(W);
    const Eigen::MatrixXd AW = A * W;
    Eigen::MatrixXd H = W.transpose() * AW;
    H = 0.5 * (H + H.transpose());
    const linalg::SymmetricEigen es = linalg::symmetric_eigen(H);
    V = W * es.vectors;
    const double theta = es.values[0];
    const Eigen::VectorXd r = AW * es.vectors.col(0) - theta * V.col(0);
    out.gap = theta;
    out.next = k >= 2 ? es.values[1] : std::numeric_limits<double>::quiet_NaN();
    out.residual = r.norm();
    out.iterations = it;
    if (std::abs(theta - prev) <= opt.tol * std::abs(theta) && out.residual <= std::sqrt(opt.tol) * dmax) {
      out.converged = true;
      break;
    }
    prev = theta;
  }
  return out;
}

SpectralGap spectral_gap(const Grid& grid, const potentials::Potential& U, double lambda, const GapOptions& opt) {
  return spectral_gap(grid, sample(grid, U), lambda, opt);
}

}  // namespace ldbench::lib::fp
