// Drivers of the OU slice: kinds "ou_weak_order" and "ou_kl_decay" (verify/harness/ou.hpp).
//
// Common params:
//   dim         integer 1..1000
//   a, lambda   OU drift coefficient and temperature, dX = -aX dt + sqrt(2 lambda) dB (default 1, 1)
//   start       {"weights": [w..], "means": [m..], "variances": [v..]}: isotropic Gaussian mixture;
//               each mean is a number (all coordinates) or an array of length dim
//   particles   integer 16..10^8 (memory is checked: particles x dim x 8 bytes x 3 <= 8 GiB)
//   mutant      "none" (default) or a deliberately broken integrator (lib/sde/ou.hpp)
// ou_weak_order: t_end (0, 100], steps [h..] (>= 4 entries, each dividing t_end, h a < 2)
// ou_kl_decay:   t_end (0, 100], step h (divides t_end, h a < 2), record_every (divides the step
//                count), estimator "gaussian_fit_kl" | "histogram_kl" (d = 1), fit_floor_factor >= 1
#include <cmath>
#include <sstream>

#include "experiments/drivers/common.hpp"
#include "experiments/drivers/drivers.hpp"
#include "lib/sde/euler_maruyama.hpp"
#include "verify/harness/ou.hpp"
#include "verify/stats/confidence.hpp"
#include "verify/checks/checks.hpp"

