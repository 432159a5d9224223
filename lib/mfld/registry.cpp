#include "lib/mfld/registry.hpp"

#include <sstream>
#include <stdexcept>

#include "lib/mfld/network.hpp"
#include "lib/mfld/quadratic.hpp"
#include "lib/mfld/single_index.hpp"

namespace ldbench::lib::mfld {

void MeanFieldObjectiveRegistry::add(ObjectiveInfo info, ObjectiveFactory factory) {
  if (info.name.empty()) throw std::invalid_argument("name: empty objective name");
  if (!factory) throw std::invalid_argument("factory: objective " + info.name + " has no factory");
  if (auto it = entries_.find(info.name); it != entries_.end())
    throw std::invalid_argument("objective " + info.name + ": already registered by " + it->second.info.origin + "; " + info.origin +
                                " must use another name");
  const std::string n = info.name;
  entries_.emplace(n, Entry{std::move(info), std::move(factory)});
}

const ObjectiveInfo* MeanFieldObjectiveRegistry::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second.info;
}

std::vector<std::string> MeanFieldObjectiveRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, e] : entries_) out.push_back(n);
  return out;
}

lib::Params MeanFieldObjectiveRegistry::with_defaults(const std::string& name, const lib::Params& given) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw std::invalid_argument("name: unknown objective \"" + name + "\"");
  return lib::with_defaults(it->second.info.params, given, name);
}

std::unique_ptr<MeanFieldObjective> MeanFieldObjectiveRegistry::make(const std::string& name, const lib::Params& given) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::string all;
    for (const auto& [n, e] : entries_) all += (all.empty() ? "" : ", ") + n;
    throw std::invalid_argument("name: unknown objective \"" + name + "\"; known: " + (all.empty() ? "(none)" : all));
  }
  const lib::Params p = lib::with_defaults(it->second.info.params, given, name);
  lib::check_ranges(it->second.info.params, p);
  auto f = it->second.factory(p);
  if (!f) throw std::invalid_argument("name: the factory of objective " + name + " returned nothing");
  return f;
}

namespace {

lib::ParamSpec real_param(std::string name, double def, double lo, double hi, std::string doc) {
  lib::ParamSpec p;
  p.name = std::move(name);
  p.type = lib::ParamSpec::Type::real;
  p.default_value = def;
  p.lo = lo;
  p.hi = hi;
  p.doc = std::move(doc);
  return p;
}
lib::ParamSpec int_param(std::string name, long def, long lo, long hi, std::string doc) {
  lib::ParamSpec p;
  p.name = std::move(name);
  p.type = lib::ParamSpec::Type::integer;
  p.default_value = def;
  p.lo = static_cast<double>(lo);
  p.hi = static_cast<double>(hi);
  p.doc = std::move(doc);
  return p;
}
lib::ParamSpec text_param(std::string name, std::string def, std::vector<std::string> choices, std::string doc) {
  lib::ParamSpec p;
  p.name = std::move(name);
  p.type = lib::ParamSpec::Type::text;
  p.default_value = std::move(def);
  p.choices = std::move(choices);
  p.doc = std::move(doc);
  return p;
}

// "1, 2.5,3" -> values; throws "params.b_values: ..." on a malformed list or a wrong length.
Eigen::VectorXd parse_list(const std::string& s, int dim) {
  std::vector<double> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t used = 0;
      const double x = std::stod(item, &used);
      if (item.find_first_not_of(" \t", used) != std::string::npos) throw std::invalid_argument("trailing");
      v.push_back(x);
    } catch (const std::exception&) {
      throw std::invalid_argument("params.b_values: \"" + item + "\" is not a number; use a comma-separated list like \"1,0.5\"");
    }
  }
  if (static_cast<int>(v.size()) != dim)
    throw std::invalid_argument("params.b_values: has " + std::to_string(v.size()) + " values; dim is " + std::to_string(dim));
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::unique_ptr<MeanFieldObjective> make_network(const lib::Params& p, Activation act) {
  const Loss loss = loss_from_string(p.text("loss"));
  auto data = make_teacher_data(p.integer("n"), static_cast<int>(p.integer("p")), static_cast<std::uint32_t>(p.integer("seed")), act, loss,
                                static_cast<int>(p.integer("teacher_width")), p.real("noise"));
  return std::make_unique<NetworkObjective>(std::move(data), act, loss, p.real("lambda1"));
}

