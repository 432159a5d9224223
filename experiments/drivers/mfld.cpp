// Driver of mean-field Langevin dynamics on the exactly solvable quadratic model (issue 7,
// verification 1): kind "mfld_quadratic". Particles: lib/mfld (QuadraticObjective, run() with
// algorithm mfld); exact laws and bounds: theory/mean_field.hpp.
//
// Model (DESIGN.md §3 item 7): F(mu) = (c/2)||E_mu θ - b||² + lambda1 E_mu||θ||², L = F + lambda2 Ent, on
// R^d, d = 1..20; mu* = N(m*, a I), m* = c b/(c + 2 lambda1), a = lambda2/(2 lambda1); every proximal Gibbs
// measure p_mu = N(-c(m - b)/(2 lambda1), a I) satisfies LSI(alpha), alpha = 2 lambda1/lambda2
// (theory quadratic_mf_lsi_constant), so the notes' bound (slide "Convergence of MF-LD") is
// L(mu_t) - L* <= exp(-2 alpha lambda2 t)(L(mu_0) - L*) = exp(-4 lambda1 t)(L(mu_0) - L*).
// Discrete MFLD with N particles and step eta from iid N(m0, v0 I) starts:
//   θ_i ← θ_i - eta (c (θbar - b) + 2 lambda1 θ_i) + sqrt(2 eta lambda2) ξ_{k,i}.
// Its exact law (theory quadratic_mf_mfld_law): θbar_k ~ N(m_k, V_k I) independent of the deviations
// y_i = θ_i - θbar, whose joint covariance is (I_N - 11ᵀ/N) ⊗ D_k I; stationary V_inf, D_inf.
// Everything is isotropic, so the coordinates are independent directions.
//
// Checks:
//  law_matches_exact (stochastic, alpha). At each record step k, per coordinate j, with R independent
//    replicas (one particle system each): mean test z = sum_r (θbar_rj - m_kj)/sqrt(R V_k) ~ N(0, 1);
//    mean-mode variance test Q1 = sum_r (θbar_rj - m_kj)²/V_k ~ chi²_R; deviation variance test
//    Q2 = sum_r sum_i (θ_rij - θbar_rj)²/D_k ~ chi²_{R(N-1)} (the deviations span the rank N-1 projection).
//    All null laws exact. 3 d T tests, each two-sided at alpha/(3 d T) (Bonferroni). Reported as the worst
//    normal-equivalent |z| against the critical value (as ula_gaussian).
//  entropy_sandwich_exact_flow (deterministic). Along the exact continuous flow (theory quadratic_mf_flow)
//    from N(m0, v0 I), at `flow.points` times in [0, flow.time_constants/(4 lambda1)]: the three terms of
//    theory quadratic_mf_entropy_sandwich satisfy lower <= gap + tol and gap <= upper + tol,
//    tol = 1e-10 (1 + |L*|) (the gap L(mu_t) - L* is a difference of O(|L*|) numbers). Negative test:
//    flow.sandwich_mutant "references_swapped" evaluates lower with p_mu and upper with mu* (the roles of the
//    two references exchanged); it must fail whenever the mean is away from m* and c > 0.
//  entropy_sandwich_particles (stochastic, alpha). Per replica and record step, the plug-in Gaussian
//    N(θbar, Ŝ), Ŝ = (1/N) sum_i (θ_i - θbar)(θ_i - θbar)ᵀ, gives the three terms (theory
//    quadratic_mf_entropy_sandwich). Their exact expectations under the exact N-particle law are closed forms
//    (θbar ~ N(m_k, V_k I), N Ŝ ~ Wishart_d(N - 1, D_k I) independent):
//      E||θbar - u||² = ||m_k - u||² + d V_k,  E tr Ŝ = d (N - 1) D_k/N,
//      E ln det Ŝ = d ln(2 D_k/N) + sum_{i=0}^{d-1} psi((N - 1 - i)/2)   (psi: digamma; Wishart log-determinant),
//    and lower = (lambda2/2)[tr Ŝ/a + ||θbar - m*||²/a - d + d ln a - ln det Ŝ], upper the same with
//    ||θbar - m_p||² = kappa² ||θbar - m*||², kappa = (c + 2 lambda1)/(2 lambda1), gap = L(N(θbar, Ŝ)) - L*.
//    Decision: the two-sided Student-t interval (level 1 - alpha/(3T), R replicas) of each term's replica mean
//    must contain its exact expectation (3T intervals, Bonferroni), and the intervals must not contradict the
//    sandwich: lower_lo <= gap_hi and gap_lo <= upper_hi (implied when the intervals cover, since the plug-in
//    terms satisfy the sandwich for every sample, so their expectations are ordered; no extra alpha).
//    Normality of a replica mean rests on the CLT over N d particle coordinates.
//  objective_rate (stochastic, alpha). Per replica, the plug-in gap g_r(k) = L(N(θbar, Ŝ)) - L* at every step
//    k of the fit window is fitted by least squares log g_r = c - rate t (t = k eta); claim rate >= 2 alpha
//    lambda2 = 4 lambda1 (one-sided: fails iff the upper confidence limit of the mean rate, Student t, R - 1
//    dof, is below 4 lambda1; verify::checks::rate_at_least). The window is k = 0..k_end with the exact
//    expected plug-in gap >= fit_floor_factor x its stationary value (estimator floor: finite N, eta and the
//    plug-in bias); the spec is refused if the exact expectation's own fitted rate over the window is below
//    4 lambda1 (the floor would bias the check). Reported beside it: the exact-expectation rate over the window,
//    the asymptotic rates of the mean-field flow (mean mode 2(c + 2 lambda1), covariance mode 8 lambda1 near
//    mu*, 4 lambda1 for a far start), tightness = fitted / 4 lambda1.
//  propagation_of_chaos (stochastic, alpha). For each N in chaos.particles, R replicas start from EXACT samples
//    of the stationary N-particle law (θ_i = m* + sqrt(V_inf) zeta + sqrt(D_inf)(ξ_i - ξbar)) and run
//    chaos.steps steps; B_r(N) = time average over k = 0, e, 2e, ... (e = chaos.record_every) of
//    (1/(N d)) sum_ij (θ_ij - m*_j)² - D_inf, whose exact expectation at every k is the chaos bias
//    V_inf - D_inf/N (theory quadratic_mf_mfld_chaos_bias, exactly ∝ 1/N; its eta -> 0 limit is the continuous
//    quadratic_mf_n_particle_variance_bias). Passes iff (a) at every N the two-sided t interval (level
//    1 - alpha/(2J)) of mean_r B_r(N) contains the exact value, and (b) the slope p of log(-B) = c + p log N
//    (weighted least squares over the replica means, delta-method SE over replicas, interval at level
//    1 - alpha/2) contains -1 with every mean -B > 0.
// Mutants (param "mutant", passed to lib/mfld): self_interaction_only (independent particles: the deviation
// variance relaxes at rate c + 2 lambda1, and there is no 1/N bias), entropy_halved and noise_sqrt_eta (wrong
// noise: stationary variances off by a factor), drift_flipped (blows up: status error, failed checks naming
// the step), rng_key_per_rank (MPI only, see above). Which check rejects which mutant is asserted in
// experiments/tests/test_mfld_kind.cpp (rng_key_per_rank: lib/tests/test_mfld_sharding.cpp, cli/tests/test_mpi.cpp).
// Params: dim 1..20; c (4), b (number | [dim], 1), lambda1 (0.5), lambda2 (1); start {mean, variance};
// eta (< min(2/(c + 2 lambda1), 1/lambda1)); particles N; steps K; record_steps [..] (increasing, <= K);
// fit_floor_factor (10); flow {time_constants (6), points (60), sandwich_mutant none|references_swapped};
// chaos {particles [N..] (>= 3, increasing, >= 2), steps, record_every (1)}; mutant.
// RNG: law run replica r: start (seed, initial_law) counter (r, i, 0), MFLD noise (seed, mfld_noise) replica r;
// chaos run for N_j: start (seed, reference_sample) counters (R + r J + j, i, 0) for ξ_i and (.., N, 0) for zeta,
// MFLD replica R + r J + j. Parallelism: OpenMP over (replica, N) tasks, each run on one thread; results are a
// pure function of the task index and pooled in a fixed order, so reports do not depend on the thread count.
// MPI (issue 7; mpirun -np K ldbench run ...): when the process's communicator (lib::core::world(), installed by
// cli/main.cpp) has K > 1 ranks, the particles of every run with more than one block (N > kParticleBlock = 256)
// are split over the ranks in whole blocks (lib/mfld shard_of, MfldOptions::comm) and the tasks run one after
// another in index order, each run with ctx.threads OpenMP threads inside (an MPI collective may not be entered
// from several threads of a rank at once); a one-block run cannot be split and runs whole on every rank. The
// observers receive the full particle matrix gathered in global order on every rank, so every rank computes
// the same report, bit for bit the one-process report (rank 0 writes it). Mutant rng_key_per_rank (noise keyed
// by the particle's index within its rank's shard) changes nothing on one rank; on K >= 2 ranks with N >
// kParticleBlock particles rank q's particle o_q + i draws the noise of particle i: the copies contract onto
// each other (their difference decays by 1 - 2 eta lambda1 per step) and the particle mean's variance grows by
// sum_s m_s² / N (m_s = copies of noise stream s). With N = 768 on 3 ranks (every stream 3 times, factor 3)
// law_matches_exact rejects it (particle-mean chi² variance test, z = 8.0 against 5.7 with 32 replicas;
// cli/tests/test_mpi.cpp); on 2 ranks (factor 5/3) that spec still passes.
#include <Eigen/Core>
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <numbers>

