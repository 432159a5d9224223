// ldbench: the command-line edge. Parses arguments, reads specs, runs them, writes reports.
// Exit codes: 0 all checks passed; 1 a check failed or an experiment hit a numerical error;
// 2 bad input (one line on stderr: "error: <file>: <json path>: <what>; <allowed>"), nothing written.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "experiments/calculator.hpp"
#include "experiments/drivers/drivers.hpp"
#include "experiments/estimator_io.hpp"
#include "experiments/mutants.hpp"
#include "experiments/calibration.hpp"
#include "experiments/catalogues.hpp"
#include "experiments/checkpoint.hpp"
#include "experiments/plugin_loader.hpp"
#include "experiments/suite.hpp"
#include "lib/core/communicator.hpp"
#include "lib/parallel.hpp"
#include "reports/writer.hpp"

#ifndef LDBENCH_VERSION
#define LDBENCH_VERSION "unknown"
#endif
#ifndef LDBENCH_BUILDTYPE
#define LDBENCH_BUILDTYPE "unknown"
#endif
#ifndef LDBENCH_FLAGS
#define LDBENCH_FLAGS ""
#endif

namespace fs = std::filesystem;
using namespace ldbench;

namespace {

std::string home() {
  if (const char* h = std::getenv("LDBENCH_HOME"); h && *h) return h;
  return LDBENCH_SOURCE_ROOT;
}

std::string shell_output(const std::string& cmd) {
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

reports::BuildInfo build_info() {
  reports::BuildInfo b;
  b.version = LDBENCH_VERSION;
#if defined(__clang__)
  b.compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  b.compiler = std::string("gcc ") + __VERSION__;
#else
  b.compiler = "unknown";
#endif
  b.buildtype = LDBENCH_BUILDTYPE;
  b.flags = LDBENCH_FLAGS;
  const std::string q = "'" + home() + "'";
  std::string commit = shell_output("git -C " + q + " rev-parse HEAD 2>/dev/null");
  if (commit.empty()) {
    commit = "unknown";
  } else if (!shell_output("git -C " + q + " status --porcelain --untracked-files=no 2>/dev/null").empty()) {
    commit += "+dirty";
  }
  b.git_commit = commit;
  return b;
}

// Paths inside the ldbench home are recorded relative to it, so reports from different clones agree.
std::string display_path(const std::string& p) {
  std::error_code ec;
  const fs::path abs = fs::weakly_canonical(p, ec);
  const fs::path root = fs::weakly_canonical(home(), ec);
  const auto rel = abs.lexically_relative(root);
  if (!ec && !rel.empty() && rel.native().rfind("..", 0) != 0) return rel.string();
  return p;
}

struct RunArgs {
  std::string profile = "full";
  long long seed = -1;
  int threads = 0;
  std::string out;
  std::vector<std::string> specs;
  bool mutants = false;  // verify --mutants: add the kill matrix of the mutant catalogue
  std::string resume;    // verify --resume DIR: continue the interrupted run writing DIR
  int calibrate = 0;     // verify --calibrate K: rerun every check with K seeds
};

int run_specs(std::vector<std::string> files, RunArgs a, std::string command) {
  experiments::KindRegistry reg;
  experiments::register_builtin_kinds(reg);
  // A resumed run takes everything but the thread count from the interrupted run's state
  // (experiments/checkpoint.hpp).
  std::vector<std::string> shown;
  fs::path out = a.out;
  const bool resuming = !a.resume.empty();
  if (resuming) {
    out = a.resume;
    const experiments::RunState st = experiments::read_progress(out);
    files = st.files;
    shown = st.shown;
    a.profile = st.profile;
    a.seed = st.seed ? static_cast<long long>(*st.seed) : -1;
    a.mutants = st.mutants;
    a.calibrate = st.calibrate;
    command = st.command;
  } else {
    for (const auto& f : files) shown.push_back(display_path(f));
  }
  experiments::SuiteOptions opt;
  opt.profile = a.profile;
  if (a.seed >= 0) opt.seed = static_cast<std::uint32_t>(a.seed);
  opt.threads = a.threads;
  // Validate everything (specs and the output folder) before running anything.
  const auto prepared = experiments::load_specs(reg, files, opt, shown);
  const fs::path runs = fs::path(home()) / "reports" / "runs";
  experiments::RunState state;
  if (resuming) {
    opt.finished = experiments::finished_experiments(out, prepared.size());
  } else {
    if (a.out.empty()) {
      const std::string stem = reports::utc_now("%Y%m%dT%H%M%SZ") + "-" + a.profile;
      out = runs / stem;
      for (int i = 2; fs::exists(out) || fs::exists(experiments::progress_dir(out)); ++i) out = runs / (stem + "-" + std::to_string(i));
    } else if (fs::exists(out)) {
      throw experiments::SpecError(out.string() + ": --out: the folder already exists; choose a new folder or remove it");
    } else if (fs::exists(experiments::progress_dir(out))) {
      throw experiments::SpecError(out.string() + ": --out: an interrupted run of this folder is pending; continue it with ldbench verify --resume " +
                                   out.string() + ", or remove " + experiments::progress_dir(out).string());
    }
    state.command = command;
    state.profile = a.profile;
    state.seed = opt.seed;
    state.mutants = a.mutants;
    state.calibrate = a.calibrate;
    state.shown = shown;
    for (const auto& f : files) {
      state.files.push_back(fs::absolute(f).string());
      state.digests.push_back(experiments::spec_digest(f));
    }
  }
  const bool default_out = fs::weakly_canonical(out).parent_path() == fs::weakly_canonical(runs);

  // MPI (lib::core::MpiSession in main): every rank has validated the same specs and folder; none goes on (and
  // rank 0 creates the folder) before all have. Only rank 0 shows progress, writes and prints.
  const lib::core::Communicator& world = lib::core::world();
  world.barrier();
  const bool root = world.rank() == 0;
  const bool tty = root && ::isatty(2);
  if (root) {
    // Progress is saved after every experiment, so a killed run can be resumed (rank 0 only).
    if (!resuming) experiments::begin_progress(out, state);
    opt.on_done = [&](int i, const reports::Experiment& e) { experiments::save_experiment(out, i, e); };
    if (tty) std::fprintf(stderr, "ldbench: writing %s (if interrupted: ldbench verify --resume %s)\n", out.c_str(), out.c_str());
  }
  const auto t0 = std::chrono::steady_clock::now();
  if (tty)
    opt.progress = [&](int i, int k, const std::string& name, int done, int total) {
      const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double f = (i + static_cast<double>(done) / std::max(total, 1)) / k;
      std::fprintf(stderr, "\r\033[K[%d/%d] %s  replica %d/%d  elapsed %.0fs", i + 1, k, name.c_str(), done, total, el);
      if (f > 0) std::fprintf(stderr, "  ETA %.0fs", el * (1 - f) / f);
      std::fflush(stderr);
    };
  reports::Report rep = experiments::run_suite(prepared, opt);
  if (a.mutants) {
    std::function<void(int, int, const std::string&)> progress;
    if (tty)
      progress = [&](int done, int total, const std::string& what) {
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "\r\033[K[mutant %d/%d] %s  elapsed %.0fs", done + 1, total, what.c_str(), el);
        std::fflush(stderr);
      };
    experiments::SuiteOptions quiet = opt;
    quiet.progress = nullptr;
    rep.kill_matrix = experiments::run_kill_matrix(reg, files, shown, quiet, progress);
  }
  if (a.calibrate > 0) {
    std::function<void(int, int)> progress;
    if (tty)
      progress = [&](int done, int total) {
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "\r\033[K[calibration seed %d/%d]  elapsed %.0fs", done + 1, total, el);
        std::fflush(stderr);
      };
    experiments::SuiteOptions quiet = opt;
    quiet.progress = nullptr;
    rep.calibration = experiments::run_calibration(reg, files, shown, quiet, a.calibrate, opt.seed.value_or(1), 0.05, progress);
  }
  if (tty) std::fprintf(stderr, "\r\033[K");
  // Ranks > 0 exit 0: the job's exit code is rank 0's (mpirun aborts the job as soon as a rank exits non-zero,
  // which could cut rank 0's report short).
  if (!root) return 0;
  rep.command = command;
  rep.build = build_info();
  rep.run.threads = lib::resolve_threads(a.threads);
  rep.run.started_utc = reports::utc_now("%Y-%m-%dT%H:%M:%SZ");
  rep.run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  reports::write_report_dir(rep, out);
  experiments::end_progress(out);
  if (default_out) reports::update_symlink(fs::path(home()) / "reports" / "latest", fs::path("runs") / out.filename());

