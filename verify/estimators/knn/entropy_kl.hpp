// k-nearest-neighbour estimators of differential entropy and KL divergence from samples
// (d x n matrices, one point per column; see estimate.hpp). All logarithms natural (nats).
//
// 1. knn_entropy — Kozachenko & Leonenko (1987), "Sample estimate of the entropy of a random
//    vector", Probl. Inf. Transm. 23; in the k-th-neighbour form of Kraskov, Stögbauer &
//    Grassberger (2004) and Goria et al. (2005):
//        H = ψ(n) - ψ(k) + log V_d + (d/n) Σ_i log ρ_k(i),
//    ρ_k(i) = distance from x_i to its k-th nearest OTHER point of x, V_d = π^{d/2} / Γ(d/2 + 1)
//    the volume of the unit ball, ψ the digamma function (Boost.Math).
//    Returns H = -∫ p log p, the DIFFERENTIAL ENTROPY. ldbench's Ent(p) = ∫ p log p = -H
//    (theory/gaussian.hpp neg_entropy); the sign is NOT flipped here.
//
// 2. knn_kl — Wang, Kulkarni & Verdú (2009), "Divergence estimation for multidimensional
//    densities via k-nearest-neighbor distances", IEEE Trans. Inf. Theory 55(5)
//    (k = l: Pérez-Cruz 2008, "Kullback-Leibler divergence estimation of continuous
//    distributions", ISIT):
//        KL(p||q) ≈ (d/n) Σ_i log(ν_l(i) / ρ_k(i)) + ψ(k) - ψ(l) + log(m / (n - 1)),
//    x ~ p (n points), y ~ q (m points), ρ_k(i) the k-th NN distance of x_i within x (itself
//    excluded), ν_l(i) the l-th NN distance from x_i to y. k != l is allowed: ψ(k) - ψ(l) is
//    exactly the correction that keeps unequal orders consistent (E log of the k-th NN ball mass
//    is ψ(k) - ψ(n-1), not log(k/(n-1))). Returns KL(p||q) in nats; it can be slightly NEGATIVE
//    when p = q (it is an estimate, not a bound).
//
// 3. knn_kl_to_target — KL(p||π) = -H(p) - E_p[log π] for a target with a known log density:
//    H by (1) and the cross term as the sample mean of log π(x_i), combined point by point:
//        KL = mean_i[ -d log ρ_k(i) - log π(x_i) ] - ψ(n) + ψ(k) - log V_d.
//    Unnormalised targets: if log_density is log π̃ = log π + log Z with Z = ∫ π̃,
//      - log Z known   (normalized = false, log_z given): the exact KL is returned;
//      - log Z unknown (normalized = false, no log_z): KL(p||π) - log Z is returned (it still
//        ranks samples against one target, but its zero is unknown) and a warning says so.
//
// Bias: none of these is unbiased at finite n. They are consistent (n, m → ∞, k, l fixed) for
// densities with enough regularity; the bias is O((k/n)^{2/d}) in the interior (plus tail and
// boundary effects), small against the O(n^{-1/2}) noise for d <= 2, comparable for d = 3 and
// dominant for larger d (Berrett, Samworth & Yuan 2019, Ann. Statist. 47). Measured on
// Gaussians (N(0, I) vs N(0.5·1, I), n = m = 2000, 40-200 replicas; bias of knn_kl):
//   d = 1: |bias| < 0.008 for k = 1, 3, 5 (KL = 0.125, sd 0.045 / 0.024 / 0.024);
//   d = 3: -0.018 (k = 1), -0.041 (k = 3), -0.037 (k = 5) for KL = 0.375 (-0.013 / -0.025 at
//          n = 10^4 for k = 1 / 5); d = 5: -0.067 (k = 1), -0.128 (k = 5) for KL = 0.625.
//   knn_entropy in d = 3, n = 2000 (N(0, I) and a correlated N(0, S)): -0.018 (k = 1), -0.036 to
//   -0.039 (k = 5) for H ≈ 4.1-4.3; in d = 1 below 0.004 for k = 1 and 5.
// The bias is negative (under-estimated KL and H) and grows with k and d.
// Standard error: the iid formula, sd of the per-point terms / sqrt(n) (terms: d log ρ_k(i)
// for H; d log(ν_l(i)/ρ_k(i)) for KL; -d log ρ_k(i) - log π(x_i) for KL to a target). The terms
// are dependent (neighbouring points share neighbours) and, for knn_kl, the variability of the y
// sample is not in them, so this SE is only a rough guide: measured SE / replica sd = 0.6-1.05
// (ANTI-conservative by up to 40%, worst for k = l = 5 with p != q). For confidence intervals
// use independent replicas (verify/stats/confidence.hpp), as test_knn_kernel.cpp does.
// Cost: kd-tree build O(n log n) (+ O(m log m)), queries O((n + m) (log n + k)) expected for
// small d; queries run in parallel with OpenMP (kd_tree.hpp) and the result is identical for any
// thread count. Measured (this 2-core machine, d = 3, k = l = 1, n = m = 10^5): 0.3 s on 1 thread.
//
// Defaults: k = l = 5 (kDefaultNeighbours). Each per-point log-distance carries log-Gamma(k)
// noise of variance ψ'(k): 1.64 at k = 1, 0.22 at k = 5. Measured for d <= 2 at n = 2000, k = 5
// cuts the replica sd of knn_kl by 1.5-2x against k = 1 (2-4x fewer replicas for the same
// interval) at a bias below 0.4 sd; it is also robust to isolated exact duplicates (a duplicated pair makes ρ_1
// zero, not ρ_5). For d >= 3 the bias of k = 5 is about twice that of k = 1 (table above): pass
// k = l = 1 there when bias matters more than variance (replica-averaged checks).
//
// Duplicates: a zero kNN distance would give log 0 = -inf. It is never propagated silently:
//   - ρ_k(i) = 0 for some i (k or more exact copies of x_i in x): std::invalid_argument
//     "x: N points have at least k exact duplicates ... jitter or deduplicate";
//   - ν_l(i) = 0 (x_i coincides with l or more points of y): std::invalid_argument naming y;
//   - exact duplicates that leave ρ_k > 0 (e.g. pairs, with k >= 2): the estimate is returned
//     with a warning "x: N points have an exact duplicate ..." (duplicates are not draws from a
//     density; the estimate is biased, typically downwards for H).
// Other errors (std::invalid_argument, message starting with the argument's name): non-finite
// or empty samples, mismatched dimensions, k < 1 or l < 1, too few points (n >= k + 1, m >= l),
// a log target value that is NaN or -inf (a point outside the target's support: KL = +inf).
#pragma once

