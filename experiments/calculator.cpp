#include "experiments/calculator.hpp"

#include <stdexcept>

#include "theory/gaussian.hpp"
#include "theory/gaussian_mixture.hpp"
#include "theory/lsi.hpp"
#include "theory/ou.hpp"
#include "theory/ula_gaussian.hpp"

namespace ldbench::experiments {

using nlohmann::json;

namespace {

constexpr double kBig = 1e300;

double num(const Node& a, const std::string& key) { return a.at(key).number(-kBig, kBig); }
double pos(const Node& a, const std::string& key) { return a.at(key).number(0.0, kBig, true); }

theory::OuParams ou_params(const Node& a) {
  return {a.number_or("a", 1.0, 0.0, kBig, true), a.number_or("lambda", 1.0, 0.0, kBig, true)};
}

// {"mean": [..], "cov": [[..], ..] or a number s² (isotropic)}.
theory::Gaussian gaussian(const Node& g) {
  g.object_with({"mean", "cov"});
  const auto m = g.at("mean").numbers(1, 10000, -kBig, kBig, false);
  const long d = static_cast<long>(m.size());
  theory::Gaussian out{Eigen::Map<const Eigen::VectorXd>(m.data(), d), Eigen::MatrixXd(d, d)};
  const Node c = g.at("cov");
  if (c.raw().is_number()) {
    out.cov = c.number(0.0, kBig, true) * Eigen::MatrixXd::Identity(d, d);
    return out;
  }
  if (!c.raw().is_array() || static_cast<long>(c.size()) != d)
    c.fail("must be a number (isotropic variance) or a " + std::to_string(d) + " x " + std::to_string(d) + " array",
           "match the length of mean");
  for (long i = 0; i < d; ++i) {
    const auto row = c[static_cast<std::size_t>(i)].numbers(static_cast<std::size_t>(d), static_cast<std::size_t>(d),
                                                             -kBig, kBig, false);
    for (long j = 0; j < d; ++j) out.cov(i, j) = row[static_cast<std::size_t>(j)];
  }
  return out;
}

json gaussian_json(const theory::Gaussian& g) {
  json cov = json::array();
  for (long i = 0; i < g.cov.rows(); ++i) {
    json row = json::array();
    for (long j = 0; j < g.cov.cols(); ++j) row.push_back(g.cov(i, j));
    cov.push_back(row);
  }
  return {{"mean", std::vector<double>(g.mean.data(), g.mean.data() + g.mean.size())}, {"cov", cov}};
}

theory::GaussianMixture1d mixture(const Node& m) {
  m.object_with({"weights", "means", "variances"});
  theory::GaussianMixture1d out;
  out.weights = m.at("weights").numbers(1, 1000, 0.0, 1.0, true);
  out.means = m.at("means").numbers(out.weights.size(), out.weights.size(), -kBig, kBig, false);
  out.variances = m.at("variances").numbers(out.weights.size(), out.weights.size(), 0.0, kBig, true);
  return out;
}

json mixture_json(const theory::GaussianMixture1d& m) {
  return {{"weights", m.weights}, {"means", m.means}, {"variances", m.variances}};
}

const std::string kGaussianArg = "{\"mean\": [..], \"cov\": [[..]..] or isotropic variance}";
const std::string kOuArgs = "a > 0 (default 1), lambda > 0 (default 1) for dX = -aX dt + sqrt(2 lambda) dB";

}  // namespace

void TheoryCalculator::add(TheoryEntry e) {
  if (entries_.count(e.name)) throw std::invalid_argument("theory entry '" + e.name + "' is already registered");
  const std::string n = e.name;
  entries_.emplace(n, std::move(e));
}

TheoryCalculator::TheoryCalculator() {
  add({"gaussian.kl", "KL(N1||N2) = ½[tr(S2⁻¹S1) + (m2-m1)ᵀS2⁻¹(m2-m1) - d + ln det S2 - ln det S1] (nats)",
       "DESIGN.md §3.2; theory/gaussian.hpp", "p, q: " + kGaussianArg,
       [](const Node& a) {
         a.object_with({"p", "q"});
         return json(theory::kl(gaussian(a.at("p")), gaussian(a.at("q"))));
       }});
  add({"gaussian.relative_fisher", "I(N1||N2) = tr(S1⁻¹) - 2 tr(S2⁻¹) + tr(S2⁻² S1) + ||S2⁻¹(m1-m2)||²",
       "DESIGN.md §3.2; theory/gaussian.hpp", "p, q: " + kGaussianArg,
       [](const Node& a) {
         a.object_with({"p", "q"});
         return json(theory::relative_fisher(gaussian(a.at("p")), gaussian(a.at("q"))));
       }});
  add({"gaussian.neg_entropy", "Ent(N(m, S)) = ∫ p log p = -½ ln det(2πe S)", "DESIGN.md §2, §3.2",
       "p: " + kGaussianArg,
       [](const Node& a) {
         a.object_with({"p"});
         return json(theory::neg_entropy(gaussian(a.at("p"))));
       }});
  add({"gaussian.w2_squared", "W2²(N1, N2) = ||m1-m2||² + tr(S1 + S2 - 2 (S2^{1/2} S1 S2^{1/2})^{1/2})",
       "DESIGN.md §3.2 (Bures)", "p, q: " + kGaussianArg,
       [](const Node& a) {
         a.object_with({"p", "q"});
         return json(theory::w2_squared(gaussian(a.at("p")), gaussian(a.at("q"))));
       }});
  add({"ou.mean", "m_t = e^{-at} m_0", "lecture notes, OU slide; DESIGN.md §3.1", "t >= 0, m0; " + kOuArgs,
       [](const Node& a) {
         a.object_with({"t", "m0", "a", "lambda"});
         return json(theory::ou_mean(a.at("t").number(0.0, kBig), num(a, "m0"), ou_params(a)));
       }});
  add({"ou.variance", "v_t = e^{-2at} v_0 + (lambda/a)(1 - e^{-2at})", "lecture notes, OU slide; DESIGN.md §3.1",
       "t >= 0, v0 >= 0; " + kOuArgs,
       [](const Node& a) {
         a.object_with({"t", "v0", "a", "lambda"});
         return json(theory::ou_variance(a.at("t").number(0.0, kBig), a.at("v0").number(0.0, kBig), ou_params(a)));
       }});
  add({"ou.transition_density", "p_t(x | x0) = N(x0 e^{-at}, (lambda/a)(1 - e^{-2at}))(x)",
       "lecture notes, OU slide (a = lambda = 1)", "x, x0, t > 0; " + kOuArgs,
       [](const Node& a) {
         a.object_with({"x", "x0", "t", "a", "lambda"});
         return json(theory::ou_transition_density(num(a, "x"), num(a, "x0"), pos(a, "t"), ou_params(a)));
       }});
  add({"ou.law", "N(m, S) -> N(e^{-at} m, e^{-2at} S + (lambda/a)(1 - e^{-2at}) I)", "DESIGN.md §3.1",
       "start: " + kGaussianArg + ", t >= 0; " + kOuArgs,
       [](const Node& a) {
         a.object_with({"start", "t", "a", "lambda"});
         return gaussian_json(theory::ou_law(gaussian(a.at("start")), a.at("t").number(0.0, kBig), ou_params(a)));
       }});
  add({"lsi.gaussian_constant", "N(m, s2 I) satisfies LSI(alpha = 1/s2), KL <= I / (2 alpha)",
       "lecture notes slide 24; DESIGN.md §2", "s2 > 0",
       [](const Node& a) {
         a.object_with({"s2"});
         return json(theory::gaussian_lsi_constant(pos(a, "s2")));
       }});
  add({"lsi.kl_rate", "2 alpha lambda (per unit time)", "DESIGN.md §2", "alpha > 0, lambda > 0",
       [](const Node& a) {
         a.object_with({"alpha", "lambda"});
         return json(theory::lsi_kl_rate(pos(a, "alpha"), pos(a, "lambda")));
       }});
  add({"lsi.kl_bound", "KL(p_t||pi) <= exp(-2 alpha lambda t) KL(p_0||pi)", "lecture notes slide 24; DESIGN.md §2",
       "kl0 >= 0, alpha > 0, lambda > 0, t >= 0",
       [](const Node& a) {
         a.object_with({"kl0", "alpha", "lambda", "t"});
         return json(theory::lsi_kl_bound(a.at("kl0").number(0.0, kBig), pos(a, "alpha"), pos(a, "lambda"),
                                          a.at("t").number(0.0, kBig)));
       }});
  add({"ula.moments", "m_k = r^k m0, v_k = r^{2k} v0 + v_inf (1 - r^{2k}), r = 1 - eta a",
       "DESIGN.md §3.3; theory/ula_gaussian.hpp", "k >= 0 (steps), eta (0 < eta a < 2), m0, v0 >= 0; " + kOuArgs,
       [](const Node& a) {
         a.object_with({"k", "eta", "m0", "v0", "a", "lambda"});
         const auto m = theory::ula_moments(static_cast<unsigned>(a.at("k").integer(0, 4294967295LL)), pos(a, "eta"),
                                            num(a, "m0"), a.at("v0").number(0.0, kBig), ou_params(a));
         return json{{"mean", m.mean}, {"variance", m.variance}};
       }});
  add({"ula.stationary_variance", "v_inf = (lambda/a) / (1 - eta a/2)", "DESIGN.md §3.3",
       "eta (0 < eta a < 2); " + kOuArgs,
       [](const Node& a) {
         a.object_with({"eta", "a", "lambda"});
         return json(theory::ula_stationary_variance(pos(a, "eta"), ou_params(a)));
       }});
  const std::string mix = "{\"weights\": [..], \"means\": [..], \"variances\": [..]} (d = 1)";
  add({"mixture.ou_law", "sum_j w_j N(mu_j, s_j²) -> sum_j w_j N(e^{-at} mu_j, e^{-2at} s_j² + (lambda/a)(1-e^{-2at}))",
       "DESIGN.md §3.9; theory/gaussian_mixture.hpp", "start: " + mix + ", t >= 0; " + kOuArgs,
       [](const Node& a) {
         a.object_with({"start", "t", "a", "lambda"});
         return mixture_json(theory::ou_mixture_law(mixture(a.at("start")), a.at("t").number(0.0, kBig), ou_params(a)));
       }});
  add({"mixture.kl_to_centered_gaussian", "KL(p || N(0, v)) by adaptive Gauss–Kronrod quadrature",
       "theory/gaussian_mixture.hpp", "p: " + mix + ", v > 0",
       [](const Node& a) {
         a.object_with({"p", "v"});
         return json(theory::kl_to_centered_gaussian(mixture(a.at("p")), pos(a, "v")));
       }});
  add({"mixture.fisher_to_centered_gaussian", "I(p || N(0, v)) = ∫ (d/dx log p + x/v)² p, by quadrature",
       "theory/gaussian_mixture.hpp", "p: " + mix + ", v > 0",
       [](const Node& a) {
         a.object_with({"p", "v"});
         return json(theory::fisher_to_centered_gaussian(mixture(a.at("p")), pos(a, "v")));
       }});
}

json TheoryCalculator::eval(const std::string& name, const json& args, const std::string& where) const {
  auto it = entries_.find(name);
  if (it == entries_.end())
    throw SpecError(where + ": /: unknown theory entry \"" + name + "\"; see `ldbench theory list`");
  const Node root(args, where);
  if (!args.is_object()) root.fail("the arguments must be a JSON object", "e.g. {\"s2\": 2.0}");
  json value;
  try {
    value = it->second.eval(root);
  } catch (const std::invalid_argument& e) {
    throw SpecError(where + ": " + e.what());
  }
  return {{"name", name}, {"value", value}, {"formula", it->second.formula}, {"source", it->second.source},
          {"args", args}};
}

}  // namespace ldbench::experiments
