// The Ornstein–Uhlenbeck process in the suite's convention (DESIGN.md §2):
//
//   dX = -a X dt + sqrt(2 lambda) dB,   X in R^d,  a > 0, lambda > 0,
//
// i.e. gradient Langevin dynamics for U(x) = a ||x||² / 2 at temperature lambda, with Gibbs law
// pi = N(0, (lambda/a) I). The lecture notes' OU process (slide "Ornstein-Uhlenbeck 過程") is
// a = lambda = 1: p_t(x | x0) = N(x0 e^{-t}, 1 - e^{-2t}), pi = N(0, 1).
//
// Time is the SDE's own time t (not iterations). Closed forms:
//   mean      m_t = e^{-a t} m_0
//   variance  v_t = e^{-2 a t} v_0 + (lambda/a)(1 - e^{-2 a t})    (per coordinate)
// and a Gaussian start N(m_0, S_0) stays Gaussian: N(m_t, e^{-2at} S_0 + (lambda/a)(1-e^{-2at}) I).
#pragma once

#include "theory/gaussian.hpp"

namespace ldbench::theory {

struct OuParams {
  double a = 1.0;       // drift coefficient (U = a||x||²/2)
  double lambda = 1.0;  // temperature; diffusion coefficient sqrt(2 lambda)

  // Throws std::invalid_argument naming the field unless a > 0 and lambda > 0 (both finite).
  void validate() const;
  // Stationary variance lambda / a per coordinate.
  double stationary_variance() const { return lambda / a; }
};

// Transition density p_t(x | x0) in d = 1: N(x0 e^{-at}, (lambda/a)(1 - e^{-2at})), t > 0.
double ou_transition_density(double x, double x0, double t, const OuParams& p = {});

double ou_mean(double t, double m0, const OuParams& p = {});
double ou_variance(double t, double v0, const OuParams& p = {});

// Law at time t of the OU process started from a Gaussian.
Gaussian ou_law(const Gaussian& start, double t, const OuParams& p = {});

// The Gibbs law N(0, (lambda/a) I_d).
Gaussian ou_stationary(int d, const OuParams& p = {});

// Multivariate OU with a symmetric positive definite drift matrix A (DESIGN.md §3 item 1):
//   dX = -A X dt + sqrt(2 lambda) dB,  i.e. GLD for U(x) = xᵀ A x / 2, Gibbs law N(0, lambda A⁻¹),
//   m_t = e^{-At} m_0,   S_t = e^{-At} S_0 e^{-At} + lambda A⁻¹ (I - e^{-2At}),
// computed in the eigenbasis A = V diag(a_i) Vᵀ. Throws std::invalid_argument naming "A" unless
// A is symmetric positive definite of the start's dimension, "lambda" unless lambda > 0.
struct OuMatrix {
  Eigen::MatrixXd A;
  double lambda = 1.0;
  void validate(int d) const;
};
Gaussian ou_law(const Gaussian& start, double t, const OuMatrix& p);
Gaussian ou_stationary(const OuMatrix& p);

}  // namespace ldbench::theory
