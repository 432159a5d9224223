// Power-law fit over replicas: the order p of a positive quantity m(x) ∝ x^p (a bias against the
// step size, against the particle count, ...) with a confidence interval from independent replicas.
//
//   Input e (R x J): column j holds R independent replica values of the quantity at x_j > 0.
//   Means m_j and standard errors se_j = sd_j / sqrt(R) per column.
//   Fit log m_j = c + p log x_j by weighted least squares with weights (m_j / se_j)², the inverse
//   delta-method variances of log m_j.
//   Interval (delta method over replicas): p̂ = Σ_j a_j log m_j with a the slope row of the weighted
//   least-squares solution, so p̂ - p ≈ mean over replicas r of z_r, z_r = Σ_j a_j e_rj / m_j; hence
//   SE(p̂) = sd(z) / sqrt(R) and the two-sided interval at level 1 - alpha is p̂ ± t_{1-alpha/2, R-1} SE.
//
// No fit is made when a column mean is not positive (log undefined): first_nonpositive names the
// first such column and p, c, se_p, lo, hi stay NaN; mean and se are filled for every column.
#pragma once

#include <Eigen/Core>
#include <limits>
#include <vector>

namespace ldbench::verify::stats {

struct ReplicaPowerFit {
  std::vector<double> mean, se;  // per column
  double p = std::numeric_limits<double>::quiet_NaN();
  double c = std::numeric_limits<double>::quiet_NaN();
  double se_p = std::numeric_limits<double>::quiet_NaN();
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
  double tq = std::numeric_limits<double>::quiet_NaN();  // the t quantile used
  long first_nonpositive = -1;
};

// Requires R >= 2, J >= 2 = x.size(), x_j > 0, 0 < alpha < 1 (std::invalid_argument otherwise).
ReplicaPowerFit fit_power_over_replicas(const Eigen::MatrixXd& e, const std::vector<double>& x, double alpha);

}  // namespace ldbench::verify::stats
