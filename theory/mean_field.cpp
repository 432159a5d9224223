#include "theory/mean_field.hpp"

#include "theory/detail/require.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ldbench::theory {

using detail::require_at_least;
using detail::require_nonnegative;
using detail::require_positive;

namespace {

void require_eps(double eps) {
  if (!(std::isfinite(eps) && eps > 0 && eps < 1)) throw std::invalid_argument("eps: must be in (0, 1)");
}

void require_batch(double n, double B) {
  require_at_least(n, 2.0, "n");
  if (!(std::isfinite(B) && B >= 1 && B <= n)) throw std::invalid_argument("B: must satisfy 1 <= B <= n");
}

void require_same_dim(const QuadraticMeanField& model, const Gaussian& mu, const char* name) {
  validate(mu, name);
  if (mu.dim() != model.dim())
    throw std::invalid_argument(std::string(name) + ": dimension " + std::to_string(mu.dim()) +
                                " does not match model dimension " + std::to_string(model.dim()));
}

double optimal_mean_factor(const QuadraticMeanField& m) { return m.c / (m.c + 2.0 * m.lambda1); }

double stationary_variance(const QuadraticMeanField& m) { return m.lambda2 / (2.0 * m.lambda1); }

}  // namespace

void validate(const QuadraticMeanField& model) {
  require_nonnegative(model.c, "model.c");
  require_positive(model.lambda1, "model.lambda1");
  require_positive(model.lambda2, "model.lambda2");
  if (model.b.size() == 0) throw std::invalid_argument("model.b: must be non-empty");
  if (!model.b.allFinite()) throw std::invalid_argument("model.b: entries must be finite");
}

double quadratic_mf_energy(const QuadraticMeanField& model, const Gaussian& mu) {
  validate(model);
  require_same_dim(model, mu, "mu");
  return 0.5 * model.c * (mu.mean - model.b).squaredNorm() +
         model.lambda1 * (mu.mean.squaredNorm() + mu.cov.trace());
}

double quadratic_mf_objective(const QuadraticMeanField& model, const Gaussian& mu) {
  return quadratic_mf_energy(model, mu) + model.lambda2 * neg_entropy(mu);
}

double quadratic_mf_first_variation(const QuadraticMeanField& model, const Gaussian& mu,
                                    const Eigen::VectorXd& x) {
  validate(model);
  require_same_dim(model, mu, "mu");
  if (x.size() != model.b.size()) throw std::invalid_argument("x: dimension does not match model dimension");
  if (!x.allFinite()) throw std::invalid_argument("x: entries must be finite");
  return model.c * (mu.mean - model.b).dot(x) + model.lambda1 * x.squaredNorm();
}

Gaussian quadratic_mf_proximal_gibbs(const QuadraticMeanField& model, const Gaussian& mu) {
  validate(model);
  require_same_dim(model, mu, "mu");
  const int d = model.dim();
  return {-model.c * (mu.mean - model.b) / (2.0 * model.lambda1),
          stationary_variance(model) * Eigen::MatrixXd::Identity(d, d)};
}

Gaussian quadratic_mf_optimum(const QuadraticMeanField& model) {
  validate(model);
  const int d = model.dim();
  return {optimal_mean_factor(model) * model.b, stationary_variance(model) * Eigen::MatrixXd::Identity(d, d)};
}

double quadratic_mf_optimal_value(const QuadraticMeanField& model) {
  return quadratic_mf_objective(model, quadratic_mf_optimum(model));
}

EntropySandwich quadratic_mf_entropy_sandwich(const QuadraticMeanField& model, const Gaussian& mu) {
  const Gaussian opt = quadratic_mf_optimum(model);
  const Gaussian prox = quadratic_mf_proximal_gibbs(model, mu);
  return {model.lambda2 * kl(mu, opt), quadratic_mf_objective(model, mu) - quadratic_mf_objective(model, opt),
          model.lambda2 * kl(mu, prox)};
}

