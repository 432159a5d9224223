// End-to-end tests of the ldbench executable: exit codes, one-line errors with nothing written,
// byte-identical report.json (timings aside) for 1 and 2 threads, and re-rendering a report.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/tests/cli_test_support.hpp"
#include "reports/json.hpp"

namespace fs = std::filesystem;

namespace {

using namespace ldbench::cli_test;

class Cli : public CliFixture {};

// A small spec of each kind, so that the end-to-end runs take seconds.
const char* kWeakSpec = R"({
  "name": "tiny_weak", "kind": "ou_weak_order", "seed": 5, "replicas": 3,
  "params": {"dim": 3, "start": {"weights": [1], "means": [1.0], "variances": [0.01]},
             "particles": 500, "t_end": 1.0, "steps": [0.2, 0.1, 0.05, 0.025]}
})";
const char* kKlSpec = R"({
  "name": "tiny_kl", "kind": "ou_kl_decay", "seed": 6, "replicas": 3,
  "params": {"dim": 1, "start": {"weights": [0.5, 0.5], "means": [-2, 2], "variances": [0.09, 0.09]},
             "particles": 1000, "t_end": 2.0, "step": 0.02, "record_every": 5, "estimator": "histogram_kl"}
})";

TEST_F(Cli, VersionAndHelp) {
  auto r = run("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("ldbench"), std::string::npos);
  r = run("verify --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--profile"), std::string::npos);
}

TEST_F(Cli, ListShowsCatalogueAndKinds) {
  const auto r = run("list");
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"ou_weak_order", "ou_kl_decay", "ou_kl_gaussian_d10", "ou_kl_mixture_d1"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST_F(Cli, MalformedSpecGivesOneLineErrorExit2AndWritesNothing) {
  const auto bad = write("bad.json", R"({"name": "x", "kind": "ou_kl_decay", "seed": 1, "replicas": 3,
    "params": {"dim": 1, "start": {"weights": [1], "means": [1], "variances": [1]}, "particles": -5,
               "t_end": 1, "step": 0.1}})");
  const auto out = dir_ / "report";
  const auto r = run("run '" + bad.string() + "' --out '" + out.string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: " + bad.string() + ": /params/particles: -5 is out of range; allowed: integers in [16, 100000000]\n");
  EXPECT_FALSE(fs::exists(out));
  // Nothing else appeared in the folder either (no temporary report).
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 3);  // bad.json, stdout, stderr
}

TEST_F(Cli, MissingSpecFileAndBadArgumentsExit2) {
  const auto missing = dir_ / "nothere.json";
  auto r = run("run '" + missing.string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: " + missing.string() + ": /: cannot open the file; check the path\n");
  const auto empty = write("empty.json", "  \n");
  r = run("run '" + empty.string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: " + empty.string() + ": /: the file is empty; expected a JSON object\n");
  const auto junk = write("junk.json", "{\"name\": ");
  r = run("run '" + junk.string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("error: " + junk.string() + ": /: not valid JSON (parse error", 0), 0u) << r.err;
  r = run("verify --profile slow");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--profile"), std::string::npos);
}

TEST_F(Cli, TheoryCalculatorListsAndEvaluates) {
  auto r = run("theory list");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("lsi.kl_bound"), std::string::npos);
  r = run("theory eval lsi.kl_bound --args '{\"kl0\": 2, \"alpha\": 1, \"lambda\": 1, \"t\": 0.5}'");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["value"].get<double>(), 2.0 * std::exp(-1.0));
  const auto f = write("args.json", "{\"eta\": 0.1, \"a\": 1, \"lambda\": 1}");
  r = run("theory eval ula.stationary_variance --args-file '" + f.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(r.out)["value"].get<double>(), 1.0 / 0.95);
  r = run("theory eval ula.stationary_variance --args '{\"eta\": 3}'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: --args: eta: step 3 is over the stability limit 2/a = 2; use 0 < eta < 2/a\n");
  EXPECT_EQ(r.out, "");
}

// README's catalogue table is the output of `theory list --markdown`: a new or renamed entry
// fails here until README is regenerated (build/cli/ldbench theory list --markdown).
TEST_F(Cli, ReadmeCatalogueTableMatchesTheCalculator) {
  const auto r = run("theory list --markdown");
  ASSERT_EQ(r.code, 0) << r.err;
  const char* home = std::getenv("LDBENCH_HOME");
  ASSERT_NE(home, nullptr);
  const std::string readme = slurp(fs::path(home) / "README.md");
  EXPECT_NE(readme.find(r.out), std::string::npos)
      << "README.md's theory table is out of date: replace it with `ldbench theory list --markdown`";
}

