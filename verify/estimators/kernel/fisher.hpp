// Relative Fisher information I(ρ||π) = E_ρ ||∇log ρ - ∇log π||² (nats per unit length², no
// 1/2 and no temperature factor: the convention of theory/gaussian.hpp relative_fisher).
//
// 1. relative_fisher_kde — from samples x ~ ρ (d x n, one point per column) and the target score
//    s_π = ∇log π at those points:
//      - ∇log ρ(x_i) is estimated by the score of the LEAVE-ONE-OUT Gaussian kernel density
//        estimate ρ̂_{-i}(x) = 1/(n-1) Σ_{j≠i} N(x; x_j, h² I):
//            ŝ_i = ∇log ρ̂_{-i}(x_i) = Σ_{j≠i} w_ij (x_j - x_i) / h²,
//            w_ij = exp(-||x_i - x_j||²/(2h²)) / Σ_{j'≠i} exp(-||x_i - x_j'||²/(2h²))
//        (weights computed with the minimum distance subtracted: no underflow to 0/0);
//      - Î = (1/n) Σ_i ||ŝ_i - s_π(x_i)||², standard error = sample sd of the terms / sqrt(n)
//        (the iid formula: it ignores the dependence of the terms through the shared sample and
//        the heavy tail of the terms from outlying points; measured SE / replica sd = 0.4-0.65,
//        i.e. ANTI-conservative by up to 2.5x: use independent replicas for intervals).
//    Bandwidth (default): Silverman's normal-reference rule of thumb in d dimensions
//    (Silverman 1986, "Density Estimation for Statistics and Data Analysis", §4.3.2):
//            h = σ̄ (4 / ((d + 2) n))^{1/(d+4)},   σ̄² = (1/d) Σ_k Var̂(x_k)
//        (mean of the d marginal sample variances, denominator n - 1); d = 1 gives 1.06 σ̂ n^{-1/5}.
//    See silverman_bandwidth. An explicit h may be given instead.
//    Returns I(ρ||π) — NOT unbiased. Two biases of opposite sign: smoothing shrinks the score
//    towards that of ρ * N(0, h²I), O(h²), and the noise of ŝ adds E||ŝ - ∇log ρ||² > 0,
//    O(1/(n h^{d+2})) up to log factors (largest in the tails, where ρ̂ has few points). With
//    the rule-of-thumb h both are O(n^{-2/(d+4)}) (n^{-0.4} for d = 1): slow. Measured for
//    ρ = N(0,1) (20 replicas each):
//        π = N(0, 2)   (I = 0.25): bias +0.039 (n = 500), +0.026 (2000), +0.024 (8000): ≈ +10%;
//        π = N(0.5, 1) (I = 0.25): bias +0.116 (n = 500), +0.058 (2000), +0.049 (8000): +46% to +20%
//    (the smoothing term cancels part of the noise term in the first case only). Much worse in
//    higher d. Use it for trends and order-of-magnitude checks; use a grid (2.) when ρ is known
//    on a grid.
//    Cost: O(n² d), parallel over points with OpenMP (serial below 4e6 kernel evaluations); each
//    point's score is computed by one thread in a fixed order, so results are identical for any
//    thread count.
//
// 2. relative_fisher_grid — 1-D, exact up to discretisation: ρ given on a uniform grid
//    x_i = x_0 + i Δ (i = 0..N-1, values ρ_i >= 0) and s_π(x_i) on the same grid:
//        I = ∫ (ρ' - ρ s_π)² / ρ dx   (= ∫ ρ (∂_x log ρ - s_π)²),
//    with ρ' by second-order finite differences (central inside, the one-sided three-point
//    formulas (∓3ρ_0 ± 4ρ_1 ∓ ρ_2)/(2Δ) at the ends) and the composite trapezoid rule. The
//    density is renormalised by its trapezoid mass M = Δ(Σ ρ_i - (ρ_0 + ρ_{N-1})/2) (a warning
//    when |M - 1| > 1e-3). Grid points with ρ_i = 0 contribute 0 and are reported in a warning.
//    Error: O(Δ²) for smooth ρ whose support (up to negligible mass) lies inside the grid: the
//    leading term is (Δ²/3) ∫ (ρ'/ρ - s_π) ρ''' dx (from the central difference error
//    Δ² ρ'''/6; the trapezoid rule on a smooth, decaying integrand is spectrally accurate). It
//    vanishes when ρ'/ρ - s_π is linear (ρ and π both Gaussian: ∫ linear · ρ''' = 0), where the
//    error is O(Δ⁴). Compact support inside the grid: where (ρ')²/ρ does not tend to 0 at the
//    support's edge (e.g. ρ ∝ (1 - x²)² on [-1, 1], where it tends to a constant) the skipped
//    zero-density points cost O(Δ): FIRST order (measured -0.16 of I = 10 at Δ = 0.01).
//    std_error is empty (deterministic). Cost O(N).
//
// Errors (std::invalid_argument, message starting with the argument's name): empty or
// non-finite samples/scores/grid values, shape mismatch, n < 2 (KDE), N < 3 (grid), negative
// density values, an all-zero density, a spacing or bandwidth that is not finite and > 0, a
// sample with zero spread (Silverman bandwidth 0).
#pragma once

#include <Eigen/Core>
#include <optional>

#include "verify/estimators/estimate.hpp"
#include "verify/estimators/kernel/score.hpp"

namespace ldbench::verify::estimators {

// Silverman's rule of thumb h = σ̄ (4/((d+2) n))^{1/(d+4)} for x (d x n, n >= 2).
double silverman_bandwidth(const Eigen::MatrixXd& x);

// Leave-one-out Gaussian-KDE scores ∇log ρ̂_{-i}(x_i), d x n, bandwidth h (n >= 2).
Eigen::MatrixXd kde_score_loo(const Eigen::MatrixXd& x, double h);

// I(ρ||π) from x ~ ρ and the target score at x (d x n); bandwidth empty = Silverman.
Estimate relative_fisher_kde(const Eigen::MatrixXd& x, const Eigen::MatrixXd& target_score_at_x,
                             std::optional<double> bandwidth = std::nullopt);

// Same, with the target score as a function (evaluated serially at each column of x).
Estimate relative_fisher_kde(const Eigen::MatrixXd& x, const ScoreFunction& target_score,
                             std::optional<double> bandwidth = std::nullopt);

// I(ρ||π) for a 1-D density on a uniform grid with spacing dx and the target score there.
Estimate relative_fisher_grid(const Eigen::VectorXd& density, double dx, const Eigen::VectorXd& target_score);

}  // namespace ldbench::verify::estimators
