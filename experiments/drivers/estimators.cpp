// Driver of the estimator catalogue: kind "estimator_convergence" (DESIGN.md §5). An estimator
// of verify/estimators is run on exact Gaussian samples of growing size and compared with the
// closed form of theory/ for the quantity it estimates.
//
// Params:
//   estimator         a name of the built-in catalogue (`ldbench estimate --list`)
//   estimator_params  object, validated against the estimator's declared parameters (default {})
//   p                 {"mean": [..], "cov": [[..]..] | number}: x ~ p
//   q                 the same form: y ~ q for two-sample estimators; the target for one-sample
//                     estimators (log density, score, closed form); unused by knn_entropy
//   truth             which closed form the estimator converges to: "kl" KL(p||q), "w2_squared"
//                     W2²(p, q), "entropy" H(p) = -Ent(p), "relative_fisher" I(p||q), or "zero"
//                     (MMD² / KSD² when p = q)
//   sizes             [n..], >= 3 increasing sample sizes (y has the same size as x)
//   groups            replica groups for the rate's interval (default 5; divides replicas)
//   min_rate          the claimed decay exponent r of the error, RMSE <= C n^{-r} (e.g. 0.5)
//   mutant            "none" (default), "x_from_perturbed_p": x drawn from N(m + 0.1, 1.1 S)
//                     instead of p, a deliberately wrong input both checks must reject, or
//                     "knn_log_instead_of_digamma" (estimator knn_entropy only): the estimator with
//                     log n - log k in place of psi(n) - psi(k) (verify/estimators/knn KnnMutant),
//                     biased by -0.103 at k = 5 at every n, which consistent_at_largest_n rejects
// Checks:
//   consistent_at_largest_n  the two-sided interval of the replica mean at the largest n covers the
//                            truth (an estimator with a bias visible at that n fails: by design)
//   error_rate               RMSE per replica group, fitted slope of log RMSE over log n; fails iff
//                            the upper confidence limit of the decay exponent is below min_rate
// Samples: Philox key (seed, reference_sample); counter (replica, point, 2 i + {0: x, 1: y}, coordinate)
// for the i-th size, so each replica and size has its own independent, reproducible draws.
#include <cmath>
#include <sstream>

#include "experiments/catalogues.hpp"
#include "experiments/drivers/common.hpp"
#include "experiments/drivers/drivers.hpp"
#include "experiments/estimator_io.hpp"
#include "lib/rng/philox.hpp"
#include "theory/gaussian.hpp"
#include "verify/checks/checks.hpp"
#include "verify/estimators/knn/entropy_kl.hpp"
#include "verify/estimators/registry.hpp"
#include "verify/stats/confidence.hpp"
#include "lib/linalg/dense.hpp"