std::vector<lib::ParamSpec> network_params() {
  constexpr double kPos = 1e-12, kBig = 1e12;
  return {int_param("n", 256, 1, 100000000, "number of data"),
          int_param("p", 4, 1, 100000, "input dimension (particle dimension 1 + p)"),
          real_param("lambda1", 0.01, kPos, kBig, "L2 coefficient of lambda1 E||theta||^2"),
          text_param("loss", "squared", {"squared", "logistic"}, "loss"),
          int_param("seed", 1, 0, 4294967295L, "seed of the synthetic teacher data"),
          int_param("teacher_width", 4, 1, 100000, "neurons of the teacher network"),
          real_param("noise", 0.1, 0, kBig, "label noise standard deviation")};
}

}  // namespace

void register_builtin_objectives(MeanFieldObjectiveRegistry& reg) {
  constexpr double kPos = 1e-12, kBig = 1e12;
  reg.add({"quadratic",
           "F(mu) = (c/2)||E theta - b||^2 + lambda1 E||theta||^2 (DESIGN.md §3.7; lib/mfld/quadratic.hpp)",
           {int_param("dim", 1, 1, 1000, "particle dimension d"),
            real_param("c", 1.0, 0, kBig, "interaction strength c >= 0"),
            real_param("b", 1.0, -kBig, kBig, "target of the mean (every coordinate)"),
            text_param("b_values", "", {}, "comma-separated b per coordinate (overrides b)"),
            real_param("lambda1", 1.0, kPos, kBig, "L2 coefficient")}},
          [](const lib::Params& p) -> std::unique_ptr<MeanFieldObjective> {
            const int d = static_cast<int>(p.integer("dim"));
            QuadraticParams q;
            q.c = p.real("c");
            q.lambda1 = p.real("lambda1");
            q.b = p.text("b_values").empty() ? Eigen::VectorXd::Constant(d, p.real("b")) : parse_list(p.text("b_values"), d);
            return std::make_unique<QuadraticObjective>(q);
          });
  reg.add({"network_tanh",
           "mean-field two-layer network f(z) = (1/N) sum_i r_i tanh(w_i.z) on synthetic teacher data, + lambda1 E||theta||^2 "
           "(notes, MF-LD to optimize mean field NN; lib/mfld/network.hpp)",
           network_params()},
          [](const lib::Params& p) { return make_network(p, Activation::tanh); });
  reg.add({"network_relu",
           "mean-field two-layer network f(z) = (1/N) sum_i r_i relu(w_i.z) on synthetic teacher data, + lambda1 E||theta||^2 "
           "(notes, MF-LD to optimize mean field NN; lib/mfld/network.hpp)",
           network_params()},
          [](const lib::Params& p) { return make_network(p, Activation::relu); });
  reg.add({"single_index_tanh",
           "single-index mean-field model f(z) = E_mu tanh(w.z) (output weight 1), squared loss on synthetic data y = tanh(w*.z) + noise, "
           "+ lambda1 E||w||^2 (notes, MF-LD to optimize mean field NN; lib/mfld/single_index.hpp)",
           {int_param("n", 16, 1, 100000000, "number of data"),
            int_param("dim", 1, 1, 100000, "particle dimension D (input dimension)"),
            real_param("lambda1", 0.5, kPos, kBig, "L2 coefficient of lambda1 E||w||^2"),
            int_param("seed", 1, 0, 4294967295L, "seed of the synthetic data"),
            real_param("teacher_weight", 2.0, -kBig, kBig, "teacher w* = teacher_weight (1, ..., 1)/sqrt(dim)"),
            real_param("noise", 0.1, 0, kBig, "label noise standard deviation")}},
          [](const lib::Params& p) -> std::unique_ptr<MeanFieldObjective> {
            auto data = make_single_index_data(p.integer("n"), static_cast<int>(p.integer("dim")), static_cast<std::uint32_t>(p.integer("seed")),
                                               p.real("teacher_weight"), p.real("noise"));
            return std::make_unique<SingleIndexObjective>(std::move(data), p.real("lambda1"));
          });
}

}  // namespace ldbench::lib::mfld
