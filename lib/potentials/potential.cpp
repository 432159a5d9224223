#include "lib/potentials/potential.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace ldbench::lib::potentials {

void PotentialRegistry::add(PotentialInfo info, PotentialFactory factory) {
  if (info.name.empty()) throw std::invalid_argument("name: empty potential name");
  if (!factory) throw std::invalid_argument("factory: potential " + info.name + " has no factory");
  if (auto it = entries_.find(info.name); it != entries_.end())
    throw std::invalid_argument("potential " + info.name + ": already registered by " + it->second.info.origin + "; " +
                                info.origin + " must use another name");
  const std::string n = info.name;
  entries_.emplace(n, Entry{std::move(info), std::move(factory)});
}

const PotentialInfo* PotentialRegistry::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second.info;
}

std::vector<std::string> PotentialRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, e] : entries_) out.push_back(n);
  return out;
}

const PotentialRegistry::Entry& PotentialRegistry::entry(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::string all;
    for (const auto& [n, e] : entries_) all += (all.empty() ? "" : ", ") + n;
    throw std::invalid_argument("name: unknown potential \"" + name + "\"; known: " + (all.empty() ? "(none)" : all));
  }
  return it->second;
}

lib::Params PotentialRegistry::with_defaults(const std::string& name, const lib::Params& given) const {
  return lib::with_defaults(entry(name).info.params, given, name);
}

std::unique_ptr<Potential> PotentialRegistry::make(const std::string& name, int dim, const lib::Params& given) const {
  const Entry& e = entry(name);
  const auto& dims = e.info.dims;
  if (dim < 1 || (!dims.empty() && std::find(dims.begin(), dims.end(), dim) == dims.end())) {
    std::string allowed;
    for (int d : dims) allowed += (allowed.empty() ? "" : ", ") + std::to_string(d);
    throw std::invalid_argument("dim: potential " + name + " supports " +
                                (dims.empty() ? std::string("any dim >= 1") : "dims " + allowed) + "; got " +
                                std::to_string(dim));
  }
  const lib::Params p = lib::with_defaults(e.info.params, given, name);
  lib::check_ranges(e.info.params, p);
  std::unique_ptr<Potential> u = e.factory(dim, p);
  if (!u) throw std::invalid_argument("name: the factory of potential " + name + " returned nothing");
  if (u->dim() != dim)
    throw std::invalid_argument("dim: the factory of potential " + name + " (" + e.info.origin + ") built dimension " +
                                std::to_string(u->dim()) + " instead of " + std::to_string(dim));
  return u;
}

void finite_difference_gradient(const Potential& U, const double* x, double* g, double h) {
  if (!(h > 0)) throw std::invalid_argument("h: must be > 0");
  const int d = U.dim();
  std::vector<double> y(x, x + d);
  for (int i = 0; i < d; ++i) {
    y[i] = x[i] + h;
    const double up = U.value(y.data());
    y[i] = x[i] - h;
    const double dn = U.value(y.data());
    y[i] = x[i];
    g[i] = (up - dn) / (2 * h);
  }
}

}  // namespace ldbench::lib::potentials
