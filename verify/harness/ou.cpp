#include "verify/harness/ou.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "lib/sde/euler_maruyama.hpp"
#include "theory/gaussian.hpp"
#include "theory/gaussian_mixture.hpp"
#include "theory/lsi.hpp"
#include "theory/ula_gaussian.hpp"
#include "verify/checks/checks.hpp"

namespace ldbench::verify::harness {

namespace {

using lib::sde::Ensemble;
namespace sde = lib::sde;

void validate_setup(const OuSetup& s) {
  s.ou.validate();
  s.start.validate();
  if (s.start.dim() != s.dim) throw std::invalid_argument("start: means must have length dim");
  if (s.particles < 16) throw std::invalid_argument("particles: must be >= 16");
  if (s.replicas < 2) throw std::invalid_argument("replicas: must be >= 2 for confidence intervals");
}

// Per-coordinate averages of the start's mean and second moment (what f1, f2 see).
void start_moments(const sde::IsotropicMixture& m, double& mean, double& second) {
  mean = 0;
  second = 0;
  for (std::size_t j = 0; j < m.weights.size(); ++j) {
    mean += m.weights[j] * m.means[j].mean();
    second += m.weights[j] * (m.means[j].squaredNorm() / static_cast<double>(m.means[j].size()) + m.variances[j]);
  }
}

std::string fmt(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

double f1(const Ensemble& X, long i) { return X.col(i).mean(); }
double f2(const Ensemble& X, long i) { return X.col(i).squaredNorm() / static_cast<double>(X.rows()); }

sde::OuSdeParams to_sde(const theory::OuParams& p) { return {p.a, p.lambda}; }

}  // namespace

double WeakOrderSetup::alpha_of(const std::string& id) const {
  auto it = alpha.find(id);
  return it == alpha.end() ? kDefaultAlpha : it->second;
}

WeakOrderResult run_ou_weak_order(const WeakOrderSetup& s, const Progress& progress) {
  validate_setup(s);
  if (s.steps.size() < 4) throw std::invalid_argument("steps: need at least 4 step sizes for an order fit");
  for (double h : s.steps) theory::check_ula_stability(h, s.ou);
  double m0, q0;
  start_moments(s.start, m0, q0);
  if (m0 == 0) throw std::invalid_argument("start: the weak-order check needs a start with nonzero mean");

  WeakOrderResult res;
  res.steps = s.steps;
  const long S = static_cast<long>(s.steps.size());
  res.observables = {{"mean", Eigen::MatrixXd(s.replicas, S), {}, {}},
                     {"second_moment", Eigen::MatrixXd(s.replicas, S), {}, {}}};
  std::vector<sde::TimeGrid> grids;
  for (double h : s.steps) {
    grids.push_back(sde::TimeGrid::covering(s.t_end, h));
    const auto em = theory::ula_moments(grids.back().n_steps, grids.back().step, m0, q0, s.ou);
    res.observables[0].em_law_error.push_back(em.mean - theory::ou_mean(s.t_end, m0, s.ou));
    // The second moment obeys the same recursion as the variance (centred independent noise).
    res.observables[1].em_law_error.push_back(em.variance - theory::ou_variance(s.t_end, q0, s.ou));
  }
  const sde::Sde tested = sde::ornstein_uhlenbeck(s.dim, to_sde(s.ou), s.mutant);
  for (int r = 0; r < s.replicas; ++r) {
    const auto rr = static_cast<std::uint32_t>(r);
    const Ensemble X0 = sde::sample_initial(s.start, s.particles, s.seed, rr, 0, s.threads);
    for (long k = 0; k < S; ++k) {
      sde::EulerMaruyamaOptions opt;
      opt.grid = grids[static_cast<std::size_t>(k)];
      opt.key = {s.seed, static_cast<std::uint32_t>(lib::rng::StreamTag::brownian)};
      opt.replica = rr;
      opt.threads = s.threads;
      Ensemble Xh = X0, Xe = X0;
      sde::euler_maruyama(tested, Xh, opt);
      sde::ou_exact_coupled(to_sde(s.ou), Xe, opt);
      double e1 = 0, e2 = 0;  // fixed-order serial sums: thread-count independent
      for (long i = 0; i < s.particles; ++i) {
        e1 += f1(Xh, i) - f1(Xe, i);
        e2 += f2(Xh, i) - f2(Xe, i);
      }
      res.observables[0].errors(r, k) = e1 / static_cast<double>(s.particles);
      res.observables[1].errors(r, k) = e2 / static_cast<double>(s.particles);
    }
    if (progress) progress(r + 1, s.replicas);
  }

  for (auto& ob : res.observables) {
    for (int r = 0; r < s.replicas; ++r) {
      std::vector<double> e(static_cast<std::size_t>(S));
      for (long k = 0; k < S; ++k) e[static_cast<std::size_t>(k)] = ob.errors(r, k);
      ob.orders.push_back(checks::fit_weak_order(s.steps, e));
    }
    const std::string f = ob.name == "mean" ? "E[(1/d) sum_c X_c]" : "E[(1/d) ||X||^2]";
    res.checks.push_back(checks::order_equals(
        {"weak_order_" + ob.name,
         "Euler–Maruyama has weak order 1: |" + f + "(EM, step h) - " + f + "(exact)| = C h + O(h^2) "
         "(Kloeden & Platen 1992, Th. 14.5.2)",
         "fitted p in log|e(h)| = c + p log h + b h, mean over replicas"},
        ob.orders, 1.0, s.alpha_of("weak_order_" + ob.name)));
    res.checks.push_back(checks::consistency(
        {"weak_error_" + ob.name + "_matches_em_law",
         "the measured weak error of " + f + " equals the exact error of the Euler–Maruyama law "
         "(m_{k+1} = (1 - h a) m_k, v_{k+1} = (1 - h a)^2 v_k + 2 h lambda; theory/ula_gaussian.hpp)",
         "coupled weak error at the worst step size"},
        s.steps, ob.errors, ob.em_law_error, s.alpha_of("weak_error_" + ob.name + "_matches_em_law")));
  }
  return res;
}

namespace {

// The exact law along time as KL and Fisher functions, for Gaussian or 1-D mixture starts.
struct ExactLaw {
  std::function<double(double)> kl, fisher;
};

ExactLaw exact_law(const KlDecaySetup& s) {
  const double v = s.ou.stationary_variance();
  if (s.start.weights.size() == 1) {
    const theory::Gaussian g0{s.start.means[0],
                              s.start.variances[0] * Eigen::MatrixXd::Identity(s.dim, s.dim)};
    const theory::Gaussian pi = theory::ou_stationary(s.dim, s.ou);
    return {[=](double t) { return theory::kl(theory::ou_law(g0, t, s.ou), pi); },
            [=](double t) { return theory::relative_fisher(theory::ou_law(g0, t, s.ou), pi); }};
  }
  if (s.dim != 1)
    throw std::invalid_argument("start: the exact law of a mixture start is available in d = 1 only");
  theory::GaussianMixture1d m0;
  m0.weights = s.start.weights;
  m0.variances = s.start.variances;
  for (const auto& mu : s.start.means) m0.means.push_back(mu(0));
  return {[=](double t) { return theory::kl_to_centered_gaussian(theory::ou_mixture_law(m0, t, s.ou), v); },
          [=](double t) { return theory::fisher_to_centered_gaussian(theory::ou_mixture_law(m0, t, s.ou), v); }};
}

}  // namespace

KlDecayResult run_ou_kl_decay(const KlDecaySetup& s, const Progress& progress) {
  validate_setup(s);
  if (s.record_every < 1) throw std::invalid_argument("record_every: must be >= 1");
  if (!(s.fit_floor_factor >= 1)) throw std::invalid_argument("fit_floor_factor: must be >= 1");
  if (s.estimator == estimators::KlEstimator::histogram && s.dim != 1)
    throw std::invalid_argument("estimator: histogram_kl needs dim = 1; use gaussian_fit_kl");
  theory::check_ula_stability(s.step, s.ou);
  const sde::TimeGrid grid = sde::TimeGrid::covering(s.t_end, s.step);
  if (grid.n_steps % s.record_every != 0)
    throw std::invalid_argument("record_every: must divide t_end / step = " + std::to_string(grid.n_steps));
  std::vector<std::uint32_t> obs;
  for (std::uint32_t k = 0; k <= grid.n_steps; k += s.record_every) obs.push_back(k);
  const long T = static_cast<long>(obs.size());
  const double v = s.ou.stationary_variance();
  const ExactLaw law = exact_law(s);

  KlDecayResult res;
  res.lsi_alpha = theory::gaussian_lsi_constant(v);
  res.kl0 = law.kl(0.0);
  for (auto k : obs) {
    const double t = grid.time(k);
    res.times.push_back(t);
    res.exact.push_back(law.kl(t));
    res.bound.push_back(theory::lsi_kl_bound(res.kl0, res.lsi_alpha, s.ou.lambda, t));
  }

  const sde::Sde tested = sde::ornstein_uhlenbeck(s.dim, to_sde(s.ou), s.mutant);
  const sde::IsotropicMixture pi{{1.0}, {Eigen::VectorXd::Zero(s.dim)}, {v}};
  res.kl = Eigen::MatrixXd(s.replicas, T);
  for (int r = 0; r < s.replicas; ++r) {
    const auto rr = static_cast<std::uint32_t>(r);
    Ensemble X = sde::sample_initial(s.start, s.particles, s.seed, rr, 0, s.threads);
    sde::EulerMaruyamaOptions opt;
    opt.grid = grid;
    opt.key = {s.seed, static_cast<std::uint32_t>(lib::rng::StreamTag::brownian)};
    opt.replica = rr;
    opt.threads = s.threads;
    long col = 0;
    sde::euler_maruyama(tested, X, opt, obs, [&](std::uint32_t, double, const Ensemble& Xt) {
      res.kl(r, col++) = estimators::estimate_kl(s.estimator, Xt, v);
    });
    const Ensemble ref = sde::sample_initial(pi, s.particles, s.seed, rr, 0, s.threads,
                                             lib::rng::StreamTag::reference_sample);
    res.floor.push_back(estimators::estimate_kl(s.estimator, ref, v));
    if (progress) progress(r + 1, s.replicas);
  }
  res.floor_interval = stats::two_sided(res.floor, 2.0 * s.alpha_bound);

  // Floor-corrected replica values: the estimator's bias on exact samples is subtracted.
  res.corrected = res.kl;
  for (int r = 0; r < s.replicas; ++r) res.corrected.row(r).array() -= res.floor[static_cast<std::size_t>(r)];
  const Eigen::MatrixXd& corrected = res.corrected;
  for (long j = 0; j < T; ++j) {
    // t = 0 is excluded: there the bound is KL_0 itself, an identity rather than a claim.
    res.judged.push_back(res.times[static_cast<std::size_t>(j)] > 0 &&
                         res.bound[static_cast<std::size_t>(j)] > res.floor_interval.hi);
    const double mean = corrected.col(j).mean();
    res.fit_window.push_back(mean >= s.fit_floor_factor * res.floor_interval.hi && corrected.col(j).minCoeff() > 0);
  }
  const std::string lsi = "Gaussian LSI: pi = N(0, (lambda/a) I) satisfies LSI(a/lambda), so KL(p_t||pi) <= "
                          "exp(-2 a t) KL(p_0||pi) (lecture notes slide 24; DESIGN.md §2)";
  res.checks.push_back(checks::upper_bound_pointwise(
      {"kl_lsi_bound", lsi + ", judged where the bound is above the estimator's noise floor",
       std::string(estimators::to_string(s.estimator)) + " estimate minus its floor on exact samples"},
      res.times, corrected, res.bound, res.judged, s.alpha_bound));

  std::vector<double> tw;
  std::vector<long> cols;
  for (long j = 0; j < T; ++j)
    if (res.fit_window[static_cast<std::size_t>(j)]) {
      tw.push_back(res.times[static_cast<std::size_t>(j)]);
      cols.push_back(j);
    }
  const double claimed_rate = theory::lsi_kl_rate(res.lsi_alpha, s.ou.lambda);
  const checks::ClaimText rate_text{
      "kl_rate",
      "the KL decay rate is at least 2 alpha lambda = 2a (LSI from every p_t bounds every pairwise slope "
      "of log KL; a least-squares slope averages them)",
      "least-squares rate of log(KL - floor) over the fit window, mean over replicas"};
  if (tw.size() >= 3) {
    for (int r = 0; r < s.replicas; ++r) {
      std::vector<double> y;
      for (long j : cols) y.push_back(corrected(r, j));
      res.rates.push_back(checks::fit_decay_rate(tw, y));
    }
    auto c = checks::rate_at_least(rate_text, res.rates, claimed_rate, s.alpha_rate);
    c.detail = "fit window t in [" + fmt(tw.front()) + ", " + fmt(tw.back()) + "], " + std::to_string(tw.size()) +
               " points";
    res.checks.push_back(c);
  } else {
    CheckResult c;
    c.id = rate_text.id;
    c.kind = CheckKind::rate_at_least;
    c.claim = rate_text.claim;
    c.quantity = rate_text.quantity;
    c.measured = c.measured_lo = c.measured_hi = c.tightness = std::numeric_limits<double>::quiet_NaN();
    c.bound = claimed_rate;
    c.alpha = s.alpha_rate;
    c.replicas = s.replicas;
    c.passed = false;
    c.rule = "needs at least 3 recorded times with KL above fit_floor_factor x the noise floor";
    c.detail = "fit window has " + std::to_string(tw.size()) +
               " points: KL never rises clearly above the estimator's floor";
    res.checks.push_back(c);
  }

  // The theorem on the exact law, at t > 0 (at t = 0 the bound is KL_0 itself).
  std::vector<bool> positive_t;
  for (double t : res.times) positive_t.push_back(t > 0);
  res.checks.push_back(checks::deterministic_upper_bound(
      {"exact_law_lsi_bound", lsi + ", on the exact law of the continuous process",
       "max over recorded t > 0 of KL_exact(t) / bound(t)"},
      res.times, res.exact, res.bound, positive_t, kExactBoundRelTol));
  res.checks.push_back(checks::de_bruijn(
      {"de_bruijn", "d/dt KL(p_t||pi) = -lambda I(p_t||pi) along the exact law (lecture notes slide 23)",
       "max over recorded t > 0 of |dKL/dt + lambda I| / (lambda I), central differences"},
      law.kl, law.fisher, s.ou.lambda, res.times, kDeBruijnDelta, kDeBruijnRelTol));
  return res;
}

}  // namespace ldbench::verify::harness