#include "experiments/drivers/common.hpp"
#include "experiments/drivers/drivers.hpp"
#include "lib/core/communicator.hpp"
#include "lib/linalg/dense.hpp"
#include "lib/mfld/mfld.hpp"
#include "lib/mfld/quadratic.hpp"
#include "lib/parallel.hpp"
#include "lib/rng/philox.hpp"
#include "theory/mean_field.hpp"
#include "verify/checks/checks.hpp"
#include "verify/stats/confidence.hpp"
#include "verify/stats/power_fit.hpp"

namespace ldbench::experiments::drivers {

using nlohmann::json;
namespace mf = lib::mfld;
namespace rng = lib::rng;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZCap = 38.0;

double z_of_p(double p) {
  if (!(p > 0)) return kZCap;
  if (p >= 1) return 0.0;
  return std::min(kZCap, boost::math::quantile(boost::math::complement(boost::math::normal(), p / 2)));
}

std::vector<double> to_vec(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

json interval_json(const verify::stats::Interval& iv) {
  return {{"mean", iv.mean}, {"ci", {iv.lo, iv.hi}}, {"sd", iv.sd}, {"n", iv.n}};
}

// Weighted power fit log y = c + p log x over replica means of the columns of e (R x J), with the
// delta-method interval over replicas (verify/stats/power_fit.hpp); `problem` says why there is no fit.
struct PowerFit : verify::stats::ReplicaPowerFit {
  std::string problem;
};

PowerFit fit_power(const Eigen::MatrixXd& e, const std::vector<double>& x, double alpha) {
  PowerFit f{verify::stats::fit_power_over_replicas(e, x, alpha), {}};
  if (const long j = f.first_nonpositive; j >= 0) {
    const auto jj = static_cast<std::size_t>(j);
    f.problem = "-bias at N = " + fmt(x[jj]) + " is " + fmt(f.mean[jj]) + " (standard error " + fmt(f.se[jj]) +
                "): not positive, no log-log fit";
  }
  return f;
}

// ------------------------------------------------------------------------------------------

struct Spec {
  theory::QuadraticMeanField model;
  int dim = 1;
  Eigen::VectorXd m0;
  double v0 = 1;
  double eta = 0.05;
  long N = 256;
  std::uint32_t K = 100;
  std::vector<std::uint32_t> record;
  double floor_factor = 10;
  double flow_tc = 6;
  int flow_points = 60;
  std::string sandwich_mutant = "none";
  std::vector<long> chaos_N;
  std::uint32_t chaos_steps = 1000, chaos_every = 1;
  std::string mutant = "none";
  double alpha_law = 1e-6, alpha_sp = 1e-6, alpha_rate = 1e-6, alpha_chaos = 1e-6;
  std::uint32_t k_end = 0;  // fit window 0..k_end
};

// Exact expectations of the plug-in terms under the exact N-particle law (header).
theory::EntropySandwich plugin_expectation(const theory::QuadraticMeanField& M, const theory::MfldDiscreteLaw& law, long N) {
  const int d = M.dim();
  const double lam1 = M.lambda1, lam2 = M.lambda2, c = M.c;
  const double a = lam2 / (2 * lam1), kappa = (c + 2 * lam1) / (2 * lam1);
  const double V = law.mean_mode_cov(0, 0), D = law.deviation_cov(0, 0);
  const Eigen::VectorXd mstar = c / (c + 2 * lam1) * M.b;
  const double msq_star = (law.mean - mstar).squaredNorm() + d * V;
  const double tr = d * static_cast<double>(N - 1) * D / static_cast<double>(N);
  double lndet = d * std::log(2 * D / static_cast<double>(N));
  for (int i = 0; i < d; ++i) lndet += boost::math::digamma(0.5 * static_cast<double>(N - 1 - i));
  const double EL = 0.5 * c * ((law.mean - M.b).squaredNorm() + d * V) + lam1 * (law.mean.squaredNorm() + d * V + tr) -
                    0.5 * lam2 * (d * std::log(2 * std::numbers::pi * std::numbers::e) + lndet);
  theory::EntropySandwich s;
  s.gap = EL - theory::quadratic_mf_optimal_value(M);
  s.lower = 0.5 * lam2 * (tr / a + msq_star / a - d + d * std::log(a) - lndet);
  s.upper = 0.5 * lam2 * (tr / a + kappa * kappa * msq_star / a - d + d * std::log(a) - lndet);
  return s;
}

Eigen::VectorXd vector_param(const Node& n, int d) {
  Eigen::VectorXd v(d);
  if (n.raw().is_number()) {
    v.setConstant(n.number(-1e6, 1e6));
  } else {
    const auto x = n.numbers(static_cast<std::size_t>(d), static_cast<std::size_t>(d), -1e6, 1e6, false);
    for (int i = 0; i < d; ++i) v(i) = x[static_cast<std::size_t>(i)];
  }
  return v;
}

Prepared prepare_quadratic(const ParsedSpec& spec, const std::map<std::string, double>& alpha) {
  const Node p = params_node(spec);
  p.object_with({"dim", "c", "b", "lambda1", "lambda2", "start", "eta", "particles", "steps", "record_steps", "fit_floor_factor", "flow",
                 "chaos", "mutant"});
  Spec s;
  s.dim = static_cast<int>(p.at("dim").integer(1, 20));
  const int d = s.dim;
  s.model.c = p.number_or("c", 4.0, 0.0, 1e6);
  s.model.b = p.has("b") ? vector_param(p.at("b"), d) : Eigen::VectorXd::Ones(d);
  s.model.lambda1 = p.number_or("lambda1", 0.5, 0.0, 1e6, true);
  s.model.lambda2 = p.number_or("lambda2", 1.0, 0.0, 1e6, true);
  const Node st = p.at("start");
  st.object_with({"mean", "variance"});
  s.m0 = vector_param(st.at("mean"), d);
  s.v0 = st.at("variance").number(0.0, 1e6, true);
  s.eta = p.at("eta").number(0.0, 1e6, true);
  const double limit = theory::quadratic_mf_mfld_step_limit(s.model);
  if (!(s.eta < limit))
    p.at("eta").fail("step " + fmt(s.eta) + " is at or above the stability limit min(2/(c + 2 lambda1), 1/lambda1) = " + fmt(limit),
                     "use eta < " + fmt(limit));
  s.N = static_cast<long>(p.at("particles").integer(4, 1000000));
  if (s.N < d + 2) p.at("particles").fail(std::to_string(s.N) + " particles cannot give an SPD plug-in covariance in d = " + std::to_string(d),
                                          "use particles >= dim + 2");
  s.K = static_cast<std::uint32_t>(p.at("steps").integer(1, 10000000));
  const auto rec = p.at("record_steps").numbers(1, 32, 0.0, 1e7, false);
  for (std::size_t i = 0; i < rec.size(); ++i) {
    if (rec[i] != std::floor(rec[i])) p.at("record_steps")[i].fail(fmt(rec[i]) + " is not an integer", "steps are integers >= 0");
    if (i > 0 && !(rec[i] > rec[i - 1])) p.at("record_steps")[i].fail("must increase", "e.g. [0, 5, 20, 80]");
    if (rec[i] > s.K) p.at("record_steps")[i].fail(fmt(rec[i]) + " is after the last step " + std::to_string(s.K), "use record steps <= steps");
    s.record.push_back(static_cast<std::uint32_t>(rec[i]));
  }
  s.floor_factor = p.number_or("fit_floor_factor", 10.0, 1.0, 1e6);
  if (p.has("flow")) {
    const Node f = p.at("flow");
    f.object_with({"time_constants", "points", "sandwich_mutant"});
    s.flow_tc = f.number_or("time_constants", s.flow_tc, 0.0, 100.0, true);
    s.flow_points = static_cast<int>(f.integer_or("points", s.flow_points, 3, 10000));
    s.sandwich_mutant = f.one_of_or("sandwich_mutant", "none", {"none", "references_swapped"});
  }
  const Node ch = p.at("chaos");
  ch.object_with({"particles", "steps", "record_every"});
  const auto cn = ch.at("particles").numbers(3, 16, 2.0, 1e6, false);
  for (std::size_t i = 0; i < cn.size(); ++i) {
    if (cn[i] != std::floor(cn[i])) ch.at("particles")[i].fail(fmt(cn[i]) + " is not an integer", "particle counts are integers >= 2");
    if (i > 0 && !(cn[i] > cn[i - 1])) ch.at("particles")[i].fail("must increase", "e.g. [8, 16, 32, 64]");
    s.chaos_N.push_back(static_cast<long>(cn[i]));
  }
  s.chaos_steps = static_cast<std::uint32_t>(ch.at("steps").integer(1, 100000000));
  s.chaos_every = static_cast<std::uint32_t>(ch.integer_or("record_every", 1, 1, s.chaos_steps));
  s.mutant = p.one_of_or("mutant", "none", {"none", "noise_sqrt_eta", "entropy_halved", "drift_flipped", "self_interaction_only", "rng_key_per_rank"});
  const int R = spec.header.replicas;
  if (R < 4) p.fail("replicas = " + std::to_string(R) + " is too few for the replica intervals", "use replicas >= 4");
  double work = static_cast<double>(R) * s.N * s.K * d * 1.0;
  for (long n : s.chaos_N) work += static_cast<double>(R) * n * s.chaos_steps * d;
  if (work > 5e10) p.at("particles").fail("replicas x particles x steps x dim = " + fmt(work) + " in total", "keep it <= 5e10");

  // Fit window of objective_rate: exact expected plug-in gap >= floor_factor x its stationary value.
  const theory::Gaussian mu0{s.m0, s.v0 * Eigen::MatrixXd::Identity(d, d)};
  const double floor_gap = plugin_expectation(s.model, theory::quadratic_mf_mfld_stationary(s.model, static_cast<int>(s.N), s.eta), s.N).gap;
  std::vector<double> tw, gw;
  for (std::uint32_t k = 0; k <= s.K; ++k) {
    const double g = plugin_expectation(s.model, theory::quadratic_mf_mfld_law(s.model, mu0, static_cast<int>(s.N), s.eta, k), s.N).gap;
    if (!(g >= s.floor_factor * floor_gap)) break;
    s.k_end = k;
    tw.push_back(k * s.eta);
    gw.push_back(g);
  }
  if (tw.size() < 4)
    p.at("fit_floor_factor").fail("the expected plug-in gap falls below fit_floor_factor x its floor " + fmt(floor_gap) + " after " +
                                      std::to_string(tw.size()) + " steps",
                                  "start farther from mu* (mean or variance), use more particles or a smaller fit_floor_factor");
  if (s.k_end == s.K)
    p.at("steps").fail("the fit window reaches the last step " + std::to_string(s.K) + " (the gap is still above the floor)",
                       "use more steps, so the run reaches the floor");
  const double exact_rate = verify::checks::fit_decay_rate(tw, gw);
  if (!(exact_rate >= 4 * s.model.lambda1))
    p.at("fit_floor_factor").fail("the exact expected plug-in gap decays at " + fmt(exact_rate) + " < 4 lambda1 = " + fmt(4 * s.model.lambda1) +
                                      " over the fit window (the floor bends the fit)",
                                  "raise fit_floor_factor or start farther from mu*");
  s.alpha_law = alpha.at("law_matches_exact");
  s.alpha_sp = alpha.at("entropy_sandwich_particles");
  s.alpha_rate = alpha.at("objective_rate");
  s.alpha_chaos = alpha.at("propagation_of_chaos");

  json eff;
  eff["dim"] = d;
  eff["c"] = s.model.c;
  eff["b"] = to_vec(s.model.b);
  eff["lambda1"] = s.model.lambda1;
  eff["lambda2"] = s.model.lambda2;
  eff["start"] = {{"mean", to_vec(s.m0)}, {"variance", s.v0}};
  eff["eta"] = s.eta;
  eff["stability_limit"] = limit;
  eff["particles"] = s.N;
  eff["steps"] = s.K;
  eff["record_steps"] = s.record;
  eff["fit_floor_factor"] = s.floor_factor;
  eff["fit_window_steps"] = {0, s.k_end};
  eff["flow"] = {{"time_constants", s.flow_tc}, {"points", s.flow_points}, {"sandwich_mutant", s.sandwich_mutant}};
  eff["chaos"] = {{"particles", s.chaos_N}, {"steps", s.chaos_steps}, {"record_every", s.chaos_every}};
  eff["mutant"] = s.mutant;
  eff["algorithm"] = "mfld (full gradient, lib/mfld)";
  eff["rng"] = "law run replica r: start (seed, initial_law) counter (r, i, 0), noise (seed, mfld_noise) replica r; chaos run N_j: "
               "exact stationary start (seed, reference_sample) replica R + r J + j, noise replica R + r J + j";

  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    reports::Experiment e = base_experiment(h, eff);
    const int R = h.replicas, d = s.dim;
    const auto& M = s.model;
    const double lam1 = M.lambda1, lam2 = M.lambda2, c = M.c;
    const double alpha_lsi = theory::quadratic_mf_lsi_constant(M);
    const double claimed_rate = 2 * alpha_lsi * lam2;  // = 4 lambda1
    const theory::Gaussian mu0{s.m0, s.v0 * Eigen::MatrixXd::Identity(d, d)};
    const double Lstar = theory::quadratic_mf_optimal_value(M);
    const theory::Gaussian opt = theory::quadratic_mf_optimum(M);
    const std::string model_txt = "F(mu) = (c/2)||E theta - b||^2 + lambda1 E||theta||^2, c = " + fmt(c) + ", lambda1 = " + fmt(lam1) +
                                  ", lambda2 = " + fmt(lam2) + ", d = " + std::to_string(d);
    try {
      // ---------------- entropy_sandwich_exact_flow (deterministic) ----------------
      {
        const double t_end = s.flow_tc / (4 * lam1), tol = 1e-10 * (1 + std::abs(Lstar));
        std::vector<double> ts, lo, gp, up;
        double worst = -std::numeric_limits<double>::infinity();
        double worst_t = 0;
        std::string worst_side;
        bool ok = true;
        for (int i = 0; i < s.flow_points; ++i) {
          const double t = t_end * i / (s.flow_points - 1);
          const theory::Gaussian mu = theory::quadratic_mf_flow(M, mu0, t);
          auto sw = theory::quadratic_mf_entropy_sandwich(M, mu);
          if (s.sandwich_mutant == "references_swapped") {
            const theory::Gaussian pmu = theory::quadratic_mf_proximal_gibbs(M, mu);
            sw.lower = lam2 * theory::kl(mu, pmu);
            sw.upper = lam2 * theory::kl(mu, opt);
          }
          ts.push_back(t);
          lo.push_back(sw.lower);
          gp.push_back(sw.gap);
          up.push_back(sw.upper);
          const double v1 = sw.lower - sw.gap, v2 = sw.gap - sw.upper;  // both <= tol when the sandwich holds
          if (v1 > worst) worst = v1, worst_t = t, worst_side = "lower - gap";
          if (v2 > worst) worst = v2, worst_t = t, worst_side = "gap - upper";
          if (!(v1 <= tol && v2 <= tol)) ok = false;
        }
        verify::CheckResult cr;
        cr.id = "entropy_sandwich_exact_flow";
        cr.kind = verify::CheckKind::upper_bound_pointwise;
        cr.claim = "entropy sandwich (notes, Convergence of MF-LD; Nitanda, Wu & Suzuki 2022; Chizat 2022): lambda2 KL(mu_t||mu*) <= "
                   "L(mu_t) - L* <= lambda2 KL(mu_t||p_mu_t) along the exact mean-field flow (theory quadratic_mf_flow) of " + model_txt +
                   (s.sandwich_mutant == "none" ? "" : " [sandwich_mutant " + s.sandwich_mutant + ": references of lower and upper exchanged]");
        cr.quantity = "max over " + std::to_string(s.flow_points) + " times in [0, " + fmt(t_end) + "] of max(lower - gap, gap - upper)";
        cr.rule = "deterministic: passes iff lower <= gap + tol and gap <= upper + tol at every time, tol = 1e-10 (1 + |L*|) = " + fmt(tol);
        cr.measured = cr.measured_lo = cr.measured_hi = worst;
        cr.bound = tol;
        cr.tightness = kNaN;
        cr.alpha = 0;
        cr.replicas = 0;
        cr.resolution = tol;
        cr.passed = ok;
        cr.detail = "worst " + worst_side + " = " + fmt(worst) + " at t = " + fmt(worst_t) + "; at t = 0: lower " + fmt(lo.front()) + ", gap " +
                    fmt(gp.front()) + ", upper " + fmt(up.front());
        e.checks.push_back(cr);
        reports::Plot pl;
        pl.id = "sandwich_flow";
        pl.title = "Entropy sandwich along the exact mean-field flow";
        pl.xlabel = "t";
        pl.ylabel = "nats x lambda2 (objective units)";
        pl.logy = true;
        std::vector<double> tp, lop, gpp, upp;
        for (std::size_t i = 0; i < ts.size(); ++i)
          if (lo[i] > 0 && gp[i] > 0 && up[i] > 0) tp.push_back(ts[i]), lop.push_back(lo[i]), gpp.push_back(gp[i]), upp.push_back(up[i]);
        pl.series.push_back({"gap L(mu_t) - L*", reports::SeriesStyle::exact, tp, gpp, {}, {}});
        pl.series.push_back({"lower lambda2 KL(mu_t||mu*)", reports::SeriesStyle::bound, tp, lop, {}, {}});
        pl.series.push_back({"upper lambda2 KL(mu_t||p_mu_t)", reports::SeriesStyle::bound, tp, upp, {}, {}});
        e.plots.push_back(pl);
        e.results["sandwich_flow"] = {{"t", ts}, {"lower", lo}, {"gap", gp}, {"upper", up}, {"worst_violation", worst}};
      }

      // ---------------- law run ----------------
      mf::QuadraticParams qp;
      qp.c = c;
      qp.b = M.b;
      qp.lambda1 = lam1;
      const mf::QuadraticObjective F(qp);
      const int T = static_cast<int>(s.record.size());
      const std::uint32_t K = s.K;
      // Per replica: plug-in terms at every step (K + 1) and the law statistics at the record steps.
      Eigen::MatrixXd lower(R, K + 1), gap(R, K + 1), upper(R, K + 1);
      std::vector<Eigen::MatrixXd> xbar_dev(static_cast<std::size_t>(T), Eigen::MatrixXd::Zero(d, R)), dev_ss = xbar_dev;
      std::vector<theory::MfldDiscreteLaw> laws;
      for (std::uint32_t k : s.record) laws.push_back(theory::quadratic_mf_mfld_law(M, mu0, static_cast<int>(s.N), s.eta, k));
      const int J = static_cast<int>(s.chaos_N.size());
      const int total = R + R * J;
      int done = 0;
      auto progress = [&] {
        if (ctx.progress) ctx.progress(++done, total);
      };
      std::string brief;
      mf::MfldOptions base;
      base.algorithm = mf::Algorithm::mfld;
      base.lambda2 = lam2;
      base.eta = s.eta;
      base.seed = h.seed;
      base.threads = 1;
      base.mutant = mf::mutant_from_string(s.mutant);
      // MPI (header): runs of more than one particle block are split over the ranks; then the tasks run one at a
      // time with the threads inside the runs. A one-block run cannot be split: every rank runs it whole (the
      // same bits, no communication).
      const lib::core::Communicator& comm = lib::core::world();
      auto split = [&](long N) { return comm.size() > 1 && N > mf::kParticleBlock; };
      bool any_split = split(s.N);
      for (long n : s.chaos_N) any_split = any_split || split(n);
      const int task_threads = any_split ? 1 : ctx.threads;
      // Runs o on the particles X (all N of them): when split, on this rank's columns of X only.
      auto run_mfld = [&](Eigen::MatrixXd& X, mf::MfldOptions o, const mf::Observer& observer) {
        if (!split(X.cols())) return mf::run(F, X, o, observer);
        const mf::ShardRange sr = mf::shard_of(X.cols(), comm.rank(), comm.size());
        Eigen::MatrixXd mine = X.middleCols(sr.begin, sr.count());
        o.comm = &comm;
        o.particle_offset = static_cast<std::uint32_t>(sr.begin);
        o.threads = ctx.threads;
        return mf::run(F, mine, o, observer);
      };
      const std::string law_div = run_tasks(R, task_threads, [&](int r) -> std::string {
        const rng::Key key{h.seed, static_cast<std::uint32_t>(rng::StreamTag::initial_law)};
        Eigen::MatrixXd X(d, s.N);
        for (long i = 0; i < s.N; ++i) {
          rng::NormalStream(key, static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(i), 0).fill(X.col(i).data(), static_cast<std::uint32_t>(d));
          X.col(i) = s.m0 + std::sqrt(s.v0) * X.col(i);
        }
        mf::MfldOptions o = base;
        o.n_steps = K;
        o.replica = static_cast<std::uint32_t>(r);
        o.observe_every = 1;
        auto observer = [&](std::uint32_t k, const Eigen::MatrixXd& Xk, std::uint64_t) {
          const Eigen::VectorXd xb = Xk.rowwise().mean();
          const Eigen::MatrixXd Y = Xk.colwise() - xb;
          Eigen::MatrixXd S = Y * Y.transpose() / static_cast<double>(s.N);
          S = 0.5 * (S + S.transpose());
          const auto sw = theory::quadratic_mf_entropy_sandwich(M, theory::Gaussian{xb, S});
          lower(r, k) = sw.lower;
          gap(r, k) = sw.gap;
          upper(r, k) = sw.upper;
          const auto it = std::find(s.record.begin(), s.record.end(), k);
          if (it == s.record.end()) return;
          const auto t = static_cast<std::size_t>(it - s.record.begin());
          xbar_dev[t].col(r) = xb - laws[t].mean;
          dev_ss[t].col(r) = Y.array().square().rowwise().sum().matrix();
        };
        try {
          const auto sum = run_mfld(X, o, observer);
          if (r == 0) brief = std::string(mf::to_string(sum.algorithm)) + (s.mutant == "none" ? "" : " [mutant " + s.mutant + "]") + ": " +
                              std::to_string(sum.steps) + " steps x " + std::to_string(sum.particles) + " particles per replica, d = " +
                              std::to_string(d) + ", " + std::to_string(sum.gradient_evaluations) + " gradient evaluations per replica";
        } catch (const mf::MfldDivergence& ex) {
          return "law run, replica " + std::to_string(r) + ": " + ex.what();
        } catch (const std::invalid_argument& ex) {
          // The plug-in covariance of a blown-up state is not SPD (theory validation): report as divergence.
          return "law run, replica " + std::to_string(r) + ": " + ex.what();
        }
        return "";
      }, progress);

      const std::string law_claim = "discrete MFLD theta_i <- theta_i - eta (c (theta_bar - b) + 2 lambda1 theta_i) + sqrt(2 eta lambda2) xi on N = " +
                                    std::to_string(s.N) + " particles from iid N(m0, v0 I) has the exact law of theory quadratic_mf_mfld_law "
                                    "(particle mean N(m_k, V_k I) independent of the deviations, covariance (I - 11'/N) x D_k I); " + model_txt +
                                    ", eta = " + fmt(s.eta);
      const std::string law_quantity = "worst of 3 d T exact tests (per coordinate: particle-mean z-test, particle-mean chi²_R and deviation "
                                       "chi²_{R(N-1)} variance tests) as a normal-equivalent |z|";
      const std::string sp_claim = "the plug-in entropy-sandwich terms lambda2 KL(mu||mu*) <= L(mu) - L* <= lambda2 KL(mu||p_mu) of the particle "
                                   "measure (Gaussian moments) have the exact expectations of the exact N-particle law (Wishart log-determinant) "
                                   "and respect the sandwich; " + model_txt;
      const std::string sp_quantity = "worst |replica mean - exact expectation| / half-width over 3 terms x T record steps";
      const std::string rate_claim = "notes (Convergence of MF-LD): L(mu_t) - L* <= exp(-2 alpha lambda2 t)(L(mu_0) - L*), alpha = 2 lambda1/lambda2 "
                                     "(Gaussian LSI of every p_mu, theory quadratic_mf_lsi_constant): decay rate >= 4 lambda1 = " + fmt(claimed_rate) +
                                     "; " + model_txt;
      const std::string rate_quantity = "fitted exponential rate of the plug-in gap L(N(theta_bar, S_hat)) - L* over steps 0.." + std::to_string(s.k_end) +
                                        " (per replica least squares of log gap on t)";
      const std::string chaos_claim = "propagation of chaos (notes, Finite particle approximation): the stationary one-particle variance of discrete "
                                      "MFLD with N particles is D_inf + (V_inf - D_inf/N), the bias exactly ∝ 1/N (theory quadratic_mf_mfld_chaos_bias); "
                                      "its eta -> 0 limit is -lambda2 c/(2 lambda1 (c + 2 lambda1) N); " + model_txt + ", eta = " + fmt(s.eta);
      const std::string chaos_quantity = "fitted slope p of log(-bias) = c + p log N (weighted least squares over replica means)";

      if (!law_div.empty()) {
        e.status = "error";
        e.error = "mfld: " + law_div;
        const double zc = boost::math::quantile(boost::math::complement(boost::math::normal(), s.alpha_law / (6.0 * d * T)));
        e.checks.push_back(unfinished_check("the particle system", "law_matches_exact", verify::CheckKind::consistency, law_claim, law_quantity, zc, s.alpha_law, R, law_div));
        e.checks.push_back(unfinished_check("the particle system", "entropy_sandwich_particles", verify::CheckKind::consistency, sp_claim, sp_quantity, 1.0, s.alpha_sp, R, law_div));
        e.checks.push_back(unfinished_check("the particle system", "objective_rate", verify::CheckKind::rate_at_least, rate_claim, rate_quantity, claimed_rate, s.alpha_rate, R, law_div));
      } else {
        // ---------------- law_matches_exact ----------------
        const double alpha_p = s.alpha_law / (3.0 * d * T);
        const double z_crit = boost::math::quantile(boost::math::complement(boost::math::normal(), alpha_p / 2));
        const boost::math::chi_squared chiR(static_cast<double>(R)), chiD(static_cast<double>(R) * static_cast<double>(s.N - 1));
        auto chi_z = [](const boost::math::chi_squared& chi, double Q) {
          const double lo_t = boost::math::cdf(chi, Q), hi_t = boost::math::cdf(boost::math::complement(chi, Q));
          return z_of_p(std::min(1.0, 2.0 * std::min(lo_t, hi_t)));
        };
        double worst_z = 0;
        std::string worst_where;
        std::vector<double> kk, zmean, zvm, zvd;
        json per_step = json::array();
        for (int t = 0; t < T; ++t) {
          const auto tt = static_cast<std::size_t>(t);
          const double V = laws[tt].mean_mode_cov(0, 0), D = laws[tt].deviation_cov(0, 0);
          double zm = 0, z1 = 0, z2 = 0;
          for (int j = 0; j < d; ++j) {
            const double z = xbar_dev[tt].row(j).sum() / std::sqrt(R * V);
            const double Q1 = xbar_dev[tt].row(j).squaredNorm() / V, Q2 = dev_ss[tt].row(j).sum() / D;
            zm = std::max(zm, std::min(kZCap, std::abs(z)));
            z1 = std::max(z1, chi_z(chiR, Q1));
            z2 = std::max(z2, chi_z(chiD, Q2));
          }
          const std::string k = std::to_string(s.record[tt]);
          if (zm > worst_z) worst_z = zm, worst_where = "particle-mean z-test at k = " + k;
          if (z1 > worst_z) worst_z = z1, worst_where = "particle-mean variance test at k = " + k;
          if (z2 > worst_z) worst_z = z2, worst_where = "deviation variance test at k = " + k;
          kk.push_back(s.record[tt]);
          zmean.push_back(zm);
          zvm.push_back(z1);
          zvd.push_back(z2);
          const double dev_var_hat = dev_ss[tt].sum() / (static_cast<double>(R) * static_cast<double>(s.N - 1) * d);
          per_step.push_back({{"k", s.record[tt]}, {"V_k", V}, {"D_k", D}, {"marginal_variance", laws[tt].marginal_cov(0, 0)},
                              {"max_abs_z_mean", zm}, {"max_z_mean_mode_variance", z1}, {"max_z_deviation_variance", z2},
                              {"deviation_variance_ratio", dev_var_hat / D}});
        }
        verify::CheckResult cl;
        cl.id = "law_matches_exact";
        cl.kind = verify::CheckKind::consistency;
        cl.claim = law_claim;
        cl.quantity = law_quantity;
        cl.rule = "fails iff some test's p-value < alpha/(3 d T) = " + fmt(alpha_p) + " (Bonferroni over d = " + std::to_string(d) +
                  " coordinates x 3 tests x T = " + std::to_string(T) + " record steps; exact null laws N(0,1), chi²_R, chi²_{R(N-1)})";
        cl.measured = cl.measured_lo = cl.measured_hi = worst_z;
        cl.bound = z_crit;
        cl.tightness = worst_z / z_crit;
        cl.alpha = s.alpha_law;
        cl.replicas = R;
        cl.resolution = z_crit * std::sqrt(2.0 / (static_cast<double>(R) * static_cast<double>(s.N - 1)));
        cl.passed = worst_z <= z_crit;
        cl.detail = "worst: " + worst_where + "; detectable relative error of the deviation variance " + fmt(cl.resolution) +
                    ", of the particle-mean variance " + fmt(z_crit * std::sqrt(2.0 / R)) + "; " + brief;
        e.checks.push_back(cl);
        reports::Plot pz;
        pz.id = "law_tests";
        pz.title = "Exact-law tests per record step (worst coordinate; mutant " + s.mutant + ")";
        pz.xlabel = "step k";
        pz.ylabel = "normal-equivalent |z|";
        pz.series.push_back({"particle mean: z-test", reports::SeriesStyle::measured, kk, zmean, {}, {}});
        pz.series.push_back({"particle mean: chi² variance test", reports::SeriesStyle::measured, kk, zvm, {}, {}});
        pz.series.push_back({"deviations: chi² variance test", reports::SeriesStyle::measured, kk, zvd, {}, {}});
        pz.series.push_back({"Bonferroni critical value", reports::SeriesStyle::bound, kk, std::vector<double>(kk.size(), z_crit), {}, {}});
        e.plots.push_back(pz);
        e.results["law"] = {{"z_crit", z_crit}, {"alpha_per_test", alpha_p}, {"per_step", per_step}};

        // ---------------- entropy_sandwich_particles ----------------
        {
          const double a_each = s.alpha_sp / (3.0 * T);
          double worst = 0;
          std::string where;
          bool order_ok = true;
          json per = json::array();
          reports::Series ml{"lower (plug-in, replica mean)", reports::SeriesStyle::measured, {}, {}, {}, {}}, mg = ml, mu = ml;
          mg.label = "gap (plug-in, replica mean)";
          mu.label = "upper (plug-in, replica mean)";
          reports::Series el{"exact expectations (lower, gap, upper)", reports::SeriesStyle::exact, {}, {}, {}, {}};
          for (int t = 0; t < T; ++t) {
            const auto tt = static_cast<std::size_t>(t);
            const std::uint32_t k = s.record[tt];
            const auto ex = plugin_expectation(M, laws[tt], s.N);
            auto col = [&](const Eigen::MatrixXd& m) { return to_vec(m.col(k)); };
            const auto il = verify::stats::two_sided(col(lower), a_each), ig = verify::stats::two_sided(col(gap), a_each),
                       iu = verify::stats::two_sided(col(upper), a_each);
            const double dl = std::abs(il.mean - ex.lower) / il.half_width(), dg = std::abs(ig.mean - ex.gap) / ig.half_width(),
                         du = std::abs(iu.mean - ex.upper) / iu.half_width();
            for (auto [v, nm] : {std::pair{dl, "lower"}, std::pair{dg, "gap"}, std::pair{du, "upper"}})
              if (v > worst) worst = v, where = std::string(nm) + " at k = " + std::to_string(k);
            if (il.lo > ig.hi || ig.lo > iu.hi) order_ok = false;
            const double tk = k * s.eta;
            for (auto [ser, iv] : {std::pair{&ml, &il}, std::pair{&mg, &ig}, std::pair{&mu, &iu}}) {
              ser->x.push_back(tk);
              ser->y.push_back(iv->mean);
              ser->lo.push_back(iv->lo);
              ser->hi.push_back(iv->hi);
            }
            per.push_back({{"k", k}, {"t", tk}, {"lower", interval_json(il)}, {"gap", interval_json(ig)}, {"upper", interval_json(iu)},
                           {"exact", {{"lower", ex.lower}, {"gap", ex.gap}, {"upper", ex.upper}}}});
          }
          verify::CheckResult cs;
          cs.id = "entropy_sandwich_particles";
          cs.kind = verify::CheckKind::consistency;
          cs.claim = sp_claim;
          cs.quantity = sp_quantity;
          cs.rule = "fails iff some two-sided t interval (level 1 - alpha/(3T) = 1 - " + fmt(a_each) + ", R = " + std::to_string(R) +
                    " replicas) misses its exact expectation, or the intervals contradict lower <= gap <= upper";
          cs.measured = cs.measured_lo = cs.measured_hi = worst;
          cs.bound = 1.0;
          cs.tightness = worst;
          cs.alpha = s.alpha_sp;
          cs.replicas = R;
          cs.resolution = 1.0;
          cs.passed = worst <= 1.0 && order_ok;
          cs.detail = "worst: " + where + (order_ok ? "" : "; the intervals contradict the sandwich ordering");
          e.checks.push_back(cs);
          reports::Plot ps;
          ps.id = "sandwich_particles";
          ps.title = "Plug-in entropy-sandwich terms with exact expectations";
          ps.xlabel = "t = k eta";
          ps.ylabel = "objective units";
          ps.logy = true;
          for (int t = 0; t < T; ++t) {
            const auto ex = plugin_expectation(M, laws[static_cast<std::size_t>(t)], s.N);
            const double tk = s.record[static_cast<std::size_t>(t)] * s.eta;
            for (double v : {ex.lower, ex.gap, ex.upper}) el.x.push_back(tk), el.y.push_back(v);
          }
          bool positive = true;
          for (const auto* ser : {&ml, &mg, &mu})
            for (double v : ser->lo) positive = positive && v > 0;
          ps.logy = positive;
          ps.series = {ml, mg, mu, el};
          e.plots.push_back(ps);
          e.results["sandwich_particles"] = per;
        }

        // ---------------- objective_rate ----------------
        {
          std::vector<double> tw;
          for (std::uint32_t k = 0; k <= s.k_end; ++k) tw.push_back(k * s.eta);
          std::vector<double> rates;
          for (int r = 0; r < R; ++r) {
            std::vector<double> g;
            for (std::uint32_t k = 0; k <= s.k_end; ++k) g.push_back(gap(r, k));
            rates.push_back(verify::checks::fit_decay_rate(tw, g));
          }
          std::vector<double> ts, ex_gap, flow_gap, bound;
          for (std::uint32_t k = 0; k <= K; ++k) {
            const double t = k * s.eta;
            ts.push_back(t);
            ex_gap.push_back(plugin_expectation(M, theory::quadratic_mf_mfld_law(M, mu0, static_cast<int>(s.N), s.eta, k), s.N).gap);
            flow_gap.push_back(theory::quadratic_mf_entropy_sandwich(M, theory::quadratic_mf_flow(M, mu0, t)).gap);
            bound.push_back(theory::mfld_free_energy_bound(flow_gap.front(), alpha_lsi, lam2, t));
          }
          const std::vector<double> ex_w(ex_gap.begin(), ex_gap.begin() + s.k_end + 1), fl_w(flow_gap.begin(), flow_gap.begin() + s.k_end + 1);
          const double exact_rate = verify::checks::fit_decay_rate(tw, ex_w), flow_rate = verify::checks::fit_decay_rate(tw, fl_w);
          bool finite = true;
          for (double v : rates) finite = finite && std::isfinite(v);
          verify::CheckResult cr;
          if (finite) {
            cr = verify::checks::rate_at_least({"objective_rate", rate_claim, rate_quantity}, rates, claimed_rate, s.alpha_rate);
          } else {
            cr = unfinished_check("the particle system", "objective_rate", verify::CheckKind::rate_at_least, rate_claim, rate_quantity, claimed_rate, s.alpha_rate, R,
                              "a replica's gap is not positive and finite over the window");
          }
          cr.detail = "exact expected plug-in gap over the window decays at " + fmt(exact_rate) + ", the mean-field flow's gap at " + fmt(flow_rate) +
                      "; asymptotic rates of the flow: mean mode 2(c + 2 lambda1) = " + fmt(2 * (c + 2 * lam1)) + ", covariance mode 4 lambda1 = " +
                      fmt(4 * lam1) + " far from mu*, 8 lambda1 = " + fmt(8 * lam1) + " near mu*; tightness (fitted / bound) " + fmt(cr.tightness);
          e.checks.push_back(cr);
          reports::Plot pg;
          pg.id = "objective_gap";
          pg.title = "L(mu_k) - L* of the particles against the LSI bound";
          pg.xlabel = "t = k eta";
          pg.ylabel = "L - L*";
          pg.logy = true;
          reports::Series ms{"plug-in gap (" + std::to_string(R) + " replicas, 95% band)", reports::SeriesStyle::measured, ts, {}, {}, {}};
          append_replica_band(gap, 0.05, ms);
          for (std::size_t j = 0; j < ms.lo.size(); ++j) ms.lo[j] = std::max(ms.lo[j], 1e-3 * ms.y[j]);
          pg.series.push_back(ms);
          pg.series.push_back({"exact expectation of the plug-in gap", reports::SeriesStyle::exact, ts, ex_gap, {}, {}});
          reports::Series fs{"mean-field flow (N = inf, eta -> 0)", reports::SeriesStyle::reference, {}, {}, {}, {}};
          for (std::size_t j = 0; j < ts.size(); ++j)  // above rounding of L - L* only
            if (flow_gap[j] > 1e-10 * (1 + std::abs(Lstar))) fs.x.push_back(ts[j]), fs.y.push_back(flow_gap[j]);
          pg.series.push_back(fs);
          pg.series.push_back({"bound exp(-2 alpha lambda2 t) gap_0", reports::SeriesStyle::bound, ts, bound, {}, {}});
          e.plots.push_back(pg);
          e.results["objective_rate"] = {{"claimed", claimed_rate}, {"per_replica", rates}, {"exact_expectation_rate", exact_rate},
                                         {"flow_rate_over_window", flow_rate}, {"mean_mode_rate", 2 * (c + 2 * lam1)},
                                         {"window_t", {0.0, s.k_end * s.eta}}, {"L_star", Lstar}};
        }
      }

      // ---------------- propagation_of_chaos ----------------
      Eigen::MatrixXd Bm(R, J);
      const std::string chaos_div = run_tasks(R * J, task_threads, [&](int task) -> std::string {
        const int r = task / J, j = task % J;
        const long N = s.chaos_N[static_cast<std::size_t>(j)];
        const auto rep = static_cast<std::uint32_t>(R + r * J + j);
        const auto st = theory::quadratic_mf_mfld_stationary(M, static_cast<int>(N), s.eta);
        const double V = st.mean_mode_cov(0, 0), D = st.deviation_cov(0, 0);
        const rng::Key key{h.seed, static_cast<std::uint32_t>(rng::StreamTag::reference_sample)};
        Eigen::MatrixXd Xi(d, N);
        for (long i = 0; i < N; ++i) rng::NormalStream(key, rep, static_cast<std::uint32_t>(i), 0).fill(Xi.col(i).data(), static_cast<std::uint32_t>(d));
        Eigen::VectorXd zeta(d);
        rng::NormalStream(key, rep, static_cast<std::uint32_t>(N), 0).fill(zeta.data(), static_cast<std::uint32_t>(d));
        const Eigen::VectorXd xi_bar = Xi.rowwise().mean();
        Eigen::MatrixXd X = (std::sqrt(D) * (Xi.colwise() - xi_bar)).colwise() + (st.mean + std::sqrt(V) * zeta);
        mf::MfldOptions o = base;
        o.n_steps = s.chaos_steps;
        o.replica = rep;
        o.observe_every = s.chaos_every;
        double acc = 0;
        long samples = 0;
        auto observer = [&](std::uint32_t, const Eigen::MatrixXd& Xk, std::uint64_t) {
          acc += (Xk.colwise() - st.mean).squaredNorm() / (static_cast<double>(N) * d);
          ++samples;
        };
        try {
          run_mfld(X, o, observer);
        } catch (const mf::MfldDivergence& ex) {
          return "chaos run N = " + std::to_string(N) + ", replica " + std::to_string(r) + ": " + ex.what();
        }
        Bm(r, j) = acc / static_cast<double>(samples) - D;
        return "";
      }, progress);
      if (!chaos_div.empty()) {
        e.status = "error";
        if (e.error.empty()) e.error = "mfld: " + chaos_div;
        e.checks.push_back(unfinished_check("the particle system", "propagation_of_chaos", verify::CheckKind::order_equals, chaos_claim, chaos_quantity, -1.0, s.alpha_chaos,
                                        R, chaos_div));
      } else {
        const double a_each = s.alpha_chaos / (2.0 * J);
        std::vector<double> Nx, exact, cont;
        double worst = 0;
        std::string where;
        json per = json::array();
        reports::Series ms{"measured -bias (" + std::to_string(R) + " replicas, interval at alpha/(2J))", reports::SeriesStyle::measured, {}, {}, {}, {}};
        for (int j = 0; j < J; ++j) {
          const long N = s.chaos_N[static_cast<std::size_t>(j)];
          const double ex = theory::quadratic_mf_mfld_chaos_bias(M, static_cast<int>(N), s.eta);
          const auto iv = verify::stats::two_sided(to_vec(Bm.col(j)), a_each);
          const double dev = std::abs(iv.mean - ex) / iv.half_width();
          if (dev > worst) worst = dev, where = "N = " + std::to_string(N);
          Nx.push_back(static_cast<double>(N));
          exact.push_back(-ex);
          cont.push_back(-theory::quadratic_mf_n_particle_variance_bias(M, static_cast<int>(N)));
          ms.x.push_back(static_cast<double>(N));
          ms.y.push_back(-iv.mean);
          ms.lo.push_back(std::max(-iv.hi, 1e-3 * std::abs(iv.mean)));
          ms.hi.push_back(std::max(-iv.lo, 1e-3 * std::abs(iv.mean)));
          per.push_back({{"N", N}, {"bias", interval_json(iv)}, {"exact", ex}, {"continuous_limit", -cont.back()}, {"deviation_over_half_width", dev}});
        }
        const PowerFit f = fit_power(-Bm, Nx, s.alpha_chaos / 2.0);
        verify::CheckResult cc;
        cc.id = "propagation_of_chaos";
        cc.kind = verify::CheckKind::order_equals;
        cc.claim = chaos_claim;
        cc.quantity = chaos_quantity;
        cc.rule = "passes iff at every N the two-sided t interval (level 1 - alpha/(2J)) of the mean bias contains the exact value, every mean "
                  "-bias > 0, and the slope interval p ± t_{1-alpha/4, R-1} SE(p) (delta method over replicas) contains -1";
        cc.measured = f.p;
        cc.measured_lo = f.lo;
        cc.measured_hi = f.hi;
        cc.bound = -1.0;
        cc.tightness = f.p / -1.0;
        cc.alpha = s.alpha_chaos;
        cc.replicas = R;
        cc.resolution = f.tq * f.se_p;
        const bool slope_ok = f.problem.empty() && std::isfinite(f.p) && f.lo <= -1.0 && -1.0 <= f.hi;
        cc.passed = worst <= 1.0 && slope_ok;
        cc.detail = "worst exact-value deviation " + fmt(worst) + " half-widths at " + where + "; " +
                    (f.problem.empty() ? "slope " + fmt(f.p) + " [" + fmt(f.lo) + ", " + fmt(f.hi) + "]" : f.problem) +
                    "; exact N x bias = " + fmt(theory::quadratic_mf_mfld_chaos_bias(M, 1, s.eta)) + " (continuous limit " +
                    fmt(theory::quadratic_mf_n_particle_variance_bias(M, 1)) + "), step bias D_inf - a = " + fmt(theory::quadratic_mf_mfld_step_bias(M, s.eta));
        e.checks.push_back(cc);
        reports::Plot pc;
        pc.id = "chaos_bias";
        pc.title = "Stationary variance bias against N (propagation of chaos)";
        pc.xlabel = "N";
        pc.ylabel = "-(s_N - D_inf)";
        pc.logx = pc.logy = true;
        if (!f.problem.empty()) ms.label = "|measured bias| (some mean bias >= 0)";
        for (auto& v : ms.y) v = std::max(std::abs(v), 1e-12);
        pc.series.push_back(ms);
        pc.series.push_back({"exact (discrete, theory quadratic_mf_mfld_chaos_bias)", reports::SeriesStyle::exact, Nx, exact, {}, {}});
        pc.series.push_back({"continuous-time limit lambda2 c/(2 lambda1 (c + 2 lambda1) N)", reports::SeriesStyle::reference, Nx, cont, {}, {}});
        e.plots.push_back(pc);
        e.results["propagation_of_chaos"] = {{"per_N", per},
                                             {"slope", {{"p", f.p}, {"ci", {f.lo, f.hi}}, {"se", f.se_p}, {"t_quantile", f.tq}, {"problem", f.problem}}},
                                             {"D_inf", theory::quadratic_mf_mfld_stationary(M, 1, s.eta).deviation_cov(0, 0)},
                                             {"step_bias", theory::quadratic_mf_mfld_step_bias(M, s.eta)}};
      }
      // Order the checks as registered.
      const std::vector<std::string> order{"law_matches_exact", "entropy_sandwich_exact_flow", "entropy_sandwich_particles", "objective_rate",
                                           "propagation_of_chaos"};
      std::stable_sort(e.checks.begin(), e.checks.end(), [&](const auto& x, const auto& y) {
        return std::find(order.begin(), order.end(), x.id) < std::find(order.begin(), order.end(), y.id);
      });
    } catch (const std::exception& ex) {
      e.status = "error";
      e.error = ex.what();
    }
    return e;
  };
  return out;
}

}  // namespace

void register_mfld_kinds(KindRegistry& r) {
  r.add({"mfld_quadratic",
         "Mean-field Langevin dynamics (lib/mfld) on the quadratic-F model: particle law against the exact discrete N-particle law, entropy "
         "sandwich along the exact flow and on the particle measure, LSI decay rate of L(mu_t) - L*, propagation of chaos (bias ∝ 1/N)",
         {{"law_matches_exact", true, 1e-6},
          {"entropy_sandwich_exact_flow", false, 0.0},
          {"entropy_sandwich_particles", true, 1e-6},
          {"objective_rate", true, 1e-6},
          {"propagation_of_chaos", true, 1e-6}},
         prepare_quadratic});
}

}  // namespace ldbench::experiments::drivers
