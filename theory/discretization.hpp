// Discrete-time ULA bound of Vempala & Wibisono (2019) in the suite's conventions (DESIGN.md §2,
// §3 item 5).
//
// Parameter map (suite -> VW). The suite runs ULA on U at temperature lambda with step eta:
//   x_{k+1} = x_k - eta ∇U(x_k) + sqrt(2 eta lambda) xi_k,        pi ∝ exp(-U/lambda).
// VW run ULA on f with step h and unit temperature:
//   x_{k+1} = x_k - h ∇f(x_k) + sqrt(2 h) xi_k,                    pi ∝ exp(-f).
// With f = U/lambda and h = eta lambda the two recursions are identical (h ∇f = eta ∇U and
// 2h = 2 eta lambda), so the same chain and the same target:
//   f = U / lambda,   h = eta lambda,   L_f = L_U / lambda   (∇U L_U-Lipschitz ⇔ ∇f L_f-Lipschitz),
// and alpha is the LSI constant of pi itself, in the suite's normalisation KL <= I/(2 alpha),
// which is VW's (H(rho|nu) <= J(rho|nu)/(2 alpha)). The notes' form (slide "離散時間ダイナミクスの
// 収束レート", lambda = 1 there, M = smoothness of L, eta = step) is this map with lambda = 1; the
// notes' VR slide writes the inverse temperature gamma = 1/lambda, so h = eta/gamma, L_f = gamma L.
//
// Theorem (VW 2019, Th. 1): if pi ∝ e^{-f} satisfies LSI(alpha) and ∇f is L_f-Lipschitz, then for
// 0 < h <= alpha / (4 L_f²), for every k >= 0 and every start with KL_0 = KL(rho_0||pi) < inf,
//   KL_k <= exp(-alpha h k) KL_0 + 8 d L_f² h / alpha.
// Units: k counts iterations; alpha h is the KL contraction exponent per iteration (alpha per unit
// of VW time h k = eta lambda k); the bias 8 d L_f² h / alpha is in nats and does not decay.
// In the suite's units: exp(-alpha lambda eta k) KL_0 + 8 d L_U² eta / (alpha lambda)  (L_f² h = (L_U/lambda)² eta lambda).
// (Continuous GLD contracts KL at 2 alpha per unit of VW time; VW's discrete bound keeps half.)
//
// Sources: S. Vempala & A. Wibisono, "Rapid convergence of the unadjusted Langevin algorithm:
// isoperimetry suffices", NeurIPS 2019, Theorem 1 and Corollary (iteration count); lecture notes,
// slide "離散時間ダイナミクスの収束レート" (D(nu_k||pi) <= exp(-alpha k eta) D(nu_0||pi) + 8 d M² eta/alpha,
// lambda = 1).
//
// Errors: every function throws std::invalid_argument whose message starts with the offending
// argument's name: alpha, L_f (or L_U), lambda, eta, h, eps must be finite and > 0; kl0 finite and
// >= 0; d >= 1; n >= 1; a step above the limit is refused ("h: step 0.3 is over the limit
// alpha/(4 L_f^2) = 0.1; ...").
#pragma once

#include <cstdint>

namespace ldbench::theory {

// h = eta lambda (VW step from the suite's step and temperature).
double vw_step_from_suite(double eta, double lambda);
// L_f = L_U / lambda (smoothness of f = U/lambda from that of U).
double vw_smoothness_from_suite(double L_U, double lambda);

// Largest step the theorem allows: alpha / (4 L_f²)   (VW time units).
double vw_step_limit(double alpha, double L_f);

// Throws std::invalid_argument("h: step ... is over the limit alpha/(4 L_f^2) = ...; ...") unless
// 0 < h <= vw_step_limit(alpha, L_f) (up to 1e-12 relative, so that a step set exactly at the limit
// through the suite's map is not refused for rounding); also validates alpha and L_f.
void check_vw_step(double h, double alpha, double L_f);

// Asymptotic (k -> inf) bias term alone: 8 d L_f² h / alpha   (nats; requires h <= limit).
double vw_ula_bias(double h, double alpha, double L_f, int d);

// The bound exp(-alpha h k) KL_0 + 8 d L_f² h / alpha on KL(rho_k||pi) after k iterations (nats).
double vw_ula_kl_bound(double kl0, std::uint64_t k, double h, double alpha, double L_f, int d);

// Same bound in the suite's parameters: h = eta lambda, L_f = L_U / lambda; a step over the limit
// is refused naming "eta" (eta lambda <= alpha lambda² / (4 L_U²), i.e. eta <= alpha lambda / (4 L_U²)).
double vw_ula_kl_bound_suite(double kl0, std::uint64_t k, double eta, double lambda, double alpha, double L_U,
                             int d);

// Iteration plan to reach KL <= eps (VW Corollary): step
//   h = (alpha / (4 L_f²)) min(1, eps / (4 d)) = min(alpha/(4 L_f²), alpha eps / (16 d L_f²)),
// so that the bias is <= eps/2 (the min keeps h within the theorem's limit when eps > 4d), and
//   k = max(0, ceil( (1/(alpha h)) log(2 KL_0 / eps) )),
// so that exp(-alpha h k) KL_0 <= eps/2. Then vw_ula_kl_bound(kl0, k, h, ...) <= eps.
// For h = alpha eps/(16 d L_f²): k ≈ (16 d L_f² / (alpha² eps)) log(2 KL_0/eps) iterations.
struct VwUlaPlan {
  double h = 0.0;                 // VW step (eta = h / lambda in the suite)
  std::uint64_t iterations = 0;   // k
  double bound_at_k = 0.0;        // vw_ula_kl_bound(kl0, k, h, alpha, L_f, d) (<= eps)
};
VwUlaPlan vw_ula_plan(double eps, double kl0, double alpha, double L_f, int d);

// Number of component-gradient evaluations of full-gradient ULA on f = (1/n) sum_i f_i following
// vw_ula_plan: n per iteration, so n * k (units: gradient evaluations of one f_i). n = 1 gives the
// number of full-gradient evaluations. Returned as double (can exceed 2^64 for extreme inputs).
double vw_ula_gradient_evaluations(double eps, double kl0, double alpha, double L_f, int d, std::uint64_t n = 1);

}  // namespace ldbench::theory
