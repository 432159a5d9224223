#include "lib/models/logistic.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "lib/linalg/dense.hpp"
#include "lib/rng/philox.hpp"

namespace ldbench::lib::models {

namespace {

// softplus(t) = log(1 + e^t) without overflow.
inline double softplus(double t) { return std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t))); }
inline double sigmoid(double t) {
  if (t >= 0) return 1.0 / (1.0 + std::exp(-t));
  const double e = std::exp(t);
  return e / (1.0 + e);
}

// Per-thread gather buffers (no allocation per mini-batch after warm-up).
struct Scratch {
  LogisticRegression::RowMatrix rows;
  Eigen::VectorXd z1, z2, w;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

LogisticRegression::LogisticRegression(const Eigen::MatrixXd& features, const Eigen::VectorXd& labels,
                                       double prior_variance)
    : F_(features), y_(labels), s2_(prior_variance) {
  if (F_.rows() < 1 || F_.cols() < 1) throw std::invalid_argument("features: must be n x d with n, d >= 1");
  if (F_.rows() > static_cast<Eigen::Index>(UINT32_MAX)) throw std::invalid_argument("features: n too large");
  if (!F_.allFinite()) throw std::invalid_argument("features: must be finite");
  if (y_.size() != F_.rows()) throw std::invalid_argument("labels: size must equal the number of feature rows");
  bool pm = true, zo = true;
  for (Eigen::Index i = 0; i < y_.size(); ++i) {
    pm = pm && (y_(i) == 1.0 || y_(i) == -1.0);
    zo = zo && (y_(i) == 1.0 || y_(i) == 0.0);
  }
  if (!pm && !zo) throw std::invalid_argument("labels: must all be in {-1, +1} or all in {0, 1}");
  if (!pm) y_ = 2.0 * y_.array() - 1.0;
  if (!(std::isfinite(s2_) && s2_ > 0)) throw std::invalid_argument("prior_variance: must be finite and > 0");
  const Eigen::MatrixXd FtF = F_.transpose() * F_;
  M_ = 0.25 * linalg::symmetric_max_eigenvalue(FtF) + 1.0 / s2_;
}

void LogisticRegression::values(const ConstMatRef& X, VecRef out) const {
  if (X.rows() != dim() || out.size() != X.cols()) throw std::invalid_argument("X: must be d x m with out of size m");
  const Eigen::MatrixXd Z = F_ * X;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    double s = 0;
    for (Eigen::Index i = 0; i < Z.rows(); ++i) s += softplus(-y_(i) * Z(i, j));
    out(j) = s + X.col(j).squaredNorm() / (2 * s2_);
  }
}

void LogisticRegression::gradients(const ConstMatRef& X, MatRef G) const {
  if (X.rows() != dim() || G.rows() != dim() || G.cols() != X.cols())
    throw std::invalid_argument("X: must be d x m with G of the same shape");
  Eigen::MatrixXd W = F_ * X;  // n x m
  for (Eigen::Index j = 0; j < W.cols(); ++j)
    for (Eigen::Index i = 0; i < W.rows(); ++i) W(i, j) = -y_(i) * sigmoid(-y_(i) * W(i, j));
  G.noalias() = F_.transpose() * W;
  G += X / s2_;
}

void LogisticRegression::values_and_gradients(const ConstMatRef& X, VecRef out, MatRef G) const {
  if (X.rows() != dim() || G.rows() != dim() || G.cols() != X.cols() || out.size() != X.cols())
    throw std::invalid_argument("X: must be d x m with G of the same shape and out of size m");
  Eigen::MatrixXd W = F_ * X;  // n x m
  for (Eigen::Index j = 0; j < W.cols(); ++j) {
    double s = 0;
    for (Eigen::Index i = 0; i < W.rows(); ++i) {
      const double t = -y_(i) * W(i, j);
      s += softplus(t);
      W(i, j) = -y_(i) * sigmoid(t);
    }
    out(j) = s + X.col(j).squaredNorm() / (2 * s2_);
  }
  G.noalias() = F_.transpose() * W;
  G += X / s2_;
}

void LogisticRegression::batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const {
  const Eigen::Index d = F_.cols(), B = static_cast<Eigen::Index>(idx.size());
  Eigen::Map<Eigen::VectorXd> out(g, d);
  if (B == 0) {
    out.setZero();
    return;
  }
  Scratch& s = scratch();
  s.rows.resize(B, d);
  s.w.resize(B);
  for (Eigen::Index j = 0; j < B; ++j) {
    const std::uint32_t i = idx[static_cast<std::size_t>(j)];
    if (static_cast<Eigen::Index>(i) >= F_.rows()) throw std::invalid_argument("idx: example index out of range");
    s.rows.row(j) = F_.row(i);
  }
  s.z1.noalias() = s.rows * Eigen::Map<const Eigen::VectorXd>(x, d);
  for (Eigen::Index j = 0; j < B; ++j) {
    const double yi = y_(idx[static_cast<std::size_t>(j)]);
    s.w(j) = -yi * sigmoid(-yi * s.z1(j));
  }
  out.noalias() = s.rows.transpose() * s.w;
}

