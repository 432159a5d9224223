// The Fokker–Planck kinds (experiments/drivers/fp.cpp, fp_ula.cpp): small versions of the shipped
// specs pass every check; each solver / bound / particle mutant is rejected by the checks that
// must catch it; invalid params give a SpecError naming the JSON path. Deterministic kinds run
// their shipped spec's quick profile, trimmed; fp_ula_grid runs a tiny fixed-seed configuration.
// About 3 s in release.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "experiments/registry.hpp"
#include "experiments/suite.hpp"

namespace {

using namespace ldbench::experiments;
using nlohmann::json;

json shipped(const std::string& name) {
  std::ifstream in(catalogue_dir() + "/" + name + ".json");
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

ldbench::reports::Experiment run(const json& doc, const std::string& profile = "quick") {
  KindRegistry reg;
  register_builtin_kinds(reg);
  return prepare_spec(reg, doc, "t.json", profile, std::nullopt).run(RunContext{1, {}});
}

void expect_all_pass(const ldbench::reports::Experiment& e) {
  ASSERT_EQ(e.status, "ok") << e.error;
  ASSERT_FALSE(e.checks.empty());
  for (const auto& c : e.checks) EXPECT_TRUE(c.passed) << e.name << " / " << c.id << ": " << c.measured << " " << c.detail;
}

// Every check in `must_fail` fails (and exists).
void expect_fail(const ldbench::reports::Experiment& e, const std::set<std::string>& must_fail) {
  std::set<std::string> seen;
  for (const auto& c : e.checks)
    if (must_fail.count(c.id)) {
      seen.insert(c.id);
      EXPECT_FALSE(c.passed) << e.name << " / " << c.id << " did not reject the mutant: " << c.measured << " " << c.detail;
    }
  EXPECT_EQ(seen, must_fail) << e.name;
}

void expect_spec_error(json doc, const std::string& needle) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  try {
    prepare_spec(reg, doc, "t.json", "quick", std::nullopt);
    ADD_FAILURE() << "no error for " << doc.dump();
  } catch (const SpecError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "not one line: " << what;
  }
}

// ------------------------------------------------------------------------------------------
// fp_ou_grid

json ou_d1() {
  json d = shipped("fp_ou_grid_d1");
  d["params"]["space"]["grids"] = {80, 160, 320};
  d["params"]["time"]["grid"] = 4000;
  d["params"]["time"]["steps"] = {6, 12, 24};
  return d;
}

TEST(FpOuGrid, CorrectSolverPassesEveryOrder) { expect_all_pass(run(ou_d1())); }

TEST(FpOuGrid, SolverMutantsFailEveryOrderCheck) {
  for (const char* m : {"diffusion_doubled", "drift_flipped"}) {
    json d = ou_d1();
    d["params"]["solver_mutant"] = m;
    expect_fail(run(d), {"space_order_l1", "space_order_max", "time_order_backward_euler", "time_order_tr_bdf2"});
  }
}

TEST(FpOuGrid, TwoDimensionalMutantsFailTheSpaceChecks) {
  // In 2-D the time orders are measured against a same-grid reference, so only the space checks
  // see a wrong operator (documented in the spec).
  json d = shipped("fp_ou_grid_d2");
  d["params"]["space"]["grids"] = {32, 64, 128};
  d["params"]["time"] = {{"grid", 32}, {"steps", {4, 8, 16}}, {"reference", "same_grid"}, {"reference_steps", 128}};
  d["profiles"] = json::object();
  expect_all_pass(run(d, "full"));
  for (const char* m : {"diffusion_doubled", "drift_flipped"}) {
    d["params"]["solver_mutant"] = m;
    expect_fail(run(d, "full"), {"space_order_l1", "space_order_max"});
  }
}

TEST(FpOuGrid, InvalidParamsNameTheirPath) {
  json d = ou_d1();
  d["params"]["half_width"] = 2.0;
  expect_spec_error(d, "/params/half_width");
  d = ou_d1();
  d["params"]["space"]["grids"] = {80, 40, 160};
  expect_spec_error(d, "/params/space/grids/1");
  d = ou_d1();
  d["params"]["solver_mutant"] = "nope";
  expect_spec_error(d, "/params/solver_mutant");
  d = ou_d1();
  d["params"]["dim"] = 3;
  expect_spec_error(d, "/params/dim");
}

// ------------------------------------------------------------------------------------------
// fp_double_well

json dw03() {
  json d = shipped("fp_double_well_lambda03");
  d["params"]["t_end"] = 120;
  return d;
}

TEST(FpDoubleWell, CorrectSolverPassesEveryCheck) { expect_all_pass(run(dw03())); }

TEST(FpDoubleWell, SolverMutantsFailTheFlowChecks) {
  // gap_grid_converged compares two spectral gaps of the correct operator: it guards the grid,
  // not the solver, and is not expected to see a solver mutant.
  for (const char* m : {"diffusion_doubled", "drift_flipped"}) {
    json d = dw03();
    d["params"]["solver_mutant"] = m;
    expect_fail(run(d), {"stationary_gibbs", "de_bruijn", "kl_rate_twice_gap", "alpha_num_below_gap"});
  }
}

TEST(FpDoubleWell, InvalidParamsNameTheirPath) {
  json d = dw03();
  d["params"]["rate_window"] = {1e-10, 1e-4};
  expect_spec_error(d, "/params/rate_window");
  d = dw03();
  d["params"]["starts"][0]["weights"] = {0.5};
  expect_spec_error(d, "/params/starts/0/weights");
  d = dw03();
  d["params"]["starts"][0]["means"] = {3.0};
  expect_spec_error(d, "/params/starts/0/means");
  d = dw03();
  d["params"]["tolerances"]["nope"] = 1;
  expect_spec_error(d, "/params/tolerances");
}

// ------------------------------------------------------------------------------------------
// fp_lsi_bounds

json lsi() {
  json d = shipped("fp_lsi_bounds");
  d["params"]["B"] = {0.15, 0.6};
  d["params"]["t_end"] = 20;
  d["params"]["target_2d"]["n"] = 48;
  return d;
}

TEST(FpLsiBounds, CorrectBoundsPassEveryCheck) { expect_all_pass(run(lsi())); }

TEST(FpLsiBounds, BoundWithoutPenaltyFailsTheBoundChecks) {
  json d = lsi();
  d["params"]["bound_mutant"] = "hs_without_penalty";
  expect_fail(run(d), {"bounds_below_alpha_num", "bounds_below_gap", "kl_under_lsi_bound"});
}

TEST(FpLsiBounds, SolverMutantsFailTheKlCurveAndGapChecks) {
  for (const char* m : {"diffusion_doubled", "drift_flipped"}) {
    json d = lsi();
    d["params"]["solver_mutant"] = m;
    expect_fail(run(d), {"alpha_num_below_gap", "kl_under_lsi_bound", "de_bruijn_2d"});
  }
}

TEST(FpLsiBounds, InvalidParamsNameTheirPath) {
  json d = lsi();
  d["params"]["half_width"] = 4.5;  // holds the starts, truncates pi for B = 0.6
  expect_spec_error(d, "/params/half_width");
  d = lsi();
  d["params"]["bound_mutant"] = "nope";
  expect_spec_error(d, "/params/bound_mutant");
  d = lsi();
  d["params"]["target_2d"]["n"] = 4;
  expect_spec_error(d, "/params/target_2d/n");
}

// ------------------------------------------------------------------------------------------
// fp_ula_grid: a tiny configuration (8 replicas x 20000 particles, large steps); the interval is
// wide, but the mutant's excess does not shrink with eta and is rejected.

json ula(const std::string& mutant) {
  json d = shipped("fp_ula_grid");
  d["replicas"] = 8;
  d["params"]["etas"] = {0.08, 0.06, 0.04, 0.03};
  d["params"]["record_times"] = {0.48};
  d["params"]["particles"] = 20000;
  d["params"]["grid"] = {{"half_width", 3.0}, {"n", 1200}, {"dt", 0.002}};
  d["params"]["particle_mutant"] = mutant;
  d["profiles"] = json::object();
  return d;
}

TEST(FpUlaGrid, CorrectParticlesPassTheOrderCheck) { expect_all_pass(run(ula("none"), "full")); }

TEST(FpUlaGrid, WrongTemperatureFailsTheOrderCheck) {
  const auto e = run(ula("noise_sqrt_eta"), "full");
  ASSERT_EQ(e.status, "ok") << e.error;
  expect_fail(e, {"order"});
}

TEST(FpUlaGrid, BlowUpIsAnErroredFailedExperiment) {
  const auto e = run(ula("drift_flipped"), "full");
  EXPECT_EQ(e.status, "error");
  EXPECT_NE(e.error.find("blew up"), std::string::npos) << e.error;
  EXPECT_FALSE(e.passed());
  expect_fail(e, {"order"});
}

TEST(FpUlaGrid, InvalidParamsNameTheirPath) {
  json d = ula("none");
  d["params"]["etas"] = {0.04, 0.02, 0.03, 0.01};
  expect_spec_error(d, "/params/etas/2");
  d = ula("none");
  d["params"]["etas"] = {0.04, 0.02, 0.01};  // power_linear needs >= 4 step sizes
  expect_spec_error(d, "/params/etas");
  d = ula("none");
  d["params"]["record_times"] = {0.5};
  expect_spec_error(d, "/params/record_times/0");
  d = ula("none");
  d["params"]["particle_mutant"] = "nope";
  expect_spec_error(d, "/params/particle_mutant");
  d = ula("none");
  d["replicas"] = 4;
  expect_spec_error(d, "/params");
  d = ula("none");
  d["params"]["groups"] = 5;
  expect_spec_error(d, "/params");
}

// Every shipped FP spec validates under both profiles (the suite-wide alpha budget is checked by
// experiments_catalogue_tests).
TEST(FpSpecs, ShippedSpecsValidateUnderBothProfiles) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  for (const char* name : {"fp_ou_grid_d1", "fp_ou_grid_d2", "fp_double_well_lambda03", "fp_double_well_lambda015",
                           "fp_double_well_lambda008", "fp_lsi_bounds", "fp_ula_grid"})
    for (const char* profile : {"quick", "full"}) EXPECT_NO_THROW(prepare_spec(reg, shipped(name), name, profile, std::nullopt)) << name;
}

}  // namespace
