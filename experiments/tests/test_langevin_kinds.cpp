// The Langevin kinds (experiments/drivers/langevin.cpp): small fixed-seed versions of the shipped
// specs pass every check; each sampler mutant is rejected by the checks that must catch it (and a
// blow-up ends the experiment with status error and a failed check naming the step); the VW bound
// without its bias term is rejected; a sampler that barely moves fails the movement guard; invalid
// params give a one-line SpecError naming the JSON path. A few seconds in release.
#include <gtest/gtest.h>

#include "experiments/tests/kind_test_support.hpp"

namespace test_langevin_kinds {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::experiments::testing;
using nlohmann::json;

// ------------------------------------------------------------------------------------------
// ula_gaussian: the shipped isotropic d = 10 spec, trimmed (8 replicas x 300 chains for the law,
// 8 x 800 chains for the stationary bias at eta = 0.4, 0.2, 0.1).

json ula_small(const std::string& mutant = "none") {
  json d = shipped("ula_gaussian_iso_d10");
  d["replicas"] = 8;
  d["params"]["chains"] = 300;
  d["params"]["stationary_bias"]["etas"] = {0.4, 0.2, 0.1};
  d["params"]["stationary_bias"]["chains"] = 800;
  d["params"]["mutant"] = mutant;
  d["profiles"] = json::object();
  return d;
}

TEST(UlaGaussian, CorrectSamplerPassesEveryCheck) {
  const auto e = run(ula_small());
  expect_all_pass(e);
  // The stationary-bias order is measured (an interval, not the deterministic fallback).
  const auto* c = find_check(e, "stationary_bias_order");
  ASSERT_NE(c, nullptr);
  EXPECT_LT(c->measured_lo, c->measured_hi);
  EXPECT_GT(c->alpha, 0.0);
}

TEST(UlaGaussian, AnisotropicRotatedTargetPassesEveryCheck) {
  json d = ula_small();
  d["params"]["dim"] = 6;
  d["params"]["precision"] = {{"a_min", 1.0}, {"a_max", 8.0}, {"rotation", "haar"}, {"rotation_seed", 2}};
  d["params"]["eta"] = 0.2;  // eta a_max = 1.6 (limit 2)
  d["params"]["stationary_bias"] = {{"etas", {0.2, 0.1, 0.05}}, {"kl_etas", {0.04, 0.02, 0.01}}, {"horizon", 2.0}, {"chains", 800}};
  expect_all_pass(run(d));
}

TEST(UlaGaussian, NoiseMutantFailsTheLawAndTheBiasOrder) {
  expect_checks(run(ula_small("noise_sqrt_eta")), {"law_matches_exact", "stationary_bias_order"}, {"kl_under_vw_bound"});
}

TEST(UlaGaussian, ReusedRngCountersFailTheLaw) {
  json d = ula_small("reused_rng_counters");
  d["params"]["stationary_bias"]["measured"] = false;
  expect_checks(run(d), {"law_matches_exact"});
}

TEST(UlaGaussian, FlippedDriftFailsTheLawAndTheBiasOrder) {
  expect_checks(run(ula_small("drift_flipped")), {"law_matches_exact", "stationary_bias_order"});
}

TEST(UlaGaussian, BlowUpIsAnErroredFailedExperimentNamingTheStep) {
  json d = ula_small("drift_flipped");
  d["replicas"] = 2;
  d["params"]["dim"] = 1;
  d["params"]["eta"] = 1.9;  // |1 + eta a| = 2.9: overflows after ~666 steps
  d["params"]["record_steps"] = {1000};
  d["params"]["chains"] = 32;
  d["params"]["stationary_bias"] = {{"etas", {0.4, 0.2, 0.1}}, {"measured", false}};
  const auto e = run(d);
  EXPECT_EQ(e.status, "error");
  EXPECT_NE(e.error.find("step 666"), std::string::npos) << e.error;
  EXPECT_FALSE(e.passed());
  expect_checks(e, {"law_matches_exact"}, {"kl_under_vw_bound", "stationary_bias_order"});
  EXPECT_NE(find_check(e, "law_matches_exact")->detail.find("step 666"), std::string::npos);
}

TEST(UlaGaussian, VwBoundWithoutItsBiasTermFails) {
  json d = ula_small();
  d["params"]["stationary_bias"]["measured"] = false;
  d["params"]["vw"]["bound_mutant"] = "no_bias_term";
  expect_checks(run(d), {"kl_under_vw_bound"}, {"law_matches_exact", "stationary_bias_order"});
}

TEST(UlaGaussian, ExactKlBiasOrderOutsideTheAsymptoticRegimeFails) {
  // At eta a = 1.6 .. 0.4 the KL bias is far from (eta a)²/16: the deterministic order check must
  // not pass by construction.
  json d = ula_small();
  d["params"]["stationary_bias"] = {{"etas", {1.6, 0.8, 0.4}}, {"measured", false}};
  expect_checks(run(d), {"stationary_bias_order"});
}

TEST(UlaGaussian, InvalidParamsNameTheirPath) {
  json d = ula_small();
  d["params"]["eta"] = 2.5;  // a_max = 1: limit 2
  expect_spec_error(d, "/params/eta", "stability limit 2/M = 2");
  d = ula_small();
  d["params"]["stationary_bias"]["etas"] = {2.4, 0.2, 0.1};
  expect_spec_error(d, "/params/stationary_bias/etas/0", "stability limit");
  d = ula_small();
  d["params"]["vw"]["eta"] = 0.3;  // VW limit a_min/(4 a_max²) = 0.25
  expect_spec_error(d, "/params/vw/eta", "0.25");
  d = ula_small();
  d["params"]["record_steps"] = {5, 5, 80};
  expect_spec_error(d, "/params/record_steps/1");
  d = ula_small();
  d["params"]["mutant"] = "mala_no_proposal_correction";
  expect_spec_error(d, "/params/mutant");
  d = ula_small();
  d["params"]["precision"]["a_max"] = 0.5;
  expect_spec_error(d, "/params/precision/a_max");
  d = ula_small();
  d["params"]["stationary_bias"]["etas"] = {0.4, 0.3, 0.1};  // 0.3 does not divide the horizon 4
  expect_spec_error(d, "/params/stationary_bias/etas/1");
  d = ula_small();
  d["replicas"] = 4;
  expect_spec_error(d, "/params", "replicas");
  d = ula_small();
  d["params"]["start"]["mean"] = {1.0, 2.0};
  expect_spec_error(d, "/params/start/mean");
  d = ula_small();
  d["params"]["nope"] = 1;
  expect_spec_error(d, "/params");
}

// ------------------------------------------------------------------------------------------
// mala_invariance: the shipped specs with 8 replicas x 800 chains.

json mala_small(const std::string& name, const std::string& mutant = "none") {
  json d = shipped(name);
  d["params"]["chains"] = 800;
  d["params"]["mutant"] = mutant;
  d["profiles"] = json::object();
  return d;
}

TEST(MalaInvariance, CorrectMalaPassesOnBothTargets) {
  for (const char* name : {"mala_invariance_aniso_d10", "mala_invariance_mixture_2d"}) {
    const auto e = run(mala_small(name));
    expect_all_pass(e);
    const double acc = e.results.at("acceptance_rate").at("mean").get<double>();
    EXPECT_GT(acc, 0.3) << name;
    EXPECT_LT(acc, 1.0) << name;
  }
}

TEST(MalaInvariance, MutantsAndUlaFailTheInvarianceCheck) {
  for (const char* name : {"mala_invariance_aniso_d10", "mala_invariance_mixture_2d"}) {
    for (const char* m : {"mala_no_proposal_correction", "noise_sqrt_eta"}) expect_checks(run(mala_small(name, m)), {"invariance"});
    json d = mala_small(name);
    d["params"]["algorithm"] = "ula";
    expect_checks(run(d), {"invariance"}, {"movement"});
  }
}

TEST(MalaInvariance, ChainsThatBarelyMoveFailTheMovementGuard) {
  json d = mala_small("mala_invariance_aniso_d10");
  d["params"]["eta"] = 1e-4;
  expect_checks(run(d), {"movement"}, {"invariance"});
}

TEST(MalaInvariance, InvalidParamsNameTheirPath) {
  json d = mala_small("mala_invariance_aniso_d10");
  d["params"]["eta"] = 0.25;  // a_max = 10: limit 0.2
  expect_spec_error(d, "/params/eta", "stability limit 2/M = 0.2");
  d = mala_small("mala_invariance_mixture_2d");
  d["params"]["eta"] = 0.6;  // s = 0.5: M = 1/s² = 4, limit 0.5
  expect_spec_error(d, "/params/eta", "stability limit 2/M = 0.5");
  d = mala_small("mala_invariance_mixture_2d");
  d["params"]["lambda"] = 0.5;
  expect_spec_error(d, "/params/lambda");
  d = mala_small("mala_invariance_mixture_2d");
  d["params"]["dim"] = 3;
  expect_spec_error(d, "/params/dim");
  d = mala_small("mala_invariance_aniso_d10", "mala_no_proposal_correction");
  d["params"]["algorithm"] = "ula";
  expect_spec_error(d, "/params/mutant");
  d = mala_small("mala_invariance_aniso_d10");
  d["params"]["record_steps"] = {10, 20};
  expect_spec_error(d, "/params/record_steps", "n_steps");
  d = mala_small("mala_invariance_aniso_d10");
  d["params"]["target"] = "banana";
  expect_spec_error(d, "/params/target");
  d = mala_small("mala_invariance_aniso_d10");
  d["replicas"] = 2;
  expect_spec_error(d, "/params", "replicas");
}

// Every shipped Langevin spec validates under both profiles.
TEST(LangevinSpecs, ShippedSpecsValidateUnderBothProfiles) {
  ldbench::experiments::KindRegistry reg;
  register_builtin_kinds(reg);
  for (const char* name : {"ula_gaussian_iso_d10", "ula_gaussian_aniso_d100", "mala_invariance_aniso_d10", "mala_invariance_mixture_2d"})
    for (const char* profile : {"quick", "full"}) EXPECT_NO_THROW(prepare_spec(reg, shipped(name), name, profile, std::nullopt)) << name;
}

}  // namespace
}  // namespace test_langevin_kinds
