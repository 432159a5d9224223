#include "lib/models/tilted_double_well.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "lib/rng/philox.hpp"
#include "lib/linalg/dense.hpp"

namespace ldbench::lib::models {

namespace {
void require(bool ok, const std::string& msg) {
  if (!ok) throw std::invalid_argument(msg);
}
// Hot-path form: no string is built unless the check fails.
void require_index(std::uint32_t i, std::int64_t n) {
  if (i >= n) throw std::invalid_argument("idx: index " + std::to_string(i) + " out of range [0, " + std::to_string(n) + ")");
}
}  // namespace

TiltedDoubleWellSum::TiltedDoubleWellSum(int d, std::int64_t n, const TiltedDoubleWellParams& p,
                                         std::uint32_t seed)
    : d_(d), n_(n), p_(p) {
  require(d >= 1, "dim: must be >= 1, got " + std::to_string(d));
  require(n >= std::max<std::int64_t>(2, d + 1) && n <= (std::int64_t{1} << 31),
          "n: must be in [max(2, dim + 1), 2^31], got " + std::to_string(n));
  require(std::isfinite(p.a) && p.a > 0, "a: must be finite and > 0");
  require(std::isfinite(p.b) && p.b >= 0, "b: must be finite and >= 0");
  require(std::isfinite(p.tau), "tau: must be finite");
  require(std::isfinite(p.kappa) && p.kappa > 0, "kappa: must be finite and > 0");
  require(std::isfinite(p.sigma) && p.sigma >= 0, "sigma: must be finite and >= 0");

  // z_i: Philox normals, centred, then whitened so that (1/n) Z Zᵀ = I exactly (to rounding).
  const rng::Key key{seed, static_cast<std::uint32_t>(rng::StreamTag::model_data)};
  Eigen::MatrixXd Z(d, n);
  for (std::int64_t i = 0; i < n; ++i) rng::NormalStream(key, 0, static_cast<std::uint32_t>(i), 0).fill(Z.col(i).data(), d);
  Z.colwise() -= Z.rowwise().mean();
  const Eigen::MatrixXd cov = Z * Z.transpose() / static_cast<double>(n);
  const linalg::Cholesky llt(cov);
  require(llt.ok(), "n: the data terms are degenerate; use a larger n");
  Z = llt.solve_lower(Z);
  W_ = p.sigma * Z;
  W_.row(0).array() += p.tau;
  W_ /= static_cast<double>(n);

  // Critical points of V: sign changes of V'(s) = 4a s³ - 2b s + tau on a bracket holding them all
  // (|s| <= S implies |4a s³| dominates), refined by bisection. Minima: V' from - to +.
  const double S = 2.0 + std::sqrt(p.b / p.a) + std::cbrt(std::abs(p.tau) / p.a);
  auto dV = [&](double s) { return (4 * p.a * s * s - 2 * p.b) * s + p.tau; };
  std::vector<double> minima;
  const int m = 40000;
  double s0 = -S, f0 = dV(s0);
  for (int k = 1; k <= m; ++k) {
    const double s1 = -S + 2 * S * k / m, f1 = dV(s1);
    if (f0 < 0 && f1 >= 0) {
      double lo = s0, hi = s1;
      for (int it = 0; it < 200 && hi - lo > 1e-16 * (1 + std::abs(lo)); ++it) {
        const double mid = 0.5 * (lo + hi);
        (dV(mid) < 0 ? lo : hi) = mid;
      }
      minima.push_back(0.5 * (lo + hi));
    }
    s0 = s1;
    f0 = f1;
  }
  require(!minima.empty(), "a: V has no minimum in the bracket (internal error)");
  s_star_ = minima[0];
  for (double s : minima)
    if (V(s) < V(s_star_)) s_star_ = s;
  s_loc_ = std::numeric_limits<double>::quiet_NaN();
  for (double s : minima)
    if (s != s_star_) s_loc_ = s;
  v_star_ = V(s_star_);
}

void TiltedDoubleWellSum::values(const ConstMatRef& X, VecRef out) const {
  if (X.rows() != d_ || out.size() != X.cols()) require(false, "X: must be dim x m with out of size m");
  for (Eigen::Index j = 0; j < X.cols(); ++j)
    out(j) = V(X(0, j)) + 0.5 * p_.kappa * X.col(j).tail(d_ - 1).squaredNorm();
}

void TiltedDoubleWellSum::gradients(const ConstMatRef& X, MatRef G) const {
  if (X.rows() != d_ || G.rows() != d_ || G.cols() != X.cols()) require(false, "X: must be dim x m, G the same shape");
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const double s = X(0, j);
    G(0, j) = (4 * p_.a * s * s - 2 * p_.b) * s + p_.tau;
    G.col(j).tail(d_ - 1) = p_.kappa * X.col(j).tail(d_ - 1);
  }
}

