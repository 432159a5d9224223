#include "lib/langevin/sampler.hpp"

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <sstream>
#include <vector>

#include "lib/langevin/gradient_estimators.hpp"
#include "lib/parallel.hpp"
#include "lib/rng/normal_block.hpp"
#include "lib/rng/philox.hpp"

namespace ldbench::lib::langevin {

namespace {

constexpr std::array<std::pair<Algorithm, const char*>, 5> kAlgorithms{{{Algorithm::ula, "ula"},
                                                                       {Algorithm::mala, "mala"},
                                                                       {Algorithm::sgld, "sgld"},
                                                                       {Algorithm::svrg_ld, "svrg_ld"},
                                                                       {Algorithm::sarah_ld, "sarah_ld"}}};
constexpr std::array<std::pair<Mutant, const char*>, 6> kMutants{
    {{Mutant::none, "none"},
     {Mutant::noise_sqrt_eta, "noise_sqrt_eta"},
     {Mutant::drift_flipped, "drift_flipped"},
     {Mutant::svrg_no_correction, "svrg_no_correction"},
     {Mutant::mala_no_proposal_correction, "mala_no_proposal_correction"},
     {Mutant::reused_rng_counters, "reused_rng_counters"}}};

bool stochastic(Algorithm a) { return a == Algorithm::sgld || a == Algorithm::svrg_ld || a == Algorithm::sarah_ld; }
bool variance_reduced(Algorithm a) { return a == Algorithm::svrg_ld || a == Algorithm::sarah_ld; }

// X(:, j) += alpha G(:, j) + beta Z(:, j) for every column of a block, in one pass that also
// checks the result; returns the index in the block of the first column with a non-finite entry,
// or X.cols(). (The same operations, in the same order, as the Eigen expression
// X += alpha G + beta Z.) Finiteness test: a double is ±inf or NaN iff its exponent field is all
// ones, i.e. iff adding 1 to that field carries into bit 63; OR-ing the sums keeps the loop a
// plain integer reduction, which the compiler vectorises.
Eigen::Index update_block(Eigen::Ref<Eigen::MatrixXd> X, const Eigen::MatrixXd& G, const Eigen::MatrixXd& Z,
                          double alpha, double beta) {
  constexpr std::uint64_t kExponent = 0x7ff0000000000000ULL, kExponentOne = 0x0010000000000000ULL;
  Eigen::Index first_bad = X.cols();
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    double* x = X.col(j).data();
    const double* g = G.col(j).data();
    const double* z = Z.col(j).data();
    std::uint64_t carry = 0;
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      x[i] += alpha * g[i] + beta * z[i];
      carry |= (std::bit_cast<std::uint64_t>(x[i]) & kExponent) + kExponentOne;
    }
    if ((carry >> 63) != 0 && first_bad == X.cols()) first_bad = j;
  }
  return first_bad;
}

std::string num(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
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

double StepSchedule::at(std::uint32_t k) const {
  if (kind == Kind::constant) return eta0;
  return eta0 * std::pow(1.0 + static_cast<double>(k) / k0, -gamma);
}

void StepSchedule::validate() const {
  if (!(std::isfinite(eta0) && eta0 > 0)) throw std::invalid_argument("step.eta0: must be finite and > 0; got " + num(eta0));
  if (kind == Kind::polynomial) {
    if (!(std::isfinite(k0) && k0 > 0)) throw std::invalid_argument("step.k0: must be finite and > 0; got " + num(k0));
    if (!(gamma >= 0 && gamma <= 1)) throw std::invalid_argument("step.gamma: must be in [0, 1]; got " + num(gamma));
  }
}

bool SamplerOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!(std::isfinite(lambda) && lambda > 0)) return fail("lambda: must be finite and > 0; got " + num(lambda));
  try {
    step.validate();
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
  if (threads < 0) return fail("threads: must be >= 0");
  if (!preconditioner.is_identity() && stochastic(algorithm))
    return fail(std::string("preconditioner: only ula and mala support preconditioning; algorithm is ") +
                to_string(algorithm));
  if (mutant == Mutant::svrg_no_correction && algorithm != Algorithm::svrg_ld)
    return fail(std::string("mutant: svrg_no_correction applies to svrg_ld only; algorithm is ") + to_string(algorithm));
  if (mutant == Mutant::mala_no_proposal_correction && algorithm != Algorithm::mala)
    return fail(std::string("mutant: mala_no_proposal_correction applies to mala only; algorithm is ") +
                to_string(algorithm));
  return true;
}