  for (const auto& e : rep.experiments) {
    if (e.status != "ok") {
      std::cout << "ERROR " << e.name << ": " << e.error << "\n";
      continue;
    }
    for (const auto& c : e.checks)
      std::cout << (c.passed ? "PASS  " : "FAIL  ") << e.name << " / " << c.id << ": measured " << c.measured
                << " [" << c.measured_lo << ", " << c.measured_hi << "], bound " << c.bound << "\n";
  }
  if (rep.kill_matrix) {
    for (const auto& m : rep.kill_matrix->mutants) {
      std::cout << (m.killed() ? "KILLED   " : "SURVIVED ") << m.id << " (" << m.applied << " specs)";
      if (m.killed()) std::cout << ": " << m.killed_by.front() << (m.killed_by.size() > 1 ? " and " + std::to_string(m.killed_by.size() - 1) + " more" : "");
      std::cout << "\n";
    }
    std::cout << rep.kill_matrix->mutants.size() - static_cast<std::size_t>(rep.kill_matrix->survivors()) << " mutants killed, "
              << rep.kill_matrix->survivors() << " survived\n";
  }
  if (rep.calibration) {
    for (const auto& r : rep.calibration->rows)
      if (!r.consistent || r.failures > 0)
        std::cout << (r.consistent ? "CALIBRATED   " : "INCONSISTENT ") << r.experiment << " / " << r.check << ": " << r.failures << " of "
                  << r.runs << " seeds failed, declared alpha " << r.alpha << ", p-value " << r.p_value << "\n";
    std::cout << "calibration over " << rep.calibration->seeds << " seeds: " << rep.calibration->rows.size() << " checks, "
              << rep.calibration->inconsistent() << " inconsistent with their alpha\n";
  }
  std::cout << rep.checks_total() - rep.checks_failed() << " passed, " << rep.checks_failed() << " failed"
            << " (" << rep.experiments.size() << " experiments, " << std::fixed << std::setprecision(1)
            << rep.run.wall_seconds << " s)\nreport: " << (out / "report.md").string() << "\n";
  return rep.passed() ? 0 : 1;
}

