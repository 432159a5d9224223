// Small pieces every experiment driver uses: number formatting for check descriptions and
// per-column replica bands for plots. Drivers are the I/O edge (DESIGN.md §1), so these may
// speak reports/ types.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/spec.hpp"
#include "reports/model.hpp"
#include "verify/check.hpp"

namespace ldbench::experiments::drivers {

// Shortest round-trip-free rendering of v for human text ("0.05", "1e-06"): std::ostream default.
std::string fmt(double v);

// A report experiment filled from the spec header (name, kind, description, file, seed,
// replicas) and the effective parameters; the driver adds checks, series and plots.
reports::Experiment base_experiment(const SpecHeader& h, const nlohmann::json& eff);

// The result of a check whose computation stopped (divergence, a missed target): measured NaN, failed,
// rule "fails: <what> could not be run to the end", detail `why` (e.g. what = "the chains").
verify::CheckResult unfinished_check(const std::string& what, const std::string& id, verify::CheckKind kind, const std::string& claim,
                                     const std::string& quantity, double bound, double alpha, int R, const std::string& why);

// Per column j of m (replicas x points): the replica mean of m(:, j) (or of |m(:, j)| when
// `absolute`) with its two-sided Student-t band at level alpha, appended to s.y, s.lo, s.hi.
void append_replica_band(const Eigen::MatrixXd& m, double alpha, reports::Series& s, bool absolute = false);

// Runs task(0..n-1), OpenMP over tasks (dynamic, one task per thread at a time; each task runs its
// sampler on one thread, so there is no per-step barrier). Every task must be a pure function of its
// index writing only its own slots: then results do not depend on the thread count. A task returns ""
// or a divergence message; the message of the lowest index is returned. Other exceptions are
// rethrown (lowest index first) after the loop. `done` (optional) is called after each task, serially.
std::string run_tasks(int n, int threads, const std::function<std::string(int)>& task, const std::function<void()>& done);

}  // namespace ldbench::experiments::drivers
