#include "reports/json.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace ldbench::reports {

using nlohmann::json;

namespace {

// JSON has no NaN or infinity: they are written as null and read back as NaN.
json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double num_from(const json& j) { return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>(); }
json vec(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(num(x));
  return a;
}
std::vector<double> vec_from(const json& j) {
  std::vector<double> v;
  for (const auto& x : j) v.push_back(num_from(x));
  return v;
}

verify::CheckKind kind_from(const std::string& s) {
  using K = verify::CheckKind;
  for (auto k : {K::upper_bound_pointwise, K::rate_at_least, K::order_equals, K::consistency, K::identity})
    if (s == verify::to_string(k)) return k;
  throw std::runtime_error("kind: unknown check kind '" + s + "'");
}

json check_json(const verify::CheckResult& c) {
  return {{"id", c.id},
          {"kind", verify::to_string(c.kind)},
          {"claim", c.claim},
          {"quantity", c.quantity},
          {"rule", c.rule},
          {"measured", num(c.measured)},
          {"measured_ci", {num(c.measured_lo), num(c.measured_hi)}},
          {"bound", num(c.bound)},
          {"tightness", num(c.tightness)},
          {"decision", c.passed ? "pass" : "fail"},
          {"alpha", num(c.alpha)},
          {"replicas", c.replicas},
          {"resolution", num(c.resolution)},
          {"detail", c.detail}};
}

verify::CheckResult check_from(const json& j) {
  verify::CheckResult c;
  c.id = j.at("id").get<std::string>();
  c.kind = kind_from(j.at("kind").get<std::string>());
  c.claim = j.at("claim").get<std::string>();
  c.quantity = j.at("quantity").get<std::string>();
  c.rule = j.at("rule").get<std::string>();
  c.measured = num_from(j.at("measured"));
  c.measured_lo = num_from(j.at("measured_ci").at(0));
  c.measured_hi = num_from(j.at("measured_ci").at(1));
  c.bound = num_from(j.at("bound"));
  c.tightness = num_from(j.at("tightness"));
  c.passed = j.at("decision").get<std::string>() == "pass";
  c.alpha = num_from(j.at("alpha"));
  c.replicas = j.at("replicas").get<int>();
  c.resolution = num_from(j.at("resolution"));
  c.detail = j.at("detail").get<std::string>();
  return c;
}

json plot_json(const Plot& p) {
  json series = json::array();
  for (const auto& s : p.series) {
    json o = {{"label", s.label}, {"style", to_string(s.style)}, {"x", vec(s.x)}, {"y", vec(s.y)}};
    if (!s.lo.empty()) {
      o["lo"] = vec(s.lo);
      o["hi"] = vec(s.hi);
    }
    series.push_back(o);
  }
  return {{"id", p.id},     {"title", p.title}, {"xlabel", p.xlabel}, {"ylabel", p.ylabel},
          {"logx", p.logx}, {"logy", p.logy},   {"series", series}};
}

Plot plot_from(const json& j) {
  Plot p;
  p.id = j.at("id").get<std::string>();
  p.title = j.at("title").get<std::string>();
  p.xlabel = j.at("xlabel").get<std::string>();
  p.ylabel = j.at("ylabel").get<std::string>();
  p.logx = j.at("logx").get<bool>();
  p.logy = j.at("logy").get<bool>();
  for (const auto& s : j.at("series")) {
    Series o;
    o.label = s.at("label").get<std::string>();
    o.style = series_style_from_string(s.at("style").get<std::string>());
    o.x = vec_from(s.at("x"));
    o.y = vec_from(s.at("y"));
    if (s.contains("lo")) {
      o.lo = vec_from(s.at("lo"));
      o.hi = vec_from(s.at("hi"));
    }
    p.series.push_back(o);
  }
  return p;
}

json kill_matrix_json(const KillMatrix& k) {
  json mutants = json::array(), runs = json::array();
  for (const auto& m : k.mutants)
    mutants.push_back({{"id", m.id},
                       {"family", m.family},
                       {"description", m.description},
                       {"applied", m.applied},
                       {"killed", m.killed()},
                       {"killed_by", m.killed_by}});
  for (const auto& r : k.runs) {
    json checks = json::array();
    for (const auto& c : r.checks) checks.push_back(check_json(c));
    runs.push_back({{"mutant", r.mutant},
                    {"experiment", r.experiment},
                    {"patch", r.patch},
                    {"outcome", r.outcome},
                    {"note", r.note},
                    {"checks", checks},
                    {"timing", {{"seconds", num(r.seconds)}}}});
  }
  return {{"survivors", k.survivors()}, {"mutants", mutants}, {"runs", runs}};
}

KillMatrix kill_matrix_from(const json& j) {
  KillMatrix k;
  for (const auto& m : j.at("mutants")) {
    MutantEntry e;
    e.id = m.at("id").get<std::string>();
    e.family = m.at("family").get<std::string>();
    e.description = m.at("description").get<std::string>();
    e.applied = m.at("applied").get<int>();
    e.killed_by = m.at("killed_by").get<std::vector<std::string>>();
    k.mutants.push_back(std::move(e));
  }
  for (const auto& r : j.at("runs")) {
    MutantRun x;
    x.mutant = r.at("mutant").get<std::string>();
    x.experiment = r.at("experiment").get<std::string>();
    x.patch = r.at("patch");
    x.outcome = r.at("outcome").get<std::string>();
    x.note = r.at("note").get<std::string>();
    for (const auto& c : r.at("checks")) x.checks.push_back(check_from(c));
    x.seconds = num_from(r.at("timing").at("seconds"));
    k.runs.push_back(std::move(x));
  }
  return k;
}

json calibration_json(const Calibration& c) {
  json rows = json::array();
  for (const auto& r : c.rows)
    rows.push_back({{"experiment", r.experiment},
                    {"check", r.check},
                    {"alpha", num(r.alpha)},
                    {"runs", r.runs},
                    {"failures", r.failures},
                    {"rate_ci", {num(r.rate_lo), num(r.rate_hi)}},
                    {"p_value", num(r.p_value)},
                    {"consistent", r.consistent}});
  return {{"seeds", c.seeds}, {"first_seed", c.first_seed}, {"level", num(c.level)}, {"inconsistent", c.inconsistent()}, {"rows", rows}};
}

Calibration calibration_from(const json& j) {
  Calibration c;
  c.seeds = j.at("seeds").get<int>();
  c.first_seed = j.at("first_seed").get<std::uint32_t>();
  c.level = num_from(j.at("level"));
  for (const auto& r : j.at("rows")) {
    CalibrationRow x;
    x.experiment = r.at("experiment").get<std::string>();
    x.check = r.at("check").get<std::string>();
    x.alpha = num_from(r.at("alpha"));
    x.runs = r.at("runs").get<int>();
    x.failures = r.at("failures").get<int>();
    x.rate_lo = num_from(r.at("rate_ci").at(0));
    x.rate_hi = num_from(r.at("rate_ci").at(1));
    x.p_value = num_from(r.at("p_value"));
    x.consistent = r.at("consistent").get<bool>();
    c.rows.push_back(std::move(x));
  }
  return c;
}

}  // namespace

