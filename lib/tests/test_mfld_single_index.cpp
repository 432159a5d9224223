// Tests for the nonlinear mean-field case: lib/mfld/single_index (gradients against central finite
// differences of N F(mu_N); the self-interaction mutant against the one-particle measure; the mini-batch
// form; bitwise thread-count independence; the grid first variation against finite differences of F_h;
// the oscillation bounds against theory/mean_field_nonlinear), and lib/fp/nonlinear (the fixed point, the
// exact discrete entropy sandwich, mass and free-energy decay along the lagged backward-Euler flow, the
// frozen-potential mutant, exact W1 values). Deterministic; well under a second in release.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "lib/fp/functionals.hpp"
#include "lib/fp/nonlinear.hpp"
#include "lib/mfld/registry.hpp"
#include "lib/mfld/single_index.hpp"
#include "lib/tests/test_support.hpp"
#include "theory/lsi.hpp"
#include "theory/mean_field_nonlinear.hpp"

namespace test_mfld_single_index {  // named per file: a unity build keeps the files' helpers apart
namespace {

namespace mf = ldbench::lib::mfld;
namespace fp = ldbench::lib::fp;
namespace th = ldbench::theory;
using ldbench::lib::test::throws_invalid_argument_naming;

constexpr double kFdTol = 2e-7;     // central differences, h = 1e-6, O(1) smooth functions
constexpr double kRoundTol = 1e-12;  // same formula, different association order

mf::SingleIndexObjective objective(int D, int n = 12, double lambda1 = 0.5) {
  return mf::SingleIndexObjective(mf::make_single_index_data(n, D, 7, 2.0, 0.1), lambda1);
}

Eigen::MatrixXd particles(int D, int N, unsigned seed) {
  std::srand(seed);
  return 1.5 * Eigen::MatrixXd::Random(D, N);
}

TEST(SingleIndex, GradientsMatchFiniteDifferencesOfNF) {
  for (int D : {1, 3}) {
    const auto F = objective(D);
    const Eigen::MatrixXd Th = particles(D, 9, 3);
    Eigen::MatrixXd G(D, Th.cols());
    F.gradients(Th, G);
    double worst = 0;
    const double h = 1e-6, N = static_cast<double>(Th.cols());
    for (Eigen::Index i = 0; i < Th.cols(); ++i)
      for (int c = 0; c < D; ++c) {
        Eigen::MatrixXd P = Th, M = Th;
        P(c, i) += h;
        M(c, i) -= h;
        const double fd = N * (F.value(P) - F.value(M)) / (2 * h);
        worst = std::max(worst, std::abs(fd - G(c, i)) / std::max(1.0, std::abs(G(c, i))));
      }
    EXPECT_LT(worst, kFdTol) << "D = " << D;
  }
}

TEST(SingleIndex, SelfInteractionIsTheOneParticleMeasure) {
  const auto F = objective(2);
  const Eigen::MatrixXd Th = particles(2, 5, 4);
  Eigen::MatrixXd G(2, 5), Gi(2, 1);
  F.self_interaction_gradients(Th, G);
  for (Eigen::Index i = 0; i < 5; ++i) {
    F.gradients(Th.col(i), Gi);  // the measure δ_{θ_i}
    EXPECT_LT((Gi.col(0) - G.col(i)).cwiseAbs().maxCoeff(), kRoundTol) << i;
  }
}

TEST(SingleIndex, FullBatchEqualsGradientAndThreadsDoNotChangeBits) {
  const auto F = objective(1, 40);
  const Eigen::MatrixXd Th = particles(1, 700, 5);  // > 2 particle blocks
  Eigen::MatrixXd G1(1, 700), G2(1, 700), Gb(1, 700);
  F.gradients(Th, G1, 1);
  F.gradients(Th, G2, 2);
  EXPECT_EQ((G1 - G2).cwiseAbs().maxCoeff(), 0.0);
  std::vector<std::uint32_t> I(40);
  std::iota(I.begin(), I.end(), 0u);
  F.batch_gradients(Th, I, Gb);
  EXPECT_LT((Gb - G1).cwiseAbs().maxCoeff(), kRoundTol);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { F.batch_gradients(Th, std::vector<std::uint32_t>{40}, Gb); }, "I:"));
}

