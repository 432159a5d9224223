// Functionals of densities on a Fokker–Planck grid (lib/fp/grid.hpp): cell values p_k of a
// piecewise-constant density, Σ p_k vol = 1, vol = h (1-D) or hx hy (2-D). Conventions of
// DESIGN.md §2: KL(p||q) = ∫ p log(p/q), Ent(p) = ∫ p log p, I(p||pi) = ∫ |∇ log(p/pi)|² p, all in
// nats, 0 log 0 = 0. The discrete sums below are midpoint rules on the grid (O(h²) from their
// continuous values for smooth data).
//
// Discrete Fisher information that makes de Bruijn's identity exact. Along the semi-discrete SG
// scheme dp/dt = L p (lib/fp/operator.hpp), with M_i = exp(-U_i/lambda), g = p/M and the SG mean
// w_f of a face f between cells i -> j (spacing h along its axis),
//   d/dt KL(p||pi_grid) = Σ_i (L p)_i log(p_i/pi_i) vol
//                       = -Σ_f (lambda/h²) w_f (g_j - g_i)(log g_j - log g_i) vol     (summation by parts)
//                       = -lambda I_sg(p),
//   I_sg(p) := Σ_faces (1/h_f²) w_f (g_j - g_i)(log g_j - log g_i) vol,
// where pi_grid = M/Σ M vol (Σ (L p)_i = 0 removes the constant). Each term is >= 0 and vanishes
// iff g_i = g_j. It is evaluated without forming M: w_f (g_j - g_i) = B(-delta) p_j - B(delta) p_i
// and log g_j - log g_i = log p_j - log p_i + delta with delta = (U_j - U_i)/lambda; a face with
// p = 0 on one side and a non-zero flux contributes +inf (the continuous I is infinite there too),
// a face with p = 0 on both sides contributes 0. As h -> 0, I_sg -> ∫ |∇ log(p/pi)|² p.
// For comparison, fisher_information_central is the plain cell-centred form
//   I_c(p) = Σ_cells p_k |D log p_k + D U_k / lambda|² vol,
// D the central difference (one-sided at boundary cells); it is also O(h²)-consistent but does not
// satisfy the semi-discrete identity exactly.
//
// W2 in 1-D: for densities on the real line W2² = ∫_0^1 |F^{-1}(u) - G^{-1}(u)|² du. For a
// piecewise-constant density the CDF is piecewise linear and its quantile function is piecewise
// linear in u on the cumulative-mass breakpoints (cells of zero mass are jumps); for an empirical
// sample of N points the quantile is the step function x_(k) on ((k-1)/N, k/N]. On the merged
// breakpoints both quantiles are linear in u, so each piece integrates exactly:
// ∫ (d0 + (d1 - d0) s)² ds over [0, 1] = (d0² + d0 d1 + d1²)/3. The results are exact for the
// piecewise-constant densities (up to rounding), not for the continuous density they approximate.
//
// W2 in 2-D (bounds, exact for the piecewise-constant densities on one product grid). For densities
// p, q on R² and any coupling (X, Y) of them, E|X - Y|² = E|X1 - Y1|² + E|X2 - Y2|², and the
// coordinates of the coupling couple the marginals, so
//   lower = W2²(p_x, q_x) + W2²(p_y, q_y) <= W2²(p, q)                       (marginal bound).
// The Knothe–Rosenblatt coupling (X' = F_{q_x}^{-1}(F_{p_x}(X)), then Y' = the monotone map
// between the conditional laws of the second coordinate given the columns of X and X') is a
// coupling, so its cost is an upper bound:
//   upper_xy = W2²(p_x, q_x) + ∫_0^1 W2²(p(·|col_p(u)), q(·|col_q(u))) du >= W2²(p, q),
// where col_p(u) is the column (x-cell) holding the u-quantile of p_x: a piecewise-constant density
// is constant in x inside a column, so the conditional law of y given x depends on the column only,
// and the integral is a finite sum over the merged quantile breakpoints (at most 2 nx pieces, each an
// exact 1-D W2 between two columns). upper_yx swaps the roles of x and y; upper = min of the two.
// For product densities p = p_x ⊗ p_y, q = q_x ⊗ q_y, lower = upper = W2² (the product of the 1-D
// optimal couplings is optimal). Cost O(nx ny) per pair of columns, O((nx + ny) nx ny) in total.
//
// Input checks throw std::invalid_argument naming the argument ("p: ...", "U: ...", "lambda: ...").
#pragma once

#include <Eigen/Core>
#include <vector>

#include "lib/fp/grid.hpp"

namespace ldbench::lib::fp {

// The discrete Gibbs density pi_k = exp(-U_k/lambda) / Σ exp(-U/lambda) vol, computed with the
// minimum of U subtracted (no overflow; cells far above the minimum may underflow to 0).
Eigen::VectorXd gibbs_density(const Grid& grid, const Eigen::VectorXd& U, double lambda);

// Ent(p) = Σ p log p vol. p >= 0.
double entropy(const Grid& grid, const Eigen::VectorXd& p);
// KL(p||q) = Σ p log(p/q) vol (both as given, not renormalised). +inf if q = 0 where p > 0.
double kl(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& q);
// KL(p||pi_grid) with pi_grid = gibbs_density(grid, U, lambda), evaluated in the log domain
// (log pi_k = -(U_k - min U)/lambda - log Z'), so it stays finite where pi underflows.
double kl_to_gibbs(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& U, double lambda);

// I_sg(p) (see above): dKL(p_t||pi_grid)/dt = -lambda I_sg(p_t) along dp/dt = L p exactly.
double fisher_information_sg(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& U, double lambda);
// I_c(p) (central differences). Requires p > 0 in every cell.
double fisher_information_central(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& U, double lambda);

// Exact W2² between two piecewise-constant 1-D densities (grids may differ). Each is normalised to
// mass 1 first; p >= 0.
double w2_squared_1d(const Grid& grid_p, const Eigen::VectorXd& p, const Grid& grid_q, const Eigen::VectorXd& q);
// Exact W2² between a piecewise-constant 1-D density and the empirical law of `sample` (equal
// weights). Throws "sample: ..." if empty or non-finite.
double w2_squared_1d_sample(const Grid& grid, const Eigen::VectorXd& p, std::vector<double> sample);

// Bounds on W2²(p, q) for two densities on the same 2-D grid (see above); each normalised to mass 1
// first; p, q >= 0.
struct W2Bounds2d {
  double lower = 0;      // W2²(p_x, q_x) + W2²(p_y, q_y)
  double upper = 0;      // min(upper_xy, upper_yx)
  double upper_xy = 0;   // Knothe–Rosenblatt, x first
  double upper_yx = 0;   // Knothe–Rosenblatt, y first
  double marginal_x = 0, marginal_y = 0;  // W2² of the two marginals (lower = their sum)
};
W2Bounds2d w2_squared_2d_bounds(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& q);

// Mean and covariance of the piecewise-constant density (exact: within a cell the law is uniform,
// so the covariance includes the h²/12 of each axis). p normalised first.
struct GridMoments {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
};
GridMoments moments(const Grid& grid, const Eigen::VectorXd& p);

}  // namespace ldbench::lib::fp