json to_json(const Report& r) {
  json exps = json::array();
  for (const auto& e : r.experiments) {
    json checks = json::array(), plots = json::array();
    for (const auto& c : e.checks) checks.push_back(check_json(c));
    for (const auto& p : e.plots) plots.push_back(plot_json(p));
    exps.push_back({{"name", e.name},
                    {"kind", e.kind},
                    {"description", e.description},
                    {"spec_file", e.spec_file},
                    {"seed", e.seed},
                    {"replicas", e.replicas},
                    {"params", e.params},
                    {"status", e.status},
                    {"error", e.error},
                    {"passed", e.passed()},
                    {"checks", checks},
                    {"results", e.results},
                    {"plots", plots},
                    {"timing", {{"seconds", num(e.seconds)}}}});
  }
  return {{"schema_version", r.schema_version},
          {"tool", "ldbench"},
          {"profile", r.profile},
          {"seed_override", r.seed_override ? json(*r.seed_override) : json(nullptr)},
          {"command", r.command},
          {"summary",
           {{"passed", r.passed()},
            {"experiments", r.experiments.size()},
            {"checks", r.checks_total()},
            {"checks_failed", r.checks_failed()},
            {"alpha_total", num(r.alpha_total())}}},
          {"conventions", conventions()},
          {"build",
           {{"version", r.build.version},
            {"compiler", r.build.compiler},
            {"buildtype", r.build.buildtype},
            {"flags", r.build.flags},
            {"git_commit", r.build.git_commit}}},
          {"run_environment",
           {{"threads", r.run.threads}, {"started_utc", r.run.started_utc}, {"wall_seconds", num(r.run.wall_seconds)}}},
          {"experiments", exps},
          {"kill_matrix", r.kill_matrix ? kill_matrix_json(*r.kill_matrix) : json(nullptr)},
          {"calibration", r.calibration ? calibration_json(*r.calibration) : json(nullptr)}};
}

