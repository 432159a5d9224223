// Kernel two-sample and goodness-of-fit discrepancies: unbiased MMD² and KSD² U-statistics.
// Samples are d x n matrices, one point per column (estimate.hpp).
//
// Kernels (r = x - y):
//   gaussian: k(x, y) = exp(-||r||² / (2 h²))
//   imq:      k(x, y) = (c² + ||r||²)^β,  β < 0 (default β = -1/2); NOT normalised: k(x, x) = c^{2β}.
//
// 1. mmd2_unbiased — Gretton, Borgwardt, Rasch, Schölkopf & Smola (2012), "A kernel two-sample
//    test", JMLR 13 (MMD²_u, for n != m):
//        MMD²_u = 1/(n(n-1)) Σ_{i≠j} k(x_i,x_j) + 1/(m(m-1)) Σ_{i≠j} k(y_i,y_j) - 2/(nm) Σ_{i,j} k(x_i,y_j).
//    Returns MMD SQUARED (not MMD). It is UNBIASED for MMD²(p, q), hence can be NEGATIVE (its
//    mean is 0 when p = q).
//    Bandwidth (h for gaussian, c for imq): given, or the MEDIAN HEURISTIC: the median of the
//    Euclidean distances ||z_i - z_j|| (not squared), i < j, over the pooled sample z = (x, y)
//    (the average of the two middle values when their number is even). Pools of more than
//    kMedianHeuristicMaxPoints = 2000 points use the deterministic subsample z_{floor(t N / 2000)},
//    t = 0..1999. See median_heuristic_bandwidth.
//    Standard error: the linear (Hoeffding) term, SE² = 4 Var(g_x)/n + 4 Var(g_y)/m with
//    g_x(x_i) = mean_{j≠i} k(x_i,x_j) - mean_j k(x_i,y_j), g_y(y_j) = mean_{j'≠j} k(y_j,y_j') -
//    mean_i k(x_i,y_j) and Var the sample variance over the points. Consistent when p != q;
//    when p = q the statistic is degenerate (sd O(1/n)) and this estimate is CONSERVATIVE: for
//    n = m it is about √2 times the true sd (the noise of the plug-in g's is counted as signal).
//    Measured SE / replica sd (d = 2, n = m = 500): 1.47 (p = q), 0.98 (mean shift 0.5), both
//    kernels.
//    Cost: O((n + m)² d) (every ordered pair once, each cross pair twice so that all per-point
//    means come from per-row sums), parallel over rows (OpenMP; serial below 4e6 kernel
//    evaluations) with per-row sums added serially: identical results for any thread count.
//    Median heuristic: O(min(N, 2000)² d) extra.
//
// 2. ksd2_imq — kernelised Stein discrepancy, Liu, Lee & Jordan (2016), "A kernelized Stein
//    discrepancy for goodness-of-fit tests", ICML (its U-statistic); IMQ kernel as
//    recommended by Gorham & Mackey (2017), "Measuring sample quality with kernels", ICML
//    (β ∈ (-1, 0) makes KSD convergence-determining; c = 1, β = -1/2 in their experiments):
//        KSD²_u = 1/(n(n-1)) Σ_{i≠j} u_p(x_i, x_j),
//        u_p(x,y) = s(x)ᵀs(y) k + s(x)ᵀ∇_y k + ∇_x kᵀ s(y) + tr(∇_x∇_y k),  s = ∇ log π.
//    For the IMQ kernel, with u = c² + ||r||², r = x - y (see stein_kernel_imq):
//        k = u^β,  ∇_x k = 2β u^{β-1} r,  ∇_y k = -2β u^{β-1} r,
//        tr(∇_x∇_y k) = -2βd u^{β-1} - 4β(β-1) u^{β-2} ||r||²,
//        u_p = u^β s(x)ᵀs(y) + 2β u^{β-1} rᵀ(s(y) - s(x)) - 2βd u^{β-1} - 4β(β-1) u^{β-2} ||r||².
//    Returns KSD SQUARED, UNBIASED (can be negative; mean 0 when the sample is exact from π).
//    Needs only the score, so π may be unnormalised. Defaults c = 1, β = -1/2 (Gorham & Mackey);
//    c should be comparable to the target's length scale (KSD values are not comparable across c).
//    Standard error: linear term, SE² = 4 Var(g)/n, g(x_i) = mean_{j≠i} u_p(x_i,x_j); conservative
//    (≈ √2 x the true sd) for exact samples, where the statistic is degenerate, as for MMD.
//    Measured SE / replica sd (d = 2, n = 500): 1.30 (exact samples), 1.04 (wrong score).
//    Cost: O(n² d): all n(n-1) ordered pairs (the kernel is symmetric, but full rows give the
//    per-point means g without shared writes), `#pragma omp parallel for` over rows (serial below
//    4e6 kernel evaluations) with per-row sums stored in a vector and added serially:
//    bit-identical for any thread count.
//    A score given as a function is evaluated serially (n calls) into a d x n matrix first.
//
// Errors (std::invalid_argument, message starting with the argument's name): empty or
// non-finite samples or scores, dimension or shape mismatch, fewer than 2 points in a sample,
// a bandwidth/c that is not finite and > 0, β outside the allowed range, a zero median distance
// (more than half the pooled pairs coincide: give the bandwidth explicitly).
#pragma once

#include <Eigen/Core>
#include <optional>

#include "verify/estimators/estimate.hpp"
#include "verify/estimators/kernel/score.hpp"

namespace ldbench::verify::estimators {

enum class MmdKernel { gaussian, imq };

inline constexpr long kMedianHeuristicMaxPoints = 2000;

struct MmdOptions {
  MmdKernel kernel = MmdKernel::gaussian;
  std::optional<double> bandwidth;  // h (gaussian) or c (imq); empty: median heuristic
  double imq_beta = -0.5;           // β < 0
};

// Median of the pairwise Euclidean distances of the pooled sample (x, y) (see 1. above).
double median_heuristic_bandwidth(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y);

// Unbiased MMD² between x ~ p (d x n, n >= 2) and y ~ q (d x m, m >= 2).
Estimate mmd2_unbiased(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const MmdOptions& options = {});

struct KsdOptions {
  double c = 1.0;      // IMQ scale, > 0
  double beta = -0.5;  // IMQ exponent, in (-1, 0)
};

// The IMQ Stein kernel u_p(x, y) given the scores sx = s(x), sy = s(y) (all of length d).
double stein_kernel_imq(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& sx,
                        const Eigen::VectorXd& sy, const KsdOptions& options = {});

// Unbiased KSD² of the sample x (d x n, n >= 2) against the target with score matrix
// score_at_x (d x n, column i = ∇ log π(x_i)).
Estimate ksd2_imq(const Eigen::MatrixXd& x, const Eigen::MatrixXd& score_at_x, const KsdOptions& options = {});

// Same, with the score as a function (evaluated serially at each column of x).
Estimate ksd2_imq(const Eigen::MatrixXd& x, const ScoreFunction& score, const KsdOptions& options = {});

}  // namespace ldbench::verify::estimators
