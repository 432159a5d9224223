// Drivers of the Fokker–Planck slice (issue 5): kinds "fp_ou_grid", "fp_double_well" and
// "fp_lsi_bounds" (this file) and "fp_ula_grid" (fp_ula.cpp). Ground truth is the structure-
// preserving Scharfetter–Gummel solver of lib/fp; harness: verify/harness/fp.hpp. Every check here is
// DETERMINISTIC (no Monte Carlo): it is judged against a named tolerance stated in the spec's
// effective params and in the check's rule, never against a false-fail budget.
//
// fp_ou_grid (quadratic U = a|x|²/2, d = 1 or 2, against theory/ou.hpp's exact Gaussian law,
// compared as CELL AVERAGES, the finite-volume unknowns):
//   dim 1|2; a, lambda (> 0; default 1, 0.5); start {"mean": x | [x, y], "variance": v}; t_end;
//   half_width L (box [-L, L]^dim); space {"grids": [n..] (>= 3, increasing), "scheme", "steps"};
//   time {"grid": n, "steps": [k..] (>= 3, increasing), "schemes": [..]}; order_tolerance (0.15);
//   solver_mutant none | diffusion_doubled | drift_flipped | backward_euler_stage_matrix |
//   tr_bdf2_uniform_weights (lib/fp/fokker_planck.hpp).
//   Checks: space_order_l1, space_order_max (claim 2, SG is second order for smooth data) and
//   time_order_<scheme> (backward_euler 1, tr_bdf2 2): |fitted order - claim| <= order_tolerance.
//   Why 0.15: with >= 3 resolutions in the asymptotic range, the next term of the error expansion
//   (relative size O(h²) resp. O(dt)) moves a least-squares slope by a few hundredths (measured
//   deviations are reported); a wrong operator (mutant) leaves an O(1) error that does not shrink,
//   i.e. a fitted order near 0, far outside the window. What kills the time orders: in 1-D every
//   mutant; in 2-D (same-grid TR-BDF2 reference, where the operator mutants cancel) the
//   time-stepping mutants: backward_euler_stage_matrix fails time_order_backward_euler (order ~0
//   against the intact TR-BDF2 reference), tr_bdf2_uniform_weights fails time_order_tr_bdf2 (its
//   self-convergence is first order).
//
// fp_double_well (default U = a x⁴ - b x², the notes' x⁴ - x²; any registered 1-D potential with
// "potential": {"name", "params"} or a name, resolved through catalogues().potentials, plugins
// included; a, b conflict with it):
//   lambda; a, b | potential; half_width, n; scheme, dt, t_end; starts [{weights, means, variances}..]
//   (the first is the main run); rate_window [kl_hi, kl_lo]; de_bruijn {"t_min", "points"};
//   tolerances {stationary, de_bruijn, rate, alpha_gap, gap_grid}; solver_mutant.
//   Checks: stationary_gibbs, de_bruijn, kl_rate_twice_gap, alpha_num_below_gap, gap_grid_converged
//   (a resolution GUARD: it compares two gaps of the correct operator, so no solver mutant can fail
//   it; it fails on too coarse a grid, tested). Eyring–Kramers: closed form for the double well,
//   otherwise the two-state formula at the located critical points (verify/harness/fp.hpp), or
//   null with a note when U does not have exactly two wells in the box; pi's mass in the outer 5%
//   of the box is reported.
//
// fp_lsi_bounds (U = B cos(omega x) + lambda1 x², several B):
//   lambda; B [..]; omega; lambda1; half_width, n; scheme, dt, t_end; starts; tolerances
//   {bound, alpha_gap, kl_curve}; bound_mutant none | hs_without_penalty | talagrand_without_factor_2;
//   solver_mutant; optional target_2d {"potential": a registered 2-D potential (name or {"name",
//   "params"}; default double_well), "lambda", "half_width", "n", "dt", "t_end", "start": {...},
//   "de_bruijn_tolerance", "w2_every", "talagrand_tolerance", "talagrand_kl_floor"} for the 2-D
//   gap, de Bruijn and Talagrand.
//   Checks: bounds_below_alpha_num, bounds_below_gap, alpha_num_below_gap, kl_under_lsi_bound
//   (and de_bruijn_2d, talagrand_2d with target_2d).
//   talagrand_2d: W2²(p_t, pi) <= 2 KL(p_t||pi)/alpha_t along the 2-D flow (Otto–Villani in
//   trajectory form, derivation at the check; normalisation KL <= I/(2 alpha) of DESIGN.md §2, so
//   T2 reads W2² <= 2 KL/alpha), alpha_t = min(min_{s in [t, t_end]} I_s/(2 KL_s), gap/lambda).
//   W2² is bracketed exactly for the piecewise-constant densities (lib/fp w2_squared_2d_bounds):
//   the check uses the marginal LOWER bound, so a failure certifies a violation; the
//   Knothe–Rosenblatt UPPER bound certifies where it holds. For a separable target the bracket
//   closes (lower = upper to 1e-9 relative). Along the slowest mode the bound is asymptotically
//   tight (ratio -> 1 - O(h²): 0.99965 at n = 96, t = 15), hence talagrand_tolerance 1e-3 for the
//   grid's O(h²) of either sign. Solver mutants cannot fail it (T2 holds for every density); the
//   bound mutant talagrand_without_factor_2 does (ratio 1.89).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <variant>

#include "experiments/catalogues.hpp"
#include "experiments/drivers/common.hpp"
#include "experiments/drivers/drivers.hpp"
#include "lib/fp/functionals.hpp"
#include "lib/fp/spectral.hpp"
#include "theory/kramers.hpp"
#include "theory/lsi.hpp"
#include "verify/checks/checks.hpp"
#include "verify/harness/fp.hpp"
#include "verify/stats/confidence.hpp"

