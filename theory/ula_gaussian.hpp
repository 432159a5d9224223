// Exact law of the unadjusted Langevin algorithm (= Euler–Maruyama for GLD) on a Gaussian
// target, per eigen-direction. Here the isotropic case used by the OU slice:
//
//   U(x) = a ||x||²/2, temperature lambda, step eta:
//   x_{k+1} = x_k - eta a x_k + sqrt(2 eta lambda) xi_k,   xi_k ~ N(0, I)
//   m_{k+1} = r m_k,   v_{k+1} = r² v_k + 2 eta lambda,    r = 1 - eta a
//   m_k = r^k m_0,     v_k = r^{2k} v_0 + v_inf (1 - r^{2k}),
//   v_inf = (lambda/a) / (1 - eta a/2)                      (stationary variance, biased by eta)
// Stability: 0 < eta a < 2; outside it the recursion diverges and the functions throw.
// Source: DESIGN.md §3 item 3; lecture notes, GLD discretisation ("時間離散化").
#pragma once

#include "theory/ou.hpp"

namespace ldbench::theory {

struct UlaMoments {
  double mean;      // per coordinate
  double variance;  // per coordinate
};

// Throws std::invalid_argument("eta: ...") unless 0 < eta a < 2.
void check_ula_stability(double eta, const OuParams& p);

// Law after k steps from a start with per-coordinate mean m0 and variance v0.
UlaMoments ula_moments(unsigned k, double eta, double m0, double v0, const OuParams& p = {});

// Stationary variance (lambda/a) / (1 - eta a/2).
double ula_stationary_variance(double eta, const OuParams& p = {});

// General Gaussian target U(x) = xᵀ A x / 2, A symmetric positive definite, pi = N(0, lambda A⁻¹):
//   m_{k+1} = (I - eta A) m_k,   S_{k+1} = (I - eta A) S_k (I - eta A) + 2 eta lambda I,
// solved in the eigenbasis of A: per eigenvalue a_i, r_i = 1 - eta a_i, and the stationary law is
//   S_inf = V diag((lambda/a_i) / (1 - eta a_i/2)) Vᵀ.
// Stability: 0 < eta a_max < 2 (throws naming "eta" otherwise, with the limit 2/a_max).
void check_ula_stability(double eta, const OuMatrix& p);
Gaussian ula_law(const Gaussian& start, unsigned k, double eta, const OuMatrix& p);
Gaussian ula_stationary(double eta, const OuMatrix& p);
// The exact stationary bias KL(N(0, S_inf) || pi) = ½ sum_i (r_i - 1 - ln r_i) with
// r_i = 1 / (1 - eta a_i/2): O(eta²) per direction, ≈ sum_i (eta a_i)² / 16 for small eta.
double ula_stationary_bias_kl(double eta, const OuMatrix& p);

}  // namespace ldbench::theory
