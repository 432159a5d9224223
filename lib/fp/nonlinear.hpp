// The nonlinear (mean-field) Fokker–Planck equation on a grid: the ground truth of mean-field Langevin
// dynamics (MFLD) for a 1-D or 2-D particle space (issue 7, verification 2).
//
// Equation (DESIGN.md §2; notes, slides "MF-LD to optimize mean field NN" and "Convergence of MF-LD"): the
// law p_t of MFLD dX = -∇V_{p_t}(X) dt + sqrt(2 lambda2) dB, V_p = δF/δmu(p), solves
//   ∂p/∂t = div( p ∇V_p ) + lambda2 Δp,
// the Wasserstein gradient flow of L(p) = F(p) + lambda2 Ent(p); its stationary point is the self-consistent
// Gibbs measure p* ∝ exp(-V_{p*}/lambda2), the minimiser of L (F convex).
//
// Discrete functional. F enters through a MeanFieldEnergy: given cell values p (lib/fp/grid.hpp: Σ p vol = 1)
// it returns F_h(p) and the cell values V_k = (1/vol) ∂F_h/∂p_k, the exact first variation of the discrete
// functional (e.g. lib/mfld/single_index.hpp SingleIndexGrid). With Ent_h(p) = Σ p log p vol,
//   L_h(p) = F_h(p) + lambda2 Ent_h(p),   p̂_p = exp(-V_p/lambda2)/Z (the proximal Gibbs density on the grid).
// If F_h is convex in p, L_h is strictly convex on the discrete simplex and its minimiser is the unique
// solution of p* = p̂_{p*}. The entropy sandwich (notes, Th. "Entropy sandwich"; Nitanda, Wu & Suzuki 2022;
// Chizat 2022) then holds EXACTLY for the discrete objects, by the same two lines as in the continuum:
//   upper: F_h(p) - F_h(p*) <= <V_p, p - p*>_h (convexity), so L_h(p) - L_h(p*)
//          <= lambda2 [KL_h(p||p̂_p) - KL_h(p*||p̂_p)] <= lambda2 KL_h(p||p̂_p);
//   lower: F_h(p) - F_h(p*) >= <V_{p*}, p - p*>_h, so L_h(p) - L_h(p*) >= lambda2 KL_h(p||q) - lambda2 KL_h(p*||q)
//          with q = p̂_{p*}; for an approximate fixed point p* (q ≠ p*) this equals
//          lambda2 KL_h(p||p*) + lambda2 <p - p*, log(p*/q)>_h >= lambda2 KL_h(p||p*) - lambda2 ||p - p*||_1 r*,
//          r* = max_k |log p*_k - log q_k| (the fixed-point residual), ||p - p*||_1 <= 2.
// So the only tolerance of the sandwich on the grid is 2 lambda2 r* (plus rounding); the upper side needs none
// (L_h(p*) >= min L_h).
//
// Time scheme (NonlinearFokkerPlanck::step): linearly implicit, lagged potential, backward Euler,
//   (I - dt L[V_{p^n}]) p^{n+1} = p^n,
// L[V] the Scharfetter–Gummel operator of lib/fp/operator.hpp at temperature lambda2 with the potential
// recomputed from p^n at EVERY step (lib/fp/fokker_planck.hpp, scheme backward_euler, set_potential). First
// order in dt (the lagged potential and backward Euler each contribute O(dt)); space second order in h for
// smooth data. Inherits from the linear solver: exact mass conservation (defect-corrected) and exact
// positivity for any dt (M-matrix). Mutant frozen_potential: V_{p^0} for every step (the linear FP equation
// towards p̂_{p^0}; a solver that forgets to recompute the potential), for the negative tests.
//
// Stationary point (solve_stationary): damped fixed-point iteration on the potential,
//   V <- (1 - theta) V + theta V_{p̂(V)},   p̂(V) = exp(-V/lambda2)/Z,
// stopped when the residual r(V) = max_k |log p̂(V)_k - log p̂(V_{p̂(V)})_k| <= tolerance (computed in the log
// domain: no underflow); p* = p̂(V). For the linearisation J of V -> V_{p̂(V)} (eigenvalues -kappa <= 0) the
// damped map contracts iff theta < 2/(1 + kappa_max).
//
// W1 in 1-D (w1_1d, w1_1d_sample): W1(p, q) = ∫ |F_p(x) - F_q(x)| dx (Vallender 1973). A piecewise-constant
// density has a continuous, piecewise-linear CDF (0 left of the grid, 1 right of it); an empirical law of N
// points has the step CDF (# points <= x)/N. On the merged breakpoints the difference d is linear, and
// ∫_a^b |d| = (b - a)(|d_a| + |d_b|)/2 if d_a d_b >= 0, else (b - a)(d_a² + d_b²)/(2(|d_a| + |d_b|)): exact
// for the piecewise-constant densities and the empirical law (up to rounding). Cost O((n + N) log(n + N)).
//
// Inputs are validated: std::invalid_argument starting with the argument's name ("p: ...", "lambda2: ...").
#pragma once

