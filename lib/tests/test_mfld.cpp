// Tests for lib/mfld: gradients of every objective against central finite differences of N F(mu_N)
// (∂F(mu_N)/∂θ_i = (1/N) G(:, i)); the network's dense-product gradient against a per-particle
// reference loop; the self-interaction mutant against the one-particle measure; exact unbiasedness of
// the mini-batch estimator (average over all B-subsets of a tiny data set); the SVRG estimator's
// variance below SGD's (exact, over all subsets); bitwise thread-count independence and sharding by
// global particle index; gradient-evaluation counts; guards and one-line errors; the registry.
// Deterministic (no statistical test); well under a second in release.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "lib/mfld/mfld.hpp"
#include "lib/mfld/network.hpp"
#include "lib/mfld/quadratic.hpp"
#include "lib/mfld/registry.hpp"
#include "lib/tests/test_support.hpp"

namespace test_mfld {  // named per file: a unity build keeps the files' helpers apart
namespace {

namespace mf = ldbench::lib::mfld;
using ldbench::lib::test::throws_invalid_argument_naming;

// Central differences with h = 1e-6 on O(1) smooth functions: truncation ~1e-12, rounding ~1e-10.
constexpr double kFdTol = 2e-7;
// Two evaluations of the same formula in different association orders: rounding only.
constexpr double kRoundTol = 1e-12;

Eigen::MatrixXd random_particles(int D, int N, unsigned seed, double scale = 1.0) {
  std::srand(seed);
  return scale * Eigen::MatrixXd::Random(D, N);
}

// max_i,c |N ∂F/∂θ_ic - G(c, i)| / max(1, |G|) by central differences.
double fd_error(const mf::MeanFieldObjective& F, const Eigen::MatrixXd& Theta) {
  Eigen::MatrixXd G(Theta.rows(), Theta.cols());
  F.gradients(Theta, G);
  const double N = static_cast<double>(Theta.cols()), h = 1e-6;
  double worst = 0;
  for (Eigen::Index i = 0; i < Theta.cols(); ++i)
    for (Eigen::Index c = 0; c < Theta.rows(); ++c) {
      Eigen::MatrixXd P = Theta, M = Theta;
      P(c, i) += h;
      M(c, i) -= h;
      const double fd = N * (F.value(P) - F.value(M)) / (2 * h);
      worst = std::max(worst, std::abs(fd - G(c, i)) / std::max(1.0, std::abs(G(c, i))));
    }
  return worst;
}

mf::NetworkObjective network(mf::Activation act, mf::Loss loss, std::int64_t n = 40, int p = 3, double lambda1 = 0.05) {
  return mf::NetworkObjective(mf::make_teacher_data(n, p, 7, act, loss), act, loss, lambda1);
}

TEST(MfldObjectives, GradientsMatchFiniteDifferences) {
  mf::QuadraticParams q;
  q.c = 1.7;
  q.b = Eigen::Vector3d(0.5, -1.0, 2.0);
  q.lambda1 = 0.4;
  const mf::QuadraticObjective quad(q);
  EXPECT_LT(fd_error(quad, random_particles(3, 6, 1)), kFdTol);
  for (auto act : {mf::Activation::tanh, mf::Activation::relu})
    for (auto loss : {mf::Loss::squared, mf::Loss::logistic}) {
      const auto F = network(act, loss);
      EXPECT_LT(fd_error(F, random_particles(4, 7, 2, 1.5)), kFdTol) << mf::to_string(act) << " " << mf::to_string(loss);
    }
}

// Reference: G(:, i) by explicit loops over data for each particle.
Eigen::MatrixXd reference_network_gradient(const mf::NetworkObjective& F, const Eigen::MatrixXd& Theta, bool self_only) {
  const auto& Z = F.data().features;
  const auto& y = F.data().labels;
  const Eigen::Index n = Z.rows(), p = Z.cols(), N = Theta.cols();
  auto act = [&](double u) { return F.activation() == mf::Activation::tanh ? std::tanh(u) : std::max(u, 0.0); };
  auto dact = [&](double u) { return F.activation() == mf::Activation::tanh ? 1 - std::tanh(u) * std::tanh(u) : (u > 0 ? 1.0 : 0.0); };
  auto dloss = [&](double f, double yy) { return F.loss() == mf::Loss::squared ? f - yy : -yy / (1 + std::exp(yy * f)); };
  Eigen::VectorXd f = Eigen::VectorXd::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < N; ++i) f(j) += Theta(0, i) * act(Z.row(j).dot(Theta.col(i).tail(p))) / static_cast<double>(N);
  Eigen::MatrixXd G = 2 * F.lambda1() * Theta;
  for (Eigen::Index i = 0; i < N; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      const double u = Z.row(j).dot(Theta.col(i).tail(p));
      const double fj = self_only ? Theta(0, i) * act(u) : f(j);
      const double e = dloss(fj, y(j));
      G(0, i) += e * act(u) / static_cast<double>(n);
      G.col(i).tail(p) += e * Theta(0, i) * dact(u) * Z.row(j).transpose() / static_cast<double>(n);
    }
  return G;
}

TEST(MfldObjectives, NetworkGradientMatchesPerParticleLoop) {
  for (auto act : {mf::Activation::tanh, mf::Activation::relu})
    for (auto loss : {mf::Loss::squared, mf::Loss::logistic}) {
      // n and N not multiples of the block sizes (256): partial blocks on both stages.
      const auto F = network(act, loss, 300, 5);
      const Eigen::MatrixXd T = random_particles(6, 270, 3, 1.2);
      Eigen::MatrixXd G(6, 270), S(6, 270);
      F.gradients(T, G, 2);
      F.self_interaction_gradients(T, S, 2);
      const Eigen::MatrixXd Gr = reference_network_gradient(F, T, false), Sr = reference_network_gradient(F, T, true);
      EXPECT_LT((G - Gr).cwiseAbs().maxCoeff() / std::max(1.0, Gr.cwiseAbs().maxCoeff()), kRoundTol);
      EXPECT_LT((S - Sr).cwiseAbs().maxCoeff() / std::max(1.0, Sr.cwiseAbs().maxCoeff()), kRoundTol);
    }
}

TEST(MfldObjectives, SelfInteractionIsTheOneParticleMeasure) {
  mf::QuadraticParams q;
  q.c = 2.0;
  q.b = Eigen::Vector2d(1.0, -1.0);
  q.lambda1 = 0.3;
  const mf::QuadraticObjective quad(q);
  const auto net = network(mf::Activation::tanh, mf::Loss::squared);
  for (const mf::MeanFieldObjective* F : std::vector<const mf::MeanFieldObjective*>{&quad, &net}) {
    const Eigen::MatrixXd T = random_particles(F->dim(), 5, 4);
    Eigen::MatrixXd S(T.rows(), T.cols()), g(T.rows(), 1);
    F->self_interaction_gradients(T, S);
    for (Eigen::Index i = 0; i < T.cols(); ++i) {
      F->gradients(T.col(i), g);
      EXPECT_LT((S.col(i) - g).cwiseAbs().maxCoeff(), kRoundTol) << F->description();
    }
  }
}

TEST(MfldObjectives, MinibatchGradientIsExactlyUnbiased) {
  const auto F = network(mf::Activation::relu, mf::Loss::logistic, 6, 2);
  const Eigen::MatrixXd T = random_particles(3, 4, 5);
  Eigen::MatrixXd G(3, 4), Gb(3, 4), avg = Eigen::MatrixXd::Zero(3, 4);
  F.gradients(T, G);
  int subsets = 0;
  for (std::uint32_t a = 0; a < 6; ++a)
    for (std::uint32_t b = a + 1; b < 6; ++b)
      for (std::uint32_t c = b + 1; c < 6; ++c) {
        const std::vector<std::uint32_t> I{a, b, c};
        F.batch_gradients(T, I, Gb);
        avg += Gb;
        ++subsets;
      }
  EXPECT_EQ(subsets, 20);
  EXPECT_LT((avg / subsets - G).cwiseAbs().maxCoeff(), kRoundTol);
  const std::vector<std::uint32_t> all{0, 1, 2, 3, 4, 5};
  F.batch_gradients(T, all, Gb);
  EXPECT_LT((Gb - G).cwiseAbs().maxCoeff(), kRoundTol);
}

TEST(MfldObjectives, SvrgEstimatorVarianceIsBelowSgd) {
  // Exact variances over all B-subsets (B = 2 of n = 8) at a state near the snapshot.
  const auto F = network(mf::Activation::tanh, mf::Loss::squared, 8, 2);
  const Eigen::MatrixXd Ts = random_particles(3, 6, 6);
  const Eigen::MatrixXd T = Ts + 0.05 * random_particles(3, 6, 7);
  Eigen::MatrixXd G(3, 6), Gs(3, 6), Gb(3, 6), Gbs(3, 6);
  F.gradients(T, G);
  F.gradients(Ts, Gs);
  double var_sgd = 0, var_svrg = 0;
  Eigen::MatrixXd mean_svrg = Eigen::MatrixXd::Zero(3, 6);
  int count = 0;
  for (std::uint32_t a = 0; a < 8; ++a)
    for (std::uint32_t b = a + 1; b < 8; ++b) {
      const std::vector<std::uint32_t> I{a, b};
      F.batch_gradients(T, I, Gb);
      F.batch_gradients(Ts, I, Gbs);
      const Eigen::MatrixXd svrg = Gb - Gbs + Gs;
      var_sgd += (Gb - G).squaredNorm();
      var_svrg += (svrg - G).squaredNorm();
      mean_svrg += svrg;
      ++count;
    }
  EXPECT_LT((mean_svrg / count - G).cwiseAbs().maxCoeff(), kRoundTol);  // unbiased too
  EXPECT_LT(var_svrg, 0.05 * var_sgd) << var_svrg << " vs " << var_sgd;
}

mf::MfldOptions options(mf::Algorithm a, double eta, std::uint32_t K, int threads) {
  mf::MfldOptions o;
  o.algorithm = a;
  o.eta = eta;
  o.lambda2 = 0.01;
  o.n_steps = K;
  o.seed = 11;
  o.replica = 3;
  o.threads = threads;
  return o;
}

TEST(Mfld, BitwiseIdenticalForAnyThreadCount) {
  const auto F = network(mf::Activation::tanh, mf::Loss::squared, 600, 4);
  for (auto a : {mf::Algorithm::mfld, mf::Algorithm::sgd_mfld, mf::Algorithm::svrg_mfld}) {
    const Eigen::MatrixXd T0 = random_particles(5, 530, 8);
    Eigen::MatrixXd T1 = T0, T2 = T0;
    mf::run(F, T1, options(a, 0.05, 6, 1));
    mf::run(F, T2, options(a, 0.05, 6, 2));
    EXPECT_TRUE((T1.array() == T2.array()).all()) << mf::to_string(a);
    EXPECT_GT((T1 - T0).norm(), 0.0);
  }
}

TEST(Mfld, NoiseIsKeyedByGlobalParticleIndex) {
  // c = 0: no interaction, so a run on particles 4..7 alone (particle_offset 4) reproduces them bitwise.
  mf::QuadraticParams q;
  q.c = 0.0;
  q.b = Eigen::Vector2d(1.0, 2.0);
  q.lambda1 = 0.5;
  const mf::QuadraticObjective F(q);
  const Eigen::MatrixXd T0 = random_particles(2, 8, 9);
  Eigen::MatrixXd full = T0, shard = T0.rightCols(4);
  auto o = options(mf::Algorithm::mfld, 0.1, 20, 1);
  mf::run(F, full, o);
  o.particle_offset = 4;
  mf::run(F, shard, o);
  EXPECT_TRUE((full.rightCols(4).array() == shard.array()).all());
}

TEST(Mfld, GradientEvaluationCounts) {
  const auto F = network(mf::Activation::relu, mf::Loss::squared, 27, 2);
  const std::int64_t N = 10;
  for (auto a : {mf::Algorithm::mfld, mf::Algorithm::sgd_mfld, mf::Algorithm::svrg_mfld})
    for (auto mut : {mf::Mutant::none, mf::Mutant::svrg_no_correction}) {
      if (mut == mf::Mutant::svrg_no_correction && a != mf::Algorithm::svrg_mfld) continue;
      Eigen::MatrixXd T = random_particles(3, static_cast<int>(N), 10);
      auto o = options(a, 0.05, 10, 1);
      o.mutant = mut;
      o.observe_every = 1;
      std::uint64_t last = 0;
      const auto s = mf::run(F, T, o, [&](std::uint32_t, const Eigen::MatrixXd&, std::uint64_t c) { last = c; });
      EXPECT_EQ(last, s.gradient_evaluations);
      EXPECT_EQ(s.gradient_evaluations, mf::expected_gradient_evaluations(a, 27, N, 10, s.batch_size, s.inner_loop, mut));
    }
  // The defaults and the closed forms: n = 27: sgd B = 6 (ceil sqrt 27), svrg B = 3, m = 9.
  EXPECT_EQ(mf::default_batch_size(mf::Algorithm::sgd_mfld, 27), 6u);
  EXPECT_EQ(mf::default_batch_size(mf::Algorithm::svrg_mfld, 27), 3u);
  EXPECT_EQ(mf::default_inner_loop(27), 9u);
  EXPECT_EQ(mf::expected_gradient_evaluations(mf::Algorithm::mfld, 27, 10, 10, 0, 0), 2700u);
  EXPECT_EQ(mf::expected_gradient_evaluations(mf::Algorithm::sgd_mfld, 27, 10, 10, 6, 0), 600u);
  // s = ceil(10/9) = 2 snapshot steps: 27*10*2 + 2*3*10*8.
  EXPECT_EQ(mf::expected_gradient_evaluations(mf::Algorithm::svrg_mfld, 27, 10, 10, 3, 9), 540u + 480u);
}

TEST(Mfld, GuardsAndErrors) {
  mf::QuadraticParams q;
  q.c = 8.0;
  q.b = Eigen::Vector2d(1.0, 2.0);
  q.lambda1 = 1.0;
  const mf::QuadraticObjective F(q);  // limit min(2/10, 1) = 0.2
  ASSERT_TRUE(F.step_limit().has_value());
  EXPECT_DOUBLE_EQ(*F.step_limit(), 0.2);
  Eigen::MatrixXd T = random_particles(2, 4, 12);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { mf::run(F, T, options(mf::Algorithm::mfld, 0.2, 1, 1)); }, "eta"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { mf::run(F, T, options(mf::Algorithm::mfld, -1, 1, 1)); }, "eta"));
  auto o = options(mf::Algorithm::mfld, 0.1, 1, 1);
  o.lambda2 = 0;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { mf::run(F, T, o); }, "lambda2"));
  o = options(mf::Algorithm::sgd_mfld, 0.1, 1, 1);
  o.mutant = mf::Mutant::self_interaction_only;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { mf::run(F, T, o); }, "mutant"));
  o = options(mf::Algorithm::sgd_mfld, 0.1, 1, 1);
  o.batch_size = 2;  // n = 1
  EXPECT_TRUE(throws_invalid_argument_naming([&] { mf::run(F, T, o); }, "batch_size"));
  Eigen::MatrixXd wrong = random_particles(3, 4, 13);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { mf::run(F, wrong, options(mf::Algorithm::mfld, 0.1, 1, 1)); }, "Theta"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { mf::mutant_from_string("bogus"); }, "mutant"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { mf::algorithm_from_string("bogus"); }, "algorithm"));
  // Divergence: flipped drift grows like (1 + 0.19 * 10)^k and overflows; the error names step, particle, eta.
  o = options(mf::Algorithm::mfld, 0.19, 100000, 1);
  o.mutant = mf::Mutant::drift_flipped;
  T = random_particles(2, 4, 14);
  try {
    mf::run(F, T, o);
    ADD_FAILURE() << "no divergence";
  } catch (const mf::MfldDivergence& e) {
    EXPECT_GT(e.step, 100u);
    EXPECT_LT(e.step, 1000u);
    EXPECT_NE(std::string(e.what()).find("step " + std::to_string(e.step)), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("eta = 0.19"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(throws_invalid_argument_naming([] { mf::QuadraticObjective(mf::QuadraticParams{-1, Eigen::Vector2d(1, 1), 1}); }, "c"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [] {
        mf::MeanFieldData d{Eigen::MatrixXd::Ones(3, 2), Eigen::Vector3d(1, 0.5, -1)};
        mf::NetworkObjective(d, mf::Activation::tanh, mf::Loss::logistic, 0.1);
      },
      "data"));
}

TEST(MfldRegistry, BuiltinsAndErrors) {
  mf::MeanFieldObjectiveRegistry reg;
  mf::register_builtin_objectives(reg);
  EXPECT_EQ(reg.names(), (std::vector<std::string>{"network_relu", "network_tanh", "quadratic", "single_index_tanh"}));
  ldbench::lib::Params p;
  p.set("dim", 3L);
  p.set("b_values", std::string("1, -2,0.5"));
  p.set("c", 2.0);
  const auto q = reg.make("quadratic", p);
  EXPECT_EQ(q->dim(), 3);
  const auto* qq = dynamic_cast<const mf::QuadraticObjective*>(q.get());
  ASSERT_NE(qq, nullptr);
  EXPECT_EQ(qq->params().b, Eigen::Vector3d(1, -2, 0.5));
  ldbench::lib::Params pn;
  pn.set("p", 6L);
  pn.set("n", 50L);
  pn.set("loss", std::string("logistic"));
  const auto net = reg.make("network_tanh", pn);
  EXPECT_EQ(net->dim(), 7);
  EXPECT_EQ(net->n(), 50);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("nope"); }, "name"));
  ldbench::lib::Params bad;
  bad.set("b_values", std::string("1,2"));  // dim 1
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("quadratic", bad); }, "params.b_values"));
  ldbench::lib::Params bad2;
  bad2.set("loss", std::string("hinge"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("network_relu", bad2); }, "params.loss"));
}

}  // namespace
}  // namespace test_mfld
