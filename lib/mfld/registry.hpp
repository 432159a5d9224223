// A registry of mean-field objectives (lib/mfld/objective.hpp) by name with ParamSpec-declared
// parameters, mirroring lib/models/registry.hpp (same errors, same parameter plumbing:
// lib/core/params.hpp). Plugin exposure comes later with a plugin ABI bump (experiments/plugin.hpp is
// unchanged); code can add entries with add().
//
// Built-ins (register_builtin_objectives):
//   quadratic     QuadraticObjective (lib/mfld/quadratic.hpp); params dim (1..1000), c (>= 0), b (real,
//                 repeated in every coordinate), b_values (text "b1,b2,...": one value per coordinate,
//                 overrides b when non-empty), lambda1 (> 0)
//   network_tanh  NetworkObjective (lib/mfld/network.hpp) with act = tanh on make_teacher_data(n, p, seed,
//   network_relu  tanh|relu, loss, teacher_width, noise); params n, p, lambda1, loss (squared|logistic),
//                 seed, teacher_width, noise. Particle dimension 1 + p.
//   single_index_tanh  SingleIndexObjective (lib/mfld/single_index.hpp): f_mu(z) = E_mu tanh(w·z), squared
//                 loss, on make_single_index_data; params n, dim, lambda1, seed, teacher_weight, noise.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lib/core/params.hpp"
#include "lib/mfld/objective.hpp"

namespace ldbench::lib::mfld {

struct ObjectiveInfo {
  std::string name;
  std::string description;             // formula and source
  std::vector<lib::ParamSpec> params;  // declared parameters
  std::string origin = "builtin";
};

using ObjectiveFactory = std::function<std::unique_ptr<MeanFieldObjective>(const lib::Params&)>;

class MeanFieldObjectiveRegistry {
 public:
  // Throws std::invalid_argument on an empty name, a missing factory or a duplicate name.
  void add(ObjectiveInfo info, ObjectiveFactory factory);
  const ObjectiveInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;
  lib::Params with_defaults(const std::string& name, const lib::Params& given = {}) const;
  // Throws std::invalid_argument "name: unknown objective ...; known: ...", "params.<p>: ...".
  std::unique_ptr<MeanFieldObjective> make(const std::string& name, const lib::Params& given = {}) const;

 private:
  struct Entry {
    ObjectiveInfo info;
    ObjectiveFactory factory;
  };
  std::map<std::string, Entry> entries_;
};

void register_builtin_objectives(MeanFieldObjectiveRegistry& reg);

}  // namespace ldbench::lib::mfld
