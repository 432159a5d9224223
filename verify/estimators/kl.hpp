// KL estimators from particles against a known Gaussian target pi = N(0, v I).
//
// gaussian_fit_kl: KL(N(x̄, Ŝ) || pi) with the sample mean and unbiased sample covariance,
//   closed form from theory/gaussian.hpp. Consistent for Gaussian laws only (for others it
//   measures the KL of the moment-matched Gaussian, a lower bound by the Gaussian maximum-entropy
//   property when pi is Gaussian). Positive finite-sample bias ≈ d(d+3)/(4n) at p = pi.
// histogram_kl_1d: the KL between the binned empirical law and the binned target,
//   sum_j p̂_j log(p̂_j / q_j), on B = ceil(2 n^{1/3}) equal-width bins between the sample's
//   minimum and maximum, the outer bins extended to ±∞ so the bins partition R and q_j is the
//   exact target mass (erfc). By the data-processing inequality the population version is
//   <= KL(p||pi); the finite-sample bias is positive, about (B - 1)/(2n) at p = pi.
// Both biases are measured, not assumed: checks run the estimator on exact samples of pi of the
// same size (the noise floor, DESIGN.md §4.2).
#pragma once

#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

namespace ldbench::verify::estimators {

enum class KlEstimator { gaussian_fit, histogram };
std::string_view to_string(KlEstimator e);
// Throws std::invalid_argument listing the allowed names.
KlEstimator kl_estimator_from_string(std::string_view name);

// X is d x n (one sample per column); target N(0, v I_d). Throws std::invalid_argument on
// too few samples (n <= d + 1), non-finite samples or v <= 0.
double gaussian_fit_kl(const Eigen::MatrixXd& X, double v);

// x has one row (d = 1). Throws std::invalid_argument on n < 16, non-finite samples, a sample
// with zero spread, or v <= 0.
double histogram_kl_1d(const Eigen::MatrixXd& X, double v);

double estimate_kl(KlEstimator e, const Eigen::MatrixXd& X, double v);

}  // namespace ldbench::verify::estimators
