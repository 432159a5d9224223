#include "experiments/calculator.hpp"

#include <stdexcept>

#include "theory/discretization.hpp"
#include "theory/gaussian.hpp"
#include "theory/gaussian_mixture.hpp"
#include "theory/kramers.hpp"
#include "theory/lsi.hpp"
#include "theory/ou.hpp"
#include "theory/rates.hpp"
#include "theory/ula_gaussian.hpp"
#include "theory/variance_reduction.hpp"

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

// {"A": [[..]..] symmetric positive definite, "lambda": > 0 (default 1)}
theory::OuMatrix ou_matrix(const Node& a) {
  const Node an = a.at("A");
  if (!an.raw().is_array() || an.size() == 0) an.fail("must be a square array of arrays", "e.g. [[2, 0], [0, 1]]");
  const std::size_t d = an.size();
  theory::OuMatrix p{Eigen::MatrixXd(static_cast<long>(d), static_cast<long>(d)),
                     a.number_or("lambda", 1.0, 0.0, kBig, true)};
  for (std::size_t i = 0; i < d; ++i) {
    const auto row = an[i].numbers(d, d, -kBig, kBig, false);
    for (std::size_t j = 0; j < d; ++j) p.A(static_cast<long>(i), static_cast<long>(j)) = row[j];
  }
  return p;
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
  add({"ou.law_matrix", "dX = -AX dt + sqrt(2 lambda) dB: m_t = e^{-At} m_0, S_t = e^{-At} S_0 e^{-At} + lambda A⁻¹(I - e^{-2At})",
       "DESIGN.md §3.1; theory/ou.hpp", "start: " + kGaussianArg + ", t >= 0, A: symmetric positive definite d x d, lambda > 0",
       [](const Node& a) {
         a.object_with({"start", "t", "A", "lambda"});
         return gaussian_json(theory::ou_law(gaussian(a.at("start")), a.at("t").number(0.0, kBig), ou_matrix(a)));
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
  add({"lsi.bakry_emery", "∇²U ⪰ kappa I  =>  pi ∝ exp(-U/lambda) satisfies LSI(kappa/lambda) (KL rate 2 kappa)",
       "lecture notes, Bakry–Émery; DESIGN.md §2", "kappa > 0, lambda > 0",
       [](const Node& a) {
         a.object_with({"kappa", "lambda"});
         return json(theory::bakry_emery_lsi(pos(a, "kappa"), pos(a, "lambda")));
       }});
  add({"lsi.holley_stroock_notes", "pi = nu e^h / Z, |h| <= B, nu in LSI(alpha_nu)  =>  alpha >= alpha_nu e^{-4B} (the notes' form)",
       "lecture notes, Bounded perturbation lemma", "alpha_nu > 0, B >= 0",
       [](const Node& a) {
         a.object_with({"alpha_nu", "B"});
         return json(theory::holley_stroock_lsi_notes(pos(a, "alpha_nu"), a.at("B").number(0.0, kBig)));
       }});
  add({"lsi.holley_stroock_osc", "alpha >= alpha_nu e^{-osc h}, osc h = sup h - inf h (classical, sharper: osc <= 2B)",
       "Holley & Stroock (1987)", "alpha_nu > 0, osc >= 0",
       [](const Node& a) {
         a.object_with({"alpha_nu", "osc"});
         return json(theory::holley_stroock_lsi_osc(pos(a, "alpha_nu"), a.at("osc").number(0.0, kBig)));
       }});
  add({"lsi.bounded_perturbation_example", "U = l + lambda1 x², |l| <= B:  alpha >= (2 lambda1/lambda) e^{-4B/lambda}",
       "lecture notes, Bounded perturbation lemma (example)", "lambda1 > 0, B >= 0, lambda > 0",
       [](const Node& a) {
         a.object_with({"lambda1", "B", "lambda"});
         return json(theory::bounded_perturbation_example_lsi(pos(a, "lambda1"), a.at("B").number(0.0, kBig),
                                                              pos(a, "lambda")));
       }});
  add({"lsi.lipschitz_miclo_notes",
       "the notes' LSI lower bound for Lipschitz-perturbed objectives: max(Miclo term, Lipschitz term), as written",
       "lecture notes, Log Sobolev for Lipschitz cont. obj (Suzuki, Wu & Nitanda 2023)",
       "lambda1 > 0, lambda2 > 0, R >= 0 (Lipschitz constant), d >= 1",
       [](const Node& a) {
         a.object_with({"lambda1", "lambda2", "R", "d"});
         const auto r = theory::notes_lipschitz_miclo_lsi_as_written(
             pos(a, "lambda1"), pos(a, "lambda2"), a.at("R").number(0.0, kBig), static_cast<int>(a.at("d").integer(1, 1000000)));
         return json{{"miclo_term", r.miclo_term},
                     {"lipschitz_term", r.lipschitz_term},
                     {"lipschitz_term_applies", r.lipschitz_term_applies},
                     {"value", r.value}};
       }});
  add({"kramers.spectral_gap_symmetric",
       "gap ≈ 2 sqrt(U''(min) |U''(saddle)|) / (2 pi) e^{-barrier/lambda} (symmetric double well, lambda -> 0)",
       "Eyring–Kramers; theory/kramers.hpp", "Uxx_min > 0, Uxx_saddle_abs > 0, barrier > 0, lambda > 0",
       [](const Node& a) {
         a.object_with({"Uxx_min", "Uxx_saddle_abs", "barrier", "lambda"});
         return json(theory::kramers_spectral_gap_symmetric(pos(a, "Uxx_min"), pos(a, "Uxx_saddle_abs"),
                                                           pos(a, "barrier"), pos(a, "lambda")));
       }});
  add({"lsi.upper_bound_from_gap", "alpha <= rho / lambda (LSI implies Poincaré; rho = spectral gap of GLD)",
       "theory/kramers.hpp", "rho > 0, lambda > 0",
       [](const Node& a) {
         a.object_with({"rho", "lambda"});
         return json(theory::lsi_upper_bound_from_gap(pos(a, "rho"), pos(a, "lambda")));
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
  add({"ula.law_matrix", "m_k = (I - eta A)^k m_0, S_{k+1} = (I - eta A) S_k (I - eta A) + 2 eta lambda I (closed form)",
       "DESIGN.md §3.3; theory/ula_gaussian.hpp",
       "start: " + kGaussianArg + ", k >= 0, eta (0 < eta a_max < 2), A: SPD d x d, lambda > 0",
       [](const Node& a) {
         a.object_with({"start", "k", "eta", "A", "lambda"});
         return gaussian_json(theory::ula_law(gaussian(a.at("start")),
                                              static_cast<unsigned>(a.at("k").integer(0, 4294967295LL)), pos(a, "eta"),
                                              ou_matrix(a)));
       }});
  add({"ula.stationary_bias_kl", "KL(ULA stationary || pi) = ½ sum_i (r_i - 1 - ln r_i), r_i = 1/(1 - eta a_i/2)",
       "DESIGN.md §3.3; theory/ula_gaussian.hpp", "eta (0 < eta a_max < 2), A: SPD d x d, lambda > 0",
       [](const Node& a) {
         a.object_with({"eta", "A", "lambda"});
         return json(theory::ula_stationary_bias_kl(pos(a, "eta"), ou_matrix(a)));
       }});
  add({"vw.ula_kl_bound", "KL_k <= exp(-alpha h k) KL_0 + 8 d L_f² h / alpha, for h <= alpha/(4 L_f²); h = eta lambda, f = U/lambda",
       "Vempala & Wibisono (2019), Th. 1; DESIGN.md §3.5; theory/discretization.hpp",
       "kl0 >= 0, k >= 0 (iterations), h > 0 (VW step), alpha > 0 (LSI of pi), L_f > 0 (smoothness of f), d >= 1",
       [](const Node& a) {
         a.object_with({"kl0", "k", "h", "alpha", "L_f", "d"});
         return json(theory::vw_ula_kl_bound(a.at("kl0").number(0.0, kBig),
                                             static_cast<std::uint64_t>(a.at("k").integer(0, 1LL << 53)), pos(a, "h"),
                                             pos(a, "alpha"), pos(a, "L_f"), static_cast<int>(a.at("d").integer(1, 1000000))));
       }});
  add({"vw.ula_plan", "h = min(alpha/(4 L_f²), alpha eps/(16 d L_f²)), k = ceil(log(2 KL_0/eps) / (alpha h))",
       "Vempala & Wibisono (2019), Corollary; theory/discretization.hpp",
       "eps > 0, kl0 >= 0, alpha > 0, L_f > 0, d >= 1",
       [](const Node& a) {
         a.object_with({"eps", "kl0", "alpha", "L_f", "d"});
         const auto p = theory::vw_ula_plan(pos(a, "eps"), a.at("kl0").number(0.0, kBig), pos(a, "alpha"), pos(a, "L_f"),
                                            static_cast<int>(a.at("d").integer(1, 1000000)));
         return json{{"h", p.h}, {"iterations", p.iterations}, {"bound_at_k", p.bound_at_k}};
       }});
  add({"vr.svrg_ld_gradient_complexity_leading",
       "(n + sqrt(n) d / eps) gamma² L² / alpha² (the notes' Õ with constants and logs set to 1; a reference slope, not a bound)",
       "lecture notes, 分散縮小勾配法の収束レート; theory/variance_reduction.hpp",
       "n >= 1, d >= 1, eps > 0, gamma > 0, L > 0, alpha > 0",
       [](const Node& a) {
         a.object_with({"n", "d", "eps", "gamma", "L", "alpha"});
         return json(theory::svrg_ld_gradient_complexity_leading(
             static_cast<std::uint64_t>(a.at("n").integer(1, 1LL << 53)), static_cast<int>(a.at("d").integer(1, 1000000)),
             pos(a, "eps"), pos(a, "gamma"), pos(a, "L"), pos(a, "alpha")));
       }});
  add({"rates.linear_estimator_lower_bound_exponent", "(d + 2) / (2d + 2): linear estimators cannot beat n^{-(d+2)/(2d+2)}",
       "lecture notes, 予測誤差の比較; theory/rates.hpp", "d >= 1",
       [](const Node& a) {
         a.object_with({"d"});
         return json(theory::linear_estimator_lower_bound_exponent(static_cast<int>(a.at("d").integer(1, 1000000000))));
       }});
  add({"rates.minimax_tv_rate_exponent", "s / (2s + d) (TV, diffusion-model estimation)", "lecture notes; theory/rates.hpp",
       "s > 0, d >= 1",
       [](const Node& a) {
         a.object_with({"s", "d"});
         return json(theory::minimax_tv_rate_exponent(pos(a, "s"), static_cast<int>(a.at("d").integer(1, 1000000000))));
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
