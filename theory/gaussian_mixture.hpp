// One-dimensional Gaussian mixtures under the OU flow, with KL and Fisher divergence to the OU
// Gibbs law computed by adaptive Gauss–Kronrod quadrature (Boost.Math).
//
// A mixture sum_j w_j N(mu_j, s_j²) started in dX = -aX dt + sqrt(2 lambda) dB stays a mixture:
//   p_t = sum_j w_j N(e^{-at} mu_j, e^{-2at} s_j² + (lambda/a)(1 - e^{-2at}))
// (each component follows theory/ou.hpp). This is the exact law used as the oracle for
// non-Gaussian starts; DESIGN.md §3 item 9 uses the same fact for diffusion models.
#pragma once

#include <vector>

#include "theory/ou.hpp"

namespace ldbench::theory {

struct GaussianMixture1d {
  std::vector<double> weights;    // > 0, summing to 1
  std::vector<double> means;
  std::vector<double> variances;  // > 0

  // Throws std::invalid_argument naming the field (sizes, positivity, sum of weights).
  void validate() const;
  double log_density(double x) const;
  double score(double x) const;   // d/dx log p(x)
  double mean() const;
  double variance() const;
};

GaussianMixture1d ou_mixture_law(const GaussianMixture1d& start, double t, const OuParams& p = {});

// KL(p || N(0, v)) and I(p || N(0, v)) by quadrature; relative accuracy about 1e-10.
double kl_to_centered_gaussian(const GaussianMixture1d& p, double v);
double fisher_to_centered_gaussian(const GaussianMixture1d& p, double v);

}  // namespace ldbench::theory
