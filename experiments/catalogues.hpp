// The catalogues users extend: estimators (verify/estimators) and potentials (lib/potentials).
// One instance per process, filled with the built-ins on first use; the CLI lets plugins
// (experiments/plugin.hpp, `ldbench --plugin PATH`) add to it before any command runs, and every
// experiment driver looks names up here, so a spec can name a plugin's estimator or potential.
#pragma once

#include "lib/potentials/potential.hpp"
#include "verify/estimators/registry.hpp"

namespace ldbench::experiments {

struct Catalogues {
  verify::estimators::EstimatorRegistry estimators;
  lib::potentials::PotentialRegistry potentials;
};

// The process-wide catalogues, built-ins registered on first call. Not thread-safe to modify:
// plugins are loaded once, before experiments run.
Catalogues& catalogues();

}  // namespace ldbench::experiments
