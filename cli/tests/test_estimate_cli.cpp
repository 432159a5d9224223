// End-to-end tests of `ldbench estimate` and `--plugin`: the catalogue listing, an estimate on
// CSV and JSON sample files, one-line errors naming the file and line for bad sample files
// (ragged, non-numeric, NaN, mismatched dimensions, missing file), bad parameters, and plugins:
// the in-tree example loads and runs, a wrong ABI, a missing symbol, a non-module file and a
// duplicate name are refused with exit 2 and one line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "cli/tests/cli_test_support.hpp"

namespace fs = std::filesystem;

namespace {

using namespace ldbench::cli_test;

class EstimateCli : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    std::mt19937 gen(5);
    std::normal_distribution<double> n01;
    std::ostringstream a, b, j;
    a << "x0,x1\n";
    for (int i = 0; i < 300; ++i) a << n01(gen) << "," << n01(gen) << "\n";
    for (int i = 0; i < 200; ++i) b << n01(gen) + 1.0 << " " << n01(gen) << "\n";
    j << "[";
    for (int i = 0; i < 100; ++i) j << (i ? "," : "") << "[" << n01(gen) << "," << n01(gen) << "]";
    j << "]";
    write("a.csv", a.str());
    write("b.txt", b.str());
    write("c.json", j.str());
  }
};

