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
          {"experiments", exps}};
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
    return r;
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("report.json is malformed: ") + e.what());
  }
}

json deterministic_part(json j) {
  j.erase("run_environment");
  if (j.contains("experiments"))
    for (auto& e : j["experiments"]) e.erase("timing");
  return j;
}

}  // namespace ldbench::reports
