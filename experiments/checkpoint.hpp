// Crash-safe progress of a run, for `ldbench verify --resume DIR` (DESIGN.md §6; issue "trust").
//
// A run that will write its report to DIR keeps its progress in the hidden sibling folder
// ".DIR.progress" (never inside DIR, which appears only when the whole report is written, in one
// rename: reports/writer.hpp):
//   state.json           what was asked: command, profile, seed override, mutants, the spec files
//                        (absolute paths) and a digest of each spec's JSON;
//   experiment-<i>.json  experiment i, written (temporary file + rename) as soon as it finishes.
// A run killed at any instant (SIGKILL included) therefore leaves the previous reports and
// reports/latest untouched, no DIR, and in .DIR.progress only whole files. Resuming re-reads the
// state, refuses if a spec changed since (its digest differs), takes the finished experiments as
// they are and runs the rest; experiments are independent and seeded by their spec, so the final
// report equals an uninterrupted run's except for timings. The progress folder is removed once the
// report is written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/model.hpp"

namespace ldbench::experiments {

struct RunState {
  std::string command;  // as recorded in the report
  std::string profile;
  std::optional<std::uint32_t> seed;
  bool mutants = false;
  int calibrate = 0;  // seeds of --calibrate (0: none)
  std::vector<std::string> files;    // absolute paths
  std::vector<std::string> shown;    // the names the report uses
  std::vector<std::string> digests;  // FNV-1a 64 of each spec's JSON (hex)
};

// ".<name>.progress" next to the report folder.
std::filesystem::path progress_dir(const std::filesystem::path& report_dir);

// Digest of a spec file's JSON content (formatting-independent). Throws SpecError like read_json_file.
std::string spec_digest(const std::string& file);

// Creates the progress folder and writes state.json. Throws SpecError naming --out when an
// interrupted run of the same folder is pending (resume it or remove the folder).
void begin_progress(const std::filesystem::path& report_dir, const RunState& state);

// Reads state.json and the finished experiments. Throws SpecError ("--resume: ...") when DIR is
// already a finished report, has no progress folder, or a spec changed since the run began.
RunState read_progress(const std::filesystem::path& report_dir);
std::map<int, reports::Experiment> finished_experiments(const std::filesystem::path& report_dir, std::size_t count);

// Saves experiment i (atomically).
void save_experiment(const std::filesystem::path& report_dir, int i, const reports::Experiment& e);

// Removes the progress folder and temporary report folders a killed writer left (".<name>.tmp-*").
void end_progress(const std::filesystem::path& report_dir);

}  // namespace ldbench::experiments
