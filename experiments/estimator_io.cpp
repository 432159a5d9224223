#include "experiments/estimator_io.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "theory/gaussian.hpp"
#include "lib/linalg/dense.hpp"

namespace ldbench::experiments {

namespace est = verify::estimators;
using nlohmann::json;

lib::Params params_from_json(const std::vector<lib::ParamSpec>& specs, const json& j, const std::string& where) {
  lib::Params out;
  for (const auto& p : specs) out.set(p.name, p.default_value);
  if (j.is_null()) return out;
  const Node root(j, where);
  if (!j.is_object()) root.fail("parameters must be a JSON object", "e.g. {\"k\": 5}");
  std::vector<std::string> allowed;
  for (const auto& p : specs) allowed.push_back(p.name);
  root.object_with(allowed);
  for (const auto& p : specs) {
    if (!root.has(p.name)) continue;
    const Node n = root.at(p.name);
    switch (p.type) {
      case lib::ParamSpec::Type::real: out.set(p.name, n.number(p.lo, p.hi)); break;
      case lib::ParamSpec::Type::integer:
        out.set(p.name, static_cast<long>(n.integer(static_cast<long long>(p.lo), static_cast<long long>(p.hi))));
        break;
      case lib::ParamSpec::Type::text:
        out.set(p.name, p.choices.empty() ? n.string() : n.one_of(p.choices));
        break;
      case lib::ParamSpec::Type::boolean:
        if (!n.raw().is_boolean()) n.fail("must be true or false", p.doc);
        out.set(p.name, n.raw().get<bool>());
        break;
    }
  }
  return out;
}

json params_to_json(const lib::Params& p) {
  json out = json::object();
  // (kv.first, not a structured binding: clang < 16 cannot capture bindings in a lambda)
  for (const auto& kv : p.values()) std::visit([&](const auto& x) { out[kv.first] = x; }, kv.second);
  return out;
}

theory::Gaussian gaussian_from_node(const Node& g) {
  g.object_with({"mean", "cov"});
  const auto m = g.at("mean").numbers(1, 100000, -1e300, 1e300, false);
  const long d = static_cast<long>(m.size());
  theory::Gaussian gauss{Eigen::Map<const Eigen::VectorXd>(m.data(), d), Eigen::MatrixXd(d, d)};
  const Node c = g.at("cov");
  if (c.raw().is_number()) {
    gauss.cov = c.number(0.0, 1e300, true) * Eigen::MatrixXd::Identity(d, d);
  } else {
    if (!c.raw().is_array() || static_cast<long>(c.size()) != d)
      c.fail("must be a number (isotropic variance) or a " + std::to_string(d) + " x " + std::to_string(d) + " array",
             "match the length of mean");
    for (long i = 0; i < d; ++i) {
      const auto row = c[static_cast<std::size_t>(i)].numbers(static_cast<std::size_t>(d), static_cast<std::size_t>(d),
                                                               -1e300, 1e300, false);
      for (long k = 0; k < d; ++k) gauss.cov(i, k) = row[static_cast<std::size_t>(k)];
    }
  }
  try {
    theory::validate(gauss, "gaussian");
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();  // "gaussian.cov: not positive definite"
    c.fail(m.substr(m.find(": ") + 2), "a symmetric positive definite matrix");
  }
  return gauss;
}

est::Target target_from_json(const json& j, const std::string& where) {
  const Node root(j, where);
  if (!j.is_object()) root.fail("the target must be a JSON object", "e.g. {\"gaussian\": {\"mean\": [0], \"cov\": 1}}");
  root.object_with({"gaussian"});
  const theory::Gaussian gauss = gaussian_from_node(root.at("gaussian"));
  const long d = gauss.mean.size();
  est::Target t;
  t.dim = static_cast<int>(d);
  t.gaussian = gauss;
  const Eigen::MatrixXd prec = lib::linalg::inverse(gauss.cov);
  t.log_density = [gauss](const Eigen::VectorXd& x) { return theory::log_density(gauss, x); };
  t.log_density_normalized = true;
  t.score = [gauss, prec](const Eigen::VectorXd& x) -> Eigen::VectorXd { return -prec * (x - gauss.mean); };
  t.description = "Gaussian N(mean, cov) in d = " + std::to_string(d);
  return t;
}

namespace {

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  const bool commas = line.find(',') != std::string::npos;
  std::string cur;
  std::istringstream is(line);
  if (commas) {
    while (std::getline(is, cur, ',')) cells.push_back(cur);
    if (!line.empty() && line.back() == ',') cells.push_back("");
  } else {
    while (is >> cur) cells.push_back(cur);
  }
  for (auto& c : cells) {
    const auto b = c.find_first_not_of(" \t\r");
    const auto e = c.find_last_not_of(" \t\r");
    c = b == std::string::npos ? "" : c.substr(b, e - b + 1);
  }
  return cells;
}

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE;
}

