// The theory calculator behind `ldbench theory list` and `ldbench theory eval NAME --args JSON`:
// a registry that maps a name to a closed form of theory/, with its formula, source and
// arguments, so a researcher can ask what the theory predicts for given parameters.
//
// Arguments are a JSON object validated like specs (experiments/spec.hpp): an unknown field, a
// wrong type or an out-of-range value is one line "<where>: <json path>: <what>; <allowed>"
// (SpecError); a value theory/ refuses (non-SPD covariance, step over the stability limit,
// dimension mismatch) is reported with theory's own message, which names the argument.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiments/spec.hpp"

namespace ldbench::experiments {

struct TheoryEntry {
  std::string name;     // "group.function", e.g. "gaussian.kl"
  std::string formula;  // the closed form, as in the header
  std::string source;   // notes slide / paper / DESIGN.md section
  std::string args;     // the arguments, with units and defaults
  std::function<nlohmann::json(const Node& args)> eval;  // throws SpecError / std::invalid_argument
};

class TheoryCalculator {
 public:
  TheoryCalculator();  // registers the built-in entries
  void add(TheoryEntry e);  // std::invalid_argument on a duplicate name
  const std::map<std::string, TheoryEntry>& entries() const { return entries_; }

  // {"name", "value", "formula", "source", "args"}; SpecError for bad arguments (including the
  // ones theory/ rejects, prefixed with `where`) or an unknown name.
  nlohmann::json eval(const std::string& name, const nlohmann::json& args, const std::string& where) const;

 private:
  std::map<std::string, TheoryEntry> entries_;
};

}  // namespace ldbench::experiments
