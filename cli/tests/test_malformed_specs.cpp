// A table of malformed specs fed to `ldbench run`: every one must be refused before anything runs,
// with exit code 2, exactly one line on stderr that names the offending field (its JSON path) or
// the file, nothing on stdout, and no file or folder written (no report, no temporary).
//
// The table covers the failure classes a spec file meets in practice: not JSON at all (empty,
// binary junk, invalid UTF-8, literals JSON does not have: NaN, Infinity, numbers beyond double
// range), the wrong top-level shape, missing and unknown fields, wrong types, out-of-range and
// non-integer numbers, sizes that would exhaust memory or time, inconsistent start laws, unknown
// names (kind, estimator, check, profile), and hostile strings (a newline inside a quoted value,
// a megabyte-long name), which must not break the one-line rule.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/tests/cli_test_support.hpp"
#include "reports/json.hpp"

namespace {

using namespace ldbench::cli_test;
using json = nlohmann::json;

class MalformedSpecs : public CliFixture {};

// A valid small spec; each case edits one thing.
json base() {
  return json::parse(R"({"name": "x", "kind": "ou_kl_decay", "seed": 1, "replicas": 3,
    "params": {"dim": 1, "start": {"weights": [1], "means": [1], "variances": [1]},
               "particles": 100, "t_end": 1, "step": 0.1}})");
}

std::string edited(const std::function<void(json&)>& f) {
  json j = base();
  f(j);
  return j.dump();
}

std::string replaced(const std::string& from, const std::string& to) {
  std::string s = base().dump();
  const auto p = s.find(from);
  if (p == std::string::npos) throw std::logic_error("replaced: pattern not in the base spec: " + from);
  return s.replace(p, from.size(), to);
}

struct Case {
  std::string name;   // also the file name
  std::string text;   // the spec file's bytes
  std::string needle;  // must appear in the one-line error (the field's path or the diagnosis)
};

