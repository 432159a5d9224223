#include "lib/langevin/gradient_estimators.hpp"

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <stdexcept>

namespace ldbench::lib::langevin {

namespace {

__extension__ typedef unsigned __int128 u128;

std::uint64_t isqrt_ceil(std::uint64_t n) {
  auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r > n) --r;
  while ((r + 1) * (r + 1) <= n) ++r;
  return r * r == n ? r : r + 1;
}

// Per-thread membership mask for Floyd's algorithm (cleared after use).
std::vector<unsigned char>& mask(std::size_t n) {
  thread_local std::vector<unsigned char> m;
  if (m.size() < n) m.assign(n, 0);
  return m;
}

}  // namespace

std::uint32_t default_batch_size(std::int64_t n) {
  if (n < 1) throw std::invalid_argument("n: must be >= 1");
  return static_cast<std::uint32_t>(isqrt_ceil(static_cast<std::uint64_t>(n)));
}

std::uint32_t default_inner_loop_length(std::int64_t n) { return default_batch_size(n); }

// Per-thread work vectors of the estimators (called per chain and step from OpenMP threads; a heap
// allocation per call cost as much as the gradient for small d).
static Eigen::VectorXd& scratch(int which, int d) {
  thread_local Eigen::VectorXd buf[2];
  if (buf[which].size() != d) buf[which].resize(d);
  return buf[which];
}

void sample_minibatch(const rng::Key& key, std::uint32_t replica, std::uint32_t chain, std::uint32_t step,
                      std::int64_t n, std::uint32_t B, std::vector<std::uint32_t>& out) {
  if (n < 1 || n > static_cast<std::int64_t>(UINT32_MAX) + 1) throw std::invalid_argument("n: must be in [1, 2^32]");
  if (B < 1 || static_cast<std::int64_t>(B) > n) throw std::invalid_argument("B: must be in [1, n]");
  out.clear();
  out.reserve(B);
  auto& m = mask(static_cast<std::size_t>(n));
  std::array<std::uint64_t, 2> words{};
  std::uint32_t j = 0;
  // Floyd: for t = n - B .. n - 1, draw r uniform in {0..t}; insert r unless taken, else insert t.
  for (std::int64_t t = n - B; t < n; ++t, ++j) {
    if (j % 2 == 0) words = rng::philox_u64x2({replica, chain, step, j / 2}, key);
    const std::uint64_t u = words[j % 2];
    const auto r = static_cast<std::uint32_t>((static_cast<u128>(u) * static_cast<u128>(t + 1)) >> 64);
    const std::uint32_t pick = m[r] ? static_cast<std::uint32_t>(t) : r;
    m[pick] = 1;
    out.push_back(pick);
  }
  for (std::uint32_t i : out) m[i] = 0;
}

void sgld_gradient(const models::FiniteSumPotential& U, const double* x, std::span<const std::uint32_t> I, double* g) {
  if (I.empty()) throw std::invalid_argument("I: empty mini-batch");
  const int d = U.dim();
  const double c = static_cast<double>(U.n()) / static_cast<double>(I.size());
  Eigen::VectorXd& r = scratch(0, d);
  U.batch_gradient_sum(x, I, g);
  U.regularizer_gradient(x, r.data());
  Eigen::Map<Eigen::VectorXd> G(g, d);
  G = c * G + r;
}

void svrg_gradient(const models::FiniteSumPotential& U, const double* x, const double* x_snapshot,
                   const double* full_gradient_snapshot, std::span<const std::uint32_t> I, double* g) {
  if (I.empty()) throw std::invalid_argument("I: empty mini-batch");
  const int d = U.dim();
  const double c = static_cast<double>(U.n()) / static_cast<double>(I.size());
  Eigen::VectorXd& rx = scratch(0, d);
  Eigen::VectorXd& rs = scratch(1, d);
  U.batch_gradient_difference(x, x_snapshot, I, g);
  U.regularizer_gradient(x, rx.data());
  U.regularizer_gradient(x_snapshot, rs.data());
  Eigen::Map<Eigen::VectorXd> G(g, d);
  G = c * G + Eigen::Map<const Eigen::VectorXd>(full_gradient_snapshot, d) + (rx - rs);
}

void sarah_gradient(const models::FiniteSumPotential& U, const double* x, const double* x_prev,
                    const double* g_prev, std::span<const std::uint32_t> I, double* g) {
  svrg_gradient(U, x, x_prev, g_prev, I, g);  // same algebra with (x~, ∇U(x~)) -> (x_{k-1}, g_{k-1})
}

}  // namespace ldbench::lib::langevin