namespace ldbench::experiments::drivers {

using nlohmann::json;
namespace vh = verify::harness;
namespace fp = lib::fp;

// ---------------------------------------------------------------------------------------------
// Spec-selectable potentials (shared with fp_ula.cpp, which declares these two functions).
// A potential is given as a registered name (string: default parameters) or as
// {"name": ..., "params": {...}}, resolved through catalogues().potentials (built-ins and plugins).
// Errors are SpecErrors naming the JSON path: an unknown name lists the known ones, a potential
// without the needed dimension lists the ones that have it, parameters are checked against the
// potential's declared ParamSpecs (unknown name, type, range) and then by its factory.

struct PotentialChoice {
  std::string name;
  lib::Params params;  // completed with the declared defaults
  json to_json() const;
};

json PotentialChoice::to_json() const {
  json pj = json::object();
  // (kv.first, not a structured binding: clang < 16 cannot capture bindings in a lambda)
  for (const auto& kv : params.values()) std::visit([&](const auto& x) { pj[kv.first] = x; }, kv.second);
  return {{"name", name}, {"params", pj}};
}

PotentialChoice potential_from_node(const Node& pn, int dim) {
  const auto& reg = catalogues().potentials;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  PotentialChoice c;
  const bool is_object = pn.raw().is_object();
  if (!is_object && !pn.raw().is_string())
    pn.fail("must be a registered potential name or {\"name\": ..., \"params\": {...}}", "known: " + join(reg.names()));
  if (is_object) pn.object_with({"name", "params"});
  const Node nn = is_object ? pn.at("name") : pn;
  c.name = nn.string();
  const lib::potentials::PotentialInfo* info = reg.find(c.name);
  if (!info) nn.fail("unknown potential \"" + c.name + "\"", "known: " + join(reg.names()));
  if (!info->dims.empty() && std::find(info->dims.begin(), info->dims.end(), dim) == info->dims.end()) {
    std::vector<std::string> ok;
    for (const auto& name : reg.names()) {
      const auto* i = reg.find(name);
      if (i->dims.empty() || std::find(i->dims.begin(), i->dims.end(), dim) != i->dims.end()) ok.push_back(name);
    }
    nn.fail("potential \"" + c.name + "\" has no " + std::to_string(dim) + "-D version", "potentials in " + std::to_string(dim) + "-D: " + join(ok));
  }
  for (const auto& ps : info->params) c.params.set(ps.name, ps.default_value);
  if (is_object && pn.has("params")) {
    const Node pp = pn.at("params");
    std::vector<std::string> allowed;
    for (const auto& ps : info->params) allowed.push_back(ps.name);
    pp.object_with(allowed);
    for (const auto& ps : info->params) {
      if (!pp.has(ps.name)) continue;
      const Node v = pp.at(ps.name);
      switch (ps.type) {
        case lib::ParamSpec::Type::real: c.params.set(ps.name, v.number(ps.lo, ps.hi)); break;
        case lib::ParamSpec::Type::integer:
          c.params.set(ps.name, static_cast<long>(v.integer(static_cast<long long>(ps.lo), static_cast<long long>(ps.hi))));
          break;
        case lib::ParamSpec::Type::text: c.params.set(ps.name, ps.choices.empty() ? v.string() : v.one_of(ps.choices)); break;
        case lib::ParamSpec::Type::boolean:
          if (!v.raw().is_boolean()) v.fail("must be true or false", ps.doc);
          c.params.set(ps.name, v.raw().get<bool>());
          break;
      }
    }
  }
  try {
    reg.make(c.name, dim, c.params);
  } catch (const std::invalid_argument& e) {
    pn.fail(e.what(), "see the potential's declared parameters");
  }
  return c;
}

namespace {

const std::vector<std::string> kMutants = {"none", "diffusion_doubled", "drift_flipped", "backward_euler_stage_matrix",
                                           "tr_bdf2_uniform_weights"};
const std::vector<std::string> kSchemes = {"backward_euler", "tr_bdf2"};

double slope(const std::vector<double>& x, const std::vector<double>& y) { return verify::stats::fit_line(x, y).slope; }

// Deterministic "the fitted order equals the claim within a named tolerance".
verify::CheckResult order_within(const std::string& id, const std::string& claim, const std::string& quantity,
                                 double order, double claimed, double tol, const std::string& detail) {
  verify::CheckResult c;
  c.id = id;
  c.kind = verify::CheckKind::identity;
  c.claim = claim;
  c.quantity = quantity;
  c.rule = "deterministic: fail iff |fitted order - " + fmt(claimed) + "| > order_tolerance = " + fmt(tol);
  c.measured = c.measured_lo = c.measured_hi = order;
  c.bound = claimed;
  c.tightness = order / claimed;
  c.resolution = tol;
  c.passed = std::isfinite(order) && std::abs(order - claimed) <= tol;
  c.detail = detail;
  return c;
}

// A relative-error identity with the measured value and the reference shown.
verify::CheckResult relative_close(const std::string& id, const std::string& claim, const std::string& quantity,
                                   double value, double reference, double tol, const std::string& detail) {
  verify::CheckResult c = verify::checks::identity({id, claim, quantity}, std::abs(value - reference) / std::abs(reference),
                                                   tol, detail);
  c.detail = "value " + fmt(value) + " vs " + fmt(reference) + (detail.empty() ? "" : "; " + detail);
  return c;
}

// A 1-D (or dim-D) isotropic Gaussian mixture start {"weights", "means", "variances"}; each mean a
// number (every coordinate) or an array of length dim.
lib::sde::IsotropicMixture parse_mixture(const Node& st, int dim, json& eff) {
  st.object_with({"weights", "means", "variances"});
  lib::sde::IsotropicMixture m;
  m.weights = st.at("weights").numbers(1, 16, 0.0, 1.0, true);
  double sum = 0;
  for (double w : m.weights) sum += w;
  if (std::abs(sum - 1.0) > 1e-12) st.at("weights").fail("sums to " + fmt(sum), "weights must sum to 1");
  const Node means = st.at("means");
  if (!means.raw().is_array() || means.size() != m.weights.size())
    means.fail("must be an array with one mean per weight", "expected " + std::to_string(m.weights.size()) + " entries");
  json me = json::array();
  for (std::size_t j = 0; j < m.weights.size(); ++j) {
    Eigen::VectorXd mu(dim);
    if (means[j].raw().is_number()) {
      mu.setConstant(means[j].number(-1e3, 1e3));
    } else {
      const auto v = means[j].numbers(static_cast<std::size_t>(dim), static_cast<std::size_t>(dim), -1e3, 1e3, false);
      for (int c = 0; c < dim; ++c) mu(c) = v[static_cast<std::size_t>(c)];
    }
    m.means.push_back(mu);
    me.push_back(std::vector<double>(mu.data(), mu.data() + mu.size()));
  }
  m.variances = st.at("variances").numbers(m.weights.size(), m.weights.size(), 0.0, 1e3, true);
  eff = {{"weights", m.weights}, {"means", me}, {"variances", m.variances}};
  return m;
}

std::vector<long> increasing_counts(const Node& n, std::size_t min_size, long lo, long hi) {
  const auto v = n.numbers(min_size, 16, static_cast<double>(lo), static_cast<double>(hi), false);
  std::vector<long> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != std::floor(v[i])) n[i].fail("must be an integer", "counts of cells or steps");
    if (i > 0 && !(v[i] > v[i - 1])) n[i].fail("must increase", "e.g. [80, 160, 320]");
    out.push_back(static_cast<long>(v[i]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// fp_ou_grid

struct OuGridSpec {
  vh::OuGridCase c;
  std::vector<long> grids;
  fp::Scheme space_scheme = fp::Scheme::tr_bdf2;
  long space_steps = 2000;
  long time_grid = 2000;
  std::vector<long> time_steps;
  std::vector<fp::Scheme> time_schemes;
  std::string time_reference = "exact";
  long reference_steps = 0;
  double order_tol = 0.15;
};

Prepared prepare_ou_grid(const ParsedSpec& spec, const std::map<std::string, double>&) {
  const Node p = params_node(spec);
  p.object_with({"dim", "a", "lambda", "start", "t_end", "half_width", "space", "time", "order_tolerance", "solver_mutant"});
  OuGridSpec s;
  s.c.dim = static_cast<int>(p.at("dim").integer(1, 2));
  s.c.a = p.number_or("a", 1.0, 0.0, 1e3, true);
  s.c.lambda = p.number_or("lambda", 0.5, 0.0, 1e3, true);
  const Node st = p.at("start");
  st.object_with({"mean", "variance"});
  if (st.at("mean").raw().is_number()) {
    s.c.m0.assign(static_cast<std::size_t>(s.c.dim), st.at("mean").number(-1e3, 1e3));
  } else {
    s.c.m0 = st.at("mean").numbers(static_cast<std::size_t>(s.c.dim), static_cast<std::size_t>(s.c.dim), -1e3, 1e3, false);
  }
  s.c.v0 = st.at("variance").number(0.0, 1e3, true);
  s.c.t_end = p.at("t_end").number(0.0, 100.0, true);
  s.c.half_width = p.at("half_width").number(0.0, 1e3, true);
  // The box must hold the law: the start and the stationary law within 7 standard deviations.
  const double sd = std::sqrt(std::max(s.c.v0, s.c.lambda / s.c.a));
  for (double m : s.c.m0)
    if (std::abs(m) + 7 * sd > s.c.half_width)
      p.at("half_width").fail(fmt(s.c.half_width) + " truncates the law (|mean| + 7 sd = " + fmt(std::abs(m) + 7 * sd) + ")",
                              "use half_width >= |mean| + 7 max(sqrt(variance), sqrt(lambda/a))");
  const Node sp = p.at("space");
  sp.object_with({"grids", "scheme", "steps"});
  const long max_cells = s.c.dim == 1 ? 200000 : 1024;
  s.grids = increasing_counts(sp.at("grids"), 3, 8, max_cells);
  s.space_scheme = fp::scheme_from_string(sp.one_of_or("scheme", "tr_bdf2", kSchemes));
  s.space_steps = sp.integer_or("steps", 1000, 1, 10000000);
  const Node tm = p.at("time");
  tm.object_with({"grid", "steps", "schemes", "reference", "reference_steps"});
  s.time_grid = tm.at("grid").integer(8, max_cells);
  s.time_steps = increasing_counts(tm.at("steps"), 3, 1, 10000000);
  json schemes_eff = json::array();
  if (tm.has("schemes")) {
    const Node sc = tm.at("schemes");
    if (!sc.raw().is_array() || sc.size() == 0) sc.fail("must be a non-empty array", "e.g. [\"backward_euler\", \"tr_bdf2\"]");
    for (std::size_t i = 0; i < sc.size(); ++i) s.time_schemes.push_back(fp::scheme_from_string(sc[i].one_of(kSchemes)));
  } else {
    s.time_schemes = {fp::Scheme::backward_euler, fp::Scheme::tr_bdf2};
  }
  for (auto sc : s.time_schemes) schemes_eff.push_back(std::string(fp::to_string(sc)));
  s.time_reference = tm.one_of_or("reference", "exact", {"exact", "same_grid"});
  s.reference_steps = tm.integer_or("reference_steps", 16 * s.time_steps.back(), 1, 10000000);
  if (s.time_reference == "same_grid" && s.reference_steps < 8 * s.time_steps.back())
    tm.at("reference_steps").fail("must be >= 8 x the largest step count (" + std::to_string(8 * s.time_steps.back()) + ")",
                                  "the reference's own time error must be negligible");
  s.order_tol = p.number_or("order_tolerance", 0.15, 0.0, 1.0, true);
  const std::string mutant = p.one_of_or("solver_mutant", "none", kMutants);
  s.c.mutant = fp::fp_mutant_from_string(mutant);
  // Cost guard (2-D: cells x steps).
  const double cells = std::pow(static_cast<double>(s.grids.back()), s.c.dim);
  if (cells * static_cast<double>(s.space_steps) > 5e9)
    sp.at("steps").fail("finest grid x steps = " + fmt(cells * static_cast<double>(s.space_steps)) + " cell-steps", "keep it <= 5e9");
  json eff = {{"dim", s.c.dim},
              {"a", s.c.a},
              {"lambda", s.c.lambda},
              {"start", {{"mean", s.c.m0}, {"variance", s.c.v0}}},
              {"t_end", s.c.t_end},
              {"half_width", s.c.half_width},
              {"space", {{"grids", s.grids}, {"scheme", std::string(fp::to_string(s.space_scheme))}, {"steps", s.space_steps}}},
              {"time", {{"grid", s.time_grid}, {"steps", s.time_steps}, {"schemes", schemes_eff}, {"reference", s.time_reference},
                        {"reference_steps", s.time_reference == "same_grid" ? json(s.reference_steps) : json(nullptr)}}},
              {"order_tolerance", s.order_tol},
              {"solver_mutant", mutant},
              {"comparison", "cell averages of the exact law (erf differences), L1 = sum |p - p_exact| vol"}};
  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    reports::Experiment e = base_experiment(h, eff);
    const std::string dstr = std::to_string(s.c.dim) + "-D";
    try {
      // Space order.
      std::vector<double> hs, l1s, maxs, lh, ll1, lmax;
      double worst_boundary = 0;
      json per_grid = json::array();
      const int total = static_cast<int>(s.grids.size() + s.time_steps.size() * s.time_schemes.size());
      int done = 0;
      for (long n : s.grids) {
        const auto er = vh::ou_grid_error(s.c, static_cast<int>(n), s.space_scheme, s.space_steps);
        const double hh = 2 * s.c.half_width / static_cast<double>(n);
        hs.push_back(hh);
        l1s.push_back(er.l1);
        maxs.push_back(er.max);
        lh.push_back(std::log(hh));
        ll1.push_back(std::log(er.l1));
        lmax.push_back(std::log(er.max));
        worst_boundary = std::max(worst_boundary, er.boundary_mass);
        per_grid.push_back({{"n", n}, {"h", hh}, {"l1", er.l1}, {"max", er.max}, {"boundary_mass", er.boundary_mass}, {"seconds", er.seconds}});
        if (ctx.progress) ctx.progress(++done, total);
      }
      const double o_l1 = slope(lh, ll1), o_max = slope(lh, lmax);
      auto local_orders = [](const std::vector<double>& x, const std::vector<double>& y) {
        std::vector<double> o;
        for (std::size_t i = 1; i < x.size(); ++i) o.push_back((y[i] - y[i - 1]) / (x[i] - x[i - 1]));
        return o;
      };
      const std::string space_detail = "grids " + json(s.grids).dump() + ", " + std::string(fp::to_string(s.space_scheme)) +
                                       " with " + std::to_string(s.space_steps) + " steps; pairwise orders " +
                                       json(local_orders(lh, ll1)).dump();
      e.checks.push_back(order_within(
          "space_order_l1",
          "the Scharfetter–Gummel finite-volume scheme is second order in h for smooth data: the " + dstr +
              " OU grid solution at t = " + fmt(s.c.t_end) + " converges to the exact law (theory/ou.hpp) in L1 like h^2",
          "least-squares slope of log L1 error over log h", o_l1, 2.0, s.order_tol, space_detail));
      e.checks.push_back(order_within("space_order_max", "as space_order_l1, in the max norm over cells",
                                      "least-squares slope of log max error over log h", o_max, 2.0, s.order_tol,
                                      "pairwise orders " + json(local_orders(lh, lmax)).dump()));
      // Time orders on one fine grid against the exact law.
      json per_scheme = json::object();
      std::vector<reports::Series> time_series;
      Eigen::VectorXd ref_density;
      const bool same_grid = s.time_reference == "same_grid";
      if (same_grid) vh::ou_grid_error(s.c, static_cast<int>(s.time_grid), fp::Scheme::tr_bdf2, s.reference_steps, nullptr, &ref_density);
      const std::string against = same_grid ? "a TR-BDF2 reference with " + std::to_string(s.reference_steps) +
                                                  " steps on the same grid (the spatial error cancels; a wrong operator is caught by the space checks)"
                                            : "the exact OU law (grid fine enough that the spatial error is negligible)";
      for (fp::Scheme sc : s.time_schemes) {
        std::vector<double> dts, errs, ldt, le;
        for (long k : s.time_steps) {
          const auto er = vh::ou_grid_error(s.c, static_cast<int>(s.time_grid), sc, k, same_grid ? &ref_density : nullptr);
          const double dt = s.c.t_end / static_cast<double>(k);
          dts.push_back(dt);
          errs.push_back(er.l1);
          ldt.push_back(std::log(dt));
          le.push_back(std::log(er.l1));
          if (ctx.progress) ctx.progress(++done, total);
        }
        const double claim = sc == fp::Scheme::backward_euler ? 1.0 : 2.0;
        const double o = slope(ldt, le);
        const std::string name(fp::to_string(sc));
        e.checks.push_back(order_within(
            "time_order_" + name,
            name + " is order " + fmt(claim) + " in dt: on a " + std::to_string(s.time_grid) +
                "-cell-per-axis grid the L1 error at t_end against " + against + " shrinks like dt^" + fmt(claim),
            "least-squares slope of log L1 error over log dt", o, claim, s.order_tol,
            "steps " + json(s.time_steps).dump() + "; pairwise orders " + json(local_orders(ldt, le)).dump()));
        per_scheme[name] = {{"dt", dts}, {"l1", errs}, {"order", o}, {"claim", claim}};
        time_series.push_back({name + " (L1 error)", reports::SeriesStyle::measured, dts, errs, {}, {}});
        std::vector<double> ref;
        for (double dt : dts) ref.push_back(errs.front() * std::pow(dt / dts.front(), claim));
        time_series.push_back({"dt^" + fmt(claim) + " reference", reports::SeriesStyle::reference, dts, ref, {}, {}});
      }
      reports::Plot ps;
      ps.id = "space_order";
      ps.title = "OU " + dstr + ": grid error at t = " + fmt(s.c.t_end) + " against the exact law";
      ps.xlabel = "h";
      ps.ylabel = "error";
      ps.logx = ps.logy = true;
      std::vector<double> ref2;
      for (double hh : hs) ref2.push_back(l1s.front() * std::pow(hh / hs.front(), 2.0));
      ps.series = {{"L1 error", reports::SeriesStyle::measured, hs, l1s, {}, {}},
                   {"max error", reports::SeriesStyle::measured, hs, maxs, {}, {}},
                   {"h^2 reference", reports::SeriesStyle::reference, hs, ref2, {}, {}}};
      e.plots.push_back(ps);
      reports::Plot pt;
      pt.id = "time_order";
      pt.title = "OU " + dstr + ": L1 error against dt";
      pt.xlabel = "dt";
      pt.ylabel = "L1 error";
      pt.logx = pt.logy = true;
      pt.series = time_series;
      e.plots.push_back(pt);
      e.results["space"] = {{"per_grid", per_grid}, {"order_l1", o_l1}, {"order_max", o_max}, {"claim", 2.0}};
      e.results["time"] = per_scheme;
      e.results["max_boundary_mass"] = worst_boundary;
    } catch (const std::exception& ex) {
      e.status = "error";
      e.error = ex.what();
    }
    return e;
  };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shared by fp_double_well and fp_lsi_bounds: a 1-D grid flow family.

struct FlowSpec {
  double lambda = 0.1;
  double half_width = 2.5;
  int n = 1000;
  fp::Scheme scheme = fp::Scheme::tr_bdf2;
  double dt = 0.02;
  double t_end = 100;
  std::vector<lib::sde::IsotropicMixture> starts;
  fp::FpMutant mutant = fp::FpMutant::none;
  double ratio_kl_floor = 1e-11;
  long startup_steps = 0;
  double dt_initial = 0, t_initial = 0;
  long record_every = 1;
  double negative_mass_tol = 1e-5;
};

void parse_flow(const Node& p, FlowSpec& f, json& eff, double default_half_width) {
  f.half_width = p.number_or("half_width", default_half_width, 0.0, 1e3, true);
  f.n = static_cast<int>(p.at("n").integer(16, 200000));
  f.scheme = fp::scheme_from_string(p.one_of_or("scheme", "tr_bdf2", kSchemes));
  f.startup_steps = p.integer_or("startup_steps", 4, 0, 1000);
  f.dt = p.at("dt").number(0.0, 1e3, true);
  f.t_end = p.at("t_end").number(0.0, 1e6, true);
  f.record_every = p.integer_or("record_every", 10, 1, 100000);
  f.negative_mass_tol = p.number_or("negative_mass_tol", 1e-5, 0.0, 1e-2);
  if (p.has("initial_phase")) {
    const Node ip = p.at("initial_phase");
    ip.object_with({"dt", "t"});
    f.dt_initial = ip.at("dt").number(0.0, f.dt, true);
    f.t_initial = ip.at("t").number(0.0, f.t_end / 2, true);
    if (f.t_initial / f.dt_initial > 5e6) ip.at("dt").fail("t / dt = " + fmt(f.t_initial / f.dt_initial) + " steps", "at most 5e6 steps");
  }
  if (f.t_end / f.dt > 5e6) p.at("dt").fail("t_end / dt = " + fmt(f.t_end / f.dt) + " steps", "at most 5e6 steps");
  if (f.t_end / f.dt < 10) p.at("dt").fail("t_end / dt = " + fmt(f.t_end / f.dt) + " steps", "at least 10 steps");
  const Node st = p.at("starts");
  if (!st.raw().is_array() || st.size() == 0 || st.size() > 16) st.fail("must be an array of 1..16 start laws", "e.g. [{\"weights\": [1], \"means\": [0.7], \"variances\": [0.05]}]");
  json se = json::array();
  for (std::size_t i = 0; i < st.size(); ++i) {
    json one;
    f.starts.push_back(parse_mixture(st[i], 1, one));
    for (const auto& m : f.starts.back().means)
      if (std::abs(m(0)) >= f.half_width) st[i].at("means").fail("a mean lies outside the box [-" + fmt(f.half_width) + ", " + fmt(f.half_width) + "]", "keep the start inside the box");
    se.push_back(one);
  }
  const std::string mutant = p.one_of_or("solver_mutant", "none", kMutants);
  f.mutant = fp::fp_mutant_from_string(mutant);
  eff["half_width"] = f.half_width;
  eff["n"] = f.n;
  eff["scheme"] = std::string(fp::to_string(f.scheme));
  eff["dt"] = f.dt;
  eff["startup_steps"] = f.startup_steps;
  eff["record_every"] = f.record_every;
  eff["negative_mass_tol"] = f.negative_mass_tol;
  eff["initial_phase"] = f.t_initial > 0 ? json{{"dt", f.dt_initial}, {"t", f.t_initial}} : json(nullptr);
  eff["t_end"] = f.t_end;
  eff["starts"] = se;
  eff["solver_mutant"] = mutant;
  eff["ratio_kl_floor"] = f.ratio_kl_floor;
}

struct FamilyResult {
  std::vector<vh::FlowRecord> runs;  // one per start; runs[0] to t_end, the others until KL < floor/10
  double alpha_num = std::numeric_limits<double>::infinity();
  std::size_t argmin = 0;
  double max_boundary_mass = 0, max_negative_mass = 0, max_mass_error = 0;
};

FamilyResult run_family(const fp::Grid& g, const Eigen::VectorXd& U, const FlowSpec& f, bool main_full, bool fisher_main) {
  FamilyResult r;
  fp::FpOptions o;
  o.lambda = f.lambda;
  o.scheme = f.scheme;
  o.mutant = f.mutant;
  o.negative_mass_tol = f.negative_mass_tol;
  for (std::size_t i = 0; i < f.starts.size(); ++i) {
    vh::FlowOptions fo;
    fo.dt = f.dt;
    fo.t_end = f.t_end;
    fo.fisher = i > 0 || fisher_main;
    fo.ratio_kl_floor = f.ratio_kl_floor;
    fo.startup_steps = f.startup_steps;
    fo.record_every = f.record_every;
    fo.dt_initial = f.dt_initial;
    fo.t_initial = f.t_initial;
    fo.kl_stop = (i == 0 && main_full) ? 1e-13 : 0.1 * f.ratio_kl_floor;
    r.runs.push_back(vh::run_flow(g, U, o, vh::cell_average_mixture(g, f.starts[i]), fo));
    const auto& run = r.runs.back();
    if (run.min_ratio < r.alpha_num) {
      r.alpha_num = run.min_ratio;
      r.argmin = i;
    }
    r.max_boundary_mass = std::max(r.max_boundary_mass, run.diagnostics.max_boundary_mass);
    r.max_negative_mass = std::max(r.max_negative_mass, run.diagnostics.max_negative_mass);
    r.max_mass_error = std::max(r.max_mass_error, run.diagnostics.mass_error);
  }
  return r;
}

reports::Series kl_series(const std::string& label, const vh::FlowRecord& run, double kl_min) {
  reports::Series s{label, reports::SeriesStyle::measured, {}, {}, {}, {}};
  const std::size_t stride = std::max<std::size_t>(1, run.t.size() / 400);
  for (std::size_t j = 0; j < run.t.size(); j += stride)
    if (run.kl[j] > kl_min) {
      s.x.push_back(run.t[j]);
      s.y.push_back(run.kl[j]);
    }
  return s;
}

reports::Series exp_line(const std::string& label, reports::SeriesStyle style, double t0, double kl0, double rate,
                         double t1, double kl_min) {
  reports::Series s{label, style, {}, {}, {}, {}};
  for (int j = 0; j <= 100; ++j) {
    const double t = t0 + (t1 - t0) * j / 100.0;
    const double v = kl0 * std::exp(-rate * (t - t0));
    if (v < kl_min) break;
    s.x.push_back(t);
    s.y.push_back(v);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// fp_double_well

struct DoubleWellSpec {
  FlowSpec f;
  PotentialChoice pot;  // default: double_well with a, b
  double kl_hi = 1e-4, kl_lo = 1e-10;
  double db_t_min = 1.0;
  int db_points = 20;
  long stationary_steps = 40;
  double stationary_dt_gaps = 10;
  double tol_stationary = 1e-9, tol_de_bruijn = 1e-3, tol_rate = 2e-3, tol_alpha_gap = 1e-3, tol_gap_grid = 1e-3;
};

Prepared prepare_double_well(const ParsedSpec& spec, const std::map<std::string, double>&) {
  const Node p = params_node(spec);
  p.object_with({"lambda", "a", "b", "potential", "half_width", "n", "scheme", "startup_steps", "initial_phase", "record_every", "negative_mass_tol", "dt", "t_end", "starts", "rate_window", "de_bruijn",
                 "tolerances", "solver_mutant", "stationary_phase"});
  DoubleWellSpec s;
  json eff;
  s.f.lambda = p.at("lambda").number(0.0, 100.0, true);
  if (p.has("potential")) {
    for (const char* legacy : {"a", "b"})
      if (p.has(legacy)) p.at(legacy).fail("conflicts with \"potential\"", "give the potential's parameters in potential.params");
    s.pot = potential_from_node(p.at("potential"), 1);
  } else {
    s.pot.name = "double_well";
    s.pot.params = catalogues().potentials.with_defaults("double_well");
    s.pot.params.set("a", p.number_or("a", 1.0, 0.0, 1e3, true));
    s.pot.params.set("b", p.number_or("b", 1.0, 0.0, 1e3, true));
  }
  parse_flow(p, s.f, eff, 2.5);
  if (p.has("rate_window")) {
    const auto w = p.at("rate_window").numbers(2, 2, 0.0, 1.0, true);
    if (!(w[1] < w[0])) p.at("rate_window").fail("must be [kl_hi, kl_lo] with kl_lo < kl_hi", "e.g. [1e-4, 1e-10]");
    if (w[1] < 1e-13) p.at("rate_window")[1].fail("below the round-off floor of KL", "keep kl_lo >= 1e-13");
    s.kl_hi = w[0];
    s.kl_lo = w[1];
  }
  if (p.has("de_bruijn")) {
    const Node d = p.at("de_bruijn");
    d.object_with({"t_min", "points"});
    s.db_t_min = d.number_or("t_min", s.db_t_min, 0.0, 1e6, true);
    s.db_points = static_cast<int>(d.integer_or("points", s.db_points, 3, 1000));
  }
  if (p.has("stationary_phase")) {
    const Node sp = p.at("stationary_phase");
    sp.object_with({"steps", "dt_times_gap"});
    s.stationary_steps = sp.integer_or("steps", s.stationary_steps, 1, 100000);
    s.stationary_dt_gaps = sp.number_or("dt_times_gap", s.stationary_dt_gaps, 0.0, 1e6, true);
  }
  eff["stationary_phase"] = {{"steps", s.stationary_steps}, {"dt_times_gap", s.stationary_dt_gaps}, {"scheme", "backward_euler"}};
  if (p.has("tolerances")) {
    const Node t = p.at("tolerances");
    t.object_with({"stationary", "de_bruijn", "rate", "alpha_gap", "gap_grid"});
    s.tol_stationary = t.number_or("stationary", s.tol_stationary, 0.0, 1.0, true);
    s.tol_de_bruijn = t.number_or("de_bruijn", s.tol_de_bruijn, 0.0, 1.0, true);
    s.tol_rate = t.number_or("rate", s.tol_rate, 0.0, 1.0, true);
    s.tol_alpha_gap = t.number_or("alpha_gap", s.tol_alpha_gap, 0.0, 1.0, true);
    s.tol_gap_grid = t.number_or("gap_grid", s.tol_gap_grid, 0.0, 1.0, true);
  }
  eff["lambda"] = s.f.lambda;
  if (s.pot.name == "double_well") {
    eff["a"] = s.pot.params.real("a");
    eff["b"] = s.pot.params.real("b");
  }
  eff["rate_window"] = {s.kl_hi, s.kl_lo};
  eff["de_bruijn"] = {{"t_min", s.db_t_min}, {"points", s.db_points}, {"delta", s.f.dt}};
  eff["tolerances"] = {{"stationary", s.tol_stationary}, {"de_bruijn", s.tol_de_bruijn}, {"rate", s.tol_rate},
                       {"alpha_gap", s.tol_alpha_gap}, {"gap_grid", s.tol_gap_grid}};
  eff["potential"] = s.pot.to_json();
  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    reports::Experiment e = base_experiment(h, eff);
    try {
      const FlowSpec& f = s.f;
      const auto pot = catalogues().potentials.make(s.pot.name, 1, s.pot.params);
      const fp::Grid g = fp::Grid::line(-f.half_width, f.half_width, f.n);
      const Eigen::VectorXd U = fp::sample(g, *pot);
      const double lam = f.lambda;
      const auto gap_t0 = std::chrono::steady_clock::now();
      const fp::SpectralGap gap = fp::spectral_gap(g, U, lam);
      const double gap_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - gap_t0).count();
      const fp::Grid g2 = fp::Grid::line(-f.half_width, f.half_width, 2 * f.n);
      const fp::SpectralGap gap2 = fp::spectral_gap(g2, *pot, lam);
      // Eyring–Kramers. For a x⁴ - b x² in closed form: minima ±sqrt(b/2a), U'' = 4b there, |U''(0)| = 2b,
      // barrier b²/(4a). Any other potential: two-state formula from its located critical points
      // (verify/harness/fp.hpp: kramers_for_potential), when it has exactly two wells in the box.
      double kramers = std::numeric_limits<double>::quiet_NaN();
      std::string kramers_note;
      if (s.pot.name == "double_well") {
        const double a = s.pot.params.real("a"), b = s.pot.params.real("b");
        if (b > 0) kramers = theory::kramers_spectral_gap_symmetric(4 * b, 2 * b, b * b / (4 * a), lam);
        else kramers_note = "b = 0: a single well, no Eyring–Kramers value";
      } else {
        const auto ke = vh::kramers_for_potential(*pot, -f.half_width, f.half_width, lam);
        if (ke.applicable) kramers = ke.gap;
        kramers_note = ke.applicable ? "two-state Eyring–Kramers from the located minima " + json(ke.minima).dump() + " and saddle " + json(ke.maxima).dump()
                                     : ke.note;
      }
      FamilyResult fam = run_family(g, U, f, true, true);
      if (ctx.progress) ctx.progress(1, 1);
      const vh::FlowRecord& main = fam.runs[0];
      // (a) stationarity: the main run (to KL < 1e-13 or t_end) continued by backward Euler with
      // large steps dt_s = stationary_dt_gaps / gap (each damps the slowest mode by 1/(1 + gap dt_s)).
      const Eigen::VectorXd pi = fp::gibbs_density(g, U, lam);
      fp::FpOptions be;
      be.lambda = lam;
      be.mutant = f.mutant;
      fp::FokkerPlanck longrun(g, U, be);
      longrun.set_density(main.final_density.cwiseMax(0.0), main.t.back());
      const double dt_s = s.stationary_dt_gaps / gap.gap;
      longrun.advance(dt_s * static_cast<double>(s.stationary_steps), s.stationary_steps);
      const double t_stat = longrun.time();
      Eigen::Index worst_cell = 0;
      const double dev = (longrun.density() - pi).cwiseAbs().maxCoeff(&worst_cell) / pi.maxCoeff();
      double xw;
      g.center(worst_cell, &xw);
      e.checks.push_back(verify::checks::identity(
          {"stationary_gibbs",
           "the discrete Gibbs density exp(-U/lambda)/Z is the steady state reached from a non-equilibrium start "
           "(" + pot->description() + ", lambda = " + fmt(lam) + ")",
           "max_i |p_i - pi_i| / max pi at t = " + fmt(t_stat) + " (the recorded run to t = " + fmt(main.t.back()) + ", then " +
               std::to_string(s.stationary_steps) + " backward Euler steps of " + fmt(dt_s) + ")"},
          dev, s.tol_stationary,
          "worst cell x = " + fmt(xw) + "; the transient left is ~(1 + gap dt_s)^-steps = " +
              fmt(std::pow(1 + gap.gap * dt_s, -static_cast<double>(s.stationary_steps)))));
      // (b) de Bruijn along the main run: central differences of the recorded KL with delta = the
      // local step (each phase judged with its own step; the worse of the two is reported).
      auto nearest = [&](double t) {
        const auto it = std::lower_bound(main.t.begin(), main.t.end(), t - 1e-9 * std::max(1.0, t));
        return static_cast<std::size_t>(std::min<std::ptrdiff_t>(it - main.t.begin(), static_cast<std::ptrdiff_t>(main.t.size()) - 1));
      };
      auto kl_at = [&](double t) { return main.kl.at(nearest(t)); };
      auto fi_at = [&](double t) { return main.fisher.at(nearest(t)); };
      double t_db_end = main.t.back();
      for (std::size_t j = 0; j < main.t.size(); ++j)
        if (main.kl[j] < 1e-8) {
          t_db_end = main.t[j];
          break;
        }
      const double t_switch = f.t_initial > 0 ? static_cast<double>(std::lround(f.t_initial / f.dt_initial)) * f.dt_initial : 0.0;
      struct Phase {
        double t0, t1, delta;
      };
      std::vector<Phase> phases;
      const double d1 = f.dt_initial * static_cast<double>(f.record_every), d2 = f.dt * static_cast<double>(f.record_every);
      if (t_switch > 0) phases.push_back({std::max(s.db_t_min, 2 * d1), std::min(t_switch - 2 * d1, t_db_end), d1});
      phases.push_back({std::max({s.db_t_min, t_switch + 2 * d2, 2 * d2}), std::min(t_db_end, main.t.back() - 2 * d2), d2});
      verify::CheckResult db;
      bool db_first = true;
      std::size_t n_judged = 0;
      std::string db_where;
      for (const Phase& ph : phases) {
        if (!(ph.t1 > ph.t0)) continue;
        std::vector<double> judged_t;
        for (int k = 0; k < s.db_points; ++k) {
          const double t = ph.t0 * std::pow(ph.t1 / ph.t0, k / static_cast<double>(s.db_points - 1));
          judged_t.push_back(main.t[nearest(t)]);
        }
        n_judged += judged_t.size();
        auto one = verify::checks::de_bruijn(
            {"de_bruijn",
             "semi-discrete de Bruijn identity dKL(p_t||pi)/dt = -lambda I_sg(p_t||pi) along the grid flow (lib/fp/functionals.hpp; "
             "exact for the space-discrete flow, here up to the " + std::string(fp::to_string(f.scheme)) + " time error)",
             "max relative error |dKL/dt + lambda I| / (lambda I), central difference with delta = record_every x the local step"},
            kl_at, fi_at, lam, judged_t, ph.delta, s.tol_de_bruijn);
        db_where += (db_where.empty() ? "" : "; ") + ("delta " + fmt(ph.delta) + " on [" + fmt(ph.t0) + ", " + fmt(ph.t1) + "]: max " + fmt(one.measured));
        if (db_first || !(one.measured <= db.measured)) {
          const bool ok = db_first ? one.passed : (db.passed && one.passed);
          db = one;
          db.passed = ok;
        } else {
          db.passed = db.passed && one.passed;
        }
        db_first = false;
      }
      if (db_first) {
        db = verify::checks::identity({"de_bruijn", "semi-discrete de Bruijn identity", "nothing judged"}, std::numeric_limits<double>::quiet_NaN(), s.tol_de_bruijn, "no time with KL >= 1e-8 after t_min");
        db.passed = false;
      }
      db.detail += "; " + std::to_string(n_judged) + " times judged (KL >= 1e-8): " + db_where;
      e.checks.push_back(db);
      // (c) late-time KL rate.
      std::vector<double> tw, kw;
      for (std::size_t j = 0; j < main.t.size(); ++j)
        if (main.kl[j] <= s.kl_hi && main.kl[j] >= s.kl_lo) {
          tw.push_back(main.t[j]);
          kw.push_back(main.kl[j]);
        }
      double rate = std::numeric_limits<double>::quiet_NaN();
      if (tw.size() >= 3) rate = verify::checks::fit_decay_rate(tw, kw);
      e.checks.push_back(relative_close(
          "kl_rate_twice_gap",
          "at late times KL(p_t||pi) decays like exp(-2 gap t), gap = smallest non-zero eigenvalue of the same discretised operator "
          "(lib/fp/spectral.hpp)",
          "relative error of the fitted rate of log KL over the window KL in [" + fmt(s.kl_lo) + ", " + fmt(s.kl_hi) + "] against 2 gap",
          rate, 2 * gap.gap, s.tol_rate,
          tw.size() >= 3 ? "window t in [" + fmt(tw.front()) + ", " + fmt(tw.back()) + "], " + std::to_string(tw.size()) + " records"
                         : "window has fewer than 3 records: lengthen t_end or widen rate_window"));
      // (d) alpha_num * lambda <= gap (1 + tol).
      const double alpha_gap_ratio = fam.alpha_num * lam / gap.gap;
      verify::CheckResult cd = verify::checks::identity(
          {"alpha_num_below_gap",
           "Poincaré: every LSI constant satisfies alpha <= gap/lambda (theory/kramers.hpp), and I/(2 KL) -> gap/lambda along the "
           "slowest mode, so the numerical LSI estimate alpha_num = min over starts and time of I/(2 KL) obeys alpha_num lambda <= gap",
           "alpha_num lambda / gap - 1 (positive part)"},
          std::max(0.0, alpha_gap_ratio - 1.0), s.tol_alpha_gap,
          "alpha_num = " + fmt(fam.alpha_num) + " (start " + std::to_string(fam.argmin) + ", t = " + fmt(fam.runs[fam.argmin].t_min_ratio) +
              "), gap/lambda = " + fmt(gap.gap / lam) + ", ratio " + fmt(alpha_gap_ratio));
      cd.passed = cd.passed && std::isfinite(fam.alpha_num);
      e.checks.push_back(cd);
      // (e) grid convergence of the gap.
      e.checks.push_back(relative_close(
          "gap_grid_converged",
          "the discrete spectral gap converges in h (O(h²)): n and 2n cells agree [a resolution GUARD: it compares two gaps of the "
          "correct operator, so no solver mutant can fail it; it fails when n does not resolve the potential, e.g. too few cells "
          "for a small lambda (tested)]",
          "relative difference of the gap on n = " + std::to_string(f.n) + " and 2n cells", gap.gap, gap2.gap, s.tol_gap_grid, ""));
      // Plots.
      reports::Plot pk;
      pk.id = "kl_decay";
      pk.title = "KL(p_t || pi), " + pot->description() + ", lambda = " + fmt(lam);
      pk.xlabel = "t";
      pk.ylabel = "KL (nats)";
      pk.logy = true;
      const double kl_min = 1e-13;
      pk.series.push_back(kl_series("grid KL (start 0)", main, kl_min));
      for (std::size_t i = 1; i < fam.runs.size(); ++i) pk.series.push_back(kl_series("grid KL (start " + std::to_string(i) + ")", fam.runs[i], kl_min));
      if (!tw.empty())
        pk.series.push_back(exp_line("exp(-2 gap t) from the window start", reports::SeriesStyle::reference, tw.front(), kw.front(),
                                     2 * gap.gap, main.t.back(), kl_min));
      e.plots.push_back(pk);
      reports::Plot pr;
      pr.id = "lsi_ratio";
      pr.title = "lambda I/(2 KL) along the main run against the gap";
      pr.xlabel = "t";
      pr.ylabel = "lambda I / (2 KL)";
      pr.logy = true;
      reports::Series rs{"lambda I/(2 KL)", reports::SeriesStyle::measured, {}, {}, {}, {}};
      const std::size_t stride = std::max<std::size_t>(1, main.t.size() / 400);
      for (std::size_t j = stride; j < main.t.size(); j += stride)
        if (main.kl[j] >= f.ratio_kl_floor) {
          rs.x.push_back(main.t[j]);
          rs.y.push_back(lam * main.fisher[j] / (2 * main.kl[j]));
        }
      pr.series = {rs};
      if (!rs.x.empty()) {
        pr.series.push_back({"gap", reports::SeriesStyle::bound, {rs.x.front(), rs.x.back()}, {gap.gap, gap.gap}, {}, {}});
        if (std::isfinite(kramers))
          pr.series.push_back({"Eyring–Kramers", reports::SeriesStyle::reference, {rs.x.front(), rs.x.back()}, {kramers, kramers}, {}, {}});
      }
      e.plots.push_back(pr);
      json starts_res = json::array();
      for (const auto& run : fam.runs)
        starts_res.push_back({{"kl0", run.kl.front()}, {"min_ratio", run.min_ratio}, {"t_min_ratio", run.t_min_ratio},
                              {"last_ratio", run.last_ratio}, {"t_last", run.t.back()}});
      e.results["gap"] = gap.gap;
      e.results["gap_2n"] = gap2.gap;
      e.results["gap_next"] = gap.next;
      e.results["gap_seconds"] = gap_seconds;
      e.results["potential"] = pot->description();
      e.results["kramers_gap"] = std::isfinite(kramers) ? json(kramers) : json(nullptr);
      e.results["gap_over_kramers"] = std::isfinite(kramers) ? json(gap.gap / kramers) : json(nullptr);
      e.results["kramers_over_gap"] = std::isfinite(kramers) ? json(kramers / gap.gap) : json(nullptr);
      if (!kramers_note.empty()) e.results["kramers_note"] = kramers_note;
      {
        // Truncation of the target by the box: pi's mass in the outer 5% of each side.
        const Eigen::VectorXd pig = fp::gibbs_density(g, U, lam);
        const long w = std::max(1L, std::lround(0.05 * f.n));
        e.results["pi_boundary_mass"] = {pig.head(w).sum() * g.cell_volume(), pig.tail(w).sum() * g.cell_volume()};
      }
      e.results["alpha_num"] = fam.alpha_num;
      e.results["gap_over_lambda"] = gap.gap / lam;
      e.results["alpha_num_lambda_over_gap"] = alpha_gap_ratio;
      e.results["fitted_kl_rate"] = rate;
      e.results["twice_gap"] = 2 * gap.gap;
      e.results["stationary_deviation"] = dev;
      e.results["de_bruijn_max_error"] = db.measured;
      e.results["max_boundary_mass"] = fam.max_boundary_mass;
      e.results["max_negative_mass"] = fam.max_negative_mass;
      e.results["max_mass_error"] = fam.max_mass_error;
      e.results["starts"] = starts_res;
      e.results["final_diagnostics"] = main.diagnostics.brief();
    } catch (const std::exception& ex) {
      e.status = "error";
      e.error = ex.what();
    }
    return e;
  };
  return out;
}

// ---------------------------------------------------------------------------------------------
// fp_lsi_bounds

struct Target2d {
  bool enabled = false;
  PotentialChoice pot;
  double lambda = 0.3, half_width = 2.5, dt = 0.02, t_end = 5;
  int n = 64;
  lib::sde::IsotropicMixture start;
  double tol_de_bruijn = 1e-3;
  long w2_every = 5;           // W2 bounds at every w2_every-th record
  double tol_talagrand = 1e-3;  // round-off / grid allowance of talagrand_2d (relative)
  double talagrand_kl_floor = 1e-9;
};

struct LsiSpec {
  FlowSpec f;
  std::vector<double> Bs;
  double omega = 3, lambda1 = 0.5;
  std::string bound_mutant = "none";
  double tol_bound = 1e-3, tol_alpha_gap = 1e-3, tol_kl_curve = 1e-6;
  Target2d t2;
};

Prepared prepare_lsi_bounds(const ParsedSpec& spec, const std::map<std::string, double>&) {
  const Node p = params_node(spec);
  p.object_with({"lambda", "B", "omega", "lambda1", "half_width", "n", "scheme", "startup_steps", "initial_phase", "record_every", "negative_mass_tol", "dt", "t_end", "starts", "tolerances",
                 "bound_mutant", "solver_mutant", "target_2d"});
  LsiSpec s;
  json eff;
  s.f.lambda = p.at("lambda").number(0.0, 100.0, true);
  s.Bs = p.at("B").numbers(1, 16, 0.0, 100.0, false);
  s.omega = p.number_or("omega", 3.0, 0.0, 1e3, true);
  s.lambda1 = p.number_or("lambda1", 0.5, 0.0, 1e3, true);
  parse_flow(p, s.f, eff, 4.0);
  // The box must hold pi: the confining part lambda1 x² at the wall must exceed the perturbation
  // by >= 30 lambda (pi at the wall <= e^{-30} of its peak).
  for (std::size_t i = 0; i < s.Bs.size(); ++i)
    if (s.lambda1 * s.f.half_width * s.f.half_width - 2 * s.Bs[i] < 30 * s.f.lambda)
      p.at("half_width").fail("the box truncates pi for B = " + fmt(s.Bs[i]) + " (lambda1 L² - 2B < 30 lambda)",
                              "use half_width >= sqrt((30 lambda + 2B)/lambda1) = " + fmt(std::sqrt((30 * s.f.lambda + 2 * s.Bs[i]) / s.lambda1)));
  s.bound_mutant = p.one_of_or("bound_mutant", "none", {"none", "hs_without_penalty", "talagrand_without_factor_2"});
  if (p.has("tolerances")) {
    const Node t = p.at("tolerances");
    t.object_with({"bound", "alpha_gap", "kl_curve"});
    s.tol_bound = t.number_or("bound", s.tol_bound, 0.0, 1.0, true);
    s.tol_alpha_gap = t.number_or("alpha_gap", s.tol_alpha_gap, 0.0, 1.0, true);
    s.tol_kl_curve = t.number_or("kl_curve", s.tol_kl_curve, 0.0, 1.0, true);
  }
  if (p.has("target_2d")) {
    const Node t = p.at("target_2d");
    t.object_with({"potential", "lambda", "half_width", "n", "dt", "t_end", "start", "de_bruijn_tolerance", "w2_every",
                   "talagrand_tolerance", "talagrand_kl_floor"});
    s.t2.enabled = true;
    if (t.has("potential")) {
      s.t2.pot = potential_from_node(t.at("potential"), 2);
    } else {
      s.t2.pot.name = "double_well";
      s.t2.pot.params = catalogues().potentials.with_defaults("double_well");
    }
    s.t2.lambda = t.at("lambda").number(0.0, 100.0, true);
    s.t2.half_width = t.number_or("half_width", 2.5, 0.0, 1e3, true);
    s.t2.n = static_cast<int>(t.at("n").integer(8, 512));
    s.t2.dt = t.at("dt").number(0.0, 1e3, true);
    s.t2.t_end = t.at("t_end").number(0.0, 1e4, true);
    if (s.t2.t_end / s.t2.dt > 1e5 || s.t2.t_end / s.t2.dt < 10) t.at("dt").fail("t_end / dt = " + fmt(s.t2.t_end / s.t2.dt), "10 .. 1e5 steps");
    json se;
    s.t2.start = parse_mixture(t.at("start"), 2, se);
    s.t2.tol_de_bruijn = t.number_or("de_bruijn_tolerance", 1e-3, 0.0, 1.0, true);
    s.t2.w2_every = t.integer_or("w2_every", s.t2.w2_every, 1, 100000);
    s.t2.tol_talagrand = t.number_or("talagrand_tolerance", s.t2.tol_talagrand, 0.0, 1.0);
    s.t2.talagrand_kl_floor = t.number_or("talagrand_kl_floor", s.t2.talagrand_kl_floor, 0.0, 1.0, true);
    eff["target_2d"] = {{"potential", s.t2.pot.to_json()}, {"lambda", s.t2.lambda}, {"half_width", s.t2.half_width}, {"n", s.t2.n},
                        {"dt", s.t2.dt}, {"t_end", s.t2.t_end}, {"start", se}, {"de_bruijn_tolerance", s.t2.tol_de_bruijn},
                        {"w2_every", s.t2.w2_every}, {"talagrand_tolerance", s.t2.tol_talagrand},
                        {"talagrand_kl_floor", s.t2.talagrand_kl_floor}};
  }
  eff["lambda"] = s.f.lambda;
  eff["B"] = s.Bs;
  eff["omega"] = s.omega;
  eff["lambda1"] = s.lambda1;
  eff["bound_mutant"] = s.bound_mutant;
  eff["tolerances"] = {{"bound", s.tol_bound}, {"alpha_gap", s.tol_alpha_gap}, {"kl_curve", s.tol_kl_curve}};
  eff["potential"] = "bounded_perturbation";
  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    reports::Experiment e = base_experiment(h, eff);
    try {
      const FlowSpec& f = s.f;
      const double lam = f.lambda;
      const fp::Grid g = fp::Grid::line(-f.half_width, f.half_width, f.n);
      const bool mut = s.bound_mutant == "hs_without_penalty";
      const bool t2_mut = s.bound_mutant == "talagrand_without_factor_2";
      std::vector<double> bx, bval, bnum, bgap;  // per (B, bound): x = B
      std::vector<std::string> blabel;
      std::vector<double> ktx, ktv, ktb;  // KL curve points
      std::vector<std::string> ktlabel;
      std::vector<double> ax, av;  // alpha_num lambda / gap per B
      json per_B = json::array();
      for (std::size_t ib = 0; ib < s.Bs.size(); ++ib) {
        const double B = s.Bs[ib];
        lib::Params pp;
        pp.set("B", B);
        pp.set("omega", s.omega);
        pp.set("lambda1", s.lambda1);
        const auto pot = catalogues().potentials.make("bounded_perturbation", 1, pp);
        const auto bp = *pot->bounded_perturbation();
        const auto curv = pot->curvature();
        const Eigen::VectorXd U = fp::sample(g, *pot);
        const fp::SpectralGap gap = fp::spectral_gap(g, U, lam);
        FamilyResult fam = run_family(g, U, f, false, true);
        // Theory lower bounds on alpha (KL <= I/(2 alpha)); the mutant drops the exponential penalty.
        const double alpha_ref = theory::bakry_emery_lsi(2 * bp.lambda1, lam);  // N(0, lambda/(2 lambda1)): 2 lambda1/lambda
        const double hs_notes = mut ? alpha_ref : theory::bounded_perturbation_example_lsi(bp.lambda1, bp.B, lam);
        const double hs_osc = mut ? alpha_ref : theory::holley_stroock_lsi_osc(alpha_ref, bp.osc / lam);
        std::vector<std::pair<std::string, double>> bounds = {{"holley_stroock_notes", hs_notes}, {"holley_stroock_osc", hs_osc}};
        const bool be_ok = curv.hess_min && *curv.hess_min > 0;
        if (be_ok) bounds.push_back({"bakry_emery", theory::bakry_emery_lsi(*curv.hess_min, lam)});
        double best = 0;
        std::string best_name;
        json bj = json::object();
        for (const auto& [name, val] : bounds) {
          bx.push_back(B);
          bval.push_back(val);
          bnum.push_back(fam.alpha_num);
          bgap.push_back(gap.gap / lam);
          blabel.push_back("B = " + fmt(B) + ", " + name);
          bj[name] = {{"alpha", val}, {"tightness_alpha_num_over_bound", fam.alpha_num / val}, {"gap_over_lambda_over_bound", gap.gap / lam / val}};
          if (val > best) {
            best = val;
            best_name = name;
          }
        }
        ax.push_back(B);
        av.push_back(fam.alpha_num * lam / gap.gap);
        // KL curves of every start under exp(-2 alpha_best lambda t) KL_0 (judged while the bound >= 1e-12).
        for (std::size_t i = 0; i < fam.runs.size(); ++i) {
          const auto& run = fam.runs[i];
          for (std::size_t j = 0; j < run.t.size(); ++j) {
            const double bound = theory::lsi_kl_bound(run.kl.front(), best, lam, run.t[j]);
            if (bound < 1e-12) break;
            ktx.push_back(run.t[j]);
            ktv.push_back(run.kl[j]);
            ktb.push_back(bound);
            ktlabel.push_back("B = " + fmt(B) + ", start " + std::to_string(i));
          }
        }
        // Plot: KL of the start attaining alpha_num and of start 0, against the bounds.
        reports::Plot pk;
        pk.id = "kl_bounds_B" + std::to_string(ib);
        pk.title = "KL(p_t || pi) for " + pot->description() + ", lambda = " + fmt(lam);
        pk.xlabel = "t";
        pk.ylabel = "KL (nats)";
        pk.logy = true;
        const double kl_min = 1e-12;
        const auto& r0 = fam.runs[0];
        pk.series.push_back(kl_series("grid KL (start 0)", r0, kl_min));
        if (fam.argmin != 0) pk.series.push_back(kl_series("grid KL (start " + std::to_string(fam.argmin) + ", attains alpha_num)", fam.runs[fam.argmin], kl_min));
        for (const auto& [name, val] : bounds)
          pk.series.push_back(exp_line(name + (mut ? " (MUTANT: no penalty)" : "") + ": exp(-2 alpha lambda t) KL_0", reports::SeriesStyle::bound, 0.0,
                                       r0.kl.front(), 2 * val * lam, r0.t.back(), kl_min));
        pk.series.push_back(exp_line("exp(-2 gap t) KL_0 (Poincaré rate)", reports::SeriesStyle::reference, 0.0, r0.kl.front(), 2 * gap.gap, r0.t.back(), kl_min));
        e.plots.push_back(pk);
        json starts_res = json::array();
        for (const auto& run : fam.runs)
          starts_res.push_back({{"kl0", run.kl.front()}, {"min_ratio", run.min_ratio}, {"t_min_ratio", run.t_min_ratio}, {"t_last", run.t.back()}});
        per_B.push_back({{"B", B},
                         {"osc", bp.osc},
                         {"hess_min", curv.hess_min ? json(*curv.hess_min) : json(nullptr)},
                         {"gap", gap.gap},
                         {"gap_over_lambda", gap.gap / lam},
                         {"alpha_num", fam.alpha_num},
                         {"alpha_num_lambda_over_gap", fam.alpha_num * lam / gap.gap},
                         {"bounds", bj},
                         {"best_bound", best_name},
                         {"max_boundary_mass", fam.max_boundary_mass},
                         {"max_negative_mass", fam.max_negative_mass},
                         {"starts", starts_res}});
        if (ctx.progress) ctx.progress(static_cast<int>(ib + 1), static_cast<int>(s.Bs.size()) + (s.t2.enabled ? 1 : 0));
      }
      const std::string mut_note = mut ? " [bound_mutant hs_without_penalty: every Holley–Stroock bound is 2 lambda1/lambda]" : "";
      auto with_label = [](verify::CheckResult c, const std::vector<double>& v, const std::vector<double>& b,
                           const std::vector<std::string>& label) {
        double worst = -1;
        std::size_t wi = 0;
        for (std::size_t i = 0; i < v.size(); ++i)
          if (v[i] / b[i] > worst) {
            worst = v[i] / b[i];
            wi = i;
          }
        if (!v.empty()) c.detail = "worst: " + label[wi] + " (value " + fmt(v[wi]) + ", bound " + fmt(b[wi]) + "); " + std::to_string(v.size()) + " points";
        return c;
      };
      const std::vector<bool> all_b(bx.size(), true);
      e.checks.push_back(with_label(
          verify::checks::deterministic_upper_bound(
              {"bounds_below_alpha_num",
               "the theory lower bounds on the LSI constant (Holley–Stroock notes' form (2 lambda1/lambda) e^{-4B/lambda}, osc form "
               "(2 lambda1/lambda) e^{-osc/lambda}, Bakry–Émery hess_min/lambda when hess_min > 0; theory/lsi.hpp) lie below the numerical "
               "LSI estimate alpha_num = min over starts and time of I/(2 KL)" + mut_note,
               "max over B and bounds of bound / alpha_num"},
              bx, bval, bnum, all_b, s.tol_bound),
          bval, bnum, blabel));
      e.checks.push_back(with_label(
          verify::checks::deterministic_upper_bound(
              {"bounds_below_gap", "the same lower bounds lie below the Poincaré constant gap/lambda (alpha <= gap/lambda)" + mut_note,
               "max over B and bounds of bound / (gap/lambda)"},
              bx, bval, bgap, all_b, s.tol_bound),
          bval, bgap, blabel));
      {
        double worst = 0;
        std::size_t wi = 0;
        for (std::size_t i = 0; i < av.size(); ++i)
          if (av[i] > worst) {
            worst = av[i];
            wi = i;
          }
        e.checks.push_back(verify::checks::identity(
            {"alpha_num_below_gap",
             "Poincaré: I/(2 KL) -> gap/lambda along the slowest mode, so alpha_num lambda <= gap",
             "max over B of (alpha_num lambda / gap - 1), positive part"},
            std::max(0.0, worst - 1.0), s.tol_alpha_gap, "worst B = " + fmt(ax[wi]) + ": alpha_num lambda / gap = " + fmt(worst)));
      }
      e.checks.push_back(with_label(
          verify::checks::deterministic_upper_bound(
              {"kl_under_lsi_bound",
               "LSI(alpha) => KL(p_t||pi) <= exp(-2 alpha lambda t) KL(p_0||pi) (DESIGN.md §2), with alpha the largest certified lower bound "
               "for each B, for every start of the family" + mut_note,
               "max over B, starts and recorded t of KL(p_t) / bound(t)"},
              ktx, ktv, ktb, std::vector<bool>(ktx.size(), true), s.tol_kl_curve),
          ktv, ktb, ktlabel));
      // Optional 2-D target: gap and de Bruijn.
      if (s.t2.enabled) {
        const Target2d& t2 = s.t2;
        const auto pot = catalogues().potentials.make(t2.pot.name, 2, t2.pot.params);
        const fp::Grid g2 = fp::Grid::box({-t2.half_width, t2.half_width, t2.n}, {-t2.half_width, t2.half_width, t2.n});
        const Eigen::VectorXd U2 = fp::sample(g2, *pot);
        const fp::SpectralGap gap2 = fp::spectral_gap(g2, U2, t2.lambda);
        fp::FpOptions o;
        o.lambda = t2.lambda;
        o.scheme = fp::Scheme::tr_bdf2;
        o.mutant = f.mutant;
        o.negative_mass_tol = f.negative_mass_tol;
        vh::FlowOptions fo;
        fo.startup_steps = f.startup_steps;
        fo.dt = t2.dt;
        fo.t_end = t2.t_end;
        fo.fisher = true;
        // W2²(p_t, pi) bracketed at every w2_every-th record (lib/fp w2_squared_2d_bounds: marginal lower
        // bound, Knothe–Rosenblatt upper bound; pi = the discrete Gibbs density, the flow's limit).
        const Eigen::VectorXd pi2 = fp::gibbs_density(g2, U2, t2.lambda);
        std::vector<double> w_t, w_lo, w_hi;
        long rec = 0;
        double w2_seconds = 0;
        fo.observer = [&](double t, const Eigen::VectorXd& p) {
          if (rec++ % t2.w2_every != 0) return;
          const auto a = std::chrono::steady_clock::now();
          const auto b = fp::w2_squared_2d_bounds(g2, p.cwiseMax(0.0), pi2);
          w2_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
          w_t.push_back(t);
          w_lo.push_back(b.lower);
          w_hi.push_back(b.upper);
        };
        const auto run = vh::run_flow(g2, U2, o, vh::cell_average_mixture(g2, t2.start), fo);
        std::vector<double> jt;
        const long nsteps = static_cast<long>(run.t.size()) - 1;
        for (int k = 1; k <= 10; ++k) {
          const long j = std::max(2L, nsteps * k / 11);
          jt.push_back(static_cast<double>(j) * t2.dt);
        }
        auto idx = [&](double t) { return static_cast<std::size_t>(std::lround(t / t2.dt)); };
        auto db = verify::checks::de_bruijn(
            {"de_bruijn_2d", "2-D (" + pot->description() + ", lambda = " + fmt(t2.lambda) + "): dKL/dt = -lambda I_sg along the grid flow",
             "max relative error |dKL/dt + lambda I| / (lambda I), delta = dt"},
            [&](double t) { return run.kl.at(idx(t)); }, [&](double t) { return run.fisher.at(idx(t)); }, t2.lambda, jt, t2.dt,
            t2.tol_de_bruijn);
        e.checks.push_back(db);
        double min_ratio = run.min_ratio;
        // Talagrand along the flow. Otto–Villani, trajectory form: with v = -lambda ∇log(p/pi) the flow's
        // velocity, W2(p_t, pi) <= ∫_t^∞ lambda sqrt(I_s) ds, and dKL/ds = -lambda I_s; if I_s >= 2 alpha_t KL_s
        // for all s >= t then lambda sqrt(I_s) <= -sqrt(2/alpha_t) d sqrt(KL_s)/ds, so
        //   W2²(p_t, pi) <= 2 KL(p_t||pi) / alpha_t,   alpha_t = inf_{s >= t} I_s / (2 KL_s)  (>= the LSI constant).
        // alpha_t = min(recorded min of I/(2 KL) over s in [t, t_end], gap/lambda): beyond t_end the flow is near pi,
        // where I/(2 KL) -> E(f)/(lambda Var f) >= gap/lambda (Poincaré), so the second term covers the tail.
        std::vector<double> suffix_min(run.t.size(), gap2.gap / t2.lambda);
        for (std::size_t j = run.t.size(); j-- > 0;) {
          double r = suffix_min[j];
          if (run.kl[j] >= 1e-11 && run.kl[j] > 0) r = std::min(r, run.fisher[j] / (2 * run.kl[j]));
          if (j + 1 < run.t.size()) r = std::min(r, suffix_min[j + 1]);
          suffix_min[j] = r;
        }
        auto rec_index = [&](double t) {
          const auto it = std::lower_bound(run.t.begin(), run.t.end(), t - 1e-9 * std::max(1.0, t));
          return static_cast<std::size_t>(std::min<std::ptrdiff_t>(it - run.t.begin(), static_cast<std::ptrdiff_t>(run.t.size()) - 1));
        };
        const double factor = t2_mut ? 1.0 : 2.0;
        std::vector<double> tb, talpha, tkl;
        std::vector<bool> judged;
        long certified = 0, n_judged = 0;
        for (std::size_t i = 0; i < w_t.size(); ++i) {
          const std::size_t j = rec_index(w_t[i]);
          const double alpha_t = suffix_min[j];
          tkl.push_back(run.kl[j]);
          talpha.push_back(alpha_t);
          tb.push_back(factor * run.kl[j] / alpha_t);
          judged.push_back(run.kl[j] >= t2.talagrand_kl_floor);
          if (judged.back()) {
            ++n_judged;
            if (w_hi[i] <= tb.back()) ++certified;
          }
        }
        {
          auto c = verify::checks::deterministic_upper_bound(
              {"talagrand_2d",
               "Talagrand from LSI along the 2-D flow (" + pot->description() + ", lambda = " + fmt(t2.lambda) +
                   "; Otto–Villani, trajectory form): W2²(p_t, pi) <= 2 KL(p_t||pi) / alpha_t with alpha_t = min(min over "
                   "s in [t, t_end] of I_s/(2 KL_s), gap/lambda); KL <= I/(2 alpha) normalisation (DESIGN.md §2)" +
                   std::string(t2_mut ? " [bound_mutant talagrand_without_factor_2: bound KL/alpha_t]" : "") +
                   ". Solver mutants cannot fail it (T2 holds for EVERY density, whatever flow produced it); its power is "
                   "shown by the bound mutant, since the bound is asymptotically tight along the slowest mode",
               "max over recorded t (KL >= " + fmt(t2.talagrand_kl_floor) + ") of W2²_lower(p_t, pi) / bound(t); W2²_lower = "
               "W2²(x-marginals) + W2²(y-marginals) <= W2² (exact 1-D CDF formulas), so a ratio > 1 certifies a violation"},
              w_t, w_lo, tb, judged, t2.tol_talagrand);
          c.detail += "; the Knothe–Rosenblatt UPPER bound on W2² is below the bound at " + std::to_string(certified) + " of " +
                      std::to_string(n_judged) + " judged times (certified to hold there)";
          e.checks.push_back(c);
        }
        json w2_series = json::array();
        for (std::size_t i = 0; i < w_t.size(); ++i)
          if (i % std::max<std::size_t>(1, w_t.size() / 25) == 0 || i + 1 == w_t.size())
            w2_series.push_back({{"t", w_t[i]}, {"w2sq_lower", w_lo[i]}, {"w2sq_upper", w_hi[i]}, {"kl", tkl[i]},
                                 {"alpha_t", talpha[i]}, {"bound", tb[i]}, {"lower_over_bound", w_lo[i] / tb[i]}});
        reports::Plot pw;
        pw.id = "w2_2d";
        pw.title = "2-D W2²(p_t, pi) bracket and the Talagrand bound, " + pot->description() + ", lambda = " + fmt(t2.lambda);
        pw.xlabel = "t";
        pw.ylabel = "W2² (squared distance)";
        pw.logy = true;
        reports::Series sl{"W2² lower bound (marginals)", reports::SeriesStyle::measured, {}, {}, {}, {}};
        reports::Series su{"W2² upper bound (Knothe–Rosenblatt)", reports::SeriesStyle::measured, {}, {}, {}, {}};
        reports::Series sb{std::string(t2_mut ? "KL/alpha_t (MUTANT)" : "2 KL/alpha_t (Talagrand)"), reports::SeriesStyle::bound, {}, {}, {}, {}};
        for (std::size_t i = 0; i < w_t.size(); ++i) {
          if (!(w_lo[i] > 1e-14 && tb[i] > 1e-14)) continue;
          sl.x.push_back(w_t[i]);
          sl.y.push_back(w_lo[i]);
          su.x.push_back(w_t[i]);
          su.y.push_back(w_hi[i]);
          sb.x.push_back(w_t[i]);
          sb.y.push_back(tb[i]);
        }
        pw.series = {sl, su, sb};
        e.plots.push_back(pw);
        e.results["target_2d"] = {{"potential", pot->description()}, {"gap", gap2.gap}, {"gap_converged", gap2.converged},
                                  {"gap_iterations", gap2.iterations}, {"de_bruijn_max_error", db.measured},
                                  {"min_I_over_2KL_along_run", min_ratio}, {"gap_over_lambda", gap2.gap / t2.lambda},
                                  {"max_boundary_mass", run.diagnostics.max_boundary_mass},
                                  {"w2_to_pi", w2_series}, {"w2_seconds", w2_seconds},
                                  {"talagrand_certified_times", certified}, {"talagrand_judged_times", n_judged}};
        reports::Plot pk;
        pk.id = "kl_2d";
        pk.title = "2-D KL(p_t || pi), " + pot->description() + ", lambda = " + fmt(t2.lambda);
        pk.xlabel = "t";
        pk.ylabel = "KL (nats)";
        pk.logy = true;
        pk.series.push_back(kl_series("grid KL", run, 1e-12));
        pk.series.push_back(exp_line("exp(-2 gap t) KL_0", reports::SeriesStyle::reference, 0.0, run.kl.front(), 2 * gap2.gap, run.t.back(), 1e-12));
        e.plots.push_back(pk);
      }
      e.results["per_B"] = per_B;
      e.results["notes"] =
          "tightness = alpha_num / bound (>= 1 when the bound holds); alpha_num is an upper bound on the best LSI constant of the "
          "grid target, the theory values are lower bounds on it";
    } catch (const std::exception& ex) {
      e.status = "error";
      e.error = ex.what();
    }
    return e;
  };
  return out;
}

}  // namespace

void register_fp_ula_kind(KindRegistry& r);  // fp_ula.cpp

void register_fp_kinds(KindRegistry& r) {
  r.add({"fp_ou_grid",
         "Fokker–Planck grid solver on OU (d = 1, 2) against the exact Gaussian law: fitted space and time orders",
         {{"space_order_l1", false, 0.0},
          {"space_order_max", false, 0.0},
          {"time_order_backward_euler", false, 0.0},
          {"time_order_tr_bdf2", false, 0.0}},
         prepare_ou_grid});
  r.add({"fp_double_well",
         "A 1-D potential on the grid (default the double well x^4 - x^2; any registered 1-D potential via `potential`): Gibbs "
         "steady state, de Bruijn, KL rate 2 gap, numerical LSI vs gap, gap converged in n (a resolution guard), Kramers ratio",
         {{"stationary_gibbs", false, 0.0},
          {"de_bruijn", false, 0.0},
          {"kl_rate_twice_gap", false, 0.0},
          {"alpha_num_below_gap", false, 0.0},
          {"gap_grid_converged", false, 0.0}},
         prepare_double_well});
  r.add({"fp_lsi_bounds",
         "Bounded perturbation B cos(omega x) + lambda1 x^2: Holley–Stroock and Bakry–Émery bounds vs numerical LSI and gap; "
         "optional 2-D target: de Bruijn, W2 to pi along the flow (exact bracket) against Talagrand 2 KL/alpha",
         {{"bounds_below_alpha_num", false, 0.0},
          {"bounds_below_gap", false, 0.0},
          {"alpha_num_below_gap", false, 0.0},
          {"kl_under_lsi_bound", false, 0.0},
          {"de_bruijn_2d", false, 0.0},
          {"talagrand_2d", false, 0.0}},
         prepare_lsi_bounds});
  register_fp_ula_kind(r);
}

}  // namespace ldbench::experiments::drivers