Gaussian quadratic_mf_flow(const QuadraticMeanField& model, const Gaussian& mu0, double t) {
  validate(model);
  require_same_dim(model, mu0, "mu0");
  require_nonnegative(t, "t");
  const int d = model.dim();
  const Eigen::VectorXd mstar = optimal_mean_factor(model) * model.b;
  const double em = std::exp(-(model.c + 2.0 * model.lambda1) * t);
  const double es = std::exp(-4.0 * model.lambda1 * t);
  Gaussian out;
  out.mean = mstar + em * (mu0.mean - mstar);
  out.cov = es * mu0.cov + stationary_variance(model) * (-std::expm1(-4.0 * model.lambda1 * t)) *
                               Eigen::MatrixXd::Identity(d, d);
  out.cov = 0.5 * (out.cov + out.cov.transpose());
  return out;
}

MeanFieldOdeRhs quadratic_mf_ode_rhs(const QuadraticMeanField& model, const Gaussian& mu) {
  validate(model);
  require_same_dim(model, mu, "mu");
  const int d = model.dim();
  return {-(model.c * (mu.mean - model.b) + 2.0 * model.lambda1 * mu.mean),
          -4.0 * model.lambda1 * mu.cov + 2.0 * model.lambda2 * Eigen::MatrixXd::Identity(d, d)};
}

double quadratic_mf_lsi_constant(const QuadraticMeanField& model) {
  validate(model);
  return 2.0 * model.lambda1 / model.lambda2;
}

double mfld_free_energy_bound(double gap0, double alpha, double lambda2, double t) {
  require_nonnegative(gap0, "gap0");
  require_positive(alpha, "alpha");
  require_positive(lambda2, "lambda2");
  require_nonnegative(t, "t");
  return std::exp(-2.0 * alpha * lambda2 * t) * gap0;
}

namespace {
void require_particles(int N) {
  if (N < 1) throw std::invalid_argument("N: number of particles must be >= 1");
}
}  // namespace

NParticleStationary quadratic_mf_n_particle_stationary(const QuadraticMeanField& model, int N) {
  validate(model);
  require_particles(N);
  const int d = model.dim();
  const double a = stationary_variance(model);
  const double v = model.lambda2 / (N * (model.c + 2.0 * model.lambda1));
  const Eigen::VectorXd mstar = optimal_mean_factor(model) * model.b;
  NParticleStationary out;
  out.mean.resize(static_cast<Eigen::Index>(N) * d);
  for (int i = 0; i < N; ++i) out.mean.segment(static_cast<Eigen::Index>(i) * d, d) = mstar;
  const Eigen::MatrixXd blockN =
      a * (Eigen::MatrixXd::Identity(N, N) - Eigen::MatrixXd::Constant(N, N, 1.0 / N)) +
      v * Eigen::MatrixXd::Constant(N, N, 1.0);
  out.cov = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(N) * d, static_cast<Eigen::Index>(N) * d);
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j)
      out.cov.block(static_cast<Eigen::Index>(i) * d, static_cast<Eigen::Index>(j) * d, d, d) =
          blockN(i, j) * Eigen::MatrixXd::Identity(d, d);
  return out;
}

Eigen::MatrixXd quadratic_mf_n_particle_drift(const QuadraticMeanField& model, int N) {
  validate(model);
  require_particles(N);
  const int d = model.dim();
  const Eigen::MatrixXd blockN =
      2.0 * model.lambda1 * Eigen::MatrixXd::Identity(N, N) + Eigen::MatrixXd::Constant(N, N, model.c / N);
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(N) * d, static_cast<Eigen::Index>(N) * d);
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j)
      A.block(static_cast<Eigen::Index>(i) * d, static_cast<Eigen::Index>(j) * d, d, d) =
          blockN(i, j) * Eigen::MatrixXd::Identity(d, d);
  return A;
}

double quadratic_mf_n_particle_marginal_variance(const QuadraticMeanField& model, int N) {
  return stationary_variance(model) + quadratic_mf_n_particle_variance_bias(model, N);
}

Gaussian quadratic_mf_n_particle_marginal(const QuadraticMeanField& model, int N) {
  Gaussian g = quadratic_mf_optimum(model);
  g.cov = quadratic_mf_n_particle_marginal_variance(model, N) * Eigen::MatrixXd::Identity(model.dim(), model.dim());
  return g;
}

double quadratic_mf_n_particle_variance_bias(const QuadraticMeanField& model, int N) {
  validate(model);
  require_particles(N);
  return -model.lambda2 * model.c / (2.0 * model.lambda1 * (model.c + 2.0 * model.lambda1) * N);
}