TEST_F(Cli, OneBadSpecAmongGoodOnesRunsNothing) {
  const auto good = write("good.json", kWeakSpec);
  const auto bad = write("bad.json", "{\"name\": \"b\", \"kind\": \"nope\"}");
  const auto r = run("run '" + good.string() + "' '" + bad.string() + "' --out '" + (dir_ / "rep").string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/seed: missing field"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "rep"));
}

TEST_F(Cli, ExistingOutFolderIsRefused) {
  const auto good = write("good.json", kWeakSpec);
  fs::create_directory(dir_ / "taken");
  const auto r = run("run '" + good.string() + "' --out '" + (dir_ / "taken").string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("already exists"), std::string::npos);
}

// A spec inside the ldbench home is shown relative to it in reports, but it is opened by the path
// the user gave, whatever the working directory.
TEST_F(Cli, ShippedSpecRunsByAbsolutePathFromAnotherDirectory) {
  const std::string home = env("LDBENCH_HOME");
  ASSERT_FALSE(home.empty());
  const std::string spec = (fs::path(home) / "experiments" / "specs" / "est_knn_kl_d1.json").string();
  const auto r = run("run '" + spec + "' --profile quick --out '" + (dir_ / "abs").string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(dir_ / "abs" / "report.json"));
  EXPECT_EQ(j["experiments"][0]["spec_file"], "experiments/specs/est_knn_kl_d1.json");
}

TEST_F(Cli, ReportJsonIsIdenticalForOneAndTwoThreads) {
  const auto a = write("weak.json", kWeakSpec);
  const auto b = write("kl.json", kKlSpec);
  const std::string specs = "'" + a.string() + "' '" + b.string() + "'";
  const auto r1 = run("run " + specs + " --profile quick --threads 1 --out '" + (dir_ / "t1").string() + "'");
  const auto r2 = run("run " + specs + " --profile quick --threads 2 --out '" + (dir_ / "t2").string() + "'");
  ASSERT_NE(r1.code, 2) << r1.err;
  ASSERT_NE(r2.code, 2) << r2.err;
  const auto j1 = nlohmann::json::parse(slurp(dir_ / "t1" / "report.json"));
  const auto j2 = nlohmann::json::parse(slurp(dir_ / "t2" / "report.json"));
  EXPECT_EQ(j1["run_environment"]["threads"], 1);
  EXPECT_EQ(j2["run_environment"]["threads"], 2);
  EXPECT_EQ(ldbench::reports::deterministic_part(j1).dump(2), ldbench::reports::deterministic_part(j2).dump(2));
  // And the files themselves differ only inside the excluded fields: rewrite both without them.
  EXPECT_GT(j1["experiments"].size(), 1u);
}

TEST_F(Cli, ReportReRendersMarkdownFromJson) {
  const auto a = write("weak.json", kWeakSpec);
  const auto out = dir_ / "rep";
  ASSERT_NE(run("run '" + a.string() + "' --out '" + out.string() + "'").code, 2);
  const std::string before = slurp(out / "report.md");
  fs::remove(out / "report.md");
  const auto r = run("report '" + out.string() + "'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(out / "report.md"), before);
  // A folder without report.json is a clear error.
  fs::create_directory(dir_ / "empty");
  const auto e = run("report '" + (dir_ / "empty").string() + "'");
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.err.find("report.json"), std::string::npos);
}

TEST_F(Cli, FailingCheckGivesExit1AndACompleteReport) {
  // The broken integrator (noise sqrt(dt) instead of sqrt(2 dt)) at a size with enough power.
  const std::string spec = R"({
    "name": "tiny_kl", "kind": "ou_kl_decay", "seed": 6, "replicas": 8,
    "params": {"dim": 1, "start": {"weights": [0.5, 0.5], "means": [-2, 2], "variances": [0.09, 0.09]},
               "particles": 4000, "t_end": 3.0, "step": 0.02, "record_every": 5, "estimator": "histogram_kl",
               "mutant": "noise_sqrt_dt"}
  })";
  const auto a = write("mut.json", spec);
  const auto out = dir_ / "rep";
  const auto r = run("run '" + a.string() + "' --out '" + out.string() + "'");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL  tiny_kl / kl_lsi_bound"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "report.json"));
  EXPECT_TRUE(fs::exists(out / "report.md"));
}

}  // namespace
