// Exact SQUARED 2-Wasserstein distance between general weighted discrete measures
// μ = Σ_i a_i δ_{x_i} (n atoms) and ν = Σ_j b_j δ_{y_j} (m atoms), n != m and arbitrary weights,
// by the network simplex method on the bipartite transportation problem, with an optimality
// certificate (sparse coupling + dual potentials).
//
// Math: the Kantorovich linear program and its dual,
//   W2²(μ, ν) = min { Σ_ij P_ij C_ij : P >= 0, P 1 = a, Pᵀ 1 = b },   C_ij = ||x_i - y_j||²
//            = max { Σ_i a_i u_i + Σ_j b_j v_j : u_i + v_j <= C_ij }
// (Kantorovich duality; Peyré & Cuturi, "Computational Optimal Transport", 2019, §3.1–3.5).
// Solved as an uncapacitated min-cost flow (rows supply a_i, columns demand b_j) by the primal
// network simplex (Dantzig; Ahuja, Magnanti & Orlin, "Network Flows", 1993, ch. 11) with
//  - a big-M start: an artificial root joined to every row (i -> root) and column (root -> j) at
//    cost M = max C (any M > max C / 2 makes artificial flow suboptimal, so it ends at zero);
//  - strongly feasible spanning trees (Cunningham 1976): the leaving arc is the last blocking arc
//    met when walking the pivot cycle from its apex, which rules out cycling under degeneracy;
//  - block-search pricing (as in LEMON and POT's ot.emd): scan blocks of ~sqrt(n m) arcs and enter
//    the most negative reduced cost C_ij - u_i - v_j < -τ of the first block that has one, with
//    τ = 1e-12 · max C (so the returned duals satisfy u_i + v_j <= C_ij + τ).
// Zero-weight atoms are removed before solving; their potentials are then set to the largest
// dual-feasible values (u_i = min_j C_ij - v_j, v_j = min_i C_ij - u_i), so the certificate covers
// every atom. Potentials are unique only up to (u + k, v - k); they are returned shifted so that
// Σ a_i u_i = Σ b_j v_j.
//
// Returned: ExactOtResult.w2_squared.value = Σ_{(i,j,m) in coupling} m · C_ij = W2² (SQUARED
// distance, the same number as POT's ot.emd2(a, b, ot.dist(x, y)) — ot.dist defaults to the
// squared Euclidean metric); std_error empty; diagnostics.iterations = pivots, converged = false
// (plus a warning) only when the pivot cap was hit — the coupling is then a feasible vertex that
// may still route mass through the artificial root, i.e. its marginals may be short.
// `coupling` lists the basic cells with positive mass (at most n + m - 1 of them); u, v are the
// duals of all n rows and m columns, in cost units.
//
// Complexity: O(n m) memory (dense cost and flow arrays); each pivot costs O(n + m) (the tree is
// re-rooted by a full traversal) plus the pricing scan; the number of pivots is problem dependent
// (empirically a small multiple of (n + m) to n·m). Practical up to n, m ~ 1–2·10³.
//
// Failure modes (std::invalid_argument, message starts with the argument's name): empty samples,
// NaN/Inf entries, mismatched dimensions, a / b of the wrong length, negative, non-finite or not
// summing to 1 within 1e-9; max_iterations < 1. In the certificate checker: entries out of range,
// negative or non-finite masses, u / v of the wrong length.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "verify/estimators/estimate.hpp"
#include "verify/estimators/ot/common.hpp"  // squared_euclidean_cost

namespace ldbench::verify::estimators {

struct CouplingEntry {
  long i = 0;         // row (atom of x)
  long j = 0;         // column (atom of y)
  double mass = 0.0;  // P_ij > 0
};

struct ExactOtResult {
  Estimate w2_squared;                 // value = Σ mass · C_ij = W2²
  std::vector<CouplingEntry> coupling;  // sparse optimal plan
  Eigen::VectorXd u;                   // row potentials (length n)
  Eigen::VectorXd v;                   // column potentials (length m)
};

struct NetworkSimplexOptions {
  long max_iterations = 50'000'000;  // pivot cap; hitting it sets converged = false
};

// Uniform weights 1/n, 1/m.
ExactOtResult w2_squared_network_simplex(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                         const NetworkSimplexOptions& options = {});
ExactOtResult w2_squared_network_simplex(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                         const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                         const NetworkSimplexOptions& options = {});
// The same solver on an arbitrary finite cost matrix (n x m) with marginals a, b.
ExactOtResult solve_transport(const Eigen::MatrixXd& cost, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                              const NetworkSimplexOptions& options = {});

// Optimality certificate of (coupling, u, v) for the transport problem (cost, a, b). Each field
// is a nonnegative violation; all three ~0 prove optimality (weak duality: the primal cost
// minus the dual objective is Σ P_ij (C_ij - u_i - v_j) <= total mass · slackness).
struct CouplingCertificate {
  double marginal = 0.0;     // max( max_i |Σ_j P_ij - a_i| , max_j |Σ_i P_ij - b_j| )
  double dual = 0.0;         // max_ij (u_i + v_j - C_ij)_+
  double slackness = 0.0;    // max over the support of |C_ij - u_i - v_j|
  double primal_cost = 0.0;  // Σ P_ij C_ij
  double dual_cost = 0.0;    // Σ a_i u_i + Σ b_j v_j
  double max_violation() const;
};
CouplingCertificate coupling_certificate(const Eigen::MatrixXd& cost, const Eigen::VectorXd& a,
                                         const Eigen::VectorXd& b, const std::vector<CouplingEntry>& coupling,
                                         const Eigen::VectorXd& u, const Eigen::VectorXd& v);

}  // namespace ldbench::verify::estimators
