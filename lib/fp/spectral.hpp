// Spectral gap of the discretised Langevin generator (DESIGN.md §2 conventions; theory/kramers.hpp).
//
// For GLD dX = -∇U dt + sqrt(2 lambda) dB the generator on functions is L* f = lambda Δf - ∇U·∇f,
// self-adjoint in L²(pi), pi ∝ exp(-U/lambda); the spectral gap rho is the smallest non-zero
// eigenvalue of -L* (Var_pi(P_t f) <= exp(-2 rho t) Var_pi(f); rate per unit time). The
// Fokker–Planck operator on densities is the adjoint, p = f pi, with the same spectrum.
// Discretely (lib/fp/operator.hpp) the SG operator on densities L, the generator on grid
// functions L^T and the symmetric S = M^{-1/2} L M^{1/2} are similar matrices, so the discrete gap
// is the second-smallest eigenvalue of the symmetric positive semi-definite matrix -S, whose
// smallest eigenvalue is exactly 0 with eigenvector sqrt(M) (the constant function / the Gibbs
// density). The discrete gap converges to rho at O(h²) on a box large enough that pi is
// negligible at its boundary (reflecting walls).
//
// Methods.
//   1-D: -S is symmetric tridiagonal; its two smallest eigenvalues are found by Sturm-sequence
//        bisection (O(n) per bisection step, backward stable: absolute error ~ eps ||S||, with
//        ||S|| <= 4 lambda/h²), to relative precision ~1e-15 of max(|eigenvalue|, eps ||S||).
//        n = 4096 takes ~4 ms (three eigenvalues).
//   2-D: block inverse (subspace) iteration with Rayleigh–Ritz on (-S + sigma I)^{-1}, factorised
//        once by Eigen::SimplicialLDLT (AMD), with the known kernel vector sqrt(M) deflated from the
//        block after every solve; sigma = shift (default 1e-6 max_i |S_ii|, > 0 so the matrix is
//        definite; the deflation removes the large kernel component the shift would otherwise
//        amplify). The block (default 4 vectors) converges at rate (rho_1 + sigma)/(rho_5 + sigma)
//        per iteration, robustly also for (near-)degenerate gaps (e.g. isotropic potentials).
//        Stops when the relative change of the smallest Ritz value is < tol and the residual
//        ||(-S) v - theta v|| <= sqrt(tol) ||S||, or after max_iterations (converged = false).
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "lib/fp/grid.hpp"

namespace ldbench::lib::potentials {
class Potential;
}

namespace ldbench::lib::fp {

struct GapOptions {
  int block = 4;             // 2-D: subspace size (>= 1)
  int max_iterations = 500;  // 2-D
  double tol = 1e-12;        // 2-D: relative change of the Ritz value
  double shift = 0;          // 2-D: sigma; 0 = automatic (1e-6 max |S_ii|)
};

struct SpectralGap {
  double gap = 0;              // rho_1, smallest non-zero eigenvalue of -S (per unit time)
  double zero_eigenvalue = 0;  // the computed smallest eigenvalue (1-D) or sqrt(M)ᵀ(-S)sqrt(M)/|sqrt M|² (2-D): ~0
  double next = 0;             // rho_2 (1-D exact; 2-D Ritz estimate, accurate only if block >= 2)
  long iterations = 0;
  double residual = 0;  // 2-D: ||(-S) v - gap v|| of the returned Ritz vector; 1-D: bisection width
  bool converged = true;
  std::string method;  // "sturm_bisection" or "block_inverse_iteration"
};

// Throws std::invalid_argument naming "grid", "U", "lambda" or the option field.
SpectralGap spectral_gap(const Grid& grid, const Eigen::VectorXd& U_on_grid, double lambda, const GapOptions& opt = {});
SpectralGap spectral_gap(const Grid& grid, const potentials::Potential& U, double lambda, const GapOptions& opt = {});

// 1-D only: the k smallest eigenvalues of -S (ascending), by Sturm bisection.
std::vector<double> smallest_eigenvalues_1d(const Grid& grid, const Eigen::VectorXd& U_on_grid, double lambda, int k);

}  // namespace ldbench::lib::fp
