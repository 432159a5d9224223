// Exact SQUARED 2-Wasserstein distance W2²(μ, ν) between two weighted empirical measures on the
// real line, μ = Σ_i a_i δ_{x_i} (n atoms) and ν = Σ_j b_j δ_{y_j} (m atoms), n != m and
// arbitrary weights allowed.
//
// Math: on R the monotone (quantile) coupling is optimal for any convex cost, so
//   W2²(μ, ν) = ∫_0^1 |F⁻¹(u) - G⁻¹(u)|² du
// with F⁻¹, G⁻¹ the (left-continuous) quantile functions (Villani, "Topics in Optimal
// Transportation", 2003, Thm 2.18; Santambrogio, "Optimal Transport for Applied Mathematicians",
// 2015, Prop. 2.17). Both quantile functions are step functions, so the integral is a finite sum:
// sort both samples, merge the cumulative weights 0 < A_1 <= ... <= A_n = 1 and
// 0 < B_1 <= ... <= B_m = 1 into breakpoints u_0 = 0 < u_1 < ... < u_K = 1 (K <= n + m - 1), and
//   W2² = Σ_k (u_k - u_{k-1}) · (x_(i_k) - y_(j_k))²
// where x_(i_k), y_(j_k) are the sorted atoms whose quantile intervals contain (u_{k-1}, u_k).
// Cumulative sums (not "remaining mass" subtraction) are merged, and the last of each is set to
// exactly 1, so rounding cannot leave mass unmatched.
//
// Returned: Estimate.value = W2² (SQUARED, in squared units of x), std_error empty (deterministic),
// diagnostics.iterations = number of merge intervals K, converged = true.
//
// Complexity: O((n + m) log(n + m)) time (two sorts and a linear merge), O(n + m) memory.
//
// Failure modes (std::invalid_argument, message starts with the argument's name): x or y not a
// 1 x n matrix ("x: expected one row (d = 1), got 3"), empty, or with NaN/Inf entries; a or b of
// the wrong length, with a negative or non-finite entry, or not summing to 1 within 1e-9
// (verify/estimators/ot/common.hpp). Accuracy: rounding only, relative ~1e-15 · (n + m).
#pragma once

#include <Eigen/Core>

#include "verify/estimators/estimate.hpp"

namespace ldbench::verify::estimators {

// x: 1 x n, y: 1 x m, uniform weights 1/n and 1/m.
Estimate w2_squared_1d(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y);
// x: 1 x n with weights a (length n), y: 1 x m with weights b (length m).
Estimate w2_squared_1d(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const Eigen::VectorXd& a,
                       const Eigen::VectorXd& b);

}  // namespace ldbench::verify::estimators
