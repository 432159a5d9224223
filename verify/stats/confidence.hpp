// Confidence intervals across independent replicas and least-squares fits (DESIGN.md §4.2).
//
// Replica statistics are means of many particles, so across R replicas they are close to
// normal; intervals use Student's t with R - 1 degrees of freedom (Boost.Math):
//   two-sided at level 1 - alpha:  mean ± t_{1-alpha/2, R-1} sd / sqrt(R)
//   one-sided lower limit:         mean - t_{1-alpha, R-1} sd / sqrt(R)
#pragma once

#include <vector>

namespace ldbench::verify::stats {

struct Interval {
  double mean = 0;
  double lo = 0;
  double hi = 0;
  double sd = 0;  // sample standard deviation of the replicas
  int n = 0;
  double half_width() const { return 0.5 * (hi - lo); }
};

// Throws std::invalid_argument unless n >= 2, all finite, 0 < alpha < 1.
Interval two_sided(const std::vector<double>& x, double alpha);
// lo = lower confidence limit at level 1 - alpha, hi = +inf.
Interval lower_limit(const std::vector<double>& x, double alpha);
// lo = -inf, hi = upper confidence limit at level 1 - alpha.
Interval upper_limit(const std::vector<double>& x, double alpha);

// Binomial proportions, for calibrating checks' false-fail rates (ldbench verify --calibrate):
// x failures in n independent runs of a check whose declared false-fail rate is p.
//   clopper_pearson: the exact two-sided interval of level 1 - a for the rate (Clopper & Pearson
//     1934): lo = Beta^{-1}(a/2; x, n - x + 1) (0 if x = 0), hi = Beta^{-1}(1 - a/2; x + 1, n - x)
//     (1 if x = n); mean = x/n.
//   binomial_upper_tail: P(X >= x) for X ~ Binomial(n, p) = I_p(x, n - x + 1) (regularised incomplete
//     beta; 1 for x = 0), the one-sided p-value of "the true rate is at most p".
// Throw std::invalid_argument unless 0 <= x <= n, n >= 1, 0 < a < 1, 0 <= p <= 1.
Interval clopper_pearson(int x, int n, double a);
double binomial_upper_tail(int x, int n, double p);

// Student-t quantile t_{p, dof}.
double t_quantile(double p, int dof);

// Ordinary least squares y ≈ X beta with design columns given; returns beta.
// Throws std::invalid_argument when the design is rank deficient.
std::vector<double> least_squares(const std::vector<std::vector<double>>& columns, const std::vector<double>& y);

struct LineFit {
  double slope = 0;
  double intercept = 0;
};
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace ldbench::verify::stats