TEST_F(EstimateCli, ListDeclaresEveryEstimatorsProperties) {
  const Result r = run("estimate --list");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* s : {"bures_w2_squared", "gaussian_fit_kl", "returns:", "unbiased:", "needs:"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST_F(EstimateCli, EstimatesOnCsvAndJsonFiles) {
  const Result r = run("estimate bures_w2_squared --x " + path("a.csv") + " --y " + path("b.txt"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n_x"], 300);
  EXPECT_EQ(j["n_y"], 200);
  EXPECT_EQ(j["d"], 2);
  // Shift by (1, 0) between two N(0, I) samples: W2² ≈ 1 (fitted-moment noise ~ 0.1 at these sizes).
  EXPECT_NEAR(j["value"].get<double>(), 1.0, 0.3);
  const Result k = run("estimate gaussian_fit_kl --x " + path("c.json") +
                       " --target '{\"gaussian\": {\"mean\": [0, 0], \"cov\": [[1, 0], [0, 1]]}}'");
  ASSERT_EQ(k.code, 0) << k.err;
  EXPECT_GE(nlohmann::json::parse(k.out)["value"].get<double>(), 0.0);
}

TEST_F(EstimateCli, BadSampleFilesNameTheFileAndLine) {
  expect_one_line_error(run("estimate bures_w2_squared --x " + write("r.csv", "1,2\n3,4\n5\n").string() + " --y " + path("b.txt")),
                        "r.csv:3: ragged row");
  expect_one_line_error(run("estimate bures_w2_squared --x " + write("t.csv", "1,2\n3,abc\n").string() + " --y " + path("b.txt")),
                        "t.csv:2: cell 2 (\"abc\") is not a number");
  expect_one_line_error(run("estimate bures_w2_squared --x " + write("n.csv", "1,2\nnan,4\n").string() + " --y " + path("b.txt")),
                        "n.csv:2: cell 1 is NaN");
  expect_one_line_error(run("estimate bures_w2_squared --x " + write("e.csv", "# only a comment\n").string() + " --y " + path("b.txt")),
                        "e.csv: no data rows");
  expect_one_line_error(run("estimate bures_w2_squared --x " + write("j.json", "[[1,2],[3]]").string() + " --y " + path("b.txt")),
                        "j.json: /1: ragged row");
  expect_one_line_error(run("estimate bures_w2_squared --x " + path("missing.csv") + " --y " + path("b.txt")),
                        "missing.csv: cannot open");
  expect_one_line_error(run("estimate bures_w2_squared --x " + write("d3.csv", "1,2,3\n4,5,6\n").string() + " --y " + path("b.txt")),
                        "b.txt: dimension 2 does not match x's 3");
  expect_one_line_error(run("estimate bures_w2_squared --x " + write("few.csv", "1,2\n3,4\n").string() + " --y " + path("b.txt")),
                        "few.csv: a Gaussian fit in d = 2 needs at least 4 points");
}

TEST_F(EstimateCli, BadRequestsGiveOneLineErrors) {
  expect_one_line_error(run("estimate no_such --x " + path("a.csv")), "unknown estimator \"no_such\"");
  expect_one_line_error(run("estimate bures_w2_squared --x " + path("a.csv")), "y: bures_w2_squared compares two samples");
  expect_one_line_error(run("estimate gaussian_fit_kl --x " + path("a.csv")), "target:");
  expect_one_line_error(run("estimate bures_w2_squared --x " + path("a.csv") + " --y " + path("b.txt") + " --params '{\"k\": 3}'"),
                        "--params: /k");
  expect_one_line_error(run("estimate gaussian_fit_kl --x " + path("a.csv") + " --target '{\"gaussian\": {\"mean\": [0, 0], \"cov\": -1}}'"),
                        "--target: /gaussian/cov");
}

TEST_F(EstimateCli, ExamplePluginLoadsAndRuns) {
  const std::string plugin = env("LDBENCH_EXAMPLE_PLUGIN");
  ASSERT_FALSE(plugin.empty());
  const Result l = run("--plugin '" + plugin + "' estimate --list");
  ASSERT_EQ(l.code, 0) << l.err;
  EXPECT_NE(l.out.find("energy_distance  [" + plugin + "]"), std::string::npos) << l.out;
  const Result r = run("--plugin '" + plugin + "' estimate energy_distance --x " + path("a.csv") + " --y " + path("b.txt"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["value"].get<double>(), 0.1);  // a unit shift is far from 0 at n = 300
  EXPECT_EQ(j["origin"], plugin);
  // Without the plugin the name is unknown.
  expect_one_line_error(run("estimate energy_distance --x " + path("a.csv") + " --y " + path("b.txt")), "unknown estimator");
}

// A spec may name a plugin's estimator: estimator_convergence on the energy distance of two equal
// laws (truth 0), run with --plugin; without it the spec is refused at load time, nothing written.
TEST_F(EstimateCli, SpecsCanUsePluginEstimators) {
  const std::string plugin = env("LDBENCH_EXAMPLE_PLUGIN");
  ASSERT_FALSE(plugin.empty());
  const std::string spec = write("energy.json", R"({"name": "energy_null", "kind": "estimator_convergence", "seed": 3,
    "replicas": 12, "params": {"estimator": "energy_distance", "p": {"mean": [0, 0], "cov": 1},
    "q": {"mean": [0, 0], "cov": 1}, "truth": "zero", "sizes": [50, 100, 200], "groups": 4, "min_rate": 0.5},
    "checks": {"consistent_at_largest_n": {"alpha": 1e-4}, "error_rate": {"alpha": 1e-4}}})").string();
  const Result r = run("--plugin '" + plugin + "' run '" + spec + "' --out " + path("rep"));
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const auto rep = nlohmann::json::parse(slurp(path("rep") + "/report.json"));
  EXPECT_EQ(rep["experiments"][0]["params"]["estimator"], "energy_distance");
  const Result bad = run("run '" + spec + "' --out " + path("rep2"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("energy_distance"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(path("rep2")));
}

TEST_F(EstimateCli, BadPluginsAreRefused) {
  const std::string good = env("LDBENCH_EXAMPLE_PLUGIN");
  expect_one_line_error(run("--plugin '" + env("LDBENCH_BAD_ABI_PLUGIN") + "' estimate --list"), "built for plugin ABI 42");
  expect_one_line_error(run("--plugin '" + env("LDBENCH_NO_SYMBOL_PLUGIN") + "' estimate --list"),
                        "does not export ldbench_plugin_register");
  expect_one_line_error(run("--plugin '" + good + "' --plugin '" + good + "' estimate --list"),
                        "estimator energy_distance: already registered");
  expect_one_line_error(run("--plugin " + path("a.csv") + " estimate --list"), "not a loadable shared module");
  expect_one_line_error(run("--plugin " + path("none.so") + " estimate --list"), "no such file");
}

}  // namespace
