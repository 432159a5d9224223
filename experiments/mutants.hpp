// The mutant catalogue and its kill matrix (DESIGN.md §4 item 4; issue "trust").
//
// A verification suite is worth its power to say "this is wrong". Every algorithm, estimator and
// bound of ldbench has deliberately broken variants (one wrong formula each) that a spec parameter
// selects at run time; the catalogue (experiments/mutants.cpp, MutantInfo in registry.hpp) names
// them, says in one line what each gets wrong, and which kinds can select it with which params
// patch. `ldbench verify --mutants` runs every catalogue spec once per mutant its kind can select
// and records, for each run, which checks failed: the kill matrix. A mutant is KILLED when at least
// one run fails a check or stops with a detected numerical error (the suite reports that error, so
// a user would see it); a mutant that no run kills SURVIVES, and a survivor fails the run.
//
// The mutated runs use the same seeds as the catalogue's own runs, so the matrix is reproducible
// bit for bit. A check that fails on a mutant by chance alone does so with probability at most its
// alpha (a few 1e-6): the kill counts are not inflated by noise.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "experiments/registry.hpp"
#include "experiments/suite.hpp"
#include "reports/model.hpp"

namespace ldbench::experiments {

// The built-in catalogue (called by register_builtin_kinds).
void register_builtin_mutants(KindRegistry& r);

// A spec document with `patch` merged (RFC 7386) into its params and into every profile's params
// override, so that the mutant is selected whatever the profile.
nlohmann::json apply_mutant_patch(nlohmann::json doc, const nlohmann::json& patch);

// Runs every mutant of reg's catalogue on every file whose kind it can select (files in order,
// mutants in registration order). `shown` as in load_specs. Throws SpecError when a file cannot be
// read or a mutant names an unregistered kind; a spec that rejects a mutant's patch is recorded as
// not applicable. progress(done, total, "<mutant> on <spec>") is called before each run.
reports::KillMatrix run_kill_matrix(const KindRegistry& reg, const std::vector<std::string>& files,
                                    const std::vector<std::string>& shown, const SuiteOptions& opt,
                                    const std::function<void(int, int, const std::string&)>& progress = {});

}  // namespace ldbench::experiments