int list_catalogue() {
  experiments::KindRegistry reg;
  experiments::register_builtin_kinds(reg);
  std::cout << "Experiment kinds:\n";
  for (const auto& n : reg.names()) {
    const auto* k = reg.find(n);
    std::cout << "  " << n << ": " << k->summary << "\n    checks:";
    for (const auto& c : k->checks) std::cout << " " << c.id << (c.stochastic ? "" : " (deterministic)");
    std::cout << "\n";
  }
  const auto dir = experiments::catalogue_dir();
  std::cout << "\nCatalogue (" << display_path(dir) << "), the default suite of `ldbench verify`:\n";
  std::vector<std::pair<std::string, nlohmann::json>> docs;
  std::size_t wname = 0, wkind = 0;  // column widths: the longest name and kind, plus two spaces
  for (const auto& f : experiments::catalogue_files(dir)) {
    docs.emplace_back(f, experiments::read_json_file(f));
    wname = std::max(wname, docs.back().second.value("name", "?").size() + 2);
    wkind = std::max(wkind, docs.back().second.value("kind", "?").size() + 2);
  }
  for (const auto& [f, doc] : docs)
    std::cout << "  " << std::left << std::setw(static_cast<int>(wname)) << doc.value("name", "?")
              << std::setw(static_cast<int>(wkind)) << doc.value("kind", "?") << display_path(f) << "\n      "
              << doc.value("description", "") << "\n";
  return 0;
}

