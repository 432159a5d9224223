// The estimator catalogue: a registry mapping a name to a declared estimator (DESIGN.md §5).
//
// Every entry declares, so that nothing about its output is ambiguous:
//   - what it needs: a second sample y, the target's log density, the target's score, weights;
//   - what it returns, spelled out ("W2 squared", "MMD squared", "KL(p||q) in nats", ...);
//   - whether the value is an unbiased estimate of that quantity, and its cost class;
//   - its parameters, each with a type, a default, an allowed range and a sentence of meaning.
// Parameters arrive as a validated Params map (the CLI and specs validate JSON against the
// declared ParamSpecs; see experiments/estimator_params.hpp), so this layer has no JSON.
//
// Users extend the catalogue without editing the core: built-ins are added by
// register_builtin_estimators(), plugins by their registration function (experiments/plugin.hpp).
// A duplicate name is an error that names both origins.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/params.hpp"
#include "theory/gaussian.hpp"
#include "verify/estimators/estimate.hpp"

namespace ldbench::verify::estimators {

// The target law pi for one-sample estimators. Any member may be empty; an estimator that
// needs one that is missing is rejected before it runs (Needs below).
struct Target {
  int dim = 0;
  std::function<double(const Eigen::VectorXd&)> log_density;  // log pi(x), up to log_z_known
  bool log_density_normalized = true;  // false: log_density = log pi + unknown constant
  std::function<Eigen::VectorXd(const Eigen::VectorXd&)> score;  // ∇log pi(x)
  std::optional<theory::Gaussian> gaussian;  // set when pi is Gaussian (closed-form estimators)
  std::string description;                   // for reports: "N(0, I_3)"
};

struct Needs {
  bool y = false;            // a second sample (two-sample estimators)
  bool log_density = false;  // Target::log_density
  bool score = false;        // Target::score
  bool gaussian_target = false;
};

using ParamSpec = lib::ParamSpec;
using Params = lib::Params;

struct EstimatorInput {
  const Eigen::MatrixXd* x = nullptr;   // d x n, required
  const Eigen::MatrixXd* y = nullptr;   // d x m, when Needs::y
  const Eigen::VectorXd* wx = nullptr;  // optional weights of x (only if accepts_weights)
  const Eigen::VectorXd* wy = nullptr;
  const Target* target = nullptr;       // when a Needs::log_density/score/gaussian_target
};

struct EstimatorInfo {
  std::string name;         // "w2_exact", "knn_kl", ...
  std::string returns;      // exactly what the value is, with units
  std::string description;  // method and source
  Needs needs;
  bool accepts_weights = false;
  bool unbiased = false;    // unbiased estimate of `returns` (consistent-only otherwise)
  std::string cost;         // "O(n^3)", "O(n^2 d)", ...
  // The largest sample size (n, and m for y) accepted: one call must fit in about 4 GiB and run
  // in minutes. run() refuses larger inputs ("x: n = ... exceeds ..."); specs are checked
  // against it when they are loaded.
  long max_points = 0;
  std::vector<ParamSpec> params;
  std::string origin = "builtin";  // "builtin" or the plugin's path
};

using EstimatorFn = std::function<Estimate(const EstimatorInput&, const Params&)>;

class EstimatorRegistry {
 public:
  // Throws std::invalid_argument naming the estimator on a duplicate name (with both origins),
  // an empty name or an estimator without a function.
  void add(EstimatorInfo info, EstimatorFn fn);
  const EstimatorInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;

  // Params with every declared default filled in, then `given` applied (names checked against
  // the declaration: an unknown name throws "params.<name>: unknown parameter; allowed: ...").
  Params with_defaults(const std::string& name, const Params& given = {}) const;

  // Checks the input against the declaration (missing y / target pieces, weights given to an
  // estimator that does not accept them, dimension mismatches) and runs the estimator.
  // Throws std::invalid_argument with a one-line message naming the offending input.
  Estimate run(const std::string& name, const EstimatorInput& in, const Params& params) const;

 private:
  struct Entry {
    EstimatorInfo info;
    EstimatorFn fn;
  };
  const Entry& entry(const std::string& name) const;
  std::map<std::string, Entry> entries_;
};

// The core catalogue (verify/estimators/builtin.cpp).
void register_builtin_estimators(EstimatorRegistry& reg);

}  // namespace ldbench::verify::estimators