namespace ldbench::experiments::drivers {

using nlohmann::json;
namespace vh = verify::harness;

namespace {

void parse_common(const Node& p, vh::OuSetup& s, json& eff) {
  s.dim = static_cast<int>(p.at("dim").integer(1, 1000));
  s.ou.a = p.number_or("a", 1.0, 0.0, 1e6, true);
  s.ou.lambda = p.number_or("lambda", 1.0, 0.0, 1e6, true);
  s.particles = static_cast<long>(p.at("particles").integer(16, 100000000));
  const double bytes = static_cast<double>(s.particles) * s.dim * 8.0 * 3.0;
  if (bytes > 8.0 * (1ull << 30))
    p.at("particles").fail("particles x dim needs " + fmt(bytes / (1ull << 30)) + " GiB",
                           "keep particles x dim x 24 bytes <= 8 GiB");
  const std::string mutant = p.one_of_or("mutant", "none", lib::sde::ou_mutant_names());
  s.mutant = lib::sde::ou_mutant_from_string(mutant);

  const Node st = p.at("start");
  st.object_with({"weights", "means", "variances"});
  const auto w = st.at("weights").numbers(1, 64, 0.0, 1.0, true);
  double sum = 0;
  for (double x : w) sum += x;
  if (std::abs(sum - 1.0) > 1e-12) st.at("weights").fail("sums to " + fmt(sum), "weights must sum to 1");
  const Node means = st.at("means");
  if (!means.raw().is_array() || means.size() != w.size())
    means.fail("must be an array with one mean per weight", "expected " + std::to_string(w.size()) + " entries");
  s.start.weights = w;
  json means_eff = json::array();
  for (std::size_t j = 0; j < w.size(); ++j) {
    const Node m = means[j];
    Eigen::VectorXd mu(s.dim);
    if (m.raw().is_number()) {
      mu.setConstant(m.number(-1e6, 1e6));
    } else {
      const auto v = m.numbers(static_cast<std::size_t>(s.dim), static_cast<std::size_t>(s.dim), -1e6, 1e6, false);
      for (int c = 0; c < s.dim; ++c) mu(c) = v[static_cast<std::size_t>(c)];
    }
    s.start.means.push_back(mu);
    means_eff.push_back(std::vector<double>(mu.data(), mu.data() + mu.size()));
  }
  const Node vars = st.at("variances");
  s.start.variances = vars.numbers(w.size(), w.size(), 0.0, 1e6, true);
  eff = {{"dim", s.dim},
         {"a", s.ou.a},
         {"lambda", s.ou.lambda},
         {"particles", s.particles},
         {"mutant", mutant},
         {"start", {{"weights", w}, {"means", means_eff}, {"variances", s.start.variances}}}};
}

void check_step(const Node& where, double h, double a) {
  if (!(h * a < 2.0))
    where.fail("step " + fmt(h) + " is over the stability limit 2/a = " + fmt(2.0 / a), "use a step < 2/a");
}

void check_divides(const Node& where, double t_end, double h) {
  const double n = std::round(t_end / h);
  if (n < 1 || std::abs(n * h - t_end) > 1e-9 * t_end)
    where.fail("step " + fmt(h) + " does not divide t_end = " + fmt(t_end), "choose t_end / step integral");
  if (n > 1e8) where.fail("t_end / step = " + fmt(n) + " steps", "at most 1e8 steps");
}

json interval_json(const verify::stats::Interval& iv) {
  return {{"mean", iv.mean}, {"ci", {iv.lo, iv.hi}}, {"sd", iv.sd}, {"n", iv.n}};
}

Prepared prepare_weak_order(const ParsedSpec& spec, const std::map<std::string, double>& alpha) {
  const Node p = params_node(spec);
  p.object_with({"dim", "a", "lambda", "start", "particles", "mutant", "t_end", "steps"});
  vh::WeakOrderSetup s;
  json eff;
  parse_common(p, s, eff);
  s.t_end = p.at("t_end").number(0.0, 100.0, true);
  s.steps = p.at("steps").numbers(4, 32, 0.0, 100.0, true);
  for (std::size_t i = 0; i < s.steps.size(); ++i) {
    check_step(p.at("steps")[i], s.steps[i], s.ou.a);
    check_divides(p.at("steps")[i], s.t_end, s.steps[i]);
  }
  double mean0 = 0;
  for (std::size_t j = 0; j < s.start.weights.size(); ++j) mean0 += s.start.weights[j] * s.start.means[j].mean();
  if (mean0 == 0) p.at("start").fail("has mean 0", "the weak-order check of E[X] needs a start with nonzero mean");
  s.replicas = spec.header.replicas;
  s.seed = spec.header.seed;
  s.alpha = alpha;
  eff["t_end"] = s.t_end;
  eff["steps"] = s.steps;
  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    vh::WeakOrderSetup run = s;
    run.threads = ctx.threads;
    reports::Experiment e = base_experiment(h, eff);
    const auto r = vh::run_ou_weak_order(run, ctx.progress);
    e.checks = r.checks;
    for (const auto& ob : r.observables) {
      reports::Plot pl;
      pl.id = "weak_error_" + ob.name;
      pl.title = "Euler–Maruyama weak error of the " + ob.name + " at t = " + fmt(s.t_end);
      pl.xlabel = "step h";
      pl.ylabel = "|weak error|";
      pl.logx = pl.logy = true;
      reports::Series meas{"measured (coupled, " + std::to_string(s.replicas) + " replicas)",
                           reports::SeriesStyle::measured, s.steps, {}, {}, {}};
      append_replica_band(ob.errors, run.alpha_of("weak_error_" + ob.name + "_matches_em_law") / static_cast<double>(s.steps.size()), meas, true);
      reports::Series exact{"exact Euler–Maruyama law", reports::SeriesStyle::exact, s.steps, {}, {}, {}};
      for (double v : ob.em_law_error) exact.y.push_back(std::abs(v));
      const double c1 = std::abs(ob.em_law_error.back()) / s.steps.back();
      reports::Series ref{"order 1 reference C h", reports::SeriesStyle::reference, s.steps, {}, {}, {}};
      for (double hh : s.steps) ref.y.push_back(c1 * hh);
      pl.series = {meas, exact, ref};
      e.plots.push_back(pl);
      const auto iv = verify::stats::two_sided(ob.orders, run.alpha_of("weak_order_" + ob.name));
      e.results["fitted_order_" + ob.name] = interval_json(iv);
      e.results["fitted_order_" + ob.name]["per_replica"] = ob.orders;
      e.results["em_law_order_" + ob.name] = verify::checks::fit_weak_order(s.steps, ob.em_law_error);
    }
    return e;
  };
  return out;
}

Prepared prepare_kl_decay(const ParsedSpec& spec, const std::map<std::string, double>& alpha) {
  const Node p = params_node(spec);
  p.object_with({"dim", "a", "lambda", "start", "particles", "mutant", "t_end", "step", "record_every",
                 "estimator", "fit_floor_factor"});
  vh::KlDecaySetup s;
  json eff;
  parse_common(p, s, eff);
  s.t_end = p.at("t_end").number(0.0, 100.0, true);
  s.step = p.at("step").number(0.0, 100.0, true);
  check_step(p.at("step"), s.step, s.ou.a);
  check_divides(p.at("step"), s.t_end, s.step);
  const auto n_steps = static_cast<long long>(std::round(s.t_end / s.step));
  s.record_every = static_cast<std::uint32_t>(p.integer_or("record_every", 10, 1, n_steps));
  if (n_steps % s.record_every != 0)
    p.at("record_every").fail(std::to_string(s.record_every) + " does not divide the " + std::to_string(n_steps) + " steps",
                              "choose a divisor of t_end / step");
  const std::string est = p.one_of_or("estimator", "gaussian_fit_kl", {"gaussian_fit_kl", "histogram_kl"});
  s.estimator = verify::estimators::kl_estimator_from_string(est);
  if (s.estimator == verify::estimators::KlEstimator::histogram && s.dim != 1)
    p.at("estimator").fail("histogram_kl is one-dimensional", "use gaussian_fit_kl when dim > 1");
  if (s.start.weights.size() > 1 && s.dim != 1)
    p.at("start").fail("a mixture start has no exact law in dim > 1 here", "use one component, or dim = 1");
  s.fit_floor_factor = p.number_or("fit_floor_factor", 10.0, 1.0, 1e6);
  s.replicas = spec.header.replicas;
  s.seed = spec.header.seed;
  s.alpha_bound = alpha.at("kl_lsi_bound");
  s.alpha_rate = alpha.at("kl_rate");
  eff["t_end"] = s.t_end;
  eff["step"] = s.step;
  eff["record_every"] = s.record_every;
  eff["estimator"] = est;
  eff["fit_floor_factor"] = s.fit_floor_factor;
  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    vh::KlDecaySetup run = s;
    run.threads = ctx.threads;
    reports::Experiment e = base_experiment(h, eff);
    const auto r = vh::run_ou_kl_decay(run, ctx.progress);
    e.checks = r.checks;
    reports::Plot pl;
    pl.id = "kl_decay";
    pl.title = "KL(p_t || N(0, (lambda/a) I)) along the OU flow";
    pl.xlabel = "t";
    pl.ylabel = "KL (nats)";
    pl.logy = true;
    reports::Series meas{"measured minus floor (" + std::to_string(s.replicas) + " replicas)",
                         reports::SeriesStyle::measured, r.times, {}, {}, {}};
    append_replica_band(r.corrected, 2.0 * s.alpha_bound, meas);
    reports::Series exact{"exact law", reports::SeriesStyle::exact, r.times, r.exact, {}, {}};
    reports::Series bound{"LSI bound exp(-2at) KL_0", reports::SeriesStyle::bound, r.times, r.bound, {}, {}};
    reports::Series floor{"estimator floor (upper limit)", reports::SeriesStyle::floor, r.times,
                          std::vector<double>(r.times.size(), r.floor_interval.hi), {}, {}};
    pl.series = {meas, exact, bound, floor};
    e.plots.push_back(pl);
    e.results["kl0"] = r.kl0;
    e.results["lsi_alpha"] = r.lsi_alpha;
    e.results["claimed_rate"] = 2.0 * r.lsi_alpha * s.ou.lambda;
    e.results["floor"] = interval_json(r.floor_interval);
    std::vector<double> tw, ew;
    for (std::size_t j = 0; j < r.times.size(); ++j)
      if (r.fit_window[j]) {
        tw.push_back(r.times[j]);
        ew.push_back(r.exact[j]);
      }
    e.results["fit_window"] = tw.empty() ? json::array() : json::array({tw.front(), tw.back()});
    if (tw.size() >= 3) {
      const auto iv = verify::stats::two_sided(r.rates, 2.0 * s.alpha_rate);
      e.results["fitted_rate"] = interval_json(iv);
      e.results["fitted_rate"]["per_replica"] = r.rates;
      e.results["exact_law_rate_over_window"] = verify::checks::fit_decay_rate(tw, ew);
    }
    return e;
  };
  return out;
}

}  // namespace

void register_ou_kinds(KindRegistry& r) {
  r.add({"ou_weak_order",
         "Euler–Maruyama weak order on the OU process, against a coupled exact solution and the exact EM law",
         {{"weak_order_mean", true, 5e-6},
          {"weak_order_second_moment", true, 5e-6},
          {"weak_error_mean_matches_em_law", true, 5e-6},
          {"weak_error_second_moment_matches_em_law", true, 5e-6}},
         prepare_weak_order});
  r.add({"ou_kl_decay",
         "KL(p_t || pi) along the OU flow under the Gaussian-LSI bound, its decay rate, and de Bruijn's identity",
         {{"kl_lsi_bound", true, 5e-6},
          {"kl_rate", true, 5e-6},
          {"exact_law_lsi_bound", false, 0.0},
          {"de_bruijn", false, 0.0}},
         prepare_kl_decay});
}

}  // namespace ldbench::experiments::drivers
