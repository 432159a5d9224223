// LSI constants for the proximal Gibbs measures of a NONLINEAR mean-field objective whose first variation is
// a Gaussian part plus a bounded perturbation (issue 7, verification 2: the single-index tanh model of
// lib/mfld/single_index.hpp), and the MFLD decay rate they certify.
//
// Setting (DESIGN.md §2): L(mu) = F(mu) + lambda2 Ent(mu), proximal Gibbs p_mu ∝ exp(-δF/δmu(mu)/lambda2) with
//   δF/δmu(mu)(w) = g_mu(w) + lambda1 ||w||²,   osc g_mu = sup g_mu - inf g_mu < inf.
// The reference nu ∝ exp(-lambda1 ||w||²/lambda2) = N(0, lambda2/(2 lambda1) I) satisfies LSI(2 lambda1/lambda2)
// (Bakry–Émery; theory/lsi.hpp bakry_emery_lsi(2 lambda1, lambda2)) and p_mu = nu e^{h}/Z with h = -g_mu/lambda2,
// osc h = osc g_mu / lambda2, so the classical Holley–Stroock form (theory/lsi.hpp holley_stroock_lsi_osc) gives
//   mfld_holley_stroock_lsi(lambda1, lambda2, osc) = (2 lambda1/lambda2) exp(-osc/lambda2).
// With |g_mu| <= B (osc <= 2B) this is >= the notes' worked example (2 lambda1/lambda2) exp(-4B/lambda2)
// (theory/lsi.hpp bounded_perturbation_example_lsi). Restricting nu to a convex set (an interval, for a grid
// with reflecting walls) keeps its Bakry–Émery constant, so the same value holds on [lo, hi] with the
// oscillation taken over [lo, hi].
// Rate: if p_{mu_t} satisfies LSI(alpha_t) for every t, then d/dt (L(mu_t) - L*) = -lambda2² I(mu_t||p_{mu_t})
// <= -2 alpha_t lambda2² KL(mu_t||p_{mu_t}) <= -2 alpha_t lambda2 (L(mu_t) - L*) (upper entropy sandwich), so
// L(mu_t) - L* <= exp(-2 lambda2 ∫_0^t alpha_s ds)(L(mu_0) - L*) <= exp(-2 (inf_s alpha_s) lambda2 t)(L(mu_0) - L*):
// only the LSI constants ALONG the trajectory enter (Nitanda, Wu & Suzuki 2022, Th. 1; Chizat 2022).
// Source: lecture notes, slides "Bounded perturbation lemma (Holley-Stroock)" and "Log Sobolev for Lipschitz
// cont. obj" item 1 (osc in place of the slide's 4R); Holley & Stroock (1987).
//
// Single-index tanh model: g_mu(w) = (1/n) Σ_j e_j tanh(w·z_j), e_j = f_mu(z_j) - y_j, |f_mu| <= 1, so uniformly
// in mu: |e_j| <= 1 + |y_j| and
//   single_index_tanh_uniform_oscillation(y) = (2/n) Σ_j (1 + |y_j|) >= osc g_mu   for every mu.
//
// Invalid arguments throw std::invalid_argument starting with the argument's name.
#pragma once

#include <vector>

namespace ldbench::theory {

// (2 lambda1/lambda2) exp(-osc/lambda2). Assumptions: lambda1 > 0, lambda2 > 0, osc >= 0, all finite.
double mfld_holley_stroock_lsi(double lambda1, double lambda2, double osc);

// (2/n) Σ_j (1 + |y_j|). Assumptions: y non-empty, finite.
double single_index_tanh_uniform_oscillation(const std::vector<double>& y);

}  // namespace ldbench::theory