Eigen::MatrixXd to_matrix(const std::vector<std::vector<double>>& rows) {
  const long n = static_cast<long>(rows.size()), d = static_cast<long>(rows.front().size());
  Eigen::MatrixXd X(d, n);
  for (long i = 0; i < n; ++i)
    for (long k = 0; k < d; ++k) X(k, i) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
  return X;
}

}  // namespace

Eigen::MatrixXd read_sample_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw SpecError(path + ": cannot open the sample file; check the path");
  std::vector<std::vector<double>> rows;
  const bool is_json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  if (is_json) {
    json j;
    try {
      j = json::parse(in);
    } catch (const json::parse_error& e) {
      throw SpecError(path + ": not valid JSON (byte " + std::to_string(e.byte) + "); give an array of rows");
    }
    if (!j.is_array() || j.empty()) throw SpecError(path + ": /: must be a non-empty array of rows (or of numbers for 1-D)");
    for (std::size_t i = 0; i < j.size(); ++i) {
      const json& r = j[i];
      std::vector<double> row;
      if (r.is_number()) {
        if (!std::isfinite(r.get<double>())) throw SpecError(path + ": /" + std::to_string(i) + ": non-finite value");
        row.push_back(r.get<double>());
      } else if (r.is_array() && !r.empty()) {
        for (const auto& c : r) {
          if (!c.is_number()) throw SpecError(path + ": /" + std::to_string(i) + ": non-numeric cell; rows hold numbers only");
          if (!std::isfinite(c.get<double>())) throw SpecError(path + ": /" + std::to_string(i) + ": non-finite value");
          row.push_back(c.get<double>());
        }
      } else {
        throw SpecError(path + ": /" + std::to_string(i) + ": a row must be a number or a non-empty array of numbers");
      }
      if (!rows.empty() && row.size() != rows.front().size())
        throw SpecError(path + ": /" + std::to_string(i) + ": ragged row with " + std::to_string(row.size()) +
                        " values, earlier rows have " + std::to_string(rows.front().size()));
      rows.push_back(std::move(row));
    }
    return to_matrix(rows);
  }
  std::string line;
  long lineno = 0;
  bool first_content = true;
  while (std::getline(in, line)) {
    ++lineno;
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    const auto cells = split_cells(line);
    std::vector<double> row;
    bool all_text = true;
    for (const auto& c : cells) {
      double v;
      if (parse_double(c, v)) all_text = false;
    }
    if (first_content && all_text) {  // header
      first_content = false;
      continue;
    }
    first_content = false;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      double v;
      if (!parse_double(cells[k], v))
        throw SpecError(path + ":" + std::to_string(lineno) + ": cell " + std::to_string(k + 1) + " (\"" + cells[k] +
                        "\") is not a number");
      if (!std::isfinite(v))
        throw SpecError(path + ":" + std::to_string(lineno) + ": cell " + std::to_string(k + 1) +
                        " is NaN or infinite; samples must be finite");
      row.push_back(v);
    }
    if (!rows.empty() && row.size() != rows.front().size())
      throw SpecError(path + ":" + std::to_string(lineno) + ": ragged row with " + std::to_string(row.size()) +
                      " values, earlier rows have " + std::to_string(rows.front().size()));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw SpecError(path + ": no data rows; give one point per line");
  return to_matrix(rows);
}

}  // namespace ldbench::experiments
