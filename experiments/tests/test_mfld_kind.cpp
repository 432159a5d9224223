// The mean-field Langevin kind "mfld_quadratic" (experiments/drivers/mfld.cpp): a trimmed version of the
// shipped d = 5 spec passes every check; each particle-system mutant is rejected by the checks that must
// catch it (a blow-up ends the experiment with status error and failed checks naming the step); the
// swapped-reference sandwich is rejected by the deterministic flow check; invalid params give a one-line
// SpecError naming the JSON path. A few seconds in release.
#include <gtest/gtest.h>

#include "experiments/tests/kind_test_support.hpp"

namespace test_mfld_kind {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::experiments::testing;
using nlohmann::json;

// 12 replicas x 128 particles; chaos N = 8..64 with 2000 steps (fixed seed of the shipped spec).
json small(const std::string& mutant = "none", int replicas = 12, int chaos_steps = 2000) {
  json d = shipped("mfld_quadratic_d5");
  d["replicas"] = replicas;
  d["params"]["particles"] = 128;
  d["params"]["chaos"] = {{"particles", {8, 16, 32, 64}}, {"steps", chaos_steps}, {"record_every", 1}};
  d["params"]["mutant"] = mutant;
  d["profiles"] = json::object();
  return d;
}

const std::set<std::string> kAll = {"law_matches_exact", "entropy_sandwich_exact_flow", "entropy_sandwich_particles", "objective_rate",
                                    "propagation_of_chaos"};

TEST(MfldQuadratic, CorrectParticleSystemPassesEveryCheck) {
  const auto e = run(small());
  expect_all_pass(e);
  std::set<std::string> ids;
  for (const auto& c : e.checks) ids.insert(c.id);
  EXPECT_EQ(ids, kAll);
  const auto* chaos = find_check(e, "propagation_of_chaos");
  ASSERT_NE(chaos, nullptr);
  EXPECT_LT(chaos->measured_lo, chaos->measured_hi);
  EXPECT_EQ(e.plots.size(), 5u);
}

TEST(MfldQuadratic, SelfInteractionOnlyIsRejected) {
  expect_checks(run(small("self_interaction_only", 8, 1000)), {"law_matches_exact", "entropy_sandwich_particles", "propagation_of_chaos"},
                {"entropy_sandwich_exact_flow"});
}

TEST(MfldQuadratic, WrongEntropyWeightIsRejected) {
  expect_checks(run(small("entropy_halved", 8, 1000)), {"law_matches_exact", "entropy_sandwich_particles", "propagation_of_chaos"},
                {"entropy_sandwich_exact_flow"});
}

TEST(MfldQuadratic, NoiseSqrtEtaIsRejected) {
  expect_checks(run(small("noise_sqrt_eta", 8, 1000)), {"law_matches_exact", "entropy_sandwich_particles", "propagation_of_chaos"});
}

TEST(MfldQuadratic, FlippedDriftIsAnErroredFailedExperiment) {
  const auto e = run(small("drift_flipped", 8, 3000));
  // |1 + eta (c + 2 lambda1)| = 1.3: the law run (100 steps) stays finite and fails; the stationary runs (3000
  // steps) overflow after ~2700 steps.
  EXPECT_EQ(e.status, "error");
  EXPECT_NE(e.error.find("step "), std::string::npos) << e.error;
  EXPECT_FALSE(e.passed());
  expect_checks(e, {"law_matches_exact", "objective_rate", "propagation_of_chaos"}, {"entropy_sandwich_exact_flow"});
  EXPECT_NE(find_check(e, "propagation_of_chaos")->detail.find("divergence"), std::string::npos);
}

TEST(MfldQuadratic, SwappedSandwichReferencesFailTheFlowCheck) {
  json d = small("none", 8, 1000);
  d["params"]["flow"]["sandwich_mutant"] = "references_swapped";
  expect_checks(run(d), {"entropy_sandwich_exact_flow"}, {"law_matches_exact"});
}

TEST(MfldQuadratic, TwentyDimensionsPass) {
  json d = small("none", 8, 1500);
  d["params"]["dim"] = 20;
  d["params"]["b"] = std::vector<double>(20, 0.5);
  expect_all_pass(run(d));
}

TEST(MfldQuadratic, BadParamsGiveOneLineErrors) {
  json d = small();
  d["params"]["eta"] = 0.4;  // limit min(2/6, 1) = 1/3
  expect_spec_error(d, "/params/eta", "stability limit");
  d = small();
  d["params"]["dim"] = 21;
  expect_spec_error(d, "/params/dim");
  d = small();
  d["params"]["particles"] = 6;  // d = 5 needs >= 7
  expect_spec_error(d, "/params/particles", "dim + 2");
  d = small();
  d["params"]["record_steps"] = {0, 5, 200};
  expect_spec_error(d, "/params/record_steps/2", "after the last step");
  d = small();
  d["params"]["chaos"]["particles"] = {8, 8, 16};
  expect_spec_error(d, "/params/chaos/particles/1", "increase");
  d = small();
  d["params"]["mutant"] = "svrg_no_correction";
  expect_spec_error(d, "/params/mutant");
  d = small();
  d["replicas"] = 3;
  expect_spec_error(d, "replicas");
  d = small();
  d["params"]["b"] = {1.0, 2.0};
  expect_spec_error(d, "/params/b");
  d = small();
  d["params"]["start"] = {{"mean", 0.6}, {"variance", 0.55}};  // starts at the floor: no fit window
  expect_spec_error(d, "/params/fit_floor_factor");
  d = small();
  d["params"]["unknown"] = 1;
  expect_spec_error(d, "unknown");
}

}  // namespace
}  // namespace test_mfld_kind