void TiltedDoubleWellSum::batch_gradient_sum(const double*, std::span<const std::uint32_t> idx, double* g) const {
  Eigen::Map<Eigen::VectorXd> out(g, d_);
  out.setZero();
  for (std::uint32_t i : idx) {
    require_index(i, n_);
    out += W_.col(i);
  }
}

void TiltedDoubleWellSum::batch_gradient_difference(const double*, const double*, std::span<const std::uint32_t> idx,
                                                    double* g) const {
  for (std::uint32_t i : idx) require_index(i, n_);
  Eigen::Map<Eigen::VectorXd>(g, d_).setZero();  // ∇l_i does not depend on x
}

double TiltedDoubleWellSum::example_value(std::uint32_t i, const double* x) const {
  require_index(i, n_);
  return W_.col(i).dot(Eigen::Map<const Eigen::VectorXd>(x, d_));
}

double TiltedDoubleWellSum::regularizer_value(const double* x) const {
  const double s = x[0];
  double r = (p_.a * s * s - p_.b) * s * s;
  for (int j = 1; j < d_; ++j) r += 0.5 * p_.kappa * x[j] * x[j];
  return r;
}

void TiltedDoubleWellSum::regularizer_gradient(const double* x, double* g) const {
  const double s = x[0];
  g[0] = (4 * p_.a * s * s - 2 * p_.b) * s;
  for (int j = 1; j < d_; ++j) g[j] = p_.kappa * x[j];
}

double TiltedDoubleWellSum::curvature_at_minimum() const { return 12 * p_.a * s_star_ * s_star_ - 2 * p_.b; }

double TiltedDoubleWellSum::gibbs_excess(double lambda) const {
  require(std::isfinite(lambda) && lambda > 0, "lambda: must be finite and > 0");
  // Integration range: V - V* >= 60 lambda at both ends (weights below e^-60 are dropped).
  auto far = [&](double dir) {
    double step = 0.5, s = s_star_;
    while (V(s) - v_star_ < 60 * lambda || std::abs(s - s_star_) < 1e-3) s += dir * step, step *= 1.5;
    return s;
  };
  const double lo = far(-1.0), hi = far(1.0);
  // Composite Simpson; the step resolves the narrowest well width sqrt(lambda / V''(s*)).
  const double width = std::sqrt(lambda / std::max(curvature_at_minimum(), 1e-12));
  long m = static_cast<long>(std::ceil((hi - lo) / (width / 200)));
  m = std::clamp(m, 20000L, 20000000L);
  if (m % 2) ++m;
  const double h = (hi - lo) / static_cast<double>(m);
  long double z = 0, e = 0;
  for (long k = 0; k <= m; ++k) {
    const double s = lo + h * static_cast<double>(k);
    const double w = (k == 0 || k == m) ? 1 : (k % 2 ? 4 : 2);
    const double dv = V(s) - v_star_;
    const double f = std::exp(-dv / lambda);
    z += w * f;
    e += w * f * dv;
  }
  return static_cast<double>(e / z) + 0.5 * (d_ - 1) * lambda;
}

double TiltedDoubleWellSum::minibatch_noise_variance(std::uint32_t B) const {
  require(B >= 1 && B <= n_, "B: must be in [1, n]");
  if (n_ == 1) return 0.0;
  return p_.sigma * p_.sigma * static_cast<double>(n_ - B) / (static_cast<double>(B) * static_cast<double>(n_ - 1));
}

std::string TiltedDoubleWellSum::description() const {
  std::ostringstream os;
  os << "tilted double well U(x) = " << p_.a << " x1^4 - " << p_.b << " x1^2 + " << p_.tau << " x1 + (" << p_.kappa
     << "/2)|x_2:d|^2 as sum of n = " << n_ << " linear data terms with spread sigma = " << p_.sigma << ", d = " << d_;
  return os.str();
}

}  // namespace ldbench::lib::models
