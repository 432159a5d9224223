// Google Benchmark: cost of each estimator of the catalogue over the sample size n (and d), with
// ->Complexity() fits of the time against n. Inputs are fixed Gaussian samples (N(0, I) against
// N(0.5, I)), drawn once per size outside the timed loop. items_per_second = points per second.
//
// Peers (POT, SciPy) are compared separately by `./ldbench bench --peers` (bench/peers/), which
// times both sides in one invocation and reports the ratios.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <random>

#include "verify/estimators/kernel/mmd_ksd.hpp"
#include "verify/estimators/knn/entropy_kl.hpp"
#include "verify/estimators/ot/assignment.hpp"
#include "verify/estimators/ot/network_simplex.hpp"
#include "verify/estimators/ot/sinkhorn.hpp"
#include "verify/estimators/ot/w2_1d.hpp"

namespace {

namespace est = ldbench::verify::estimators;

Eigen::MatrixXd sample(long d, long n, double shift, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> n01;
  Eigen::MatrixXd x(d, n);
  for (long j = 0; j < n; ++j)
    for (long k = 0; k < d; ++k) x(k, j) = n01(gen) + shift;
  return x;
}

template <class F>
void run(benchmark::State& state, long d, F f) {
  const long n = state.range(0);
  const Eigen::MatrixXd x = sample(d, n, 0.0, 1), y = sample(d, n, 0.5, 2);
  for (auto _ : state) benchmark::DoNotOptimize(f(x, y));
  state.SetItemsProcessed(state.iterations() * n);
  state.SetComplexityN(n);
  state.counters["dim"] = static_cast<double>(d);
}

void BM_KnnKl_d3(benchmark::State& s) {
  run(s, 3, [](const auto& x, const auto& y) { return est::knn_kl(x, y, 1, 1).value; });
}
BENCHMARK(BM_KnnKl_d3)->RangeMultiplier(4)->Range(1 << 12, 1 << 16)->Complexity(benchmark::oNLogN)->Unit(benchmark::kMillisecond);

void BM_KnnEntropy_d3(benchmark::State& s) {
  run(s, 3, [](const auto& x, const auto&) { return est::knn_entropy(x, 5).value; });
}
BENCHMARK(BM_KnnEntropy_d3)->RangeMultiplier(4)->Range(1 << 12, 1 << 16)->Complexity(benchmark::oNLogN)->Unit(benchmark::kMillisecond);

void BM_Mmd2Gaussian_d2(benchmark::State& s) {
  run(s, 2, [](const auto& x, const auto& y) { return est::mmd2_unbiased(x, y).value; });
}
BENCHMARK(BM_Mmd2Gaussian_d2)->RangeMultiplier(2)->Range(256, 2048)->Complexity(benchmark::oNSquared)->Unit(benchmark::kMillisecond);

void BM_Ksd2Imq_d2(benchmark::State& s) {
  run(s, 2, [](const auto& x, const auto&) {
    const Eigen::MatrixXd score = -x;  // N(0, I)
    return est::ksd2_imq(x, score).value;
  });
}
BENCHMARK(BM_Ksd2Imq_d2)->RangeMultiplier(2)->Range(256, 2048)->Complexity(benchmark::oNSquared)->Unit(benchmark::kMillisecond);

void BM_W2OneDim(benchmark::State& s) {
  run(s, 1, [](const auto& x, const auto& y) { return est::w2_squared_1d(x, y).value; });
}
BENCHMARK(BM_W2OneDim)->RangeMultiplier(8)->Range(1 << 10, 1 << 19)->Complexity(benchmark::oNLogN)->Unit(benchmark::kMillisecond);

void BM_W2Assignment_d2(benchmark::State& s) {
  run(s, 2, [](const auto& x, const auto& y) { return est::w2_squared_assignment(x, y).w2_squared.value; });
}
BENCHMARK(BM_W2Assignment_d2)->RangeMultiplier(2)->Range(250, 2000)->Complexity(benchmark::oNCubed)->Unit(benchmark::kMillisecond);

void BM_W2NetworkSimplex_d2(benchmark::State& s) {
  run(s, 2, [](const auto& x, const auto& y) { return est::w2_squared_network_simplex(x, y).w2_squared.value; });
}
BENCHMARK(BM_W2NetworkSimplex_d2)->RangeMultiplier(2)->Range(250, 1000)->Complexity()->Unit(benchmark::kMillisecond);

void BM_SinkhornLog_d2(benchmark::State& s) {
  run(s, 2, [](const auto& x, const auto& y) { return est::sinkhorn_w2_squared(x, y, 0.05).transport_cost.value; });
}
BENCHMARK(BM_SinkhornLog_d2)->RangeMultiplier(2)->Range(625, 5000)->Complexity(benchmark::oNSquared)->Unit(benchmark::kMillisecond);

}  // namespace