namespace ldbench::experiments::drivers {

using nlohmann::json;
namespace est = verify::estimators;

namespace {

json gaussian_json(const theory::Gaussian& g) {
  json cov = json::array();
  for (long i = 0; i < g.cov.rows(); ++i) {
    json row = json::array();
    for (long j = 0; j < g.cov.cols(); ++j) row.push_back(g.cov(i, j));
    cov.push_back(row);
  }
  return {{"mean", std::vector<double>(g.mean.data(), g.mean.data() + g.mean.size())}, {"cov", cov}};
}

// n exact draws of N(mean, L Lᵀ), d x n.
Eigen::MatrixXd sample(const theory::Gaussian& g, long n, std::uint32_t seed, std::uint32_t replica, std::uint32_t step) {
  const Eigen::MatrixXd L = lib::linalg::Cholesky(g.cov).matrixL();
  const long d = g.mean.size();
  const lib::rng::Key key{seed, static_cast<std::uint32_t>(lib::rng::StreamTag::reference_sample)};
  Eigen::MatrixXd z(d, n);
  for (long j = 0; j < n; ++j)
    lib::rng::NormalStream(key, replica, static_cast<std::uint32_t>(j), step).fill(z.col(j).data(), static_cast<std::uint32_t>(d));
  return (L * z).colwise() + g.mean;
}

est::Target gaussian_target(const theory::Gaussian& q) {
  est::Target t;
  t.dim = static_cast<int>(q.mean.size());
  t.gaussian = q;
  const Eigen::MatrixXd prec = lib::linalg::Cholesky(q.cov).inverse();
  t.log_density = [q](const Eigen::VectorXd& x) { return theory::log_density(q, x); };
  t.score = [q, prec](const Eigen::VectorXd& x) -> Eigen::VectorXd { return -prec * (x - q.mean); };
  t.description = "Gaussian q";
  return t;
}

struct Setup {
  std::string estimator, truth_name, mutant;
  est::Params params;
  theory::Gaussian p, q;
  std::vector<long> sizes;
  int groups = 5;
  double min_rate = 0.5;
  double truth = 0;
  int replicas = 0;
  std::uint32_t seed = 0;
  double alpha_consistent = 5e-6, alpha_rate = 5e-6;
};

Prepared prepare_convergence(const ParsedSpec& spec, const std::map<std::string, double>& alpha) {
  const Node pn = params_node(spec);
  pn.object_with({"estimator", "estimator_params", "p", "q", "truth", "sizes", "groups", "min_rate", "mutant"});
  Setup s;
  const auto& reg = catalogues().estimators;
  s.estimator = pn.at("estimator").one_of(reg.names());
  const est::EstimatorInfo& info = *reg.find(s.estimator);
  s.params = params_from_json(info.params, pn.has("estimator_params") ? pn.at("estimator_params").raw() : json(),
                                        spec.header.file + ": " + pn.path() + "/estimator_params");
  s.p = gaussian_from_node(pn.at("p"));
  const long d = s.p.mean.size();
  const bool needs_q = info.needs.y || info.needs.log_density || info.needs.score || info.needs.gaussian_target;
  s.truth_name = pn.at("truth").one_of({"kl", "w2_squared", "entropy", "relative_fisher", "zero"});
  if (needs_q || s.truth_name != "entropy") {
    s.q = gaussian_from_node(pn.at("q"));
    if (s.q.mean.size() != d)
      pn.at("q").at("mean").fail("dimension " + std::to_string(s.q.mean.size()) + " differs from p's " + std::to_string(d),
                                 "give p and q the same dimension");
  } else if (pn.has("q")) {
    s.q = gaussian_from_node(pn.at("q"));
  }
  if (s.truth_name == "kl") s.truth = theory::kl(s.p, s.q);
  if (s.truth_name == "w2_squared") s.truth = theory::w2_squared(s.p, s.q);
  if (s.truth_name == "entropy") s.truth = -theory::neg_entropy(s.p);
  if (s.truth_name == "relative_fisher") s.truth = theory::relative_fisher(s.p, s.q);
  if (s.truth_name == "zero") {
    if ((s.p.mean - s.q.mean).norm() != 0 || (s.p.cov - s.q.cov).norm() != 0)
      pn.at("truth").fail("\"zero\" needs p = q", "set q equal to p, or name the closed form the estimator targets");
    s.truth = 0;
  }
  const auto sz = pn.at("sizes").numbers(3, 16, 2, 10000000, false);
  for (std::size_t i = 0; i < sz.size(); ++i) {
    if (sz[i] != std::floor(sz[i])) pn.at("sizes")[i].fail("must be an integer", "sample sizes are counts");
    if (i > 0 && !(sz[i] > sz[i - 1])) pn.at("sizes")[i].fail("sizes must increase", "e.g. [250, 500, 1000, 2000]");
    s.sizes.push_back(static_cast<long>(sz[i]));
  }
  const double bytes = static_cast<double>(s.sizes.back()) * static_cast<double>(d) * 8.0 * 4.0;
  if (bytes > 4.0 * (1ull << 30)) pn.at("sizes").fail("the largest size needs " + fmt(bytes / (1ull << 30)) + " GiB", "keep n x d x 32 bytes <= 4 GiB");
  if (s.sizes.back() > info.max_points)
    pn.at("sizes").fail(s.estimator + " accepts at most " + std::to_string(info.max_points) + " points (cost " + info.cost +
                        "); n = " + std::to_string(s.sizes.back()) + " is too large", "lower the largest size");
  s.groups = static_cast<int>(pn.integer_or("groups", 5, 2, 1000));
  s.replicas = spec.header.replicas;
  if (s.replicas % s.groups != 0 || s.replicas / s.groups < 2)
    pn.at("groups").fail(std::to_string(s.groups) + " groups do not split " + std::to_string(s.replicas) + " replicas evenly with >= 2 each",
                         "choose groups dividing replicas");
  s.min_rate = pn.at("min_rate").number(0.0, 10.0, true);
  s.mutant = pn.one_of_or("mutant", "none", {"none", "x_from_perturbed_p", "knn_log_instead_of_digamma"});
  if (s.mutant == "knn_log_instead_of_digamma" && s.estimator != "knn_entropy")
    pn.at("mutant").fail("knn_log_instead_of_digamma breaks the estimator knn_entropy, not " + s.estimator,
                         "use estimator knn_entropy, or another mutant");
  s.seed = spec.header.seed;
  s.alpha_consistent = alpha.at("consistent_at_largest_n");
  s.alpha_rate = alpha.at("error_rate");
  json eff = {{"estimator", s.estimator}, {"estimator_params", params_to_json(s.params)},
              {"p", gaussian_json(s.p)},   {"truth", s.truth_name},
              {"sizes", s.sizes},          {"groups", s.groups},
              {"min_rate", s.min_rate},    {"mutant", s.mutant}};
  if (needs_q || s.truth_name != "entropy") eff["q"] = gaussian_json(s.q);

  Prepared out{spec.header, eff, {}};
  out.run = [s, info, h = spec.header, eff, needs_q](const RunContext& ctx) {
    reports::Experiment e = base_experiment(h, eff);
    const auto& reg = catalogues().estimators;
    theory::Gaussian px = s.p;
    if (s.mutant == "x_from_perturbed_p") {
      px.mean.array() += 0.1;
      px.cov *= 1.1;
    }
    const est::Target target = gaussian_target(s.q);
    const long K = static_cast<long>(s.sizes.size());
    Eigen::MatrixXd values(s.replicas, K);
    std::vector<std::string> warnings;
    try {
    for (int r = 0; r < s.replicas; ++r) {
      for (long i = 0; i < K; ++i) {
        const Eigen::MatrixXd x = sample(px, s.sizes[static_cast<std::size_t>(i)], s.seed, static_cast<std::uint32_t>(r),
                                         static_cast<std::uint32_t>(2 * i));
        Eigen::MatrixXd y;
        est::EstimatorInput in;
        in.x = &x;
        if (info.needs.y) {
          y = sample(s.q, s.sizes[static_cast<std::size_t>(i)], s.seed, static_cast<std::uint32_t>(r),
                     static_cast<std::uint32_t>(2 * i + 1));
          in.y = &y;
        }
        if (needs_q && !info.needs.y) in.target = &target;
        const auto res = s.mutant == "knn_log_instead_of_digamma"
                             ? est::knn_entropy(x, static_cast<int>(s.params.integer("k")), est::KnnMutant::log_instead_of_digamma)
                             : reg.run(s.estimator, in, s.params);
        values(r, i) = res.value;
        if (!res.diagnostics.converged)
          warnings.push_back("replica " + std::to_string(r) + ", n = " + std::to_string(s.sizes[static_cast<std::size_t>(i)]) +
                             ": did not converge");
      }
      if (ctx.progress) ctx.progress(r + 1, s.replicas);
    }
    } catch (const std::exception& ex) {  // e.g. degenerate samples: reported, never a partial result
      e.status = "error";
      e.error = s.estimator + ": " + ex.what();
      return e;
    }
    std::vector<double> xs(s.sizes.begin(), s.sizes.end());
    // Check 1: the interval of the mean at the largest n covers the truth.
    const Eigen::MatrixXd last = values.col(K - 1);
    e.checks.push_back(verify::checks::consistency(
        {"consistent_at_largest_n",
         info.returns + " estimated by " + s.estimator + " converges to the closed form " + s.truth_name + " = " + fmt(s.truth),
         "replica mean at the largest n"},
        {xs.back()}, last, {s.truth}, s.alpha_consistent));
    // Check 2: RMSE per group decays at least like n^{-min_rate}.
    const int G = s.groups, per = s.replicas / G;
    std::vector<double> rates;
    Eigen::MatrixXd rmse(G, K);
    for (int g = 0; g < G; ++g) {
      std::vector<double> lx, ly;
      for (long i = 0; i < K; ++i) {
        double ss = 0;
        for (int r = g * per; r < (g + 1) * per; ++r) ss += (values(r, i) - s.truth) * (values(r, i) - s.truth);
        rmse(g, i) = std::sqrt(ss / per);
        lx.push_back(xs[static_cast<std::size_t>(i)]);
        ly.push_back(std::max(rmse(g, i), 1e-300));
      }
      rates.push_back(verify::checks::fit_decay_rate(
          [&] {
            std::vector<double> l;
            for (double v : lx) l.push_back(std::log(v));
            return l;
          }(),
          ly));
    }
    e.checks.push_back(verify::checks::rate_at_least(
        {"error_rate", "the RMSE of " + s.estimator + " decays at least like n^{-" + fmt(s.min_rate) + "}",
         "decay exponent of the RMSE over n (per replica group)"},
        rates, s.min_rate, s.alpha_rate));
    if (!warnings.empty()) e.checks.back().detail += "; " + std::to_string(warnings.size()) + " runs did not converge";

    // Plots: estimate vs n with the truth; RMSE vs n with the reference slope.
    reports::Plot pe;
    pe.id = "estimate";
    pe.title = s.estimator + " on exact Gaussian samples";
    pe.xlabel = "sample size n";
    pe.ylabel = info.returns;
    pe.logx = true;
    reports::Series meas{"mean over " + std::to_string(s.replicas) + " replicas", reports::SeriesStyle::measured, xs, {}, {}, {}};
    append_replica_band(values, s.alpha_consistent, meas);
    pe.series = {meas, {"closed form (" + s.truth_name + ")", reports::SeriesStyle::exact, xs, std::vector<double>(xs.size(), s.truth), {}, {}}};
    e.plots.push_back(pe);
    reports::Plot pr;
    pr.id = "rmse";
    pr.title = "RMSE of " + s.estimator + " against the closed form";
    pr.xlabel = "sample size n";
    pr.ylabel = "RMSE";
    pr.logx = pr.logy = true;
    reports::Series rm{"RMSE over all replicas", reports::SeriesStyle::measured, xs, {}, {}, {}};
    for (long i = 0; i < K; ++i) {
      double ss = 0;
      for (int r = 0; r < s.replicas; ++r) ss += (values(r, i) - s.truth) * (values(r, i) - s.truth);
      rm.y.push_back(std::sqrt(ss / s.replicas));
    }
    reports::Series ref{"reference n^{-" + fmt(s.min_rate) + "}", reports::SeriesStyle::reference, xs, {}, {}, {}};
    for (double n : xs) ref.y.push_back(rm.y.front() * std::pow(n / xs.front(), -s.min_rate));
    pr.series = {rm, ref};
    e.plots.push_back(pr);
    e.results["truth"] = s.truth;
    e.results["returns"] = info.returns;
    e.results["unbiased"] = info.unbiased;
    e.results["rmse"] = rm.y;
    e.results["mean"] = meas.y;
    const auto riv = verify::stats::two_sided(rates, 2.0 * s.alpha_rate);
    e.results["fitted_rate"] = {{"mean", riv.mean}, {"ci", {riv.lo, riv.hi}}, {"per_group", rates}};
    if (!warnings.empty()) e.results["warnings"] = warnings;
    return e;
  };
  return out;
}

}  // namespace

void register_estimator_kinds(KindRegistry& r) {
  r.add({"estimator_convergence",
         "An estimator of the catalogue on exact Gaussian samples of growing size: consistency with the closed form "
         "and the decay rate of its error",
         {{"consistent_at_largest_n", true, 5e-6}, {"error_rate", true, 5e-6}},
         prepare_convergence});
}

}  // namespace ldbench::experiments::drivers
