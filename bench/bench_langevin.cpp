// Google Benchmark: Langevin samplers of lib/langevin.
//
// BM_Langevin_Logistic/<algorithm>: Bayesian logistic regression (lib/models/logistic.hpp) on
// synthetic data with n = 1e4 examples, d = 50, an ensemble of `chains` chains; one benchmark
// iteration runs K = m = ceil(sqrt(n)) = 100 steps (one SVRG/SARAH epoch, so every algorithm's
// per-step cost includes its amortised full-gradient share). Counters:
//   steps_per_second            sampler steps (all chains advance by one step) per second
//   grad_evals_per_second       per-example gradient evaluations per second, all chains
//                               (SamplerSummary::total_gradient_evaluations; full gradient = n)
//   items_per_second            chain-steps per second
// BM_Langevin_UlaGaussian: ULA on a d = 100 Gaussian (diagonal precision, curvatures 1..10) with
// 1e5 chains, one step per iteration; items_per_second = chain-coordinate updates per second
// (one normal draw each).
// BM_LangevinNoise/<generator>: the samplers' noise alone, single-threaded, as the sampler draws
// it: blocks of kChainBlock = 16 chains x d = 100 normals at one step (1e5 chains per iteration);
// items_per_second = normals per second. Generators: NormalStream (lib/rng/philox.hpp, scalar
// Box–Muller with the C library's log and sincos, one chain at a time: the samplers' noise before
// lib/rng/normal_block.hpp) and fill_normal_block on its baseline (SSE2) and AVX2 paths. The ratio
// of the block generator's rate to NormalStream's is the speed-up of the noise.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "lib/langevin/sampler.hpp"
#include "lib/models/gaussian_sum.hpp"
#include "lib/models/logistic.hpp"
#include "lib/rng/normal_block.hpp"
#include "lib/rng/philox.hpp"

namespace {

using namespace ldbench::lib;

const models::LogisticRegression& logistic_1e4_50() {
  static const auto* U = [] {
    auto data = models::make_synthetic_logistic_data(10000, 50, 1u);
    return new models::LogisticRegression(data.features, data.labels, 1.0);
  }();
  return *U;
}

void BM_Langevin_Logistic(benchmark::State& state) {
  const auto alg = static_cast<langevin::Algorithm>(state.range(0));
  const long chains = state.range(1);
  const int threads = static_cast<int>(state.range(2));
  const auto& U = logistic_1e4_50();
  langevin::SamplerOptions o;
  o.algorithm = alg;
  o.n_steps = 100;
  // eta M = 0.5 (M = ¼ λmax(FᵀF) + 1 ~ 3e3), stable for every algorithm.
  o.step = langevin::StepSchedule::constant(0.5 / *U.hessian_max());
  o.threads = threads;
  langevin::Ensemble X = langevin::Ensemble::Zero(U.dim(), chains);
  std::uint64_t evals = 0, steps = 0;
  for (auto _ : state) {
    const auto s = langevin::sample(U, X, o);
    evals += s.total_gradient_evaluations();
    steps += s.steps;
    ++o.seed;  // fresh noise each iteration
    benchmark::DoNotOptimize(X.data());
  }
  state.SetLabel(langevin::to_string(alg));
  state.SetItemsProcessed(static_cast<std::int64_t>(steps) * chains);
  state.counters["steps_per_second"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
  state.counters["grad_evals_per_second"] = benchmark::Counter(static_cast<double>(evals), benchmark::Counter::kIsRate);
  state.counters["chains"] = static_cast<double>(chains);
  state.counters["threads"] = threads;
}
BENCHMARK(BM_Langevin_Logistic)
    ->ArgNames({"alg", "chains", "threads"})
    ->ArgsProduct({{static_cast<long>(langevin::Algorithm::ula), static_cast<long>(langevin::Algorithm::mala),
                    static_cast<long>(langevin::Algorithm::sgld), static_cast<long>(langevin::Algorithm::svrg_ld),
                    static_cast<long>(langevin::Algorithm::sarah_ld)},
                   {32},
                   {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Langevin_UlaGaussian(benchmark::State& state) {
  const long chains = state.range(0);
  const int d = static_cast<int>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  Eigen::VectorXd a = Eigen::VectorXd::LinSpaced(d, 1.0, 10.0);
  auto U = models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(d), Eigen::MatrixXd(a.asDiagonal()), 1, 0.0, 0.0, 1u);
  langevin::SamplerOptions o;
  o.algorithm = langevin::Algorithm::ula;
  o.n_steps = 1;
  o.step = langevin::StepSchedule::constant(0.05);
  o.threads = threads;
  langevin::Ensemble X = langevin::Ensemble::Zero(d, chains);
  for (auto _ : state) {
    langevin::sample(*U, X, o);
    ++o.seed;
    benchmark::DoNotOptimize(X.data());
  }
  state.SetItemsProcessed(state.iterations() * chains * d);
  state.counters["chains"] = static_cast<double>(chains);
  state.counters["dim"] = d;
  state.counters["threads"] = threads;
}
void BM_LangevinNoise(benchmark::State& state) {
  const int generator = static_cast<int>(state.range(0));  // 0 NormalStream, 1 baseline, 2 avx2
  constexpr std::uint32_t d = 100, block = static_cast<std::uint32_t>(langevin::kChainBlock), chains = 100000;
  if (generator == 2 && !rng::simd_path_supported(rng::SimdPath::avx2)) {
    state.SkipWithError("no AVX2 on this CPU");
    return;
  }
  const rng::Key key{1u, static_cast<std::uint32_t>(rng::StreamTag::langevin_noise)};
  std::vector<double> z(static_cast<std::size_t>(d) * block);
  std::uint32_t step = 0;
  for (auto _ : state) {
    for (std::uint32_t c0 = 0; c0 < chains; c0 += block) {
      if (generator == 0) {
        for (std::uint32_t j = 0; j < block; ++j) rng::NormalStream(key, 0, c0 + j, step).fill(z.data() + j * d, d);
      } else {
        rng::fill_normal_block(key, 0, step, c0, 1, block, d, z.data(), d,
                               generator == 1 ? rng::SimdPath::baseline : rng::SimdPath::avx2);
      }
      benchmark::DoNotOptimize(z.data());
      benchmark::ClobberMemory();
    }
    ++step;
  }
  state.SetLabel(generator == 0 ? "NormalStream" : generator == 1 ? "normal_block/baseline" : "normal_block/avx2");
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(chains) * d);
}
// Single-threaded: rates from CPU time (less sensitive to other load on the machine than wall time).
BENCHMARK(BM_LangevinNoise)->ArgName("generator")->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

BENCHMARK(BM_Langevin_UlaGaussian)
    ->ArgNames({"chains", "dim", "threads"})
    ->ArgsProduct({{100000}, {100}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
