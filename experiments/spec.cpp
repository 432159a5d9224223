#include "experiments/spec.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

namespace ldbench::experiments {

using nlohmann::json;

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
std::string type_name(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}
std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
}  // namespace

Node::Node(const json& value, std::string file, std::string path, const json* override_value,
           std::string override_path)
    : value_(&value),
      file_(std::move(file)),
      path_(std::move(path)),
      override_(override_value),
      override_path_(std::move(override_path)) {}

std::string Node::path() const {
  // A leaf (or array) that came from the profile's override is reported at its place there.
  if (override_ && !override_->is_object()) return override_path_;
  return path_.empty() ? "/" : path_;
}

void Node::fail(const std::string& what, const std::string& allowed) const {
  throw SpecError(file_ + ": " + path() + ": " + what + "; " + allowed);
}

bool Node::has(const std::string& key) const { return value_->is_object() && value_->contains(key); }

Node Node::at(const std::string& key) const {
  if (!value_->is_object()) fail("is " + type_name(*value_), "expected an object");
  if (!value_->contains(key))
    Node(*value_, file_, path_ + "/" + key).fail("missing field", "add \"" + key + "\" (see README, spec format)");
  const json* ov = nullptr;
  std::string ovp;
  if (override_ && override_->is_object() && override_->contains(key)) {
    ov = &(*override_)[key];
    ovp = override_path_ + "/" + key;
  }
  return Node((*value_)[key], file_, path_ + "/" + key, ov, ovp);
}

Node Node::operator[](std::size_t i) const {
  const json* ov = nullptr;
  if (override_ && override_->is_array() && i < override_->size()) ov = &(*override_)[i];
  return Node((*value_)[i], file_, path_ + "/" + std::to_string(i), ov, override_path_ + "/" + std::to_string(i));
}

std::size_t Node::size() const { return value_->size(); }

void Node::object_with(const std::vector<std::string>& allowed) const {
  if (!value_->is_object()) fail("is " + type_name(*value_), "expected an object");
  for (const auto& [k, v] : value_->items()) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == k;
    if (!ok) {
      const json* ov = (override_ && override_->is_object() && override_->contains(k)) ? &(*override_)[k] : nullptr;
      Node(v, file_, path_ + "/" + k, ov, override_path_ + "/" + k)
          .fail("unknown field \"" + k + "\"", "allowed fields: " + join(allowed));
    }
  }
}

double Node::number(double lo, double hi, bool lo_open) const {
  if (!value_->is_number()) fail("is " + type_name(*value_), "expected a number");
  const double v = value_->get<double>();
  const std::string range = std::string(lo_open ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + "]";
  if (!std::isfinite(v)) fail("is not finite", "expected a number in " + range);
  if (v < lo || v > hi || (lo_open && v == lo)) fail(fmt(v) + " is out of range", "allowed: " + range);
  return v;
}

long long Node::integer(long long lo, long long hi) const {
  const std::string range = "integers in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!value_->is_number_integer()) {
    if (value_->is_number_float()) fail(fmt(value_->get<double>()) + " is not an integer", "allowed: " + range);
    fail("is " + type_name(*value_), "expected an integer; allowed: " + range);
  }
  if (value_->is_number_unsigned()) {
    const auto u = value_->get<unsigned long long>();
    const bool below = lo > 0 && u < static_cast<unsigned long long>(lo);
    if (below || u > static_cast<unsigned long long>(hi))
      fail(std::to_string(u) + " is out of range", "allowed: " + range);
    return static_cast<long long>(u);
  }
  const auto v = value_->get<long long>();
  if (v < lo || v > hi) fail(std::to_string(v) + " is out of range", "allowed: " + range);
  return v;
}

std::string Node::string() const {
  if (!value_->is_string()) fail("is " + type_name(*value_), "expected a string");
  return value_->get<std::string>();
}

std::string Node::one_of(const std::vector<std::string>& allowed) const {
  const std::string s = string();
  for (const auto& a : allowed)
    if (a == s) return s;
  fail("unknown value \"" + s + "\"", "allowed: " + join(allowed));
}

std::vector<double> Node::numbers(std::size_t min_size, std::size_t max_size, double lo, double hi,
                                  bool lo_open) const {
  if (!value_->is_array()) fail("is " + type_name(*value_), "expected an array of numbers");
  if (value_->size() < min_size || value_->size() > max_size)
    fail("has " + std::to_string(value_->size()) + " entries",
         "expected " + std::to_string(min_size) + " to " + std::to_string(max_size));
  std::vector<double> out;
  for (std::size_t i = 0; i < value_->size(); ++i) out.push_back((*this)[i].number(lo, hi, lo_open));
  return out;
}