// One Markdown table row per entry (README's catalogue table is this output, checked by a test).
std::string md_cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

int theory_list(bool markdown) {
  const experiments::TheoryCalculator calc;
  if (markdown) {
    std::cout << "| name | formula | source |\n|---|---|---|\n";
    for (const auto& [name, e] : calc.entries())
      std::cout << "| `" << name << "` | " << md_cell(e.formula) << " | " << md_cell(e.source) << " |\n";
    return 0;
  }
  for (const auto& [name, e] : calc.entries())
    std::cout << name << "\n    " << e.formula << "\n    args: " << e.args << "\n    source: " << e.source << "\n";
  return 0;
}

int theory_eval(const std::string& name, const std::string& args, const std::string& args_file) {
  const experiments::TheoryCalculator calc;
  nlohmann::json j;
  std::string where = "--args";
  if (!args_file.empty()) {
    j = experiments::read_json_file(args_file);
    where = args_file;
  } else {
    try {
      j = nlohmann::json::parse(args.empty() ? "{}" : args);
    } catch (const nlohmann::json::parse_error& e) {
      throw experiments::SpecError("--args: /: not valid JSON (byte " + std::to_string(e.byte) +
                                   "); quote the object, e.g. --args '{\"s2\": 2}'");
    }
  }
  std::cout << calc.eval(name, j, where).dump(2) << "\n";
  return 0;
}

struct EstimateArgs {
  std::string name, x, y, wx, wy, params, target;
  bool list = false;
};

int estimate_list(const verify::estimators::EstimatorRegistry& reg) {
  for (const auto& n : reg.names()) {
    const auto& i = *reg.find(n);
    std::cout << n << "  [" << i.origin << "]\n    returns: " << i.returns << "\n    method: " << i.description
              << "\n    needs: x" << (i.needs.y ? ", y" : "") << (i.needs.log_density ? ", target log density" : "")
              << (i.needs.score ? ", target score" : "") << (i.needs.gaussian_target ? ", Gaussian target" : "")
              << (i.accepts_weights ? "; accepts weights" : "") << "\n    unbiased: " << (i.unbiased ? "yes" : "no")
              << "; cost " << i.cost << "\n";
    for (const auto& p : i.params) {
      std::cout << "    param " << p.name << " (" << lib::to_string(p.type) << ", default ";
      std::visit([](const auto& v) { std::cout << nlohmann::json(v).dump(); }, p.default_value);
      if (p.type == verify::estimators::ParamSpec::Type::real || p.type == verify::estimators::ParamSpec::Type::integer)
        std::cout << ", range [" << p.lo << ", " << p.hi << "]";
      if (!p.choices.empty()) {
        std::cout << ", one of";
        for (const auto& c : p.choices) std::cout << " " << c;
      }
      std::cout << "): " << p.doc << "\n";
    }
  }
  return 0;
}

nlohmann::json parse_json_option(const std::string& text, const std::string& option) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw experiments::SpecError(option + ": /: not valid JSON (byte " + std::to_string(e.byte) + "); quote the object, e.g. " +
                                 option + " '{\"k\": 5}'");
  }
}

Eigen::VectorXd read_weights(const std::string& path) {
  const Eigen::MatrixXd w = experiments::read_sample_file(path);
  if (w.rows() != 1) throw experiments::SpecError(path + ": weights need one value per line, found " + std::to_string(w.rows()));
  return w.row(0).transpose();
}

