// Small pieces every experiment driver uses: number formatting for check descriptions and
// per-column replica bands for plots. Drivers are the I/O edge (DESIGN.md §1), so these may
// speak reports/ types.
#pragma once

#include <Eigen/Core>
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/spec.hpp"
#include "reports/model.hpp"

namespace ldbench::experiments::drivers {

// Shortest round-trip-free rendering of v for human text ("0.05", "1e-06"): std::ostream default.
std::string fmt(double v);

// A report experiment filled from the spec header (name, kind, description, file, seed,
// replicas) and the effective parameters; the driver adds checks, series and plots.
reports::Experiment base_experiment(const SpecHeader& h, const nlohmann::json& eff);

// Per column j of m (replicas x points): the replica mean of m(:, j) (or of |m(:, j)| when
// `absolute`) with its two-sided Student-t band at level alpha, appended to s.y, s.lo, s.hi.
void append_replica_band(const Eigen::MatrixXd& m, double alpha, reports::Series& s, bool absolute = false);

}  // namespace ldbench::experiments::drivers