std::string SamplerSummary::brief() const {
  std::ostringstream os;
  os << to_string(algorithm) << (mutant == Mutant::none ? "" : std::string(" [mutant ") + to_string(mutant) + "]")
     << ": " << steps << " steps x " << chains << " chains, d = " << dim << ", n = " << n << ", "
     << gradient_evaluations << " gradient evaluations/chain";
  if (algorithm == Algorithm::mala) os << ", acceptance " << num(mean_acceptance_rate);
  os << ", " << num(seconds) << " s";
  return os.str();
}

std::string SamplerSummary::full() const {
  std::ostringstream os;
  os << brief() << "\n"
     << "  lambda = " << num(lambda) << ", eta from " << num(eta_first) << " to " << num(eta_last) << "\n"
     << "  batch size B = " << batch_size << ", inner loop m = " << inner_loop << "\n"
     << "  gradient evaluations: " << gradient_evaluations << " per chain, " << total_gradient_evaluations()
     << " in total; value evaluations " << value_evaluations << " per chain\n"
     << "  stability: M_eff = " << (curvature_bound ? num(*curvature_bound) : std::string("unknown"))
     << ", limit 2/M_eff = " << num(stability_limit) << "\n";
  return os.str();
}

SamplerDivergence::SamplerDivergence(std::uint32_t k, std::uint32_t c, double e, double lim)
    : std::runtime_error("divergence: non-finite state at step " + std::to_string(k) + " of chain " +
                         std::to_string(c) + " with step size eta = " + num(e) + " (stability limit 2/M = " +
                         (std::isfinite(lim) ? num(lim) : std::string("unknown")) +
                         "); reduce the step size"),
      step(k),
      chain(c),
      eta(e),
      limit(lim) {}

std::uint64_t expected_gradient_evaluations(Algorithm a, std::int64_t n, std::uint32_t K, std::uint32_t B,
                                            std::uint32_t m, Mutant mutant) {
  const auto nn = static_cast<std::uint64_t>(n), KK = static_cast<std::uint64_t>(K), BB = static_cast<std::uint64_t>(B);
  switch (a) {
    case Algorithm::ula: return nn * KK;
    case Algorithm::mala: return nn * (KK + 1);
    case Algorithm::sgld: return BB * KK;
    case Algorithm::svrg_ld:
    case Algorithm::sarah_ld: {
      if (m == 0) throw std::invalid_argument("m: must be >= 1");
      const std::uint64_t s = (KK + m - 1) / m;
      const std::uint64_t per = (a == Algorithm::svrg_ld && mutant == Mutant::svrg_no_correction) ? BB : 2 * BB;
      return nn * s + per * (KK - s);
    }
  }
  return 0;
}

void sampler_noise(const SamplerOptions& opt, int d, std::uint32_t k, std::uint32_t c0, std::uint32_t count, Eigen::MatrixXd& Z) {
  const rng::Key noise_key{opt.seed, static_cast<std::uint32_t>(rng::StreamTag::langevin_noise)};
  Z.resize(d, count);
  const bool reused = opt.mutant == Mutant::reused_rng_counters;
  rng::fill_normal_block(noise_key, opt.replica, k, reused ? 0u : opt.chain_offset + c0, reused ? 0u : 1u, count,
                         static_cast<std::uint32_t>(d), Z.data(), static_cast<std::size_t>(d));
}

std::optional<double> effective_curvature(const models::FiniteSumPotential& U, const Preconditioner& P) {
  if (auto g = U.gaussian()) return P.max_eigenvalue_preconditioned(g->precision);
  if (auto M = U.hessian_max()) return *M * P.max_eigenvalue();
  return std::nullopt;
}

