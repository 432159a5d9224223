// Kind nonconvex_excess_risk (experiments/drivers/nonconvex.cpp) and its model
// (lib/models/tilted_double_well.hpp): a small fixed-seed run passes both checks; the noise,
// drift and SVRG mutants are rejected by the checks the driver says kill them; bad params give a
// one-line error naming the field.
#include <gtest/gtest.h>

#include <cmath>

#include "experiments/tests/kind_test_support.hpp"
#include "lib/models/tilted_double_well.hpp"

namespace test_nonconvex_kind {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::experiments::testing;
using nlohmann::json;
namespace lm = ldbench::lib::models;

json small() {
  json d = shipped("nonconvex_excess_risk");
  d["replicas"] = 8;
  d["params"]["chains"] = 400;
  d["params"]["horizon"] = 3.0;
  d["params"]["lambdas"] = {0.1, 0.01, 0.001};
  d.erase("profiles");
  return d;
}

TEST(TiltedDoubleWell, GibbsExcessTendsToLaplaceAndGradientNoiseIsExact) {
  lm::TiltedDoubleWellParams p;
  p.sigma = 2.0;
  const lm::TiltedDoubleWellSum U(2, 200, p, 3);
  EXPECT_LT(U.minimizer_x1(), 0.0);  // tau > 0: the left well is global
  EXPECT_GT(U.local_minimizer_x1(), 0.0);
  // Laplace: G(lambda) / (d lambda / 2) -> 1 as lambda -> 0, with an O(lambda) correction.
  const double r1 = U.gibbs_excess(1e-3) / 1e-3, r2 = U.gibbs_excess(5e-4) / 5e-4;
  EXPECT_NEAR(r1, 1.0, 2e-2);
  EXPECT_LT(std::abs(r2 - 1.0), std::abs(r1 - 1.0));
  // The mini-batch error (n/B) sum_I ∇l_i - sum_i ∇l_i over ALL B-subsets has covariance s² I:
  // check with B = 1 (s² = sigma²): the per-example gradients have population covariance sigma² I.
  Eigen::MatrixXd G(2, 200);
  const double x[2] = {0.3, -0.2};
  for (std::uint32_t i = 0; i < 200; ++i) U.example_gradient(i, x, G.col(i).data());
  const Eigen::VectorXd mean = G.rowwise().mean();
  const Eigen::MatrixXd C = (200.0 * 200.0) * (G.colwise() - mean) * (G.colwise() - mean).transpose() / 200.0;
  EXPECT_NEAR(C(0, 0), U.minibatch_noise_variance(1), 1e-9);
  EXPECT_NEAR(C(1, 1), U.minibatch_noise_variance(1), 1e-9);
  EXPECT_NEAR(C(0, 1), 0.0, 1e-9);
  EXPECT_NEAR(U.minibatch_noise_variance(200), 0.0, 1e-15);
  // Full gradient = regulariser + data terms, and it matches finite differences.
  const Eigen::VectorXd fd = lm::finite_difference_gradient(U, Eigen::Vector2d(x[0], x[1]));
  Eigen::Vector2d g;
  U.gradient(x, g.data());
  EXPECT_NEAR((fd - g).norm(), 0.0, 1e-7);
}

TEST(TiltedDoubleWell, BadArgumentsNameTheArgument) {
  EXPECT_THROW(lm::TiltedDoubleWellSum(2, 2, {}, 1), std::invalid_argument);  // n < d + 1
  lm::TiltedDoubleWellParams p;
  p.kappa = 0;
  try {
    lm::TiltedDoubleWellSum(2, 100, p, 1);
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("kappa:", 0), 0u) << e.what();
  }
}

TEST(NonconvexExcessRisk, CorrectSamplersPassBothChecks) { expect_all_pass(run(small())); }

TEST(NonconvexExcessRisk, NoiseMutantFailsBothChecks) {
  json d = small();
  d["params"]["mutant"] = "noise_sqrt_eta";
  d["params"]["algorithms"] = {"ula"};
  expect_fail(run(d), {"gibbs_excess_recovered", "quadratic_noise_floor"});
}

TEST(NonconvexExcessRisk, SvrgWithoutCorrectionShowsTheSgldFloor) {
  json d = small();
  d["params"]["mutant"] = "svrg_no_correction";
  d["params"]["algorithms"] = {"ula", "svrg_ld"};
  const auto e = run(d);
  expect_fail(e, {"quadratic_noise_floor"});
}

TEST(NonconvexExcessRisk, DriftFlippedEndsWithAnError) {
  json d = small();
  d["params"]["mutant"] = "drift_flipped";
  const auto e = run(d);
  EXPECT_EQ(e.status, "error");
  expect_fail(e, {"gibbs_excess_recovered", "quadratic_noise_floor"});
}

TEST(NonconvexExcessRisk, BadParamsAreOneLineErrors) {
  json d = small();
  d["params"]["lambdas"] = {0.1, 0.2, 0.05};
  expect_spec_error(d, "lambdas");
  d = small();
  d["params"]["horizon"] = 5.005;
  expect_spec_error(d, "horizon");
  d = small();
  d["params"]["algorithms"] = {"sgld"};
  expect_spec_error(d, "ula");
  d = small();
  d["params"]["batch"] = 5000;
  expect_spec_error(d, "batch");
  d = small();
  d["params"]["eta"] = 0.6;
  expect_spec_error(d, "eta");
}

}  // namespace
}  // namespace test_nonconvex_kind
