#include "lib/mfld/mfld.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "lib/core/communicator.hpp"
#include "lib/langevin/gradient_estimators.hpp"
#include "lib/parallel.hpp"
#include "lib/rng/normal_block.hpp"
#include "lib/rng/philox.hpp"

namespace ldbench::lib::mfld {

namespace {

constexpr std::array<std::pair<Algorithm, const char*>, 3> kAlgorithms{
    {{Algorithm::mfld, "mfld"}, {Algorithm::sgd_mfld, "sgd_mfld"}, {Algorithm::svrg_mfld, "svrg_mfld"}}};
constexpr std::array<std::pair<Mutant, const char*>, 7> kMutants{{{Mutant::none, "none"},
                                                                  {Mutant::noise_sqrt_eta, "noise_sqrt_eta"},
                                                                  {Mutant::entropy_halved, "entropy_halved"},
                                                                  {Mutant::drift_flipped, "drift_flipped"},
                                                                  {Mutant::self_interaction_only, "self_interaction_only"},
                                                                  {Mutant::svrg_no_correction, "svrg_no_correction"},
                                                                  {Mutant::rng_key_per_rank, "rng_key_per_rank"}}};

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

ShardRange shard_of(std::int64_t N, int rank, int size) {
  if (N < 0) throw std::invalid_argument("N: must be >= 0");
  if (size < 1) throw std::invalid_argument("size: must be >= 1");
  if (rank < 0 || rank >= size) throw std::invalid_argument("rank: must be in [0, size)");
  const std::int64_t nb = particle_blocks(N), B = kParticleBlock;
  return {std::min(N, B * (nb * rank / size)), std::min(N, B * (nb * (rank + 1) / size))};
}

void mfld_noise(const MfldOptions& opt, int D, std::uint32_t k, std::uint32_t i0, std::uint32_t count, Eigen::MatrixXd& Z) {
  const rng::Key key{opt.seed, static_cast<std::uint32_t>(rng::StreamTag::mfld_noise)};
  Z.resize(D, count);
  rng::fill_normal_block(key, opt.replica, k, i0, 1u, count, static_cast<std::uint32_t>(D), Z.data(), static_cast<std::size_t>(D));
}

namespace {

// The sharded-run bookkeeping of run() (header): the layout of the ranks' particle ranges and the collectives.
class Shards {
 public:
  // Validates the layout collectively; `local_error` is this rank's own input error ("" if none).
  Shards(const core::Communicator& comm, std::uint32_t offset, Eigen::Index n_local, int D, const std::string& local_error) : comm_(comm) {
    const int P = comm.size();
    std::vector<double> mine{static_cast<double>(offset), static_cast<double>(n_local), local_error.empty() ? 0.0 : 1.0}, all(3 * P);
    const std::vector<std::size_t> three(static_cast<std::size_t>(P), 3);
    comm.allgather(mine, three, all);
    if (!local_error.empty()) throw std::invalid_argument(local_error);
    for (int q = 0; q < P; ++q)
      if (all[3 * q + 2] != 0)
        throw std::invalid_argument("Theta: rank " + std::to_string(q) + " of " + std::to_string(P) + " has an invalid shard (see its error)");
    std::int64_t end = 0, last_nonempty = -1;
    for (int q = 0; q < P; ++q)
      if (all[3 * q + 1] > 0) last_nonempty = q;
    for (int q = 0; q < P; ++q) {
      const auto o = static_cast<std::int64_t>(all[3 * q]), c = static_cast<std::int64_t>(all[3 * q + 1]);
      if (c > 0 && o != end)
        throw std::invalid_argument("particle_offset: rank " + std::to_string(q) + " starts at particle " + std::to_string(o) + ", expected " +
                                    std::to_string(end) + "; the ranks' particles must tile [0, N) in rank order (use shard_of)");
      if (c > 0 && q != last_nonempty && c % kParticleBlock != 0)
        throw std::invalid_argument("Theta: rank " + std::to_string(q) + " holds " + std::to_string(c) + " particles, not whole blocks of " +
                                    std::to_string(kParticleBlock) + " (only the last range may end in a partial block; use shard_of)");
      counts_.push_back(c);
      end += c;
    }
    N_ = end;
    if (N_ < 1) throw std::invalid_argument("Theta: the ranks hold no particles in total");
    rank_ = comm.rank();
    for (std::int64_t c : counts_) blocks_.push_back(particle_blocks(c));
    D_ = D;
  }
  std::int64_t N() const { return N_; }
  Eigen::Index local_blocks() const { return blocks_[static_cast<std::size_t>(rank_)]; }

