#include "theory/dual.hpp"

#include "theory/detail/require.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include "lib/linalg/dense.hpp"

namespace ldbench::theory {

using detail::require_at_least;
using detail::require_positive;

namespace {

void require_dual(const LinearSquaredLossProblem& p, const Eigen::VectorXd& g) {
  validate(p);
  if (g.size() != p.X.rows()) throw std::invalid_argument("g: must have n entries (one per sample)");
  if (!g.allFinite()) throw std::invalid_argument("g: entries must be finite");
}

}  // namespace

void validate(const LinearSquaredLossProblem& problem) {
  if (problem.X.rows() < 1 || problem.X.cols() < 1) throw std::invalid_argument("problem.X: must be n x d, n, d >= 1");
  if (!problem.X.allFinite()) throw std::invalid_argument("problem.X: entries must be finite");
  if (problem.y.size() != problem.X.rows()) throw std::invalid_argument("problem.y: must have n = X.rows() entries");
  if (!problem.y.allFinite()) throw std::invalid_argument("problem.y: entries must be finite");
  require_positive(problem.lambda1, "problem.lambda1");
  require_positive(problem.lambda2, "problem.lambda2");
}

double squared_loss_conjugate(double g, double y) {
  if (!std::isfinite(g)) throw std::invalid_argument("g: must be finite");
  if (!std::isfinite(y)) throw std::invalid_argument("y: must be finite");
  return 0.5 * g * g + g * y;
}

double primal_value(const LinearSquaredLossProblem& problem, const Gaussian& mu) {
  validate(problem);
  validate(mu, "mu");
  if (mu.dim() != problem.dim()) throw std::invalid_argument("mu: dimension must equal X.cols()");
  const double n = problem.n();
  return (problem.X * mu.mean - problem.y).squaredNorm() / (2.0 * n) +
         problem.lambda1 * (mu.mean.squaredNorm() + mu.cov.trace()) + problem.lambda2 * neg_entropy(mu);
}

double dual_log_partition(const LinearSquaredLossProblem& problem, const Eigen::VectorXd& g) {
  require_dual(problem, g);
  const double n = problem.n(), d = problem.dim();
  const Eigen::VectorXd a = problem.X.transpose() * g / n;
  return 0.5 * problem.lambda2 * d * std::log(std::numbers::pi * problem.lambda2 / problem.lambda1) +
         a.squaredNorm() / (4.0 * problem.lambda1);
}

double dual_value(const LinearSquaredLossProblem& problem, const Eigen::VectorXd& g) {
  const double logz = dual_log_partition(problem, g);
  double conj = 0.0;
  for (int i = 0; i < problem.n(); ++i) conj += squared_loss_conjugate(g(i), problem.y(i));
  return -conj / problem.n() - logz;
}

double dual_value_notes_sign(const LinearSquaredLossProblem& problem, const Eigen::VectorXd& g) {
  return -dual_value(problem, g);
}

Gaussian dual_gibbs(const LinearSquaredLossProblem& problem, const Eigen::VectorXd& g) {
  require_dual(problem, g);
  const int d = problem.dim();
  return {-problem.X.transpose() * g / (2.0 * problem.lambda1 * problem.n()),
          problem.lambda2 / (2.0 * problem.lambda1) * Eigen::MatrixXd::Identity(d, d)};
}

Gaussian primal_optimum(const LinearSquaredLossProblem& problem) {
  validate(problem);
  const int d = problem.dim();
  const double n = problem.n();
  const Eigen::MatrixXd H = problem.X.transpose() * problem.X / n + 2.0 * problem.lambda1 * Eigen::MatrixXd::Identity(d, d);
  const Eigen::VectorXd m = lib::linalg::Cholesky(H).solve(Eigen::VectorXd(problem.X.transpose() * problem.y / n));
  return {m, problem.lambda2 / (2.0 * problem.lambda1) * Eigen::MatrixXd::Identity(d, d)};
}

Eigen::VectorXd dual_optimum(const LinearSquaredLossProblem& problem) {
  const Gaussian opt = primal_optimum(problem);
  return problem.X * opt.mean - problem.y;
}

double duality_gap(const LinearSquaredLossProblem& problem, const Gaussian& mu, const Eigen::VectorXd& g) {
  return primal_value(problem, mu) - dual_value(problem, g);
}

// ---------------------------------------------------------------------------------------------

double psdca_outer_iterations(double n, double lambda2, double gamma, double C, double eps_P) {
  require_at_least(n, 1.0, "n");
  require_positive(lambda2, "lambda2");
  require_positive(gamma, "gamma");
  require_positive(C, "C");
  require_positive(eps_P, "eps_P");
  const double lg = std::log(n * C / eps_P);
  return lg <= 0.0 ? 0.0 : 2.0 * (n + 1.0 / (lambda2 * gamma)) * lg;
}

double deterministic_dual_iterations_unit_constants(double n, double lambda2, double gamma, double eps_P) {
  require_at_least(n, 1.0, "n");
  require_positive(lambda2, "lambda2");
  require_positive(gamma, "gamma");
  if (!(std::isfinite(eps_P) && eps_P > 0 && eps_P < 1)) throw std::invalid_argument("eps_P: must be in (0, 1)");
  return n / (lambda2 * gamma) * std::log(1.0 / eps_P);
}

double pda_outer_bound_unit_constants(double T, double M) {
  require_at_least(T, 1.0, "T");
  require_at_least(M, 1.0, "M");
  return 1.0 / T + 1.0 / std::sqrt(M);
}

double pda_inner_step_size_unit_constants(double t, double lambda1, double lambda2) {
  require_at_least(t, 1.0, "t");
  require_positive(lambda1, "lambda1");
  require_positive(lambda2, "lambda2");
  return lambda1 * lambda2 / (t * t * std::exp(8.0 / lambda2));
}

double pda_inner_iterations_unit_constants(double t, double lambda1, double lambda2) {
  return 1.0 / pda_inner_step_size_unit_constants(t, lambda1, lambda2);
}

double pda_total_inner_iterations_unit_constants(double T, double lambda1, double lambda2) {
  require_at_least(T, 1.0, "T");
  require_positive(lambda1, "lambda1");
  require_positive(lambda2, "lambda2");
  return std::exp(8.0 / lambda2) / (lambda1 * lambda2) * T * (T + 1.0) * (2.0 * T + 1.0) / 6.0;
}

double pda_average_weight(double s, double t) {
  require_at_least(t, 1.0, "t");
  if (!(std::isfinite(s) && s >= 1 && s <= t)) throw std::invalid_argument("s: must satisfy 1 <= s <= t");
  return 2.0 * s / ((t + 2.0) * (t + 1.0));
}

double pda_average_weight_sum(double t) {
  require_at_least(t, 1.0, "t");
  return t / (t + 2.0);
}

double pda_output_probability(int t, int T) {
  if (T < 1) throw std::invalid_argument("T: must be >= 1");
  if (t < 2 || t > T + 1) throw std::invalid_argument("t: must satisfy 2 <= t <= T + 1");
  return 2.0 * t / (static_cast<double>(T) * (T + 3.0));
}

}  // namespace ldbench::theory
