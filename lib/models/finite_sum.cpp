#include "lib/models/finite_sum.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace ldbench::lib::models {

void FiniteSumPotential::batch_gradient_difference(const double* x, const double* y,
                                                   std::span<const std::uint32_t> idx, double* g) const {
  const int d = dim();
  std::vector<double> gy(static_cast<std::size_t>(d));
  batch_gradient_sum(x, idx, g);
  batch_gradient_sum(y, idx, gy.data());
  for (int j = 0; j < d; ++j) g[j] -= gy[static_cast<std::size_t>(j)];
}

void FiniteSumPotential::values_and_gradients(const ConstMatRef& X, VecRef out, MatRef G) const {
  values(X, out);
  gradients(X, G);
}

void FiniteSumPotential::example_gradient(std::uint32_t i, const double* x, double* g) const {
  if (static_cast<std::int64_t>(i) >= n()) throw std::invalid_argument("i: example index out of range");
  const std::uint32_t one[1] = {i};
  batch_gradient_sum(x, std::span<const std::uint32_t>(one, 1), g);
}

Eigen::MatrixXd FiniteSumPotential::hessian(const double* x) const {
  return finite_difference_hessian(*this, Eigen::Map<const Eigen::VectorXd>(x, dim()));
}

double FiniteSumPotential::value(const double* x) const {
  Eigen::VectorXd out(1);
  values(Eigen::Map<const Eigen::MatrixXd>(x, dim(), 1), out);
  return out(0);
}

void FiniteSumPotential::gradient(const double* x, double* g) const {
  Eigen::MatrixXd G(dim(), 1);
  gradients(Eigen::Map<const Eigen::MatrixXd>(x, dim(), 1), G);
  for (int j = 0; j < dim(); ++j) g[j] = G(j, 0);
}

namespace {

class WrappedPotential final : public FiniteSumPotential {
 public:
  explicit WrappedPotential(std::shared_ptr<const potentials::Potential> u) : u_(std::move(u)) {}
  int dim() const override { return u_->dim(); }
  std::int64_t n() const override { return 1; }
  void values(const ConstMatRef& X, VecRef out) const override {
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      const Eigen::VectorXd x = X.col(j);
      out(j) = u_->value(x.data());
    }
  }
  void gradients(const ConstMatRef& X, MatRef G) const override {
    Eigen::VectorXd g(dim());
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      const Eigen::VectorXd x = X.col(j);
      u_->gradient(x.data(), g.data());
      G.col(j) = g;
    }
  }
  void batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const override {
    const int d = dim();
    for (int j = 0; j < d; ++j) g[j] = 0;
    if (idx.empty()) return;
    std::vector<double> t(static_cast<std::size_t>(d));
    u_->gradient(x, t.data());
    for (std::uint32_t i : idx) {
      if (i != 0) throw std::invalid_argument("idx: example index out of range (n = 1)");
      for (int j = 0; j < d; ++j) g[j] += t[static_cast<std::size_t>(j)];
    }
  }
  double example_value(std::uint32_t i, const double* x) const override {
    if (i != 0) throw std::invalid_argument("i: example index out of range (n = 1)");
    return u_->value(x);
  }
  double regularizer_value(const double*) const override { return 0.0; }
  void regularizer_gradient(const double*, double* g) const override {
    for (int j = 0; j < dim(); ++j) g[j] = 0;
  }
  std::optional<double> hessian_max() const override { return u_->curvature().hess_max; }
  std::optional<double> hessian_min() const override { return u_->curvature().hess_min; }
  std::string description() const override { return u_->description() + " (n = 1, R = 0)"; }

 private:
  std::shared_ptr<const potentials::Potential> u_;
};

}  // namespace

std::unique_ptr<FiniteSumPotential> wrap_potential(std::shared_ptr<const potentials::Potential> U) {
  if (!U) throw std::invalid_argument("U: null potential");
  return std::make_unique<WrappedPotential>(std::move(U));
}

Eigen::VectorXd finite_difference_gradient(const FiniteSumPotential& U, const Eigen::VectorXd& x, double h) {
  if (!(h > 0)) throw std::invalid_argument("h: must be > 0");
  if (x.size() != U.dim()) throw std::invalid_argument("x: size must equal dim()");
  Eigen::VectorXd g(x.size()), y = x;
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    y(j) = x(j) + h;
    const double up = U.value(y.data());
    y(j) = x(j) - h;
    const double dn = U.value(y.data());
    y(j) = x(j);
    g(j) = (up - dn) / (2 * h);
  }
  return g;
}

Eigen::VectorXd finite_difference_example_gradient(const FiniteSumPotential& U, std::uint32_t i,
                                                   const Eigen::VectorXd& x, double h) {
  if (!(h > 0)) throw std::invalid_argument("h: must be > 0");
  if (x.size() != U.dim()) throw std::invalid_argument("x: size must equal dim()");
  Eigen::VectorXd g(x.size()), y = x;
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    y(j) = x(j) + h;
    const double up = U.example_value(i, y.data());
    y(j) = x(j) - h;
    const double dn = U.example_value(i, y.data());
    y(j) = x(j);
    g(j) = (up - dn) / (2 * h);
  }
  return g;
}

Eigen::MatrixXd finite_difference_hessian(const FiniteSumPotential& U, const Eigen::VectorXd& x, double h) {
  if (!(h > 0) || !std::isfinite(h)) throw std::invalid_argument("h: must be finite and > 0");
  if (x.size() != U.dim()) throw std::invalid_argument("x: size must equal dim()");
  const Eigen::Index d = x.size();
  Eigen::MatrixXd D(d, d);
  Eigen::VectorXd y = x, gp(d), gm(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    const double hj = h * std::max(1.0, std::abs(x(j)));
    y(j) = x(j) + hj;
    U.gradient(y.data(), gp.data());
    y(j) = x(j) - hj;
    U.gradient(y.data(), gm.data());
    y(j) = x(j);
    D.col(j) = (gp - gm) / (2 * hj);
  }
  return 0.5 * (D + D.transpose());
}

}  // namespace ldbench::lib::models
