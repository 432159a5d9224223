#include "theory/diffusion.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <string>

#include "theory/detail/require.hpp"
#include "lib/linalg/dense.hpp"

namespace ldbench::theory {

using detail::require_nonnegative;
using detail::require_positive;

// ---------------------------------------------------------------------------------------------
// Forward process.

double diffusion_alpha(double t) {
  require_nonnegative(t, "t");
  return std::exp(-t);
}

double diffusion_sigma2(double t) {
  require_nonnegative(t, "t");
  return -std::expm1(-2.0 * t);
}

double diffusion_log_snr(double t) {
  require_positive(t, "t");
  return -t - 0.5 * std::log(-std::expm1(-2.0 * t));
}

double diffusion_time_from_log_snr(double log_snr) {
  if (!std::isfinite(log_snr)) throw std::invalid_argument("log_snr: must be finite");
  return 0.5 * std::log1p(std::exp(-2.0 * log_snr));
}

GaussianMixture::GaussianMixture(std::vector<double> weights, std::vector<Gaussian> components)
    : weights_(std::move(weights)), components_(std::move(components)) {
  if (components_.empty()) throw std::invalid_argument("components: need at least one component");
  if (weights_.size() != components_.size())
    throw std::invalid_argument("weights: need one weight per component (" + std::to_string(components_.size()) + ")");
  double sum = 0;
  for (double w : weights_) {
    if (!(std::isfinite(w) && w > 0)) throw std::invalid_argument("weights: entries must be finite and > 0");
    sum += w;
  }
  if (std::abs(sum - 1.0) > 1e-12) throw std::invalid_argument("weights: must sum to 1");
  const long d = components_.front().mean.size();
  for (std::size_t k = 0; k < components_.size(); ++k) {
    const std::string name = "components[" + std::to_string(k) + "]";
    validate(components_[k], name.c_str());
    if (components_[k].mean.size() != d)
      throw std::invalid_argument(name + ": dimension " + std::to_string(components_[k].mean.size()) +
                                  " differs from components[0]'s " + std::to_string(d));
    chol_.push_back(lib::linalg::Cholesky(components_[k].cov).matrixL());
    const double log_det = 2.0 * chol_.back().diagonal().array().log().sum();
    log_norm_.push_back(std::log(weights_[k]) - 0.5 * (static_cast<double>(d) * std::log(2.0 * std::numbers::pi) + log_det));
  }
}

void GaussianMixture::check_point(const Eigen::VectorXd& x) const {
  if (x.size() != dim())
    throw std::invalid_argument("x: dimension " + std::to_string(x.size()) + " does not match the mixture's " +
                                std::to_string(dim()));
}

double GaussianMixture::log_density(const Eigen::VectorXd& x) const {
  check_point(x);
  double mx = -INFINITY;
  std::vector<double> l(components_.size());
  for (std::size_t k = 0; k < components_.size(); ++k) {
    const Eigen::VectorXd z = chol_[k].triangularView<Eigen::Lower>().solve(x - components_[k].mean);
    l[k] = log_norm_[k] - 0.5 * z.squaredNorm();
    mx = std::max(mx, l[k]);
  }
  double s = 0;
  for (double v : l) s += std::exp(v - mx);
  return mx + std::log(s);
}

Eigen::VectorXd GaussianMixture::score(const Eigen::VectorXd& x) const {
  check_point(x);
  const std::size_t K = components_.size();
  std::vector<double> l(K);
  std::vector<Eigen::VectorXd> g(K);
  double mx = -INFINITY;
  for (std::size_t k = 0; k < K; ++k) {
    const auto L = chol_[k].triangularView<Eigen::Lower>();
    const Eigen::VectorXd z = L.solve(x - components_[k].mean);
    l[k] = log_norm_[k] - 0.5 * z.squaredNorm();
    g[k] = -L.transpose().solve(z);  // -S_k⁻¹ (x - m_k)
    mx = std::max(mx, l[k]);
  }
  double s = 0;
  Eigen::VectorXd out = Eigen::VectorXd::Zero(x.size());
  for (std::size_t k = 0; k < K; ++k) {
    const double r = std::exp(l[k] - mx);
    s += r;
    out += r * g[k];
  }
  return out / s;
}

Eigen::VectorXd GaussianMixture::mean() const {
  Eigen::VectorXd m = Eigen::VectorXd::Zero(dim());
  for (std::size_t k = 0; k < components_.size(); ++k) m += weights_[k] * components_[k].mean;
  return m;
}

Eigen::MatrixXd GaussianMixture::covariance() const {
  const Eigen::VectorXd m = mean();
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(dim(), dim());
  for (std::size_t k = 0; k < components_.size(); ++k) {
    const Eigen::VectorXd dm = components_[k].mean - m;
    c += weights_[k] * (components_[k].cov + dm * dm.transpose());
  }
  return c;
}

Gaussian diffusion_forward_marginal(const Gaussian& data, double t) {
  validate(data, "data");
  const double a = diffusion_alpha(t), s2 = diffusion_sigma2(t);
  const long d = data.mean.size();
  return {a * data.mean, a * a * data.cov + s2 * Eigen::MatrixXd::Identity(d, d)};
}

GaussianMixture diffusion_forward_marginal(const GaussianMixture& data, double t) {
  std::vector<Gaussian> comps;
  for (const auto& c : data.components()) comps.push_back(diffusion_forward_marginal(c, t));
  return GaussianMixture(data.weights(), std::move(comps));
}

Eigen::VectorXd diffusion_dsm_target(const Eigen::VectorXd& x_t, const Eigen::VectorXd& x_0, double t) {
  require_positive(t, "t");
  if (x_0.size() != x_t.size()) throw std::invalid_argument("x_0: dimension does not match x_t's");
  return -(x_t - diffusion_alpha(t) * x_0) / diffusion_sigma2(t);
}

double diffusion_dsm_esm_gap(const Gaussian& data, double t) {
  require_positive(t, "t");
  const Gaussian pt = diffusion_forward_marginal(data, t);
  const long d = data.mean.size();
  const double fisher = lib::linalg::Cholesky(pt.cov).inverse().trace();
  return static_cast<double>(d) / diffusion_sigma2(t) - fisher;
}

// ---------------------------------------------------------------------------------------------
// Error decomposition.

double reverse_initialization_kl_bound(double kl_data_to_gamma, double T) {
  require_nonnegative(kl_data_to_gamma, "kl_data_to_gamma");
  require_nonnegative(T, "T");
  return std::exp(-2.0 * T) * kl_data_to_gamma;
}

double reverse_initialization_tv_bound(double kl_data_to_gamma, double T) {
  require_nonnegative(kl_data_to_gamma, "kl_data_to_gamma");
  require_nonnegative(T, "T");
  return std::exp(-T) * std::sqrt(0.5 * kl_data_to_gamma);
}

double reverse_girsanov_kl_bound(double kl_init, double score_mse_integral) {
  require_nonnegative(kl_init, "kl_init");
  require_nonnegative(score_mse_integral, "score_mse_integral");
  return kl_init + score_mse_integral;
}

namespace {

// Data in the eigenbasis of its covariance: S = Q diag(s) Qᵀ, mean coordinates m = Qᵀ mean.
struct EigenData {
  Eigen::MatrixXd Q;
  Eigen::VectorXd s, m;
};

EigenData eigen_data(const Gaussian& data) {
  validate(data, "data");
  const lib::linalg::SymmetricEigen es = lib::linalg::symmetric_eigen(data.cov);
  return {es.vectors, es.values, es.vectors.transpose() * data.mean};
}

void check_init(const Gaussian& init, long d) {
  validate(init, "init");
  if (init.mean.size() != d)
    throw std::invalid_argument("init: dimension " + std::to_string(init.mean.size()) + " does not match the data's " +
                                std::to_string(d));
}

void check_bias(const Eigen::VectorXd& b, long d) {
  if (b.size() != d)
    throw std::invalid_argument("score_bias: dimension " + std::to_string(b.size()) + " does not match the data's " +
                                std::to_string(d) + " (pass zeros for the exact score)");
  if (!b.allFinite()) throw std::invalid_argument("score_bias: non-finite entry");
}

// law = M init + c (+ noise N), with M = Q diag(a) Qᵀ and N = Q diag(n) Qᵀ.
Gaussian apply_diagonal_affine(const EigenData& e, const Gaussian& init, const Eigen::VectorXd& a,
                               const Eigen::VectorXd& c, const Eigen::VectorXd& n) {
  const Eigen::MatrixXd M = e.Q * a.asDiagonal() * e.Q.transpose();
  Gaussian out{M * init.mean + e.Q * c, M * init.cov * M.transpose() + e.Q * n.asDiagonal() * e.Q.transpose()};
  out.cov = 0.5 * (out.cov + out.cov.transpose());
  return out;
}

// ∫_{alpha_T}^{alpha_t} du / (1 + c u²).
double bias_integral(double c, double u_lo, double u_hi) {
  auto G = [c](double u) {
    if (c > 0) return std::atan(std::sqrt(c) * u) / std::sqrt(c);
    if (c < 0) return std::atanh(std::sqrt(-c) * u) / std::sqrt(-c);
    return u;
  };
  return G(u_hi) - G(u_lo);
}

}  // namespace

Gaussian diffusion_reverse_sde_law(const Gaussian& data, const Gaussian& init, double T, double t,
                                   const Eigen::VectorXd& score_bias) {
  const EigenData e = eigen_data(data);
  const long d = e.s.size();
  check_init(init, d);
  check_bias(score_bias, d);
  require_positive(T, "T");
  require_positive(t, "t");
  if (t > T) throw std::invalid_argument("t: must be <= T (the reverse process runs from T down to t)");
  const Eigen::VectorXd delta = e.Q.transpose() * score_bias;
  const double aT = diffusion_alpha(T), at = diffusion_alpha(t);
  Eigen::VectorXd a(d), c(d), n(d);
  for (long i = 0; i < d; ++i) {
    const double cc = e.s(i) - 1.0;
    const double vT = 1.0 + cc * aT * aT, vt = 1.0 + cc * at * at;
    const double mean_gain = (vt / vT) * std::exp(-(T - t));
    // mean_t = at m + mean_gain (mean_T - aT m) + 2 delta vt e^t ∫: affine in mean_T.
    a(i) = mean_gain;
    c(i) = at * e.m(i) - mean_gain * aT * e.m(i) + 2.0 * delta(i) * vt * std::exp(t) * bias_integral(cc, aT, at);
    // var_t = vt + mean_gain² (var_T - vT): M var_T M + (vt - mean_gain² vT).
    n(i) = vt - mean_gain * mean_gain * vT;
  }
  return apply_diagonal_affine(e, init, a, c, n);
}

// ---------------------------------------------------------------------------------------------
// Discrete solvers.

std::string to_string(ReverseSolver s) {
  switch (s) {
    case ReverseSolver::euler_maruyama: return "euler_maruyama";
    case ReverseSolver::euler: return "euler";
    case ReverseSolver::heun: return "heun";
    case ReverseSolver::ddim: return "ddim";
    case ReverseSolver::dpm_solver_2: return "dpm_solver_2";
    case ReverseSolver::dpm_solver_3: return "dpm_solver_3";
  }
  return "?";
}

ReverseSolver parse_reverse_solver(const std::string& name) {
  for (auto s : {ReverseSolver::euler_maruyama, ReverseSolver::euler, ReverseSolver::heun, ReverseSolver::ddim,
                 ReverseSolver::dpm_solver_2, ReverseSolver::dpm_solver_3})
    if (to_string(s) == name) return s;
  throw std::invalid_argument("solver: unknown \"" + name +
                              "\"; use euler_maruyama, euler, heun, ddim, dpm_solver_2 or dpm_solver_3");
}

int reverse_solver_claimed_order(ReverseSolver s) {
  switch (s) {
    case ReverseSolver::euler_maruyama:
    case ReverseSolver::euler:
    case ReverseSolver::ddim: return 1;
    case ReverseSolver::heun:
    case ReverseSolver::dpm_solver_2: return 2;
    case ReverseSolver::dpm_solver_3: return 3;
  }
  return 0;
}

int reverse_solver_score_evaluations_per_step(ReverseSolver s) {
  switch (s) {
    case ReverseSolver::euler_maruyama:
    case ReverseSolver::euler:
    case ReverseSolver::ddim: return 1;
    case ReverseSolver::heun:
    case ReverseSolver::dpm_solver_2: return 2;
    case ReverseSolver::dpm_solver_3: return 3;
  }
  return 0;
}

std::vector<double> diffusion_time_grid(double T, double t_min, int K, TimeSpacing spacing) {
  require_positive(T, "T");
  require_positive(t_min, "t_min");
  if (!(t_min < T)) throw std::invalid_argument("t_min: must be < T");
  if (K < 1) throw std::invalid_argument("K: need at least one step");
  std::vector<double> g(static_cast<std::size_t>(K) + 1);
  if (spacing == TimeSpacing::uniform_time) {
    for (int k = 0; k <= K; ++k) g[static_cast<std::size_t>(k)] = T + (t_min - T) * k / K;
  } else {
    const double l0 = diffusion_log_snr(T), l1 = diffusion_log_snr(t_min);
    for (int k = 0; k <= K; ++k) g[static_cast<std::size_t>(k)] = diffusion_time_from_log_snr(l0 + (l1 - l0) * k / K);
  }
  g.front() = T;
  g.back() = t_min;
  return g;
}

namespace {

// One coordinate of the data in its eigenbasis: mean m, variance s; score bias delta.
struct Coordinate {
  double m, s, delta;
  double score(double y, double t) const {
    const double a = std::exp(-t);
    const double v = a * a * s - std::expm1(-2.0 * t);
    return -(y - a * m) / v + delta;
  }
};

// One step of `solver` from t to t_next < t at the point y (deterministic part) for one
// coordinate. Affine in y, so two evaluations give its coefficients.
double solver_step(ReverseSolver solver, const Coordinate& c, double y, double t, double tn) {
  const double h = t - tn;
  auto f = [&](double x, double tt) { return x + c.score(x, tt); };                           // PF velocity
  auto sig = [](double tt) { return std::sqrt(-std::expm1(-2.0 * tt)); };
  auto eps = [&](double x, double tt) { return -sig(tt) * c.score(x, tt); };                   // noise prediction
  auto alpha = [](double tt) { return std::exp(-tt); };
  switch (solver) {
    case ReverseSolver::euler_maruyama: return y + h * (y + 2.0 * c.score(y, t));
    case ReverseSolver::euler: return y + h * f(y, t);
    case ReverseSolver::heun: {
      const double k1 = f(y, t);
      const double yp = y + h * k1;
      return y + 0.5 * h * (k1 + f(yp, tn));
    }
    case ReverseSolver::ddim: {
      const double e = eps(y, t);
      const double x0 = (y - sig(t) * e) / alpha(t);
      return alpha(tn) * x0 + sig(tn) * e;
    }
    case ReverseSolver::dpm_solver_2: {
      const double lt = diffusion_log_snr(t), hl = diffusion_log_snr(tn) - lt;
      const double s1 = diffusion_time_from_log_snr(lt + 0.5 * hl);
      const double e0 = eps(y, t);
      const double u = (alpha(s1) / alpha(t)) * y - sig(s1) * std::expm1(0.5 * hl) * e0;
      return (alpha(tn) / alpha(t)) * y - sig(tn) * std::expm1(hl) * eps(u, s1);
    }
    case ReverseSolver::dpm_solver_3: {
      const double r1 = 1.0 / 3.0, r2 = 2.0 / 3.0;
      const double lt = diffusion_log_snr(t), hl = diffusion_log_snr(tn) - lt;
      const double s1 = diffusion_time_from_log_snr(lt + r1 * hl), s2 = diffusion_time_from_log_snr(lt + r2 * hl);
      const double e0 = eps(y, t);
      const double u1 = (alpha(s1) / alpha(t)) * y - sig(s1) * std::expm1(r1 * hl) * e0;
      const double D1 = eps(u1, s1) - e0;
      const double u2 = (alpha(s2) / alpha(t)) * y - sig(s2) * std::expm1(r2 * hl) * e0 -
                        (sig(s2) * r2 / r1) * (std::expm1(r2 * hl) / (r2 * hl) - 1.0) * D1;
      const double D2 = eps(u2, s2) - e0;
      return (alpha(tn) / alpha(t)) * y - sig(tn) * std::expm1(hl) * e0 -
             (sig(tn) / r2) * (std::expm1(hl) / hl - 1.0) * D2;
    }
  }
  return y;
}

}  // namespace

Gaussian diffusion_reverse_solver_law(const Gaussian& data, const Gaussian& init, ReverseSolver solver,
                                      const std::vector<double>& grid, const Eigen::VectorXd& score_bias) {
  const EigenData e = eigen_data(data);
  const long d = e.s.size();
  check_init(init, d);
  check_bias(score_bias, d);
  if (grid.size() < 2) throw std::invalid_argument("grid: need at least 2 times (T and t_min)");
  for (std::size_t k = 0; k < grid.size(); ++k) {
    if (!std::isfinite(grid[k])) throw std::invalid_argument("grid: non-finite time");
    if (k > 0 && !(grid[k] < grid[k - 1])) throw std::invalid_argument("grid: times must be strictly decreasing");
  }
  if (!(grid.back() > 0)) throw std::invalid_argument("grid: the last time t_min must be > 0 (the score blows up at 0)");
  const Eigen::VectorXd delta = e.Q.transpose() * score_bias;
  Eigen::VectorXd a(d), c(d), n(d);
  for (long i = 0; i < d; ++i) {
    const Coordinate co{e.m(i), e.s(i), delta(i)};
    double A = 1, B = 0, N = 0;  // y_k = A y_0 + B + noise of variance N
    for (std::size_t k = 0; k + 1 < grid.size(); ++k) {
      const double b0 = solver_step(solver, co, 0.0, grid[k], grid[k + 1]);
      const double a1 = solver_step(solver, co, 1.0, grid[k], grid[k + 1]) - b0;
      const double q = solver == ReverseSolver::euler_maruyama ? 2.0 * (grid[k] - grid[k + 1]) : 0.0;
      A *= a1;
      B = a1 * B + b0;
      N = a1 * a1 * N + q;
    }
    a(i) = A;
    c(i) = B;
    n(i) = N;
  }
  return apply_diagonal_affine(e, init, a, c, n);
}

}  // namespace ldbench::theory
