// A registry of finite-sum potentials (lib/models/finite_sum.hpp) by name, with ParamSpec-declared
// parameters, mirroring lib/potentials::PotentialRegistry (same errors, same parameter plumbing:
// lib/core/params.hpp), so that specs and plugins can name Langevin targets.
//
// Why a separate registry rather than extending PotentialRegistry: a finite sum needs n, per-example
// and mini-batch gradients and, for data-driven models, a data set; the single-point Potential
// interface (and the plugin ABI 2 that exposes it) has none of these, and changing it would break
// every existing potential and plugin. Every Potential is still usable here: an entry whose name is
// not registered falls back to `fallback` (a PotentialRegistry, wrapped with n = 1 by
// wrap_potential) when one is set. A plugin registers its own entries with add(); the experiments/
// plugin table can hand it this registry the same way it hands out the PotentialRegistry.
//
// Data: lib/ does no file I/O, so models that need data (logistic_regression) take it as a
// ModelData argument; the driver loads the file. Synthetic entries generate their data from `seed`.
//
// Built-ins (register_builtin_models):
//   gaussian            GaussianFiniteSum (lib/models/gaussian_sum.hpp) with mean 0 and diagonal
//                       precision a_i = a_min (a_max/a_min)^{(i-1)/(d-1)}, i = 1..d (a_min = a_max: isotropic);
//                       params n, a_min, a_max, spread, weight_spread, seed
//   logistic_synthetic  LogisticRegression on make_synthetic_logistic_data(n, dim, seed, feature_scale,
//                       theta_scale); params n, prior_variance, feature_scale, theta_scale, seed
//   logistic_regression LogisticRegression on ModelData (features n x dim, labels); param prior_variance
//   tilted_double_well  TiltedDoubleWellSum (lib/models/tilted_double_well.hpp): a non-convex U with
//                       exactly known mini-batch gradient noise; params n, a, b, tau, kappa, sigma, seed
#pragma once

#include <Eigen/Core>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lib/core/params.hpp"
#include "lib/models/finite_sum.hpp"
#include "lib/potentials/potential.hpp"

namespace ldbench::lib::models {

struct ModelData {
  Eigen::MatrixXd features;  // n x d
  Eigen::VectorXd labels;    // n
};

struct ModelInfo {
  std::string name;
  std::string description;             // formula and source
  std::vector<lib::ParamSpec> params;  // declared parameters
  bool needs_data = false;             // make() requires a ModelData
  std::string origin = "builtin";      // "builtin" or the plugin's path
};

// Builds the model in dimension `dim` from parameters completed with defaults and range-checked;
// `data` is non-null iff the entry declared needs_data.
using ModelFactory =
    std::function<std::unique_ptr<FiniteSumPotential>(int dim, const lib::Params&, const ModelData* data)>;

class ModelRegistry {
 public:
  // Throws std::invalid_argument on an empty name, a missing factory or a duplicate name.
  void add(ModelInfo info, ModelFactory factory);
  const ModelInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;
  lib::Params with_defaults(const std::string& name, const lib::Params& given = {}) const;

  // Names not registered here are looked up in this potential registry and wrapped (n = 1).
  // The pointer must outlive the registry; nullptr disables the fallback.
  void set_fallback(const potentials::PotentialRegistry* fallback) { fallback_ = fallback; }

  // Throws std::invalid_argument: "name: unknown model ...", "dim: ...", "params.<p>: ...",
  // "data: model <name> needs data (features n x dim, labels)".
  std::unique_ptr<FiniteSumPotential> make(const std::string& name, int dim, const lib::Params& given = {},
                                           const ModelData* data = nullptr) const;

 private:
  struct Entry {
    ModelInfo info;
    ModelFactory factory;
  };
  std::map<std::string, Entry> entries_;
  const potentials::PotentialRegistry* fallback_ = nullptr;
};

void register_builtin_models(ModelRegistry& reg);

}  // namespace ldbench::lib::models