SamplerSummary sample(const models::FiniteSumPotential& U, Ensemble& X, const SamplerOptions& opt,
                      const Observer& observer) {
  std::string err;
  if (!opt.IsValid(&err)) throw std::invalid_argument(err);
  const int d = U.dim();
  const std::int64_t n = U.n();
  const Eigen::Index N = X.cols();
  if (X.rows() != d)
    throw std::invalid_argument("X: has " + std::to_string(X.rows()) + " rows; the potential's dimension is " +
                                std::to_string(d));
  if (N < 1) throw std::invalid_argument("X: needs at least one chain (column)");
  if (static_cast<std::uint64_t>(opt.chain_offset) + static_cast<std::uint64_t>(N) - 1 > UINT32_MAX)
    throw std::invalid_argument("chain_offset: chain_offset + N - 1 must fit in 32 bits");
  if (!X.allFinite()) throw std::invalid_argument("X: initial state must be finite");
  opt.preconditioner.validate(d);
  const Algorithm alg = opt.algorithm;
  std::uint32_t B = 0, m = 0;
  if (stochastic(alg)) {
    B = opt.batch_size ? opt.batch_size : default_batch_size(n);
    if (static_cast<std::int64_t>(B) > n)
      throw std::invalid_argument("batch_size: " + std::to_string(B) + " exceeds n = " + std::to_string(n));
  }
  if (variance_reduced(alg)) m = opt.inner_loop ? opt.inner_loop : default_inner_loop_length(n);

  SamplerSummary sum;
  sum.algorithm = alg;
  sum.mutant = opt.mutant;
  sum.steps = opt.n_steps;
  sum.dim = d;
  sum.chains = N;
  sum.n = n;
  sum.batch_size = B;
  sum.inner_loop = m;
  sum.lambda = opt.lambda;
  sum.curvature_bound = effective_curvature(U, opt.preconditioner);
  sum.stability_limit = sum.curvature_bound ? 2.0 / *sum.curvature_bound : std::numeric_limits<double>::infinity();
  sum.eta_first = opt.step.at(0);
  sum.eta_last = opt.n_steps ? opt.step.at(opt.n_steps - 1) : sum.eta_first;
  sum.mean_acceptance_rate = std::numeric_limits<double>::quiet_NaN();
  if (opt.stability_guard && sum.curvature_bound && opt.step.eta0 > sum.stability_limit)
    throw std::invalid_argument("eta: step size eta_0 = " + num(opt.step.eta0) + " exceeds the stability limit 2/M = " +
                                num(sum.stability_limit) + " (M = " + num(*sum.curvature_bound) +
                                (opt.preconditioner.is_identity() ? "" : ", preconditioned") +
                                "); reduce eta or set stability_guard = false");

  const auto t_start = std::chrono::steady_clock::now();
  const rng::Key batch_key{opt.seed, static_cast<std::uint32_t>(rng::StreamTag::minibatch)};
  const rng::Key mh_key{opt.seed, static_cast<std::uint32_t>(rng::StreamTag::metropolis)};
  const Preconditioner& P = opt.preconditioner;
  const bool precond = !P.is_identity();
  const double lam = opt.lambda;
  const int threads = resolve_threads(opt.threads);
  const Eigen::Index nblocks = (N + kChainBlock - 1) / kChainBlock;
  const double drift_sign = opt.mutant == Mutant::drift_flipped ? 1.0 : -1.0;

  // Per-chain state of MALA (current U and ∇U), SVRG (snapshot and its full gradient) and SARAH
  // (previous state and estimate).
  Eigen::VectorXd Ucur;
  Ensemble Gcur, Xs, Gs;
  std::vector<std::uint64_t> accepted;
  std::uint64_t count = 0, value_count = 0;

  std::exception_ptr eptr;
  auto run_blocks = [&](auto&& body) -> Eigen::Index {
    Eigen::Index first_bad = N;
#pragma omp parallel num_threads(threads) if (threads != 1)
    {
      struct Scratch {
        Eigen::MatrixXd G, Z, Y, PG, LZ, Gy, R;
        Eigen::VectorXd Uy, q1, q2;
        std::vector<std::uint32_t> idx;
      } s;
      // Dynamic: on a shared machine a thread that loses its core does not hold up the step
      // (each block is a pure function of its indices, so the result does not depend on the
      // schedule); 4 blocks (~6400 normals at d = 100) per grab keep the dispatch cost negligible.
#pragma omp for schedule(dynamic, 4) reduction(min : first_bad)
      for (Eigen::Index b = 0; b < nblocks; ++b) {
        try {
          const Eigen::Index c0 = b * kChainBlock, w = std::min(kChainBlock, N - c0);
          const Eigen::Index bad = body(s, c0, w);
          if (bad < first_bad) first_bad = bad;
        } catch (...) {
#pragma omp critical(ldbench_langevin_error)
          if (!eptr) eptr = std::current_exception();
        }
      }
    }
    if (eptr) std::rethrow_exception(eptr);
    return first_bad;
  };

  // xi_k of chains c0..c0+w-1 (column j: global chain chain_offset + c0 + j; the mutant
  // reused_rng_counters gives every column the numbers of chain 0).
  auto noise = [&](Eigen::MatrixXd& Z, Eigen::Index c0, Eigen::Index w, std::uint32_t k) {
    sampler_noise(opt, static_cast<int>(d), k, static_cast<std::uint32_t>(c0), static_cast<std::uint32_t>(w), Z);
  };
  auto first_nonfinite = [&](Eigen::Index c0, Eigen::Index w) -> Eigen::Index {
    for (Eigen::Index j = 0; j < w; ++j)
      if (!X.col(c0 + j).allFinite()) return c0 + j;
    return N;
  };

  if (alg == Algorithm::mala) {
    Ucur.resize(N);
    Gcur.resize(d, N);
    accepted.assign(static_cast<std::size_t>(N), 0);
    run_blocks([&](auto&, Eigen::Index c0, Eigen::Index w) -> Eigen::Index {
      U.values_and_gradients(X.middleCols(c0, w), Ucur.segment(c0, w), Gcur.middleCols(c0, w));
      return N;
    });
    count = value_count = static_cast<std::uint64_t>(n);
  }
  if (variance_reduced(alg)) {
    Xs.resize(d, N);
    Gs.resize(d, N);
  }

  const std::uint32_t K = opt.n_steps;
  auto observe = [&](std::uint32_t k) {
    if (observer && opt.observe_every > 0 && (k % opt.observe_every == 0 || k == K)) observer(k, X, count);
  };
  observe(0);

  for (std::uint32_t k = 0; k < K; ++k) {
    const double eta = opt.step.at(k);
    const double noise_scale = opt.mutant == Mutant::noise_sqrt_eta ? std::sqrt(eta) : std::sqrt(2 * eta * lam);
    const bool full_step = variance_reduced(alg) && k % m == 0;
    Eigen::Index bad = N;
    if (alg == Algorithm::mala) {
      bad = run_blocks([&](auto& s, Eigen::Index c0, Eigen::Index w) -> Eigen::Index {
        auto Xb = X.middleCols(c0, w);
        noise(s.Z, c0, w, k);
        s.PG.resize(d, w);
        s.LZ.resize(d, w);
        P.apply(Gcur.middleCols(c0, w), s.PG);  // P ∇U(x)
        P.apply_sqrt(s.Z, s.LZ);
        s.Y = Xb + drift_sign * eta * s.PG + noise_scale * s.LZ;
        s.Uy.resize(w);
        s.Gy.resize(d, w);
        U.values_and_gradients(s.Y, s.Uy, s.Gy);
        // log q(y|x) = -|L⁻¹(y - x + eta P∇U(x))|²/(4 eta lambda) + const; same const both ways.
        s.q1.resize(w);
        s.q2.resize(w);
        s.R = s.Y - Xb + eta * s.PG;
        P.inverse_quadratic(s.R, s.q1);
        P.apply(s.Gy, s.PG);  // P ∇U(y)
        s.R = Xb - s.Y + eta * s.PG;
        P.inverse_quadratic(s.R, s.q2);
        const double denom = 4 * eta * lam;
        for (Eigen::Index j = 0; j < w; ++j) {
          const Eigen::Index c = c0 + j;
          double log_alpha = -(s.Uy(j) - Ucur(c)) / lam;
          if (opt.mutant != Mutant::mala_no_proposal_correction) log_alpha += (s.q1(j) - s.q2(j)) / denom;
          const auto chain = opt.chain_offset + static_cast<std::uint32_t>(c);
          const double u = rng::uniform01x2({opt.replica, chain, k, 0}, mh_key)[0];
          if (std::log(u) <= log_alpha && s.Y.col(j).allFinite()) {
            Xb.col(j) = s.Y.col(j);
            Ucur(c) = s.Uy(j);
            Gcur.col(c) = s.Gy.col(j);
            ++accepted[static_cast<std::size_t>(c)];
          }
        }
        return first_nonfinite(c0, w);
      });
      count += static_cast<std::uint64_t>(n);
      value_count += static_cast<std::uint64_t>(n);
    } else {
      bad = run_blocks([&](auto& s, Eigen::Index c0, Eigen::Index w) -> Eigen::Index {
        auto Xb = X.middleCols(c0, w);
        s.G.resize(d, w);
        if (alg == Algorithm::ula || full_step) {
          U.gradients(Xb, s.G);
        } else {
          for (Eigen::Index j = 0; j < w; ++j) {
            const Eigen::Index c = c0 + j;
            sample_minibatch(batch_key, opt.replica, opt.chain_offset + static_cast<std::uint32_t>(c), k, n, B, s.idx);
            const double* x = X.col(c).data();
            double* g = s.G.col(j).data();
            if (alg == Algorithm::sgld || opt.mutant == Mutant::svrg_no_correction)
              sgld_gradient(U, x, s.idx, g);
            else if (alg == Algorithm::svrg_ld)
              svrg_gradient(U, x, Xs.col(c).data(), Gs.col(c).data(), s.idx, g);
            else
              sarah_gradient(U, x, Xs.col(c).data(), Gs.col(c).data(), s.idx, g);
          }
        }
        // SVRG: (Xs, Gs) = snapshot and ∇U(snapshot), refreshed on full steps only;
        // SARAH: (Xs, Gs) = (x_k, g_k), refreshed every step.
        if ((alg == Algorithm::svrg_ld && full_step) || alg == Algorithm::sarah_ld) {
          Xs.middleCols(c0, w) = Xb;
          Gs.middleCols(c0, w) = s.G;
        }
        noise(s.Z, c0, w, k);
        if (precond) {
          s.PG.resize(d, w);
          s.LZ.resize(d, w);
          P.apply(s.G, s.PG);
          P.apply_sqrt(s.Z, s.LZ);
          Xb += drift_sign * eta * s.PG + noise_scale * s.LZ;
          return first_nonfinite(c0, w);
        }
        const Eigen::Index j_bad = update_block(Xb, s.G, s.Z, drift_sign * eta, noise_scale);
        return j_bad < w ? c0 + j_bad : N;
      });
      switch (alg) {
        case Algorithm::ula: count += static_cast<std::uint64_t>(n); break;
        case Algorithm::sgld: count += B; break;
        default:
          count += full_step ? static_cast<std::uint64_t>(n)
                             : (opt.mutant == Mutant::svrg_no_correction ? 1ull : 2ull) * B;
      }
    }
    if (bad < N) throw SamplerDivergence(k + 1, opt.chain_offset + static_cast<std::uint32_t>(bad), eta, sum.stability_limit);
    observe(k + 1);
  }

  sum.gradient_evaluations = count;
  sum.value_evaluations = value_count;
  if (alg == Algorithm::mala) {
    sum.acceptance_rate.resize(N);
    for (Eigen::Index c = 0; c < N; ++c)
      sum.acceptance_rate(c) = K ? static_cast<double>(accepted[static_cast<std::size_t>(c)]) / K
                                 : std::numeric_limits<double>::quiet_NaN();
    sum.mean_acceptance_rate = sum.acceptance_rate.mean();
  }
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return sum;
}

}  // namespace ldbench::lib::langevin
