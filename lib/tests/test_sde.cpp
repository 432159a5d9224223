#include <gtest/gtest.h>
#include "lib/sde/ou.hpp"
#include "lib/sde/initial_law.hpp"
TEST(Sde, Runs) {
  using namespace ldbench::lib::sde;
  IsotropicMixture law{{1.0}, {Eigen::VectorXd::Constant(2, 1.0)}, {0.25}};
  auto X = sample_initial(law, 100, 1, 0);
  EulerMaruyamaOptions o; o.grid = TimeGrid::covering(1.0, 0.01); o.key = {1, 2};
  euler_maruyama(ornstein_uhlenbeck(2, {}), X, o);
  EXPECT_TRUE(X.allFinite());
}
