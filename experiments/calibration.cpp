#include "experiments/calibration.hpp"

#include <map>
#include <stdexcept>

#include "verify/stats/confidence.hpp"

namespace ldbench::experiments {

reports::Calibration calibrate_reports(const std::vector<reports::Report>& per_seed, std::uint32_t first_seed, double level) {
  if (per_seed.empty()) throw std::invalid_argument("seeds: need at least one");
  if (!(level > 0 && level < 1)) throw std::invalid_argument("level: must be in (0, 1)");
  reports::Calibration cal;
  cal.seeds = static_cast<int>(per_seed.size());
  cal.first_seed = first_seed;
  cal.level = level;
  // Rows in the order of the first report: each experiment's checks, then its "(error)" row.
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  auto row = [&](const std::string& e, const std::string& c, double alpha) -> reports::CalibrationRow& {
    auto [it, fresh] = index.emplace(std::make_pair(e, c), cal.rows.size());
    if (fresh) {
      reports::CalibrationRow r;
      r.experiment = e;
      r.check = c;
      r.alpha = alpha;
      cal.rows.push_back(r);
    }
    return cal.rows[it->second];
  };
  for (const auto& rep : per_seed)
    for (const auto& e : rep.experiments) {
      auto& err = row(e.name, "(error)", 0.0);
      ++err.runs;
      if (e.status != "ok") {
        ++err.failures;
        continue;
      }
      for (const auto& c : e.checks) {
        auto& r = row(e.name, c.id, c.alpha);
        ++r.runs;
        r.failures += c.passed ? 0 : 1;
      }
    }
  // The "(error)" row of an experiment sits after its checks.
  std::vector<reports::CalibrationRow> ordered;
  for (const auto& r : cal.rows)
    if (r.check != "(error)") ordered.push_back(r);
  for (const auto& r : cal.rows)
    if (r.check == "(error)") {
      std::size_t at = ordered.size();
      for (std::size_t i = 0; i < ordered.size(); ++i)
        if (ordered[i].experiment == r.experiment) at = i + 1;
      ordered.insert(ordered.begin() + static_cast<std::ptrdiff_t>(at), r);
    }
  cal.rows = std::move(ordered);
  const double per_row = level / static_cast<double>(cal.rows.size());
  for (auto& r : cal.rows) {
    const auto ci = verify::stats::clopper_pearson(r.failures, r.runs, level);
    r.rate_lo = ci.lo;
    r.rate_hi = ci.hi;
    r.p_value = verify::stats::binomial_upper_tail(r.failures, r.runs, r.alpha);
    r.consistent = r.p_value >= per_row;
  }
  return cal;
}

reports::Calibration run_calibration(const KindRegistry& reg, const std::vector<std::string>& files,
                                     const std::vector<std::string>& shown, const SuiteOptions& opt, int seeds,
                                     std::uint32_t first_seed, double level, const std::function<void(int, int)>& progress) {
  if (seeds < 1) throw std::invalid_argument("--calibrate: need at least one seed");
  std::vector<reports::Report> per_seed;
  for (int j = 0; j < seeds; ++j) {
    if (progress) progress(j, seeds);
    SuiteOptions o = opt;
    o.seed = first_seed + static_cast<std::uint32_t>(j);
    o.progress = nullptr;
    o.finished.clear();
    o.on_done = nullptr;
    per_seed.push_back(run_suite(load_specs(reg, files, o, shown), o));
    for (auto& e : per_seed.back().experiments) {  // only the verdicts are kept
      e.plots.clear();
      e.results = nlohmann::json::object();
    }
  }
  return calibrate_reports(per_seed, first_seed, level);
}

}  // namespace ldbench::experiments
