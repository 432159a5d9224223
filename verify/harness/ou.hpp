// Harnesses joining lib/ (the OU SDE under Euler–Maruyama) and theory/ (its closed forms) into
// the checks of the OU slice:
//
// Weak order (run_ou_weak_order). For each step h in `steps`, every replica integrates N
// particles to t_end with Euler–Maruyama and measures the weak errors of
//   f1(x) = (1/d) sum_c x_c            (mean)          and
//   f2(x) = (1/d) ||x||²               (second moment)
// with the coupled exact OU solution as control variate (lib/sde/ou.hpp): e_r(h) = mean_i
// [f(X^h_i) - f(X_i)]. Checks: the fitted weak order (checks::fit_weak_order per replica) equals
// 1 (Kloeden & Platen 1992, Th. 14.5.2), and the measured errors agree with the exact error of
// the Euler–Maruyama law (theory/ula_gaussian.hpp), which is a sharper oracle.
//
// KL decay (run_ou_kl_decay). Replicas integrate to t_end with a small step and record
// KL(p_t || pi), pi = N(0, (lambda/a) I), with a KL estimator every `record_every` steps.
// The estimator's noise floor is measured on exact samples of pi of the same size. Checks:
//  - kl_lsi_bound: KL(p_t||pi) <= exp(-2 alpha lambda t) KL(p_0||pi) with alpha = a/lambda (Gaussian
//    LSI, theory/lsi.hpp), judged at t > 0 where the bound is above the floor, on floor-corrected
//    values;
//  - kl_rate: the fitted exponential rate is >= 2 alpha lambda = 2a. This is implied by the
//    theorem: LSI holds from every p_t, so every pairwise slope of log KL is <= -2a, and a
//    least-squares slope is a positively weighted average of pairwise slopes;
//  - exact_law_lsi_bound and de_bruijn: the theorem and dKL/dt = -lambda I on the exact law
//    (closed form for Gaussian starts, quadrature for 1-D mixtures).
#pragma once

#include <Eigen/Core>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lib/sde/initial_law.hpp"
#include "lib/sde/ou.hpp"
#include "theory/ou.hpp"
#include "verify/check.hpp"
#include "verify/estimators/kl.hpp"
#include "verify/stats/confidence.hpp"

namespace ldbench::verify::harness {

// Called after each replica: (replicas done, replicas total).
using Progress = std::function<void(int, int)>;

struct OuSetup {
  int dim = 1;
  theory::OuParams ou;
  lib::sde::IsotropicMixture start;
  long particles = 10000;
  int replicas = 10;
  std::uint32_t seed = 1;
  lib::sde::OuMutant mutant = lib::sde::OuMutant::none;
  int threads = 0;
};

struct WeakOrderSetup : OuSetup {
  double t_end = 1.0;
  std::vector<double> steps;        // each must divide t_end
  // False-fail budget per check id (weak_order_<observable>, weak_error_<observable>_matches_em_law);
  // ids not listed get kDefaultAlpha.
  std::map<std::string, double> alpha;
  double alpha_of(const std::string& id) const;
};

struct WeakObservable {
  std::string name;
  Eigen::MatrixXd errors;            // replicas x steps
  std::vector<double> em_law_error;  // exact weak error of the Euler–Maruyama law
  std::vector<double> orders;        // fitted order per replica
};

struct WeakOrderResult {
  std::vector<double> steps;
  std::vector<WeakObservable> observables;
  std::vector<CheckResult> checks;
};

WeakOrderResult run_ou_weak_order(const WeakOrderSetup& s, const Progress& progress = {});

struct KlDecaySetup : OuSetup {
  double t_end = 3.0;
  double step = 0.01;
  std::uint32_t record_every = 10;
  estimators::KlEstimator estimator = estimators::KlEstimator::gaussian_fit;
  double alpha_bound = 1e-5;
  double alpha_rate = 1e-5;
  // The rate is fitted where the mean floor-corrected KL is at least this multiple of the
  // floor's upper confidence limit, so estimator bias stays below 1/factor of the signal.
  double fit_floor_factor = 10.0;
};

struct KlDecayResult {
  std::vector<double> times;
  Eigen::MatrixXd kl;                // replicas x times, raw estimates
  std::vector<double> floor;         // per replica: the estimator on exact samples of pi
  Eigen::MatrixXd corrected;         // kl minus each replica's floor: what the checks judge
  stats::Interval floor_interval;    // two-sided at alpha_bound
  std::vector<double> exact;         // KL of the exact law
  std::vector<double> bound;         // exp(-2 alpha lambda t) KL(p_0||pi)
  std::vector<bool> judged;          // bound above the floor's upper limit
  std::vector<bool> fit_window;
  std::vector<double> rates;         // fitted per replica
  double kl0 = 0;
  double lsi_alpha = 0;
  std::vector<CheckResult> checks;
};

KlDecayResult run_ou_kl_decay(const KlDecaySetup& s, const Progress& progress = {});

inline constexpr double kDefaultAlpha = 1e-5;

// Tolerances of the deterministic checks.
// de Bruijn by central differences with delta = 1e-4: truncation ~ delta² ~ 1e-8 relative,
// quadrature round-off (~1e-13 absolute) amplified by 1/delta is ~1e-9 absolute; 1e-5 relative
// leaves room for late times where I is ~1e-4.
inline constexpr double kDeBruijnDelta = 1e-4;
inline constexpr double kDeBruijnRelTol = 1e-5;
// The exact law's KL over the LSI bound, for t > 0: equality is allowed (pure mean-shift starts
// attain it), so the tolerance covers floating-point/quadrature round-off only.
inline constexpr double kExactBoundRelTol = 1e-9;

}  // namespace ldbench::verify::harness
