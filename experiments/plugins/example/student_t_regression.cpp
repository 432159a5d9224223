// Example model plugin: robust Bayesian linear regression with a Student-t likelihood, added to
// ldbench's finite-sum model catalogue (lib/models/registry.hpp) from a shared module. Build:
// experiments/plugins/meson.build (ldbench_example_model_plugin); use:
//   ldbench --plugin build/experiments/plugins/ldbench_example_model_plugin.so run spec.json
// with a `posterior` spec whose params.model is {"name": "student_t_regression", "dim": d, "params": {...}}.
//
// Model (Lange, Little & Taylor 1989, "Robust statistical modeling using the t distribution",
// JASA 84:881–896; Gelman et al., Bayesian Data Analysis, 3rd ed., §17.2):
//   y_i = a_iᵀθ + σ ε_i,  ε_i ~ t_ν,  prior θ ~ N(0, s² I),  r_i(θ) = y_i - a_iᵀθ, c = ν σ²,
//   l_i(θ) = (ν+1)/2 log(1 + r_i²/c)        (the t log-likelihood up to a constant),
//   R(θ)   = |θ|²/(2 s²),   U = Σ_i l_i + R,  pi ∝ exp(-U) (lambda = 1),
//   ∇l_i   = -ψ(r_i) a_i,   ψ(r) = (ν+1) r/(c + r²),
//   ∇²l_i  = ψ'(r_i) a_i a_iᵀ,  ψ'(r) = (ν+1)(c - r²)/(c + r²)².
// ψ' is largest at r = 0, (ν+1)/c, and smallest at r² = 3c, -(ν+1)/(8c) (d/du of (c - u)/(c + u)²
// is (u - 3c)/(c + u)³), so with A the n x d design matrix (rows a_iᵀ):
//   ∇²U ⪯ (ν+1)/(ν σ²) AᵀA + I/s²  =>  hessian_max M = (ν+1)/(ν σ²) λ_max(AᵀA) + 1/s²,
//   ∇²U ⪰ 1/s² - (ν+1)/(8 ν σ²) λ_max(AᵀA)  (hessian_min; negative when the likelihood can make U
//   non-convex, as heavy tails do: the posterior need not be log-concave).
// Synthetic data from `seed` (Philox, key (seed, 1001): plugin streams are >= 1000, lib/rng/philox.hpp):
//   a_i ~ N(0, I_d) (counter (1, i, 0, ·)), θ* ~ N(0, theta_scale² I_d / d) (counter (2, 0, 0, ·)),
//   y_i = a_iᵀθ* + σ z_i + o_i, z_i ~ N(0, 1) (counter (3, i, 0, 0), first normal), and with
//   probability outlier_fraction (uniform (4, i, 0, 0)) an outlier o_i = outlier_scale σ z'_i
//   (second normal of (3, i, 0, 0)); o_i = 0 otherwise. The t likelihood down-weights the outliers
//   (ψ(r) -> 0 as |r| -> ∞) where a Gaussian likelihood would follow them.
// Gradients: full gradients of a block of m points are two matrix products; mini-batches gather
// the B rows once. Costs as lib/models/finite_sum.hpp counts them (one per-example gradient = 1).
#include <Eigen/Core>
#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "experiments/plugin.hpp"
#include "lib/linalg/dense.hpp"
#include "lib/rng/philox.hpp"

namespace {

namespace mo = ldbench::lib::models;
namespace rng = ldbench::lib::rng;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class StudentTRegression final : public mo::FiniteSumPotential {
 public:
  StudentTRegression(RowMatrix A, Eigen::VectorXd y, double nu, double sigma, double prior_variance)
      : A_(std::move(A)), y_(std::move(y)), nu_(nu), c_(nu * sigma * sigma), s2_(prior_variance) {
    lmax_ = ldbench::lib::linalg::symmetric_max_eigenvalue(Eigen::MatrixXd(A_.transpose() * A_));
  }

  int dim() const override { return static_cast<int>(A_.cols()); }
  std::int64_t n() const override { return static_cast<std::int64_t>(A_.rows()); }

