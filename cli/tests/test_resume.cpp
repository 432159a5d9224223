// Interruptions (issue "trust"; experiments/checkpoint.hpp): a `ldbench verify` killed with SIGKILL
// in the middle of its sweep leaves the previous report and reports/latest untouched and no report
// folder, only whole files in the hidden progress folder; `ldbench verify --resume DIR` runs the
// experiments that had not finished, and its report.json equals the uninterrupted run's, timings
// aside. The kill is real: the child process is killed while its second experiment runs.
//
// The catalogue is a temporary LDBENCH_HOME with three shipped specs (quick profile), the last one
// slow enough (several seconds) that the kill lands mid-run.
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/tests/cli_test_support.hpp"
#include "reports/json.hpp"

namespace test_resume {
namespace {

using namespace ldbench::cli_test;
using nlohmann::json;

const char* kSpecs[] = {"ou_kl_gaussian_d1", "fp_ou_grid_d1", "mala_invariance_mixture_2d"};

class ResumeTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    const std::string src = env("LDBENCH_HOME");
    ASSERT_FALSE(src.empty());
    home_ = dir_ / "home";
    fs::create_directories(home_ / "experiments" / "specs");
    for (const char* s : kSpecs)
      fs::copy_file(fs::path(src) / "experiments" / "specs" / (std::string(s) + ".json"),
                    home_ / "experiments" / "specs" / (std::string(s) + ".json"));
    saved_home_ = src;
    ::setenv("LDBENCH_HOME", home_.c_str(), 1);
  }
  void TearDown() override {
    ::setenv("LDBENCH_HOME", saved_home_.c_str(), 1);
    CliFixture::TearDown();
  }
  fs::path runs() const { return home_ / "reports" / "runs"; }
  // Visible report folders and hidden entries of reports/runs.
  std::vector<std::string> entries(bool hidden) const {
    std::vector<std::string> v;
    if (!fs::exists(runs())) return v;
    for (const auto& e : fs::directory_iterator(runs()))
      if ((e.path().filename().string()[0] == '.') == hidden) v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
  }
  // report.json without its timings: deterministic_part() plus the per-part wall times some drivers
  // record among their results (keys "seconds").
  static void drop_seconds(json& j) {
    if (j.is_object()) {
      j.erase("seconds");
      for (auto& [k, v] : j.items()) drop_seconds(v);
    } else if (j.is_array()) {
      for (auto& v : j) drop_seconds(v);
    }
  }
  static json deterministic(const fs::path& report_dir) {
    json j = ldbench::reports::deterministic_part(json::parse(slurp(report_dir / "report.json")));
    drop_seconds(j);
    return j;
  }
  fs::path home_;
  std::string saved_home_;
};

TEST_F(ResumeTest, SigkillMidRunThenResumeGivesTheUninterruptedReport) {
  // 1. An uninterrupted run: the "previous report".
  const Result first = run("verify --profile quick --threads 2");
  ASSERT_EQ(first.code, 0) << first.out << first.err;
  ASSERT_EQ(entries(false).size(), 1u);
  const fs::path previous = runs() / entries(false).front();
  const std::string previous_json = slurp(previous / "report.json");
  ASSERT_EQ(fs::read_symlink(home_ / "reports" / "latest"), fs::path("runs") / previous.filename());
  EXPECT_TRUE(entries(true).empty()) << "a finished run leaves no hidden files";

  // 2. The same run, killed with SIGKILL once its first experiment is saved.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a new run-folder name (seconds resolution)
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execl(exe_.c_str(), "ldbench", "verify", "--profile", "quick", "--threads", "2", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  fs::path progress;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (progress.empty() && std::chrono::steady_clock::now() < deadline) {
    for (const auto& h : entries(true))
      if (h.size() > 9 && h.substr(h.size() - 9) == ".progress" && fs::exists(runs() / h / "experiment-0000.json")) progress = runs() / h;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(progress.empty()) << "the run saved no experiment within 120 s";
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the run ended before the kill; make the last spec slower";
  ASSERT_FALSE(fs::exists(progress / "experiment-0002.json")) << "the kill did not land mid-run";

  // The previous report and reports/latest are intact; no report folder and no temporary report appeared.
  EXPECT_EQ(entries(false), std::vector<std::string>{previous.filename().string()});
  EXPECT_EQ(slurp(previous / "report.json"), previous_json);
  EXPECT_EQ(fs::read_symlink(home_ / "reports" / "latest"), fs::path("runs") / previous.filename());
  EXPECT_EQ(entries(true), std::vector<std::string>{progress.filename().string()}) << "only the progress folder is left";
  for (const auto& f : fs::directory_iterator(progress)) {
    const std::string name = f.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) continue;  // a file being written when killed: never read
    EXPECT_NO_THROW((void)json::parse(slurp(f.path()))) << name << " is not a whole JSON file";
  }

  // 3. Resume: the report equals the uninterrupted one, timings aside; the progress folder is gone.
  const std::string name = progress.filename().string();
  const fs::path target = runs() / name.substr(1, name.size() - 1 - 9);
  const Result resumed = run("verify --resume '" + target.string() + "' --threads 1");
  ASSERT_EQ(resumed.code, 0) << resumed.out << resumed.err;
  ASSERT_TRUE(fs::exists(target / "report.json"));
  const json a = deterministic(target), b = deterministic(previous);
  EXPECT_TRUE(a == b) << "differences (JSON patch from the uninterrupted report): " << json::diff(b, a).dump().substr(0, 2000);
  EXPECT_TRUE(entries(true).empty());
  EXPECT_EQ(fs::read_symlink(home_ / "reports" / "latest"), fs::path("runs") / target.filename());

  // 4. Resuming a finished run, or a folder with no interrupted run, is a one-line error.
  expect_one_line_error(run("verify --resume '" + target.string() + "'"), "--resume: this run is complete");
  expect_one_line_error(run("verify --resume '" + path("nowhere") + "'"), "--resume: no interrupted run of this folder");
}

TEST_F(ResumeTest, ResumeRefusesAChangedSpecAndOutRefusesAPendingRun) {
  // A pending run of ./out: its progress folder, as a killed run leaves it (state only).
  const Result r = run("run '" + (home_ / "experiments" / "specs" / "ou_kl_gaussian_d1.json").string() + "' --profile quick --out '" +
                       path("done") + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path pending = dir_ / ".out.progress";
  fs::create_directories(pending);
  const std::string spec = (home_ / "experiments" / "specs" / "ou_kl_gaussian_d1.json").string();
  json spec_doc = json::parse(slurp(spec));
  // The state a run of `spec` begins with (the digest is of the spec's JSON as it was).
  std::ofstream(pending / "state.json") << json{{"command", "ldbench run x"},
                                                {"profile", "quick"},
                                                {"seed", nullptr},
                                                {"mutants", false},
                                                {"calibrate", 0},
                                                {"files", {spec}},
                                                {"shown", {"ou_kl_gaussian_d1.json"}},
                                                {"digests", {"0000000000000000"}}}
                                               .dump();
  expect_one_line_error(run("verify --resume '" + path("out") + "'"), "--resume: the spec changed since the interrupted run began");
  expect_one_line_error(run("run '" + spec + "' --profile quick --out '" + path("out") + "'"), "--out: an interrupted run of this folder is pending");
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

}  // namespace
}  // namespace test_resume
