// Experiment specs (DESIGN.md §6): JSON files that say which driver runs (`kind`), with which
// parameters, seed, replicas and per-check false-fail budgets, plus per-profile overrides.
//
//   {
//     "name": "ou_kl_gaussian_d1",              [a-z0-9_]+, unique in a run
//     "kind": "ou_kl_decay",                    a registered kind (experiments/registry.hpp)
//     "description": "...",                     optional
//     "seed": 20261128,                         0 .. 4294967295
//     "replicas": 10,                           2 .. 10000
//     "params": { ... },                        validated by the kind
//     "checks": { "kl_rate": { "alpha": 5e-6 } },   optional; stochastic checks of the kind only
//     "profiles": { "quick": { "replicas": 4, "params": { "particles": 2000 } } }
//   }
//
// A profile's "params" are merged into "params" (RFC 7386 merge patch); "full" is the spec as
// written unless it has its own override. Every error is one line
//   <file>: <json path>: <what is wrong>; <what is allowed>
// with the JSON path pointing at the offending value (inside the profile when it came from there).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ldbench::experiments {

class SpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline const std::vector<std::string>& profile_names() {
  static const std::vector<std::string> names = {"quick", "full"};
  return names;
}

// A JSON value with its location, for validation with precise one-line errors.
class Node {
 public:
  Node(const nlohmann::json& value, std::string file, std::string path = "",
       const nlohmann::json* override_value = nullptr, std::string override_path = "");

  const nlohmann::json& raw() const { return *value_; }
  std::string path() const;  // JSON pointer, "/" for the root
  [[noreturn]] void fail(const std::string& what, const std::string& allowed) const;

  bool has(const std::string& key) const;
  Node at(const std::string& key) const;  // fails "missing field" when absent
  Node operator[](std::size_t i) const;
  std::size_t size() const;

  // Fails unless an object whose keys are all in `allowed`.
  void object_with(const std::vector<std::string>& allowed) const;
  double number(double lo, double hi, bool lo_open = false) const;  // finite, in [lo, hi] (or (lo, hi])
  long long integer(long long lo, long long hi) const;
  std::string string() const;
  std::string one_of(const std::vector<std::string>& allowed) const;
  std::vector<double> numbers(std::size_t min_size, std::size_t max_size, double lo, double hi, bool lo_open) const;

  // Optional fields with defaults.
  double number_or(const std::string& key, double dflt, double lo, double hi, bool lo_open = false) const;
  long long integer_or(const std::string& key, long long dflt, long long lo, long long hi) const;
  std::string one_of_or(const std::string& key, const std::string& dflt, const std::vector<std::string>& allowed) const;

 private:
  const nlohmann::json* value_;
  std::string file_, path_;
  const nlohmann::json* override_;  // the profile's override of this value, if any
  std::string override_path_;
};

struct SpecHeader {
  std::string file;
  std::string name, kind, description;
  std::uint32_t seed = 0;
  int replicas = 0;
  std::string profile;
};

// Reads and parses a JSON file; SpecError on a missing file or invalid JSON.
nlohmann::json read_json_file(const std::string& file);

// Validates the top level, applies the profile and the seed override. Returns the header and
// a Node over the merged params (paths point into the profile where values came from there).
struct ParsedSpec {
  SpecHeader header;
  nlohmann::json merged_params;
  nlohmann::json params_override;  // the profile's params override (may be null)
};
ParsedSpec parse_spec(const nlohmann::json& doc, const std::string& file, const std::string& profile,
                      std::optional<std::uint32_t> seed_override);

// A Node over ParsedSpec::merged_params with profile-aware paths.
Node params_node(const ParsedSpec& p);

}  // namespace ldbench::experiments
