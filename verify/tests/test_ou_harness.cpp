// The OU checks end to end, at the quick profile's sizes: they pass on the correct integrator
// and each fails on a deliberately broken one (DESIGN.md §4.4: every check must be able to fail).
#include <gtest/gtest.h>

#include <algorithm>

#include "verify/harness/ou.hpp"

namespace {

using namespace ldbench;
using verify::harness::KlDecaySetup;
using verify::harness::WeakOrderSetup;
using lib::sde::OuMutant;

const verify::CheckResult& find(const std::vector<verify::CheckResult>& cs, const std::string& id) {
  auto it = std::find_if(cs.begin(), cs.end(), [&](const auto& c) { return c.id == id; });
  if (it == cs.end()) throw std::runtime_error("no check " + id);
  return *it;
}

WeakOrderSetup weak(int d, OuMutant m) {
  WeakOrderSetup s;
  s.dim = d;
  s.start = {{1.0}, {Eigen::VectorXd::Constant(d, 1.5)}, {0.25}};
  s.particles = 4000;
  s.replicas = 8;
  s.seed = 7;
  s.mutant = m;
  s.threads = 1;  // tests run side by side; avoid oversubscribing the cores
  s.t_end = 1.0;
  s.steps = {0.2, 0.1, 0.05, 0.025, 0.0125};
  return s;
}

KlDecaySetup kl_gauss(int d, OuMutant m) {
  KlDecaySetup s;
  s.dim = d;
  s.start = {{1.0}, {Eigen::VectorXd::Constant(d, 1.0)}, {0.25}};
  s.particles = 4000;
  s.replicas = 8;
  s.seed = 11;
  s.mutant = m;
  s.threads = 1;
  s.t_end = 3.0;
  s.step = 0.01;
  s.record_every = 10;
  return s;
}

KlDecaySetup kl_mixture(OuMutant m) {
  KlDecaySetup s = kl_gauss(1, m);
  s.start = {{0.5, 0.5}, {Eigen::VectorXd::Constant(1, -2.0), Eigen::VectorXd::Constant(1, 2.0)}, {0.09, 0.09}};
  s.estimator = ldbench::verify::estimators::KlEstimator::histogram;
  return s;
}

TEST(OuWeakOrder, CorrectIntegratorHasOrderOne) {
  for (int d : {1, 10}) {
    const auto r = run_ou_weak_order(weak(d, OuMutant::none));
    for (const auto& c : r.checks) EXPECT_TRUE(c.passed) << "d=" << d << " " << c.id << " " << c.measured << " ["
                                                         << c.measured_lo << ", " << c.measured_hi << "] " << c.detail;
  }
}

TEST(OuWeakOrder, NoiseSqrtDtMutantIsRejected) {
  const auto r = run_ou_weak_order(weak(1, OuMutant::noise_sqrt_dt));
  EXPECT_FALSE(find(r.checks, "weak_order_second_moment").passed);
  EXPECT_FALSE(find(r.checks, "weak_error_second_moment_matches_em_law").passed);
}

TEST(OuWeakOrder, FlippedDriftMutantIsRejected) {
  const auto r = run_ou_weak_order(weak(1, OuMutant::drift_flipped));
  EXPECT_FALSE(find(r.checks, "weak_order_mean").passed);
  EXPECT_FALSE(find(r.checks, "weak_order_second_moment").passed);
}

TEST(OuKlDecay, CorrectIntegratorSatisfiesLsi) {
  for (const auto& s : {kl_gauss(1, OuMutant::none), kl_gauss(10, OuMutant::none), kl_mixture(OuMutant::none)}) {
    const auto r = run_ou_kl_decay(s);
    for (const auto& c : r.checks)
      EXPECT_TRUE(c.passed) << "d=" << s.dim << " " << c.id << " " << c.measured << " [" << c.measured_lo << ", "
                            << c.measured_hi << "] bound " << c.bound << " " << c.detail;
  }
}

TEST(OuKlDecay, MutantsViolateTheBound) {
  for (auto m : {OuMutant::noise_sqrt_dt, OuMutant::drift_flipped}) {
    for (const auto& s : {kl_gauss(1, m), kl_gauss(10, m), kl_mixture(m)}) {
      const auto r = run_ou_kl_decay(s);
      EXPECT_FALSE(find(r.checks, "kl_lsi_bound").passed) << to_string(m) << " d=" << s.dim;
      EXPECT_FALSE(find(r.checks, "kl_rate").passed) << to_string(m) << " d=" << s.dim;
    }
  }
}

}  // namespace
