// The JSON and file edge of the estimator catalogue (verify/estimators/registry.hpp): parameters
// and targets from JSON, samples from CSV or JSON files. Errors are SpecError, one line naming the
// file (or option), the line or JSON path, and the fix.
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiments/spec.hpp"
#include "lib/core/params.hpp"
#include "theory/gaussian.hpp"
#include "verify/estimators/registry.hpp"

namespace ldbench::experiments {

// Validates `j` (an object, or null for all defaults) against declared parameters (an estimator's,
// a potential's, ...): unknown names, wrong types and out-of-range values fail
// "<where>: /<name>: <what>; <allowed>". Defaults fill the rest.
lib::Params params_from_json(const std::vector<lib::ParamSpec>& specs, const nlohmann::json& j, const std::string& where);
nlohmann::json params_to_json(const lib::Params& p);

// {"mean": [..], "cov": [[..]..] or a number (isotropic variance)}, validated (SPD, sizes).
theory::Gaussian gaussian_from_node(const Node& g);

// A target law from JSON. Supported: {"gaussian": {"mean": [..], "cov": [[..]..] or a number}}
// (log density, score and the closed form are all available).
verify::estimators::Target target_from_json(const nlohmann::json& j, const std::string& where);

// Samples from a file, one point per row, returned d x n (one point per column).
//   .json: an array of rows ([[x1, x2], ...]) or of numbers (1-D: [x1, x2, ...]);
//   otherwise CSV: cells separated by commas (or whitespace); blank lines and lines starting with
//   '#' are skipped; a first line whose cells are all non-numeric is a header and is skipped.
// Errors name the file and line: unreadable file, ragged row, non-numeric cell, NaN/Inf, no rows.
Eigen::MatrixXd read_sample_file(const std::string& path);

}  // namespace ldbench::experiments