  // Gathers the S x (blocks) partials of every rank and sums them in global block order.
  Eigen::VectorXd statistic(const Eigen::MatrixXd& P_local, Eigen::Index S) {
    Eigen::Index total = 0;
    counts_buf_.clear();
    for (Eigen::Index b : blocks_) {
      counts_buf_.push_back(static_cast<std::size_t>(S * b));
      total += b;
    }
    P_all_.resize(S, total);
    comm_.allgather({P_local.data(), static_cast<std::size_t>(P_local.size())}, counts_buf_,
                    {P_all_.data(), static_cast<std::size_t>(P_all_.size())});
    return reduce_partials(P_all_);
  }
  // The full D x N matrix in global order (kept until the next gather: full()).
  const Eigen::MatrixXd& full() const { return full_; }
  const Eigen::MatrixXd& gather(const Eigen::MatrixXd& Theta_local) {
    counts_buf_.clear();
    for (std::int64_t c : counts_) counts_buf_.push_back(static_cast<std::size_t>(c) * static_cast<std::size_t>(D_));
    full_.resize(D_, N_);
    comm_.allgather({Theta_local.data(), static_cast<std::size_t>(Theta_local.size())}, counts_buf_,
                    {full_.data(), static_cast<std::size_t>(full_.size())});
    return full_;
  }
  // The smallest of the ranks' values.
  double min(double local) {
    const std::vector<double> mine{local};
    std::vector<double> all(counts_.size());
    comm_.allgather(mine, std::vector<std::size_t>(counts_.size(), 1), all);
    return *std::min_element(all.begin(), all.end());
  }

