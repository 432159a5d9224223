// The registry of experiment kinds: a name maps to a driver that validates a spec's params and
// returns a runnable experiment. Built-in kinds are added by register_builtin_kinds(); a user's
// code adds its own with KindRegistry::add (plugins, issue "estimators registry").
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "experiments/spec.hpp"
#include "reports/model.hpp"

namespace ldbench::experiments {

struct RunContext {
  int threads = 0;                           // 0: OpenMP default
  std::function<void(int, int)> progress;    // (replicas done, replicas total)
};

struct CheckInfo {
  std::string id;
  bool stochastic = true;        // has a false-fail budget alpha
  double default_alpha = 5e-6;   // used when the spec does not set one
};

// A validated experiment, ready to run. run() never throws for numerical trouble: it reports
// status "error" in the Experiment instead.
struct Prepared {
  SpecHeader header;
  nlohmann::json effective_params;  // every parameter, defaults included
  std::function<reports::Experiment(const RunContext&)> run;
};

struct Kind {
  std::string name;
  std::string summary;
  std::vector<CheckInfo> checks;
  // Validates params (throwing SpecError with the JSON path) and binds them into a closure.
  // `alpha` maps each stochastic check id to its false-fail budget.
  std::function<Prepared(const ParsedSpec& spec, const std::map<std::string, double>& alpha)> prepare;
};

class KindRegistry {
 public:
  // Throws std::invalid_argument on a duplicate name.
  void add(Kind k);
  const Kind* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Kind> kinds_;
};

void register_builtin_kinds(KindRegistry& r);

// Validates a spec document end to end (top level, profile, kind, checks, params).
Prepared prepare_spec(const KindRegistry& reg, const nlohmann::json& doc, const std::string& file,
                      const std::string& profile, std::optional<std::uint32_t> seed_override);

}  // namespace ldbench::experiments
