// Primal–dual view of entropic mean-field optimisation: the Fenchel dual of the notes' P-SDCA
// primal, in closed form for squared loss and linear features, and the complexity statements of
// PDA (Nitanda, Wu & Suzuki, NeurIPS 2021) and P-SDCA (Oko, Suzuki, Nitanda & Wu, ICLR 2022) as
// given in the lecture notes (seeds/000_ef0f64e0f0cc7cc8.txt, slides "粒子双対平均化法 (PDA)" and
// "粒子確率的双対座標上昇法 (P-SDCA)").
//
// Primal (notes):  P(mu) = (1/n) Σ_i l_i(E_mu h_i) + lambda1 E_mu ||θ||² + lambda2 Ent(mu),
// Ent(mu) = ∫ mu log mu (DESIGN.md §2).
//
// SIGN CONVENTION (derived here; the notes write "-min_g D(g) = (1/n) Σ l_i*(g_i) + lambda2 log ∫
// q[g]" on one slide and "D(g) = (1/n) Σ l_i*(g_i) + lambda2 log ∫ q[g]" with gap "P - D" on
// another, which cannot both hold). Derivation: for convex closed l_i, l_i(u) = sup_g {u g -
// l_i*(g)} (Fenchel–Moreau), so for every g ∈ R^n
//   P(mu) >= -(1/n) Σ l_i*(g_i) + [E_mu V_g + lambda2 Ent(mu)],   V_g(θ) = (1/n) Σ g_i h_i(θ) + lambda1 ||θ||²,
// and the Gibbs variational principle inf_mu {E_mu V + lambda2 Ent(mu)} = -lambda2 log ∫ exp(-V/lambda2)
// (attained at mu ∝ exp(-V/lambda2)) gives WEAK DUALITY  P(mu) >= D(g)  with the dual VALUE
//   D(g) = -(1/n) Σ l_i*(g_i) - lambda2 log ∫ q[g](θ) dθ,
//   q[g](θ) = exp(-(1/lambda2)((1/n) Σ g_i h_i(θ) + lambda1 ||θ||²))          (the notes' q[g]),
// which is to be MAXIMISED over g; p[g] = q[g]/∫q[g]. Equality holds iff mu = p[g] and
// g_i ∈ ∂l_i(E_mu h_i) (g_i is the loss derivative, same sign as the notes' PDA gradient).
// Hence the notes' D_notes(g) = (1/n) Σ l_i* + lambda2 log ∫ q[g] equals -D(g): it is minimised,
// min P = -min_g D_notes(g), and the nonnegative gap is P(mu) + D_notes(g) = P(mu) - D(g).
//
// Closed form used here: l_i(u) = (u - y_i)²/2, so l_i*(g) = g²/2 + g y_i; h_i(θ) = θ·x_i with
// x_i the rows of X (n x d). Then V_g(θ) = a·θ + lambda1 ||θ||² with a = Xᵀg/n, and
//   ∫ q[g] = (π lambda2/lambda1)^{d/2} exp(||a||²/(4 lambda1 lambda2)),
//   p[g] = N(-a/(2 lambda1), lambda2/(2 lambda1) I),
//   D(g) = -(1/n) Σ (g_i²/2 + g_i y_i) - (lambda2 d/2) ln(π lambda2/lambda1) - ||a||²/(4 lambda1).
// For mu = N(m, S): E_mu h_i = x_i·m, E||θ||² = ||m||² + tr S, so
//   P(N(m, S)) = (1/(2n)) ||X m - y||² + lambda1 (||m||² + tr S) - (lambda2/2) ln det(2πe S).
// Optimal pair: mu* = N(m*, lambda2/(2 lambda1) I) with (XᵀX/n + 2 lambda1 I) m* = Xᵀy/n and
// g*_i = x_i·m* - y_i; then p[g*] = mu* and P(mu*) = D(g*) (strong duality).
// Units: P and D in loss units; lambda2 in loss units per nat.
// Every function throws std::invalid_argument whose message starts with the argument's name.
#pragma once

#include <Eigen/Core>

#include "theory/gaussian.hpp"

namespace ldbench::theory {

// Squared loss, linear features: l_i(u) = (u - y_i)²/2, h_i(θ) = θ·x_i (x_i = row i of X).
// Assumptions: X is n x d with n >= 1, d >= 1, y has n entries, all finite; lambda1, lambda2 > 0.
struct LinearSquaredLossProblem {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  double lambda1 = 1.0;
  double lambda2 = 1.0;

