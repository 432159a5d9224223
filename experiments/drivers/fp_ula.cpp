// Driver of kind "fp_ula_grid": ULA particles (lib/sde Euler–Maruyama of GLD) on the 1-D double well
// U = a x⁴ - b x² against the Fokker–Planck grid solution (lib/fp) at several times (issue 5,
// verification 4). Harness: verify/harness/fp.hpp (run_ula_grid, sample_grid_density).
//
// Design. For step sizes eta_1 > ... > eta_K, R replicas of N particles start from the Gaussian-
// mixture law `start` (the grid solver starts from its exact cell averages) and run ULA
//   x_{k+1} = x_k - eta U'(x_k) + sqrt(2 eta lambda) xi_k
// to each record time t_j. Per replica, W2²(particle sample, grid density p_{t_j}) is exact in 1-D
// (lib/fp w2_squared_1d_sample). The Monte Carlo floor is the same statistic for EXACT samples of
// p_{t_j} (inverse-CDF draws of the piecewise-constant grid density, Philox stream reference_sample,
// same N). In 1-D, E W2²(ULA sample, p) = W2²(law_ULA, p) + floor + O(W2(law_ULA, p)/N), so
//   excess(eta) = mean W2²_ULA - mean W2²_exact   (summed over the record times)
// estimates the squared W2 bias of ULA, C² eta² + O(eta³) (W2 order 1 on a finite horizon).
// Checks (stochastic; replicas split into `groups` independent groups, Student-t across groups):
//   order                     per group, the least-squares slope of log excess over log eta; the
//                             two-sided interval must contain 2 (verify::checks::order_equals).
//   smallest_eta_on_power_law per group, log excess(eta_K) minus the log-log line through the other
//                             step sizes, extrapolated to eta_K; the interval must contain 0. Fails
//                             when the bias at the smallest step leaves the power law (e.g. it
//                             reaches the floor, or a constant error is mixed in). A group whose
//                             excess is not positive (below the floor) fails both checks.
// Params: lambda (default 0.3), a, b (default 1, 1); start {weights, means, variances}; etas [..]
// (>= 3, decreasing, each dividing every record time); record_times [..] (increasing, > 0);
// particles; groups (divides replicas, >= 2 replicas each... >= 3 groups); grid {half_width, n, dt}
// (the reference solution, TR-BDF2); particle_mutant none | noise_sqrt_eta | drift_flipped.
// RNG: initial sample (seed, initial_law) at replica r; Brownian (seed, brownian) at replica
// counter r K + k for eta_k; exact samples (seed, reference_sample), counter (r, i, j, 0).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "experiments/catalogues.hpp"
#include "experiments/drivers/common.hpp"
#include "experiments/drivers/drivers.hpp"
#include "lib/fp/fokker_planck.hpp"
#include "lib/fp/functionals.hpp"
#include "lib/sde/euler_maruyama.hpp"
#include "verify/checks/checks.hpp"
#include "verify/harness/fp.hpp"
#include "verify/stats/confidence.hpp"

