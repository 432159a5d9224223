#include "lib/mfld/single_index.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <sstream>
#include <stdexcept>

#include "lib/mfld/network.hpp"  // kDataBlock, kParticleBlock
#include "lib/parallel.hpp"
#include "lib/rng/philox.hpp"

namespace ldbench::lib::mfld {

namespace {

// tanh(u) = sign(u) (1 - e^{-2|u|})/(1 + e^{-2|u|}) through Eigen's vectorised exp (as lib/mfld/network.cpp).
void tanh_in_place(Eigen::Ref<Eigen::MatrixXd> H) {
  for (Eigen::Index j = 0; j < H.cols(); ++j) {
    auto x = H.col(j).array();
    const Eigen::ArrayXd E = (-2.0 * x.abs()).exp();
    x = ((1.0 - E) / (1.0 + E)) * x.sign();
  }
}

}  // namespace

SingleIndexData make_single_index_data(std::int64_t n, int dim, std::uint32_t seed, double teacher_weight, double noise) {
  if (n < 1 || n > 100000000) throw std::invalid_argument("n: must be in [1, 1e8]; got " + std::to_string(n));
  if (dim < 1 || dim > 100000) throw std::invalid_argument("dim: must be in [1, 1e5]; got " + std::to_string(dim));
  if (!std::isfinite(teacher_weight)) throw std::invalid_argument("teacher_weight: must be finite");
  if (!(std::isfinite(noise) && noise >= 0)) throw std::invalid_argument("noise: must be finite and >= 0");
  const rng::Key key{seed, static_cast<std::uint32_t>(rng::StreamTag::mfld_data)};
  SingleIndexData d;
  d.features.resize(n, dim);
  d.labels.resize(n);
  Eigen::VectorXd z(dim);
  const double scale = teacher_weight / std::sqrt(static_cast<double>(dim));
  for (std::int64_t j = 0; j < n; ++j) {
    rng::NormalStream(key, 3, static_cast<std::uint32_t>(j), 0).fill(z.data(), static_cast<std::uint32_t>(dim));
    d.features.row(j) = z.transpose();
    const double eps = noise * rng::NormalStream(key, 4, static_cast<std::uint32_t>(j), 0).normal(0);
    d.labels(j) = std::tanh(scale * z.sum()) + eps;
  }
  return d;
}

SingleIndexObjective::SingleIndexObjective(SingleIndexData data, double lambda1) : data_(std::move(data)), lambda1_(lambda1) {
  if (data_.features.rows() < 1 || data_.features.cols() < 1) throw std::invalid_argument("data: features must be n x D with n, D >= 1");
  if (data_.labels.size() != data_.features.rows())
    throw std::invalid_argument("data: " + std::to_string(data_.labels.size()) + " labels for " + std::to_string(data_.features.rows()) +
                                " feature rows");
  if (!data_.features.allFinite() || !data_.labels.allFinite()) throw std::invalid_argument("data: entries must be finite");
  if (data_.features.rows() > static_cast<Eigen::Index>(UINT32_MAX)) throw std::invalid_argument("data: n must fit in 32 bits");
  if (!(std::isfinite(lambda1_) && lambda1_ > 0)) throw std::invalid_argument("lambda1: must be finite and > 0");
}

std::string SingleIndexObjective::description() const {
  std::ostringstream os;
  os << "single-index mean-field model f(z) = E_mu tanh(w.z), squared loss on n = " << n() << " data in R^" << dim()
     << ", lambda1 = " << lambda1_ << " (notes, MF-LD to optimize mean field NN, output weight fixed to 1)";
  return os.str();
}

Eigen::VectorXd SingleIndexObjective::predict(const ConstMatRef& Theta) const {
  if (Theta.rows() != dim() || Theta.cols() < 1)
    throw std::invalid_argument("Theta: must be " + std::to_string(dim()) + " x N with N >= 1");
  Eigen::MatrixXd A = data_.features * Theta;
  tanh_in_place(A);
  return A.rowwise().sum() / static_cast<double>(Theta.cols());
}

double SingleIndexObjective::value(const ConstMatRef& Theta) const {
  const Eigen::VectorXd f = predict(Theta);
  return 0.5 * (f - data_.labels).squaredNorm() / static_cast<double>(n()) +
         lambda1_ * Theta.squaredNorm() / static_cast<double>(Theta.cols());
}

void SingleIndexObjective::compute(const ConstMatRef& Theta, const Eigen::MatrixXd& Z, const Eigen::VectorXd& y, MatRef G, int threads,
                                   bool self_only) const {
  check_shapes(Theta, G);
  const Eigen::Index nd = Z.rows(), N = Theta.cols();
  const double invN = 1.0 / static_cast<double>(N), invn = 1.0 / static_cast<double>(nd);
  // Stage 1 (data row blocks): A = tanh(Z W), f = A 1/N (row sums in column order), e = f - y.
  thread_local Eigen::MatrixXd A_buffer;
  Eigen::MatrixXd& A = A_buffer;
  A.resize(nd, N);
  Eigen::VectorXd e(nd);
  const Eigen::Index nb1 = (nd + kDataBlock - 1) / kDataBlock;
  parallel_blocks(nb1, threads, [&](Eigen::Index b) {
    const Eigen::Index j0 = b * kDataBlock, w = std::min(kDataBlock, nd - j0);
    auto Ab = A.middleRows(j0, w);
    Ab.noalias() = Z.middleRows(j0, w) * Theta;
    tanh_in_place(Ab);
    if (!self_only) {
      for (Eigen::Index j = 0; j < w; ++j) {
        double s = 0;
        for (Eigen::Index i = 0; i < N; ++i) s += Ab(j, i);
        e(j0 + j) = s * invN - y(j0 + j);
      }
    }
  });
  // Stage 2 (particle column blocks): G = Zᵀ ((1 - A²) ∘ E)/n + 2 lambda1 W, E(j, i) = e_j (or particle i's own
  // residual tanh(w_i.z_j) - y_j for the self_interaction_only mutant).
  const Eigen::Index nb2 = (N + kParticleBlock - 1) / kParticleBlock;
  parallel_blocks(nb2, threads, [&](Eigen::Index b) {
    const Eigen::Index i0 = b * kParticleBlock, w = std::min(kParticleBlock, N - i0);
    const auto Ab = A.middleCols(i0, w);
    Eigen::MatrixXd M(nd, w);
    if (self_only)
      M.array() = (1.0 - Ab.array().square()) * (Ab.array().colwise() - y.array());
    else
      M.array() = (1.0 - Ab.array().square()).colwise() * e.array();
    auto Gb = G.middleCols(i0, w);
    Gb.noalias() = Z.transpose() * M;
    Gb *= invn;
    Gb += (2.0 * lambda1_) * Theta.middleCols(i0, w);
  });
}

void SingleIndexObjective::gradients(const ConstMatRef& Theta, MatRef G, int threads) const {
  compute(Theta, data_.features, data_.labels, G, threads, false);
}

void SingleIndexObjective::self_interaction_gradients(const ConstMatRef& Theta, MatRef G, int threads) const {
  compute(Theta, data_.features, data_.labels, G, threads, true);
}

void SingleIndexObjective::batch_gradients(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef G, int threads) const {
  if (I.empty()) throw std::invalid_argument("I: the mini-batch is empty");
  Eigen::MatrixXd Z(static_cast<Eigen::Index>(I.size()), data_.features.cols());
  Eigen::VectorXd y(static_cast<Eigen::Index>(I.size()));
  for (std::size_t k = 0; k < I.size(); ++k) {
    if (I[k] >= static_cast<std::uint64_t>(n()))
      throw std::invalid_argument("I: index " + std::to_string(I[k]) + " is not below n = " + std::to_string(n()));
    Z.row(static_cast<Eigen::Index>(k)) = data_.features.row(I[k]);
    y(static_cast<Eigen::Index>(k)) = data_.labels(I[k]);
  }
  compute(Theta, Z, y, G, threads, false);
}

// ------------------------------------------------------------------------------------------

SingleIndexGrid::SingleIndexGrid(const SingleIndexObjective& F, Eigen::VectorXd centers, double h)
    : w_(std::move(centers)), h_(h), lambda1_(F.lambda1()) {
  if (F.dim() != 1) throw std::invalid_argument("objective: the grid form needs dim = 1; got dim = " + std::to_string(F.dim()));
  if (w_.size() < 1 || !w_.allFinite()) throw std::invalid_argument("centers: must be non-empty and finite");
  if (!(std::isfinite(h_) && h_ > 0)) throw std::invalid_argument("h: must be finite and > 0");
  const Eigen::VectorXd z = F.data().features.col(0);
  y_ = F.data().labels;
  absz_ = z.cwiseAbs();
  T_.resize(w_.size(), z.size());
  for (Eigen::Index j = 0; j < z.size(); ++j)
    for (Eigen::Index k = 0; k < w_.size(); ++k) T_(k, j) = std::tanh(w_(k) * z(j));
}

Eigen::VectorXd SingleIndexGrid::predict(const Eigen::VectorXd& p) const {
  if (p.size() != w_.size())
    throw std::invalid_argument("p: has " + std::to_string(p.size()) + " cells; the grid has " + std::to_string(w_.size()));
  return h_ * (T_.transpose() * p);
}

double SingleIndexGrid::energy(const Eigen::VectorXd& p, Eigen::VectorXd& V) const {
  const Eigen::VectorXd e = predict(p) - y_;
  const double n = static_cast<double>(y_.size());
  V = T_ * e / n;
  V.array() += lambda1_ * w_.array().square();
  return 0.5 * e.squaredNorm() / n + lambda1_ * h_ * p.dot(w_.cwiseAbs2());
}

SingleIndexGrid::Perturbation SingleIndexGrid::perturbation(const Eigen::VectorXd& p) const {
  const Eigen::VectorXd e = predict(p) - y_;
  const double n = static_cast<double>(y_.size());
  const Eigen::VectorXd g = T_ * e / n;
  Perturbation out;
  out.grid_oscillation = g.maxCoeff() - g.minCoeff();
  out.lipschitz = e.cwiseAbs().dot(absz_) / n;
  out.interval_oscillation = out.grid_oscillation + out.lipschitz * h_;
  out.uniform_oscillation = 2.0 * e.cwiseAbs().sum() / n;
  return out;
}

}  // namespace ldbench::lib::mfld
