// The catalogues users extend: estimators (verify/estimators), potentials (lib/potentials) and
// finite-sum models (lib/models/registry.hpp). One instance per process, filled with the built-ins
// on first use; the CLI lets plugins (experiments/plugin.hpp, `ldbench --plugin PATH`) add to it
// before any command runs, and every experiment driver looks names up here, so a spec can name a
// plugin's estimator, potential or model. `models` falls back to `potentials` for names it does
// not have (a potential is a finite sum with n = 1), plugin potentials included.
#pragma once

#include "lib/models/registry.hpp"
#include "lib/potentials/potential.hpp"
#include "verify/estimators/registry.hpp"

namespace ldbench::experiments {

struct Catalogues {
  verify::estimators::EstimatorRegistry estimators;
  lib::potentials::PotentialRegistry potentials;
  lib::models::ModelRegistry models;  // fallback: &potentials (so not copyable)

  Catalogues() = default;
  Catalogues(const Catalogues&) = delete;
  Catalogues& operator=(const Catalogues&) = delete;
};

// The process-wide catalogues, built-ins registered on first call. Not thread-safe to modify:
// plugins are loaded once, before experiments run.
Catalogues& catalogues();

}  // namespace ldbench::experiments
