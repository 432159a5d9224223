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

}  // namespace ldbench::theory
