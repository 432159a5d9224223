#include "lib/mfld/mfld.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <exception>
#include <sstream>
#include <vector>

#include "lib/langevin/gradient_estimators.hpp"
#include "lib/mfld/network.hpp"
#include "lib/parallel.hpp"
#include "lib/rng/normal_block.hpp"
#include "lib/rng/philox.hpp"

namespace ldbench::lib::mfld {

namespace {

constexpr std::array<std::pair<Algorithm, const char*>, 3> kAlgorithms{
    {{Algorithm::mfld, "mfld"}, {Algorithm::sgd_mfld, "sgd_mfld"}, {Algorithm::svrg_mfld, "svrg_mfld"}}};
constexpr std::array<std::pair<Mutant, const char*>, 6> kMutants{{{Mutant::none, "none"},
                                                                  {Mutant::noise_sqrt_eta, "noise_sqrt_eta"},
                                                                  {Mutant::entropy_halved, "entropy_halved"},
                                                                  {Mutant::drift_flipped, "drift_flipped"},
                                                                  {Mutant::self_interaction_only, "self_interaction_only"},
                                                                  {Mutant::svrg_no_correction, "svrg_no_correction"}}};

std::string num(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

// Smallest integer >= n^(1/q) for q = 2, 3 (exact integer arithmetic).
std::uint32_t ceil_root(std::int64_t n, int q) {
  std::uint64_t r = static_cast<std::uint64_t>(std::floor(std::pow(static_cast<double>(n), 1.0 / q)));
  auto pw = [q](std::uint64_t x) { return q == 2 ? x * x : x * x * x; };
  while (r > 1 && pw(r - 1) >= static_cast<std::uint64_t>(n)) --r;
  while (pw(r) < static_cast<std::uint64_t>(n)) ++r;
  return static_cast<std::uint32_t>(std::max<std::uint64_t>(r, 1));
}

}  // namespace

const char* to_string(Algorithm a) {
  for (const auto& [k, s] : kAlgorithms)
    if (k == a) return s;
  return "?";
}
const char* to_string(Mutant m) {
  for (const auto& [k, s] : kMutants)
    if (k == m) return s;
  return "?";
}
Algorithm algorithm_from_string(const std::string& s) {
  std::string all;
  for (const auto& [k, name] : kAlgorithms) {
    if (s == name) return k;
    all += (all.empty() ? "" : ", ") + std::string(name);
  }
  throw std::invalid_argument("algorithm: unknown \"" + s + "\"; known: " + all);
}
Mutant mutant_from_string(const std::string& s) {
  std::string all;
  for (const auto& [k, name] : kMutants) {
    if (s == name) return k;
    all += (all.empty() ? "" : ", ") + std::string(name);
  }
  throw std::invalid_argument("mutant: unknown \"" + s + "\"; known: " + all);
}

bool MfldOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!(std::isfinite(lambda2) && lambda2 > 0)) return fail("lambda2: must be finite and > 0; got " + num(lambda2));
  if (!(std::isfinite(eta) && eta > 0)) return fail("eta: must be finite and > 0; got " + num(eta));
  if (threads < 0) return fail("threads: must be >= 0");
  if (mutant == Mutant::self_interaction_only && algorithm != Algorithm::mfld)
    return fail(std::string("mutant: self_interaction_only applies to mfld only; algorithm is ") + to_string(algorithm));
  if (mutant == Mutant::svrg_no_correction && algorithm != Algorithm::svrg_mfld)
    return fail(std::string("mutant: svrg_no_correction applies to svrg_mfld only; algorithm is ") + to_string(algorithm));
  if (algorithm == Algorithm::mfld && (batch_size != 0 || inner_loop != 0))
    return fail("batch_size: mfld uses the full gradient; leave batch_size and inner_loop at 0");
  if (algorithm == Algorithm::sgd_mfld && inner_loop != 0) return fail("inner_loop: applies to svrg_mfld only");
  return true;
}

std::string MfldSummary::brief() const {
  std::ostringstream os;
  os << to_string(algorithm) << (mutant == Mutant::none ? "" : std::string(" [mutant ") + to_string(mutant) + "]") << ": " << steps
     << " steps x " << particles << " particles, D = " << dim << ", n = " << n;
  if (batch_size) os << ", B = " << batch_size;
  if (inner_loop) os << ", m = " << inner_loop;
  os << ", eta = " << num(eta) << ", lambda2 = " << num(lambda2) << ", " << gradient_evaluations << " gradient evaluations, "
     << num(seconds) << " s";
  return os.str();
}

