// End-to-end test of a finite-sum model plugin: the example Student-t regression
// (experiments/plugins/example/student_t_regression.cpp, $LDBENCH_MODEL_PLUGIN) named in a
// `posterior` spec written to a temporary folder.
//  - with --plugin the spec runs and every check passes (exit 0), the report naming the plugin;
//  - without --plugin it is refused when loaded: exit 2, one line naming the unknown model, no report;
//  - every check of the spec can fail: each mutant (the kind's `mutant`, `mutant_algorithm`) makes
//    the check designed to kill it fail (exit 1, report complete).
// Small configuration (n = 200, d = 3, 8 replicas, 32 chains): about 2 s per run, fixed seeds.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "cli/tests/cli_test_support.hpp"

namespace fs = std::filesystem;

namespace {

using namespace ldbench::cli_test;
using nlohmann::json;

json plugin_spec() {
  return json::parse(R"({
    "name": "student_t_posterior", "kind": "posterior", "seed": 7, "replicas": 8,
    "params": {
      "model": {"name": "student_t_regression", "dim": 3,
                "params": {"n": 200, "nu": 4, "sigma": 1, "prior_variance": 10, "outlier_fraction": 0.05, "seed": 3}},
      "algorithms": ["ula", "sgld", "svrg_ld"],
      "chains": 32, "w2_points": 32, "curve_points": 6,
      "reference": {"eta": 0.5, "chains": 96, "steps": 200, "burn_in": 50},
      "mala": {"eta": 0.2, "steps": 60, "burn_in": 20},
      "ula": {"eta": 0.3, "burn_in": 40, "window": 300, "halved_burn_in": 40},
      "stochastic": {"eta": 0.0005, "burn_in": 200, "window": 600, "halved_burn_in": 300, "observe_every": 4}
    },
    "checks": {
      "reference_matches_ula_limit": {"alpha": 1e-3}, "converges_to_reference_ula": {"alpha": 1e-3},
      "converges_to_reference_sgld": {"alpha": 1e-3}, "converges_to_reference_svrg_ld": {"alpha": 1e-3},
      "variance_reduction": {"alpha": 1e-3}
    }
  })");
}

class ModelPluginCli : public CliFixture {
 protected:
  // Runs the spec (with the plugin) into a fresh report folder and returns check id -> passed.
  std::map<std::string, bool> run_spec(const json& spec, const std::string& tag, int expected_code, json* report = nullptr) {
    const std::string plugin = env("LDBENCH_MODEL_PLUGIN");
    EXPECT_FALSE(plugin.empty()) << "LDBENCH_MODEL_PLUGIN must name the built example model plugin";
    const std::string file = write(tag + ".json", spec.dump(2)).string();
    const Result r = run("--plugin '" + plugin + "' run '" + file + "' --profile quick --threads 1 --out " + path("rep_" + tag));
    EXPECT_EQ(r.code, expected_code) << r.err << r.out;
    std::map<std::string, bool> out;
    if (!fs::exists(path("rep_" + tag) + "/report.json")) {
      ADD_FAILURE() << "no report for " << tag << ": " << r.err;
      return out;
    }
    const json rep = json::parse(slurp(path("rep_" + tag) + "/report.json"));
    const json& e = rep["experiments"][0];
    EXPECT_EQ(e["status"], "ok") << e["error"];
    for (const auto& c : e["checks"]) out[c["id"].get<std::string>()] = c["decision"] == "pass";
    if (report) *report = e;
    return out;
  }
};

TEST_F(ModelPluginCli, StudentTSpecPassesWithThePluginAndIsRefusedWithout) {
  json e;
  const auto checks = run_spec(plugin_spec(), "ok", 0, &e);
  const std::set<std::string> ids = {"reference_matches_ula_limit", "converges_to_reference_ula", "converges_to_reference_sgld",
                                     "converges_to_reference_svrg_ld", "variance_reduction"};
  std::set<std::string> seen;
  for (const auto& [id, passed] : checks) {
    seen.insert(id);
    EXPECT_TRUE(passed) << id;
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(e["results"]["model"]["origin"], env("LDBENCH_MODEL_PLUGIN"));
  EXPECT_EQ(e["results"]["model"]["n"], 200);
  EXPECT_GT(e["results"]["stability"]["hessian_max_M"].get<double>(), 0.0);  // the plugin states M

  // Without the plugin: refused at load time, one line, exit 2, nothing written.
  const std::string file = write("noplugin.json", plugin_spec().dump(2)).string();
  expect_one_line_error(run("run '" + file + "' --profile quick --threads 1 --out " + path("rep_noplugin")),
                        "/params/model/name: unknown model \"student_t_regression\"");
  EXPECT_FALSE(fs::exists(path("rep_noplugin")));
}

TEST_F(ModelPluginCli, EveryCheckOfThePluginSpecCanFail) {
  struct Case {
    std::string mutant, mutant_algorithm;
    std::vector<std::string> must_fail;
  };
  const std::vector<Case> cases = {
      {"mala_no_proposal_correction", "", {"reference_matches_ula_limit", "converges_to_reference_svrg_ld"}},
      {"noise_sqrt_eta", "ula", {"converges_to_reference_ula"}},
      {"noise_sqrt_eta", "", {"converges_to_reference_sgld"}},
      {"svrg_no_correction", "", {"variance_reduction"}},
  };
  std::set<std::string> killed;
  for (const auto& c : cases) {
    json spec = plugin_spec();
    spec["params"]["mutant"] = c.mutant;
    if (!c.mutant_algorithm.empty()) spec["params"]["mutant_algorithm"] = c.mutant_algorithm;
    const auto checks = run_spec(spec, c.mutant + c.mutant_algorithm, 1);
    for (const auto& id : c.must_fail) {
      ASSERT_TRUE(checks.count(id)) << id;
      EXPECT_FALSE(checks.at(id)) << c.mutant << " " << c.mutant_algorithm << " should fail " << id;
      killed.insert(id);
    }
  }
  EXPECT_EQ(killed.size(), plugin_spec()["checks"].size());  // every check of the spec is killed by some mutant
}

}  // namespace
