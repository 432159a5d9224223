#include "experiments/registry.hpp"

#include <stdexcept>

#include "experiments/drivers/drivers.hpp"
#include "experiments/mutants.hpp"

namespace ldbench::experiments {

void KindRegistry::add(Kind k) {
  if (kinds_.count(k.name)) throw std::invalid_argument("kind: '" + k.name + "' is already registered");
  const std::string name = k.name;
  kinds_.emplace(name, std::move(k));
}

const Kind* KindRegistry::find(const std::string& name) const {
  auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<std::string> KindRegistry::names() const {
  std::vector<std::string> v;
  for (const auto& [k, _] : kinds_) v.push_back(k);
  return v;
}

void KindRegistry::add_mutant(MutantInfo m) {
  if (m.id.empty()) throw std::invalid_argument("mutant: the id is empty");
  if (find_mutant(m.id)) throw std::invalid_argument("mutant: '" + m.id + "' is already registered");
  if (m.description.empty()) throw std::invalid_argument("mutant " + m.id + ": give a one-line description of the wrong formula");
  if (m.uses.empty()) throw std::invalid_argument("mutant " + m.id + ": no uses; name at least one kind and the params patch selecting it");
  for (const auto& u : m.uses)
    if (!u.patch.is_object() || u.patch.empty())
      throw std::invalid_argument("mutant " + m.id + ": the patch for kind " + u.kind + " must be a non-empty JSON object");
  mutants_.push_back(std::move(m));
}

const MutantInfo* KindRegistry::find_mutant(const std::string& id) const {
  for (const auto& m : mutants_)
    if (m.id == id) return &m;
  return nullptr;
}

void register_builtin_kinds(KindRegistry& r) {
  drivers::register_ou_kinds(r);
  drivers::register_estimator_kinds(r);
  drivers::register_fp_kinds(r);
  drivers::register_langevin_kinds(r);
  drivers::register_posterior_kinds(r);
  drivers::register_nonconvex_kinds(r);
  drivers::register_complexity_kinds(r);
  drivers::register_mfld_kinds(r);
  drivers::register_mfld_nonlinear_kinds(r);
  register_builtin_mutants(r);
}

namespace {
Prepared prepare_one(const KindRegistry& reg, const nlohmann::json& doc, const std::string& file,
                     const std::string& profile, std::optional<std::uint32_t> seed_override) {
  const ParsedSpec parsed = parse_spec(doc, file, profile, seed_override);
  const Node root(doc, file);
  const Kind* kind = reg.find(parsed.header.kind);
  if (!kind) {
    std::string names;
    for (const auto& n : reg.names()) names += (names.empty() ? "" : ", ") + n;
    root.at("kind").fail("unknown kind \"" + parsed.header.kind + "\"", "allowed: " + names);
  }
  std::map<std::string, double> alpha;
  std::vector<std::string> ids;
  for (const auto& c : kind->checks)
    if (c.stochastic) {
      alpha[c.id] = c.default_alpha;
      ids.push_back(c.id);
    }
  if (root.has("checks")) {
    const Node checks = root.at("checks");
    checks.object_with(ids);
    for (const auto& id : ids) {
      if (!checks.has(id)) continue;
      const Node c = checks.at(id);
      c.object_with({"alpha"});
      alpha[id] = c.at("alpha").number(0.0, 0.5, true);
    }
  }
  return kind->prepare(parsed, alpha);
}
}  // namespace

Prepared prepare_spec(const KindRegistry& reg, const nlohmann::json& doc, const std::string& file,
                      const std::string& profile, std::optional<std::uint32_t> seed_override) {
  // Every profile is validated, not only the one asked for, so a bad override is reported now
  // rather than on the day somebody runs that profile.
  for (const auto& other : profile_names())
    if (other != profile) prepare_one(reg, doc, file, other, seed_override);
  return prepare_one(reg, doc, file, profile, seed_override);
}

}  // namespace ldbench::experiments