#include <Eigen/Core>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lib/fp/fokker_planck.hpp"
#include "lib/fp/grid.hpp"

namespace ldbench::lib::fp {

// F_h(p), and V (resized to p.size()) = the first variation (cell values).
using MeanFieldEnergy = std::function<double(const Eigen::VectorXd& p, Eigen::VectorXd& V)>;

enum class NonlinearMutant { none, frozen_potential };
std::string_view to_string(NonlinearMutant m);
NonlinearMutant nonlinear_mutant_from_string(std::string_view s);  // "mutant: unknown ..."

// L_h(p) = F_h(p) + lambda2 Ent_h(p).
double free_energy(const Grid& grid, const MeanFieldEnergy& F, double lambda2, const Eigen::VectorXd& p);

// p̂(V) = exp(-V/lambda2)/Z on the grid, and its logarithm (computed with min V subtracted).
Eigen::VectorXd log_gibbs_density(const Grid& grid, const Eigen::VectorXd& V, double lambda2);

class NonlinearFokkerPlanck {
 public:
  // Throws "grid: ...", "F: ..." (empty), "lambda2: ..." (not finite and > 0).
  NonlinearFokkerPlanck(const Grid& grid, MeanFieldEnergy F, double lambda2, NonlinearMutant mutant = NonlinearMutant::none);
  ~NonlinearFokkerPlanck();
  NonlinearFokkerPlanck(NonlinearFokkerPlanck&&) noexcept;
  NonlinearFokkerPlanck& operator=(NonlinearFokkerPlanck&&) noexcept;

  // The state (cell values, finite, >= 0, positive mass; not renormalised) and clock.
  void set_density(const Eigen::VectorXd& p, double t = 0.0);
  // One step of the header's scheme. Throws std::runtime_error (from lib/fp) on a non-finite state.
  void step(double dt);
  const Eigen::VectorXd& density() const;
  double time() const;
  // The potential used by the last step (V_{p^n}); empty before the first step.
  const Eigen::VectorXd& potential() const;
  FpDiagnostics diagnostics() const;
  const Grid& grid() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct StationaryPoint {
  Eigen::VectorXd density;    // p* = p̂(V)
  Eigen::VectorXd potential;  // V_{p*}
  double residual = 0;        // max |log p* - log p̂_{p*}|
  long iterations = 0;
  bool converged = false;
  double free_energy = 0;     // L_h(p*)
};
// Damped fixed-point iteration of the header from V_{p_init}. Throws "damping: ..." unless 0 < damping <= 1,
// "tolerance: ..." unless > 0, "max_iterations: ..." unless >= 1, "p_init: ..." on a bad density.
StationaryPoint solve_stationary(const Grid& grid, const MeanFieldEnergy& F, double lambda2, const Eigen::VectorXd& p_init,
                                 double damping = 0.5, double tolerance = 1e-13, long max_iterations = 100000);

// The three terms of the entropy sandwich on the grid (header): lower = lambda2 KL_h(p||p*), gap = L_h(p) - L_star,
// upper = lambda2 KL_h(p||p̂_p).
struct GridSandwich {
  double lower = 0, gap = 0, upper = 0;
  double free_energy = 0;  // L_h(p)
};
GridSandwich entropy_sandwich(const Grid& grid, const MeanFieldEnergy& F, double lambda2, const Eigen::VectorXd& p,
                              const Eigen::VectorXd& p_star, double L_star);

// Exact W1 (header) between two 1-D piecewise-constant densities (grids may differ; each normalised first),
// and between one and the empirical law of `sample`. Throws "grid: ..." (not 1-D), "p: ...", "sample: ...".
double w1_1d(const Grid& grid_p, const Eigen::VectorXd& p, const Grid& grid_q, const Eigen::VectorXd& q);
double w1_1d_sample(const Grid& grid, const Eigen::VectorXd& p, std::vector<double> sample);

}  // namespace ldbench::lib::fp
