// Spec validation: every malformed input gives one line "<file>: <json path>: <what>; <allowed>"
// naming the offending value, and valid specs resolve profiles and defaults as documented.
#include <gtest/gtest.h>

#include "experiments/registry.hpp"

namespace test_spec {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::experiments;
using nlohmann::json;

const char* kValid = R"({
  "name": "ok", "kind": "ou_kl_decay", "seed": 1, "replicas": 4,
  "params": {"dim": 1, "start": {"weights": [1], "means": [1.0], "variances": [0.5]},
             "particles": 100, "t_end": 1.0, "step": 0.01},
  "profiles": {"quick": {"replicas": 2, "params": {"particles": 50}}}
})";

Prepared prepare(const json& doc, const std::string& profile = "full") {
  KindRegistry reg;
  register_builtin_kinds(reg);
  return prepare_spec(reg, doc, "spec.json", profile, std::nullopt);
}

std::string error_of(const json& doc, const std::string& profile = "full") {
  try {
    prepare(doc, profile);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(no error)";
}

json patched(const json& patch) {
  json doc = json::parse(kValid);
  doc.merge_patch(patch);
  return doc;
}

struct Case {
  const char* patch;    // RFC 7386 merge patch applied to kValid
  const char* message;  // the whole expected message after "spec.json: "
};

class Malformed : public ::testing::TestWithParam<Case> {};

// "{kinds}" in a message stands for the registered kinds, comma-separated, in registry order.
std::string expand_kinds(std::string m) {
  const auto at = m.find("{kinds}");
  if (at == std::string::npos) return m;
  KindRegistry reg;
  register_builtin_kinds(reg);
  std::string names;
  for (const auto& n : reg.names()) names += (names.empty() ? "" : ", ") + n;
  return m.replace(at, 7, names);
}

TEST_P(Malformed, GivesOneLineErrorNamingThePath) {
  const auto& c = GetParam();
  const std::string msg = error_of(patched(json::parse(c.patch)));
  EXPECT_EQ(msg, std::string("spec.json: ") + expand_kinds(c.message));
  EXPECT_EQ(msg.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Table, Malformed,
    ::testing::Values(
        Case{R"({"colour": 1})", "/colour: unknown field \"colour\"; allowed fields: name, kind, description, seed, replicas, params, checks, profiles"},
        Case{R"({"name": "Bad Name"})", "/name: \"Bad Name\" is not a valid name; use 1-64 characters from [a-z0-9_]"},
        Case{R"({"name": 3})", "/name: is a number; expected a string"},
        Case{R"({"kind": "nope"})", "/kind: unknown kind \"nope\"; allowed: {kinds}"},
        Case{R"({"seed": -1})", "/seed: -1 is out of range; allowed: integers in [0, 4294967295]"},
        Case{R"({"seed": 4294967296})", "/seed: 4294967296 is out of range; allowed: integers in [0, 4294967295]"},
        Case{R"({"seed": 1.5})", "/seed: 1.5 is not an integer; allowed: integers in [0, 4294967295]"},
        Case{R"({"replicas": 1})", "/replicas: 1 is out of range; allowed: integers in [2, 10000]"},
        Case{R"({"replicas": "ten"})", "/replicas: is a string; expected an integer; allowed: integers in [2, 10000]"},
        Case{R"({"params": {"dim": 0}})", "/params/dim: 0 is out of range; allowed: integers in [1, 1000]"},
        Case{R"({"params": {"particles": 1e12}})", "/params/particles: 1e+12 is not an integer; allowed: integers in [16, 100000000]"},
        Case{R"({"params": {"dim": 1000, "particles": 100000000, "start": {"means": [1.0]}}})",
             "/params/particles: particles x dim needs 2235.17 GiB; keep particles x dim x 24 bytes <= 8 GiB"},
        Case{R"({"params": {"lambda": 0}})", "/params/lambda: 0 is out of range; allowed: (0, 1e+06]"},
        Case{R"({"params": {"a": -1}})", "/params/a: -1 is out of range; allowed: (0, 1e+06]"},
        Case{R"({"params": {"step": 2.5, "t_end": 5}})", "/params/step: step 2.5 is over the stability limit 2/a = 2; use a step < 2/a"},
        Case{R"({"params": {"step": 0.3}})", "/params/step: step 0.3 does not divide t_end = 1; choose t_end / step integral"},
        Case{R"({"params": {"record_every": 7}})", "/params/record_every: 7 does not divide the 100 steps; choose a divisor of t_end / step"},
        Case{R"({"params": {"estimator": "knn"}})", "/params/estimator: unknown value \"knn\"; allowed: gaussian_fit_kl, histogram_kl"},
        Case{R"({"params": {"dim": 2, "start": {"means": [1.0]}, "estimator": "histogram_kl"}})",
             "/params/estimator: histogram_kl is one-dimensional; use gaussian_fit_kl when dim > 1"},
        Case{R"({"params": {"mutant": "evil"}})", "/params/mutant: unknown value \"evil\"; allowed: none, noise_sqrt_dt, drift_flipped"},
        Case{R"({"params": {"start": {"weights": [0.5]}}})", "/params/start/weights: sums to 0.5; weights must sum to 1"},
        Case{R"({"params": {"start": {"variances": [-1]}}})", "/params/start/variances/0: -1 is out of range; allowed: (0, 1e+06]"},
        Case{R"({"params": {"start": {"means": [[1, 2]]}}})", "/params/start/means/0: has 2 entries; expected 1 to 1"},
        Case{R"({"params": {"start": {"extra": 1}}})", "/params/start/extra: unknown field \"extra\"; allowed fields: weights, means, variances"},
        Case{R"({"params": {"t_end": null}})", "/params/t_end: missing field; add \"t_end\" (see README, spec format)"},
        Case{R"({"params": {"t_end": "1"}})", "/params/t_end: is a string; expected a number"},
        Case{R"({"params": {"steps": [0.1]}})",
             "/params/steps: unknown field \"steps\"; allowed fields: dim, a, lambda, start, particles, mutant, t_end, step, record_every, estimator, fit_floor_factor"},
        Case{R"({"params": 5})", "/params: is a number; expected an object"},
        Case{R"({"checks": {"de_bruijn": {"alpha": 0.1}}})", "/checks/de_bruijn: unknown field \"de_bruijn\"; allowed fields: kl_lsi_bound, kl_rate"},
        Case{R"({"checks": {"kl_rate": {"alpha": 0}}})", "/checks/kl_rate/alpha: 0 is out of range; allowed: (0, 0.5]"},
        Case{R"({"profiles": {"fast": {}}})", "/profiles/fast: unknown field \"fast\"; allowed fields: quick, full"},
        Case{R"({"profiles": {"quick": {"params": {"particles": 3}}}})",
             "/profiles/quick/params/particles: 3 is out of range; allowed: integers in [16, 100000000]"}));

TEST(Spec, ProfileOverrideErrorsPointIntoTheProfile) {
  // The bad value is only seen after merging the quick profile; its path names the profile.
  EXPECT_EQ(error_of(patched(json::parse(R"({"profiles": {"quick": {"params": {"particles": 3}}}})")), "quick"),
            "spec.json: /profiles/quick/params/particles: 3 is out of range; allowed: integers in [16, 100000000]");
}

TEST(Spec, ProfileAndDefaultsResolve) {
  const auto full = prepare(json::parse(kValid), "full");
  EXPECT_EQ(full.header.replicas, 4);
  EXPECT_EQ(full.effective_params["particles"], 100);
  EXPECT_EQ(full.effective_params["record_every"], 10);  // default
  EXPECT_EQ(full.effective_params["estimator"], "gaussian_fit_kl");
  EXPECT_EQ(full.effective_params["mutant"], "none");
  const auto quick = prepare(json::parse(kValid), "quick");
  EXPECT_EQ(quick.header.replicas, 2);
  EXPECT_EQ(quick.effective_params["particles"], 50);
}

TEST(Spec, SeedOverrideApplies) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  const auto p = prepare_spec(reg, json::parse(kValid), "spec.json", "full", 99u);
  EXPECT_EQ(p.header.seed, 99u);
}

TEST(Spec, DuplicateKindIsRejected) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  EXPECT_THROW(register_builtin_kinds(reg), std::invalid_argument);
}

TEST(Spec, FilesThatAreNotSpecs) {
  EXPECT_THROW(read_json_file("/nonexistent/spec.json"), SpecError);
  try {
    read_json_file("/nonexistent/spec.json");
  } catch (const SpecError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/spec.json: /: cannot open the file; check the path");
  }
}

}  // namespace
}  // namespace test_spec