std::vector<Case> cases() {
  std::vector<Case> c;
  // Not JSON, or not a JSON object.
  c.push_back({"empty", "", "/: the file is empty"});
  c.push_back({"blank", " \n\t \n", "/: the file is empty"});
  c.push_back({"binary_junk", std::string("\x00\xff\xfe\x01junk\x80\x7f", 10), "/: not valid JSON"});
  c.push_back({"invalid_utf8", replaced("\"x\"", "\"x\xff\xfe\""), "/: not valid JSON"});
  c.push_back({"truncated", base().dump().substr(0, 40), "/: not valid JSON"});
  c.push_back({"trailing_garbage", base().dump() + " }", "/: not valid JSON"});
  c.push_back({"nan_literal", replaced("\"t_end\":1", "\"t_end\":NaN"), "/: not valid JSON"});
  c.push_back({"infinity_literal", replaced("\"t_end\":1", "\"t_end\":Infinity"), "/: not valid JSON"});
  c.push_back({"number_overflow", replaced("\"t_end\":1", "\"t_end\":1e400"), "numbers must be finite"});
  c.push_back({"top_level_array", "[]", "/: is an array; expected an object"});
  c.push_back({"top_level_number", "42", "/: is a number; expected an object"});
  c.push_back({"deep_nesting", std::string(100000, '[') + std::string(100000, ']'), "/: is an array"});
  // Found by the fuzzer (experiments/fuzz): deep nesting INSIDE params used to overflow the stack when
  // the document was copied (SIGSEGV, exit 139); nesting is now bounded while parsing.
  c.push_back({"deep_nesting_in_params",
               R"({"name":"x","kind":"ou_kl_decay","seed":1,"replicas":2,"params":{"x":)" + std::string(100000, '[') +
                   std::string(100000, ']') + "}}",
               "nested more than 64 levels deep"});
  // Header fields.
  c.push_back({"missing_kind", edited([](json& j) { j.erase("kind"); }), "/kind: missing field"});
  c.push_back({"unknown_kind", edited([](json& j) { j["kind"] = "nope"; }), "/kind: unknown kind \"nope\""});
  c.push_back({"kind_is_number", edited([](json& j) { j["kind"] = 7; }), "/kind: is a number"});
  c.push_back({"missing_name", edited([](json& j) { j.erase("name"); }), "/name: missing field"});
  c.push_back({"name_with_path", edited([](json& j) { j["name"] = "../etc/x"; }), "/name: \"../etc/x\" is not a valid name"});
  c.push_back({"name_megabyte", edited([](json& j) { j["name"] = std::string(1 << 20, 'a'); }), "(1048576 characters) is not a valid name"});
  c.push_back({"kind_with_newline", edited([](json& j) { j["kind"] = "ou\nkl"; }), "/kind: unknown kind"});
  c.push_back({"seed_negative", edited([](json& j) { j["seed"] = -1; }), "/seed: -1 is out of range"});
  c.push_back({"seed_string", edited([](json& j) { j["seed"] = "1"; }), "/seed: is a string"});
  c.push_back({"seed_fractional", edited([](json& j) { j["seed"] = 1.5; }), "/seed: 1.5 is not an integer"});
  c.push_back({"seed_beyond_32_bits", edited([](json& j) { j["seed"] = 1099511627776LL; }), "/seed: 1099511627776 is out of range"});
  c.push_back({"replicas_zero", edited([](json& j) { j["replicas"] = 0; }), "/replicas: 0 is out of range"});
  c.push_back({"replicas_huge", edited([](json& j) { j["replicas"] = 1000000000000LL; }), "/replicas: 1000000000000 is out of range"});
  c.push_back({"unknown_top_field", edited([](json& j) { j["foo"] = 1; }), "/foo: unknown field \"foo\""});
  c.push_back({"description_number", edited([](json& j) { j["description"] = 5; }), "/description: is a number"});
  // Params.
  c.push_back({"params_array", edited([](json& j) { j["params"] = json::array({1, 2}); }), "/params: is an array"});
  c.push_back({"unknown_param", edited([](json& j) { j["params"]["foo"] = 1; }), "/params/foo: unknown field"});
  c.push_back({"particles_negative", edited([](json& j) { j["params"]["particles"] = -5; }), "/params/particles: -5 is out of range"});
  c.push_back({"particles_exhaust_memory", edited([](json& j) { j["params"]["particles"] = 1000000000000000LL; }),
               "/params/particles: 1000000000000000 is out of range"});
  c.push_back({"particles_boolean", edited([](json& j) { j["params"]["particles"] = true; }), "/params/particles: is a boolean"});
  c.push_back({"dim_zero", edited([](json& j) { j["params"]["dim"] = 0; }), "/params/dim: 0 is out of range"});
  c.push_back({"dim_huge", edited([](json& j) { j["params"]["dim"] = 1000000000; }), "/params/dim: 1000000000 is out of range"});
  c.push_back({"t_end_negative", edited([](json& j) { j["params"]["t_end"] = -1; }), "/params/t_end: -1 is out of range"});
  c.push_back({"step_zero", edited([](json& j) { j["params"]["step"] = 0; }), "/params/step: 0 is out of range"});
  c.push_back({"step_unstable", edited([](json& j) { j["params"]["step"] = 5; }), "/params/step: step 5 is over the stability limit"});
  c.push_back({"weights_not_normalised", edited([](json& j) { j["params"]["start"]["weights"] = {0.5}; }),
               "/params/start/weights: sums to 0.5"});
  c.push_back({"variance_negative", edited([](json& j) { j["params"]["start"]["variances"] = {-1}; }),
               "/params/start/variances/0: -1 is out of range"});
  c.push_back({"means_length_mismatch", edited([](json& j) { j["params"]["start"]["means"] = {1, 2}; }), "/params/start/means:"});
  c.push_back({"unknown_estimator", edited([](json& j) { j["params"]["estimator"] = "nope"; }), "/params/estimator: unknown value \"nope\""});
  // Checks and profiles.
  c.push_back({"unknown_check", edited([](json& j) { j["checks"] = {{"nope", {{"alpha", 1e-6}}}}; }), "/checks/nope: unknown field"});
  c.push_back({"alpha_zero", edited([](json& j) { j["checks"] = {{"kl_lsi_bound", {{"alpha", 0}}}}; }), "/checks/kl_lsi_bound/alpha: 0 is out of range"});
  c.push_back({"alpha_above_one", edited([](json& j) { j["checks"] = {{"kl_lsi_bound", {{"alpha", 2}}}}; }), "/checks/kl_lsi_bound/alpha: 2 is out of range"});
  c.push_back({"profile_param_wrong_type", edited([](json& j) { j["profiles"] = {{"quick", {{"params", {{"particles", "many"}}}}}}; }),
               "/profiles/quick/params/particles: is a string"});
  c.push_back({"unknown_profile", edited([](json& j) { j["profiles"] = {{"slow", {{"replicas", 2}}}}; }), "/profiles/slow: unknown field"});
  c.push_back({"profiles_not_object", edited([](json& j) { j["profiles"] = 3; }), "/profiles: is a number"});
  return c;
}

TEST_F(MalformedSpecs, EveryCaseIsOneLineExit2AndWritesNothing) {
  const std::vector<Case> table = cases();
  ASSERT_GE(table.size(), 30u);
  for (const Case& k : table) {
    SCOPED_TRACE(k.name);
    const auto spec = write(k.name + ".json", k.text);
    const auto out = dir_ / ("out_" + k.name);
    const Result r = run("run '" + spec.string() + "' --out '" + out.string() + "'");
    expect_one_line_error(r, k.needle);
    EXPECT_EQ(r.err.rfind("error: " + spec.string() + ": ", 0), 0u) << "the error must start with the file: " << r.err.substr(0, 200);
    EXPECT_LT(r.err.size(), 1400u) << "the error line must stay bounded";
    EXPECT_FALSE(fs::exists(out));
    fs::remove(spec);
    // Only the captured stdout/stderr remain: no report, no temporary.
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string f = e.path().filename().string();
      EXPECT_TRUE(f == "stdout" || f == "stderr") << "unexpected file " << f;
    }
  }
}

}  // namespace
