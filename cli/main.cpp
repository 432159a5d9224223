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
#include "experiments/catalogues.hpp"
#include "experiments/plugin_loader.hpp"
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
  const auto prepared = experiments::load_specs(reg, files, opt, shown);
  const bool default_out = a.out.empty();
  fs::path out = a.out;
  if (default_out) {
    const fs::path runs = fs::path(home()) / "reports" / "runs";
    const std::string stem = reports::utc_now("%Y%m%dT%H%M%SZ") + "-" + a.profile;
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
  rep.run.started_utc = reports::utc_now("%Y-%m-%dT%H:%M:%SZ");
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
