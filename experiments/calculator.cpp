#include "experiments/calculator.hpp"

#include <cstdint>
#include <stdexcept>

#include "experiments/calculator_internal.hpp"
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

// ---------------------------------------------------------------------------------------------
// Argument readers shared with the other calculator_*.cpp (declared in calculator_internal.hpp).

namespace calculator_detail {

double num(const Node& a, const std::string& key) { return a.at(key).number(-kBig, kBig); }
double pos(const Node& a, const std::string& key) { return a.at(key).number(0.0, kBig, true); }
double nonneg(const Node& a, const std::string& key) { return a.at(key).number(0.0, kBig); }
int dimension(const Node& a, const std::string& key) { return static_cast<int>(a.at(key).integer(1, 1000000)); }

Eigen::VectorXd vector_arg(const Node& v) {
  const auto x = v.numbers(1, kMaxLength, -kBig, kBig, false);
  return Eigen::Map<const Eigen::VectorXd>(x.data(), static_cast<long>(x.size()));
}

Eigen::MatrixXd matrix_arg(const Node& m, bool square, const std::string& example) {
  if (!m.raw().is_array() || m.size() == 0 || m.size() > kMaxLength)
    m.fail(square ? "must be a square array of arrays" : "must be an array of rows (arrays of equal length)", example);
  const std::size_t rows = m.size();
  const std::size_t cols = square ? rows : m[0].numbers(1, kMaxLength, -kBig, kBig, false).size();
  Eigen::MatrixXd out(static_cast<long>(rows), static_cast<long>(cols));
  for (std::size_t i = 0; i < rows; ++i) {
    const auto row = m[i].numbers(cols, cols, -kBig, kBig, false);
    for (std::size_t j = 0; j < cols; ++j) out(static_cast<long>(i), static_cast<long>(j)) = row[j];
  }
  return out;
}

theory::Gaussian gaussian(const Node& g) {
  g.object_with({"mean", "cov"});
  theory::Gaussian out{vector_arg(g.at("mean")), Eigen::MatrixXd()};
  const long d = out.mean.size();
  const Node c = g.at("cov");
  if (c.raw().is_number()) {
    out.cov = c.number(0.0, kBig, true) * Eigen::MatrixXd::Identity(d, d);
    return out;
  }
  if (!c.raw().is_array() || static_cast<long>(c.size()) != d)
    c.fail("must be a number (isotropic variance) or a " + std::to_string(d) + " x " + std::to_string(d) + " array",
           "match the length of mean");
  out.cov = matrix_arg(c, true, "");
  return out;
}

json vector_json(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

json matrix_json(const Eigen::MatrixXd& m) {
  json out = json::array();
  for (long i = 0; i < m.rows(); ++i) out.push_back(vector_json(m.row(i).transpose()));
  return out;
}

json gaussian_json(const theory::Gaussian& g) { return {{"mean", vector_json(g.mean)}, {"cov", matrix_json(g.cov)}}; }

const std::string kGaussianArg = "{\"mean\": [..], \"cov\": [[..]..] or isotropic variance}";

}  // namespace calculator_detail

using namespace calculator_detail;

namespace {

theory::OuParams ou_params(const Node& a) {
  return {a.number_or("a", 1.0, 0.0, kBig, true), a.number_or("lambda", 1.0, 0.0, kBig, true)};
}

// {"A": [[..]..] symmetric positive definite, "lambda": > 0 (default 1)}
theory::OuMatrix ou_matrix(const Node& a) {
  return {matrix_arg(a.at("A"), true, "e.g. [[2, 0], [0, 1]]"), a.number_or("lambda", 1.0, 0.0, kBig, true)};
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

// {"U_a", "Uxx_a" > 0, "U_b", "Uxx_b" > 0, "U_z" > max(U_a, U_b), "Uxx_z_abs" > 0}
theory::DoubleWell1d double_well(const Node& w) {
  w.object_with({"U_a", "Uxx_a", "U_b", "Uxx_b", "U_z", "Uxx_z_abs"});
  theory::DoubleWell1d out;
  out.U_a = num(w, "U_a");
  out.Uxx_a = pos(w, "Uxx_a");
  out.U_b = num(w, "U_b");
  out.Uxx_b = pos(w, "Uxx_b");
  out.U_z = num(w, "U_z");
  out.Uxx_z_abs = pos(w, "Uxx_z_abs");
  return out;
}

// The common arguments n, d, eps, gamma, L, alpha of theory/variance_reduction.hpp, read in that
// order, passed to one of its complexity functions.
using VrComplexity = double (*)(std::uint64_t, int, double, double, double, double);
json vr_complexity(const Node& a, VrComplexity f) {
  a.object_with({"n", "d", "eps", "gamma", "L", "alpha"});
  const auto n = static_cast<std::uint64_t>(a.at("n").integer(1, 1LL << 53));
  const int d = dimension(a, "d");
  const double eps = pos(a, "eps"), gamma = pos(a, "gamma"), L = pos(a, "L");
  return json(f(n, d, eps, gamma, L, pos(a, "alpha")));
}

const std::string kOuArgs = "a > 0 (default 1), lambda > 0 (default 1) for dX = -aX dt + sqrt(2 lambda) dB";
const std::string kVrArgs =
    "n >= 1 (component functions), d >= 1, eps > 0 (target KL, nats), gamma > 0 (inverse temperature), "
    "L > 0 (smoothness of each f_i), alpha > 0 (LSI constant of nu)";
const std::string kVrSource = "lecture notes, 分散縮小勾配法の収束レート; Kinoshita & Suzuki (2022); theory/variance_reduction.hpp";

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
  add({"ou.stationary", "pi = N(0, (lambda/a) I_d): the Gibbs law of dX = -aX dt + sqrt(2 lambda) dB",
       "lecture notes, OU slide; DESIGN.md §3.1; theory/ou.hpp", "d in [1, 1000] (dimension); " + kOuArgs,
       [](const Node& a) {
         a.object_with({"d", "a", "lambda"});
         return gaussian_json(theory::ou_stationary(static_cast<int>(a.at("d").integer(1, 1000)), ou_params(a)));
       }});
  add({"ou.stationary_matrix", "dX = -AX dt + sqrt(2 lambda) dB:  pi = N(0, lambda A⁻¹)", "DESIGN.md §3.1; theory/ou.hpp",
       "A: symmetric positive definite d x d, lambda > 0 (default 1)",
       [](const Node& a) {
         a.object_with({"A", "lambda"});
         return gaussian_json(theory::ou_stationary(ou_matrix(a)));
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
  add({"lsi.mfld_bounded_notes",
       "||δL/δmu||_∞ <= R  =>  p_mu satisfies LSI((lambda1/lambda2) e^{-4R/lambda2}) (as written; the notes' own lemma "
       "gives twice this)",
       "lecture notes, Log Sobolev for Lipschitz cont. obj, item 1; theory/lsi.hpp",
       "lambda1 > 0 (L2 regulariser), lambda2 > 0 (temperature), R >= 0 (sup norm of δL/δmu, energy units)",
       [](const Node& a) {
         a.object_with({"lambda1", "lambda2", "R"});
         return json(theory::notes_mfld_bounded_lsi_as_written(pos(a, "lambda1"), pos(a, "lambda2"), nonneg(a, "R")));
       }});
  add({"kramers.spectral_gap_symmetric",
       "gap ≈ 2 sqrt(U''(min) |U''(saddle)|) / (2 pi) e^{-barrier/lambda} (symmetric double well, lambda -> 0)",
       "Eyring–Kramers; theory/kramers.hpp", "Uxx_min > 0, Uxx_saddle_abs > 0, barrier > 0, lambda > 0",
       [](const Node& a) {
         a.object_with({"Uxx_min", "Uxx_saddle_abs", "barrier", "lambda"});
         return json(theory::kramers_spectral_gap_symmetric(pos(a, "Uxx_min"), pos(a, "Uxx_saddle_abs"),
                                                           pos(a, "barrier"), pos(a, "lambda")));
       }});
  add({"kramers.escape_rate", "k = sqrt(U''(min) |U''(saddle)|) / (2 pi) e^{-barrier/lambda} (one well, per unit time, lambda -> 0)",
       "Eyring–Kramers (Kramers 1940; Bovier, Gayrard & Klein 2004); theory/kramers.hpp",
       "Uxx_min > 0, Uxx_saddle_abs > 0, barrier = U(saddle) - U(min) > 0, lambda > 0",
       [](const Node& a) {
         a.object_with({"Uxx_min", "Uxx_saddle_abs", "barrier", "lambda"});
         return json(theory::kramers_escape_rate(pos(a, "Uxx_min"), pos(a, "Uxx_saddle_abs"), pos(a, "barrier"),
                                                 pos(a, "lambda")));
       }});
  add({"kramers.spectral_gap_1d", "gap ≈ k_a + k_b, k_w = sqrt(U''(w) |U''(z)|)/(2 pi) e^{-(U(z) - U(w))/lambda} (two-state Eyring–Kramers)",
       "Eyring–Kramers; Bovier, Gayrard & Klein (2005); theory/kramers.hpp",
       "well: {\"U_a\", \"Uxx_a\" > 0, \"U_b\", \"Uxx_b\" > 0, \"U_z\" > max(U_a, U_b), \"Uxx_z_abs\" > 0} (minima a, b, "
       "saddle z), lambda > 0",
       [](const Node& a) {
         a.object_with({"well", "lambda"});
         return json(theory::kramers_spectral_gap_1d(double_well(a.at("well")), pos(a, "lambda")));
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
  add({"ula.stationary_matrix", "S_inf = V diag((lambda/a_i) / (1 - eta a_i/2)) Vᵀ, mean 0 (A = V diag(a_i) Vᵀ)",
       "DESIGN.md §3.3; theory/ula_gaussian.hpp", "eta (0 < eta a_max < 2), A: SPD d x d, lambda > 0 (default 1)",
       [](const Node& a) {
         a.object_with({"eta", "A", "lambda"});
         return gaussian_json(theory::ula_stationary(pos(a, "eta"), ou_matrix(a)));
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
  const std::string vw = "Vempala & Wibisono (2019); DESIGN.md §3.5; theory/discretization.hpp";
  add({"vw.step_from_suite", "h = eta lambda (VW step of ULA on f = U/lambda)", vw,
       "eta > 0 (suite step), lambda > 0 (temperature)",
       [](const Node& a) {
         a.object_with({"eta", "lambda"});
         return json(theory::vw_step_from_suite(pos(a, "eta"), pos(a, "lambda")));
       }});
  add({"vw.smoothness_from_suite", "L_f = L_U / lambda (smoothness of f = U/lambda)", vw,
       "L_U > 0 (Lipschitz constant of ∇U), lambda > 0 (temperature)",
       [](const Node& a) {
         a.object_with({"L_U", "lambda"});
         return json(theory::vw_smoothness_from_suite(pos(a, "L_U"), pos(a, "lambda")));
       }});
  add({"vw.step_limit", "h <= alpha / (4 L_f²) (largest step of VW Th. 1, VW time units)", vw,
       "alpha > 0 (LSI of pi), L_f > 0 (smoothness of f)",
       [](const Node& a) {
         a.object_with({"alpha", "L_f"});
         return json(theory::vw_step_limit(pos(a, "alpha"), pos(a, "L_f")));
       }});
  add({"vw.ula_bias", "8 d L_f² h / alpha (the non-decaying term of VW Th. 1, nats; h <= alpha/(4 L_f²))", vw,
       "h > 0 (VW step), alpha > 0, L_f > 0, d >= 1",
       [](const Node& a) {
         a.object_with({"h", "alpha", "L_f", "d"});
         return json(theory::vw_ula_bias(pos(a, "h"), pos(a, "alpha"), pos(a, "L_f"), dimension(a, "d")));
       }});
  add({"vw.ula_kl_bound_suite",
       "KL_k <= exp(-alpha h k) KL_0 + 8 d L_f² h / alpha with h = eta lambda, L_f = L_U/lambda "
       "(= exp(-alpha lambda eta k) KL_0 + 8 d L_U² eta/(alpha lambda)); needs eta <= alpha lambda/(4 L_U²)",
       vw, "kl0 >= 0, k >= 0 (iterations), eta > 0 (suite step), lambda > 0, alpha > 0 (LSI of pi), L_U > 0, d >= 1",
       [](const Node& a) {
         a.object_with({"kl0", "k", "eta", "lambda", "alpha", "L_U", "d"});
         const double kl0 = nonneg(a, "kl0");
         const auto k = static_cast<std::uint64_t>(a.at("k").integer(0, 1LL << 53));
         const double eta = pos(a, "eta"), lambda = pos(a, "lambda"), alpha = pos(a, "alpha"), L_U = pos(a, "L_U");
         return json(theory::vw_ula_kl_bound_suite(kl0, k, eta, lambda, alpha, L_U, dimension(a, "d")));
       }});
  add({"vw.ula_gradient_evaluations", "n k, k = ceil(log(2 KL_0/eps) / (alpha h)) with h of vw.ula_plan (component gradients)",
       vw, "eps > 0, kl0 >= 0, alpha > 0, L_f > 0, d >= 1, n >= 1 (component functions, default 1)",
       [](const Node& a) {
         a.object_with({"eps", "kl0", "alpha", "L_f", "d", "n"});
         const double eps = pos(a, "eps"), kl0 = nonneg(a, "kl0"), alpha = pos(a, "alpha"), L_f = pos(a, "L_f");
         const int d = dimension(a, "d");
         const auto n = static_cast<std::uint64_t>(a.integer_or("n", 1, 1, 1LL << 53));
         return json(theory::vw_ula_gradient_evaluations(eps, kl0, alpha, L_f, d, n));
       }});
  add({"vr.svrg_ld_gradient_complexity_leading",
       "(n + sqrt(n) d / eps) gamma² L² / alpha² (the notes' Õ with constants and logs set to 1; a reference slope, not a bound)",
       kVrSource, kVrArgs,
       [](const Node& a) { return vr_complexity(a, theory::svrg_ld_gradient_complexity_leading); }});
  add({"vr.sarah_ld_gradient_complexity_leading",
       "(n + sqrt(n) d / eps) gamma² L² / alpha² (same as SVRG-LD; constants and logs set to 1, a reference slope)",
       kVrSource, kVrArgs,
       [](const Node& a) { return vr_complexity(a, theory::sarah_ld_gradient_complexity_leading); }});
  add({"vr.gld_gradient_complexity_leading",
       "(n d / eps) gamma² L² / alpha² (full-gradient GLD, Vempala–Wibisono; constants and logs set to 1, a reference slope)",
       "lecture notes, 分散縮小勾配法の収束レート; Vempala & Wibisono (2019); theory/variance_reduction.hpp", kVrArgs,
       [](const Node& a) { return vr_complexity(a, theory::gld_gradient_complexity_leading); }});
  add({"vr.ld_gradient_complexity_leading_literal_sqrt_nd",
       "(n + sqrt(n d) / eps) gamma² L² / alpha² (the slide read literally; prefer vr.svrg_ld_gradient_complexity_leading)",
       kVrSource, kVrArgs,
       [](const Node& a) { return vr_complexity(a, theory::vr_ld_gradient_complexity_leading_literal_sqrt_nd); }});
  add({"vr.inner_loop_length", "m = ceil(sqrt(n)) (reference point refreshed every m iterations)",
       "lecture notes (m = sqrt(n) でOK); Kinoshita & Suzuki (2022); theory/variance_reduction.hpp",
       "n >= 1 (component functions)",
       [](const Node& a) {
         a.object_with({"n"});
         return json(theory::vr_inner_loop_length(static_cast<std::uint64_t>(a.at("n").integer(1, 1LL << 53))));
       }});
  add({"vr.batch_size", "B = ceil(sqrt(n)) (the notes do not state B)",
       "Kinoshita & Suzuki (2022), abstract; theory/variance_reduction.hpp", "n >= 1 (component functions)",
       [](const Node& a) {
         a.object_with({"n"});
         return json(theory::vr_batch_size(static_cast<std::uint64_t>(a.at("n").integer(1, 1LL << 53))));
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
  add({"rates.minimax_w1_rate_exponent", "(s + 1 - delta) / (2s + d) (W1, diffusion-model estimation, any delta > 0)",
       "lecture notes; Oko, Akiyama & Suzuki (2023); theory/rates.hpp", "s > 0 (smoothness), d >= 1, 0 < delta < s + 1",
       [](const Node& a) {
         a.object_with({"s", "d", "delta"});
         const double s = pos(a, "s");
         const int d = static_cast<int>(a.at("d").integer(1, 1000000000));
         return json(theory::minimax_w1_rate_exponent(s, d, pos(a, "delta")));
       }});
  add({"rates.two_phase_gld_risk_unit_constant", "sigma_min^{-4} m^5 log(n) / n (two-phase GLD excess risk, constant 1; exponent 1 in n)",
       "lecture notes, 二段階最適化 / 予測誤差の比較; Akiyama & Suzuki, arXiv:2205.14818; theory/rates.hpp",
       "sigma_min > 0 (m-th singular value of the teacher's W), m >= 1 (teacher width), n >= 2 (samples)",
       [](const Node& a) {
         a.object_with({"sigma_min", "m", "n"});
         return json(theory::two_phase_gld_risk_unit_constant(pos(a, "sigma_min"), static_cast<int>(a.at("m").integer(1, 1000000)),
                                                              a.at("n").number(2.0, kBig)));
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
  register_mean_field_entries(*this);
  register_dual_entries(*this);
  register_diffusion_entries(*this);
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
