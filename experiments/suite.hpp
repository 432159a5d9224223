// Running a list of specs into a report: every spec is read and validated before anything runs,
// so bad input never produces a partial report (DESIGN.md §6).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "experiments/registry.hpp"
#include "reports/model.hpp"

namespace ldbench::experiments {

struct SuiteOptions {
  std::string profile = "full";
  std::optional<std::uint32_t> seed;  // overrides every spec's seed
  int threads = 0;
  // Progress: (experiment index, experiments, name, replicas done, replicas total).
  std::function<void(int, int, const std::string&, int, int)> progress;
  // Resuming (experiments/checkpoint.hpp): experiments already finished, by index, are reported as
  // they are instead of being run again; on_done is called with every experiment run now.
  std::map<int, reports::Experiment> finished;
  std::function<void(int, const reports::Experiment&)> on_done;
};

// The shipped catalogue folder: $LDBENCH_HOME/experiments/specs, else the source tree's.
std::string catalogue_dir();
// The *.json files of a folder, sorted by name.
std::vector<std::string> catalogue_files(const std::string& dir);

// Reads and validates every file (SpecError on the first problem). Rejects duplicate names.
// `shown` (empty, or one per file) is the name each file goes by in errors and reports, e.g. the
// path relative to the ldbench home; the files themselves are opened by their given path.
std::vector<Prepared> load_specs(const KindRegistry& reg, const std::vector<std::string>& files,
                                 const SuiteOptions& opt, const std::vector<std::string>& shown = {});

// Runs prepared experiments in order. Numerical failures become status "error" in the report.
reports::Report run_suite(const std::vector<Prepared>& specs, const SuiteOptions& opt);

}  // namespace ldbench::experiments
