// Structure-preserving finite-volume solver for the Fokker–Planck equation of gradient Langevin
// dynamics dX = -∇U dt + sqrt(2 lambda) dB (DESIGN.md §2), in 1-D and 2-D:
//
//   ∂p/∂t = div(p ∇U) + lambda Δp = lambda div( pi ∇(p/pi) ),   pi ∝ exp(-U/lambda),
//
// on a box with reflecting (zero-flux) boundary. Space: the Scharfetter–Gummel scheme of
// lib/fp/operator.hpp (cell values p_i, Σ p_i vol = 1; second order in h for smooth data). The
// semi-discrete system dp/dt = L p conserves mass, keeps the discrete Gibbs density
// M_i/Σ M vol (M_i = exp(-U_i/lambda)) exactly stationary, and L is self-adjoint in the
// 1/M-weighted inner product (symmetric in q = p/sqrt(M)).
//
// Time stepping (K = I - theta dt L, one sparse factorisation reused for every step with the same
// dt and potential):
//   backward_euler:  (I - dt L) p^{n+1} = p^n. First order, L-stable. Positivity for ANY dt:
//     I - dt L is an M-matrix; moreover the LU (1-D Thomas) and LDLᵀ (2-D) factors of an M-matrix
//     have non-positive off-diagonal entries, so forward/back substitution on a non-negative
//     right-hand side adds non-negative terms only and p^{n+1} >= 0 holds exactly in floating point.
//     Mass is conserved to round-off (1ᵀ(I - dt L) = 1ᵀ).
//   tr_bdf2 (gamma = 2 - sqrt 2; Bank et al. 1985, Hosea & Shampine 1996): trapezoidal stage to
//     t + gamma dt, then BDF2 on (t, t + gamma dt, t + dt):
//       (I - k dt L) p* = (I + k dt L) p^n,                        k = gamma/2 = 1 - 1/sqrt 2,
//       (I - k dt L) p^{n+1} = p*/(gamma(2-gamma)) - (1-gamma)² p^n/(gamma(2-gamma)),
//     both stages with the same matrix ((1-gamma)/(2-gamma) = gamma/2 for this gamma). Second
//     order, L-stable, mass-conserving; positivity NOT guaranteed (the explicit half-step
//     I + k dt L has negative diagonal entries once k dt |L_ii| > 1). Negative mass
//     Σ max(-p, 0) vol is measured after every step and reported in the diagnostics.
//
// Mass to round-off for any dt: the direct solve alone has backward error ~eps |K|, which moves the
// mass by ~eps (1 + dt lambda/h²) per step, systematically so near equilibrium (measured: 2e-12
// after 1000 backward Euler steps with dt lambda/h² = 160). Hence each solve is followed by one
// step of defect correction x <- x + K^{-1}(b - K x) with K x evaluated in the conservative flux
// form, whose column sums are exact up to the rounding of a few sums; the correction is dropped
// if it would make a non-negative solution negative (so backward Euler stays exactly positive).
// Measured drift with it: <= ~1e-15 after 1000 steps at any dt (lib/tests/test_fp.cpp).
//
// Linear solvers: 1-D: Thomas algorithm on the tridiagonal K in p form (O(n), no pivoting needed:
// K is column diagonally dominant). 2-D: Eigen::SimplicialLDLT (AMD ordering; symbolic analysis
// once per grid, numeric factorisation when dt or U changes) on the symmetric positive definite
// I - theta dt S, S = M^{-1/2} L M^{1/2}, in q = p ⊙ exp((U - U_mid)/(2 lambda)). Chosen over
// warm-started CG because (i) a direct solve is exact to round-off, so mass conservation and
// positivity (see above) hold to machine precision, which CG at a tolerance does not give, and
// (ii) with the factorisation reused, a step is a few memory-bound triangular sweeps, while CG
// needs O(sqrt(dt lambda)/h) iterations per step. Measured (bench/bench_fp.cpp, 2 shared cores,
// release): 512² backward Euler step 88-94 ms (two solves with the mass refinement), TR-BDF2 175 ms;
// 1-D n = 4096: 0.07 ms (TR-BDF2 0.15 ms). The cost moves to the numeric refactorisation when U
// changes every step (mean-field): 1.7 s per step at 512² (30 ms at 128²); for large mean-field
// grids a warm-started CG would be the better choice (not implemented).
// The rescaling by exp(±(U - U_mid)/(2 lambda)) needs (max U - min U)/lambda <= 2400 (so that
// exp(±600) stays representable); beyond that `automatic` falls back to Eigen::SparseLU (COLAMD)
// on I - theta dt L in p form, which needs no rescaling (same M-matrix, slower).
//
// Diagnostics (FpDiagnostics): total mass and its relative error, min(p), negative mass (now and
// the maximum over all steps), mass in the outer `boundary_fraction` (default 5%) of the box per
// side (truncation of the domain is visible when this is not negligible), number of
// factorisations. After every step a NaN/Inf value or a negative mass above
// `negative_mass_tol` × mass throws std::runtime_error naming the step index and time; the state
// is left at the last good step.
//
// Mutants (DESIGN.md §4, negative tests of the verification suite): deliberately WRONG variants,
// selectable at run time. Operator mutants: diffusion_doubled solves ∂p/∂t = div(p ∇U) + 2 lambda Δp;
// drift_flipped solves ∂p/∂t = -div(p ∇U) + lambda Δp. Time-stepping mutants (the operator is
// right, the step is not; they exist to show that the time-order checks see the time stepper):
// backward_euler_stage_matrix makes backward Euler solve with the TR-BDF2 stage matrix
// I - (gamma/2) dt L (a factorisation-cache bug: each step advances gamma/2 = 0.29 of dt, an O(1)
// error at a fixed horizon); tr_bdf2_uniform_weights uses the constant-step BDF2 weights 4/3, -1/3
// in the second stage instead of 1/(gamma(2-gamma)), -(1-gamma)²/(gamma(2-gamma)), which is still
// mass-conservative with the Gibbs density stationary but advances 11 gamma/6 = 1.074 dt per step
// with a local error O(dt²): first order, and O(1) wrong at a fixed horizon. gibbs_density()
// always returns the CORRECT target exp(-U/lambda)/Z (the claim the mutant must fail to reproduce).
#pragma once

