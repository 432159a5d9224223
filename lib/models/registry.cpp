#include "lib/models/registry.hpp"

#include <cmath>
#include <stdexcept>

#include "lib/models/gaussian_sum.hpp"
#include "lib/models/logistic.hpp"
#include "lib/models/tilted_double_well.hpp"

namespace ldbench::lib::models {

void ModelRegistry::add(ModelInfo info, ModelFactory factory) {
  if (info.name.empty()) throw std::invalid_argument("name: empty model name");
  if (!factory) throw std::invalid_argument("factory: model " + info.name + " has no factory");
  if (auto it = entries_.find(info.name); it != entries_.end())
    throw std::invalid_argument("model " + info.name + ": already registered by " + it->second.info.origin + "; " +
                                info.origin + " must use another name");
  const std::string n = info.name;
  entries_.emplace(n, Entry{std::move(info), std::move(factory)});
}

const ModelInfo* ModelRegistry::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second.info;
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, e] : entries_) out.push_back(n);
  return out;
}

lib::Params ModelRegistry::with_defaults(const std::string& name, const lib::Params& given) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    if (fallback_ && fallback_->find(name)) return fallback_->with_defaults(name, given);
    throw std::invalid_argument("name: unknown model \"" + name + "\"");
  }
  return lib::with_defaults(it->second.info.params, given, name);
}

std::unique_ptr<FiniteSumPotential> ModelRegistry::make(const std::string& name, int dim, const lib::Params& given,
                                                        const ModelData* data) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    if (fallback_ && fallback_->find(name))
      return wrap_potential(std::shared_ptr<const potentials::Potential>(fallback_->make(name, dim, given)));
    std::string all;
    for (const auto& [n, e] : entries_) all += (all.empty() ? "" : ", ") + n;
    if (fallback_)
      for (const auto& n : fallback_->names()) all += (all.empty() ? "" : ", ") + n;
    throw std::invalid_argument("name: unknown model \"" + name + "\"; known: " + (all.empty() ? "(none)" : all));
  }
  const Entry& e = it->second;
  if (dim < 1) throw std::invalid_argument("dim: must be >= 1; got " + std::to_string(dim));
  if (e.info.needs_data && !data)
    throw std::invalid_argument("data: model " + name + " needs data (features n x dim, labels)");
  const lib::Params p = lib::with_defaults(e.info.params, given, name);
  lib::check_ranges(e.info.params, p);
  auto u = e.factory(dim, p, e.info.needs_data ? data : nullptr);
  if (!u) throw std::invalid_argument("name: the factory of model " + name + " returned nothing");
  if (u->dim() != dim)
    throw std::invalid_argument("dim: model " + name + " built dimension " + std::to_string(u->dim()) +
                                " instead of " + std::to_string(dim));
  return u;
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

}  // namespace

void register_builtin_models(ModelRegistry& reg) {
  constexpr double kPos = 1e-12, kBig = 1e12;
  reg.add({"gaussian",
           "U(x) = sum_i w_i (x - c_i)' A (x - c_i)/2 = (x' A x)/2 + const, A = diag(a_min (a_max/a_min)^{(j-1)/(d-1)}); "
           "split of lib/models/gaussian_sum.hpp",
           {int_param("n", 100, 1, 100000000, "number of terms"),
            real_param("a_min", 1.0, kPos, kBig, "smallest curvature"),
            real_param("a_max", 1.0, kPos, kBig, "largest curvature (>= a_min)"),
            real_param("spread", 1.0, 0, kBig, "spread of the centres c_i"),
            real_param("weight_spread", 0.5, 0, 0.999, "spread of the weights w_i"),
            int_param("seed", 1, 0, 4294967295L, "seed of the split")},
           false},
          [](int dim, const lib::Params& p, const ModelData*) -> std::unique_ptr<FiniteSumPotential> {
            const double lo = p.real("a_min"), hi = p.real("a_max");
            if (hi < lo) throw std::invalid_argument("params.a_max: must be >= a_min");
            Eigen::VectorXd a(dim);
            for (int j = 0; j < dim; ++j)
              a(j) = dim == 1 ? lo : lo * std::pow(hi / lo, static_cast<double>(j) / (dim - 1));
            return make_gaussian_finite_sum(Eigen::VectorXd::Zero(dim), Eigen::MatrixXd(a.asDiagonal()),
                                            p.integer("n"), p.real("spread"), p.real("weight_spread"),
                                            static_cast<std::uint32_t>(p.integer("seed")));
          });
  reg.add({"logistic_synthetic",
           "Bayesian logistic regression (lib/models/logistic.hpp) on synthetic data "
           "a_i ~ N(0, feature_scale^2 I), y_i ~ Bernoulli(sigma(a_i' theta*))",
           {int_param("n", 1000, 1, 100000000, "number of examples"),
            real_param("prior_variance", 1.0, kPos, kBig, "Gaussian prior variance s^2"),
            real_param("feature_scale", 1.0, kPos, kBig, "feature standard deviation"),
            real_param("theta_scale", 1.0, 0, kBig, "|theta*| scale"),
            int_param("seed", 1, 0, 4294967295L, "seed of the data")},
           false},
          [](int dim, const lib::Params& p, const ModelData*) -> std::unique_ptr<FiniteSumPotential> {
            auto data = make_synthetic_logistic_data(p.integer("n"), dim, static_cast<std::uint32_t>(p.integer("seed")),
                                                     p.real("feature_scale"), p.real("theta_scale"));
            return std::make_unique<LogisticRegression>(data.features, data.labels, p.real("prior_variance"));
          });
  reg.add({"tilted_double_well",
           "U(x) = a x1^4 - b x1^2 + tau x1 + (kappa/2)|x_2:d|^2 written as n linear data terms "
           "(tau e1 + sigma z_i)'x/n, z_i whitened (lib/models/tilted_double_well.hpp): non-convex, exact gradient noise",
           {int_param("n", 1000, 2, 100000000, "number of terms (>= dim + 1)"),
            real_param("a", 1.0, kPos, kBig, "quartic coefficient"),
            real_param("b", 1.0, 0, kBig, "quadratic coefficient of the well"),
            real_param("tau", 0.2, -kBig, kBig, "tilt of x1 (> 0: left well global)"),
            real_param("kappa", 1.0, kPos, kBig, "curvature of x2..xd"),
            real_param("sigma", 1.0, 0, kBig, "spread of the data terms (gradient noise)"),
            int_param("seed", 1, 0, 4294967295L, "seed of the data terms")},
           false},
          [](int dim, const lib::Params& p, const ModelData*) -> std::unique_ptr<FiniteSumPotential> {
            TiltedDoubleWellParams q{p.real("a"), p.real("b"), p.real("tau"), p.real("kappa"), p.real("sigma")};
            return std::make_unique<TiltedDoubleWellSum>(dim, p.integer("n"), q,
                                                         static_cast<std::uint32_t>(p.integer("seed")));
          });
  reg.add({"logistic_regression",
           "Bayesian logistic regression (lib/models/logistic.hpp) on given data (features n x dim, labels +-1 or 0/1)",
           {real_param("prior_variance", 1.0, kPos, kBig, "Gaussian prior variance s^2")},
           true},
          [](int dim, const lib::Params& p, const ModelData* data) -> std::unique_ptr<FiniteSumPotential> {
            if (data->features.cols() != dim)
              throw std::invalid_argument("dim: the data have " + std::to_string(data->features.cols()) +
                                          " feature columns; got dim " + std::to_string(dim));
            return std::make_unique<LogisticRegression>(data->features, data->labels, p.real("prior_variance"));
          });
}

}  // namespace ldbench::lib::models
