// Drivers of the Langevin samplers on targets with an exact law (issue 6, verifications 1, 2 and
// part of 6): kinds "ula_gaussian" and "mala_invariance". Sampler: lib/langevin/sampler.hpp
// (ULA / MALA over an ensemble of independent chains); exact laws: theory/ula_gaussian.hpp,
// theory/discretization.hpp (Vempala–Wibisono), theory/gaussian.hpp.
//
// Targets. pi ∝ exp(-U/lambda) with U(x) = ½ xᵀ A x, A = V diag(a_1..a_d) Vᵀ, so pi = N(0, lambda A⁻¹);
// a_i = a_min (a_max/a_min)^{(i-1)/(d-1)} (log-spaced; a_min = a_max is isotropic), V = I
// ("rotation": "none") or a fixed Haar orthogonal matrix ("haar": Q of the QR factorisation of a
// d x d Philox normal matrix, key (rotation_seed, model_data), column signs fixed by diag(R) > 0).
// U is lib/models GaussianFiniteSum with n = 1 (one full gradient per step).
// Parallelism: OpenMP over independent runs (replicas, step sizes), each sampler on one thread; every
// run is a pure function of its indices and the pooling is in a fixed order, so reports do not
// depend on the thread count.
//
// ---------------------------------------------------------------------------------------------
// Kind "ula_gaussian". ULA x_{k+1} = x_k - eta A x_k + sqrt(2 eta lambda) xi_k on N chains per
// replica from the Gaussian start N(m0, v0 I). The exact law (DESIGN.md §3.3, theory ula_law) is
//   m_k = (I - eta A)^k m0,   S_k = V diag(r_i^{2k} v0 + v_inf,i (1 - r_i^{2k})) Vᵀ,
//   r_i = 1 - eta a_i,   v_inf,i = (lambda/a_i)/(1 - eta a_i/2);  stable iff 0 < eta a_max < 2.
// Checks:
//  law_matches_exact (stochastic, alpha). At each record step k, let S_k = W diag(s_1..s_d) Wᵀ
//    (eigendecomposition of the exact covariance) and y_ij = w_iᵀ(x_j - m_k) for all M = R N chains
//    (replicas pooled; chains are independent). Under H0 (law_k = N(m_k, S_k)) the y_ij are
//    independent N(0, s_i) (uncorrelated coordinates of a Gaussian vector), so per direction i
//      mean test      z_i = sum_j y_ij / sqrt(M s_i) ~ N(0, 1)       exactly,
//      variance test  Q_i = sum_j y_ij² / s_i        ~ chi²_M        exactly (the mean is known).
//    Each of the 2 d T tests (T record steps) is two-sided at alpha' = alpha / (2 d T) (Bonferroni:
//    family-wise false-alarm rate <= alpha for any dependence across steps). The check fails iff
//    some p-value < alpha'. Reported: the worst test as a normal-equivalent |z| (Phi⁻¹(1 - p/2))
//    against z_crit = Phi⁻¹(1 - alpha'/2); resolution = z_crit sqrt(2/M), the relative variance
//    error detected with probability about 1/2 (mean errors: z_crit/sqrt(M) standard deviations).
//  kl_under_vw_bound (deterministic). Vempala & Wibisono (2019), Th. 1 in the suite's units
//    (theory/discretization.hpp): KL(law_k || pi) <= exp(-alpha lambda eta k) KL_0 + 8 d L_U² eta/(alpha lambda)
//    for eta <= alpha lambda/(4 L_U²), with alpha = a_min/lambda (LSI constant of N(0, lambda A⁻¹):
//    1/largest variance) and L_U = a_max. The exact KL(law_k || pi) (theory kl of ula_law) is compared
//    with the bound on a log-spaced grid of k up to vw.time_constants/(alpha lambda eta_vw); pass iff
//    KL_k <= bound_k (1 + 1e-12) at every k. eta_vw = vw.eta, default the run's eta if it is within
//    the theorem's step limit, else the limit itself (VW's limit is much smaller than 2/a_max when
//    a_max/a_min is large). Tightness per k = KL_k / bound_k (series, log scale). Negative test:
//    vw.bound_mutant "no_bias_term" drops 8 d L_U² eta/(alpha lambda); the exact KL tends to the
//    positive stationary bias and crosses the decaying term: the check must fail.
//  stationary_bias_order. (a) deterministic: the exact stationary bias
//    KL(N(0, S_inf) || pi) = ½ sum_i (x_i/(1 - x_i) + ln(1 - x_i)), x_i = eta a_i/2,
//    = (eta²/16) sum a_i² + O(eta³) (theory ula_stationary_bias_kl), over stationary_bias.kl_etas
//    (default: etas; the expansion needs eta a_max small, e.g. <= 0.4): the fit log KL = c + p log eta + b eta (least squares; b eta absorbs the
//    eta³ term) must give |p - 2| <= order_tolerance. (b) measured (stationary_bias.measured = true):
//    for each eta, R replicas x N chains start from EXACT samples of pi and run K = T/eta steps
//    (T = stationary_bias.horizon, the same time for every eta). From pi, the ULA variance along
//    eigendirection i is s_i = (lambda/a_i)(r_i^{2K} + (1 - r_i^{2K})/(1 - x_i)), so the variance bias
//    relative to pi is (1 - r^{2K}) x/(1 - x) = eta a/2 + O(eta²) (1/(a(1 - eta a/2)) - 1/a for
//    lambda = 1), while the same bias on the precision scale,
//      1 - lambda/(a_i s_i) = (1 - r_i^{2K}) x_i / (1 - r_i^{2K} x_i)  = x_i = eta a_i/2 exactly at
//    stationarity, has no eta² term. The driver measures the latter (so a pure power law is the
//    exact model up to e^{-2 a T}-small terms): per replica
//      B_r(eta) = (1/d) sum_i [1 - lambda (N - 2)/(N a_i m2_i)],  m2_i = (1/N) sum_j (v_iᵀ x_j)²,
//    with (N - 2)/(N m2_i) the unbiased estimator of 1/s_i (N m2_i/s_i ~ chi²_N, E 1/chi²_N = 1/(N-2)),
//    so E B_r = (1/d) sum_i (1 - lambda/(a_i s_i)) exactly (reported as the exact expectation, with
//    its own fitted order). The replica means are fitted by weighted least squares to
//    log B = c + p log eta (weights 1/SE² of log B); SE(p) by the delta method on the replicas (the
//    linearised p̂ is a mean of per-replica scalars), interval p ± t_{1-alpha/2, R-1} SE(p); (b)
//    passes iff every B is > 0 and the interval contains 1. The check passes iff (a) and (b) pass;
//    without (b) it is deterministic (alpha 0). The signal-to-noise ratio at the smallest eta is
//    E B / SE(B) = (eta ā/2) sqrt(R N d / 2) (ā = mean a_i); the report gives it per eta.
// Mutants (param "mutant", passed to the sampler): noise_sqrt_eta (variance halves at lambda = 1:
// every law test fails, B < 0), drift_flipped (the law grows like (1 + eta a)^k: law tests fail;
// if the state overflows, the sampler throws SamplerDivergence and the experiment ends with status
// error, the sampling checks failed and their detail naming the step), reused_rng_counters (all
// chains share chain 0's noise: the ensemble mean is off by the common noise, mean tests fail).
// Stability: eta, every stationary_bias eta must be < 2/a_max (spec error naming the field and the
// limit, exit code 2); vw.eta must be <= the VW limit a_min/(4 a_max²).
// Params: dim 1..1000; lambda (1); precision {a_min, a_max, rotation none|haar, rotation_seed};
// start {mean: number | [dim], variance}; eta; record_steps [k..] (increasing, >= 1); chains;
// vw {eta, time_constants (30), points (60), bound_mutant none|no_bias_term};
// stationary_bias {etas [>= 3, decreasing], kl_etas (default etas), measured (true), horizon T, chains,
// order_tolerance (0.05)};
// mutant none|noise_sqrt_eta|drift_flipped|reused_rng_counters.
// RNG: law run: start lib/sde sample_initial (seed, initial_law) replica r, sampler replica r;
// stationary runs for eta_j: exact start (seed, reference_sample) and sampler replica R + r J + j.
//
// ---------------------------------------------------------------------------------------------
// Kind "mala_invariance". MALA (Roberts & Tweedie 1996) is pi-reversible, so started from EXACT
// samples of pi the law after any number of steps is pi. R replicas x N chains start from exact
// samples x_0 ~ pi and take K steps at a step size where ULA is visibly biased (target
// "gaussian": the same N(0, lambda A⁻¹) as above, ULA's variance along a_max is inflated by
// 1/(1 - eta a_max/2); target "mixture_2d": lib/potentials mixture_2d at lambda = 1,
// pi = (1/K) sum_k N(m_k, s² I), exact draws by component). Checks:
//  invariance (stochastic, alpha). At each record step, for P fixed unit directions u (gaussian:
//    the d eigenvectors of A; mixture: e1, e2, (e1 ± e2)/sqrt 2; plus random_projections Haar-random
//    ones from (projection_seed, model_data)), the pooled M = R N projections uᵀx_j are iid with the
//    exact CDF F_u under H0 (gaussian: N(0, lambda uᵀA⁻¹u); mixture: (1/K) sum_k N(uᵀm_k, s²)). The
//    one-sample Kolmogorov statistic D = sup_t |F_M(t) - F_u(t)| satisfies
//    P(D > eps) <= 2 exp(-2 M eps²) (Dvoretzky–Kiefer–Wolfowitz with Massart's constant, 1990), so
//    sqrt(M) D <= c = sqrt(ln(2/alpha')/2) at every (direction, record step), alpha' = alpha/(P T),
//    has family-wise false-alarm rate <= alpha. Reported: max sqrt(M) D against c; the smallest
//    detectable CDF deviation is c/sqrt(M) (a variance change by a factor 1 + delta moves the normal
//    CDF by about 0.12 delta, so delta >= 8 c/sqrt(M) is detected).
//  movement (stochastic, alpha). Non-triviality guard (DESIGN.md §4.5): J_r = mean over chains of
//    |x_K - x_0|² / (2 tr Cov_pi) per replica (1 for a chain that forgets its start, 0 for one that
//    never moves); fails iff the upper confidence limit mean + t_{1-alpha, R-1} sd/sqrt(R) is below
//    min_jump_fraction (a sampler that does not move would pass the invariance test trivially).
// The acceptance rate is reported. Negative tests: mutant mala_no_proposal_correction and
// noise_sqrt_eta (both leave the proposal/acceptance pair non-reversible: on N(0, 1) both converge to
// N(0, 2/(4 - eta)), about half the variance), and algorithm "ula" in place of MALA, must fail
// invariance; a tiny eta passes invariance but fails movement.
// Params: target gaussian|mixture_2d; gaussian: dim, lambda, precision {..} as above; mixture_2d:
// mixture {r, s, modes} (lambda = 1); algorithm mala|ula; eta (< 2/M, M = a_max or 1/s²); n_steps;
// record_steps (default [n_steps]); chains; random_projections (4); projection_seed (1);
// min_jump_fraction (0.05); mutant none|noise_sqrt_eta|mala_no_proposal_correction|drift_flipped.
// RNG: exact starts (seed, reference_sample) counter (r, j, 0, .) (mixture component: uniform
// (r, j, 1, 0)); sampler replica r.
#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>

