// The report model (DESIGN.md §6): what a verification run found, independent of how it is
// rendered. report.json is this model serialised (reports/json.hpp), report.md and the plots are
// rendered from it (reports/markdown.hpp, reports/plot.hpp), so `ldbench report DIR` can
// re-render any saved run.
//
// Determinism: a run with the same specs, profile and seed produces the same model except for
// Report::run (threads, start time, wall time) and Experiment::seconds; the JSON writer keeps
// exactly these under the keys "run_environment" and "timing".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "verify/check.hpp"

namespace ldbench::reports {

inline constexpr int kSchemaVersion = 1;

// How a series is drawn: measured values with a confidence band, an exact (oracle) curve, a
// theoretical bound, an estimator's noise floor, or a reference slope.
enum class SeriesStyle { measured, exact, bound, floor, reference };
const char* to_string(SeriesStyle s);
SeriesStyle series_style_from_string(const std::string& s);

struct Series {
  std::string label;
  SeriesStyle style = SeriesStyle::measured;
  std::vector<double> x, y;
  std::vector<double> lo, hi;  // confidence band; empty when there is none
};

struct Plot {
  std::string id;  // unique within the experiment; the file is <experiment>-<id>.svg
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  std::vector<Series> series;
};

struct Experiment {
  std::string name, kind, description, spec_file;
  nlohmann::json params;  // effective parameters after the profile's overrides
  std::uint32_t seed = 0;
  int replicas = 0;
  std::string status = "ok";  // "ok" or "error"
  std::string error;          // set when status == "error" (e.g. numerical blow-up)
  std::vector<verify::CheckResult> checks;
  std::vector<Plot> plots;
  nlohmann::json results = nlohmann::json::object();  // further measured figures, named
  double seconds = 0;                                   // timing
  bool passed() const;
};

struct BuildInfo {
  std::string version, compiler, buildtype, flags, git_commit;
};

struct RunEnvironment {
  int threads = 0;
  std::string started_utc;
  double wall_seconds = 0;
};

struct Report {
  int schema_version = kSchemaVersion;
  std::string profile;
  std::optional<std::uint32_t> seed_override;
  std::string command;  // how to reproduce this run
  BuildInfo build;
  RunEnvironment run;
  std::vector<Experiment> experiments;

  bool passed() const;
  int checks_total() const;
  int checks_failed() const;
  double alpha_total() const;  // sum of the checks' false-fail budgets
};

// The conventions of DESIGN.md §2, recorded in every report.
nlohmann::json conventions();

}  // namespace ldbench::reports
