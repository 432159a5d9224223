// The core estimator catalogue: each entry wraps one function of verify/estimators/ with its
// declaration (what it needs and returns, bias, cost, parameters). See registry.hpp.
#include <cmath>
#include <stdexcept>

#include "theory/gaussian.hpp"
#include "verify/estimators/registry.hpp"

namespace ldbench::verify::estimators {

namespace {

using Type = ParamSpec::Type;

// Sample mean and unbiased covariance of a d x n sample (n > d + 1 so the fit is SPD a.s.).
theory::Gaussian fit_gaussian(const Eigen::MatrixXd& X, const char* name) {
  const long d = X.rows(), n = X.cols();
  if (n <= d + 1)
    throw std::invalid_argument(std::string(name) + ": a Gaussian fit in d = " + std::to_string(d) + " needs at least " +
                                std::to_string(d + 2) + " points, got " + std::to_string(n));
  if (!X.allFinite()) throw std::invalid_argument(std::string(name) + ": non-finite sample value");
  const Eigen::VectorXd m = X.rowwise().mean();
  const Eigen::MatrixXd C = X.colwise() - m;
  theory::Gaussian g{m, C * C.transpose() / static_cast<double>(n - 1)};
  g.cov = 0.5 * (g.cov + g.cov.transpose());
  try {
    theory::validate(g, name);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(std::string(name) + ": the sample covariance is singular (points on a subspace or duplicated)");
  }
  return g;
}

void register_gaussian_closed_forms(EstimatorRegistry& reg) {
  reg.add({"gaussian_fit_kl",
           "KL(N(x̄, Ŝ) || pi) in nats, pi the Gaussian target",
           "Moment-matched Gaussian (sample mean, unbiased covariance), closed-form KL from theory/gaussian.hpp. "
           "Consistent only when the sampled law is Gaussian; positive bias ≈ d(d+3)/(4n) at p = pi.",
           Needs{.gaussian_target = true}, false, false, "O(n d² + d³)", {}},
          [](const EstimatorInput& in, const Params&) {
            return Estimate{theory::kl(fit_gaussian(*in.x, "x"), *in.target->gaussian), std::nullopt, {}};
          });
  reg.add({"bures_w2_squared",
           "W2 squared between the Gaussian fits of x and y (squared distance units)",
           "Bures–Wasserstein closed form ||m1-m2||² + tr(S1 + S2 - 2(S2^{1/2} S1 S2^{1/2})^{1/2}) on fitted "
           "moments (Dowson & Landau 1982). Exact W2² between the fits; for Gaussian laws a consistent estimate.",
           Needs{.y = true}, false, false, "O((n + m) d² + d³)", {}},
          [](const EstimatorInput& in, const Params&) {
            return Estimate{theory::w2_squared(fit_gaussian(*in.x, "x"), fit_gaussian(*in.y, "y")), std::nullopt, {}};
          });
}

}  // namespace

void register_builtin_estimators(EstimatorRegistry& reg) { register_gaussian_closed_forms(reg); }

}  // namespace ldbench::verify::estimators
