// A small hand-built report shared by the reports/ tests: one experiment with a passing and a
// failing check and two plots (a log-y plot with a confidence band and a non-positive value,
// and a linear plot), and one experiment that ended in error.
#pragma once

#include <cmath>
#include <limits>

#include "reports/model.hpp"

namespace ldbench::reports::testing {

inline Report sample_report() {
  Report r;
  r.profile = "quick";
  r.seed_override = 7u;
  r.command = "./ldbench verify --profile quick --seed 7";
  r.build = {"0.1.0", "gcc 12.2.0", "release", "-O3 -DNDEBUG", "0d3fd63"};
  r.run = {8, "2024-05-01T12:00:00Z", 12.5};

  Experiment ou;
  ou.name = "ou_kl_decay";
  ou.kind = "ou";
  ou.description = "KL(p_t||pi) of ULA on a 1-D OU target | LSI decay";
  ou.spec_file = "experiments/specs/ou_kl_decay.json";
  ou.params = {{"eta", 0.01}, {"lambda", 1.0}, {"steps", 200}, {"x0", 3.0}};
  ou.seed = 7;
  ou.replicas = 16;
  ou.seconds = 1.25;

  verify::CheckResult pass;
  pass.id = "kl_lsi_bound";
  pass.kind = verify::CheckKind::upper_bound_pointwise;
  pass.claim = "KL(p_t||pi) <= exp(-2 alpha lambda t) KL(p_0||pi) (notes, LSI slide)";
  pass.quantity = "max_t KL(p_t||pi) / bound(t)";
  pass.rule = "fail when the lower confidence limit exceeds the bound at some t";
  pass.measured = 0.61234567;
  pass.measured_lo = 0.58;
  pass.measured_hi = 0.64;
  pass.bound = 1.0;
  pass.tightness = 0.61234567;
  pass.alpha = 5e-5;
  pass.replicas = 16;
  pass.resolution = 0.03;
  pass.passed = true;
  pass.detail = "worst t = 0.5";

  verify::CheckResult fail;
  fail.id = "kl_rate";
  fail.kind = verify::CheckKind::rate_at_least;
  fail.claim = "rate >= 2 alpha lambda = 2";
  fail.quantity = "fitted rate of log KL vs t";
  fail.rule = "fail when the upper confidence limit is below the claim";
  fail.measured = 1.5;
  fail.measured_lo = 1.4;
  fail.measured_hi = 1.6;
  fail.bound = 2.0;
  fail.tightness = 0.75;
  fail.alpha = 5e-5;
  fail.replicas = 16;
  fail.resolution = std::numeric_limits<double>::quiet_NaN();
  fail.passed = false;
  fail.detail = "window t in [0.1, 2]";
  ou.checks = {pass, fail};

  Plot kl;
  kl.id = "kl";
  kl.title = "KL along ULA: 'quoted' \"title\" with `echo INJECTED` and x_1";
  kl.xlabel = "t";
  kl.ylabel = "KL(p_t||pi)";
  kl.logy = true;
  Series measured;
  measured.label = "ULA (R=16)";
  measured.style = SeriesStyle::measured;
  measured.x = {0.0, 0.5, 1.0, 1.5, 2.0};
  measured.y = {4.5, 1.7, 0.6, 0.0, 0.08};  // 0.0 cannot be drawn on a log axis
  measured.lo = {4.2, 1.5, 0.5, -0.01, 0.05};
  measured.hi = {4.8, 1.9, 0.7, 0.02, 0.11};
  Series exact{"exact law", SeriesStyle::exact, {0.0, 0.5, 1.0, 1.5, 2.0}, {4.5, 1.66, 0.61, 0.22, 0.082}, {}, {}};
  Series bound{"LSI bound", SeriesStyle::bound, {0.0, 2.0}, {4.5, 0.082}, {}, {}};
  Series floor{"estimator floor", SeriesStyle::floor, {0.0, 2.0}, {0.01, 0.01}, {}, {}};
  kl.series = {measured, exact, bound, floor};

  Plot rate;
  rate.id = "rate";
  rate.title = "fitted rate";
  rate.xlabel = "replica";
  rate.ylabel = "rate";
  Series rates{"fitted", SeriesStyle::measured, {1, 2, 3}, {1.4, 1.5, 1.6}, {}, {}};
  Series ref{"claim", SeriesStyle::reference, {1, 3}, {2, 2}, {}, {}};
  rate.series = {rates, ref};
  ou.plots = {kl, rate};
  ou.results = {{"fitted_rate", 1.5}, {"kl_final", 0.08}};

  Experiment bad;
  bad.name = "mfld_blowup";
  bad.kind = "mfld";
  bad.description = "MFLD with a step size past the stability limit";
  bad.spec_file = "experiments/specs/mfld_blowup.json";
  bad.params = {{"eta", 5.0}};
  bad.seed = 7;
  bad.replicas = 4;
  bad.status = "error";
  bad.error = "step 12: particle positions became non-finite";
  bad.seconds = 0.5;

  r.experiments = {ou, bad};
  return r;
}

}  // namespace ldbench::reports::testing
