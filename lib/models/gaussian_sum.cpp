#include "lib/models/gaussian_sum.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "lib/rng/philox.hpp"
#include "lib/linalg/dense.hpp"

namespace ldbench::lib::models {

GaussianFiniteSum::GaussianFiniteSum(Eigen::VectorXd mean, Eigen::MatrixXd precision, Eigen::VectorXd weights,
                                     Eigen::MatrixXd centres)
    : mean_(std::move(mean)), A_(std::move(precision)), w_(std::move(weights)), C_(std::move(centres)) {
  const Eigen::Index d = mean_.size();
  if (d < 1) throw std::invalid_argument("mean: dimension must be >= 1");
  if (!mean_.allFinite()) throw std::invalid_argument("mean: must be finite");
  if (A_.rows() != d || A_.cols() != d) throw std::invalid_argument("precision: must be d x d with d = mean.size()");
  if (!A_.allFinite() || (A_ - A_.transpose()).cwiseAbs().maxCoeff() > 1e-12 * (1 + A_.cwiseAbs().maxCoeff()))
    throw std::invalid_argument("precision: must be finite and symmetric");
  const Eigen::VectorXd eig = linalg::symmetric_eigenvalues(A_);
  eig_min_ = eig.minCoeff();
  eig_max_ = eig.maxCoeff();
  if (!(eig_min_ > 0)) throw std::invalid_argument("precision: must be positive definite");
  if (w_.size() < 1) throw std::invalid_argument("weights: n must be >= 1");
  if (w_.size() > static_cast<Eigen::Index>(UINT32_MAX)) throw std::invalid_argument("weights: n too large");
  if (!w_.allFinite() || w_.minCoeff() <= 0) throw std::invalid_argument("weights: must be finite and > 0");
  if (std::abs(w_.sum() - 1.0) > 1e-12 * static_cast<double>(w_.size()))
    throw std::invalid_argument("weights: must sum to 1");
  if (C_.rows() != d || C_.cols() != w_.size())
    throw std::invalid_argument("centres: must be d x n");
  if (!C_.allFinite()) throw std::invalid_argument("centres: must be finite");
  const Eigen::VectorXd wm = C_ * w_;
  if ((wm - mean_).cwiseAbs().maxCoeff() > 1e-9 * (1 + mean_.cwiseAbs().maxCoeff()))
    throw std::invalid_argument("centres: weighted mean sum_i w_i c_i must equal mean");
  diagonal_ = (A_ - Eigen::MatrixXd(A_.diagonal().asDiagonal())).cwiseAbs().maxCoeff() == 0.0;
  a_diag_ = A_.diagonal();
  WC_ = C_ * w_.asDiagonal();
  const Eigen::MatrixXd D = C_.colwise() - mean_;
  K_ = 0.5 * ((A_ * D).cwiseProduct(D).colwise().sum().transpose().cwiseProduct(w_)).sum();
}

void GaussianFiniteSum::apply_A(const double* v, double* out) const {
  const Eigen::Index d = mean_.size();
  Eigen::Map<const Eigen::VectorXd> vv(v, d);
  Eigen::Map<Eigen::VectorXd> o(out, d);
  if (diagonal_)
    o = a_diag_.cwiseProduct(vv);
  else
    o.noalias() = A_ * vv;
}

void GaussianFiniteSum::values(const ConstMatRef& X, VecRef out) const {
  if (X.rows() != dim() || out.size() != X.cols()) throw std::invalid_argument("X: must be d x m with out of size m");
  const Eigen::MatrixXd D = X.colwise() - mean_;
  if (diagonal_)
    out = 0.5 * (D.array().square().colwise() * a_diag_.array()).colwise().sum().transpose() + K_;
  else
    out = 0.5 * (A_ * D).cwiseProduct(D).colwise().sum().transpose().array() + K_;
}

void GaussianFiniteSum::gradients(const ConstMatRef& X, MatRef G) const {
  if (X.rows() != dim() || G.rows() != dim() || G.cols() != X.cols())
    throw std::invalid_argument("X: must be d x m with G of the same shape");
  if (diagonal_)
    G = (X.colwise() - mean_).array().colwise() * a_diag_.array();
  else
    G.noalias() = A_ * (X.colwise() - mean_);
}

void GaussianFiniteSum::batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const {
  const Eigen::Index d = mean_.size();
  double sw = 0;
  Eigen::VectorXd swc = Eigen::VectorXd::Zero(d);
  for (std::uint32_t i : idx) {
    if (static_cast<Eigen::Index>(i) >= w_.size()) throw std::invalid_argument("idx: example index out of range");
    sw += w_(i);
    swc += WC_.col(i);
  }
  const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(x, d) * sw - swc;
  apply_A(v.data(), g);
}

void GaussianFiniteSum::batch_gradient_difference(const double* x, const double* y,
                                                  std::span<const std::uint32_t> idx, double* g) const {
  const Eigen::Index d = mean_.size();
  double sw = 0;
  for (std::uint32_t i : idx) {
    if (static_cast<Eigen::Index>(i) >= w_.size()) throw std::invalid_argument("idx: example index out of range");
    sw += w_(i);
  }
  const Eigen::VectorXd v = (Eigen::Map<const Eigen::VectorXd>(x, d) - Eigen::Map<const Eigen::VectorXd>(y, d)) * sw;
  apply_A(v.data(), g);
}

double GaussianFiniteSum::example_value(std::uint32_t i, const double* x) const {
  if (static_cast<Eigen::Index>(i) >= w_.size()) throw std::invalid_argument("i: example index out of range");
  const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(x, mean_.size()) - C_.col(i);
  return 0.5 * w_(i) * v.dot(A_ * v);
}

void GaussianFiniteSum::regularizer_gradient(const double*, double* g) const {
  for (int j = 0; j < dim(); ++j) g[j] = 0;
}

std::string GaussianFiniteSum::description() const {
  std::ostringstream os;
  os << "Gaussian finite sum: U(x) = sum_i w_i (x - c_i)' A (x - c_i) / 2, n = " << w_.size() << ", d = " << dim()
     << ", eig(A) in [" << eig_min_ << ", " << eig_max_ << "]" << (diagonal_ ? " (diagonal A)" : "");
  return os.str();
}

std::unique_ptr<GaussianFiniteSum> make_gaussian_finite_sum(const Eigen::VectorXd& mean,
                                                             const Eigen::MatrixXd& precision, std::int64_t n,
                                                             double spread, double weight_spread,
                                                             std::uint32_t seed) {
  if (n < 1 || n > static_cast<std::int64_t>(UINT32_MAX)) throw std::invalid_argument("n: must be in [1, 2^32)");
  if (!(std::isfinite(spread) && spread >= 0)) throw std::invalid_argument("spread: must be finite and >= 0");
  if (!(weight_spread >= 0 && weight_spread < 1)) throw std::invalid_argument("weight_spread: must be in [0, 1)");
  const Eigen::Index d = mean.size();
  const rng::Key key{seed, static_cast<std::uint32_t>(rng::StreamTag::model_data)};
  Eigen::VectorXd w(n);
  Eigen::MatrixXd Z(d, n);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto ui = static_cast<std::uint32_t>(i);
    const double u = rng::uniform01x2({0, ui, 0, 0}, key)[0];
    w(i) = 1.0 + weight_spread * (2 * u - 1);
    rng::NormalStream ns(key, 0, ui, 1);
    for (Eigen::Index j = 0; j < d; ++j) Z(j, i) = ns.normal(static_cast<std::uint32_t>(j));
  }
  w /= w.sum();
  const Eigen::VectorXd zbar = Z * w;
  Eigen::MatrixXd C = (spread * (Z.colwise() - zbar)).colwise() + mean;
  // Remove the rounding residue of the weighted mean exactly enough for the constructor's check.
  C.colwise() -= (C * w - mean);
  return std::make_unique<GaussianFiniteSum>(mean, precision, std::move(w), std::move(C));
}

}  // namespace ldbench::lib::models
