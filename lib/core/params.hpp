// Declared, typed parameters for things users register by name (estimators, potentials,
// objectives). A registry entry declares its parameters as ParamSpecs; the edges (CLI, specs)
// turn JSON into a Params map checked against those declarations
// (experiments/estimator_io.hpp: params_from_json), so lib/ and verify/ never see JSON.
#pragma once

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace ldbench::lib {

struct ParamSpec {
  enum class Type { real, integer, text, boolean };
  std::string name;
  Type type = Type::real;
  std::variant<double, long, std::string, bool> default_value;
  double lo = 0, hi = 0;              // inclusive range for real/integer
  std::vector<std::string> choices;   // allowed values for text (empty: any)
  std::string doc;
};

// "real", "integer", "text", "boolean".
const char* to_string(ParamSpec::Type t);

class Params {
 public:
  using Value = std::variant<double, long, std::string, bool>;
  void set(const std::string& name, Value v) { values_[name] = std::move(v); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // Typed access; a missing name or a value of the wrong type throws std::invalid_argument
  // "params.<name>: ...". real() accepts an integer value.
  double real(const std::string& name) const;
  long integer(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::map<std::string, Value>& values() const { return values_; }

 private:
  const Value& at(const std::string& name) const;
  std::map<std::string, Value> values_;
};

// Every declared default, then `given` applied. A name in `given` that `specs` does not declare
// throws std::invalid_argument "params.<name>: unknown parameter of <owner>; allowed: ...".
// Values are not range-checked here (the JSON edge does that with the file path in the message);
// use check_ranges() for Params built in code.
Params with_defaults(const std::vector<ParamSpec>& specs, const Params& given, const std::string& owner);

// Throws std::invalid_argument "params.<name>: <value> outside [lo, hi] (<doc>)" for a real or
// integer value outside its declared range, or a text value not among its choices.
void check_ranges(const std::vector<ParamSpec>& specs, const Params& p);

}  // namespace ldbench::lib