MfldDivergence::MfldDivergence(std::uint32_t k, std::uint32_t i, double e, std::optional<double> limit)
    : std::runtime_error("divergence: non-finite state at step " + std::to_string(k) + " of particle " + std::to_string(i) +
                         " with step size eta = " + num(e) + " (stability limit " + (limit ? num(*limit) : std::string("unknown")) +
                         "); reduce the step size"),
      step(k),
      particle(i),
      eta(e) {}

std::uint32_t default_batch_size(Algorithm a, std::int64_t n) {
  if (n < 1) throw std::invalid_argument("n: must be >= 1");
  return a == Algorithm::svrg_mfld ? ceil_root(n, 3) : ceil_root(n, 2);
}

std::uint32_t default_inner_loop(std::int64_t n) {
  if (n < 1) throw std::invalid_argument("n: must be >= 1");
  const std::uint32_t r = ceil_root(n, 3);
  return std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(r) * r, static_cast<std::uint64_t>(n))));
}

std::uint64_t expected_gradient_evaluations(Algorithm a, std::int64_t n, std::int64_t N, std::uint32_t K, std::uint32_t B,
                                            std::uint32_t m, Mutant mutant) {
  const std::uint64_t nn = static_cast<std::uint64_t>(n), NN = static_cast<std::uint64_t>(N), KK = K, BB = B;
  switch (a) {
    case Algorithm::mfld: return nn * NN * KK;
    case Algorithm::sgd_mfld: return BB * NN * KK;
    case Algorithm::svrg_mfld: {
      if (m == 0) throw std::invalid_argument("m: must be >= 1");
      const std::uint64_t s = (KK + m - 1) / m;
      const std::uint64_t per = mutant == Mutant::svrg_no_correction ? BB : 2 * BB;
      return nn * NN * s + per * NN * (KK - s);
    }
  }
  return 0;
}

void mfld_noise(const MfldOptions& opt, int D, std::uint32_t k, std::uint32_t i0, std::uint32_t count, Eigen::MatrixXd& Z) {
  const rng::Key key{opt.seed, static_cast<std::uint32_t>(rng::StreamTag::mfld_noise)};
  Z.resize(D, count);
  rng::fill_normal_block(key, opt.replica, k, i0, 1u, count, static_cast<std::uint32_t>(D), Z.data(), static_cast<std::size_t>(D));
}

