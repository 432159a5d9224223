// Entropic optimal transport with squared-Euclidean cost (Sinkhorn), and the debiased Sinkhorn
// divergence. All values are in units of SQUARED distance (they approximate W2², not W2).
//
// Math. For μ = Σ_i a_i δ_{x_i}, ν = Σ_j b_j δ_{y_j}, C_ij = ||x_i - y_j||² (no factor ½), ε > 0:
//   OT_ε(a, b) = min_{P ∈ Π(a,b)} <P, C> + ε KL(P || a⊗b),   KL(P || a⊗b) = Σ_ij P_ij log(P_ij / (a_i b_j))
// (Cuturi, "Sinkhorn distances", NeurIPS 2013; Peyré & Cuturi, "Computational Optimal Transport",
// 2019, §4). The minimizer is P_ij = a_i b_j exp((f_i + g_j - C_ij) / ε) for the dual potentials
// (f, g) solving the Sinkhorn fixed point
//   f_i = -ε log Σ_j b_j exp((g_j - C_ij)/ε),   g_j = -ε log Σ_i a_i exp((f_i - C_ij)/ε),
// and at the optimum OT_ε = <a, f> + <b, g>. The debiased Sinkhorn divergence is
//   S_ε(a, b) = OT_ε(a, b) - ½ OT_ε(a, a) - ½ OT_ε(b, b)
// (Genevay, Peyré & Cuturi, AISTATS 2018; Feydy, Séjourné, Vialard, Amari, Trouvé & Peyré,
// AISTATS 2019): S_ε >= 0, S_ε(a, a) = 0, S_ε → W2² as ε → 0 and → an MMD as ε → ∞ (Feydy et al.
// Thm 1 — positivity holds for this cost because exp(-||x-y||²/ε) is a positive definite kernel).
//
// Normalization of the entropy, and what POT returns (POT ≥ 0.8; cost M = ot.dist(x, y), whose
// default metric is 'sqeuclidean' = ||x - y||², i.e. exactly C):
//  * POT's ot.sinkhorn / ot.sinkhorn2(a, b, M, reg) solve min <P, M> + reg Σ P_ij log P_ij. On Π(a, b)
//    Σ P log P = KL(P || a⊗b) + Σ a_i log a_i + Σ b_j log b_j (a constant), so with reg = ε the
//    PLAN IS THE SAME as ours. ot.sinkhorn2 returns <P, M> WITHOUT the entropic term: that is our
//    `transport_cost.value`. Compare with ot.sinkhorn2(a, b, M, reg=eps, method='sinkhorn_log',
//    numItermax=100000, stopThr=1e-12) (POT's default 'sinkhorn' method under/overflows at small
//    reg; its stopThr is an L2 norm of the column-marginal error, checked every 10 iterations).
//  * Our `objective` = OT_ε = <P, C> + ε KL(P || a⊗b) equals ot.solve(M, a, b, reg=eps).value
//    (reg_type="KL", the default; POT adds a 1e-16 inside its log and uses the generalized KL
//    Σ P log(P/q) - P + q, which differs by ε(1 - Σ P) ~ ε·tol). POT's reg_type="entropy" value is
//    objective + ε (Σ a log a + Σ b log b), i.e. objective - ε (log n + log m) for uniform weights.
//  * Our `divergence` uses OT_ε (Feydy et al.'s S_ε). geomloss's SamplesLoss("sinkhorn", p=2,
//    blur=σ, debias=True) uses cost ½||x-y||² and ε' = σ²; since OT_ε'(½C) = ½ OT_2ε'(C), its value
//    is ½ · our divergence at ε = 2σ² (once its annealing has converged; scaling close to 1).
//    POT's ot.bregman.empirical_sinkhorn_divergence(xs, xt, reg=eps) is instead
//    max(0, <P_ab, C> - ½ <P_aa, C> - ½ <P_bb, C>) — linear costs, no entropic terms: that is our
//    `divergence_linear` before the max(0, ·).
//  * The exact ε → 0 limit is POT's ot.emd2(a, b, M) = W2² (network_simplex.hpp, assignment.hpp).
//  * Potentials: ours satisfy P = a_i b_j exp((f_i + g_j - C_ij)/ε); POT's sinkhorn_log log has
//    log_u = f/ε + log a and log_v = g/ε + log b, up to a shared constant (log_u + k, log_v - k).
//
// Algorithm (exact up to the stopping tolerance; no kernel truncation). Stabilized scaling
// iterations (Schmitzer, "Stabilized sparse scaling algorithms for entropy regularized transport
// problems", SIAM J. Sci. Comput. 41(3), 2019): the potentials are split into an absorbed part
// (f̄, ḡ) and scalings (u, v), f = f̄ + ε log u, g = ḡ + ε log v, with the dense stabilized kernel
// K̃_ij = exp((f̄_i + ḡ_j - C_ij)/ε) stored once (row-major, 8 n m bytes). One iteration is
//   v ← 1 / K̃ᵀ(a∘u)   (columns of P exact),   then   log u ← G(log u) = -log K̃(b∘v)
// i.e. the log-domain Sinkhorn map f ← T_a(T_b(f)), with the u-step extrapolated by Anderson
// acceleration (type II, Walker & Ni, SIAM J. Numer. Anal. 49(4), 2011; memory
// `anderson_memory`, a-weighted least squares). Safeguard: when the marginal error exceeds 3x the
// best since the last restart, the history is dropped and 20 plain Sinkhorn steps follow.
// Symmetric problems (x == y and a == b bitwise, i.e. OT(a, a) in the divergence) use instead the
// averaged update f ← ½ (f + T_a(f)) (Feydy et al. 2019, §3): alternating Sinkhorn is extremely
// slow there (the plan is close to the identity coupling, so the normalized kernel has singular
// values near 1), while the averaged map damps exactly those modes; one matrix-vector product
// per iteration, and S_ε(a, a) = 0 exactly since the three solves are the same computation.
// Scalings are absorbed into (f̄, ḡ) whenever |log u| or |log v| exceeds 50 (K̃_ij ← K̃_ij u_i v_j);
// kernel entries below 1e-280 are flushed to 0 (they carry < 1e-236 of mass); a row or column
// whose kernel sum falls below 1e-200 is recomputed by an exact log-sum-exp.
// ε-scaling (Kosowsky & Yuille 1994; Schmitzer 2019): ε_0 = 2^k ε >= the squared diameter of the
// joint bounding box (>= max C), halved per stage with warm-started potentials until the marginal
// violation is <= stage_tol (or stage_iterations). Halving needs no exponentials: with absorbed
// potentials exp((f̄+ḡ-C)/(ε/2)) = K̃². At the target ε the kernel is recomputed exactly (2 exp
// passes over n m entries in total) and iterated to tolerance.
// Stopping: the L1 marginal violation of the current plan, ||P1 - a||_1 + ||Pᵀ1 - b||_1 <= tol,
// evaluated exactly every iteration (the column part right after the v-step, the row part from
// the next matrix-vector product, for the same (u, v)).
// Parallelism: OpenMP over rows (K̃ b v, kernel updates) and over column blocks (K̃ᵀ a u, each
// column summed over rows in a fixed order): results are bitwise identical for any thread count.
// The Anderson least squares and all reductions are serial. Problems with n·m < 2^18 run on one
// thread (fork/join and spin-waiting would cost more than the work).
//
// Returned (SinkhornResult): transport_cost.value = <P, C> (the number ot.sinkhorn2 returns;
// >= W2², decreasing to W2² as ε ↓ 0, with <P,C> - W2² <= ε log min(n, m)); objective = OT_ε
// (>= <P, C>); dual_objective = <a, f> + <b, g> - ε (Σ P - 1) (equals objective at the fixed
// point; |objective - dual_objective| is a convergence check); marginal_violation = the L1 error
// of the returned P; f, g = potentials (shifted so <a,f> = <b,g>). transport_cost.std_error empty;
// diagnostics.iterations = iterations over all ε stages; converged = marginal_violation <= tol.
//
// Complexity: O(n m) memory (8 n m bytes: n = m = 5000 needs 200 MB; refused above 2^28 entries);
// O(n m d) time for each of the two exact kernel evaluations, O(n m + n·anderson_memory) per
// iteration (two matrix-vector products); iteration counts grow as ε / max C falls (n = m = 5000,
// d = 2, ε = 0.05 on unit-scale Gaussians: 80–110 iterations in all, 3–5 s on 2 cores).
// Failure modes: std::invalid_argument (message starts with the argument's name) for empty or
// non-finite samples, dimension mismatch, bad weights, eps not finite and > 0, tol not finite
// and > 0, max_iterations < 1, n·m too large; non-convergence is not an exception:
// converged = false plus a warning stating the final marginal violation.
// Values of ε far below the cost scale (ε < ~1e-3 max C) need many iterations; the exact solvers
// are the right tool there.
#pragma once