int estimate(const verify::estimators::EstimatorRegistry& reg, const EstimateArgs& a) {
  namespace est = verify::estimators;
  if (a.list) return estimate_list(reg);
  if (a.name.empty()) throw experiments::SpecError("estimate: give an estimator name (see ldbench estimate --list)");
  if (a.x.empty()) throw experiments::SpecError("estimate: --x: missing; give the sample file (CSV or JSON, one point per row)");
  const est::EstimatorInfo* info = reg.find(a.name);
  if (!info) {
    std::string all;
    for (const auto& n : reg.names()) all += (all.empty() ? "" : ", ") + n;
    throw experiments::SpecError("estimate: unknown estimator \"" + a.name + "\"; known: " + all);
  }
  const est::Params params =
      experiments::params_from_json(info->params, a.params.empty() ? nlohmann::json() : parse_json_option(a.params, "--params"), "--params");
  const Eigen::MatrixXd x = experiments::read_sample_file(a.x);
  Eigen::MatrixXd y;
  Eigen::VectorXd wx, wy;
  est::Target target;
  est::EstimatorInput in;
  in.x = &x;
  if (!a.y.empty()) {
    y = experiments::read_sample_file(a.y);
    in.y = &y;
  }
  if (!a.wx.empty()) {
    wx = read_weights(a.wx);
    in.wx = &wx;
  }
  if (!a.wy.empty()) {
    wy = read_weights(a.wy);
    in.wy = &wy;
  }
  if (!a.target.empty()) {
    target = experiments::target_from_json(parse_json_option(a.target, "--target"), "--target");
    in.target = &target;
  }
  est::Estimate r;
  try {
    r = reg.run(a.name, in, params);
  } catch (const std::invalid_argument& e) {
    // Name the file behind "x"/"y" so the user knows which input to fix.
    std::string msg = e.what();
    if (msg.rfind("x:", 0) == 0) msg = "--x " + a.x + ": " + msg.substr(3);
    else if (msg.rfind("y:", 0) == 0 && !a.y.empty()) msg = "--y " + a.y + ": " + msg.substr(3);
    throw experiments::SpecError("estimate " + a.name + ": " + msg);
  }
  nlohmann::json out = {{"estimator", a.name},
                        {"returns", info->returns},
                        {"value", r.value},
                        {"std_error", r.std_error ? nlohmann::json(*r.std_error) : nlohmann::json(nullptr)},
                        {"unbiased", info->unbiased},
                        {"diagnostics",
                         {{"iterations", r.diagnostics.iterations},
                          {"converged", r.diagnostics.converged},
                          {"warnings", r.diagnostics.warnings}}},
                        {"params", experiments::params_to_json(params)},
                        {"d", x.rows()},
                        {"n_x", x.cols()},
                        {"n_y", a.y.empty() ? nlohmann::json(nullptr) : nlohmann::json(y.cols())},
                        {"origin", info->origin}};
  std::cout << out.dump(2) << "\n";
  if (!r.diagnostics.converged) {
    std::cerr << "error: estimate " << a.name << ": the solver did not converge in " << r.diagnostics.iterations
              << " iterations; the value is the last iterate (raise the iteration limit or loosen the tolerance)\n";
    return 1;
  }
  return 0;
}

std::string join_with_spaces(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += " " + x;
  return s;
}

}  // namespace

// An error message as exactly one bounded line: control characters (a spec may carry "\n" inside a
// string that an error quotes back) become spaces, and a message longer than 1200 bytes keeps its
// head (file, field, what) and its tail (the fix), with the middle elided.
static std::string one_line(std::string m) {
  for (char& c : m)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  constexpr std::size_t kMax = 1200, kHead = 800, kTail = 300;
  if (m.size() > kMax) m = m.substr(0, kHead) + " [... " + std::to_string(m.size() - kHead - kTail) + " bytes ...] " + m.substr(m.size() - kTail);
  return m;
}