Report report_from_json(const json& j) {
  try {
    Report r;
    r.schema_version = j.at("schema_version").get<int>();
    if (r.schema_version != kSchemaVersion)
      throw std::runtime_error("/schema_version: " + std::to_string(r.schema_version) +
                               " is not supported; this ldbench reads schema " + std::to_string(kSchemaVersion));
    r.profile = j.at("profile").get<std::string>();
    if (!j.at("seed_override").is_null()) r.seed_override = j.at("seed_override").get<std::uint32_t>();
    r.command = j.at("command").get<std::string>();
    const auto& b = j.at("build");
    r.build = {b.at("version").get<std::string>(), b.at("compiler").get<std::string>(),
               b.at("buildtype").get<std::string>(), b.at("flags").get<std::string>(),
               b.at("git_commit").get<std::string>()};
    const auto& env = j.at("run_environment");
    r.run = {env.at("threads").get<int>(), env.at("started_utc").get<std::string>(),
             num_from(env.at("wall_seconds"))};
    for (const auto& e : j.at("experiments")) {
      Experiment x;
      x.name = e.at("name").get<std::string>();
      x.kind = e.at("kind").get<std::string>();
      x.description = e.at("description").get<std::string>();
      x.spec_file = e.at("spec_file").get<std::string>();
      x.seed = e.at("seed").get<std::uint32_t>();
      x.replicas = e.at("replicas").get<int>();
      x.params = e.at("params");
      x.status = e.at("status").get<std::string>();
      x.error = e.at("error").get<std::string>();
      for (const auto& c : e.at("checks")) x.checks.push_back(check_from(c));
      x.results = e.at("results");
      for (const auto& p : e.at("plots")) x.plots.push_back(plot_from(p));
      x.seconds = num_from(e.at("timing").at("seconds"));
      r.experiments.push_back(std::move(x));
    }
    if (j.contains("kill_matrix") && !j.at("kill_matrix").is_null()) r.kill_matrix = kill_matrix_from(j.at("kill_matrix"));
    if (j.contains("calibration") && !j.at("calibration").is_null()) r.calibration = calibration_from(j.at("calibration"));
    return r;
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("report.json is malformed: ") + e.what());
  }
}

json deterministic_part(json j) {
  j.erase("run_environment");
  if (j.contains("experiments"))
    for (auto& e : j["experiments"]) e.erase("timing");
  if (j.contains("kill_matrix") && j["kill_matrix"].is_object() && j["kill_matrix"].contains("runs"))
    for (auto& r : j["kill_matrix"]["runs"]) r.erase("timing");
  return j;
}

}  // namespace ldbench::reports
