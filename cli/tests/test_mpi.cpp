// End-to-end MPI tests (issue 7, "MPI"): `mpirun -np K ldbench run SPEC --profile quick` for K = 1, 2, 3 writes
// the same report.json as the run without mpirun, timings aside (reports::deterministic_part drops
// run_environment and the experiments' timing, as the thread-count test in test_cli.cpp), and only rank 0
// writes or prints. Two specs: the shipped mfld_quadratic_d5 (its quick runs have <= 256 particles, one block,
// which every rank runs whole: MPI start-up, the barrier and rank-0-only output), and the same model with 768
// particles (3 blocks: split 256 | 512 over 2 ranks and 256 | 256 | 256 over 3), where every step all-gathers
// the statistic partials and the particles. Negative test (issue 7, verification 4): the mutant
// rng_key_per_rank (noise keyed by the index within a rank's shard) is the correct run on one rank and is
// rejected on 3 ranks by law_matches_exact (the copies of each noise stream triple the particle mean's
// variance). Skipped, with a message, in builds without MPI. About 30 s on 2 loaded cores (mpirun start-up
// dominates).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli/tests/cli_test_support.hpp"
#include "reports/json.hpp"

namespace {

using namespace ldbench::cli_test;

// mfld_quadratic_d5's model at 768 particles, 32 replicas and 30 steps (small enough for an oversubscribed
// 3-rank run: 2 all-gathers per step), quick profile = the spec itself.
std::string sharded_spec(const std::string& mutant) {
  return R"({
  "name": "mfld_quadratic_d5_sharded", "kind": "mfld_quadratic", "seed": 20261401, "replicas": 32,
  "params": {"dim": 5, "c": 4.0, "b": 1.0, "lambda1": 1.0, "lambda2": 1.0, "start": {"mean": 0.0, "variance": 4.0},
             "eta": 0.05, "particles": 768, "steps": 30, "record_steps": [0, 2, 5, 10, 20, 30], "fit_floor_factor": 10,
             "chaos": {"particles": [8, 16, 32, 64], "steps": 400}, "mutant": ")" +
         mutant + R"("}
})";
}

class Mpi : public CliFixture {
 protected:
  void SetUp() override {
#ifndef LDBENCH_HAVE_MPI
    GTEST_SKIP() << "this build has no MPI (Meson feature `mpi` disabled or OpenMPI not found); install libopenmpi-dev and "
                    "openmpi-bin and reconfigure to run the MPI tests";
#endif
    CliFixture::SetUp();
    mpirun_ = env("LDBENCH_MPIRUN");
    if (mpirun_.empty()) GTEST_SKIP() << "mpirun not found (LDBENCH_MPIRUN is empty); apt-get install openmpi-bin";
  }
  // `mpirun -np K ldbench <args>`; as root OpenMPI needs the two ALLOW_RUN_AS_ROOT variables, and 3 ranks on
  // 2 cores need --oversubscribe.
  Result mpirun(int K, const std::string& args) {
    // Under a sanitizer build LeakSanitizer would report OpenMPI's own allocations at exit: leak checks off there.
    return run_prefixed("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" '" +
                            mpirun_ + "' --oversubscribe -np " +
                            std::to_string(K) + " ",
                        args);
  }
  Result run_prefixed(const std::string& prefix, const std::string& args) {
    const std::string cmd = prefix + "'" + exe_ + "' " + args + " > '" + (dir_ / "stdout").string() + "' 2> '" + (dir_ / "stderr").string() + "'";
    const int st = std::system(cmd.c_str());
    return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(dir_ / "stdout"), slurp(dir_ / "stderr")};
  }
  static std::string deterministic(const fs::path& report_dir) {
    return ldbench::reports::deterministic_part(nlohmann::json::parse(slurp(report_dir / "report.json"))).dump(2);
  }
  // Runs `spec` without mpirun and under mpirun -np 1, 2, 3; every report equals the first (timings aside).
  void expect_same_reports(const std::string& spec, const std::string& tag, int expected_code);
  std::string mpirun_;
};

void Mpi::expect_same_reports(const std::string& spec, const std::string& tag, int expected_code) {
  const std::string common = " --profile quick --threads 1 --out ";
  const auto r0 = run_prefixed("", "run '" + spec + "'" + common + path(tag + "_plain"));
  ASSERT_EQ(r0.code, expected_code) << r0.out << r0.err;
  const std::string ref = deterministic(path(tag + "_plain"));
  for (int K : {1, 2, 3}) {
    const std::string out = path(tag + "_np" + std::to_string(K));
    const auto r = mpirun(K, "run '" + spec + "'" + common + out);
    EXPECT_EQ(r.code, expected_code) << "np " << K << ": " << r.err;
    ASSERT_TRUE(fs::exists(fs::path(out) / "report.json")) << "np " << K << ": " << r.err;
    EXPECT_EQ(deterministic(out), ref) << "np " << K;
    // Only rank 0 printed: one summary, the same check lines as without mpirun.
    const auto checks = [](const std::string& o) { return o.substr(0, o.rfind(" passed, ")); };
    EXPECT_EQ(checks(r.out), checks(r0.out)) << "np " << K;
    EXPECT_EQ(r.out.find("report: "), r.out.rfind("report: ")) << r.out;
    EXPECT_EQ(r.err, "") << "np " << K;
  }
}

TEST_F(Mpi, ShippedSpecGivesTheSameReportForOneTwoAndThreeRanks) {
  const std::string spec = (fs::path(env("LDBENCH_HOME")) / "experiments" / "specs" / "mfld_quadratic_d5.json").string();
  expect_same_reports(spec, "shipped", 0);
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 6);  // 4 report folders, stdout, stderr
}

TEST_F(Mpi, SplitParticlesGiveTheSameReportForOneTwoAndThreeRanks) {
  expect_same_reports(write("sharded.json", sharded_spec("none")).string(), "split", 0);
}

TEST_F(Mpi, RngKeyPerRankMutantIsRejectedOnThreeRanks) {
  const std::string spec = write("mutant.json", sharded_spec("rng_key_per_rank")).string();
  const std::string common = " --profile quick --threads 1 --out ";
  // One process: the shard is the whole run, local index = global index: the correct run, every check passes.
  const auto r0 = run_prefixed("", "run '" + spec + "'" + common + path("plain"));
  ASSERT_EQ(r0.code, 0) << r0.out << r0.err;
  const auto r3 = mpirun(3, "run '" + spec + "'" + common + path("np3"));
  EXPECT_EQ(r3.code, 1) << r3.out << r3.err;
  EXPECT_NE(deterministic(path("np3")), deterministic(path("plain")));
  EXPECT_NE(r3.out.find("FAIL  mfld_quadratic_d5_sharded / law_matches_exact"), std::string::npos) << r3.out;
  const auto j = nlohmann::json::parse(slurp(fs::path(path("np3")) / "report.json"));
  for (const auto& c : j["experiments"][0]["checks"])
    if (c["id"] == "law_matches_exact") {
      EXPECT_GT(c["measured"].get<double>(), c["bound"].get<double>());
      EXPECT_NE(c["detail"].get<std::string>().find("worst: particle-mean variance test"), std::string::npos) << c["detail"];
    }
}

}  // namespace