int main(int argc, char** argv) {
  // Under mpirun (builds with MPI): MPI_Init/Finalize and MPI_COMM_WORLD as lib::core::world() (MFLD particles are
  // split over the ranks); ranks > 0 print nothing but errors, rank 0 writes and prints the results.
  const lib::core::MpiSession mpi(&argc, &argv);
  if (lib::core::world().rank() != 0 && !std::freopen("/dev/null", "w", stdout)) return 2;
  if (!lib::core::mpi_built() && lib::core::launched_ranks() > 1) {
    std::cerr << "error: mpirun: this ldbench was built without MPI, so its " << lib::core::launched_ranks()
              << " copies would each run everything and write the same report; install libopenmpi-dev and rebuild (Meson "
                 "feature mpi), or run it without mpirun\n";
    return 2;
  }
  CLI::App app{"ldbench: Langevin dynamics algorithms verified against their theorems"};
  app.set_version_flag("--version", std::string("ldbench ") + LDBENCH_VERSION);
  app.require_subcommand(1);

  auto add_run_options = [](CLI::App* c, RunArgs& a) {
    c->add_option("--profile", a.profile, "Profile: quick (seconds) or full (the default suite)")
        ->check(CLI::IsMember(experiments::profile_names()));
    c->add_option("--seed", a.seed, "Override every spec's seed (0..4294967295)")
        ->check(CLI::Range(0LL, 4294967295LL));
    c->add_option("--threads", a.threads, "Threads (0: all cores); results do not depend on it")
        ->check(CLI::Range(0, 1024));
    c->add_option("--out", a.out, "Report folder to create (default: reports/runs/<UTC time>-<profile>)");
  };

  std::vector<std::string> plugins;
  app.add_option("--plugin", plugins, "Load a plugin shared module (repeatable) before running the command");

  RunArgs run_args, verify_args;
  std::string report_dir;
  auto* list = app.add_subcommand("list", "List experiment kinds and the shipped catalogue");
  auto* run = app.add_subcommand("run", "Run the given spec files and write a report");
  run->add_option("specs", run_args.specs, "Spec files (JSON)")->required();
  add_run_options(run, run_args);
  auto* verify = app.add_subcommand("verify", "Run the default verification suite (experiments/specs) and write a report");
  add_run_options(verify, verify_args);
  verify->add_flag("--mutants", verify_args.mutants,
                   "Also run every mutant of the catalogue against every spec that can select it and write the kill matrix "
                   "(default profile quick); a surviving mutant fails the run");
  verify->add_option("--resume", verify_args.resume,
                     "Continue the interrupted run (ldbench run or verify) that was writing this report folder: finished "
                     "experiments are kept, the rest run; the report equals an uninterrupted run's (timings aside)")
      ->excludes("--out")
      ->excludes("--profile")
      ->excludes("--seed")
      ->excludes("--mutants");
  verify->add_option("--calibrate", verify_args.calibrate,
                     "Also rerun every check with K seeds (--seed, default 1, and the next K - 1; default profile quick) and report "
                     "each check's false-fail rate against its declared alpha; an inconsistent check fails the run")
      ->check(CLI::Range(1, 100000))
      ->excludes("--resume");
  auto* report = app.add_subcommand("report", "Re-render report.md and plots of a report folder from its report.json");
  report->add_option("dir", report_dir, "Report folder")->required()->check(CLI::ExistingDirectory);

  auto* theory = app.add_subcommand("theory", "The closed-form calculator: what the theory predicts for given parameters");
  theory->require_subcommand(1);
  auto* theory_list_cmd = theory->add_subcommand("list", "List the closed forms with formula, arguments and source");
  bool theory_markdown = false;
  theory_list_cmd->add_flag("--markdown", theory_markdown, "Print the catalogue as a Markdown table (name, formula, source)");
  std::string theory_name, theory_args, theory_args_file;
  auto* theory_eval_cmd = theory->add_subcommand("eval", "Evaluate one closed form; prints JSON");
  theory_eval_cmd->add_option("name", theory_name, "Entry name (see `ldbench theory list`)")->required();
  auto* args_opt = theory_eval_cmd->add_option("--args", theory_args, "Arguments as a JSON object");
  theory_eval_cmd->add_option("--args-file", theory_args_file, "Arguments from a JSON file")->excludes(args_opt);

  EstimateArgs est_args;
  auto* estimate_cmd = app.add_subcommand("estimate", "Apply an estimator of the catalogue to sample files; prints JSON");
  estimate_cmd->add_option("name", est_args.name, "Estimator name (see --list)");
  estimate_cmd->add_flag("--list", est_args.list, "List the estimators with their declared properties");
  estimate_cmd->add_option("--x", est_args.x, "Sample file: CSV or .json, one point per row");
  estimate_cmd->add_option("--y", est_args.y, "Second sample file, for two-sample estimators");
  estimate_cmd->add_option("--wx", est_args.wx, "Weights of x, one per line (estimators that accept weights)");
  estimate_cmd->add_option("--wy", est_args.wy, "Weights of y");
  estimate_cmd->add_option("--params", est_args.params, "Estimator parameters as a JSON object");
  estimate_cmd->add_option("--target", est_args.target,
                           "Target law as JSON, e.g. '{\"gaussian\": {\"mean\": [0, 0], \"cov\": 1}}'");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "error: " << e.what() << "; see ldbench " << (app.get_subcommands().empty() ? "" : app.get_subcommands().front()->get_name() + " ") << "--help\n";
    return 2;
  }

  try {
    experiments::Catalogues& cat = experiments::catalogues();
    const verify::estimators::EstimatorRegistry& estimators = cat.estimators;
    PluginHost host;
    host.estimators = &cat.estimators;
    host.potentials = &cat.potentials;
    host.models = &cat.models;
    for (const auto& p : plugins) experiments::load_plugin(p, host);
    if (*estimate_cmd) return estimate(estimators, est_args);
    if (*list) return list_catalogue();
    if (*theory_list_cmd) return theory_list(theory_markdown);
    if (*theory_eval_cmd) return theory_eval(theory_name, theory_args, theory_args_file);
    if (*run) {
      std::string cmd = "ldbench run" + join_with_spaces([&] {
                          std::vector<std::string> v;
                          for (const auto& f : run_args.specs) v.push_back(display_path(f));
                          return v;
                        }()) + " --profile " + run_args.profile;
      if (run_args.seed >= 0) cmd += " --seed " + std::to_string(run_args.seed);
      return run_specs(run_args.specs, run_args, cmd);
    }
    if (*verify && !verify_args.resume.empty()) return run_specs({}, verify_args, "");
    if (*verify) {
      if ((verify_args.mutants || verify_args.calibrate > 0) && verify->get_option("--profile")->count() == 0) verify_args.profile = "quick";
      std::string cmd = std::string("ldbench verify") + (verify_args.mutants ? " --mutants" : "") +
                        (verify_args.calibrate > 0 ? " --calibrate " + std::to_string(verify_args.calibrate) : "") + " --profile " +
                        verify_args.profile;
      if (verify_args.seed >= 0) cmd += " --seed " + std::to_string(verify_args.seed);
      return run_specs(experiments::catalogue_files(experiments::catalogue_dir()), verify_args, cmd);
    }
    if (*report) {
      const auto r = reports::rerender(report_dir);
      std::cout << "re-rendered " << (fs::path(report_dir) / "report.md").string() << " ("
                << r.experiments.size() << " experiments)\n";
      return 0;
    }
  } catch (const experiments::SpecError& e) {
    std::cerr << "error: " << one_line(e.what()) << "\n";
    return 2;
  } catch (const experiments::PluginError& e) {
    std::cerr << "error: " << one_line(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << one_line(e.what()) << "\n";
    return 2;
  }
  return 0;
}
