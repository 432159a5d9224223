// Google Benchmark: cost of one Euler–Maruyama step of the OU process over an ensemble
// (lib/sde), swept over particles x dimensions. Counters: items_per_second = particle-coordinate
// updates per second (one Gaussian draw each), and normals_per_second for the RNG alone, so the
// share of the RNG in a step is the ratio of the two, measured side by side in one run.
#include <benchmark/benchmark.h>

#include "lib/rng/philox.hpp"
#include "lib/sde/initial_law.hpp"
#include "lib/sde/ou.hpp"

namespace {

using namespace ldbench::lib;

void BM_OuEulerMaruyamaStep(benchmark::State& state) {
  const long n = state.range(0);
  const int d = static_cast<int>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  const sde::IsotropicMixture start{{1.0}, {Eigen::VectorXd::Zero(d)}, {1.0}};
  sde::Ensemble X = sde::sample_initial(start, n, 1, 0, 0, threads);
  const sde::Sde ou = sde::ornstein_uhlenbeck(d, {});
  sde::EulerMaruyamaOptions opt;
  opt.key = {1, static_cast<std::uint32_t>(rng::StreamTag::brownian)};
  opt.threads = threads;
  constexpr std::uint32_t kSteps = 1;  // one iteration = one step
  opt.grid = {0.0, 0.01, kSteps};
  for (auto _ : state) {
    sde::euler_maruyama(ou, X, opt);
    benchmark::DoNotOptimize(X.data());
    opt.grid.t0 += kSteps * opt.grid.step;
  }
  state.SetItemsProcessed(state.iterations() * kSteps * n * d);
  state.counters["particles"] = static_cast<double>(n);
  state.counters["dim"] = d;
  state.counters["threads"] = threads;
}
BENCHMARK(BM_OuEulerMaruyamaStep)
    ->ArgNames({"particles", "dim", "threads"})
    ->ArgsProduct({{1 << 10, 1 << 14, 1 << 17}, {1, 10, 100}, {1}})
    ->Args({1 << 17, 10, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_PhiloxNormalPairs(benchmark::State& state) {
  const rng::Key key{1, 2};
  std::uint32_t i = 0;
  double acc = 0;
  for (auto _ : state) {
    for (int k = 0; k < 1024; ++k) {
      const auto z = rng::normal2({0, i++, 0, 0}, key);
      acc += z[0] + z[1];
    }
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(state.iterations() * 2048);
  state.counters["normals_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 2048, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PhiloxNormalPairs);

}  // namespace

BENCHMARK_MAIN();