double quadratic_mf_n_particle_free_energy_gap(const QuadraticMeanField& model, int N) {
  validate(model);
  require_particles(N);
  return model.lambda2 * model.dim() / (2.0 * N) * std::log1p(model.c / (2.0 * model.lambda1));
}

// ---------------------------------------------------------------------------------------------
// Exact discrete MFLD law (header).

namespace {

void require_step(const QuadraticMeanField& model, double eta) {
  const double lim = quadratic_mf_mfld_step_limit(model);
  if (!(std::isfinite(eta) && eta > 0 && eta < lim))
    throw std::invalid_argument("eta: step " + std::to_string(eta) + " must satisfy 0 < eta < min(2/(c + 2 lambda1), 1/lambda1) = " +
                                std::to_string(lim));
}

// (1 - x^{2k})/(1 - x²) for |x| < 1 (k steps of the variance recursion v <- x² v + 1 from 0).
double geometric_sum(double x, unsigned long long k) {
  const double x2 = x * x;
  const double pk = std::pow(x2, static_cast<double>(k));
  return (1.0 - pk) / (1.0 - x2);
}

}  // namespace

double quadratic_mf_mfld_step_limit(const QuadraticMeanField& model) {
  validate(model);
  return std::min(2.0 / (model.c + 2.0 * model.lambda1), 1.0 / model.lambda1);
}

MfldDiscreteLaw quadratic_mf_mfld_law(const QuadraticMeanField& model, const Gaussian& mu0, int N, double eta,
                                      unsigned long long k) {
  validate(model);
  require_same_dim(model, mu0, "mu0");
  require_particles(N);
  require_step(model, eta);
  const int d = model.dim();
  const double rho = 1.0 - eta * (model.c + 2.0 * model.lambda1), q = 1.0 - 2.0 * eta * model.lambda1;
  const double kk = static_cast<double>(k);
  const Eigen::VectorXd mstar = optimal_mean_factor(model) * model.b;
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(d, d);
  MfldDiscreteLaw L;
  L.N = N;
  L.mean = mstar + std::pow(rho, kk) * (mu0.mean - mstar);
  L.mean_mode_cov = std::pow(rho * rho, kk) * mu0.cov / N + (2.0 * eta * model.lambda2 / N) * geometric_sum(rho, k) * I;
  L.deviation_cov = std::pow(q * q, kk) * mu0.cov + 2.0 * eta * model.lambda2 * geometric_sum(q, k) * I;
  L.marginal_cov = L.mean_mode_cov + (1.0 - 1.0 / N) * L.deviation_cov;
  L.cross_cov = L.mean_mode_cov - L.deviation_cov / N;
  return L;
}

MfldDiscreteLaw quadratic_mf_mfld_stationary(const QuadraticMeanField& model, int N, double eta) {
  validate(model);
  require_particles(N);
  require_step(model, eta);
  const int d = model.dim();
  const double s = model.c + 2.0 * model.lambda1;
  const double V = model.lambda2 / (N * s * (1.0 - eta * s / 2.0));
  const double D = model.lambda2 / (2.0 * model.lambda1 * (1.0 - eta * model.lambda1));
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(d, d);
  MfldDiscreteLaw L;
  L.N = N;
  L.mean = optimal_mean_factor(model) * model.b;
  L.mean_mode_cov = V * I;
  L.deviation_cov = D * I;
  L.marginal_cov = (V + (1.0 - 1.0 / N) * D) * I;
  L.cross_cov = (V - D / N) * I;
  return L;
}

double quadratic_mf_mfld_step_bias(const QuadraticMeanField& model, double eta) {
  validate(model);
  require_step(model, eta);
  return model.lambda2 * eta / (2.0 * (1.0 - eta * model.lambda1));
}

double quadratic_mf_mfld_chaos_bias(const QuadraticMeanField& model, int N, double eta) {
  validate(model);
  require_particles(N);
  require_step(model, eta);
  const double s = model.c + 2.0 * model.lambda1;
  const double V = model.lambda2 / (N * s * (1.0 - eta * s / 2.0));
  const double D = model.lambda2 / (2.0 * model.lambda1 * (1.0 - eta * model.lambda1));
  return V - D / N;
}

// ---------------------------------------------------------------------------------------------

double uniform_in_n_lsi_bias(double C, double N, double lambda2, double alpha) {
  require_nonnegative(C, "C");
  require_at_least(N, 1.0, "N");
  require_positive(lambda2, "lambda2");
  require_positive(alpha, "alpha");
  return C / (N * lambda2 * alpha);
}