  void values(const mo::ConstMatRef& X, mo::VecRef out) const override {
    const Eigen::MatrixXd Rm = residuals(X);
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      double s = 0;
      for (Eigen::Index i = 0; i < Rm.rows(); ++i) s += loss(Rm(i, j));
      out(j) = s + X.col(j).squaredNorm() / (2 * s2_);
    }
  }
  void gradients(const mo::ConstMatRef& X, mo::MatRef G) const override {
    Eigen::MatrixXd Rm = residuals(X);
    for (Eigen::Index j = 0; j < Rm.cols(); ++j)
      for (Eigen::Index i = 0; i < Rm.rows(); ++i) Rm(i, j) = psi(Rm(i, j));
    G.noalias() = -A_.transpose() * Rm;
    G += X / s2_;
  }
  void batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const override {
    const Eigen::Index d = A_.cols(), B = static_cast<Eigen::Index>(idx.size());
    Eigen::Map<Eigen::VectorXd> out(g, d);
    if (B == 0) {
      out.setZero();
      return;
    }
    RowMatrix rows(B, d);
    Eigen::VectorXd w(B);
    for (Eigen::Index j = 0; j < B; ++j) {
      const std::uint32_t i = idx[static_cast<std::size_t>(j)];
      if (static_cast<Eigen::Index>(i) >= A_.rows()) throw std::invalid_argument("idx: example index out of range");
      rows.row(j) = A_.row(i);
      w(j) = y_(i);
    }
    w -= rows * Eigen::Map<const Eigen::VectorXd>(x, d);
    for (Eigen::Index j = 0; j < B; ++j) w(j) = psi(w(j));
    out.noalias() = -rows.transpose() * w;
  }
  double example_value(std::uint32_t i, const double* x) const override {
    if (static_cast<Eigen::Index>(i) >= A_.rows()) throw std::invalid_argument("i: example index out of range");
    return loss(y_(i) - A_.row(i).dot(Eigen::Map<const Eigen::VectorXd>(x, A_.cols())));
  }
  double regularizer_value(const double* x) const override {
    return Eigen::Map<const Eigen::VectorXd>(x, A_.cols()).squaredNorm() / (2 * s2_);
  }
  void regularizer_gradient(const double* x, double* g) const override {
    Eigen::Map<Eigen::VectorXd>(g, A_.cols()) = Eigen::Map<const Eigen::VectorXd>(x, A_.cols()) / s2_;
  }
  Eigen::MatrixXd hessian(const double* x) const override {
    const Eigen::VectorXd r = y_ - A_ * Eigen::Map<const Eigen::VectorXd>(x, A_.cols());
    Eigen::VectorXd w(r.size());
    for (Eigen::Index i = 0; i < r.size(); ++i) {
      const double q = c_ + r(i) * r(i);
      w(i) = (nu_ + 1) * (c_ - r(i) * r(i)) / (q * q);
    }
    Eigen::MatrixXd H = A_.transpose() * w.asDiagonal() * A_;
    H.diagonal().array() += 1.0 / s2_;
    return H;
  }
  std::optional<double> hessian_max() const override { return (nu_ + 1) / c_ * lmax_ + 1.0 / s2_; }
  std::optional<double> hessian_min() const override { return 1.0 / s2_ - (nu_ + 1) / (8 * c_) * lmax_; }
  std::string description() const override {
    std::ostringstream os;
    os << "robust Bayesian linear regression, Student-t likelihood: U(theta) = sum_i (nu+1)/2 log(1 + (y_i - a_i'theta)^2/(nu "
          "sigma^2)) + |theta|^2/(2 s^2), n = "
       << A_.rows() << ", d = " << A_.cols() << ", nu = " << nu_ << ", nu sigma^2 = " << c_ << ", s^2 = " << s2_
       << " (example plugin)";
    return os.str();
  }

 private:
  Eigen::MatrixXd residuals(const mo::ConstMatRef& X) const {
    if (X.rows() != A_.cols()) throw std::invalid_argument("X: must be d x m");
    Eigen::MatrixXd Rm = -(A_ * X);
    Rm.colwise() += y_;
    return Rm;
  }
  double loss(double r) const { return 0.5 * (nu_ + 1) * std::log1p(r * r / c_); }
  double psi(double r) const { return (nu_ + 1) * r / (c_ + r * r); }

