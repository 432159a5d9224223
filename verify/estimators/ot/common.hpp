// Shared input checks and the squared-Euclidean cost for the optimal-transport estimators in
// verify/estimators/ot/ (w2_1d, assignment, network_simplex, sinkhorn).
//
// Math: the ground cost of every estimator here is the squared Euclidean distance
//   C_ij = ||x_i - y_j||² = Σ_k (x_ki - y_kj)²      (no factor ½),
// so W2²(μ, ν) = min_{P ∈ Π(a, b)} <P, C> is the SQUARED 2-Wasserstein distance between
// μ = Σ_i a_i δ_{x_i} and ν = Σ_j b_j δ_{y_j} (Villani, "Optimal Transport: Old and New", 2009,
// Def. 6.1; Peyré & Cuturi, "Computational Optimal Transport", 2019, §2.3).
// C_ij is computed as a sum of squared coordinate differences, never as |x|² + |y|² - 2 x·y
// (which cancels catastrophically for nearby points), so C_ii = 0 exactly when x_i = y_i.
//
// Conventions (verify/estimators/estimate.hpp): samples are d x n matrices, one point per column;
// weights are length-n vectors, nonnegative, summing to 1. A weight vector whose sum is within
// kWeightSumTolerance of 1 is accepted and divided by its sum (so the solvers see marginals that
// balance to rounding); anything else is rejected.
//
// Failure modes: every check throws std::invalid_argument with a one-line message that starts
// with the argument's name ("y: dimension 3 does not match x's 2", "a: weight 4 is negative"):
// empty samples, NaN/Inf entries, mismatched dimensions, weights of the wrong length, negative or
// non-finite weights, weights not summing to 1. Complexity: O(d n) per check, O(d n m) time and
// O(n m) memory for the cost matrix.
#pragma once

#include <Eigen/Core>

namespace ldbench::verify::estimators {

// |Σ w - 1| allowed before weights are rejected; accepted weights are renormalized by their sum.
inline constexpr double kWeightSumTolerance = 1e-9;

// Dense n x m matrix C_ij = ||x_i - y_j||² for x (d x n) and y (d x m). Validates its inputs.
Eigen::MatrixXd squared_euclidean_cost(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y);

namespace ot_detail {

// Throws "<name>: ..." if x has no points, no rows, or a non-finite entry.
void check_samples(const Eigen::MatrixXd& x, const char* name);
// Throws "<y_name>: dimension dy does not match <x_name>'s dx" if the row counts differ.
void check_same_dimension(const Eigen::MatrixXd& x, const char* x_name, const Eigen::MatrixXd& y,
                          const char* y_name);
// Returns w / Σw after checking: length n (the number of points of <samples_name>), finite,
// nonnegative entries, |Σw - 1| <= kWeightSumTolerance. Throws "<name>: ...".
Eigen::VectorXd checked_weights(const Eigen::VectorXd& w, long n, const char* name, const char* samples_name);
// Uniform weights 1/n.
Eigen::VectorXd uniform_weights(long n);
// Same as squared_euclidean_cost without validation, row-major (entry (i, j) at i * m + j).
void fill_cost_row_major(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double* out);

}  // namespace ot_detail
}  // namespace ldbench::verify::estimators
