// Google Benchmark: the grid Fokker–Planck solver (lib/fp). One iteration = one time step.
// Counters: cells_per_second = grid cells advanced per second (kIsRate). The factorisation is
// built before the timed loop (it is reused across steps with the same dt and potential), except in
// BM_FpStep2dNewPotential, which replaces the potential every step (the mean-field use) and so
// measures numeric refactorisation + solve. BM_FpSpectralGap1d: the gap at n = 4096 (Sturm
// bisection), the size quoted in lib/fp/spectral.hpp. BM_UlaLawStep: one step of the grid law of
// ULA (lib/fp/gaussian_transition.hpp, double well, lambda 0.3) at the fp_ula_grid spec's grid
// (n = 3000 on [-3, 3]); kernel_entries is the stored band, the build is outside the timed loop.
// BM_W2Bounds2d: the 2-D W2² bracket (marginal lower, Knothe–Rosenblatt upper) between two grid
// densities, as fp_lsi_bounds evaluates it along the flow.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cmath>

#include "lib/fp/fokker_planck.hpp"
#include "lib/fp/functionals.hpp"
#include "lib/fp/gaussian_transition.hpp"
#include "lib/fp/spectral.hpp"
#include "lib/potentials/potential.hpp"

namespace {

namespace fp = ldbench::lib::fp;
namespace pot = ldbench::lib::potentials;

std::unique_ptr<pot::Potential> double_well(int dim) {
  pot::PotentialRegistry r;
  pot::register_builtin_potentials(r);
  return r.make("double_well", dim);
}

Eigen::VectorXd bump(const fp::Grid& g) {
  return fp::normalized(g, fp::sample(g, [&](const double* x) {
                          double s = (x[0] - 0.8) * (x[0] - 0.8);
                          if (g.dim() == 2) s += (x[1] + 0.5) * (x[1] + 0.5);
                          return std::exp(-s / 0.1);
                        }));
}

void BM_FpStep1d(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  fp::FpOptions o;
  o.lambda = 0.1;
  o.scheme = state.range(1) ? fp::Scheme::tr_bdf2 : fp::Scheme::backward_euler;
  const fp::Grid g = fp::Grid::line(-2.5, 2.5, n);
  fp::FokkerPlanck solver(g, *double_well(1), o);
  solver.set_density(bump(g));
  solver.step(1e-3);
  for (auto _ : state) {
    solver.step(1e-3);
    benchmark::DoNotOptimize(solver.density().data());
  }
  state.counters["cells_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * g.size(), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(fp::to_string(o.scheme)));
}
BENCHMARK(BM_FpStep1d)->ArgNames({"n", "trbdf2"})->ArgsProduct({{4096}, {0, 1}})->Unit(benchmark::kMicrosecond);

void BM_FpStep2d(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  fp::FpOptions o;
  o.lambda = 0.3;
  o.scheme = state.range(1) ? fp::Scheme::tr_bdf2 : fp::Scheme::backward_euler;
  const fp::Grid g = fp::Grid::box({-2.5, 2.5, n}, {-2.5, 2.5, n});
  fp::FokkerPlanck solver(g, *double_well(2), o);
  solver.set_density(bump(g));
  solver.step(1e-3);  // factorisation outside the timed loop
  for (auto _ : state) {
    solver.step(1e-3);
    benchmark::DoNotOptimize(solver.density().data());
  }
  state.counters["cells_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * g.size(), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(fp::to_string(o.scheme)));
}
BENCHMARK(BM_FpStep2d)->ArgNames({"n", "trbdf2"})->ArgsProduct({{128, 512}, {0, 1}})->Unit(benchmark::kMillisecond);

void BM_FpStep2dNewPotential(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  fp::FpOptions o;
  o.lambda = 0.3;
  const fp::Grid g = fp::Grid::box({-2.5, 2.5, n}, {-2.5, 2.5, n});
  fp::FokkerPlanck solver(g, *double_well(2), o);
  solver.set_density(bump(g));
  const Eigen::VectorXd U0 = solver.potential();
  const Eigen::VectorXd tilt = fp::sample(g, [](const double* x) { return 0.01 * x[0]; });
  solver.step(1e-3);
  long k = 0;
  for (auto _ : state) {
    solver.set_potential(U0 + static_cast<double>(++k % 2) * tilt);
    solver.step(1e-3);
    benchmark::DoNotOptimize(solver.density().data());
  }
  state.counters["cells_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * g.size(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FpStep2dNewPotential)->ArgName("n")->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond);

void BM_FpSpectralGap1d(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const fp::Grid g = fp::Grid::line(-2.5, 2.5, n);
  const Eigen::VectorXd U = fp::sample(g, *double_well(1));
  double gap = 0;
  for (auto _ : state) {
    gap = fp::spectral_gap(g, U, 0.08).gap;
    benchmark::DoNotOptimize(gap);
  }
  state.counters["gap"] = gap;
  state.counters["cells_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * g.size(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FpSpectralGap1d)->ArgName("n")->Arg(4096)->Unit(benchmark::kMillisecond);

void BM_UlaLawStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const double eta = static_cast<double>(state.range(1)) * 1e-4, lambda = 0.3;
  const fp::Grid g = fp::Grid::line(-3, 3, n);
  const auto U = double_well(1);
  const fp::GaussianTransition1d T(
      g,
      [&](double x) {
        double d = 0;
        U->gradient(&x, &d);
        return x - eta * d;
      },
      2 * eta * lambda);
  Eigen::VectorXd p = bump(g);
  for (auto _ : state) {
    p = T.apply(p);
    p /= fp::mass(g, p);
    benchmark::DoNotOptimize(p.data());
  }
  state.counters["kernel_entries"] = static_cast<double>(T.nonzeros());
  state.counters["cells_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * g.size(), benchmark::Counter::kIsRate);
  state.SetLabel("eta = " + std::to_string(eta));
}
BENCHMARK(BM_UlaLawStep)->ArgNames({"n", "eta_1e4"})->ArgsProduct({{3000}, {25, 400}})->Unit(benchmark::kMillisecond);

void BM_W2Bounds2d(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const fp::Grid g = fp::Grid::box({-2.5, 2.5, n}, {-2.5, 2.5, n});
  const Eigen::VectorXd p = bump(g);
  const Eigen::VectorXd pi = fp::gibbs_density(g, fp::sample(g, *double_well(2)), 0.3);
  double lower = 0;
  for (auto _ : state) {
    lower = fp::w2_squared_2d_bounds(g, p, pi).lower;
    benchmark::DoNotOptimize(lower);
  }
  state.counters["cells_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * g.size(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_W2Bounds2d)->ArgName("n")->Arg(96)->Arg(256)->Unit(benchmark::kMillisecond);

}  // namespace
