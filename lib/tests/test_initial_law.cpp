// Tests for lib/sde/initial_law.hpp: sampling p_0 = Σ_j w_j N(mu_j, s_j² I) into a d x N
// ensemble. Checked: the documented counter layout (component from the uniform at counter
// (replica, i, 1, 0), normals from NormalStream(replica, i, step 0) of StreamTag::initial_law),
// bitwise determinism across calls, thread counts and shards, recovery of weights, means and
// variances within sample-size confidence bounds, and input validation.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "lib/rng/philox.hpp"
#include "lib/sde/initial_law.hpp"
#include "lib/tests/test_support.hpp"

namespace test_initial_law {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::lib::sde;
using namespace ldbench::lib::test;
namespace rng = ldbench::lib::rng;

// Three well-separated components in d = 2 (means 30 apart on the first axis, standard
// deviations <= 2, so a sample is assigned to the wrong component with probability < 1e-13).
IsotropicMixture three_components() {
  return {{0.2, 0.5, 0.3},
          {Eigen::Vector2d(-30.0, 1.0), Eigen::Vector2d(0.0, 0.0), Eigen::Vector2d(30.0, 5.0)},
          {0.25, 1.0, 4.0}};
}

int classify(double x0) { return x0 < -15 ? 0 : (x0 > 15 ? 2 : 1); }

// One component: X(:, i) = mu + s NormalStream({seed, initial_law}, replica, offset + i, 0)
// .normal(0..d-1), bit for bit.
TEST(InitialLaw, SingleComponentUsesDocumentedNormals) {
  const IsotropicMixture law{{1.0}, {Eigen::Vector3d(1.0, -2.0, 0.5)}, {2.25}};
  const Ensemble X = sample_initial(law, 50, 77, 4, 1000);
  ASSERT_EQ(X.rows(), 3);
  ASSERT_EQ(X.cols(), 50);
  const rng::Key key{77, static_cast<std::uint32_t>(rng::StreamTag::initial_law)};
  for (long i = 0; i < 50; ++i) {
    const rng::NormalStream z(key, 4, 1000 + static_cast<std::uint32_t>(i), 0);
    for (int j = 0; j < 3; ++j) EXPECT_EQ(X(j, i), law.means[0](j) + 1.5 * z.normal(static_cast<std::uint32_t>(j)));
  }
}

// Several components: particle i belongs to the first component j with u <= w_0 + ... + w_j,
// u = uniform01x2((replica, i, 1, 0))[0].
TEST(InitialLaw, ComponentChoiceUsesDocumentedUniform) {
  const IsotropicMixture law = three_components();
  const Ensemble X = sample_initial(law, 2000, 5, 2);
  const rng::Key key{5, static_cast<std::uint32_t>(rng::StreamTag::initial_law)};
  for (long i = 0; i < X.cols(); ++i) {
    const double u = rng::uniform01x2({2, static_cast<std::uint32_t>(i), 1, 0}, key)[0];
    // Same cumulative sums as the sampler (0.2 + 0.5 is not exactly 0.7 in double).
    const double c0 = law.weights[0], c1 = c0 + law.weights[1];
    const int want = u <= c0 ? 0 : (u <= c1 ? 1 : 2);
    ASSERT_EQ(classify(X(0, i)), want) << "particle " << i << " u " << u;
  }
}

// Bitwise determinism: same arguments -> same ensemble; threads 1, 2 and default agree; a shard
// with particle_offset equals the matching columns of the full ensemble; other seeds/replicas
// differ.
TEST(InitialLaw, DeterministicAndThreadCountIndependent) {
  const IsotropicMixture law = three_components();
  const Ensemble A = sample_initial(law, 1001, 9, 0, 0, 1);
  EXPECT_TRUE(A == sample_initial(law, 1001, 9, 0, 0, 1));
  EXPECT_TRUE(A == sample_initial(law, 1001, 9, 0, 0, 2));
  EXPECT_TRUE(A == sample_initial(law, 1001, 9, 0, 0, 0));
  EXPECT_TRUE(A.rightCols(601) == sample_initial(law, 601, 9, 0, 400, 2));
  EXPECT_FALSE(A == sample_initial(law, 1001, 10, 0));
  EXPECT_FALSE(A == sample_initial(law, 1001, 9, 1));
}

// Weights, per-component means and variances are recovered: with n = 3e5 samples, the count of
// component j is Binomial(n, w_j) (standard error sqrt(n w (1-w))), and within a component the
// coordinates are N(mu_jk, s_j²) (standard errors sqrt(s²/n_j) and s² sqrt(2/(n_j-1))). Each of
// the 15 comparisons has false-alarm rate kFalseAlarm.
TEST(InitialLawStatistical, RecoversWeightsMeansAndVariances) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE(seed_trace(seed));
  const IsotropicMixture law = three_components();
  constexpr long n = 300000;
  const Ensemble X = sample_initial(law, n, seed, 0);
  const double z = z_two_sided();
  std::vector<std::vector<double>> coord[2];
  coord[0].resize(3);
  coord[1].resize(3);
  for (long i = 0; i < n; ++i) {
    const int c = classify(X(0, i));
    coord[0][c].push_back(X(0, i));
    coord[1][c].push_back(X(1, i));
  }
  double worst = 0;
  for (int c = 0; c < 3; ++c) {
    const double w = law.weights[c];
    const double nc = static_cast<double>(coord[0][c].size());
    const double zw = std::abs(nc - n * w) / std::sqrt(n * w * (1 - w));
    EXPECT_LT(zw, z) << "component " << c << " count " << nc;
    worst = std::max(worst, zw);
    for (int k = 0; k < 2; ++k) {
      const SampleMoments s = moments(coord[k][c]);
      const double v = law.variances[c];
      const double zm = std::abs(s.mean - law.means[c](k)) / se_mean(v, s.n);
      const double zv = std::abs(s.variance - v) / se_variance(v, s.n);
      EXPECT_LT(zm, z) << "component " << c << " coordinate " << k << " mean " << s.mean;
      EXPECT_LT(zv, z) << "component " << c << " coordinate " << k << " variance " << s.variance;
      worst = std::max({worst, zm, zv});
    }
  }
  std::cout << "    [info] worst |deviation|/SE " << worst << " (z at 1e-6: " << z << ")\n";
}

TEST(InitialLaw, InvalidInputsThrowNamingTheField) {
  const Eigen::VectorXd m = Eigen::Vector2d(0.0, 0.0);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample_initial({{}, {}, {}}, 10, 1, 0); }, "weights"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample_initial({{0.5, 0.6}, {m, m}, {1.0, 1.0}}, 10, 1, 0); }, "weights"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample_initial({{1.5, -0.5}, {m, m}, {1.0, 1.0}}, 10, 1, 0); }, "weights"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample_initial({{0.5, 0.5}, {m}, {1.0, 1.0}}, 10, 1, 0); }, "means"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { sample_initial({{0.5, 0.5}, {m, Eigen::VectorXd::Zero(3)}, {1.0, 1.0}}, 10, 1, 0); }, "means"));
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { sample_initial({{1.0}, {Eigen::VectorXd::Constant(2, std::nan(""))}, {1.0}}, 10, 1, 0); }, "means"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample_initial({{1.0}, {m}, {1.0, 2.0}}, 10, 1, 0); }, "variances"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample_initial({{1.0}, {m}, {0.0}}, 10, 1, 0); }, "variances"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { sample_initial({{1.0}, {m}, {1.0}}, 0, 1, 0); }, "particles"));
}

}  // namespace
}  // namespace test_initial_law
