// Eyring–Kramers asymptotics for the spectral gap of one-dimensional double-well Langevin dynamics
// at small temperature, and the Poincaré upper bound it implies for the LSI constant. Beyond the
// lecture notes (DESIGN.md §3 item 4): the notes only warn that LSI constants "depend exponentially
// on 1/lambda" for non-convex objectives; these functions give the exponent and the prefactor.
//
// Conventions (DESIGN.md §2): GLD dX = -U'(X) dt + sqrt(2 lambda) dB, pi ∝ exp(-U/lambda),
// generator L f = lambda f'' - U' f', Dirichlet form E(f) = -∫ f Lf dpi = lambda ∫ |f'|² dpi.
// The spectral gap rho = inf_f E(f)/Var_pi(f) is the smallest non-zero eigenvalue of -L; it is a
// rate PER UNIT TIME of the GLD above: Var_pi(P_t f) <= exp(-2 rho t) Var_pi(f).
//
// Eyring–Kramers: for a well at local minimum m and the saddle z separating it from the other well,
// the escape rate out of the well is
//   k(m) = (sqrt(U''(m) |U''(z)|) / (2 pi)) exp(-(U(z) - U(m)) / lambda) (1 + O(lambda)).
// The two wells exchange mass like a two-state Markov chain with rates k_a, k_b, whose only
// non-zero eigenvalue is k_a + k_b; hence rho ≈ k_a + k_b. For a strictly deeper well a the term
// k_a is exponentially smaller and rho ≈ k_b (escape from the shallower well); for a symmetric
// double well rho ≈ 2 k, TWICE the single-well escape rate. The factor 2 is verified in
// theory/tests/test_kramers.cpp against a finite-difference spectral gap of U = x⁴ - x²
// (gap 0.035548 vs Kramers 0.039557 at lambda = 0.08; single-well rate alone would be 0.56x the
// gap). Measured ratio Kramers/numeric: 0.822 (lambda 0.3), 1.035 (0.15), 1.113 (0.08), 1.054
// (0.03), 1.033 (0.02): it tends to 1 like 1 + c lambda with c ≈ 1.4-1.9 for lambda <= 0.08, but
// is not monotone for lambda >~ 0.1, where barrier/lambda < 2.5 and the asymptotics do not apply.
// Sources: Kramers (1940); Bovier, Gayrard & Klein (2004/2005) "Metastability in reversible
// diffusion processes I, II" (the prefactor and lambda_2 = sum of rates); Berglund (2013),
// "Kramers' law: validity, derivations and generalisations", eq. (1.4)/(3.x) with epsilon = lambda.
//
// Relation to LSI: linearising LSI(alpha) (Ent_pi(f²) <= (2/alpha) ∫|f'|² dpi) at f = 1 + eps g
// gives Var_pi(g) <= (1/alpha) ∫|g'|² dpi = E(g)/(alpha lambda), i.e. the Poincaré inequality
// with gap >= alpha lambda. Hence every LSI constant (KL <= I/(2 alpha) normalisation) satisfies
//   alpha <= rho / lambda,   equivalently the KL rate 2 alpha lambda <= 2 rho,
// and every LSI lower bound (Bakry–Émery, Holley–Stroock, ...) must lie below rho/lambda.
// Equality holds for Gaussians (U = a x²/2: rho = a, alpha = a/lambda).
// For double wells the inequality can be strict: with unequal well masses the LSI constant is
// smaller than rho/lambda by a factor of order the log of the mass ratio (Menz & Schlichting 2014).
//
// Arguments outside the stated domain (or NaN) throw std::invalid_argument whose message starts
// with the argument's name.
#pragma once

namespace ldbench::theory {

// Eyring–Kramers escape rate out of one well (per unit time):
//   kramers_escape_rate(Uxx_min, Uxx_saddle_abs, barrier, lambda)
//     = sqrt(Uxx_min * Uxx_saddle_abs) / (2 pi) * exp(-barrier / lambda),
// with Uxx_min = U''(m) > 0, Uxx_saddle_abs = |U''(z)| > 0, barrier = U(z) - U(m) > 0, lambda > 0.
// Asymptotic as lambda / barrier -> 0 (relative error O(lambda)); non-degenerate critical points.
double kramers_escape_rate(double Uxx_min, double Uxx_saddle_abs, double barrier, double lambda);

// Spectral gap of -L for a SYMMETRIC 1-D double well (two minima with equal depth and curvature):
//   kramers_spectral_gap_symmetric(...) = 2 kramers_escape_rate(Uxx_min, Uxx_saddle_abs, barrier, lambda)
//     = sqrt(Uxx_min * Uxx_saddle_abs) / pi * exp(-barrier / lambda).
// Example U = x⁴ - x²: Uxx_min = 4, Uxx_saddle_abs = 2, barrier = 1/4.
double kramers_spectral_gap_symmetric(double Uxx_min, double Uxx_saddle_abs, double barrier, double lambda);

// A general 1-D double well: minima a (U(a) <= U(b) not required) and b, separating saddle z.
struct DoubleWell1d {
  double U_a = 0.0, Uxx_a = 1.0;  // value and curvature (> 0) at minimum a
  double U_b = 0.0, Uxx_b = 1.0;  // value and curvature (> 0) at minimum b
  double U_z = 1.0;               // value at the saddle; must exceed U_a and U_b
  double Uxx_z_abs = 1.0;         // |U''(z)| > 0
};

// Two-state Eyring–Kramers gap  k_a + k_b  with k_w = kramers_escape_rate(Uxx_w, Uxx_z_abs,
// U_z - U_w, lambda). Reduces to kramers_spectral_gap_symmetric when the wells are equal. Throws
// naming "well" unless the curvatures are > 0 and U_z > max(U_a, U_b) (all finite), or "lambda".
double kramers_spectral_gap_1d(const DoubleWell1d& well, double lambda);

// The Poincaré upper bound on any LSI constant of pi at temperature lambda with spectral gap rho:
//   lsi_upper_bound_from_gap(rho, lambda) = rho / lambda   (alpha <= rho / lambda).
double lsi_upper_bound_from_gap(double rho, double lambda);

}  // namespace ldbench::theory
