// Decision rules of the verification protocol (DESIGN.md §4). Each function turns replica
// measurements (or a deterministic error) into a CheckResult. Replica matrices are R x T:
// row r is replica r, column j the j-th time / step size.
//
// Error budget: a check's alpha is its false-fail probability when the claim holds. Checks over
// several points split alpha evenly across the judged points (Bonferroni), so the family-wise
// false-fail rate of the check stays <= alpha.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <string>
#include <vector>

#include "verify/check.hpp"

namespace ldbench::verify::checks {

struct ClaimText {
  std::string id;
  std::string claim;
  std::string quantity;
};

// Fails iff at some judged column j the lower confidence limit (level 1 - alpha/J) of the
// replica mean exceeds bound[j]. `judged[j]` selects the columns (e.g. the bound above the
// estimator's noise floor). Reports the column with the largest LCL / bound.
CheckResult upper_bound_pointwise(const ClaimText& text, const std::vector<double>& x_axis,
                                  const Eigen::MatrixXd& values, const std::vector<double>& bound,
                                  const std::vector<bool>& judged, double alpha);

// Fails iff the upper confidence limit (level 1 - alpha) of the mean rate is below `claimed`.
CheckResult rate_at_least(const ClaimText& text, const std::vector<double>& rates, double claimed, double alpha);

// Fails iff the two-sided (1 - alpha) interval of the mean order excludes `claimed`.
CheckResult order_equals(const ClaimText& text, const std::vector<double>& orders, double claimed, double alpha);

// Fails iff at some column j the two-sided (1 - alpha/J) interval of the replica mean excludes
// exact[j]. Reports the column with the largest |mean - exact| / half-width.
CheckResult consistency(const ClaimText& text, const std::vector<double>& x_axis, const Eigen::MatrixXd& values,
                        const std::vector<double>& exact, double alpha);

// Deterministic bound: fails iff max over judged j of value[j] / bound[j] exceeds 1 + tolerance
// (round-off allowance), or nothing is judged. Reports the worst ratio as `measured`, bound 1.
CheckResult deterministic_upper_bound(const ClaimText& text, const std::vector<double>& x_axis,
                                      const std::vector<double>& values, const std::vector<double>& bound,
                                      const std::vector<bool>& judged, double tolerance);

// Deterministic: fails iff max_error > tolerance (both relative). `worst` names the input.
CheckResult identity(const ClaimText& text, double max_error, double tolerance, const std::string& worst);

// de Bruijn identity along a law flow: d/dt KL(p_t||pi) = -lambda I(p_t||pi) (lecture notes,
// slide 23; DESIGN.md §2). The derivative is a central difference with step delta; the error at
// each t is |dKL/dt + lambda I| / (lambda I). Deterministic, judged against `tolerance`. Times
// t < 2 delta are skipped; the check fails if no time is judged or any error is NaN.
CheckResult de_bruijn(const ClaimText& text, const std::function<double(double)>& kl,
                      const std::function<double(double)>& fisher, double lambda,
                      const std::vector<double>& times, double delta, double tolerance);

// Weak-order fit of one replica: least squares of log|e(h)| = c + p log h + b h, the last term
// absorbing the first correction of the weak error expansion e(h) = C1 h^p + C2 h^{p+1} + ...
// (Talay & Tubaro 1990), so the fitted p has an O(h²) rather than O(h) pre-asymptotic bias.
// Throws std::invalid_argument on fewer than 4 step sizes or a zero error.
double fit_weak_order(const std::vector<double>& steps, const std::vector<double>& errors);

// Exponential rate of one replica: -slope of the least-squares line of log y against t.
double fit_decay_rate(const std::vector<double>& t, const std::vector<double>& y);

}  // namespace ldbench::verify::checks
