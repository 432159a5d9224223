// The fixture shared by the end-to-end tests of the ldbench executable: each test gets a fresh
// temporary folder, runs the binary named by $LDBENCH_EXE with its stdout and stderr captured,
// and can write input files into the folder.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ldbench::cli_test {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    exe_ = env("LDBENCH_EXE");
    ASSERT_FALSE(exe_.empty()) << "LDBENCH_EXE must name the built ldbench binary";
    dir_ = fs::temp_directory_path() / ("ldbench-cli-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `ldbench <args>` (args are passed to the shell as written).
  Result run(const std::string& args) {
    const std::string cmd = "'" + exe_ + "' " + args + " > '" + (dir_ / "stdout").string() + "' 2> '" +
                            (dir_ / "stderr").string() + "'";
    const int st = std::system(cmd.c_str());
    return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(dir_ / "stdout"), slurp(dir_ / "stderr")};
  }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Exit 2, exactly one line on stderr containing `needle`, nothing on stdout.
  static void expect_one_line_error(const Result& r, const std::string& needle) {
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "stderr: " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }

  std::string exe_;
  fs::path dir_;
};

}  // namespace ldbench::cli_test
