// Test-only numerical reference: the spectral gap of the 1-D Langevin generator
//   L f = lambda f'' - U' f'   on [a, b] with reflecting (Neumann) ends,
// from a conservative finite-volume discretisation of the Dirichlet form
//   E(f) = lambda ∫ |f'|² dpi ≈ lambda Σ_i pi(x_{i+1/2}) (f_{i+1} - f_i)² / h,   Var ≈ Σ_i pi_i h f_i²,
// made symmetric by the ground-state transform g = sqrt(pi) f: the symmetric tridiagonal matrix
//   S_ii = (lambda/h²) [exp(-(U_{i-1/2} - U_i)/lambda) + exp(-(U_{i+1/2} - U_i)/lambda)],
//   S_{i,i+1} = -(lambda/h²) exp(-(U_{i+1/2} - (U_i + U_{i+1})/2)/lambda)
// (all entries O(1/h²), no under/overflow at any temperature). S has the exact eigenvalue 0 with
// eigenvector sqrt(pi); its second-smallest eigenvalue is found by Sturm-sequence bisection, which
// is O(n) per step and backward stable (absolute error ~ eps ||S||). Second order in h; tests
// confirm convergence by comparing two grids. The interval must be wide enough that pi is
// negligible at its ends.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace ldbench::theory::test {

// Number of eigenvalues of the symmetric tridiagonal (diag, off) that are < x.
inline int sturm_count_below(const std::vector<double>& diag, const std::vector<double>& off, double x) {
  int count = 0;
  double q = 1.0;
  for (std::size_t i = 0; i < diag.size(); ++i) {
    const double e2 = i == 0 ? 0.0 : off[i - 1] * off[i - 1];
    q = (diag[i] - x) - (i == 0 ? 0.0 : e2 / q);
    if (q == 0.0) q = -1e-300;  // standard pivot guard: treat an exact zero as a tiny negative
    if (q < 0) ++count;
  }
  return count;
}

// k-th smallest eigenvalue (k = 0, 1, ...) of a symmetric tridiagonal matrix by bisection.
inline double tridiagonal_eigenvalue(const std::vector<double>& diag, const std::vector<double>& off, int k) {
  double lo = 0.0, hi = 0.0;
  for (std::size_t i = 0; i < diag.size(); ++i) {  // Gershgorin bounds
    const double r = (i > 0 ? std::abs(off[i - 1]) : 0.0) + (i + 1 < diag.size() ? std::abs(off[i]) : 0.0);
    lo = std::min(lo, diag[i] - r);
    hi = std::max(hi, diag[i] + r);
  }
  for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(std::abs(lo), std::abs(hi)); ++it) {
    const double mid = 0.5 * (lo + hi);
    if (sturm_count_below(diag, off, mid) > k) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

// Spectral gap (second-smallest eigenvalue of -L) on n grid points over [a, b].
template <class Potential>
double spectral_gap_fd(Potential U, double lambda, double a, double b, int n) {
  const double h = (b - a) / (n - 1);
  std::vector<double> u(n), umid(n - 1);
  for (int i = 0; i < n; ++i) u[i] = U(a + i * h);
  for (int i = 0; i + 1 < n; ++i) umid[i] = U(a + (i + 0.5) * h);
  const double c = lambda / (h * h);
  std::vector<double> diag(n, 0.0), off(n - 1);
  for (int i = 0; i + 1 < n; ++i) {
    diag[i] += c * std::exp(-(umid[i] - u[i]) / lambda);
    diag[i + 1] += c * std::exp(-(umid[i] - u[i + 1]) / lambda);
    off[i] = -c * std::exp(-(umid[i] - 0.5 * (u[i] + u[i + 1])) / lambda);
  }
  return tridiagonal_eigenvalue(diag, off, 1);
}

}  // namespace ldbench::theory::test