void LogisticRegression::batch_gradient_difference(const double* x, const double* y,
                                                   std::span<const std::uint32_t> idx, double* g) const {
  const Eigen::Index d = F_.cols(), B = static_cast<Eigen::Index>(idx.size());
  Eigen::Map<Eigen::VectorXd> out(g, d);
  if (B == 0) {
    out.setZero();
    return;
  }
  Scratch& s = scratch();
  s.rows.resize(B, d);
  s.w.resize(B);
  for (Eigen::Index j = 0; j < B; ++j) {
    const std::uint32_t i = idx[static_cast<std::size_t>(j)];
    if (static_cast<Eigen::Index>(i) >= F_.rows()) throw std::invalid_argument("idx: example index out of range");
    s.rows.row(j) = F_.row(i);
  }
  s.z1.noalias() = s.rows * Eigen::Map<const Eigen::VectorXd>(x, d);
  s.z2.noalias() = s.rows * Eigen::Map<const Eigen::VectorXd>(y, d);
  for (Eigen::Index j = 0; j < B; ++j) {
    const double yi = y_(idx[static_cast<std::size_t>(j)]);
    s.w(j) = -yi * (sigmoid(-yi * s.z1(j)) - sigmoid(-yi * s.z2(j)));
  }
  out.noalias() = s.rows.transpose() * s.w;
}

double LogisticRegression::example_value(std::uint32_t i, const double* x) const {
  if (static_cast<Eigen::Index>(i) >= F_.rows()) throw std::invalid_argument("i: example index out of range");
  const double t = F_.row(i).dot(Eigen::Map<const Eigen::VectorXd>(x, F_.cols()));
  return softplus(-y_(i) * t);
}

double LogisticRegression::regularizer_value(const double* x) const {
  return Eigen::Map<const Eigen::VectorXd>(x, F_.cols()).squaredNorm() / (2 * s2_);
}

void LogisticRegression::regularizer_gradient(const double* x, double* g) const {
  Eigen::Map<Eigen::VectorXd>(g, F_.cols()) = Eigen::Map<const Eigen::VectorXd>(x, F_.cols()) / s2_;
}

Eigen::MatrixXd LogisticRegression::hessian(const double* x) const {
  // sigma(t)(1 - sigma(t)) is even in t, so the label sign does not matter; evaluated as
  // 1/(1 + e^{-t}) exactly as the posterior driver's Laplace approximation always did.
  const Eigen::VectorXd th = Eigen::Map<const Eigen::VectorXd>(x, F_.cols());
  const Eigen::VectorXd t = (F_ * th).cwiseProduct(y_);
  Eigen::VectorXd w(t.size());
  for (Eigen::Index i = 0; i < t.size(); ++i) {
    const double s = 1.0 / (1.0 + std::exp(-t(i)));
    w(i) = s * (1.0 - s);
  }
  Eigen::MatrixXd H = F_.transpose() * w.asDiagonal() * F_;
  H.diagonal().array() += 1.0 / s2_;
  return H;
}

std::string LogisticRegression::description() const {
  std::ostringstream os;
  os << "Bayesian logistic regression: U(theta) = sum_i log(1 + exp(-y_i a_i'theta)) + |theta|^2/(2 s^2), n = "
     << F_.rows() << ", d = " << F_.cols() << ", s^2 = " << s2_ << ", M = " << M_;
  return os.str();
}

LogisticData make_synthetic_logistic_data(std::int64_t n, int d, std::uint32_t seed, double feature_scale,
                                          double theta_scale) {
  if (n < 1 || n > static_cast<std::int64_t>(UINT32_MAX)) throw std::invalid_argument("n: must be in [1, 2^32)");
  if (d < 1) throw std::invalid_argument("d: must be >= 1");
  if (!(std::isfinite(feature_scale) && feature_scale > 0))
    throw std::invalid_argument("feature_scale: must be finite and > 0");
  if (!(std::isfinite(theta_scale) && theta_scale >= 0))
    throw std::invalid_argument("theta_scale: must be finite and >= 0");
  const rng::Key key{seed, static_cast<std::uint32_t>(rng::StreamTag::model_data)};
  LogisticData out;
  out.features.resize(n, d);
  out.labels.resize(n);
  out.theta_true.resize(d);
  rng::NormalStream ts(key, 2, 0, 0);
  for (int j = 0; j < d; ++j) out.theta_true(j) = theta_scale / std::sqrt(static_cast<double>(d)) * ts.normal(static_cast<std::uint32_t>(j));
  for (std::int64_t i = 0; i < n; ++i) {
    const auto ui = static_cast<std::uint32_t>(i);
    rng::NormalStream fs(key, 1, ui, 0);
    for (int j = 0; j < d; ++j) out.features(i, j) = feature_scale * fs.normal(static_cast<std::uint32_t>(j));
    const double p = sigmoid(out.features.row(i).dot(out.theta_true));
    const double u = rng::uniform01x2({3, ui, 0, 0}, key)[0];
    out.labels(i) = u <= p ? 1.0 : -1.0;
  }
  return out;
}

}  // namespace ldbench::lib::models
