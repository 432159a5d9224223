// The Scharfetter–Gummel (SG) finite-volume discretisation of the Fokker–Planck operator
//
//   ∂p/∂t = L p := div(p ∇U) + lambda Δp = lambda div( pi ∇(p/pi) ),   pi ∝ exp(-U/lambda),
//
// on a uniform cell-centred grid (lib/fp/grid.hpp) with reflecting (zero-flux) boundaries.
//
// Flux. Across the face f = i+½ between cells i and i+1 (spacing h along that axis), with
// U_i = U(x_i) at cell centres, M_i = exp(-U_i/lambda), g_i = p_i/M_i and
// delta = (U_{i+1} - U_i)/lambda, the SG flux (in the +x direction) is
//   F_f = -(lambda/h) w_f (g_{i+1} - g_i)                                 (symmetric form)
//       =  (lambda/h) [ B(delta) p_i - B(-delta) p_{i+1} ]                (p form)
// with the Bernoulli function B(z) = z/(e^z - 1) (B(0) = 1, B(-z) = e^z B(z)) and the SG mean
//   w_f = B(delta) M_i = B(-delta) M_{i+1} = sqrt(M_i M_{i+1}) · (delta/2)/sinh(delta/2)
//       = 1 / Lmean(1/M_i, 1/M_{i+1}),   Lmean(a, b) = (a - b)/(log a - log b),
// i.e. the harmonic-logarithmic mean of M_i and M_{i+1} (<= their geometric mean; -> M as
// delta -> 0). The cell update is dp_i/dt = -(F_{i+½} - F_{i-½})/h per axis (summed over axes in
// 2-D); faces on the boundary carry no flux. Hence
//   (L p)_i = (lambda/h²)[ -B(delta_{i+½}) p_i + B(-delta_{i+½}) p_{i+1}
//                          + B(delta_{i-½}) p_{i-1} - B(-delta_{i-½}) p_i ].
// Source: Scharfetter & Gummel (1969); the symmetric form and its entropy structure: e.g.
// Chainais-Hillairet & Herda, "Large-time behaviour of a family of finite volume schemes for
// boundary-driven convection-diffusion equations" (IMA J. Numer. Anal. 2020).
//
// Stable evaluation: only differences of U enter, through B(±delta) and s(delta/2) with
// s(y) = y/sinh(y); B(z) = z/expm1(z) is exact to rounding for all z (underflows to 0 for
// z > ~745, where the flux in that direction is truly negligible), s(y) is y/sinh(y) for
// |y| <= 20 and 2|y| exp(-|y|)/(1 - exp(-2|y|)) beyond. No exp(-U/lambda) is ever formed.
//
// Structure (exact in exact arithmetic; tested in lib/tests/test_fp.cpp):
//   * mass: column sums of L vanish (each flux leaves one cell and enters its neighbour);
//   * M-matrix: L has non-negative off-diagonal entries, so I - dt L (dt > 0) has positive diagonal,
//     non-positive off-diagonal and zero column-sum excess 1: an M-matrix with (I - dt L)^{-1} >= 0;
//   * Gibbs steady state: L M = 0 (every flux vanishes when g is constant), so the discrete Gibbs
//     density pi_i = M_i / Σ M vol is an exact steady state;
//   * self-adjointness: L = A M^{-1} with A symmetric (A = -(lambda/h²) × weighted graph Laplacian
//     with weights w_f), so <L p, r>_{1/M} = <p, L r>_{1/M} with <p, r>_{1/M} = Σ p r / M, and in
//     q = p / sqrt(M) the operator is S = M^{-1/2} L M^{1/2} = M^{-1/2} A M^{-1/2}, symmetric
//     negative semi-definite with kernel sqrt(M):
//       S_ii = -(lambda/h²)[B(delta_{i+½}) + B(-delta_{i-½})],   S_{i,i+1} = (lambda/h²) s(delta_{i+½}/2)
//     (entries O(lambda/h²), no exponentials of U; S_{ij} = sqrt(L_ij L_ji)).
//   * The generator on functions (L* f = lambda Δf - ∇U·∇f, acting on f = p/M) is discretised by
//     M^{-1} A = L^T: L, L^T and S are similar, so the FP operator on densities and the generator
//     on functions have the same spectrum, {0} ∪ {-rho_1, -rho_2, ...} with rho_1 the spectral gap.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <vector>

#include "lib/fp/grid.hpp"

namespace ldbench::lib::fp {

// B(z) = z / (e^z - 1), B(0) = 1.
double bernoulli(double z);
// s(y) = y / sinh(y), s(0) = 1.
double sinhc_inv(double y);

// Per-face SG coefficients of L for given U (cell-centre values) and temperature lambda.
// 1-D: face f (between cells f and f+1), f = 0..n-2: fwd[f] = B(delta_f), bwd[f] = B(-delta_f),
// sym[f] = s(delta_f/2). 2-D: x faces first, face (i, j) between cells (i, j) and (i+1, j) at
// index i + (nx-1) j; then y faces, face (i, j) between (i, j) and (i, j+1) at index
// nx_faces + i + nx j, nx_faces = (nx-1) ny. scale[f] = lambda/h² of the face's axis.
struct SgCoefficients {
  Grid grid;
  double lambda = 1.0;
  std::vector<double> fwd, bwd, sym, scale;
  std::vector<long> left, right;  // cell indices of each face (right = the neighbour in +axis)
  long size() const { return static_cast<long>(fwd.size()); }
};

// Throws std::invalid_argument "U: ..." (wrong size or non-finite) or "lambda: ..." (not > 0).
SgCoefficients sg_coefficients(const Grid& grid, const Eigen::VectorXd& U, double lambda);

// out = L p (out is resized). Mass-conservative: fluxes are added to one cell and subtracted from
// the other.
void apply_operator(const SgCoefficients& c, const Eigen::VectorXd& p, Eigen::VectorXd& out);

// L as a sparse matrix (p form; column sums zero, non-negative off-diagonal).
Eigen::SparseMatrix<double> density_operator(const SgCoefficients& c);
// S = M^{-1/2} L M^{1/2} (symmetric, negative semi-definite, S sqrt(M) = 0).
Eigen::SparseMatrix<double> symmetrized_operator(const SgCoefficients& c);

}  // namespace ldbench::lib::fp