double minibatch_variance_factor(double n, double B) {
  require_batch(n, B);
  return (n - B) / (B * (n - 1.0));
}

double sgd_mfld_bound_unit_constants(double eta, double k, double alpha, double lambda2, double N, double n,
                                     double B) {
  require_positive(eta, "eta");
  require_nonnegative(k, "k");
  require_positive(alpha, "alpha");
  require_positive(lambda2, "lambda2");
  require_at_least(N, 1.0, "N");
  const double mb = minibatch_variance_factor(n, B);
  return std::exp(-lambda2 * eta * k * alpha) +
         (eta * eta + lambda2 * eta + 1.0 / N + mb * std::sqrt(eta * lambda2)) / (alpha * lambda2);
}

double sgd_mfld_step_size_unit_constants(double eps, double alpha, double lambda2, double n, double B) {
  require_eps(eps);
  require_positive(alpha, "alpha");
  require_positive(lambda2, "lambda2");
  require_batch(n, B);
  const double t1 = eps * alpha;
  const double t3 = std::sqrt(lambda2 * eps * alpha);
  const double r = (n - B) / (B * (n - 1.0));  // minibatch factor; t2 = (lambda2 eps alpha)²/(r² lambda2)
  const double t2 = r == 0.0 ? std::numeric_limits<double>::infinity()
                             : (lambda2 * eps * alpha) * (lambda2 * eps * alpha) / (r * r * lambda2);
  return std::min({t1, t2, t3});
}

double sgd_mfld_iterations_unit_constants(double eps, double alpha, double lambda2, double n, double B) {
  require_eps(eps);
  require_positive(alpha, "alpha");
  require_positive(lambda2, "lambda2");
  require_batch(n, B);
  const double r = (n - B) / (B * (n - 1.0));
  const double inv = 1.0 / (lambda2 * eps * alpha);
  return (1.0 / (eps * alpha) + inv * inv * lambda2 * r * r + std::sqrt(inv)) / (lambda2 * alpha) *
         std::log(1.0 / eps);
}

double sgd_mfld_optimal_batch_size(double eps, double alpha, double lambda2, double n) {
  require_eps(eps);
  require_positive(alpha, "alpha");
  require_positive(lambda2, "lambda2");
  require_at_least(n, 2.0, "n");
  return std::min(n, std::sqrt(1.0 / (lambda2 * alpha * eps)));
}

double svrg_mfld_bound_unit_constants(double eta, double k, double alpha, double lambda2, double N, double n,
                                      double B, double m) {
  require_positive(eta, "eta");
  require_nonnegative(k, "k");
  require_positive(alpha, "alpha");
  require_positive(lambda2, "lambda2");
  require_at_least(N, 1.0, "N");
  require_at_least(m, 1.0, "m");
  const double mb = minibatch_variance_factor(n, B);
  return std::exp(-lambda2 * eta * k * alpha) +
         (eta * eta + lambda2 * eta + 1.0 / N + mb * std::sqrt(lambda2) * eta * std::sqrt(m * (eta + lambda2))) /
             (lambda2 * alpha);
}

double svrg_mfld_step_size(double eps, double alpha, double lambda2) {
  require_eps(eps);
  require_positive(alpha, "alpha");
  require_positive(lambda2, "lambda2");
  return std::min(eps * alpha, std::sqrt(lambda2 * alpha * eps));
}

double svrg_mfld_iterations(double eps, double alpha, double lambda2) {
  const double eta = svrg_mfld_step_size(eps, alpha, lambda2);
  return std::log(1.0 / eps) / (lambda2 * alpha * eta);
}

double svrg_mfld_batch_size(double n) {
  require_at_least(n, 1.0, "n");
  return std::cbrt(n);
}

double svrg_mfld_epoch_length(double n) {
  require_at_least(n, 1.0, "n");
  return std::cbrt(n) * std::cbrt(n);
}

double svrg_mfld_gradient_evaluations(double eps, double alpha, double lambda2, double n) {
  const double k = svrg_mfld_iterations(eps, alpha, lambda2);
  return svrg_mfld_batch_size(n) * k + n * k / svrg_mfld_epoch_length(n);
}

}  // namespace ldbench::theory
