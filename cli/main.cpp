// ldbench: the command-line edge. Parses arguments, reads specs, runs them, writes reports.
// Exit codes: 0 all checks passed; 1 a check failed or an experiment hit a numerical error;
// 2 bad input (one line on stderr: "error: <file>: <json path>: <what>; <allowed>"), nothing written.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "experiments/calculator.hpp"
#include "experiments/drivers/drivers.hpp"
#include "experiments/suite.hpp"
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

std::string utc_now(const char* fmt) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream os;
  os << std::put_time(&tm, fmt);
  return os.str();
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
};

int run_specs(const std::vector<std::string>& files, const RunArgs& a, const std::string& command) {
  experiments::KindRegistry reg;
  experiments::register_builtin_kinds(reg);
  experiments::SuiteOptions opt;
  opt.profile = a.profile;
  if (a.seed >= 0) opt.seed = static_cast<std::uint32_t>(a.seed);
  opt.threads = a.threads;
  std::vector<std::string> shown;
  for (const auto& f : files) shown.push_back(display_path(f));
  // Validate everything (specs and the output folder) before running anything.
  const auto prepared = experiments::load_specs(reg, shown, opt);
  const bool default_out = a.out.empty();
  fs::path out = a.out;
  if (default_out) {
    const fs::path runs = fs::path(home()) / "reports" / "runs";
    const std::string stem = utc_now("%Y%m%dT%H%M%SZ") + "-" + a.profile;
    out = runs / stem;
    for (int i = 2; fs::exists(out); ++i) out = runs / (stem + "-" + std::to_string(i));
  } else if (fs::exists(out)) {
    throw experiments::SpecError(out.string() + ": --out: the folder already exists; choose a new folder or remove it");
  }

  const bool tty = ::isatty(2);
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
  if (tty) std::fprintf(stderr, "\r\033[K");
  rep.command = command;
  rep.build = build_info();
  rep.run.threads = lib::resolve_threads(a.threads);
  rep.run.started_utc = utc_now("%Y-%m-%dT%H:%M:%SZ");
  rep.run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  reports::write_report_dir(rep, out);
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
  for (const auto& f : experiments::catalogue_files(dir)) {
    const auto doc = experiments::read_json_file(f);
    std::cout << "  " << std::left << std::setw(28) << doc.value("name", "?") << std::setw(16)
              << doc.value("kind", "?") << display_path(f) << "\n      " << doc.value("description", "") << "\n";
  }
  return 0;
}

int theory_list() {
  const experiments::TheoryCalculator calc;
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

std::string join_with_spaces(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += " " + x;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
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

  RunArgs run_args, verify_args;
  std::string report_dir;
  auto* list = app.add_subcommand("list", "List experiment kinds and the shipped catalogue");
  auto* run = app.add_subcommand("run", "Run the given spec files and write a report");
  run->add_option("specs", run_args.specs, "Spec files (JSON)")->required();
  add_run_options(run, run_args);
  auto* verify = app.add_subcommand("verify", "Run the default verification suite (experiments/specs) and write a report");
  add_run_options(verify, verify_args);
  auto* report = app.add_subcommand("report", "Re-render report.md and plots of a report folder from its report.json");
  report->add_option("dir", report_dir, "Report folder")->required()->check(CLI::ExistingDirectory);

  auto* theory = app.add_subcommand("theory", "The closed-form calculator: what the theory predicts for given parameters");
  theory->require_subcommand(1);
  auto* theory_list_cmd = theory->add_subcommand("list", "List the closed forms with formula, arguments and source");
  std::string theory_name, theory_args, theory_args_file;
  auto* theory_eval_cmd = theory->add_subcommand("eval", "Evaluate one closed form; prints JSON");
  theory_eval_cmd->add_option("name", theory_name, "Entry name (see `ldbench theory list`)")->required();
  auto* args_opt = theory_eval_cmd->add_option("--args", theory_args, "Arguments as a JSON object");
  theory_eval_cmd->add_option("--args-file", theory_args_file, "Arguments from a JSON file")->excludes(args_opt);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "error: " << e.what() << "; see ldbench " << (app.get_subcommands().empty() ? "" : app.get_subcommands().front()->get_name() + " ") << "--help\n";
    return 2;
  }

  try {
    if (*list) return list_catalogue();
    if (*theory_list_cmd) return theory_list();
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
    if (*verify) {
      std::string cmd = "ldbench verify --profile " + verify_args.profile;
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
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
