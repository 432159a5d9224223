// Shared helpers of the experiment-kind tests: load a shipped spec, run a spec document in-process
// (one thread, no progress), and assert which checks pass or fail, or which spec error is raised.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "experiments/registry.hpp"
#include "experiments/suite.hpp"

namespace ldbench::experiments::testing {

inline nlohmann::json shipped(const std::string& name) {
  std::ifstream in(catalogue_dir() + "/" + name + ".json");
  EXPECT_TRUE(in.good()) << name;
  return nlohmann::json::parse(in);
}

inline reports::Experiment run(const nlohmann::json& doc, const std::string& profile = "quick") {
  KindRegistry reg;
  register_builtin_kinds(reg);
  return prepare_spec(reg, doc, "t.json", profile, std::nullopt).run(RunContext{1, {}});
}

inline void expect_all_pass(const reports::Experiment& e) {
  ASSERT_EQ(e.status, "ok") << e.error;
  ASSERT_FALSE(e.checks.empty());
  for (const auto& c : e.checks)
    EXPECT_TRUE(c.passed) << e.name << " / " << c.id << ": " << c.measured << " [" << c.measured_lo << ", " << c.measured_hi
                          << "] " << c.detail;
}

// Every check in `must_fail` exists and fails.
inline void expect_fail(const reports::Experiment& e, const std::set<std::string>& must_fail) {
  std::set<std::string> seen;
  for (const auto& c : e.checks)
    if (must_fail.count(c.id)) {
      seen.insert(c.id);
      EXPECT_FALSE(c.passed) << e.name << " / " << c.id << " did not reject the mutant: " << c.measured << " " << c.detail;
    }
  EXPECT_EQ(seen, must_fail) << e.name;
}

inline const verify::CheckResult* find_check(const reports::Experiment& e, const std::string& id) {
  for (const auto& c : e.checks)
    if (c.id == id) return &c;
  return nullptr;
}

// Every check in `must_fail` exists and fails; every check in `must_pass` exists and passes.
inline void expect_checks(const reports::Experiment& e, const std::set<std::string>& must_fail,
                          const std::set<std::string>& must_pass = {}) {
  for (const auto& id : must_fail) {
    const auto* c = find_check(e, id);
    ASSERT_NE(c, nullptr) << e.name << ": no check " << id;
    EXPECT_FALSE(c->passed) << e.name << " / " << id << " did not reject: " << c->measured << " " << c->detail;
  }
  for (const auto& id : must_pass) {
    const auto* c = find_check(e, id);
    ASSERT_NE(c, nullptr) << e.name << ": no check " << id;
    EXPECT_TRUE(c->passed) << e.name << " / " << id << ": " << c->measured << " " << c->detail;
  }
}

// Preparing `doc` raises a one-line SpecError containing `needle` (and `needle2` when given).
inline void expect_spec_error(const nlohmann::json& doc, const std::string& needle, const std::string& needle2 = "") {
  KindRegistry reg;
  register_builtin_kinds(reg);
  try {
    prepare_spec(reg, doc, "t.json", "quick", std::nullopt);
    ADD_FAILURE() << "no error for " << doc.dump();
  } catch (const SpecError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    if (!needle2.empty()) {
      EXPECT_NE(what.find(needle2), std::string::npos) << what;
    }
    EXPECT_EQ(what.find('\n'), std::string::npos) << "not one line: " << what;
  }
}

}  // namespace ldbench::experiments::testing