#include <Eigen/Core>

#include "verify/estimators/estimate.hpp"

namespace ldbench::verify::estimators {

struct SinkhornOptions {
  double tol = 1e-9;              // stop when ||P1 - a||_1 + ||Pᵀ1 - b||_1 <= tol
  long max_iterations = 100'000;  // total over all ε stages; hitting it sets converged = false
  bool eps_scaling = true;        // false: start directly at the target ε from zero potentials
  double stage_tol = 0.1;         // intermediate ε stages stop at this L1 marginal violation ...
  long stage_iterations = 50;     // ... or after this many iterations
  long anderson_memory = 48;      // Anderson acceleration depth (0: plain Sinkhorn); see the header
                                  // comment for the restart safeguard that keeps deep memory stable
  int threads = 0;                // 0: the OpenMP default; results do not depend on it (n·m < 2^18: 1)
};

struct SinkhornResult {
  Estimate transport_cost;          // value = <P, C>  (= POT ot.sinkhorn2 at reg = eps)
  double objective = 0.0;           // OT_eps = <P, C> + eps KL(P || a⊗b)  (= POT ot.solve(...).value)
  double dual_objective = 0.0;      // <a, f> + <b, g> - eps (Σ P - 1)
  double marginal_violation = 0.0;  // ||P1 - a||_1 + ||Pᵀ1 - b||_1
  double eps = 0.0;
  Eigen::VectorXd f, g;             // P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps)
};

// Uniform weights 1/n, 1/m.
SinkhornResult sinkhorn_w2_squared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double eps,
                                   const SinkhornOptions& options = {});
SinkhornResult sinkhorn_w2_squared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const Eigen::VectorXd& a,
                                   const Eigen::VectorXd& b, double eps, const SinkhornOptions& options = {});

struct SinkhornDivergenceResult {
  Estimate divergence;             // value = S_eps = OT_eps(a,b) - ½ OT_eps(a,a) - ½ OT_eps(b,b);
                                   // converged only if all three solves converged
  double divergence_linear = 0.0;  // <P_ab,C> - ½<P_aa,C> - ½<P_bb,C> (POT's, before max(0, ·))
  SinkhornResult xy, xx, yy;       // the three solves
};

SinkhornDivergenceResult sinkhorn_divergence_w2_squared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                                        double eps, const SinkhornOptions& options = {});
SinkhornDivergenceResult sinkhorn_divergence_w2_squared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                                        const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                                        double eps, const SinkhornOptions& options = {});

}  // namespace ldbench::verify::estimators