#include "experiments/catalogues.hpp"
#include "experiments/drivers/common.hpp"
#include "experiments/drivers/drivers.hpp"
#include "lib/langevin/sampler.hpp"
#include "lib/parallel.hpp"
#include "lib/models/gaussian_sum.hpp"
#include "lib/rng/philox.hpp"
#include "lib/sde/initial_law.hpp"
#include "theory/discretization.hpp"
#include "theory/gaussian.hpp"
#include "theory/ula_gaussian.hpp"
#include "verify/stats/confidence.hpp"
#include "verify/stats/power_fit.hpp"
#include "lib/linalg/dense.hpp"

namespace ldbench::experiments::drivers {

using nlohmann::json;
namespace lv = lib::langevin;
namespace rng = lib::rng;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZCap = 38.0;  // normal-equivalent |z| shown when a p-value underflows

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Phi⁻¹(1 - p/2) for a two-sided p-value (kZCap when p underflows).
double z_of_p(double p) {
  if (!(p > 0)) return kZCap;
  if (p >= 1) return 0.0;
  return std::min(kZCap, boost::math::quantile(boost::math::complement(boost::math::normal(), p / 2)));
}

std::vector<double> to_vec(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

// ------------------------------------------------------------------------------------------
// Gaussian targets N(0, lambda A⁻¹), A = V diag(a) Vᵀ.

struct Spectrum {
  int dim = 1;
  double a_min = 1, a_max = 1;
  std::string rotation = "none";
  std::uint32_t rotation_seed = 1;
  Eigen::VectorXd a;  // ascending
  Eigen::MatrixXd V;  // orthogonal, column i <-> a_i
  Eigen::MatrixXd A;
};

Eigen::MatrixXd haar_rotation(int d, std::uint32_t seed) {
  const rng::Key key{seed, static_cast<std::uint32_t>(rng::StreamTag::model_data)};
  Eigen::MatrixXd G(d, d);
  for (int j = 0; j < d; ++j) rng::NormalStream(key, 1, static_cast<std::uint32_t>(j), 0).fill(G.col(j).data(), static_cast<std::uint32_t>(d));
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(G);
  Eigen::MatrixXd Q = qr.householderQ();
  for (int j = 0; j < d; ++j)
    if (qr.matrixQR()(j, j) < 0) Q.col(j) *= -1.0;
  return Q;
}

Spectrum parse_spectrum(const Node& p, json& eff) {
  Spectrum s;
  s.dim = static_cast<int>(p.at("dim").integer(1, 1000));
  const Node pr = p.at("precision");
  pr.object_with({"a_min", "a_max", "rotation", "rotation_seed"});
  s.a_min = pr.at("a_min").number(0.0, 1e6, true);
  s.a_max = pr.number_or("a_max", s.a_min, 0.0, 1e6, true);
  if (s.a_max < s.a_min) pr.at("a_max").fail("is below a_min = " + fmt(s.a_min), "use a_max >= a_min");
  if (s.dim == 1 && s.a_max != s.a_min) pr.at("a_max").fail("differs from a_min in dim 1", "use a_max = a_min when dim = 1");
  s.rotation = pr.one_of_or("rotation", "none", {"none", "haar"});
  s.rotation_seed = static_cast<std::uint32_t>(pr.integer_or("rotation_seed", 1, 0, 4294967295LL));
  s.a.resize(s.dim);
  for (int i = 0; i < s.dim; ++i)
    s.a(i) = s.dim == 1 ? s.a_min : s.a_min * std::pow(s.a_max / s.a_min, static_cast<double>(i) / (s.dim - 1));
  s.V = s.rotation == "haar" ? haar_rotation(s.dim, s.rotation_seed) : Eigen::MatrixXd::Identity(s.dim, s.dim);
  if (s.rotation == "haar") {
    Eigen::MatrixXd A = s.V * s.a.asDiagonal() * s.V.transpose();
    s.A = 0.5 * (A + A.transpose());
  } else {
    s.A = s.a.asDiagonal();
  }
  eff["dim"] = s.dim;
  eff["precision"] = {{"a_min", s.a_min},
                      {"a_max", s.a_max},
                      {"spacing", "log"},
                      {"rotation", s.rotation},
                      {"rotation_seed", s.rotation_seed},
                      {"condition_number", s.a_max / s.a_min}};
  return s;
}

void check_stable(const Node& where, double eta, double M, const std::string& what_M) {
  if (!(eta * M < 2.0))
    where.fail("step eta = " + fmt(eta) + " is over the stability limit 2/M = " + fmt(2.0 / M) + " (M = " + what_M + " = " + fmt(M) + ")",
               "use eta < " + fmt(2.0 / M));
}

// N exact draws of N(0, lambda A⁻¹) (d x N): x = V diag(sqrt(lambda/a)) z, z from (seed, reference_sample),
// counter (replica, chain, 0, .).
lv::Ensemble exact_gaussian(const Spectrum& s, double lambda, long N, std::uint32_t seed, std::uint32_t replica) {
  const rng::Key key{seed, static_cast<std::uint32_t>(rng::StreamTag::reference_sample)};
  Eigen::MatrixXd Z(s.dim, N);
  for (long j = 0; j < N; ++j)
    rng::NormalStream(key, replica, static_cast<std::uint32_t>(j), 0).fill(Z.col(j).data(), static_cast<std::uint32_t>(s.dim));
  const Eigen::VectorXd sd = (lambda / s.a.array()).sqrt().matrix();
  return s.V * (sd.asDiagonal() * Z);
}

std::unique_ptr<lib::models::GaussianFiniteSum> gaussian_model(const Spectrum& s, std::uint32_t seed) {
  return lib::models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(s.dim), s.A, 1, 0.0, 0.0, seed);
}

// ------------------------------------------------------------------------------------------
// Weighted power fit log m = c + p log eta over replica means, with the delta-method interval
// (verify/stats/power_fit.hpp); `problem` says why there is no fit.

struct PowerFit : verify::stats::ReplicaPowerFit {
  std::string problem;
};

PowerFit fit_power(const Eigen::MatrixXd& e, const std::vector<double>& etas, double alpha) {
  PowerFit f{verify::stats::fit_power_over_replicas(e, etas, alpha), {}};
  if (const long j = f.first_nonpositive; j >= 0) {
    const auto jj = static_cast<std::size_t>(j);
    f.problem = "bias at eta = " + fmt(etas[jj]) + " is " + fmt(f.mean[jj]) + " (standard error " + fmt(f.se[jj]) +
                "): not positive, no log-log fit";
  }
  return f;
}

// Unweighted least squares of log y on [1, log eta, eta] (>= 3 points): the order p.
double fit_power_linear(const std::vector<double>& etas, const std::vector<double>& y) {
  const long J = static_cast<long>(etas.size());
  Eigen::MatrixXd X(J, 3);
  Eigen::VectorXd ly(J);
  for (long j = 0; j < J; ++j) {
    X(j, 0) = 1.0;
    X(j, 1) = std::log(etas[static_cast<std::size_t>(j)]);
    X(j, 2) = etas[static_cast<std::size_t>(j)];
    ly(j) = std::log(y[static_cast<std::size_t>(j)]);
  }
  return X.colPivHouseholderQr().solve(ly)(1);
}

// Unweighted log-log slope (for reporting the exact expectation's order).
double fit_slope(const std::vector<double>& etas, const std::vector<double>& y) {
  std::vector<double> lx, ly;
  for (std::size_t j = 0; j < etas.size(); ++j) {
    lx.push_back(std::log(etas[j]));
    ly.push_back(std::log(y[j]));
  }
  return verify::stats::fit_line(lx, ly).slope;
}


// SamplerSummary::brief() without the wall time (report text must not depend on timing).
std::string sampler_line(const lv::SamplerSummary& m) {
  std::string s = std::string(lv::to_string(m.algorithm)) + (m.mutant == lv::Mutant::none ? "" : std::string(" [mutant ") + lv::to_string(m.mutant) + "]") +
                  ": " + std::to_string(m.steps) + " steps x " + std::to_string(m.chains) + " chains per replica, d = " + std::to_string(m.dim) +
                  ", " + std::to_string(m.gradient_evaluations) + " gradient evaluations/chain";
  if (m.algorithm == lv::Algorithm::mala) s += ", acceptance (replica 0) " + fmt(m.mean_acceptance_rate);
  return s;
}

// ------------------------------------------------------------------------------------------
// ula_gaussian

struct UlaSpec {
  Spectrum sp;
  double lambda = 1;
  Eigen::VectorXd m0;
  double v0 = 1;
  double eta = 0.1;
  std::vector<std::uint32_t> record;
  long chains = 1000;
  // vw
  double vw_eta = 0;
  std::string vw_eta_source;
  double vw_time_constants = 30;
  int vw_points = 60;
  std::string bound_mutant = "none";
  // stationary bias
  std::vector<double> bias_etas, kl_etas;
  bool measured = true;
  double horizon = 4;
  long bias_chains = 1000;
  double order_tol = 0.05;
  std::string mutant = "none";
  double alpha_law = 1e-6, alpha_bias = 1e-6;
};

Prepared prepare_ula_gaussian(const ParsedSpec& spec, const std::map<std::string, double>& alpha) {
  const Node p = params_node(spec);
  p.object_with({"dim", "lambda", "precision", "start", "eta", "record_steps", "chains", "vw", "stationary_bias", "mutant"});
  UlaSpec s;
  json eff;
  s.sp = parse_spectrum(p, eff);
  const int d = s.sp.dim;
  s.lambda = p.number_or("lambda", 1.0, 0.0, 1e6, true);
  const Node st = p.at("start");
  st.object_with({"mean", "variance"});
  s.m0.resize(d);
  if (st.at("mean").raw().is_number()) {
    s.m0.setConstant(st.at("mean").number(-1e6, 1e6));
  } else {
    const auto v = st.at("mean").numbers(static_cast<std::size_t>(d), static_cast<std::size_t>(d), -1e6, 1e6, false);
    for (int i = 0; i < d; ++i) s.m0(i) = v[static_cast<std::size_t>(i)];
  }
  s.v0 = st.at("variance").number(0.0, 1e6, true);
  s.eta = p.at("eta").number(0.0, 1e6, true);
  check_stable(p.at("eta"), s.eta, s.sp.a_max, "a_max");
  const auto rec = p.at("record_steps").numbers(1, 32, 1.0, 1e7, false);
  for (std::size_t i = 0; i < rec.size(); ++i) {
    if (rec[i] != std::floor(rec[i])) p.at("record_steps")[i].fail(fmt(rec[i]) + " is not an integer", "steps are integers >= 1");
    if (i > 0 && !(rec[i] > rec[i - 1])) p.at("record_steps")[i].fail("must increase", "e.g. [5, 20, 80]");
    s.record.push_back(static_cast<std::uint32_t>(rec[i]));
  }
  s.chains = static_cast<long>(p.at("chains").integer(16, 10000000));
  const int R = spec.header.replicas;
  const double law_work = static_cast<double>(R) * s.chains * s.record.back() * d;
  if (law_work > 2e11) p.at("chains").fail("replicas x chains x steps x dim = " + fmt(law_work), "keep it <= 2e11");

  // Vempala–Wibisono.
  const double lsi_alpha = s.sp.a_min / s.lambda, L_U = s.sp.a_max;
  const double vw_limit = lsi_alpha * s.lambda / (4.0 * L_U * L_U);
  s.vw_eta = s.eta <= vw_limit ? s.eta : vw_limit;
  s.vw_eta_source = s.eta <= vw_limit ? "the run's eta (within the VW step limit)" : "the VW step limit alpha lambda/(4 L_U^2)";
  if (p.has("vw")) {
    const Node v = p.at("vw");
    v.object_with({"eta", "time_constants", "points", "bound_mutant"});
    if (v.has("eta")) {
      s.vw_eta = v.at("eta").number(0.0, 1e6, true);
      s.vw_eta_source = "vw.eta";
      if (s.vw_eta > vw_limit * (1 + 1e-12))
        v.at("eta").fail("step " + fmt(s.vw_eta) + " is over the Vempala–Wibisono limit alpha lambda/(4 L_U^2) = " + fmt(vw_limit) +
                             " (alpha = a_min/lambda = " + fmt(lsi_alpha) + ", L_U = a_max = " + fmt(L_U) + ")",
                         "use vw.eta <= " + fmt(vw_limit));
    }
    s.vw_time_constants = v.number_or("time_constants", s.vw_time_constants, 0.0, 200.0, true);
    s.vw_points = static_cast<int>(v.integer_or("points", s.vw_points, 5, 1000));
    s.bound_mutant = v.one_of_or("bound_mutant", "none", {"none", "no_bias_term"});
  }
  const double vw_kmax = std::ceil(s.vw_time_constants / (lsi_alpha * s.lambda * s.vw_eta));
  if (vw_kmax > 4e9) p.at("vw").fail("needs " + fmt(vw_kmax) + " steps", "reduce vw.time_constants or raise vw.eta");

  // Stationary bias.
  const Node sb = p.at("stationary_bias");
  sb.object_with({"etas", "kl_etas", "measured", "horizon", "chains", "order_tolerance"});
  s.bias_etas = sb.at("etas").numbers(3, 12, 0.0, 1e6, true);
  for (std::size_t i = 0; i < s.bias_etas.size(); ++i) {
    if (i > 0 && !(s.bias_etas[i] < s.bias_etas[i - 1])) sb.at("etas")[i].fail("must decrease", "e.g. [0.4, 0.2, 0.1, 0.05]");
    check_stable(sb.at("etas")[i], s.bias_etas[i], s.sp.a_max, "a_max");
  }
  s.kl_etas = s.bias_etas;
  if (sb.has("kl_etas")) {
    s.kl_etas = sb.at("kl_etas").numbers(3, 12, 0.0, 1e6, true);
    for (std::size_t i = 0; i < s.kl_etas.size(); ++i) {
      if (i > 0 && !(s.kl_etas[i] < s.kl_etas[i - 1])) sb.at("kl_etas")[i].fail("must decrease", "e.g. [0.004, 0.002, 0.001]");
      check_stable(sb.at("kl_etas")[i], s.kl_etas[i], s.sp.a_max, "a_max");
    }
  }
  s.order_tol = sb.number_or("order_tolerance", s.order_tol, 0.0, 1.0, true);
  if (sb.has("measured")) {
    if (!sb.at("measured").raw().is_boolean()) sb.at("measured").fail("is not a boolean", "true or false");
    s.measured = sb.at("measured").raw().get<bool>();
  }
  if (s.measured) {
    s.horizon = sb.at("horizon").number(0.0, 1e6, true);
    if (s.horizon * s.sp.a_min < 2.0)
      sb.at("horizon").fail("T a_min = " + fmt(s.horizon * s.sp.a_min) + " is too short to forget the start's transient factor",
                            "use horizon >= " + fmt(2.0 / s.sp.a_min));
    double steps = 0;
    for (std::size_t i = 0; i < s.bias_etas.size(); ++i) {
      const double k = std::round(s.horizon / s.bias_etas[i]);
      if (k < 1 || std::abs(k * s.bias_etas[i] - s.horizon) > 1e-9 * s.horizon)
        sb.at("etas")[i].fail("does not divide the horizon " + fmt(s.horizon), "choose etas dividing stationary_bias.horizon");
      steps += k;
    }
    s.bias_chains = static_cast<long>(sb.at("chains").integer(16, 10000000));
    if (R < 8) p.fail("replicas = " + std::to_string(R) + " is too few for the stationary-bias order interval", "use replicas >= 8");
    const double work = static_cast<double>(R) * s.bias_chains * steps * d;
    if (work > 2e11) sb.at("chains").fail("replicas x chains x steps x dim = " + fmt(work), "keep it <= 2e11");
  }
  s.mutant = p.one_of_or("mutant", "none", {"none", "noise_sqrt_eta", "drift_flipped", "reused_rng_counters"});
  s.alpha_law = alpha.at("law_matches_exact");
  s.alpha_bias = alpha.at("stationary_bias_order");

  eff["lambda"] = s.lambda;
  eff["start"] = {{"mean", to_vec(s.m0)}, {"variance", s.v0}};
  eff["eta"] = s.eta;
  eff["stability_limit"] = 2.0 / s.sp.a_max;
  eff["record_steps"] = s.record;
  eff["chains"] = s.chains;
  eff["vw"] = {{"eta", s.vw_eta},
               {"eta_source", s.vw_eta_source},
               {"step_limit", vw_limit},
               {"lsi_alpha", lsi_alpha},
               {"L_U", L_U},
               {"time_constants", s.vw_time_constants},
               {"points", s.vw_points},
               {"bound_mutant", s.bound_mutant}};
  eff["stationary_bias"] = {{"etas", s.bias_etas}, {"kl_etas", s.kl_etas}, {"measured", s.measured}, {"order_tolerance", s.order_tol}};
  if (s.measured) {
    eff["stationary_bias"]["horizon"] = s.horizon;
    eff["stationary_bias"]["chains"] = s.bias_chains;
  }
  eff["mutant"] = s.mutant;
  eff["algorithm"] = "ula";
  eff["rng"] = "law run: start (seed, initial_law) replica r, sampler replica r; stationary runs for eta_j: exact start "
               "(seed, reference_sample) and sampler replica R + r J + j; rotation (rotation_seed, model_data)";

  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    reports::Experiment e = base_experiment(h, eff);
    const int R = h.replicas, d = s.sp.dim;
    const theory::OuMatrix om{s.sp.A, s.lambda};
    const theory::Gaussian pi = theory::ou_stationary(om);
    const std::string target = "pi = N(0, lambda A^-1), d = " + std::to_string(d) + ", A eigenvalues log-spaced in [" + fmt(s.sp.a_min) +
                               ", " + fmt(s.sp.a_max) + "]" + (s.sp.rotation == "haar" ? " (Haar-rotated)" : "") +
                               ", lambda = " + fmt(s.lambda);
    const std::string law_claim = "ULA x_{k+1} = x_k - eta A x_k + sqrt(2 eta lambda) xi_k from N(m0, v0 I) has the exact Gaussian law "
                                  "m_k = (I - eta A)^k m0, S_{k+1} = (I - eta A) S_k (I - eta A) + 2 eta lambda I (DESIGN.md §3.3; "
                                  "theory ula_law) on " + target + ", eta = " + fmt(s.eta);
    const std::string law_quantity = "worst of 2 d T exact tests (per eigendirection of S_k: mean z-test, chi²_M variance test with known "
                                     "mean) as a normal-equivalent |z| = Phi^-1(1 - p/2)";
    const std::string bias_claim = "ULA's stationary law is biased at order eta: exact KL bias = (eta^2/16) sum a_i^2 + O(eta^3) (order 2), "
                                   "variance bias eta lambda/2 + O(eta^2) per direction (order 1); " + target;
    const std::string bias_quantity = "fitted order p of the measured precision-scale variance bias B(eta) = (1/d) sum_i [1 - lambda/(a_i "
                                      "s_i)] (log B = c + p log eta, weighted least squares over replica means)";
    try {
      // ---------------- kl_under_vw_bound (deterministic) ----------------
      const theory::Gaussian start{s.m0, s.v0 * Eigen::MatrixXd::Identity(d, d)};
      const double lsi_alpha = s.sp.a_min / s.lambda, L_U = s.sp.a_max;
      const double kl0 = theory::kl(start, pi);
      const double h_vw = theory::vw_step_from_suite(s.vw_eta, s.lambda);
      const double L_f = theory::vw_smoothness_from_suite(L_U, s.lambda);
      const double vw_bias = theory::vw_ula_bias(h_vw, lsi_alpha, L_f, d);
      const auto kmax = static_cast<std::uint64_t>(std::ceil(s.vw_time_constants / (lsi_alpha * s.lambda * s.vw_eta)));
      std::vector<std::uint64_t> ks{0};
      for (int i = 0; i < s.vw_points; ++i) {
        const auto k = static_cast<std::uint64_t>(std::llround(std::pow(static_cast<double>(kmax), static_cast<double>(i) / (s.vw_points - 1))));
        if (k > ks.back()) ks.push_back(k);
      }
      std::vector<double> kx, kl_exact, bound, tight;
      double worst = -1;
      std::uint64_t worst_k = 0;
      for (std::uint64_t k : ks) {
        const double kl = theory::kl(theory::ula_law(start, static_cast<unsigned>(k), s.vw_eta, om), pi);
        double b = theory::vw_ula_kl_bound_suite(kl0, k, s.vw_eta, s.lambda, lsi_alpha, L_U, d);
        if (s.bound_mutant == "no_bias_term") b = std::exp(-lsi_alpha * h_vw * static_cast<double>(k)) * kl0;
        kx.push_back(static_cast<double>(k));
        kl_exact.push_back(kl);
        bound.push_back(b);
        tight.push_back(kl / b);
        if (kl / b > worst) {
          worst = kl / b;
          worst_k = k;
        }
      }
      const double stationary_kl_vw = theory::ula_stationary_bias_kl(s.vw_eta, om);
      {
        verify::CheckResult c;
        c.id = "kl_under_vw_bound";
        c.kind = verify::CheckKind::upper_bound_pointwise;
        c.claim = "Vempala & Wibisono (2019), Th. 1: KL(law_k || pi) <= exp(-alpha lambda eta k) KL_0 + 8 d L_U^2 eta/(alpha lambda) for "
                  "eta <= alpha lambda/(4 L_U^2), alpha = a_min/lambda = " + fmt(lsi_alpha) + " (LSI of pi), L_U = a_max = " + fmt(L_U) +
                  "; eta_vw = " + fmt(s.vw_eta) + (s.bound_mutant == "none" ? "" : " [bound_mutant " + s.bound_mutant + ": bias term dropped]");
        c.quantity = "max over k of exact KL(law_k || pi) / bound_k (theory ula_law + gaussian kl; " + std::to_string(ks.size()) +
                     " log-spaced k in [0, " + std::to_string(kmax) + "])";
        c.rule = "deterministic: passes iff KL_k <= bound_k (1 + 1e-12) at every k of the grid";
        c.measured = c.measured_lo = c.measured_hi = worst;
        c.bound = 1.0;
        c.tightness = worst;
        c.alpha = 0;
        c.replicas = 0;
        c.resolution = 1e-12;
        c.passed = std::isfinite(worst) && worst <= 1.0 + 1e-12;
        c.detail = "worst at k = " + std::to_string(worst_k) + "; KL_0 = " + fmt(kl0) + ", bias term 8 d L_U^2 eta/(alpha lambda) = " + fmt(vw_bias) +
                   ", exact stationary KL bias at eta_vw = " + fmt(stationary_kl_vw) + " (" + s.vw_eta_source + ")";
        e.checks.push_back(c);
      }
      {
        reports::Plot pk;
        pk.id = "vw_kl";
        pk.title = "Exact KL(law_k || pi) of ULA against the Vempala–Wibisono bound (eta = " + fmt(s.vw_eta) + ")";
        pk.xlabel = "k + 1";
        pk.ylabel = "KL (nats)";
        pk.logx = pk.logy = true;
        std::vector<double> kp1;
        for (double k : kx) kp1.push_back(k + 1);
        pk.series.push_back({"exact KL(law_k || pi)", reports::SeriesStyle::exact, kp1, kl_exact, {}, {}});
        pk.series.push_back({s.bound_mutant == "none" ? "VW bound" : "VW bound without the bias term (mutant)", reports::SeriesStyle::bound, kp1, bound, {}, {}});
        pk.series.push_back({"exact stationary KL bias", reports::SeriesStyle::floor, kp1, std::vector<double>(kp1.size(), stationary_kl_vw), {}, {}});
        e.plots.push_back(pk);
        reports::Plot pt;
        pt.id = "vw_tightness";
        pt.title = "Tightness exact KL / VW bound per step";
        pt.xlabel = "k + 1";
        pt.ylabel = "KL_k / bound_k";
        pt.logx = pt.logy = true;
        pt.series.push_back({"exact / bound", reports::SeriesStyle::exact, kp1, tight, {}, {}});
        pt.series.push_back({"1 (bound attained)", reports::SeriesStyle::bound, kp1, std::vector<double>(kp1.size(), 1.0), {}, {}});
        e.plots.push_back(pt);
        json per_k = json::array();
        for (std::size_t i = 0; i < ks.size(); ++i)
          per_k.push_back({{"k", ks[i]}, {"kl_exact", kl_exact[i]}, {"bound", bound[i]}, {"tightness", tight[i]}});
        e.results["vw"] = {{"eta", s.vw_eta}, {"kl0", kl0}, {"bias_term", vw_bias}, {"stationary_kl_bias", stationary_kl_vw},
                           {"max_tightness", worst}, {"argmax_k", worst_k}, {"per_k", per_k}};
      }

      // ---------------- stationary bias: exact part ----------------
      std::vector<double> kl_bias;
      for (double eta : s.kl_etas) kl_bias.push_back(theory::ula_stationary_bias_kl(eta, om));
      const double p_kl = fit_power_linear(s.kl_etas, kl_bias);
      const bool exact_ok = std::isfinite(p_kl) && std::abs(p_kl - 2.0) <= s.order_tol;

      // ---------------- law run ----------------
      const auto model = gaussian_model(s.sp, h.seed);
      const int T = static_cast<int>(s.record.size());
      const long M = static_cast<long>(R) * s.chains;
      std::vector<theory::Gaussian> laws;
      std::vector<Eigen::MatrixXd> W;  // eigenvectors of S_k
      std::vector<Eigen::VectorXd> sv;  // eigenvalues of S_k
      for (std::uint32_t k : s.record) {
        laws.push_back(theory::ula_law(start, k, s.eta, om));
        lib::linalg::SymmetricEigen es = lib::linalg::symmetric_eigen(laws.back().cov);
        W.push_back(std::move(es.vectors));
        sv.push_back(std::move(es.values));
      }
      std::vector<Eigen::VectorXd> sum1(static_cast<std::size_t>(T), Eigen::VectorXd::Zero(d)), sum2 = sum1;
      std::vector<std::vector<Eigen::VectorXd>> rs1(static_cast<std::size_t>(R), sum1), rs2 = rs1;  // per replica
      lib::sde::IsotropicMixture law0;
      law0.weights = {1.0};
      law0.means = {s.m0};
      law0.variances = {s.v0};
      const int total_progress = R * (1 + (s.measured ? static_cast<int>(s.bias_etas.size()) : 0));
      int done = 0;
      std::string brief;
      auto progress = [&] {
        if (ctx.progress) ctx.progress(++done, total_progress);
      };
      std::string divergence = run_tasks(R, ctx.threads, [&](int r) -> std::string {
        lv::Ensemble X = lib::sde::sample_initial(law0, s.chains, h.seed, static_cast<std::uint32_t>(r), 0, 1);
        lv::SamplerOptions o;
        o.algorithm = lv::Algorithm::ula;
        o.lambda = s.lambda;
        o.step = lv::StepSchedule::constant(s.eta);
        o.n_steps = s.record.back();
        o.seed = h.seed;
        o.replica = static_cast<std::uint32_t>(r);
        o.threads = 1;
        o.observe_every = 1;
        o.mutant = lv::mutant_from_string(s.mutant);
        auto& s1 = rs1[static_cast<std::size_t>(r)];
        auto& s2 = rs2[static_cast<std::size_t>(r)];
        auto observer = [&](std::uint32_t k, const lv::Ensemble& Xk, std::uint64_t) {
          const auto it = std::find(s.record.begin(), s.record.end(), k);
          if (it == s.record.end()) return;
          const auto t = static_cast<std::size_t>(it - s.record.begin());
          const Eigen::MatrixXd Y = W[t].transpose() * (Xk.colwise() - laws[t].mean);
          s1[t] = Y.rowwise().sum();
          s2[t] = Y.array().square().rowwise().sum().matrix();
        };
        try {
          const auto summ = lv::sample(*model, X, o, observer);
          if (r == 0) brief = sampler_line(summ);
        } catch (const lv::SamplerDivergence& ex) {
          return std::string("law run, replica ") + std::to_string(r) + ": " + ex.what();
        }
        return "";
      }, progress);
      for (int r = 0; r < R; ++r)  // fixed order
        for (int t = 0; t < T; ++t) {
          sum1[static_cast<std::size_t>(t)] += rs1[static_cast<std::size_t>(r)][static_cast<std::size_t>(t)];
          sum2[static_cast<std::size_t>(t)] += rs2[static_cast<std::size_t>(r)][static_cast<std::size_t>(t)];
        }
      const double alpha_p = s.alpha_law / (2.0 * d * T);
      const double z_crit = boost::math::quantile(boost::math::complement(boost::math::normal(), alpha_p / 2));
      if (!divergence.empty())
        e.checks.push_back(unfinished_check("the chains", "law_matches_exact", verify::CheckKind::consistency, law_claim, law_quantity, z_crit, s.alpha_law, R,
                                        divergence));
      else {
        const boost::math::chi_squared chi(static_cast<double>(M));
        std::vector<double> zmax_mean(static_cast<std::size_t>(T)), zmax_var(static_cast<std::size_t>(T));
        double worst_z = 0;
        std::string worst_where;
        json per_step = json::array();
        for (int t = 0; t < T; ++t) {
          double zm_max = 0, zv_max = 0;
          int im = 0, iv = 0;
          for (int i = 0; i < d; ++i) {
            const double si = sv[static_cast<std::size_t>(t)](i);
            const double z = sum1[static_cast<std::size_t>(t)](i) / std::sqrt(static_cast<double>(M) * si);
            const double Q = sum2[static_cast<std::size_t>(t)](i) / si;
            const double lo_tail = boost::math::cdf(chi, Q), hi_tail = boost::math::cdf(boost::math::complement(chi, Q));
            const double zv = z_of_p(std::min(1.0, 2.0 * std::min(lo_tail, hi_tail)));
            if (std::abs(z) > zm_max) zm_max = std::abs(z), im = i;
            if (zv > zv_max) zv_max = zv, iv = i;
          }
          zm_max = std::min(zm_max, kZCap);
          zmax_mean[static_cast<std::size_t>(t)] = zm_max;
          zmax_var[static_cast<std::size_t>(t)] = zv_max;
          const std::string k = std::to_string(s.record[static_cast<std::size_t>(t)]);
          if (zm_max > worst_z) worst_z = zm_max, worst_where = "mean test, k = " + k + ", direction " + std::to_string(im);
          if (zv_max > worst_z) worst_z = zv_max, worst_where = "variance test, k = " + k + ", direction " + std::to_string(iv);
          const Eigen::VectorXd var_hat = sum2[static_cast<std::size_t>(t)] / static_cast<double>(M);
          per_step.push_back({{"k", s.record[static_cast<std::size_t>(t)]},
                              {"max_abs_z_mean", zm_max},
                              {"max_z_variance", zv_max},
                              {"max_rel_variance_error", ((var_hat.array() / sv[static_cast<std::size_t>(t)].array()) - 1.0).abs().maxCoeff()},
                              {"exact_trace_cov", laws[static_cast<std::size_t>(t)].cov.trace()},
                              {"exact_mean_norm", laws[static_cast<std::size_t>(t)].mean.norm()}});
        }
        {
          verify::CheckResult c;
          c.id = "law_matches_exact";
          c.kind = verify::CheckKind::consistency;
          c.claim = law_claim;
          c.quantity = law_quantity;
          c.rule = "fails iff some test's p-value < alpha/(2 d T) = " + fmt(alpha_p) + " (Bonferroni over d = " + std::to_string(d) +
                   " directions x 2 tests x T = " + std::to_string(T) + " record steps; exact N(0,1) and chi²_M null laws, M = R N = " +
                   std::to_string(M) + " independent chains)";
          c.measured = c.measured_lo = c.measured_hi = worst_z;
          c.bound = z_crit;
          c.tightness = worst_z / z_crit;
          c.alpha = s.alpha_law;
          c.replicas = R;
          c.resolution = z_crit * std::sqrt(2.0 / static_cast<double>(M));
          c.passed = worst_z <= z_crit;
          c.detail = "worst: " + worst_where + "; detectable: relative variance error " + fmt(c.resolution) + ", mean error " +
                     fmt(z_crit / std::sqrt(static_cast<double>(M))) + " sd; " + brief;
          e.checks.push_back(c);
        }
        {
          reports::Plot pz;
          pz.id = "law_tests";
          pz.title = "Exact-law tests per record step (worst direction; mutant " + s.mutant + ")";
          pz.xlabel = "step k";
          pz.ylabel = "normal-equivalent |z|";
          std::vector<double> kk;
          for (auto k : s.record) kk.push_back(k);
          pz.series.push_back({"max |z| of the mean tests", reports::SeriesStyle::measured, kk, zmax_mean, {}, {}});
          pz.series.push_back({"max z of the variance tests (chi²)", reports::SeriesStyle::measured, kk, zmax_var, {}, {}});
          pz.series.push_back({"Bonferroni critical value", reports::SeriesStyle::bound, kk, std::vector<double>(kk.size(), z_crit), {}, {}});
          e.plots.push_back(pz);
          // Variance profile at the last record step with the exact chi² interval of each measured variance.
          reports::Plot pv;
          pv.id = "law_variances";
          pv.title = "Variance along the eigendirections of S_k at k = " + std::to_string(s.record.back());
          pv.xlabel = "eigendirection (ascending exact variance)";
          pv.ylabel = "variance";
          pv.logy = s.sp.a_max > 4 * s.sp.a_min;
          const auto tl = static_cast<std::size_t>(T - 1);
          const double qlo = boost::math::quantile(chi, alpha_p / 2), qhi = boost::math::quantile(boost::math::complement(chi, alpha_p / 2));
          reports::Series meas{"measured (" + std::to_string(M) + " chains, interval at alpha')", reports::SeriesStyle::measured, {}, {}, {}, {}};
          reports::Series ex{"exact ULA law", reports::SeriesStyle::exact, {}, {}, {}, {}};
          reports::Series tg{"target pi", reports::SeriesStyle::reference, {}, {}, {}, {}};
          for (int i = 0; i < d; ++i) {
            const double Q = sum2[tl](i);
            meas.x.push_back(i);
            meas.y.push_back(Q / static_cast<double>(M));
            meas.lo.push_back(Q / qhi);
            meas.hi.push_back(Q / qlo);
            ex.x.push_back(i);
            ex.y.push_back(sv[tl](i));
            const Eigen::VectorXd w = W[tl].col(i);
            tg.x.push_back(i);
            tg.y.push_back(w.dot(pi.cov * w));
          }
          pv.series = {meas, ex, tg};
          e.plots.push_back(pv);
          e.results["law"] = {{"chains_total", M}, {"z_crit", z_crit}, {"alpha_per_test", alpha_p}, {"per_step", per_step}};
        }

      }

      // ---------------- stationary bias: measured part ----------------
      const long J = static_cast<long>(s.bias_etas.size());
      Eigen::MatrixXd B(R, J), Bvar(R, J);
      std::vector<double> exact_B, exact_Bvar;
      for (long j = 0; j < J; ++j) {
        const double eta = s.bias_etas[static_cast<std::size_t>(j)];
        // From pi after K = T/eta steps (measured part), or the stationary law (K -> inf) without it.
        const theory::Gaussian lawK =
            s.measured ? theory::ula_law(pi, static_cast<unsigned>(std::llround(s.horizon / eta)), eta, om) : theory::ula_stationary(eta, om);
        double eb = 0, ebv = 0;
        for (int i = 0; i < d; ++i) {
          const Eigen::VectorXd v = s.sp.V.col(i);
          const double si = v.dot(lawK.cov * v), pi_i = s.lambda / s.sp.a(i);
          eb += 1.0 - pi_i / si;
          ebv += si / pi_i - 1.0;
        }
        exact_B.push_back(eb / d);
        exact_Bvar.push_back(ebv / d);
      }
      if (s.measured) {
        const long N = s.bias_chains;
        if (divergence.empty()) divergence = run_tasks(static_cast<int>(R * J), ctx.threads, [&](int task) -> std::string {
            const int r = task / static_cast<int>(J);
            const long j = task % J;
            const double eta = s.bias_etas[static_cast<std::size_t>(j)];
            const auto rep = static_cast<std::uint32_t>(R + r * J + j);
            lv::Ensemble X = exact_gaussian(s.sp, s.lambda, N, h.seed, rep);
            lv::SamplerOptions o;
            o.algorithm = lv::Algorithm::ula;
            o.lambda = s.lambda;
            o.step = lv::StepSchedule::constant(eta);
            o.n_steps = static_cast<std::uint32_t>(std::llround(s.horizon / eta));
            o.seed = h.seed;
            o.replica = rep;
            o.threads = 1;
            o.mutant = lv::mutant_from_string(s.mutant);
            try {
              lv::sample(*model, X, o);
            } catch (const lv::SamplerDivergence& ex) {
              return "stationary run eta = " + fmt(eta) + ", replica " + std::to_string(r) + ": " + ex.what();
            }
            const Eigen::MatrixXd Y = s.sp.V.transpose() * X;
            const Eigen::VectorXd m2 = Y.array().square().rowwise().mean().matrix();
            double b = 0, bv = 0;
            for (int i = 0; i < d; ++i) {
              const double pi_i = s.lambda / s.sp.a(i);
              b += 1.0 - pi_i * (static_cast<double>(N) - 2.0) / (static_cast<double>(N) * m2(i));
              bv += m2(i) / pi_i - 1.0;
            }
            B(r, j) = b / d;
            Bvar(r, j) = bv / d;
            return "";
          }, progress);
      }
      if (!divergence.empty()) {
        // A blow-up is a failed verification, not a crash: the sampling checks fail naming the step.
        if (s.measured)
          e.checks.push_back(unfinished_check("the chains", "stationary_bias_order", verify::CheckKind::order_equals, bias_claim, bias_quantity, 1.0,
                                          s.alpha_bias, R, divergence));
        e.status = "error";
        e.error = "ula: " + divergence;
        if (s.measured) return e;
      }
      const std::string exact_txt = "exact KL bias order (fit log KL = c + p log eta + b eta over kl_etas " + json(s.kl_etas).dump() + ") = " +
                                    fmt(p_kl) + " (|p - 2| <= " + fmt(s.order_tol) + ": " + (exact_ok ? "ok" : "FAILS") + ")";
      verify::CheckResult c;
      c.id = "stationary_bias_order";
      c.claim = bias_claim;
      json per_eta = json::array();
      if (s.measured) {
        const PowerFit f = fit_power(B, s.bias_etas, s.alpha_bias);
        const double p_exact_B = fit_slope(s.bias_etas, exact_B);
        c.kind = verify::CheckKind::order_equals;
        c.quantity = bias_quantity;
        c.rule = "passes iff (a) the exact KL bias order is 2 within order_tolerance and (b) every measured B(eta) > 0 and the interval "
                 "p ± t_{1-alpha/2, R-1} SE(p) (delta method over replicas) contains 1";
        c.measured = f.p;
        c.measured_lo = f.lo;
        c.measured_hi = f.hi;
        c.bound = 1.0;
        c.tightness = f.p;
        c.alpha = s.alpha_bias;
        c.replicas = R;
        c.resolution = f.tq * f.se_p;
        c.passed = exact_ok && f.problem.empty() && std::isfinite(f.p) && f.lo <= 1.0 && 1.0 <= f.hi;
        const std::size_t jl = static_cast<std::size_t>(J - 1);
        c.detail = exact_txt + "; measured: " + (f.problem.empty() ? "SE(p) = " + fmt(f.se_p) + ", t quantile " + fmt(f.tq) +
                                                                         ", B/SE at the smallest eta = " + fmt(f.mean[jl] / f.se[jl]) +
                                                                         "; exact-law order of E B over the same etas = " + fmt(p_exact_B)
                                                                   : f.problem + ": the check fails");
        for (long j = 0; j < J; ++j) {
          const auto jj = static_cast<std::size_t>(j);
          per_eta.push_back({{"eta", s.bias_etas[jj]},
                             {"steps", std::llround(s.horizon / s.bias_etas[jj])},
                             {"B_mean", f.mean[jj]},
                             {"B_se", f.se[jj]},
                             {"B_over_se", f.mean[jj] / f.se[jj]},
                             {"B_exact", exact_B[jj]},
                             {"variance_bias_mean", Bvar.col(j).mean()},
                             {"variance_bias_exact", exact_Bvar[jj]}});
        }
        e.results["stationary_bias"] = {{"fitted_order", {{"p", f.p}, {"ci", {f.lo, f.hi}}, {"se", f.se_p}, {"t_quantile", f.tq}, {"c", f.c},
                                                          {"problem", f.problem}}},
                                        {"exact_expectation_order", p_exact_B},
                                        {"kl_order_exact", p_kl},
                                        {"per_eta", per_eta}};

        reports::Plot pb;
        pb.id = "stationary_bias";
        pb.title = "Stationary variance bias of ULA (precision scale) against eta";
        pb.xlabel = "eta";
        pb.ylabel = "B(eta) = mean_i [1 - lambda/(a_i s_i)]";
        pb.logx = pb.logy = true;
        reports::Series ms{"measured (" + std::to_string(R) + " replicas x " + std::to_string(s.bias_chains) + " chains, 95% band)",
                           reports::SeriesStyle::measured, s.bias_etas, {}, {}, {}};
        append_replica_band(B, 0.05, ms);
        for (std::size_t j = 0; j < ms.y.size(); ++j) ms.lo[j] = std::max(ms.lo[j], 1e-3 * std::abs(ms.y[j]));
        if (!f.problem.empty()) {
          for (auto& v : ms.y) v = std::abs(v);
          ms.label = "|B| (some B <= 0)";
        }
        pb.series.push_back(ms);
        pb.series.push_back({"exact expectation", reports::SeriesStyle::exact, s.bias_etas, exact_B, {}, {}});
        if (f.problem.empty()) {
          reports::Series fit{"fit exp(c) eta^" + fmt(f.p), reports::SeriesStyle::reference, {}, {}, {}, {}};
          for (double eta : s.bias_etas) {
            fit.x.push_back(eta);
            fit.y.push_back(std::exp(f.c) * std::pow(eta, f.p));
          }
          pb.series.push_back(fit);
        }
        e.plots.push_back(pb);
      } else {
        c.kind = verify::CheckKind::identity;
        c.quantity = "fitted order p of the exact stationary KL bias (theory ula_stationary_bias_kl; measured part disabled by the spec)";
        c.rule = "deterministic: passes iff |p - 2| <= order_tolerance = " + fmt(s.order_tol);
        c.measured = c.measured_lo = c.measured_hi = p_kl;
        c.bound = 2.0;
        c.tightness = p_kl / 2.0;
        c.alpha = 0;
        c.replicas = 0;
        c.resolution = s.order_tol;
        c.passed = exact_ok;
        c.detail = exact_txt + "; the measured variance-bias order is not run in this spec (stationary_bias.measured = false)";
        for (long j = 0; j < J; ++j) {
          const auto jj = static_cast<std::size_t>(j);
          per_eta.push_back({{"eta", s.bias_etas[jj]}, {"B_exact_stationary", exact_B[jj]}, {"variance_bias_exact_stationary", exact_Bvar[jj]}});
        }
        e.results["stationary_bias"] = {{"kl_order_exact", p_kl}, {"per_eta", per_eta}};
      }
      e.checks.push_back(c);
      {
        json kl_per = json::array();
        for (std::size_t j = 0; j < s.kl_etas.size(); ++j) kl_per.push_back({{"eta", s.kl_etas[j]}, {"kl_bias_exact", kl_bias[j]}});
        e.results["stationary_bias"]["kl_bias_exact"] = kl_per;
      }
      {
        reports::Plot pk;
        pk.id = "stationary_kl_bias";
        pk.title = "Exact stationary KL bias of ULA against eta";
        pk.xlabel = "eta";
        pk.ylabel = "KL(ULA stationary || pi) (nats)";
        pk.logx = pk.logy = true;
        pk.series.push_back({"exact (theory)", reports::SeriesStyle::exact, s.kl_etas, kl_bias, {}, {}});
        reports::Series e2{"eta^2 through the smallest eta", reports::SeriesStyle::reference, {}, {}, {}, {}};
        for (double eta : s.kl_etas) {
          e2.x.push_back(eta);
          e2.y.push_back(kl_bias.back() * std::pow(eta / s.kl_etas.back(), 2.0));
        }
        pk.series.push_back(e2);
        e.plots.push_back(pk);
      }
    } catch (const std::exception& ex) {
      e.status = "error";
      e.error = ex.what();
    }
    return e;
  };
  return out;
}

