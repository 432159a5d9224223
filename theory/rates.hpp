// Statistical rate exponents used as reference slopes (DESIGN.md §3 items 9 and 10). Each
// function returns the exponent r of a rate n^{-r} in the sample size n (units: dimensionless;
// "risk ∝ n^{-r}", log factors dropped). They are reference slopes for log-log fits, not bounds
// with constants.
//
// Errors: std::invalid_argument with a message starting with the argument's name: s finite and
// > 0, d >= 1, delta finite with 0 < delta < s + 1, sigma_min > 0, m >= 1, n >= 2.
#pragma once

namespace ldbench::theory {

// Minimax rate of density (distribution) estimation in total variation for Besov/Sobolev-type
// densities of smoothness s on a d-dimensional domain, attained (up to log^9 n) by diffusion
// models with a neural score estimator:
//   E TV(Ŷ, X_0) <~ n^{-s/(2s+d)} log^9(n),   minimax_tv_rate_exponent(s, d) = s / (2s + d).
// Assumptions: s > 0 (density smoothness), d >= 1 (data dimension).
// Sources: notes, last slide on diffusion-model estimation ("TV(Ŷ, X_0) <~ n^{-s/(2s+d)} log^9(n)",
// "どちらも(ほぼ)ミニマックス最適"); K. Oko, S. Akiyama & T. Suzuki, "Diffusion models are minimax
// optimal distribution estimators", ICML 2023; Yang & Barron (1999).
double minimax_tv_rate_exponent(double s, int d);

// The corresponding Wasserstein-1 rate: for any delta > 0,
//   E W1(Ŷ, X_0) <~ n^{-(s+1-delta)/(2s+d)},   minimax_w1_rate_exponent(s, d, delta) = (s+1-delta)/(2s+d).
// Assumptions: s > 0, d >= 1, 0 < delta < s + 1 (delta > 0 as in "for any delta > 0"; delta < s+1
// keeps the exponent positive, i.e. a decaying rate). Ambiguity: the notes' denominator reads
// "2s+d'" (a prime on d); it is taken as the same d as in the TV rate, as in DESIGN.md §3 item 9
// and Oko et al. (2023).
// Sources: notes (same slide); Oko, Akiyama & Suzuki (2023); Niles-Weed & Berthet (2022).
double minimax_w1_rate_exponent(double s, int d, double delta);

// Lower bound for ANY linear estimator in the teacher–student two-layer ReLU setting
// (teacher f°(x) = sum_{j<=m} a_j° ReLU(<w_j°, x>), x_i ~ Unif(S^{d-1}), y_i = f°(x_i) + noise):
//   R_lin >~ n^{-(d+2)/(2d+2)},   linear_estimator_lower_bound_exponent(d) = (d+2)/(2d+2).
// Values: d = 1 -> 3/4, d = 2 -> 2/3 (the notes' "For d = 2: n^{-2/3}"), d -> inf -> 1/2 (the
// notes' "For large d: n^{-1/2}"); always in (1/2, 3/4], decreasing in d. Contrast: the GLD
// estimator of the same slide reaches m^5 log(n)/n (exponent 1, up to log), so linear estimators
// (kernel methods, NTK) are suboptimal by a polynomial factor.
// Assumptions: d >= 1. Sources: notes, slide "予測誤差の比較" ("線形推定量の予測誤差の下限:
// R_lin >~ n^{-(d+2)/(2d+2)}", "For d = 2: n^{-2/3}  For large d: n^{-1/2}"); S. Akiyama &
// T. Suzuki, "Excess risk of two-layer ReLU neural networks in teacher-student settings and its
// superiority to kernel methods", arXiv:2205.14818 (ICLR 2023), cited on the notes' slide.
double linear_estimator_lower_bound_exponent(int d);

// Excess risk of the two-phase GLD estimator in the same teacher–student setting (phase 1: GLD
// with L2 regularization explores until the expected risk falls below a threshold; phase 2:
// noiseless, unregularized gradient descent converges linearly):
//   ||f_Θ - f°||²_{L2(P_X)} <~ sigma_min^{-4} m^5 log(n) / n,
// with m the teacher's width and sigma_min the m-th singular value of W° (the bound's constant is
// not given; this returns the shape with constant 1). Rate exponent in n: 1 (up to log n), which
// beats every linear estimator's (d+2)/(2d+2) <= 3/4. Units: squared L2 risk, n samples.
// Assumptions: sigma_min > 0, m >= 1, n >= 2 (log n > 0).
// Sources: notes, slides "二段階最適化", "二段階の収束フェーズ" and "予測誤差の比較"; Akiyama &
// Suzuki, arXiv:2205.14818.
double two_phase_gld_risk_unit_constant(double sigma_min, int m, double n);

}  // namespace ldbench::theory