TEST(SingleIndex, RegistryAndErrors) {
  mf::MeanFieldObjectiveRegistry reg;
  mf::register_builtin_objectives(reg);
  const auto F = reg.make("single_index_tanh", {});
  EXPECT_EQ(F->dim(), 1);
  EXPECT_EQ(F->n(), 16);
  EXPECT_TRUE(throws_invalid_argument_naming([] { mf::SingleIndexObjective(mf::make_single_index_data(4, 1, 1, 2, 0.1), 0.0); }, "lambda1:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { mf::make_single_index_data(0, 1, 1, 2, 0.1); }, "n:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { mf::SingleIndexGrid(objective(2), Eigen::VectorXd::Zero(3), 0.1); }, "objective:"));
}

// A 1-D grid problem shared by the remaining tests.
struct Problem {
  mf::SingleIndexObjective F = objective(1, 16, 0.5);
  fp::Grid grid = fp::Grid::line(-6, 6, 120);
  Eigen::VectorXd w = fp::sample(grid, [](const double* x) { return x[0]; });
  mf::SingleIndexGrid G{F, w, grid.axes[0].h()};
  fp::MeanFieldEnergy energy = [this](const Eigen::VectorXd& p, Eigen::VectorXd& V) { return G.energy(p, V); };
  double lambda2 = 0.8;
  Eigen::VectorXd start(double m, double s) const {
    Eigen::VectorXd p = fp::sample(grid, [&](const double* x) { return std::exp(-0.5 * (x[0] - m) * (x[0] - m) / (s * s)); });
    return fp::normalized(grid, p);
  }
};

TEST(SingleIndexGrid, FirstVariationIsTheGradientOfTheDiscreteEnergy) {
  Problem P;
  const Eigen::VectorXd p = P.start(-1, 0.7);
  Eigen::VectorXd V, Vd;
  P.G.energy(p, V);
  const double h = P.grid.axes[0].h(), d = 1e-6;
  double worst = 0;
  for (Eigen::Index k = 0; k < p.size(); k += 7) {
    Eigen::VectorXd a = p, b = p;
    a(k) += d;
    b(k) -= d;
    const double fd = (P.G.energy(a, Vd) - P.G.energy(b, Vd)) / (2 * d) / h;
    worst = std::max(worst, std::abs(fd - V(k)) / std::max(1.0, std::abs(V(k))));
  }
  EXPECT_LT(worst, kFdTol);
  // The particle objective and the grid form agree on the measure of the cell centres with weights h p.
  const auto pert = P.G.perturbation(p);
  EXPECT_LE(pert.grid_oscillation, pert.interval_oscillation);
  std::vector<double> y(P.F.data().labels.data(), P.F.data().labels.data() + P.F.n());
  EXPECT_LE(pert.uniform_oscillation, th::single_index_tanh_uniform_oscillation(y));
  EXPECT_LE(pert.grid_oscillation, pert.uniform_oscillation);
  EXPECT_NEAR(th::mfld_holley_stroock_lsi(0.5, 0.8, 1.2), (2 * 0.5 / 0.8) * std::exp(-1.2 / 0.8), 1e-15);
  EXPECT_GE(th::mfld_holley_stroock_lsi(0.5, 0.8, 1.2), th::bounded_perturbation_example_lsi(0.5, 0.6, 0.8));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::mfld_holley_stroock_lsi(0.5, 0.8, -1); }, "osc:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { th::single_index_tanh_uniform_oscillation({}); }, "y:"));
}

