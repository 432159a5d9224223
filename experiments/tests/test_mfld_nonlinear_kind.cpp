// The nonlinear mean-field kind "mfld_nonlinear" (experiments/drivers/mfld_nonlinear.cpp): the shipped spec at
// its quick profile passes every check; each particle-system mutant is rejected by particles_vs_N (and the eta
// check); the grid mutants are rejected by the deterministic checks they target (frozen potential: objective_rate
// and the particle checks; swapped sandwich references: entropy_sandwich_grid); a coarse grid fails the
// resolution guard; invalid params give a one-line SpecError naming the JSON path. A few seconds in release.
#include <gtest/gtest.h>

#include "experiments/tests/kind_test_support.hpp"

namespace test_mfld_nonlinear_kind {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::experiments::testing;
using nlohmann::json;

// The shipped spec at its quick profile.
json spec(const std::string& mutant = "none") {
  json d = shipped("mfld_nonlinear_tanh_1d");
  d["params"]["mutant"] = mutant;
  return d;
}
// Cheaper runs for the negative tests: the quick grid halved (140/280 cells), eta = 0.02, N = 32, 256, 2048 (the
// power of particles_vs_N comes from the range of N), a token eta sweep (not asserted).
json small(const std::string& mutant) {
  json d = spec(mutant);
  auto& q = d["profiles"]["quick"]["params"];
  q["grid"]["cells"] = 140;
  q["grid"]["dt"] = 0.004;
  q["particles"] = {{"eta", 0.02}, {"counts", {32, 256, 2048}}, {"eta_particles", 64}, {"eta_sweep", {0.2, 0.1, 0.05}}};
  return d;
}
// Grid-only negative tests: minimal particle work (the particle checks are not asserted).
json grid_only() {
  json d = small("none");
  d["profiles"]["quick"]["replicas"] = 4;
  d["profiles"]["quick"]["params"]["particles"]["counts"] = {16, 32, 64};
  return d;
}

const std::set<std::string> kAll = {"grid_converged", "entropy_sandwich_grid", "objective_rate", "particles_vs_N", "particles_vs_eta"};
const std::set<std::string> kGrid = {"grid_converged", "entropy_sandwich_grid", "objective_rate"};

TEST(MfldNonlinear, QuickProfilePassesEveryCheck) {
  const auto e = run(spec());
  expect_all_pass(e);
  std::set<std::string> ids;
  for (const auto& c : e.checks) ids.insert(c.id);
  EXPECT_EQ(ids, kAll);
  EXPECT_EQ(e.plots.size(), 5u);
  const auto* rate = find_check(e, "objective_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_GT(rate->tightness, 1.0);  // the fitted rate is above the Holley–Stroock bound
}

TEST(MfldNonlinear, ParticleMutantsAreRejected) {
  for (const char* m : {"entropy_halved", "noise_sqrt_eta", "self_interaction_only", "drift_flipped"}) {
    SCOPED_TRACE(m);
    expect_checks(run(small(m)), {"particles_vs_N"}, kGrid);
  }
}

TEST(MfldNonlinear, FrozenPotentialIsRejected) {
  // The flow converges to the Gibbs measure of V_{p_0}, not p*: the gap plateaus (with N up to 2048 particles_vs_N
  // rejects it as well: the particles follow the true flow; not asserted here to keep the test cheap).
  json d = grid_only();
  d["params"]["grid"]["mutant"] = "frozen_potential";
  expect_checks(run(d), {"objective_rate"}, {"grid_converged", "entropy_sandwich_grid"});
}

TEST(MfldNonlinear, SwappedSandwichReferencesAreRejected) {
  json d = grid_only();
  d["params"]["grid"]["sandwich_mutant"] = "references_swapped";
  expect_checks(run(d), {"entropy_sandwich_grid"}, {"grid_converged", "objective_rate"});
}

TEST(MfldNonlinear, CoarseGridFailsTheGuard) {
  json d = grid_only();
  d["profiles"]["quick"]["params"]["grid"]["cells"] = 16;
  d["profiles"]["quick"]["params"]["grid"]["dt"] = 0.05;
  expect_checks(run(d), {"grid_converged"}, {"entropy_sandwich_grid"});
}

TEST(MfldNonlinear, BadParamsGiveOneLineErrors) {
  json d = spec();
  d["params"]["particles"]["eta"] = 0.03;  // 2 / 0.03 is not an integer
  expect_spec_error(d, "/params/particles/eta", "whole number");
  d = spec();
  d["params"]["grid"]["lo"] = -2.0;  // the Gaussian part N(0, 0.6) needs [-4.65, 4.65]
  expect_spec_error(d, "/params/grid/lo", "6 standard deviations");
  d = spec();
  d["params"]["particles"]["counts"] = {32, 32, 64};
  expect_spec_error(d, "/params/particles/counts/1", "increase");
  d = spec();
  d["params"]["mutant"] = "svrg_no_correction";
  expect_spec_error(d, "/params/mutant");
  d = spec();
  d["params"]["lambda2"] = 0.0;
  expect_spec_error(d, "/params/lambda2");
  d = spec();
  d["replicas"] = 3;
  d["profiles"]["quick"]["replicas"] = 3;
  expect_spec_error(d, "replicas");
  d = spec();
  d["params"]["unknown"] = 1;
  expect_spec_error(d, "unknown");
}

}  // namespace
}  // namespace test_mfld_nonlinear_kind
