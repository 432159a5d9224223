#include "lib/mfld/network.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <sstream>
#include <stdexcept>

#include "lib/parallel.hpp"
#include "lib/rng/philox.hpp"

namespace ldbench::lib::mfld {

namespace {

// Loss and its derivative in f.
double loss_value(Loss l, double f, double y) {
  if (l == Loss::squared) return 0.5 * (f - y) * (f - y);
  const double u = -y * f;  // log(1 + e^u), stable
  return u > 0 ? u + std::log1p(std::exp(-u)) : std::log1p(std::exp(u));
}
double loss_derivative(Loss l, double f, double y) {
  if (l == Loss::squared) return f - y;
  const double u = y * f;  // -y / (1 + e^u)
  return u > 0 ? -y * std::exp(-u) / (1.0 + std::exp(-u)) : -y / (1.0 + std::exp(u));
}

// tanh(u) = sign(u) (1 - e^{-2|u|})/(1 + e^{-2|u|}) through Eigen's vectorised exp (std::tanh is a scalar
// library call, ~4x slower here); absolute error <= ~3e-16 against std::tanh (the tests compare with it).
void apply_activation(Activation a, Eigen::Ref<Eigen::MatrixXd> H) {
  if (a == Activation::tanh) {
    for (Eigen::Index j = 0; j < H.cols(); ++j) {
      auto x = H.col(j).array();
      const Eigen::ArrayXd E = (-2.0 * x.abs()).exp();
      x = ((1.0 - E) / (1.0 + E)) * x.sign();
    }
  } else {
    H = H.array().max(0.0).matrix();
  }
}

// Out = act'(h) ∘ (columns scaled by e, or elementwise by E) from A = act(h): tanh' = 1 - A², relu' = [A > 0].
template <typename MA, typename ME>
void derivative_times(Activation a, const MA& A, const ME& e_or_E, bool elementwise, Eigen::MatrixXd& Out) {
  Out.resize(A.rows(), A.cols());
  if (a == Activation::tanh) {
    if (elementwise)
      Out.array() = (1.0 - A.array().square()) * e_or_E.array();
    else
      Out.array() = (1.0 - A.array().square()).colwise() * e_or_E.col(0).array();
  } else {
    if (elementwise)
      Out.array() = (A.array() > 0.0).template cast<double>() * e_or_E.array();
    else
      Out.array() = (A.array() > 0.0).template cast<double>().colwise() * e_or_E.col(0).array();
  }
}

}  // namespace

const char* to_string(Activation a) { return a == Activation::tanh ? "tanh" : "relu"; }
const char* to_string(Loss l) { return l == Loss::squared ? "squared" : "logistic"; }
Activation activation_from_string(const std::string& s) {
  if (s == "tanh") return Activation::tanh;
  if (s == "relu") return Activation::relu;
  throw std::invalid_argument("activation: unknown \"" + s + "\"; known: tanh, relu");
}
Loss loss_from_string(const std::string& s) {
  if (s == "squared") return Loss::squared;
  if (s == "logistic") return Loss::logistic;
  throw std::invalid_argument("loss: unknown \"" + s + "\"; known: squared, logistic");
}

MeanFieldData make_teacher_data(std::int64_t n, int p, std::uint32_t seed, Activation act, Loss loss, int teacher_width,
                                double noise) {
  if (n < 1 || n > 100000000) throw std::invalid_argument("n: must be in [1, 1e8]; got " + std::to_string(n));
  if (p < 1 || p > 100000) throw std::invalid_argument("p: must be in [1, 1e5]; got " + std::to_string(p));
  if (teacher_width < 1) throw std::invalid_argument("teacher_width: must be >= 1");
  if (!(std::isfinite(noise) && noise >= 0)) throw std::invalid_argument("noise: must be finite and >= 0");
  const rng::Key key{seed, static_cast<std::uint32_t>(rng::StreamTag::mfld_data)};
  MeanFieldData d;
  d.features.resize(n, p);
  Eigen::VectorXd z(p);
  for (std::int64_t j = 0; j < n; ++j) {
    rng::NormalStream(key, 0, static_cast<std::uint32_t>(j), 0).fill(z.data(), static_cast<std::uint32_t>(p));
    d.features.row(j) = z.transpose();
  }
  Eigen::MatrixXd Wt(p, teacher_width);
  Eigen::VectorXd rt(teacher_width), buf(p + 1);
  for (int k = 0; k < teacher_width; ++k) {
    rng::NormalStream(key, 1, static_cast<std::uint32_t>(k), 0).fill(buf.data(), static_cast<std::uint32_t>(p + 1));
    rt(k) = 2.0 * buf(0);
    Wt.col(k) = buf.tail(p) / buf.tail(p).norm();
  }
  Eigen::MatrixXd H = d.features * Wt;
  apply_activation(act, H);
  const Eigen::VectorXd f = H * rt / static_cast<double>(teacher_width);
  d.labels.resize(n);
  for (std::int64_t j = 0; j < n; ++j) {
    const double eps = noise * rng::NormalStream(key, 2, static_cast<std::uint32_t>(j), 0).normal(0);
    d.labels(j) = loss == Loss::squared ? f(j) + eps : (f(j) + eps >= 0 ? 1.0 : -1.0);
  }
  return d;
}

NetworkObjective::NetworkObjective(MeanFieldData data, Activation act, Loss loss, double lambda1)
    : data_(std::move(data)), act_(act), loss_(loss), lambda1_(lambda1) {
  if (data_.features.rows() < 1 || data_.features.cols() < 1) throw std::invalid_argument("data: features must be n x p with n, p >= 1");
  if (data_.labels.size() != data_.features.rows())
    throw std::invalid_argument("data: " + std::to_string(data_.labels.size()) + " labels for " + std::to_string(data_.features.rows()) +
                                " feature rows");
  if (!data_.features.allFinite() || !data_.labels.allFinite()) throw std::invalid_argument("data: entries must be finite");
  if (data_.features.rows() > static_cast<Eigen::Index>(UINT32_MAX)) throw std::invalid_argument("data: n must fit in 32 bits");
  if (loss_ == Loss::logistic)
    for (Eigen::Index j = 0; j < data_.labels.size(); ++j)
      if (data_.labels(j) != 1.0 && data_.labels(j) != -1.0)
        throw std::invalid_argument("data: logistic labels must be -1 or +1; label " + std::to_string(j) + " is " +
                                    std::to_string(data_.labels(j)));
  if (!(std::isfinite(lambda1_) && lambda1_ > 0)) throw std::invalid_argument("lambda1: must be finite and > 0");
}

std::string NetworkObjective::description() const {
  std::ostringstream os;
  os << "mean-field two-layer network f(z) = (1/N) sum_i r_i " << to_string(act_) << "(w_i.z), " << to_string(loss_)
     << " loss on n = " << n() << " data in R^" << data_.features.cols() << ", lambda1 = " << lambda1_
     << " (notes, MF-LD to optimize mean field NN)";
  return os.str();
}

Eigen::VectorXd NetworkObjective::predict(const ConstMatRef& Theta) const {
  if (Theta.rows() != dim() || Theta.cols() < 1)
    throw std::invalid_argument("Theta: must be " + std::to_string(dim()) + " x N with N >= 1");
  Eigen::MatrixXd A = data_.features * Theta.bottomRows(dim() - 1);
  apply_activation(act_, A);
  return A * Theta.row(0).transpose() / static_cast<double>(Theta.cols());
}

double NetworkObjective::value(const ConstMatRef& Theta) const {
  const Eigen::VectorXd f = predict(Theta);
  double s = 0;
  for (Eigen::Index j = 0; j < f.size(); ++j) s += loss_value(loss_, f(j), data_.labels(j));
  return s / static_cast<double>(n()) + lambda1_ * Theta.squaredNorm() / static_cast<double>(Theta.cols());
}

namespace {

// The network's statistic workspace: A = act(Z_I W) of the particles, and Z_I, y_I of a mini-batch.
class NetworkWorkspace final : public StatisticWorkspace {
 public:
  Eigen::MatrixXd A, Z;
  Eigen::VectorXd y;
  bool batch = false;
};

NetworkWorkspace& network_workspace(StatisticWorkspace& ws) {
  auto* w = dynamic_cast<NetworkWorkspace*>(&ws);
  if (!w) throw std::invalid_argument("ws: not a workspace of the network objective; create it with make_statistic_workspace()");
  return *w;
}

}  // namespace

void NetworkObjective::activations(const ConstMatRef& Theta, const Eigen::MatrixXd& Z, Eigen::MatrixXd& A, MatRef* P, int threads) const {
  const Eigen::Index nd = Z.rows(), N = Theta.cols(), p = Z.cols();
  const auto W = Theta.bottomRows(p);
  const Eigen::VectorXd r = Theta.row(0).transpose();
  // A keeps its storage between calls of the same size (resize to the same size is free), so a step does not
  // page-fault n N fresh doubles (measured ~0.1 s per step at n = N = 4096).
  A.resize(nd, N);
  const Eigen::Index nb1 = (nd + kDataBlock - 1) / kDataBlock, nb2 = particle_blocks(N);
  parallel_blocks(nb1 * nb2, threads, [&](Eigen::Index t) {
    const Eigen::Index jb = t / nb2, b = t % nb2;
    const Eigen::Index j0 = jb * kDataBlock, w1 = std::min(kDataBlock, nd - j0);
    const Eigen::Index i0 = b * kParticleBlock, w2 = std::min(kParticleBlock, N - i0);
    auto At = A.block(j0, i0, w1, w2);
    At.noalias() = Z.middleRows(j0, w1) * W.middleCols(i0, w2);
    apply_activation(act_, At);
    if (P) {
      // Into a fresh (aligned) vector first: the partial sum must not depend on where P's column lies.
      const Eigen::VectorXd part = At * r.segment(i0, w2);
      P->block(j0, b, w1, 1) = part;
    }
  });
}

void NetworkObjective::backward(const ConstMatRef& Theta, const Eigen::MatrixXd& Z, const Eigen::VectorXd& y, const Eigen::MatrixXd& A,
                                const Eigen::VectorXd* e, MatRef G, int threads) const {
  const Eigen::Index nd = Z.rows(), N = Theta.cols(), p = Z.cols();
  const Eigen::VectorXd r = Theta.row(0).transpose();
  const double invn = 1.0 / static_cast<double>(nd);
  // Particle column blocks: G_r = Aᵀ e / n, G_w = Zᵀ (e ∘ act'(A)) diag(r) / n, + 2 lambda1 θ.
  const Eigen::Index nb2 = particle_blocks(N);
  parallel_blocks(nb2, threads, [&](Eigen::Index b) {
    const Eigen::Index i0 = b * kParticleBlock, w = std::min(kParticleBlock, N - i0);
    const auto Ab = A.middleCols(i0, w);
    thread_local Eigen::MatrixXd M;
    if (!e) {
      // E(j, i) = loss'(r_i act(w_i.z_j), y_j): particle i's own network.
      Eigen::MatrixXd E(nd, w);
      for (Eigen::Index i = 0; i < w; ++i)
        for (Eigen::Index j = 0; j < nd; ++j) E(j, i) = loss_derivative(loss_, r(i0 + i) * Ab(j, i), y(j));
      G.row(0).segment(i0, w) = (E.array() * Ab.array()).colwise().sum().matrix() * invn;
      derivative_times(act_, Ab, E, true, M);
    } else {
      G.row(0).segment(i0, w).noalias() = (Ab.transpose() * *e).transpose() * invn;
      derivative_times(act_, Ab, *e, false, M);
    }
    auto Gw = G.block(1, i0, p, w);
    Gw.noalias() = Z.transpose() * M;
    for (Eigen::Index i = 0; i < w; ++i) Gw.col(i) *= r(i0 + i) * invn;
    G.middleCols(i0, w) += (2.0 * lambda1_) * Theta.middleCols(i0, w);
  });
}

Eigen::Index NetworkObjective::statistic_size(std::span<const std::uint32_t> I) const {
  return I.empty() ? data_.features.rows() : static_cast<Eigen::Index>(I.size());
}

std::unique_ptr<StatisticWorkspace> NetworkObjective::make_statistic_workspace() const { return std::make_unique<NetworkWorkspace>(); }

void NetworkObjective::statistic_partials(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef P, StatisticWorkspace& ws,
                                          int threads) const {
  if (Theta.rows() != dim() || Theta.cols() < 1)
    throw std::invalid_argument("Theta: must be " + std::to_string(dim()) + " x N with N >= 1");
  NetworkWorkspace& w = network_workspace(ws);
  w.batch = !I.empty();
  if (w.batch) {
    w.Z.resize(static_cast<Eigen::Index>(I.size()), data_.features.cols());
    w.y.resize(static_cast<Eigen::Index>(I.size()));
    for (std::size_t k = 0; k < I.size(); ++k) {
      if (I[k] >= static_cast<std::uint64_t>(n()))
        throw std::invalid_argument("I: index " + std::to_string(I[k]) + " is not below n = " + std::to_string(n()));
      w.Z.row(static_cast<Eigen::Index>(k)) = data_.features.row(I[k]);
      w.y(static_cast<Eigen::Index>(k)) = data_.labels(I[k]);
    }
  }
  const Eigen::MatrixXd& Z = w.batch ? w.Z : data_.features;
  const Eigen::Index nb = particle_blocks(Theta.cols());
  if (P.rows() != Z.rows() || P.cols() != nb)
    throw std::invalid_argument("P: must be " + std::to_string(Z.rows()) + " x " + std::to_string(nb) + " (data rows x blocks)");
  activations(Theta, Z, w.A, &P, threads);
}

void NetworkObjective::gradients_from_statistic(const ConstMatRef& Theta, std::span<const std::uint32_t> I, const Eigen::VectorXd& s,
                                                std::int64_t N, MatRef G, StatisticWorkspace& ws, int threads) const {
  check_shapes(Theta, G);
  NetworkWorkspace& w = network_workspace(ws);
  const bool batch = !I.empty();
  if (batch != w.batch || (batch && w.Z.rows() != static_cast<Eigen::Index>(I.size())) || w.A.cols() != Theta.cols())
    throw std::invalid_argument("ws: holds no statistic_partials of these particles and this batch; call statistic_partials first");
  const Eigen::MatrixXd& Z = batch ? w.Z : data_.features;
  const Eigen::VectorXd& y = batch ? w.y : data_.labels;
  if (s.size() != Z.rows()) throw std::invalid_argument("s: must have length " + std::to_string(Z.rows()) + " (the data rows)");
  if (N < Theta.cols()) throw std::invalid_argument("N: the total particle count " + std::to_string(N) + " is below the local count");
  const double invN = 1.0 / static_cast<double>(N);
  Eigen::VectorXd e(Z.rows());
  for (Eigen::Index j = 0; j < e.size(); ++j) e(j) = loss_derivative(loss_, s(j) * invN, y(j));
  backward(Theta, Z, y, w.A, &e, G, threads);
}

void NetworkObjective::serial_gradients(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef G, int threads) const {
  check_shapes(Theta, G);
  // Kept per thread between calls (thread_local; resizing to the same size keeps the storage).
  thread_local NetworkWorkspace ws;
  Eigen::MatrixXd P(statistic_size(I), particle_blocks(Theta.cols()));
  MatRef Pr(P);
  statistic_partials(Theta, I, Pr, ws, threads);
  gradients_from_statistic(Theta, I, reduce_partials(P), Theta.cols(), G, ws, threads);
}

void NetworkObjective::gradients(const ConstMatRef& Theta, MatRef G, int threads) const { serial_gradients(Theta, {}, G, threads); }

void NetworkObjective::self_interaction_gradients(const ConstMatRef& Theta, MatRef G, int threads) const {
  check_shapes(Theta, G);
  thread_local Eigen::MatrixXd A;
  activations(Theta, data_.features, A, nullptr, threads);
  backward(Theta, data_.features, data_.labels, A, nullptr, G, threads);
}

void NetworkObjective::batch_gradients(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef G, int threads) const {
  if (I.empty()) throw std::invalid_argument("I: the mini-batch is empty");
  serial_gradients(Theta, I, G, threads);
}

}  // namespace ldbench::lib::mfld