MfldSummary run(const MeanFieldObjective& F, Eigen::MatrixXd& Theta, const MfldOptions& opt, const Observer& observer) {
  std::string err;
  if (!opt.IsValid(&err)) throw std::invalid_argument(err);
  const int D = F.dim();
  const std::int64_t n = F.n();
  const Eigen::Index N = Theta.cols();
  if (Theta.rows() != D)
    throw std::invalid_argument("Theta: has " + std::to_string(Theta.rows()) + " rows; the objective's particle dimension is " +
                                std::to_string(D));
  if (N < 1) throw std::invalid_argument("Theta: needs at least one particle (column)");
  if (static_cast<std::uint64_t>(opt.particle_offset) + static_cast<std::uint64_t>(N) - 1 > UINT32_MAX)
    throw std::invalid_argument("particle_offset: particle_offset + N - 1 must fit in 32 bits");
  if (!Theta.allFinite()) throw std::invalid_argument("Theta: initial state must be finite");
  const Algorithm alg = opt.algorithm;
  std::uint32_t B = 0, m = 0;
  if (alg != Algorithm::mfld) {
    B = opt.batch_size ? opt.batch_size : default_batch_size(alg, n);
    if (static_cast<std::int64_t>(B) > n)
      throw std::invalid_argument("batch_size: " + std::to_string(B) + " exceeds n = " + std::to_string(n));
  }
  if (alg == Algorithm::svrg_mfld) m = opt.inner_loop ? opt.inner_loop : default_inner_loop(n);

  MfldSummary sum;
  sum.algorithm = alg;
  sum.mutant = opt.mutant;
  sum.steps = opt.n_steps;
  sum.dim = D;
  sum.particles = N;
  sum.n = n;
  sum.batch_size = B;
  sum.inner_loop = m;
  sum.lambda2 = opt.lambda2;
  sum.eta = opt.eta;
  sum.step_limit = F.step_limit();
  if (opt.stability_guard && sum.step_limit && !(opt.eta < *sum.step_limit))
    throw std::invalid_argument("eta: step size " + num(opt.eta) + " is at or above the stability limit " + num(*sum.step_limit) +
                                " of this objective (" + F.description() + "); use eta < " + num(*sum.step_limit) +
                                " or set stability_guard = false");

  const auto t_start = std::chrono::steady_clock::now();
  const rng::Key batch_key{opt.seed, static_cast<std::uint32_t>(rng::StreamTag::mfld_minibatch)};
  const int threads = resolve_threads(opt.threads);
  const double drift = opt.mutant == Mutant::drift_flipped ? opt.eta : -opt.eta;
  double noise_scale = std::sqrt(2.0 * opt.eta * opt.lambda2);
  if (opt.mutant == Mutant::noise_sqrt_eta) noise_scale = std::sqrt(opt.eta);
  if (opt.mutant == Mutant::entropy_halved) noise_scale = std::sqrt(opt.eta * opt.lambda2);

  Eigen::MatrixXd G(D, N), Gs, Ts, Gb;  // estimate; SVRG snapshot gradient and state; batch scratch
  std::vector<std::uint32_t> idx;
  std::uint64_t count = 0;
  const std::uint32_t K = opt.n_steps;
  auto observe = [&](std::uint32_t k) {
    if (observer && opt.observe_every > 0 && (k % opt.observe_every == 0 || k == K)) observer(k, Theta, count);
  };
  observe(0);
  const Eigen::Index nblocks = (N + kParticleBlock - 1) / kParticleBlock;
  for (std::uint32_t k = 0; k < K; ++k) {
    // ---- gradient estimate g_k (all particles see the same measure mu_k) ----
    if (alg == Algorithm::mfld) {
      if (opt.mutant == Mutant::self_interaction_only)
        F.self_interaction_gradients(Theta, G, threads);
      else
        F.gradients(Theta, G, threads);
      count += static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(N);
    } else if (alg == Algorithm::svrg_mfld && k % m == 0) {
      F.gradients(Theta, G, threads);
      Ts = Theta;
      Gs = G;
      count += static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(N);
    } else {
      langevin::sample_minibatch(batch_key, opt.replica, 0, k, n, B, idx);
      F.batch_gradients(Theta, idx, G, threads);
      count += static_cast<std::uint64_t>(B) * static_cast<std::uint64_t>(N);
      if (alg == Algorithm::svrg_mfld && opt.mutant != Mutant::svrg_no_correction) {
        Gb.resize(D, N);
        F.batch_gradients(Ts, idx, Gb, threads);
        G += Gs - Gb;
        count += static_cast<std::uint64_t>(B) * static_cast<std::uint64_t>(N);
      }
    }
    // ---- update, fixed particle blocks in parallel ----
    Eigen::Index first_bad = N;
    {
      const int nt = std::max(1, std::min<int>(threads, static_cast<int>(nblocks)));
#pragma omp parallel num_threads(nt) if (nt > 1)
      {
        Eigen::MatrixXd Z;
#pragma omp for schedule(static) reduction(min : first_bad)
        for (Eigen::Index b = 0; b < nblocks; ++b) {
          const Eigen::Index i0 = b * kParticleBlock, w = std::min(kParticleBlock, N - i0);
          mfld_noise(opt, D, k, opt.particle_offset + static_cast<std::uint32_t>(i0), static_cast<std::uint32_t>(w), Z);
          auto Tb = Theta.middleCols(i0, w);
          Tb += drift * G.middleCols(i0, w) + noise_scale * Z;
          for (Eigen::Index i = 0; i < w; ++i)
            if (!Tb.col(i).allFinite()) {
              first_bad = std::min(first_bad, i0 + i);
              break;
            }
        }
      }
    }
    if (first_bad < N)
      throw MfldDivergence(k + 1, opt.particle_offset + static_cast<std::uint32_t>(first_bad), opt.eta, sum.step_limit);
    observe(k + 1);
  }
  sum.gradient_evaluations = count;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return sum;
}

}  // namespace ldbench::lib::mfld
