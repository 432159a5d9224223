// Closed forms for multivariate Gaussians N(m, S) with SPD covariance S in R^d.
//
// Sources: standard (e.g. Pardo, "Statistical Inference Based on Divergence Measures", 2006, for
// KL; Givens & Shortt 1984 / Dowson & Landau 1982 for W2). Conventions follow DESIGN.md §2:
//   KL(p||q) = ∫ p log(p/q)                    (nats)
//   I(p||q)  = ∫ ||∇log p - ∇log q||² p         (relative Fisher information, no 1/2, no lambda)
//   Ent(p)   = ∫ p log p                       (negative differential entropy)
// All functions throw std::invalid_argument (message names the argument) on non-finite entries,
// dimension mismatch or a covariance that is not symmetric positive definite.
#pragma once

#include <Eigen/Core>

namespace ldbench::theory {

struct Gaussian {
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;

  int dim() const { return static_cast<int>(mean.size()); }
  // N(m 1, s2 I) in dimension d.
  static Gaussian isotropic(int d, double m, double s2);
};

// Throws std::invalid_argument("<name>: ...") unless g is a well-formed Gaussian.
void validate(const Gaussian& g, const char* name);

// KL(N1||N2) = ½[tr(S2⁻¹S1) + (m2-m1)ᵀS2⁻¹(m2-m1) - d + ln det S2 - ln det S1].
double kl(const Gaussian& p, const Gaussian& q);

// I(N1||N2) = tr(S1⁻¹) - 2 tr(S2⁻¹) + tr(S2⁻² S1) + ||S2⁻¹(m1-m2)||².
// Derivation: ∇log p - ∇log q = -S1⁻¹(x-m1) + S2⁻¹(x-m2); take E_p of its squared norm.
double relative_fisher(const Gaussian& p, const Gaussian& q);

// Ent(N(m, S)) = ∫ p log p = -½ ln det(2πe S).
double neg_entropy(const Gaussian& p);

// W2²(N1, N2) = ||m1-m2||² + tr(S1 + S2 - 2 (S2^{1/2} S1 S2^{1/2})^{1/2}) (Bures).
double w2_squared(const Gaussian& p, const Gaussian& q);

// Density of N(m, S) at x.
double log_density(const Gaussian& g, const Eigen::VectorXd& x);

}  // namespace ldbench::theory