#include <Eigen/Core>
#include <functional>
#include <optional>

#include "verify/estimators/estimate.hpp"

namespace ldbench::verify::estimators {

inline constexpr int kDefaultNeighbours = 5;

// log V_d = (d/2) log π - log Γ(d/2 + 1), the log-volume of the unit Euclidean ball in R^d.
double log_unit_ball_volume(int d);

// Deliberately broken variants for the verification suite's negative tests (DESIGN.md §4 item 4;
// the mutant catalogue, experiments/mutants.cpp). Only `none` is correct.
enum class KnnMutant {
  none,
  // Kozachenko–Leonenko with log n - log k in place of psi(n) - psi(k): the "plug-in" count
  // correction. Its bias (log n - psi(n)) - (log k - psi(k)) -> -(log k - psi(k)) ≈ -1/(2k)
  // (-0.1033 at k = 5) does not vanish as n grows.
  log_instead_of_digamma,
};

// Kozachenko–Leonenko differential entropy H(p) (nats) from x ~ p (d x n, n >= k + 1).
Estimate knn_entropy(const Eigen::MatrixXd& x, int k = kDefaultNeighbours, KnnMutant mutant = KnnMutant::none);

// Wang–Kulkarni–Verdú KL(p||q) from x ~ p (d x n, n >= k + 1) and y ~ q (d x m, m >= l).
Estimate knn_kl(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, int k = kDefaultNeighbours,
                int l = kDefaultNeighbours);

// How the target's log density is normalised (see 3. above).
struct TargetNormalization {
  bool normalized = true;       // true: log_density is log π exactly (log_z must be empty)
  std::optional<double> log_z;  // normalized == false: log Z if known, else empty
};

using LogDensityFunction = std::function<double(const Eigen::VectorXd&)>;

// KL(p||π) from x ~ p and the target's log density evaluated at the points of x
// (log_target_at_x(i) = log π(x_i) or log π̃(x_i); length n).
Estimate knn_kl_to_target_values(const Eigen::MatrixXd& x, const Eigen::VectorXd& log_target_at_x,
                                 const TargetNormalization& normalization = {}, int k = kDefaultNeighbours);

// Same, evaluating log_target at each column of x (serially, in column order).
Estimate knn_kl_to_target(const Eigen::MatrixXd& x, const LogDensityFunction& log_target,
                          const TargetNormalization& normalization = {}, int k = kDefaultNeighbours);

}  // namespace ldbench::verify::estimators