  int n() const { return static_cast<int>(X.rows()); }
  int dim() const { return static_cast<int>(X.cols()); }
};

// Throws std::invalid_argument("problem.<field>: ...") unless the assumptions above hold.
void validate(const LinearSquaredLossProblem& problem);

// l*(g) = sup_u {u g - (u - y)²/2} = g²/2 + g y (the maximiser is u = y + g).
double squared_loss_conjugate(double g, double y);

// P(N(m, S)) (formula in the header comment).
double primal_value(const LinearSquaredLossProblem& problem, const Gaussian& mu);

// lambda2 log ∫ q[g] = (lambda2 d/2) ln(π lambda2/lambda1) + ||Xᵀg/n||²/(4 lambda1).
double dual_log_partition(const LinearSquaredLossProblem& problem, const Eigen::VectorXd& g);

// D(g) = -(1/n) Σ l_i*(g_i) - lambda2 log ∫ q[g]   (suite's convention: P(mu) >= D(g)).
double dual_value(const LinearSquaredLossProblem& problem, const Eigen::VectorXd& g);

// The notes' D_notes(g) = (1/n) Σ l_i*(g_i) + lambda2 log ∫ q[g] = -dual_value(problem, g).
double dual_value_notes_sign(const LinearSquaredLossProblem& problem, const Eigen::VectorXd& g);

// p[g] = q[g]/∫q[g] = N(-Xᵀg/(2 n lambda1), lambda2/(2 lambda1) I).
Gaussian dual_gibbs(const LinearSquaredLossProblem& problem, const Eigen::VectorXd& g);

// mu* = N(m*, lambda2/(2 lambda1) I), (XᵀX/n + 2 lambda1 I) m* = Xᵀy/n.
Gaussian primal_optimum(const LinearSquaredLossProblem& problem);

// g*_i = x_i·m* - y_i = l_i'(E_{mu*} h_i).
Eigen::VectorXd dual_optimum(const LinearSquaredLossProblem& problem);

// P(mu) - D(g) (>= 0 by weak duality).
double duality_gap(const LinearSquaredLossProblem& problem, const Gaussian& mu, const Eigen::VectorXd& g);

// ---------------------------------------------------------------------------------------------
// Complexity statements of the notes.

// P-SDCA outer-loop count (notes, P-SDCA slide, 計算量解析; theorem slide "定理 (収束レート)"):
//   t_end = 2 (n + 1/(lambda2 gamma)) log(n C/eps_P)
// updates give E[P(p^(t_end)) - D(g^(t_end))] <= eps_P (given enough particles M*). gamma is the
// smoothness parameter of the losses (l_i is (1/gamma)-smooth, so l_i* is gamma-strongly convex),
// C a problem constant (initial gap scale). Returns 0 when n C <= eps_P (log <= 0: nothing to do).
// Assumptions: n >= 1, lambda2 > 0, gamma > 0, C > 0, eps_P > 0.
double psdca_outer_iterations(double n, double lambda2, double gamma, double C, double eps_P);

// The notes' deterministic (full-dual-gradient) comparison, constants set to 1:
//   t_end = (n/(lambda2 gamma)) log(1/eps_P)  (notes: O(n/(lambda2 gamma) log(1/eps_P)), "n倍多い").
// Assumptions: n >= 1, lambda2 > 0, gamma > 0, 0 < eps_P < 1.
double deterministic_dual_iterations_unit_constants(double n, double lambda2, double gamma, double eps_P);

// PDA outer bound (notes, Theorem (informal) 1.), constants set to 1:
//   L(q̂) - L(q*) <= O(1/T) + O(1/sqrt(M))  ->  1/T + 1/sqrt(M).
// T outer iterations (>= 1), M particles (>= 1).
double pda_outer_bound_unit_constants(double T, double M);

// PDA inner-loop (GLD) step size and length at outer iteration t (notes, 2. 内側ループ),
// constants set to 1 (the notes give Õ/O only):
//   eta_t = lambda1 lambda2/(t² exp(8/lambda2)),   T_t = 1/eta_t = t² exp(8/lambda2)/(lambda1 lambda2).
// Assumptions: t >= 1, lambda1 > 0, lambda2 > 0. (The exp(8/lambda2) reflects the notes'
// bounded-loss LSI constant; units: eta_t in the GLD time of dθ = -∇(ḡ/lambda2) dt + sqrt(2) dξ.)
double pda_inner_step_size_unit_constants(double t, double lambda1, double lambda2);
double pda_inner_iterations_unit_constants(double t, double lambda1, double lambda2);

// Total PDA inner (GLD) updates over T outer iterations: Σ_{t=1}^T T_t
//   = (exp(8/lambda2)/(lambda1 lambda2)) T(T+1)(2T+1)/6 = O(T³) = O(eps^{-3}) for T ~ 1/eps
// (notes: "O(ε⁻³)回のGLD更新で ε-最適解").
double pda_total_inner_iterations_unit_constants(double T, double lambda1, double lambda2);

// PDA dual-averaging weight of g^(s) in ḡ^(t) (notes, Algorithm 1): 2 s/((t + 2)(t + 1)), 1 <= s <= t.
// Note: these weights sum to t/(t + 2), not 1 (see pda_average_weight_sum).
double pda_average_weight(double s, double t);
double pda_average_weight_sum(double t);  // Σ_{s=1}^t 2 s/((t+2)(t+1)) = t/(t + 2)

// PDA output-selection probability (notes, Algorithm 1): P[t] = 2t/(T(T + 3)) for t ∈ {2, ..., T+1};
// sums to 1 over that range. Assumptions: T >= 1 integer-valued, 2 <= t <= T + 1.
double pda_output_probability(int t, int T);

}  // namespace ldbench::theory
