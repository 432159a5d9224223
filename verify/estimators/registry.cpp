#include "verify/estimators/registry.hpp"

#include <cmath>
#include <stdexcept>

namespace ldbench::verify::estimators {

void EstimatorRegistry::add(EstimatorInfo info, EstimatorFn fn) {
  if (info.name.empty()) throw std::invalid_argument("estimator: empty name");
  if (!fn) throw std::invalid_argument("estimator " + info.name + ": no function given");
  if (info.max_points < 2)
    throw std::invalid_argument("estimator " + info.name + ": max_points must be >= 2 (the largest sample size it accepts)");
  if (auto it = entries_.find(info.name); it != entries_.end())
    throw std::invalid_argument("estimator " + info.name + ": already registered by " + it->second.info.origin +
                                "; " + info.origin + " must use another name");
  const std::string n = info.name;
  entries_.emplace(n, Entry{std::move(info), std::move(fn)});
}

const EstimatorInfo* EstimatorRegistry::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second.info;
}

std::vector<std::string> EstimatorRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, e] : entries_) out.push_back(n);
  return out;
}

const EstimatorRegistry::Entry& EstimatorRegistry::entry(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::string all;
    for (const auto& [n, e] : entries_) all += (all.empty() ? "" : ", ") + n;
    throw std::invalid_argument("estimator: unknown name \"" + name + "\"; known: " + all);
  }
  return it->second;
}

Params EstimatorRegistry::with_defaults(const std::string& name, const Params& given) const {
  return lib::with_defaults(entry(name).info.params, given, name);
}

Estimate EstimatorRegistry::run(const std::string& name, const EstimatorInput& in, const Params& params) const {
  const Entry& e = entry(name);
  const Needs& n = e.info.needs;
  if (!in.x || in.x->cols() == 0) throw std::invalid_argument("x: no sample given");
  const long d = in.x->rows();
  auto check_size = [&](const Eigen::MatrixXd& m, const char* which) {
    if (m.cols() > e.info.max_points)
      throw std::invalid_argument(std::string(which) + ": n = " + std::to_string(m.cols()) + " exceeds " + name +
                                  "'s limit of " + std::to_string(e.info.max_points) + " points (cost " + e.info.cost +
                                  "); subsample");
  };
  check_size(*in.x, "x");
  if (in.y) check_size(*in.y, "y");
  if (n.y) {
    if (!in.y || in.y->cols() == 0) throw std::invalid_argument("y: " + name + " compares two samples; give y");
    if (in.y->rows() != d)
      throw std::invalid_argument("y: dimension " + std::to_string(in.y->rows()) + " does not match x's " + std::to_string(d));
  } else if (in.y) {
    throw std::invalid_argument("y: " + name + " takes one sample and a target, not a second sample");
  }
  if (n.log_density || n.score || n.gaussian_target) {
    if (!in.target) throw std::invalid_argument("target: " + name + " needs the target law; give a target");
    if (in.target->dim != d)
      throw std::invalid_argument("target: dimension " + std::to_string(in.target->dim) + " does not match x's " +
                                  std::to_string(d));
    if (n.log_density && !in.target->log_density)
      throw std::invalid_argument("target: " + name + " needs the target's log density");
    if (n.score && !in.target->score) throw std::invalid_argument("target: " + name + " needs the target's score");
    if (n.gaussian_target && !in.target->gaussian)
      throw std::invalid_argument("target: " + name + " needs a Gaussian target (closed form)");
  }
  if ((in.wx || in.wy) && !e.info.accepts_weights)
    throw std::invalid_argument("weights: " + name + " does not accept weights; use an estimator that does (see estimate --list)");
  auto check_weights = [](const Eigen::VectorXd* w, const Eigen::MatrixXd* s, const char* nm) {
    if (!w) return;
    if (w->size() != s->cols())
      throw std::invalid_argument(std::string(nm) + ": " + std::to_string(w->size()) + " weights for " +
                                  std::to_string(s->cols()) + " points");
    if (!w->allFinite() || (w->array() < 0).any()) throw std::invalid_argument(std::string(nm) + ": weights must be finite and >= 0");
    if (std::abs(w->sum() - 1.0) > 1e-9) throw std::invalid_argument(std::string(nm) + ": weights must sum to 1");
  };
  check_weights(in.wx, in.x, "wx");
  if (in.y) check_weights(in.wy, in.y, "wy");
  Estimate out = e.fn(in, params);
  if (!std::isfinite(out.value))
    throw std::invalid_argument("x: " + name + " produced a non-finite value (" + std::to_string(out.value) +
                                "); check the sample for duplicates or degenerate spread");
  return out;
}

}  // namespace ldbench::verify::estimators