TEST(NonlinearFp, FixedPointSandwichAndFlow) {
  Problem P;
  const auto st = fp::solve_stationary(P.grid, P.energy, P.lambda2, P.start(0, 1));
  ASSERT_TRUE(st.converged) << st.residual;
  EXPECT_LT(st.residual, 1e-12);
  EXPECT_NEAR(fp::mass(P.grid, st.density), 1.0, 1e-13);
  // p* is the minimiser: L_h(p*) <= L_h(p) along the flow, the discrete sandwich holds at every step, and the
  // free energy decreases (lagged backward Euler is dissipative here at this dt).
  fp::NonlinearFokkerPlanck flow(P.grid, P.energy, P.lambda2);
  flow.set_density(P.start(-2, 0.5));
  double prev = std::numeric_limits<double>::infinity();
  const double tol = 2 * P.lambda2 * st.residual + 1e-12;
  for (int k = 0; k < 400; ++k) {
    const auto s = fp::entropy_sandwich(P.grid, P.energy, P.lambda2, flow.density(), st.density, st.free_energy);
    ASSERT_LE(s.lower, s.gap + tol) << k;
    ASSERT_LE(s.gap, s.upper + tol) << k;
    ASSERT_LE(s.free_energy, prev + 1e-12) << k;
    prev = s.free_energy;
    flow.step(0.01);
  }
  EXPECT_NEAR(fp::mass(P.grid, flow.density()), 1.0, 1e-12);
  const auto end = fp::entropy_sandwich(P.grid, P.energy, P.lambda2, flow.density(), st.density, st.free_energy);
  EXPECT_LT(end.gap, 1e-3 * fp::entropy_sandwich(P.grid, P.energy, P.lambda2, P.start(-2, 0.5), st.density, st.free_energy).gap);
  // The frozen-potential mutant converges elsewhere: its gap stays away from 0.
  fp::NonlinearFokkerPlanck frozen(P.grid, P.energy, P.lambda2, fp::NonlinearMutant::frozen_potential);
  frozen.set_density(P.start(-2, 0.5));
  for (int k = 0; k < 400; ++k) frozen.step(0.01);
  EXPECT_GT(fp::entropy_sandwich(P.grid, P.energy, P.lambda2, frozen.density(), st.density, st.free_energy).gap, 100 * end.gap);
  // Starting at p*, one step moves it by O(dt x residual) only.
  flow.set_density(st.density);
  flow.step(0.01);
  EXPECT_LT(fp::w1_1d(P.grid, flow.density(), P.grid, st.density), 1e-10);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { fp::solve_stationary(P.grid, P.energy, P.lambda2, st.density, 1.5); }, "damping:"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { fp::NonlinearFokkerPlanck(P.grid, P.energy, 0.0); }, "lambda2:"));
}

TEST(NonlinearFp, W1IsExact) {
  // Uniform on [0, 1] against a point mass at 1/2: 2 ∫_0^{1/2} x dx = 1/4; against the uniform law of the centres
  // of n equal cells: n x (two triangles of area (1/(2n))²/2 ... ) = 1/(4n).
  const fp::Grid g = fp::Grid::line(0, 1, 10);
  const Eigen::VectorXd u = Eigen::VectorXd::Ones(10);
  EXPECT_NEAR(fp::w1_1d_sample(g, u, {0.5}), 0.25, 1e-15);
  std::vector<double> c;
  for (int i = 0; i < 10; ++i) c.push_back(g.axes[0].center(i));
  EXPECT_NEAR(fp::w1_1d_sample(g, u, c), 1.0 / 40, 1e-15);
  // A shift of a density by a whole number of cells moves it by that distance.
  const fp::Grid g2 = fp::Grid::line(-1, 2, 30);
  Eigen::VectorXd a = Eigen::VectorXd::Zero(30), b = a;
  a.segment(5, 8).setConstant(1.0);
  b.segment(9, 8).setConstant(1.0);
  EXPECT_NEAR(fp::w1_1d(g2, a, g2, b), 0.4, 1e-14);
  EXPECT_NEAR(fp::w1_1d(g2, a, g2, a), 0.0, 1e-15);
  // Points outside the grid count: all mass of the sample at 3 (1 beyond hi = 1 of [0, 1]) is 2.5 away from the mean.
  EXPECT_NEAR(fp::w1_1d_sample(g, u, {3.0}), 2.5, 1e-14);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { fp::w1_1d_sample(g, u, {}); }, "sample:"));
}

}  // namespace
}  // namespace test_mfld_single_index
