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

// A deliberately broken variant of an algorithm, an estimator or a bound (DESIGN.md §4 item 4), in
// the catalogue that `ldbench verify --mutants` runs against every check (experiments/mutants.hpp).
// The code of a mutant lives with what it breaks (lib/langevin Mutant, lib/mfld Mutant, lib/fp
// FpMutant, ...) and a spec parameter selects it; the catalogue entry says which kinds can select it
// and how: `uses` maps a kind to a JSON merge patch (RFC 7386) of a spec's params. A spec that
// rejects the patch (e.g. a MALA-only mutant on a spec without MALA) is "not applicable"; every
// mutant must be applicable to, and killed on, at least one spec of the catalogue.
struct MutantInfo {
  struct Use {
    std::string kind;
    nlohmann::json patch;  // merged into params and into every profile's params override
  };
  std::string id;           // unique, "<family>.<name>", e.g. "langevin.noise_sqrt_eta"
  std::string family;       // what it breaks, e.g. "Langevin samplers (lib/langevin)"
  std::string description;  // one line: the wrong formula
  std::vector<Use> uses;
};

class KindRegistry {
 public:
  // Throws std::invalid_argument on a duplicate name.
  void add(Kind k);
  const Kind* find(const std::string& name) const;
  std::vector<std::string> names() const;

  // Throws std::invalid_argument on a duplicate id, an empty description or no uses. The kinds a
  // mutant names are checked when the kill matrix runs (a plugin may register them later).
  void add_mutant(MutantInfo m);
  const MutantInfo* find_mutant(const std::string& id) const;
  // In the order of registration.
  const std::vector<MutantInfo>& mutants() const { return mutants_; }

 private:
  std::map<std::string, Kind> kinds_;
  std::vector<MutantInfo> mutants_;
};

// The built-in kinds and the built-in mutant catalogue (experiments/mutants.cpp).
void register_builtin_kinds(KindRegistry& r);

// Validates a spec document end to end (top level, profile, kind, checks, params).
Prepared prepare_spec(const KindRegistry& reg, const nlohmann::json& doc, const std::string& file,
                      const std::string& profile, std::optional<std::uint32_t> seed_override);

}  // namespace ldbench::experiments
