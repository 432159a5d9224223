#include "experiments/suite.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "lib/sde/euler_maruyama.hpp"

namespace ldbench::experiments {

namespace fs = std::filesystem;

std::string catalogue_dir() {
  if (const char* home = std::getenv("LDBENCH_HOME"); home && *home)
    return (fs::path(home) / "experiments" / "specs").string();
  return (fs::path(LDBENCH_SOURCE_ROOT) / "experiments" / "specs").string();
}

std::vector<std::string> catalogue_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  if (ec) throw SpecError(dir + ": /: cannot list the catalogue folder (" + ec.message() + "); set LDBENCH_HOME");
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Prepared> load_specs(const KindRegistry& reg, const std::vector<std::string>& files,
                                 const SuiteOptions& opt, const std::vector<std::string>& shown) {
  if (!shown.empty() && shown.size() != files.size()) throw std::invalid_argument("shown: one name per file");
  std::vector<Prepared> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& f = shown.empty() ? files[i] : shown[i];
    nlohmann::json doc;
    try {
      doc = read_json_file(files[i]);
    } catch (const SpecError& e) {  // name the file as the user will recognise it
      std::string what = e.what();
      if (what.rfind(files[i], 0) == 0) what = f + what.substr(files[i].size());
      throw SpecError(what);
    }
    out.push_back(prepare_spec(reg, doc, f, opt.profile, opt.seed));
    if (!names.insert(out.back().header.name).second)
      throw SpecError(f + ": /name: \"" + out.back().header.name + "\" is used by another spec in this run; names must be unique");
  }
  return out;
}

reports::Report run_suite(const std::vector<Prepared>& specs, const SuiteOptions& opt) {
  reports::Report rep;
  rep.profile = opt.profile;
  rep.seed_override = opt.seed;
  const int k = static_cast<int>(specs.size());
  for (int i = 0; i < k; ++i) {
    const auto& p = specs[static_cast<std::size_t>(i)];
    if (const auto it = opt.finished.find(i); it != opt.finished.end()) {
      rep.experiments.push_back(it->second);
      continue;
    }
    RunContext ctx;
    ctx.threads = opt.threads;
    if (opt.progress) {
      ctx.progress = [&, i](int done, int total) { opt.progress(i, k, p.header.name, done, total); };
      opt.progress(i, k, p.header.name, 0, p.header.replicas);
    }
    const auto t0 = std::chrono::steady_clock::now();
    reports::Experiment e;
    try {
      e = p.run(ctx);
    } catch (const lib::sde::NumericalBlowUp& err) {
      e = {};
      e.status = "error";
      e.error = err.what();
    } catch (const std::invalid_argument& err) {
      // Input that validation could not foresee (e.g. an estimator fed non-finite samples).
      e = {};
      e.status = "error";
      e.error = err.what();
    }
    if (e.status == "error") {
      e.name = p.header.name;
      e.kind = p.header.kind;
      e.description = p.header.description;
      e.spec_file = p.header.file;
      e.params = p.effective_params;
      e.seed = p.header.seed;
      e.replicas = p.header.replicas;
    }
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (opt.on_done) opt.on_done(i, e);
    rep.experiments.push_back(std::move(e));
  }
  return rep;
}

}  // namespace ldbench::experiments