double Node::number_or(const std::string& key, double dflt, double lo, double hi, bool lo_open) const {
  return has(key) ? at(key).number(lo, hi, lo_open) : dflt;
}

long long Node::integer_or(const std::string& key, long long dflt, long long lo, long long hi) const {
  return has(key) ? at(key).integer(lo, hi) : dflt;
}

std::string Node::one_of_or(const std::string& key, const std::string& dflt,
                            const std::vector<std::string>& allowed) const {
  return has(key) ? at(key).one_of(allowed) : dflt;
}

json read_json_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SpecError(file + ": /: cannot open the file; check the path");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw SpecError(file + ": /: the file is empty; expected a JSON object");
  try {
    // Nesting is bounded while parsing, before anything copies the document: nlohmann's copy,
    // comparison and dump recurse, so a 2 MB file of a million '[' overflowed the stack in
    // parse_spec's copy of "params" (SIGSEGV instead of exit code 2; issue 8, fuzzing).
    constexpr int kMaxDepth = 64;
    return json::parse(text, [&](int depth, json::parse_event_t, json&) {
      if (depth > kMaxDepth)
        throw SpecError(file + ": /: is an array or object nested more than " + std::to_string(kMaxDepth) +
                        " levels deep; a spec has a few levels of objects and arrays");
      return true;
    });
  } catch (const json::parse_error& e) {
    std::string msg = e.what();
    const auto p = msg.find("parse error");
    if (p != std::string::npos) msg = msg.substr(p);
    for (char& c : msg)
      if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20) c = ' ';
    throw SpecError(file + ": /: not valid JSON (" + msg + "); fix the syntax");
  } catch (const json::out_of_range& e) {
    // nlohmann reports a number beyond double range (e.g. 1e400) as out_of_range.406.
    std::string msg = e.what();
    const auto p = msg.find("number overflow");
    if (p != std::string::npos) msg = msg.substr(p);
    throw SpecError(file + ": /: not valid JSON (" + msg + "); numbers must be finite doubles");
  }
}

ParsedSpec parse_spec(const json& doc, const std::string& file, const std::string& profile,
                      std::optional<std::uint32_t> seed_override) {
  const Node root(doc, file);
  root.object_with({"name", "kind", "description", "seed", "replicas", "params", "checks", "profiles"});
  ParsedSpec p;
  SpecHeader& h = p.header;
  h.file = file;
  h.profile = profile;
  h.name = root.at("name").string();
  static const std::regex name_re("[a-z0-9_]{1,64}");
  if (!std::regex_match(h.name, name_re))
    root.at("name").fail("\"" + (h.name.size() > 64 ? h.name.substr(0, 64) + "...\" (" + std::to_string(h.name.size()) + " characters)" : h.name + "\"") +
                             " is not a valid name",
                         "use 1-64 characters from [a-z0-9_]");
  h.kind = root.at("kind").string();
  h.description = root.has("description") ? root.at("description").string() : "";
  h.seed = static_cast<std::uint32_t>(root.at("seed").integer(0, 4294967295LL));
  h.replicas = static_cast<int>(root.at("replicas").integer(2, 10000));
  if (!root.at("params").raw().is_object())
    root.at("params").fail("is " + type_name(root.at("params").raw()), "expected an object");
  p.merged_params = doc.at("params");
  p.params_override = nullptr;
  // "checks" is validated against the kind's check ids in prepare_spec (experiments/registry.cpp).
  if (root.has("profiles")) {
    const Node profs = root.at("profiles");
    profs.object_with(profile_names());
    for (const auto& name : profile_names()) {
      if (!profs.has(name)) continue;
      const Node pr = profs.at(name);
      pr.object_with({"replicas", "params"});
      if (pr.has("replicas")) pr.at("replicas").integer(2, 10000);
      if (pr.has("params") && !pr.at("params").raw().is_object())
        pr.at("params").fail("is " + type_name(pr.at("params").raw()), "expected an object");
    }
    if (profs.has(profile)) {
      const Node pr = profs.at(profile);
      if (pr.has("replicas")) h.replicas = static_cast<int>(pr.at("replicas").integer(2, 10000));
      if (pr.has("params")) {
        p.params_override = pr.at("params").raw();
        p.merged_params.merge_patch(p.params_override);
      }
    }
  }
  if (seed_override) h.seed = *seed_override;
  return p;
}

Node params_node(const ParsedSpec& p) {
  const json* ov = p.params_override.is_null() ? nullptr : &p.params_override;
  return Node(p.merged_params, p.header.file, "/params", ov, "/profiles/" + p.header.profile + "/params");
}

}  // namespace ldbench::experiments