 private:
  const core::Communicator& comm_;
  std::vector<std::int64_t> counts_;
  std::vector<Eigen::Index> blocks_;
  std::vector<std::size_t> counts_buf_;
  Eigen::MatrixXd P_all_, full_;
  std::int64_t N_ = 0;
  int rank_ = 0, D_ = 0;
};

}  // namespace

MfldSummary run(const MeanFieldObjective& F, Eigen::MatrixXd& Theta, const MfldOptions& opt, const Observer& observer) {
  std::string err;
  if (!opt.IsValid(&err)) throw std::invalid_argument(err);
  const int D = F.dim();
  const std::int64_t n = F.n();
  const Eigen::Index Nloc = Theta.cols();
  const bool sharded = opt.comm != nullptr && opt.comm->size() > 1;
  if (sharded) F.require_sharding();
  // This process's own input errors; in a sharded run they are exchanged before anyone throws.
  std::string input_error;
  if (Theta.rows() != D)
    input_error = "Theta: has " + std::to_string(Theta.rows()) + " rows; the objective's particle dimension is " + std::to_string(D);
  else if (Nloc < 1 && !sharded)
    input_error = "Theta: needs at least one particle (column)";
  else if (static_cast<std::uint64_t>(opt.particle_offset) + static_cast<std::uint64_t>(Nloc) > static_cast<std::uint64_t>(UINT32_MAX) + 1)
    input_error = "particle_offset: particle_offset + N - 1 must fit in 32 bits";
  else if (!Theta.allFinite())
    input_error = "Theta: initial state must be finite";
  std::optional<Shards> shards;
  if (sharded)
    shards.emplace(*opt.comm, opt.particle_offset, Nloc, D, input_error);
  else if (!input_error.empty())
    throw std::invalid_argument(input_error);
  const std::int64_t N = sharded ? shards->N() : Nloc;
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
  // Noise key of local column 0: the global index, or the local one for the rng_key_per_rank mutant.
  const std::uint32_t noise_offset = opt.mutant == Mutant::rng_key_per_rank ? 0u : opt.particle_offset;

  Eigen::MatrixXd G(D, Nloc), Gs, Ts, Gb;  // estimate; SVRG snapshot gradient and state; batch scratch
  std::vector<std::uint32_t> idx;
  std::uint64_t count = 0;
  const std::uint64_t NN = static_cast<std::uint64_t>(N);
  const std::uint32_t K = opt.n_steps;
  std::unique_ptr<StatisticWorkspace> ws;
  if (sharded) ws = F.make_statistic_workspace();
  Eigen::MatrixXd P_local;
  // G_I at the local particles X (I empty: the full gradient); sharded: statistic partials, all-gather, sum.
  auto gradient = [&](const Eigen::MatrixXd& X, std::span<const std::uint32_t> I, Eigen::MatrixXd& Gout) {
    if (!sharded) {
      if (I.empty())
        F.gradients(X, Gout, threads);
      else
        F.batch_gradients(X, I, Gout, threads);
      return;
    }
    const Eigen::Index S = F.statistic_size(I);
    P_local.resize(S, shards->local_blocks());
    if (Nloc > 0) F.statistic_partials(X, I, P_local, *ws, threads);
    const Eigen::VectorXd s = shards->statistic(P_local, S);
    if (Nloc > 0) F.gradients_from_statistic(X, I, s, N, Gout, *ws, threads);
  };
  auto observed = [&](std::uint32_t k) { return opt.observe_every > 0 && (k % opt.observe_every == 0 || k == K); };
  // Sharded: the gather is collective, so it runs at every observation step whether or not this rank has an
  // observer; `gathered`: the step's matrix is already in shards->full().
  auto observe = [&](std::uint32_t k, bool gathered) {
    if (!observed(k)) return;
    if (sharded) {
      const Eigen::MatrixXd& full = gathered ? shards->full() : shards->gather(Theta);
      if (observer) observer(k, full, count);
    } else if (observer) {
      observer(k, Theta, count);
    }
  };
  observe(0, false);
  const Eigen::Index nblocks = particle_blocks(Nloc);
  for (std::uint32_t k = 0; k < K; ++k) {
    // ---- gradient estimate g_k (all particles see the same measure mu_k) ----
    if (alg == Algorithm::mfld) {
      if (opt.mutant == Mutant::self_interaction_only) {
        if (Nloc > 0) F.self_interaction_gradients(Theta, G, threads);
      } else {
        gradient(Theta, {}, G);
      }
      count += static_cast<std::uint64_t>(n) * NN;
    } else if (alg == Algorithm::svrg_mfld && k % m == 0) {
      gradient(Theta, {}, G);
      Ts = Theta;
      Gs = G;
      count += static_cast<std::uint64_t>(n) * NN;
    } else {
      langevin::sample_minibatch(batch_key, opt.replica, 0, k, n, B, idx);
      gradient(Theta, idx, G);
      count += static_cast<std::uint64_t>(B) * NN;
      if (alg == Algorithm::svrg_mfld && opt.mutant != Mutant::svrg_no_correction) {
        Gb.resize(D, Nloc);
        gradient(Ts, idx, Gb);
        G += Gs - Gb;
        count += static_cast<std::uint64_t>(B) * NN;
      }
    }
    // ---- update, fixed particle blocks in parallel ----
    Eigen::Index first_bad = Nloc;
    {
      const int nt = std::max(1, std::min<int>(threads, static_cast<int>(nblocks)));
#pragma omp parallel num_threads(nt) if (nt > 1)
      {
        Eigen::MatrixXd Z;
#pragma omp for schedule(static) reduction(min : first_bad)
        for (Eigen::Index b = 0; b < nblocks; ++b) {
          const Eigen::Index i0 = b * kParticleBlock, w = std::min(kParticleBlock, Nloc - i0);
          mfld_noise(opt, D, k, noise_offset + static_cast<std::uint32_t>(i0), static_cast<std::uint32_t>(w), Z);
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
    // The first non-finite particle by global index. Sharded: at an observation step every rank finds it in the
    // gathered matrix (no extra collective), otherwise the smallest of the ranks' first indices.
    double bad = first_bad < Nloc ? static_cast<double>(opt.particle_offset) + static_cast<double>(first_bad) : static_cast<double>(N);
    const bool gathered = sharded && observed(k + 1);
    if (gathered) {
      const Eigen::MatrixXd& full = shards->gather(Theta);
      bad = static_cast<double>(N);
      for (Eigen::Index i = 0; i < full.cols(); ++i)
        if (!full.col(i).allFinite()) {
          bad = static_cast<double>(i);
          break;
        }
    } else if (sharded) {
      bad = shards->min(bad);
    }
    if (bad < static_cast<double>(N)) throw MfldDivergence(k + 1, static_cast<std::uint32_t>(bad), opt.eta, sum.step_limit);
    observe(k + 1, gathered);
  }
  sum.gradient_evaluations = count;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return sum;
}

}  // namespace ldbench::lib::mfld
