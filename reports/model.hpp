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

// The kill matrix of `ldbench verify --mutants` (DESIGN.md §4 item 4): every mutant of the catalogue
// run against every spec whose kind can select it, and which checks caught it. A mutant is killed
// when at least one of its runs fails a check or ends in a detected numerical error; a mutant that no
// run kills is a survivor, and a survivor fails the report.
struct MutantRun {
  std::string mutant;        // catalogue id
  std::string experiment;    // spec name
  nlohmann::json patch;      // the params merge patch that selected the mutant
  std::string outcome;       // "killed", "error" (killed by a detected numerical error), "survived", "not_applicable"
  std::string note;          // the error, or why the spec cannot select the mutant
  std::vector<verify::CheckResult> checks;  // the mutated run's checks (empty unless it ran)
  double seconds = 0;                       // timing
  bool killed() const { return outcome == "killed" || outcome == "error"; }
};

struct MutantEntry {
  std::string id, family, description;
  std::vector<std::string> killed_by;  // "<experiment>/<check>" (or "<experiment>/error")
  int applied = 0;                     // runs where a spec could select it
  bool killed() const { return !killed_by.empty(); }
};

struct KillMatrix {
  std::vector<MutantEntry> mutants;
  std::vector<MutantRun> runs;
  int survivors() const;
};

// The seed calibration of `ldbench verify --calibrate K` (DESIGN.md §4): every check of the catalogue
// rerun with K seeds; its observed false-fail rate against the declared alpha. All runs are of
// correct code, so every failure is a false fail. A row is consistent when the binomial p-value
// P(X >= failures | K, alpha) is at least level / rows (Bonferroni over rows); a deterministic
// check (alpha 0) and an experiment that ends in error (row check "(error)") must never fail.
struct CalibrationRow {
  std::string experiment, check;
  double alpha = 0;  // declared false-fail budget (0: deterministic)
  int runs = 0, failures = 0;
  double rate_lo = 0, rate_hi = 0;  // Clopper–Pearson interval of level 1 - level
  double p_value = 1;               // P(X >= failures) for X ~ Binomial(runs, alpha)
  bool consistent = true;
};

struct Calibration {
  int seeds = 0;
  std::uint32_t first_seed = 0;  // seeds first_seed .. first_seed + seeds - 1 override every spec's seed
  double level = 0.05;           // family-wise level over the rows
  std::vector<CalibrationRow> rows;
  int inconsistent() const;
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
  std::optional<KillMatrix> kill_matrix;  // set by `ldbench verify --mutants`
  std::optional<Calibration> calibration;  // set by `ldbench verify --calibrate K`

  // Every experiment passed, (with a kill matrix) no mutant survived and (with a calibration) every
  // check's false-fail rate is consistent with its alpha.
  bool passed() const;
  int checks_total() const;
  int checks_failed() const;
  double alpha_total() const;  // sum of the checks' false-fail budgets
};

// The conventions of DESIGN.md §2, recorded in every report.
nlohmann::json conventions();

}  // namespace ldbench::reports
