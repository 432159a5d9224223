#include "experiments/checkpoint.hpp"

#include <cstdio>
#include <system_error>

#include "experiments/spec.hpp"
#include "reports/json.hpp"
#include "reports/writer.hpp"

namespace ldbench::experiments {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The folder name without a trailing separator ("runs/x/" names "x").
std::string folder_name(const fs::path& report_dir) {
  fs::path p = report_dir;
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

fs::path parent_of(const fs::path& report_dir) {
  fs::path p = report_dir;
  if (!p.has_filename()) p = p.parent_path();
  return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

fs::path experiment_file(const fs::path& report_dir, int i) {
  char name[32];
  std::snprintf(name, sizeof name, "experiment-%04d.json", i);
  return progress_dir(report_dir) / name;
}

}  // namespace

fs::path progress_dir(const fs::path& report_dir) { return parent_of(report_dir) / ("." + folder_name(report_dir) + ".progress"); }

std::string spec_digest(const std::string& file) {
  const std::string text = read_json_file(file).dump();
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

void begin_progress(const fs::path& report_dir, const RunState& s) {
  const fs::path dir = progress_dir(report_dir);
  if (fs::exists(dir))
    throw SpecError(report_dir.string() + ": --out: an interrupted run of this folder is pending (" + dir.string() +
                    "); continue it with ldbench verify --resume " + report_dir.string() + ", or remove that folder");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw SpecError(dir.string() + ": --out: cannot create the progress folder (" + ec.message() + "); choose a writable --out");
  const json j = {{"command", s.command}, {"profile", s.profile},  {"seed", s.seed ? json(*s.seed) : json(nullptr)},
                  {"mutants", s.mutants}, {"calibrate", s.calibrate}, {"files", s.files},     {"shown", s.shown},
                  {"digests", s.digests}};
  reports::write_file_atomic(dir / "state.json", j.dump(2) + "\n");
}

RunState read_progress(const fs::path& report_dir) {
  const fs::path dir = progress_dir(report_dir);
  if (fs::exists(report_dir / "report.json"))
    throw SpecError(report_dir.string() + ": --resume: this run is complete (report.json exists); nothing to resume");
  if (!fs::exists(dir / "state.json"))
    throw SpecError(report_dir.string() + ": --resume: no interrupted run of this folder (" + dir.string() +
                    "/state.json is missing); give the report folder an interrupted run was writing");
  RunState s;
  try {
    const json j = read_json_file((dir / "state.json").string());
    s.command = j.at("command").get<std::string>();
    s.profile = j.at("profile").get<std::string>();
    if (!j.at("seed").is_null()) s.seed = j.at("seed").get<std::uint32_t>();
    s.mutants = j.at("mutants").get<bool>();
    s.calibrate = j.at("calibrate").get<int>();
    s.files = j.at("files").get<std::vector<std::string>>();
    s.shown = j.at("shown").get<std::vector<std::string>>();
    s.digests = j.at("digests").get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    throw SpecError((dir / "state.json").string() + ": --resume: the progress state is malformed (" + e.what() +
                    "); remove " + dir.string() + " and start the run again");
  }
  if (s.files.size() != s.digests.size() || s.files.size() != s.shown.size())
    throw SpecError((dir / "state.json").string() + ": --resume: the progress state is malformed (file lists differ in length); remove " +
                    dir.string() + " and start the run again");
  for (std::size_t i = 0; i < s.files.size(); ++i)
    if (spec_digest(s.files[i]) != s.digests[i])
      throw SpecError(s.shown[i] + ": --resume: the spec changed since the interrupted run began; its finished experiments would not "
                      "match; remove " + dir.string() + " and start a new run");
  return s;
}

std::map<int, reports::Experiment> finished_experiments(const fs::path& report_dir, std::size_t count) {
  std::map<int, reports::Experiment> out;
  for (std::size_t i = 0; i < count; ++i) {
    const fs::path f = experiment_file(report_dir, static_cast<int>(i));
    if (!fs::exists(f)) continue;
    try {
      reports::Report r = reports::report_from_json(read_json_file(f.string()));
      if (r.experiments.size() != 1) throw std::runtime_error("expected one experiment");
      out.emplace(static_cast<int>(i), std::move(r.experiments.front()));
    } catch (const std::runtime_error& e) {
      throw SpecError(f.string() + ": --resume: a saved experiment is unreadable (" + e.what() + "); remove it to run that experiment again");
    }
  }
  return out;
}

void save_experiment(const fs::path& report_dir, int i, const reports::Experiment& e) {
  reports::Report r;
  r.experiments.push_back(e);
  reports::write_file_atomic(experiment_file(report_dir, i),
                             reports::to_json(r).dump(1, ' ', false, json::error_handler_t::replace) + "\n");
}

void end_progress(const fs::path& report_dir) {
  std::error_code ec;
  fs::remove_all(progress_dir(report_dir), ec);
  const std::string stale = "." + folder_name(report_dir) + ".tmp-";
  for (const auto& e : fs::directory_iterator(parent_of(report_dir), ec))
    if (e.path().filename().string().rfind(stale, 0) == 0) fs::remove_all(e.path(), ec);
}

}  // namespace ldbench::experiments
