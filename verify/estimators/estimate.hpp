// The value type every estimator returns, and the sample conventions they share.
//
// Samples are d x n matrices, one point per column (the layout of lib/sde's Ensemble), so an
// ensemble can be passed without copying. Weights, where an estimator accepts them, are a
// length-n vector of nonnegative entries summing to 1 (uniform when omitted).
//
// A result carries the estimate, an optional standard error (when the estimator has one: a
// U-statistic's, or none for a deterministic solver), and diagnostics: iteration counts, a
// converged flag and warnings. A solver that stops before its tolerance says so here, never
// silently: callers (checks, the CLI) surface `converged == false` and the warnings.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ldbench::verify::estimators {

struct Diagnostics {
  long iterations = 0;                // solver iterations (0 for closed forms)
  bool converged = true;              // false: the value is the last iterate, not a solution
  std::vector<std::string> warnings;  // e.g. "duplicate points: 3 distances were 0"
};

struct Estimate {
  double value = 0.0;
  std::optional<double> std_error;  // standard error of `value`, when the estimator provides one
  Diagnostics diagnostics;
};

}  // namespace ldbench::verify::estimators