namespace ldbench::experiments::drivers {

using nlohmann::json;
namespace vh = verify::harness;
namespace fp = lib::fp;

namespace {

struct UlaSpec {
  double lambda = 0.3, a = 1, b = 1;
  lib::sde::IsotropicMixture start;
  std::vector<double> etas, times;
  long particles = 10000;
  int groups = 5;
  double half_width = 3.0, grid_dt = 1e-3;
  int n = 2000;
  std::string mutant = "none";
  double alpha_order = 2e-6, alpha_tail = 2e-6;
};

bool divides(double t, double eta) {
  const double k = std::round(t / eta);
  return k >= 1 && std::abs(k * eta - t) <= 1e-9 * t;
}

Prepared prepare_ula(const ParsedSpec& spec, const std::map<std::string, double>& alpha) {
  const Node p = params_node(spec);
  p.object_with({"lambda", "a", "b", "start", "etas", "record_times", "particles", "groups", "grid", "particle_mutant"});
  UlaSpec s;
  s.lambda = p.number_or("lambda", 0.3, 0.0, 100.0, true);
  s.a = p.number_or("a", 1.0, 0.0, 1e3, true);
  s.b = p.number_or("b", 1.0, 0.0, 1e3, true);
  const Node st = p.at("start");
  st.object_with({"weights", "means", "variances"});
  s.start.weights = st.at("weights").numbers(1, 16, 0.0, 1.0, true);
  double sum = 0;
  for (double w : s.start.weights) sum += w;
  if (std::abs(sum - 1.0) > 1e-12) st.at("weights").fail("sums to " + fmt(sum), "weights must sum to 1");
  const auto means = st.at("means").numbers(s.start.weights.size(), s.start.weights.size(), -100.0, 100.0, false);
  for (double m : means) s.start.means.push_back(Eigen::VectorXd::Constant(1, m));
  s.start.variances = st.at("variances").numbers(s.start.weights.size(), s.start.weights.size(), 0.0, 100.0, true);
  s.etas = p.at("etas").numbers(3, 12, 0.0, 1.0, true);
  for (std::size_t i = 1; i < s.etas.size(); ++i)
    if (!(s.etas[i] < s.etas[i - 1])) p.at("etas")[i].fail("must decrease", "e.g. [0.04, 0.02, 0.01]");
  s.times = p.at("record_times").numbers(1, 16, 0.0, 100.0, true);
  for (std::size_t j = 0; j < s.times.size(); ++j) {
    if (j > 0 && !(s.times[j] > s.times[j - 1])) p.at("record_times")[j].fail("must increase", "e.g. [0.5, 1, 2]");
    for (std::size_t i = 0; i < s.etas.size(); ++i)
      if (!divides(s.times[j], s.etas[i]))
        p.at("record_times")[j].fail("is not a multiple of eta = " + fmt(s.etas[i]), "choose times divisible by every step size");
  }
  if (s.times.back() / s.etas.back() > 1e6) p.at("record_times").fail("needs more than 1e6 steps at the smallest eta", "shorten the horizon");
  s.particles = static_cast<long>(p.at("particles").integer(100, 10000000));
  s.groups = static_cast<int>(p.integer_or("groups", 5, 3, 1000));
  const int R = spec.header.replicas;
  if (R % s.groups != 0)
    p.at("groups").fail(std::to_string(s.groups) + " groups do not split " + std::to_string(R) + " replicas evenly", "choose groups dividing replicas");
  const double work = static_cast<double>(R) * static_cast<double>(s.particles) * (s.times.back() / s.etas.back()) * 2.0;
  if (work > 2e11) p.at("particles").fail("replicas x particles x steps = " + fmt(work) + " particle-steps", "keep it <= 2e11");
  if (p.has("grid")) {
    const Node g = p.at("grid");
    g.object_with({"half_width", "n", "dt"});
    s.half_width = g.number_or("half_width", s.half_width, 0.0, 1e3, true);
    s.n = static_cast<int>(g.integer_or("n", s.n, 16, 200000));
    s.grid_dt = g.number_or("dt", s.grid_dt, 0.0, 1.0, true);
    for (std::size_t j = 0; j < s.times.size(); ++j)
      if (!divides(s.times[j], s.grid_dt)) g.at("dt").fail("does not divide record time " + fmt(s.times[j]), "choose dt dividing every record time");
  }
  for (double m : means)
    if (std::abs(m) >= s.half_width) p.at("start").at("means").fail("a mean lies outside the grid box", "widen grid.half_width");
  s.mutant = p.one_of_or("particle_mutant", "none", vh::particle_mutant_names());
  s.alpha_order = alpha.at("order");
  s.alpha_tail = alpha.at("smallest_eta_on_power_law");
  json eff = {{"lambda", s.lambda},
              {"a", s.a},
              {"b", s.b},
              {"potential", "double_well"},
              {"start", {{"weights", s.start.weights}, {"means", means}, {"variances", s.start.variances}}},
              {"etas", s.etas},
              {"record_times", s.times},
              {"particles", s.particles},
              {"groups", s.groups},
              {"grid", {{"half_width", s.half_width}, {"n", s.n}, {"dt", s.grid_dt}, {"scheme", "tr_bdf2"}}},
              {"particle_mutant", s.mutant},
              {"claimed_order", 2.0},
              {"rng", "initial (seed, initial_law) replica r; Brownian (seed, brownian) replica r*K+k; exact samples (seed, reference_sample) counter (r, i, j, 0)"}};
  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    reports::Experiment e;
    e.name = h.name;
    e.kind = h.kind;
    e.description = h.description;
    e.spec_file = h.file;
    e.params = eff;
    e.seed = h.seed;
    e.replicas = h.replicas;
    try {
      lib::Params pp;
      pp.set("a", s.a);
      pp.set("b", s.b);
      const auto pot = catalogues().potentials.make("double_well", 1, pp);
      // Reference: the grid solution at the record times.
      vh::UlaGridSetup u;
      u.grid = fp::Grid::line(-s.half_width, s.half_width, s.n);
      fp::FpOptions o;
      o.lambda = s.lambda;
      o.scheme = fp::Scheme::tr_bdf2;
      fp::FokkerPlanck solver(u.grid, *pot, o);
      solver.set_density(vh::cell_average_mixture(u.grid, s.start));
      double t = 0;
      for (double tj : s.times) {
        solver.advance(tj - t, std::lround((tj - t) / s.grid_dt));
        t = tj;
        u.grid_densities.push_back(solver.density());
      }
      const auto gdiag = solver.diagnostics();
      u.U = pot.get();
      u.lambda = s.lambda;
      u.start = s.start;
      u.etas = s.etas;
      u.record_times = s.times;
      u.particles = s.particles;
      u.replicas = h.replicas;
      u.seed = h.seed;
      u.mutant = vh::particle_mutant_from_string(s.mutant);
      u.threads = ctx.threads;
      const auto res = vh::run_ula_grid(u, ctx.progress);
      const int R = h.replicas, G = s.groups, per = R / G;
      const long K = static_cast<long>(s.etas.size()), T = static_cast<long>(s.times.size());
      // Per group: excess(eta) summed over record times.
      Eigen::MatrixXd excess(G, K), w2u(R, K);
      Eigen::VectorXd floor_r(R);
      for (int r = 0; r < R; ++r) {
        floor_r[r] = res.w2_exact.row(r).sum();
        for (long k = 0; k < K; ++k) w2u(r, k) = res.w2_ula[static_cast<std::size_t>(k)].row(r).sum();
      }
      for (int g = 0; g < G; ++g)
        for (long k = 0; k < K; ++k) excess(g, k) = w2u.block(g * per, k, per, 1).mean() - floor_r.segment(g * per, per).mean();
      std::vector<double> slopes, resid, leta;
      for (double eta : s.etas) leta.push_back(std::log(eta));
      bool positive = true;
      std::string nonpos;
      for (int g = 0; g < G; ++g) {
        std::vector<double> le;
        for (long k = 0; k < K; ++k) {
          if (!(excess(g, k) > 0)) {
            positive = false;
            if (nonpos.empty()) nonpos = "group " + std::to_string(g) + ", eta = " + fmt(s.etas[static_cast<std::size_t>(k)]) + ": excess " + fmt(excess(g, k));
          }
          le.push_back(std::log(std::max(excess(g, k), 1e-300)));
        }
        slopes.push_back(verify::stats::fit_line(leta, le).slope);
        const std::vector<double> lx(leta.begin(), leta.end() - 1), ly(le.begin(), le.end() - 1);
        const auto line = verify::stats::fit_line(lx, ly);
        resid.push_back(le.back() - (line.intercept + line.slope * leta.back()));
      }
      const std::string below = positive ? "" : "; excess not positive (at or below the Monte Carlo floor) at " + nonpos + ": the check fails";
      auto co = verify::checks::order_equals(
          {"order",
           "ULA with step eta has W2 bias O(eta) on a finite horizon, so W2²(law_ULA, p_t) - the squared bias against the grid "
           "solution - shrinks like eta^2 (double well " + pot->description() + ", lambda = " + fmt(s.lambda) + ")",
           "least-squares slope of log excess over log eta (excess = mean W2²(ULA, grid) - mean W2²(exact sample, grid), summed over "
           "the record times; one slope per replica group)"},
          slopes, 2.0, s.alpha_order);
      co.passed = co.passed && positive;
      co.detail = std::to_string(G) + " groups of " + std::to_string(per) + " replicas" + below;
      e.checks.push_back(co);
      auto ct = verify::checks::consistency(
          {"smallest_eta_on_power_law",
           "the excess at the smallest step lies on the power law fitted through the larger steps (the bias keeps shrinking at the "
           "fitted order down to eta = " + fmt(s.etas.back()) + ", above the Monte Carlo floor)",
           "log excess(eta_K) minus the log-log line through the other step sizes (per group)"},
          {s.etas.back()}, Eigen::Map<const Eigen::MatrixXd>(resid.data(), G, 1), {0.0}, s.alpha_tail);
      ct.passed = ct.passed && positive;
      ct.detail += below;
      e.checks.push_back(ct);
      // Plots: pooled particle histogram vs grid density at the last time; excess vs eta.
      reports::Plot ph;
      ph.id = "densities";
      ph.title = "ULA particles (eta = " + fmt(s.etas.back()) + ", all replicas) vs the grid density at t = " + fmt(s.times.back());
      ph.xlabel = "x";
      ph.ylabel = "density";
      const Eigen::VectorXd& pl = u.grid_densities.back();
      const double pmax = pl.maxCoeff();
      double lo = s.half_width, hi = -s.half_width;
      for (long i = 0; i < pl.size(); ++i)
        if (pl[i] > 1e-3 * pmax) {
          lo = std::min(lo, u.grid.axes[0].edge(static_cast<int>(i)));
          hi = std::max(hi, u.grid.axes[0].edge(static_cast<int>(i) + 1));
        }
      const int bins = 80;
      std::vector<double> hx(bins), hy(bins, 0.0);
      const double bw = (hi - lo) / bins;
      for (int i = 0; i < bins; ++i) hx[static_cast<std::size_t>(i)] = lo + (i + 0.5) * bw;
      for (double x : res.pooled_last) {
        const int bi = static_cast<int>(std::floor((x - lo) / bw));
        if (bi >= 0 && bi < bins) hy[static_cast<std::size_t>(bi)] += 1.0;
      }
      for (double& v : hy) v /= static_cast<double>(res.pooled_last.size()) * bw;
      reports::Series gs{"grid density (TR-BDF2, n = " + std::to_string(s.n) + ")", reports::SeriesStyle::exact, {}, {}, {}, {}};
      const int stride = std::max(1, s.n / 400);
      for (long i = 0; i < pl.size(); i += stride) {
        const double x = u.grid.axes[0].center(static_cast<int>(i));
        if (x >= lo && x <= hi) {
          gs.x.push_back(x);
          gs.y.push_back(pl[i]);
        }
      }
      ph.series = {{"ULA histogram (" + std::to_string(res.pooled_last.size()) + " particles)", reports::SeriesStyle::measured, hx, hy, {}, {}}, gs};
      e.plots.push_back(ph);
      reports::Plot pe;
      pe.id = "excess";
      pe.title = "W2² excess of ULA over the Monte Carlo floor against eta";
      pe.xlabel = "eta";
      pe.ylabel = "excess W2² (summed over record times)";
      pe.logx = pe.logy = true;
      reports::Series me{"excess (mean over groups)", reports::SeriesStyle::measured, s.etas, {}, {}, {}};
      append_replica_band(excess, s.alpha_order, me);
      const auto siv = verify::stats::two_sided(slopes, s.alpha_order);
      const double fl = floor_r.mean();
      reports::Series fit{"fitted C eta^" + fmt(siv.mean), reports::SeriesStyle::reference, s.etas, {}, {}, {}};
      double lc = 0;
      for (long k = 0; k < K; ++k) lc += std::log(std::max(me.y[static_cast<std::size_t>(k)], 1e-300)) - siv.mean * leta[static_cast<std::size_t>(k)];
      lc /= static_cast<double>(K);
      for (double eta : s.etas) fit.y.push_back(std::exp(lc + siv.mean * std::log(eta)));
      pe.series = {me, fit, {"Monte Carlo floor (mean W2² of exact samples)", reports::SeriesStyle::floor, s.etas, std::vector<double>(s.etas.size(), fl), {}, {}}};
      e.plots.push_back(pe);
      // Results.
      json per_eta = json::array();
      for (long k = 0; k < K; ++k) {
        std::vector<double> col(excess.col(k).data(), excess.col(k).data() + G);
        const auto iv = verify::stats::two_sided(col, s.alpha_order);
        json per_t = json::array();
        for (long j = 0; j < T; ++j) {
          const double m = res.w2_ula[static_cast<std::size_t>(k)].col(j).mean();
          per_t.push_back({{"t", s.times[static_cast<std::size_t>(j)]}, {"w2sq_ula_mean", m}, {"excess", m - res.w2_exact.col(j).mean()}});
        }
        per_eta.push_back({{"eta", s.etas[static_cast<std::size_t>(k)]}, {"excess", {{"mean", iv.mean}, {"ci", {iv.lo, iv.hi}}}},
                           {"excess_over_eta2", iv.mean / (s.etas[static_cast<std::size_t>(k)] * s.etas[static_cast<std::size_t>(k)])},
                           {"per_time", per_t}});
      }
      json floors = json::array();
      for (long j = 0; j < T; ++j) floors.push_back({{"t", s.times[static_cast<std::size_t>(j)]}, {"w2sq_exact_mean", res.w2_exact.col(j).mean()}});
      const auto riv = verify::stats::two_sided(resid, s.alpha_tail);
      e.results["per_eta"] = per_eta;
      e.results["floor"] = {{"summed_mean", fl}, {"per_time", floors}};
      e.results["fitted_order"] = {{"mean", siv.mean}, {"ci", {siv.lo, siv.hi}}, {"per_group", slopes}};
      e.results["smallest_eta_log_residual"] = {{"mean", riv.mean}, {"ci", {riv.lo, riv.hi}}, {"per_group", resid}};
      e.results["grid_diagnostics"] = gdiag.brief();
    } catch (const lib::sde::NumericalBlowUp& ex) {
      e.status = "error";
      e.error = std::string("particles: ") + ex.what();
    } catch (const std::exception& ex) {
      e.status = "error";
      e.error = ex.what();
    }
    return e;
  };
  return out;
}

}  // namespace

void register_fp_ula_kind(KindRegistry& r) {
  r.add({"fp_ula_grid",
         "ULA particles on the double well against the Fokker–Planck grid solution: W2² excess over the Monte Carlo floor "
         "shrinks like eta^2",
         {{"order", true, 2e-6}, {"smallest_eta_on_power_law", true, 2e-6}},
         prepare_ula});
}

}  // namespace ldbench::experiments::drivers