#include <Eigen/Core>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/fp/grid.hpp"

namespace ldbench::lib::potentials {
class Potential;
}

namespace ldbench::lib::fp {

enum class Scheme { backward_euler, tr_bdf2 };
enum class FpMutant { none, diffusion_doubled, drift_flipped, backward_euler_stage_matrix, tr_bdf2_uniform_weights };
enum class LinearSolver { automatic, ldlt_symmetric, sparse_lu };  // 2-D only (1-D: Thomas)

std::string_view to_string(Scheme s);
std::string_view to_string(FpMutant m);
std::string_view to_string(LinearSolver s);
// Throw std::invalid_argument "<what>: unknown '<name>'; allowed: ...".
Scheme scheme_from_string(std::string_view name);
FpMutant fp_mutant_from_string(std::string_view name);
LinearSolver linear_solver_from_string(std::string_view name);

struct FpOptions {
  double lambda = 1.0;  // temperature (> 0)
  Scheme scheme = Scheme::backward_euler;
  FpMutant mutant = FpMutant::none;
  LinearSolver solver_2d = LinearSolver::automatic;
  double negative_mass_tol = 1e-8;  // relative to the mass; above it step() throws
  // One step of mass-conservative defect correction per linear solve (see "Mass" above). Doubles
  // the solve cost; without it the mass drifts by ~eps (1 + dt lambda/h²) per step.
  bool refine_mass = true;
  double boundary_fraction = 0.05;  // width of the boundary strips, fraction of each axis, (0, 0.5)

  // Ceres style: false and a one-line message "<field>: ..." in *error when invalid.
  bool IsValid(std::string* error) const;
  // Throws std::invalid_argument with the IsValid message.
  void validate() const;
};

struct FpDiagnostics {
  long steps = 0;
  double time = 0;
  double mass = 0;
  double mass_error = 0;  // |mass - initial mass| / initial mass
  double min_density = 0;
  double negative_mass = 0;      // Σ max(-p, 0) vol, now
  double max_negative_mass = 0;  // over every step so far
  // Mass in the outer boundary_fraction of the box per side: 1-D {left, right};
  // 2-D {x_lo, x_hi, y_lo, y_hi}. max_boundary_mass: over sides and every step so far.
  std::vector<double> boundary_mass;
  double max_boundary_mass = 0;
  long factorizations = 0;
  std::string linear_solver;  // "thomas", "ldlt_symmetric", "sparse_lu"
  // One line: "t=…, steps=…, mass error=…, min p=…, negative mass=…, boundary mass=…".
  std::string brief() const;
};

class FokkerPlanck {
 public:
  // U_on_grid: U at the cell centres (lib/fp/grid.hpp: sample). Throws std::invalid_argument
  // naming "grid", "U" or the option field.
  FokkerPlanck(const Grid& grid, const Eigen::VectorXd& U_on_grid, const FpOptions& opt = {});
  FokkerPlanck(const Grid& grid, const potentials::Potential& U, const FpOptions& opt = {});
  ~FokkerPlanck();
  FokkerPlanck(FokkerPlanck&&) noexcept;
  FokkerPlanck& operator=(FokkerPlanck&&) noexcept;

  // Replace the potential (mean-field models: U = δF/δmu of the current density). The operator is
  // rebuilt and refactorised at the next step only if the values differ.
  void set_potential(const Eigen::VectorXd& U_on_grid);
  const Eigen::VectorXd& potential() const;

  // Set the state (cell values; must be finite and >= 0 with positive mass; not renormalised) and
  // the clock; resets the diagnostics (initial mass, maxima).
  void set_density(const Eigen::VectorXd& p, double t = 0.0);
  const Eigen::VectorXd& density() const;
  double time() const;

  // One step of length dt > 0 with the configured scheme.
  void step(double dt);
  // n_steps steps of length duration / n_steps.
  void advance(double duration, long n_steps);

  // L p for the operator in use (the mutant's, if any): the semi-discrete right-hand side.
  Eigen::VectorXd apply(const Eigen::VectorXd& p) const;
  // The correct discrete Gibbs density exp(-U/lambda)/Z on the grid (Σ pi vol = 1).
  Eigen::VectorXd gibbs_density() const;

  FpDiagnostics diagnostics() const;
  const Grid& grid() const;
  const FpOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ldbench::lib::fp
