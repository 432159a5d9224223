// Google Benchmark: one full-batch MFLD step (lib/mfld) of the mean-field tanh network, next to a plain
// Eigen GEMM of the same shapes (issue 7, "Speed").
//
// BM_MfldStep_Tanh/threads: N = 4096 particles (neurons θ = (r, w) ∈ R^{1+p}), n = 4096 data in R^p,
// p = 64, squared loss, one discrete MFLD step per iteration (lib/mfld run with n_steps = 1: the gradient
// H = Z W, A = tanh(H), f = A r/N, G_r = Aᵀe/n, G_w = Zᵀ(e ∘ (1 - A²)) diag(r)/n, plus the noise and the
// update). Counters: seconds_per_step; flops = 4 n p N per step (the two dense products; the activation,
// the two matrix-vector products (4 n N) and the noise are not counted), as a rate (FLOP/s);
// tanh_per_second = n N activations per second.
// BM_Gemm: the same two products with plain Eigen, C = Z W (n x p by p x N) and Zᵀ M (p x n by n x N),
// single-threaded (the build defines EIGEN_DONT_PARALLELIZE): the GEMM-bound time of one step on this
// machine. The ratio BM_MfldStep_Tanh/1 time over BM_Gemm time is the overhead over the GEMM bound.
// BM_MfldStepScaling_Tanh/N: the same step, one thread, n = 4096 and p = 64 fixed, N = 256 .. 4096 particles:
// seconds per step against N (the step is linear in N: Complexity oN).
// BM_MfldStepRanks_Tanh: the N = n = 4096 step, one thread per rank, with the particles split over the MPI
// ranks (lib/mfld shard_of; one all-gather of the n x (blocks) prediction partials per step). Without mpirun it
// is the one-rank step; the 1 vs 2 ranks figures come from the same command with and without mpirun:
//   build/bench/ldbench_bench --benchmark_filter=MfldStepRanks
//   OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np 2 build/bench/ldbench_bench --benchmark_filter=MfldStepRanks
// (a fixed iteration count, so that every rank runs the same steps; only rank 0 prints).
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cstdio>

#include "lib/core/communicator.hpp"
#include "lib/mfld/mfld.hpp"
#include "lib/mfld/network.hpp"

namespace {

namespace mf = ldbench::lib::mfld;

// MPI_Init before main (and before Google Benchmark prints anything) when started by mpirun, a no-op otherwise;
// ranks > 0 print nothing.
const ldbench::lib::core::MpiSession mpi_session(nullptr, nullptr);
[[maybe_unused]] const bool quiet_rank = ldbench::lib::core::world().rank() != 0 && std::freopen("/dev/null", "w", stdout) != nullptr;

constexpr int kN = 4096, kn = 4096, kp = 64;

const mf::NetworkObjective& network_4096() {
  static const auto* F = [] {
    auto data = mf::make_teacher_data(kn, kp, 1u, mf::Activation::tanh, mf::Loss::squared);
    return new mf::NetworkObjective(std::move(data), mf::Activation::tanh, mf::Loss::squared, 1e-3);
  }();
  return *F;
}

void BM_MfldStep_Tanh(benchmark::State& state) {
  const auto& F = network_4096();
  Eigen::MatrixXd Theta = Eigen::MatrixXd::Random(F.dim(), kN);
  mf::MfldOptions o;
  o.algorithm = mf::Algorithm::mfld;
  o.eta = 1e-3;
  o.lambda2 = 1e-4;
  o.n_steps = 1;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    mf::run(F, Theta, o);
    ++o.seed;
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["seconds_per_step"] = benchmark::Counter(it, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["flops"] = benchmark::Counter(it * 4.0 * kn * kp * static_cast<double>(kN), benchmark::Counter::kIsRate);
  state.counters["tanh_per_second"] = benchmark::Counter(it * static_cast<double>(kn) * kN, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MfldStep_Tanh)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MfldStepScaling_Tanh(benchmark::State& state) {
  const auto& F = network_4096();
  const Eigen::Index N = state.range(0);
  Eigen::MatrixXd Theta = Eigen::MatrixXd::Random(F.dim(), N);
  mf::MfldOptions o;
  o.algorithm = mf::Algorithm::mfld;
  o.eta = 1e-3;
  o.lambda2 = 1e-4;
  o.n_steps = 1;
  o.threads = 1;
  for (auto _ : state) {
    mf::run(F, Theta, o);
    ++o.seed;
  }
  const double it = static_cast<double>(state.iterations());
  state.SetComplexityN(N);
  state.counters["seconds_per_step"] = benchmark::Counter(it, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["flops"] = benchmark::Counter(it * 4.0 * kn * kp * static_cast<double>(N), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MfldStepScaling_Tanh)->RangeMultiplier(2)->Range(256, 4096)->Complexity(benchmark::oN)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MfldStepRanks_Tanh(benchmark::State& state) {
  const auto& F = network_4096();
  const auto& comm = ldbench::lib::core::world();
  const mf::ShardRange sr = mf::shard_of(kN, comm.rank(), comm.size());
  std::srand(1);
  const Eigen::MatrixXd all = Eigen::MatrixXd::Random(F.dim(), kN);
  Eigen::MatrixXd Theta = all.middleCols(sr.begin, sr.count());
  mf::MfldOptions o;
  o.algorithm = mf::Algorithm::mfld;
  o.eta = 1e-3;
  o.lambda2 = 1e-4;
  o.n_steps = 1;
  o.threads = 1;
  o.comm = &comm;
  o.particle_offset = static_cast<std::uint32_t>(sr.begin);
  for (auto _ : state) {
    mf::run(F, Theta, o);
    ++o.seed;
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["ranks"] = comm.size();
  state.counters["seconds_per_step"] = benchmark::Counter(it, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["flops"] = benchmark::Counter(it * 4.0 * kn * kp * static_cast<double>(kN), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MfldStepRanks_Tanh)->Iterations(8)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Gemm(benchmark::State& state) {
  const Eigen::MatrixXd Z = Eigen::MatrixXd::Random(kn, kp), W = Eigen::MatrixXd::Random(kp, kN), M = Eigen::MatrixXd::Random(kn, kN);
  Eigen::MatrixXd C(kn, kN), D(kp, kN);
  for (auto _ : state) {
    C.noalias() = Z * W;
    D.noalias() = Z.transpose() * M;
    benchmark::DoNotOptimize(C.data());
    benchmark::DoNotOptimize(D.data());
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["seconds_per_step"] = benchmark::Counter(it, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["flops"] = benchmark::Counter(it * 4.0 * kn * kp * static_cast<double>(kN), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Gemm)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