  RowMatrix A_;
  Eigen::VectorXd y_;
  double nu_, c_, s2_, lmax_ = 0;
};

std::unique_ptr<mo::FiniteSumPotential> make_student_t(int d, const ldbench::lib::Params& p) {
  const long n = p.integer("n");
  const double nu = p.real("nu"), sigma = p.real("sigma"), frac = p.real("outlier_fraction");
  const double out_scale = p.real("outlier_scale"), theta_scale = p.real("theta_scale");
  const rng::Key key{static_cast<std::uint32_t>(p.integer("seed")), 1001u};
  Eigen::VectorXd theta(d);
  const rng::NormalStream ts(key, 2, 0, 0);
  for (int j = 0; j < d; ++j) theta(j) = theta_scale / std::sqrt(static_cast<double>(d)) * ts.normal(static_cast<std::uint32_t>(j));
  RowMatrix A(n, d);
  Eigen::VectorXd y(n);
  for (long i = 0; i < n; ++i) {
    const auto ui = static_cast<std::uint32_t>(i);
    const rng::NormalStream fs(key, 1, ui, 0);
    for (int j = 0; j < d; ++j) A(i, j) = fs.normal(static_cast<std::uint32_t>(j));
    const auto z = rng::normal2({3, ui, 0, 0}, key);
    const bool outlier = rng::uniform01x2({4, ui, 0, 0}, key)[0] <= frac;
    y(i) = A.row(i).dot(theta) + sigma * z[0] + (outlier ? out_scale * sigma * z[1] : 0.0);
  }
  return std::make_unique<StudentTRegression>(std::move(A), std::move(y), nu, sigma, p.real("prior_variance"));
}

ldbench::lib::ParamSpec real(std::string name, double def, double lo, double hi, std::string doc) {
  ldbench::lib::ParamSpec s;
  s.name = std::move(name);
  s.type = ldbench::lib::ParamSpec::Type::real;
  s.default_value = def;
  s.lo = lo;
  s.hi = hi;
  s.doc = std::move(doc);
  return s;
}
ldbench::lib::ParamSpec integer(std::string name, long def, long lo, long hi, std::string doc) {
  ldbench::lib::ParamSpec s;
  s.name = std::move(name);
  s.type = ldbench::lib::ParamSpec::Type::integer;
  s.default_value = def;
  s.lo = static_cast<double>(lo);
  s.hi = static_cast<double>(hi);
  s.doc = std::move(doc);
  return s;
}

}  // namespace

LDBENCH_PLUGIN(host) {
  if (!host.models) throw std::invalid_argument("host.models: this host has no model catalogue");
  mo::ModelInfo info;
  info.name = "student_t_regression";
  info.description =
      "robust Bayesian linear regression: l_i = (nu+1)/2 log(1 + (y_i - a_i'theta)^2/(nu sigma^2)), R = |theta|^2/(2 s^2), "
      "synthetic data from seed (Lange, Little & Taylor 1989); example plugin shipped with ldbench";
  info.params = {integer("n", 200, 2, 10000000, "number of examples"),
                 real("nu", 4.0, 0.1, 1e6, "degrees of freedom of the t likelihood"),
                 real("sigma", 1.0, 1e-6, 1e6, "scale of the t likelihood (and of the data's noise)"),
                 real("prior_variance", 10.0, 1e-12, 1e12, "Gaussian prior variance s^2"),
                 real("theta_scale", 1.0, 0.0, 1e6, "|theta*| scale of the synthetic data"),
                 real("outlier_fraction", 0.05, 0.0, 1.0, "probability that an example is an outlier"),
                 real("outlier_scale", 10.0, 0.0, 1e6, "outlier size in units of sigma"),
                 integer("seed", 1, 0, 4294967295L, "seed of the synthetic data")};
  info.needs_data = false;
  info.origin = host.plugin_path;
  host.models->add(info, [](int dim, const ldbench::lib::Params& p, const mo::ModelData*) { return make_student_t(dim, p); });
}
