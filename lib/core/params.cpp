#include "lib/core/params.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ldbench::lib {

const char* to_string(ParamSpec::Type t) {
  switch (t) {
    case ParamSpec::Type::real: return "real";
    case ParamSpec::Type::integer: return "integer";
    case ParamSpec::Type::text: return "text";
    case ParamSpec::Type::boolean: return "boolean";
  }
  return "?";
}

const Params::Value& Params::at(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::invalid_argument("params." + name + ": not set (no default declared)");
  return it->second;
}

double Params::real(const std::string& name) const {
  const auto& v = at(name);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* l = std::get_if<long>(&v)) return static_cast<double>(*l);
  throw std::invalid_argument("params." + name + ": must be a number");
}

long Params::integer(const std::string& name) const {
  const auto& v = at(name);
  if (const auto* l = std::get_if<long>(&v)) return *l;
  throw std::invalid_argument("params." + name + ": must be an integer");
}

const std::string& Params::text(const std::string& name) const {
  const auto& v = at(name);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  throw std::invalid_argument("params." + name + ": must be a string");
}

bool Params::boolean(const std::string& name) const {
  const auto& v = at(name);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  throw std::invalid_argument("params." + name + ": must be true or false");
}

Params with_defaults(const std::vector<ParamSpec>& specs, const Params& given, const std::string& owner) {
  Params out;
  for (const auto& p : specs) out.set(p.name, p.default_value);
  for (const auto& [k, v] : given.values()) {
    bool known = false;
    for (const auto& p : specs) known = known || p.name == k;
    if (!known) {
      std::string allowed;
      for (const auto& p : specs) allowed += (allowed.empty() ? "" : ", ") + p.name;
      throw std::invalid_argument("params." + k + ": unknown parameter of " + owner + "; allowed: " +
                                  (allowed.empty() ? "(none)" : allowed));
    }
    out.set(k, v);
  }
  return out;
}

void check_ranges(const std::vector<ParamSpec>& specs, const Params& p) {
  for (const auto& s : specs) {
    if (!p.has(s.name)) continue;
    if (s.type == ParamSpec::Type::real || s.type == ParamSpec::Type::integer) {
      const double v = s.type == ParamSpec::Type::real ? p.real(s.name) : static_cast<double>(p.integer(s.name));
      if (!(v >= s.lo && v <= s.hi)) {
        std::ostringstream os;
        os << "params." << s.name << ": " << v << " outside [" << s.lo << ", " << s.hi << "] (" << s.doc << ")";
        throw std::invalid_argument(os.str());
      }
    } else if (s.type == ParamSpec::Type::text && !s.choices.empty()) {
      const std::string& v = p.text(s.name);
      bool ok = false;
      for (const auto& c : s.choices) ok = ok || c == v;
      if (!ok) {
        std::string allowed;
        for (const auto& c : s.choices) allowed += (allowed.empty() ? "" : ", ") + c;
        throw std::invalid_argument("params." + s.name + ": \"" + v + "\" is not allowed; allowed: " + allowed);
      }
    }
  }
}

}  // namespace ldbench::lib
