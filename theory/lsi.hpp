// Log-Sobolev inequalities and the exponential KL decay they imply (DESIGN.md §2).
//
// Normalisation: pi satisfies LSI(alpha) iff  KL(nu||pi) <= I(nu||pi) / (2 alpha)  for all nu.
// Along gradient Langevin dynamics dX = -∇U dt + sqrt(2 lambda) dB with pi ∝ exp(-U/lambda):
//   d/dt KL(p_t||pi) = -lambda I(p_t||pi) <= -2 alpha lambda KL(p_t||pi),
//   so KL(p_t||pi) <= exp(-2 alpha lambda t) KL(p_0||pi).                      (rate per unit time)
// Source: lecture notes, slide 24 "ガウシアン対数Sobolev不等式" (a = lambda = 1: KL <= I/2 and
// KL(p_t||p*) <= exp(-2t) KL(p_0||p*)); Bakry, Gentil & Ledoux (2014), Th. 5.2.1.
#pragma once

namespace ldbench::theory {

// Gaussian LSI: N(m, s2 I) satisfies LSI(1/s2) (and no larger constant).
double gaussian_lsi_constant(double s2);

// The KL decay rate 2 alpha lambda per unit time guaranteed by LSI(alpha) at temperature lambda.
double lsi_kl_rate(double alpha, double lambda);

// exp(-2 alpha lambda t) KL0: the LSI bound on KL(p_t||pi).
double lsi_kl_bound(double kl0, double alpha, double lambda, double t);

}  // namespace ldbench::theory