// ------------------------------------------------------------------------------------------
// mala_invariance

struct MalaSpec {
  std::string target = "gaussian";
  Spectrum sp;
  double lambda = 1;
  double r = 1, s = 0.5;
  int modes = 2;
  std::string algorithm = "mala";
  double eta = 0.1;
  std::uint32_t n_steps = 20;
  std::vector<std::uint32_t> record;
  long chains = 1000;
  int random_projections = 4;
  std::uint32_t projection_seed = 1;
  double min_jump = 0.05;
  std::string mutant = "none";
  double alpha_inv = 1e-6, alpha_move = 1e-6;
};

struct Projections {
  Eigen::MatrixXd U;                   // d x P, unit columns
  std::vector<std::string> names;
  std::function<double(int, double)> cdf;  // F_u(t) for projection p
  std::function<double(int, double)> pdf;
};

Prepared prepare_mala(const ParsedSpec& spec, const std::map<std::string, double>& alpha) {
  const Node p = params_node(spec);
  p.object_with({"target", "dim", "lambda", "precision", "mixture", "algorithm", "eta", "n_steps", "record_steps", "chains",
                 "random_projections", "projection_seed", "min_jump_fraction", "mutant"});
  MalaSpec s;
  json eff;
  s.target = p.one_of_or("target", "gaussian", {"gaussian", "mixture_2d"});
  double M = 0;
  std::string what_M;
  if (s.target == "gaussian") {
    if (p.has("mixture")) p.at("mixture").fail("is for target mixture_2d", "remove it or set target = mixture_2d");
    s.sp = parse_spectrum(p, eff);
    s.lambda = p.number_or("lambda", 1.0, 0.0, 1e6, true);
    M = s.sp.a_max;
    what_M = "a_max";
  } else {
    for (const char* k : {"dim", "precision"})
      if (p.has(k)) p.at(k).fail("is for target gaussian", "remove it or set target = gaussian");
    if (p.has("lambda") && p.at("lambda").number(0.0, 1e6, true) != 1.0)
      p.at("lambda").fail("must be 1 for mixture_2d", "at lambda = 1 pi is the mixture itself (exact draws)");
    const Node mx = p.at("mixture");
    mx.object_with({"r", "s", "modes"});
    s.r = mx.number_or("r", 1.0, 0.0, 100.0);
    s.s = mx.number_or("s", 0.5, 0.0, 100.0, true);
    s.modes = static_cast<int>(mx.integer_or("modes", 2, 2, 4));
    if (s.modes != 2 && s.modes != 4) mx.at("modes").fail(std::to_string(s.modes) + " is not allowed", "allowed: 2, 4");
    s.lambda = 1.0;
    s.sp.dim = 2;
    M = 1.0 / (s.s * s.s);
    what_M = "1/s^2, the potential's curvature bound";
    eff["dim"] = 2;
    eff["mixture"] = {{"r", s.r}, {"s", s.s}, {"modes", s.modes}};
  }
  s.algorithm = p.one_of_or("algorithm", "mala", {"mala", "ula"});
  s.eta = p.at("eta").number(0.0, 1e6, true);
  check_stable(p.at("eta"), s.eta, M, what_M);
  s.n_steps = static_cast<std::uint32_t>(p.at("n_steps").integer(1, 1000000));
  if (p.has("record_steps")) {
    const auto rec = p.at("record_steps").numbers(1, 16, 1.0, s.n_steps, false);
    for (std::size_t i = 0; i < rec.size(); ++i) {
      if (rec[i] != std::floor(rec[i])) p.at("record_steps")[i].fail(fmt(rec[i]) + " is not an integer", "steps are integers in [1, n_steps]");
      if (i > 0 && !(rec[i] > rec[i - 1])) p.at("record_steps")[i].fail("must increase", "e.g. [10, 40]");
      s.record.push_back(static_cast<std::uint32_t>(rec[i]));
    }
    if (s.record.back() != s.n_steps) p.at("record_steps").fail("must end at n_steps = " + std::to_string(s.n_steps), "the last record step is n_steps");
  } else {
    s.record = {s.n_steps};
  }
  s.chains = static_cast<long>(p.at("chains").integer(16, 10000000));
  s.random_projections = static_cast<int>(p.integer_or("random_projections", 4, 0, 64));
  s.projection_seed = static_cast<std::uint32_t>(p.integer_or("projection_seed", 1, 0, 4294967295LL));
  s.min_jump = p.number_or("min_jump_fraction", 0.05, 0.0, 1.0, true);
  s.mutant = p.one_of_or("mutant", "none", {"none", "noise_sqrt_eta", "mala_no_proposal_correction", "drift_flipped"});
  if (s.mutant == "mala_no_proposal_correction" && s.algorithm != "mala")
    p.at("mutant").fail("mala_no_proposal_correction applies to algorithm mala only", "use algorithm mala or another mutant");
  const int R = spec.header.replicas;
  if (R < 4) p.fail("replicas = " + std::to_string(R) + " is too few for the movement guard's interval", "use replicas >= 4");
  const double work = static_cast<double>(R) * s.chains * s.n_steps * s.sp.dim;
  if (work > 2e11) p.at("chains").fail("replicas x chains x steps x dim = " + fmt(work), "keep it <= 2e11");
  s.alpha_inv = alpha.at("invariance");
  s.alpha_move = alpha.at("movement");
  eff["target"] = s.target;
  eff["lambda"] = s.lambda;
  eff["algorithm"] = s.algorithm;
  eff["eta"] = s.eta;
  eff["stability_limit"] = 2.0 / M;
  eff["n_steps"] = s.n_steps;
  eff["record_steps"] = s.record;
  eff["chains"] = s.chains;
  eff["random_projections"] = s.random_projections;
  eff["projection_seed"] = s.projection_seed;
  eff["min_jump_fraction"] = s.min_jump;
  eff["mutant"] = s.mutant;
  eff["rng"] = "exact starts (seed, reference_sample) counter (r, j, 0, .), mixture component uniform (r, j, 1, 0); sampler replica r; "
               "random projections (projection_seed, model_data)";

  Prepared out{spec.header, eff, {}};
  out.run = [s, h = spec.header, eff](const RunContext& ctx) {
    reports::Experiment e = base_experiment(h, eff);
    const int R = h.replicas, d = s.sp.dim;
    const bool gauss = s.target == "gaussian";
    const std::string tdesc = gauss ? "pi = N(0, lambda A^-1), d = " + std::to_string(d) + ", A eigenvalues log-spaced in [" + fmt(s.sp.a_min) +
                                          ", " + fmt(s.sp.a_max) + "]" + (s.sp.rotation == "haar" ? " (Haar-rotated)" : "") + ", lambda = " + fmt(s.lambda)
                                    : "pi = (1/" + std::to_string(s.modes) + ") sum_k N(m_k, " + fmt(s.s) + "^2 I_2), centres on the axes at distance " +
                                          fmt(s.r) + " (lib/potentials mixture_2d, lambda = 1)";
    const std::string inv_claim = std::string(s.algorithm == "mala" ? "MALA" : "ULA (in place of MALA: must fail)") +
                                  " leaves the target invariant: started from exact samples of pi, the law after k steps is pi (Roberts & "
                                  "Tweedie 1996, detailed balance of the Metropolis–Hastings correction); " + tdesc + ", eta = " + fmt(s.eta) +
                                  (s.mutant == "none" ? "" : " [mutant " + s.mutant + "]");
    const std::string inv_quantity = "max over projections u and record steps of sqrt(M) sup_t |F_M(t) - F_u(t)| (one-sample Kolmogorov "
                                     "statistic of the pooled projections against the exact projected CDF)";
    const std::string move_claim = "non-triviality guard: the chains move (mean |x_K - x_0|^2 / (2 tr Cov_pi) >= min_jump_fraction = " +
                                   fmt(s.min_jump) + ")";
    const std::string move_quantity = "replica mean of J_r = mean over chains of |x_K - x_0|^2 / (2 tr Cov_pi)";
    try {
      // Target, exact sampler, projections.
      std::unique_ptr<lib::models::FiniteSumPotential> model;
      std::vector<Eigen::VectorXd> centres;
      double trace_cov = 0;
      Projections P;
      const rng::Key pkey{s.projection_seed, static_cast<std::uint32_t>(rng::StreamTag::model_data)};
      std::vector<Eigen::VectorXd> dirs;
      if (gauss) {
        model = gaussian_model(s.sp, h.seed);
        for (int i = 0; i < d; ++i) {
          dirs.push_back(s.sp.V.col(i));
          P.names.push_back("eigenvector a = " + fmt(s.sp.a(i)));
        }
        trace_cov = (s.lambda / s.sp.a.array()).sum();
      } else {
        lib::Params pp;
        pp.set("r", s.r);
        pp.set("s", s.s);
        pp.set("modes", static_cast<long>(s.modes));
        std::shared_ptr<const lib::potentials::Potential> pot = catalogues().potentials.make("mixture_2d", 2, pp);
        model = lib::models::wrap_potential(pot);
        const double cx[4] = {s.r, -s.r, 0, 0}, cy[4] = {0, 0, s.r, -s.r};
        for (int k = 0; k < s.modes; ++k) centres.push_back((Eigen::VectorXd(2) << cx[k], cy[k]).finished());
        const double sq = 1.0 / std::sqrt(2.0);
        dirs = {(Eigen::VectorXd(2) << 1, 0).finished(), (Eigen::VectorXd(2) << 0, 1).finished(),
                (Eigen::VectorXd(2) << sq, sq).finished(), (Eigen::VectorXd(2) << sq, -sq).finished()};
        P.names = {"e1", "e2", "(e1 + e2)/sqrt 2", "(e1 - e2)/sqrt 2"};
        trace_cov = 2 * s.s * s.s;
        for (const auto& m : centres) trace_cov += m.squaredNorm() / s.modes;
      }
      for (int q = 0; q < s.random_projections; ++q) {
        Eigen::VectorXd u(d);
        rng::NormalStream(pkey, 2, static_cast<std::uint32_t>(q), 0).fill(u.data(), static_cast<std::uint32_t>(d));
        dirs.push_back(u / u.norm());
        P.names.push_back("random " + std::to_string(q));
      }
      const int NP = static_cast<int>(dirs.size());
      P.U.resize(d, NP);
      for (int q = 0; q < NP; ++q) P.U.col(q) = dirs[static_cast<std::size_t>(q)];
      std::vector<double> proj_sd(static_cast<std::size_t>(NP));
      std::vector<std::vector<double>> proj_means(static_cast<std::size_t>(NP));
      if (gauss) {
        const Eigen::MatrixXd cov = s.sp.V * (s.lambda / s.sp.a.array()).matrix().asDiagonal() * s.sp.V.transpose();
        for (int q = 0; q < NP; ++q) proj_sd[static_cast<std::size_t>(q)] = std::sqrt(P.U.col(q).dot(cov * P.U.col(q)));
      } else {
        for (int q = 0; q < NP; ++q) {
          proj_sd[static_cast<std::size_t>(q)] = s.s;
          for (const auto& m : centres) proj_means[static_cast<std::size_t>(q)].push_back(P.U.col(q).dot(m));
        }
      }
      P.cdf = [&](int q, double t) {
        const double sd = proj_sd[static_cast<std::size_t>(q)];
        if (gauss) return normal_cdf(t / sd);
        double F = 0;
        for (double m : proj_means[static_cast<std::size_t>(q)]) F += normal_cdf((t - m) / sd);
        return F / static_cast<double>(proj_means[static_cast<std::size_t>(q)].size());
      };
      P.pdf = [&](int q, double t) {
        const double sd = proj_sd[static_cast<std::size_t>(q)];
        const double c = 1.0 / (sd * std::sqrt(2 * M_PI));
        if (gauss) return c * std::exp(-0.5 * t * t / (sd * sd));
        double f = 0;
        for (double m : proj_means[static_cast<std::size_t>(q)]) f += c * std::exp(-0.5 * (t - m) * (t - m) / (sd * sd));
        return f / static_cast<double>(proj_means[static_cast<std::size_t>(q)].size());
      };
      auto exact_start = [&](std::uint32_t r) {
        const rng::Key key{h.seed, static_cast<std::uint32_t>(rng::StreamTag::reference_sample)};
        if (gauss) return exact_gaussian(s.sp, s.lambda, s.chains, h.seed, r);
        lv::Ensemble X(2, s.chains);
        for (long j = 0; j < s.chains; ++j) {
          const auto jj = static_cast<std::uint32_t>(j);
          const double u = rng::uniform01x2({r, jj, 1, 0}, key)[0];
          const int k = std::min(s.modes - 1, static_cast<int>(std::floor((1.0 - u) * s.modes)));
          const auto z = rng::normal2({r, jj, 0, 0}, key);
          X(0, j) = centres[static_cast<std::size_t>(k)](0) + s.s * z[0];
          X(1, j) = centres[static_cast<std::size_t>(k)](1) + s.s * z[1];
        }
        return X;
      };

      const int T = static_cast<int>(s.record.size());
      const long Mtot = static_cast<long>(R) * s.chains;
      // pooled projections per (record step, projection)
      std::vector<std::vector<std::vector<double>>> pooled(static_cast<std::size_t>(T),
                                                           std::vector<std::vector<double>>(static_cast<std::size_t>(NP)));
      std::vector<double> jump(static_cast<std::size_t>(R)), acc(static_cast<std::size_t>(R), kNaN);
      std::vector<std::vector<std::vector<std::vector<double>>>> per_rep(
          static_cast<std::size_t>(R), std::vector<std::vector<std::vector<double>>>(static_cast<std::size_t>(T), std::vector<std::vector<double>>(static_cast<std::size_t>(NP))));
      std::string brief;
      int done = 0;
      const std::string divergence = run_tasks(R, ctx.threads, [&](int r) -> std::string {
        const lv::Ensemble X0 = exact_start(static_cast<std::uint32_t>(r));
        lv::Ensemble X = X0;
        lv::SamplerOptions o;
        o.algorithm = lv::algorithm_from_string(s.algorithm);
        o.lambda = s.lambda;
        o.step = lv::StepSchedule::constant(s.eta);
        o.n_steps = s.n_steps;
        o.seed = h.seed;
        o.replica = static_cast<std::uint32_t>(r);
        o.threads = 1;
        o.observe_every = 1;
        o.mutant = lv::mutant_from_string(s.mutant);
        auto& mine = per_rep[static_cast<std::size_t>(r)];
        auto observer = [&](std::uint32_t k, const lv::Ensemble& Xk, std::uint64_t) {
          const auto it = std::find(s.record.begin(), s.record.end(), k);
          if (it == s.record.end()) return;
          const auto t = static_cast<std::size_t>(it - s.record.begin());
          const Eigen::MatrixXd Y = P.U.transpose() * Xk;
          for (int q = 0; q < NP; ++q) {
            auto& v = mine[t][static_cast<std::size_t>(q)];
            for (long j = 0; j < Y.cols(); ++j) v.push_back(Y(q, j));
          }
        };
        try {
          const auto summ = lv::sample(*model, X, o, observer);
          if (r == 0) brief = sampler_line(summ);
          acc[static_cast<std::size_t>(r)] = summ.mean_acceptance_rate;
        } catch (const lv::SamplerDivergence& ex) {
          return "replica " + std::to_string(r) + ": " + ex.what();
        }
        jump[static_cast<std::size_t>(r)] = (X - X0).colwise().squaredNorm().mean() / (2.0 * trace_cov);
        return "";
      }, [&] {
        if (ctx.progress) ctx.progress(++done, R);
      });
      for (int r = 0; r < R; ++r)  // pooled in replica order
        for (int t = 0; t < T; ++t)
          for (int q = 0; q < NP; ++q) {
            auto& dst = pooled[static_cast<std::size_t>(t)][static_cast<std::size_t>(q)];
            const auto& src = per_rep[static_cast<std::size_t>(r)][static_cast<std::size_t>(t)][static_cast<std::size_t>(q)];
            dst.insert(dst.end(), src.begin(), src.end());
          }
      per_rep.clear();
      const double alpha_p = s.alpha_inv / (static_cast<double>(NP) * T);
      const double c_crit = std::sqrt(std::log(2.0 / alpha_p) / 2.0);
      if (!divergence.empty()) {
        e.checks.push_back(unfinished_check("the chains", "invariance", verify::CheckKind::consistency, inv_claim, inv_quantity, c_crit, s.alpha_inv, R, divergence));
        e.checks.push_back(unfinished_check("the chains", "movement", verify::CheckKind::rate_at_least, move_claim, move_quantity, s.min_jump, s.alpha_move, R, divergence));
        e.status = "error";
        e.error = s.algorithm + ": " + divergence;
        return e;
      }
      // Kolmogorov statistics.
      std::vector<std::vector<double>> stat(static_cast<std::size_t>(T), std::vector<double>(static_cast<std::size_t>(NP)));
      double worst = 0;
      int worst_t = 0, worst_q = 0;
      const double sqM = std::sqrt(static_cast<double>(Mtot));
      for (int t = 0; t < T; ++t)
        for (int q = 0; q < NP; ++q) {
          auto& v = pooled[static_cast<std::size_t>(t)][static_cast<std::size_t>(q)];
          std::sort(v.begin(), v.end());
          double D = 0;
          const double n = static_cast<double>(v.size());
          for (std::size_t i = 0; i < v.size(); ++i) {
            const double F = P.cdf(q, v[i]);
            D = std::max(D, std::max(static_cast<double>(i + 1) / n - F, F - static_cast<double>(i) / n));
          }
          const double st = sqM * D;
          stat[static_cast<std::size_t>(t)][static_cast<std::size_t>(q)] = st;
          if (st > worst) worst = st, worst_t = t, worst_q = q;
        }
      {
        verify::CheckResult c;
        c.id = "invariance";
        c.kind = verify::CheckKind::consistency;
        c.claim = inv_claim;
        c.quantity = inv_quantity;
        c.rule = "fails iff some sqrt(M) D > sqrt(ln(2/alpha')/2) = " + fmt(c_crit) + ", alpha' = alpha/(P T) = " + fmt(alpha_p) + " (DKW–Massart: P(D > eps) <= 2 exp(-2 M eps^2); Bonferroni over P = " +
                 std::to_string(NP) + " projections x T = " + std::to_string(T) + " record steps; M = R N = " + std::to_string(Mtot) + " independent chains)";
        c.measured = c.measured_lo = c.measured_hi = worst;
        c.bound = c_crit;
        c.tightness = worst / c_crit;
        c.alpha = s.alpha_inv;
        c.replicas = R;
        c.resolution = c_crit / sqM;
        c.passed = worst <= c_crit;
        c.detail = "worst: projection " + P.names[static_cast<std::size_t>(worst_q)] + " at k = " + std::to_string(s.record[static_cast<std::size_t>(worst_t)]) +
                   " (D = " + fmt(worst / sqM) + "); detectable CDF deviation " + fmt(c.resolution) + "; " + brief;
        e.checks.push_back(c);
      }
      std::vector<double> accv;
      for (double a : acc)
        if (std::isfinite(a)) accv.push_back(a);
      const double acc_mean = accv.empty() ? kNaN : std::accumulate(accv.begin(), accv.end(), 0.0) / static_cast<double>(accv.size());
      const auto ul = verify::stats::upper_limit(jump, s.alpha_move);
      {
        verify::CheckResult c;
        c.id = "movement";
        c.kind = verify::CheckKind::rate_at_least;
        c.claim = move_claim;
        c.quantity = move_quantity;
        c.rule = "fails iff the upper confidence limit mean + t_{1-alpha, R-1} sd/sqrt(R) is below min_jump_fraction";
        c.measured = ul.mean;
        c.measured_lo = ul.mean - (ul.hi - ul.mean);
        c.measured_hi = ul.hi;
        c.bound = s.min_jump;
        c.tightness = ul.mean / s.min_jump;
        c.alpha = s.alpha_move;
        c.replicas = R;
        c.resolution = ul.hi - ul.mean;
        c.passed = ul.hi >= s.min_jump;
        c.detail = "K = " + std::to_string(s.n_steps) + " steps, 2 tr Cov_pi = " + fmt(2 * trace_cov) +
                   (std::isfinite(acc_mean) ? "; mean acceptance rate " + fmt(acc_mean) : std::string("; no accept/reject (ULA)"));
        e.checks.push_back(c);
      }
      // Plots.
      reports::Plot pk;
      pk.id = "kolmogorov";
      pk.title = "sqrt(M) sup|F_M - F| per projection (" + s.algorithm + (s.mutant == "none" ? "" : ", mutant " + s.mutant) + ")";
      pk.xlabel = "projection index";
      pk.ylabel = "sqrt(M) D";
      std::vector<double> qx;
      for (int q = 0; q < NP; ++q) qx.push_back(q);
      for (int t = 0; t < T; ++t)
        pk.series.push_back({"k = " + std::to_string(s.record[static_cast<std::size_t>(t)]), reports::SeriesStyle::measured, qx,
                             stat[static_cast<std::size_t>(t)], {}, {}});
      pk.series.push_back({"DKW critical value (Bonferroni)", reports::SeriesStyle::bound, qx, std::vector<double>(qx.size(), c_crit), {}, {}});
      e.plots.push_back(pk);
      {
        const auto& v = pooled[static_cast<std::size_t>(T - 1)][static_cast<std::size_t>(worst_q)];
        const double lo = v[static_cast<std::size_t>(0.001 * v.size())], hi = v[static_cast<std::size_t>(0.999 * (v.size() - 1))];
        const int bins = 80;
        const double bw = (hi - lo) / bins;
        reports::Plot ph;
        ph.id = "worst_projection";
        ph.title = "Projection " + P.names[static_cast<std::size_t>(worst_q)] + " at k = " + std::to_string(s.n_steps) + ": histogram vs exact density";
        ph.xlabel = "u^T x";
        ph.ylabel = "density";
        reports::Series hs{"histogram (" + std::to_string(Mtot) + " chains)", reports::SeriesStyle::measured, {}, {}, {}, {}};
        std::vector<double> cnt(bins, 0.0);
        for (double x : v) {
          const int b = static_cast<int>(std::floor((x - lo) / bw));
          if (b >= 0 && b < bins) cnt[static_cast<std::size_t>(b)] += 1;
        }
        reports::Series ex{"exact density of pi", reports::SeriesStyle::exact, {}, {}, {}, {}};
        for (int b = 0; b < bins; ++b) {
          const double x = lo + (b + 0.5) * bw;
          hs.x.push_back(x);
          hs.y.push_back(cnt[static_cast<std::size_t>(b)] / (static_cast<double>(v.size()) * bw));
          ex.x.push_back(x);
          ex.y.push_back(P.pdf(worst_q, x));
        }
        ph.series = {hs, ex};
        e.plots.push_back(ph);
      }
      json per = json::array();
      for (int t = 0; t < T; ++t)
        for (int q = 0; q < NP; ++q)
          per.push_back({{"k", s.record[static_cast<std::size_t>(t)]}, {"projection", P.names[static_cast<std::size_t>(q)]},
                         {"sqrtM_D", stat[static_cast<std::size_t>(t)][static_cast<std::size_t>(q)]}});
      e.results["kolmogorov"] = {{"critical", c_crit}, {"alpha_per_test", alpha_p}, {"chains_total", Mtot}, {"per_test", per}};
      e.results["acceptance_rate"] = {{"mean", acc_mean}, {"per_replica", acc}};
      e.results["jump_fraction"] = {{"mean", ul.mean}, {"upper_limit", ul.hi}, {"sd", ul.sd}, {"per_replica", jump}, {"two_tr_cov", 2 * trace_cov}};
    } catch (const std::exception& ex) {
      e.status = "error";
      e.error = ex.what();
    }
    return e;
  };
  return out;
}

}  // namespace

void register_langevin_kinds(KindRegistry& r) {
  r.add({"ula_gaussian",
         "ULA on Gaussian targets: ensemble law against the exact ULA recursion, exact KL under the Vempala–Wibisono bound, "
         "stationary bias order in eta (exact KL order 2, measured variance bias order 1)",
         {{"law_matches_exact", true, 1e-6}, {"kl_under_vw_bound", false, 0.0}, {"stationary_bias_order", true, 1e-6}},
         prepare_ula_gaussian});
  r.add({"mala_invariance",
         "MALA started from exact samples keeps the target law (DKW test on fixed projections) and moves (jump guard)",
         {{"invariance", true, 1e-6}, {"movement", true, 1e-6}},
         prepare_mala});
}

}  // namespace ldbench::experiments::drivers
