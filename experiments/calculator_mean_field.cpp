// Theory calculator entries for mean-field Langevin dynamics (theory/mean_field.hpp, "mean_field.")
// and its primal–dual view (theory/dual.hpp, "dual."). Registered by TheoryCalculator's
// constructor (experiments/calculator.cpp) through experiments/calculator_internal.hpp.
#include <string>

#include "experiments/calculator_internal.hpp"
#include "theory/dual.hpp"
#include "theory/mean_field.hpp"
#include "theory/mean_field_nonlinear.hpp"

namespace ldbench::experiments::calculator_detail {

using nlohmann::json;

namespace {

// {"c": >= 0, "b": [..], "lambda1": > 0, "lambda2": > 0}
theory::QuadraticMeanField mf_model(const Node& m) {
  m.object_with({"c", "b", "lambda1", "lambda2"});
  theory::QuadraticMeanField out;
  out.c = nonneg(m, "c");
  out.b = vector_arg(m.at("b"));
  out.lambda1 = pos(m, "lambda1");
  out.lambda2 = pos(m, "lambda2");
  return out;
}

// {"X": [[..]..] (n x d), "y": [..] (n), "lambda1": > 0, "lambda2": > 0}
theory::LinearSquaredLossProblem ls_problem(const Node& p) {
  p.object_with({"X", "y", "lambda1", "lambda2"});
  theory::LinearSquaredLossProblem out;
  out.X = matrix_arg(p.at("X"), false, "e.g. [[1, 0], [0.5, 2], [1, 1]] (n rows of d features)");
  const auto n = static_cast<std::size_t>(out.X.rows());
  const auto y = p.at("y").numbers(n, n, -kBig, kBig, false);
  out.y = Eigen::Map<const Eigen::VectorXd>(y.data(), static_cast<long>(n));
  out.lambda1 = pos(p, "lambda1");
  out.lambda2 = pos(p, "lambda2");
  return out;
}

// Number of particles of the quadratic model's N-particle system (theory takes an int).
int particles(const Node& a) { return static_cast<int>(a.at("N").integer(1, 1000000000)); }

// eps of the SGD-/SVRG-MFLD prescriptions: in (0, 1) (theory refuses 1 naming eps).
double accuracy(const Node& a) { return a.at("eps").number(0.0, 1.0, true); }

const std::string kModelArg =
    "model: {\"c\": >= 0 (interaction), \"b\": [..] (target mean, R^d), \"lambda1\": > 0 (L2 regulariser), "
    "\"lambda2\": > 0 (temperature, energy per nat)}";
const std::string kMfSource = "lecture notes, Convergence of MF-LD; DESIGN.md §2; theory/mean_field.hpp";
const std::string kMfParticles = "lecture notes, Finite particle approximation; theory/mean_field.hpp";
const std::string kSgdSource =
    "lecture notes, 確率的勾配の計算量 (SGD-MFLD; Suzuki, Wu & Nitanda 2023); theory/mean_field.hpp";
const std::string kSvrgSource =
    "lecture notes, 分散縮小勾配法 (SVRG-MFLD; Suzuki, Wu & Nitanda 2023); theory/mean_field.hpp";
const std::string kRates = "alpha > 0 (LSI constant of p_mu), lambda2 > 0 (temperature)";
const std::string kBatch = "n >= 2 (finite-sum size), 1 <= B <= n (mini-batch size; real-valued as in the notes)";

const std::string kProblemArg =
    "problem: {\"X\": n x d features, \"y\": [..] (n targets), \"lambda1\": > 0, \"lambda2\": > 0 (loss units per nat)}";
const std::string kDualSource = "lecture notes, 粒子確率的双対座標上昇法 (P-SDCA) (Oko, Suzuki, Nitanda & Wu 2022); "
                                "theory/dual.hpp (sign convention derived there)";
const std::string kPdaSource = "lecture notes, 粒子双対平均化法 (PDA) (Nitanda, Wu & Suzuki 2021); theory/dual.hpp";

}  // namespace

void register_mean_field_entries(TheoryCalculator& calc) {
  const std::string mu_arg = kModelArg + ", mu: " + kGaussianArg + " (d = length of b)";
  calc.add({"mean_field.energy", "F(N(m, S)) = (c/2)||m - b||² + lambda1 (||m||² + tr S)", kMfSource, mu_arg,
            [](const Node& a) {
              a.object_with({"model", "mu"});
              return json(theory::quadratic_mf_energy(mf_model(a.at("model")), gaussian(a.at("mu"))));
            }});
  calc.add({"mean_field.objective", "L(N(m, S)) = F(N(m, S)) + lambda2 Ent = F - (lambda2/2) ln det(2πe S)", kMfSource,
            mu_arg, [](const Node& a) {
              a.object_with({"model", "mu"});
              return json(theory::quadratic_mf_objective(mf_model(a.at("model")), gaussian(a.at("mu"))));
            }});
  calc.add({"mean_field.first_variation", "δF/δmu(mu)(x) = c (m - b)·x + lambda1 ||x||² (normalised to 0 at x = 0)",
            kMfSource, mu_arg + ", x: [..] (a point of R^d)",
            [](const Node& a) {
              a.object_with({"model", "mu", "x"});
              return json(theory::quadratic_mf_first_variation(mf_model(a.at("model")), gaussian(a.at("mu")),
                                                                vector_arg(a.at("x"))));
            }});
  calc.add({"mean_field.proximal_gibbs", "p_mu ∝ exp(-δF/δmu(mu)/lambda2) = N(-c (m - b)/(2 lambda1), lambda2/(2 lambda1) I)",
            kMfSource, mu_arg, [](const Node& a) {
              a.object_with({"model", "mu"});
              return gaussian_json(theory::quadratic_mf_proximal_gibbs(mf_model(a.at("model")), gaussian(a.at("mu"))));
            }});
  calc.add({"mean_field.optimum", "mu* = p_{mu*} = N(c b/(c + 2 lambda1), lambda2/(2 lambda1) I)", kMfSource, kModelArg,
            [](const Node& a) {
              a.object_with({"model"});
              return gaussian_json(theory::quadratic_mf_optimum(mf_model(a.at("model"))));
            }});
  calc.add({"mean_field.optimal_value", "L* = L(mu*), mu* = N(c b/(c + 2 lambda1), lambda2/(2 lambda1) I)", kMfSource,
            kModelArg, [](const Node& a) {
              a.object_with({"model"});
              return json(theory::quadratic_mf_optimal_value(mf_model(a.at("model"))));
            }});
  calc.add({"mean_field.entropy_sandwich",
            "lower = lambda2 KL(mu||mu*) <= gap = L(mu) - L(mu*) <= upper = lambda2 KL(mu||p_mu)",
            "lecture notes, Convergence of MF-LD, Th. Entropy sandwich (Nitanda, Wu & Suzuki 2022; Chizat 2022); "
            "theory/mean_field.hpp",
            mu_arg, [](const Node& a) {
              a.object_with({"model", "mu"});
              const auto s = theory::quadratic_mf_entropy_sandwich(mf_model(a.at("model")), gaussian(a.at("mu")));
              return json{{"lower", s.lower}, {"gap", s.gap}, {"upper", s.upper}};
            }});
  calc.add({"mean_field.flow",
            "m(t) = m* + e^{-(c + 2 lambda1) t}(m0 - m*), S(t) = e^{-4 lambda1 t} S0 + (lambda2/(2 lambda1))(1 - e^{-4 lambda1 t}) I",
            kMfSource, kModelArg + ", mu0: " + kGaussianArg + " (start, d = length of b), t >= 0 (MFLD time)",
            [](const Node& a) {
              a.object_with({"model", "mu0", "t"});
              return gaussian_json(theory::quadratic_mf_flow(mf_model(a.at("model")), gaussian(a.at("mu0")),
                                                             nonneg(a, "t")));
            }});
  calc.add({"mean_field.ode_rhs", "(dm/dt, dS/dt) = (-(c (m - b) + 2 lambda1 m), -4 lambda1 S + 2 lambda2 I) at mu = N(m, S)",
            kMfSource, mu_arg, [](const Node& a) {
              a.object_with({"model", "mu"});
              const auto r = theory::quadratic_mf_ode_rhs(mf_model(a.at("model")), gaussian(a.at("mu")));
              return json{{"dm", vector_json(r.dm)}, {"dS", matrix_json(r.dS)}};
            }});
  calc.add({"mean_field.lsi_constant",
            "alpha = 2 lambda1/lambda2 (sharp LSI of every p_mu; MFLD rate exp(-2 alpha lambda2 t) = exp(-4 lambda1 t))",
            kMfSource, kModelArg, [](const Node& a) {
              a.object_with({"model"});
              return json(theory::quadratic_mf_lsi_constant(mf_model(a.at("model"))));
            }});
  calc.add({"mean_field.mfld_free_energy_bound", "L(mu_t) - L* <= exp(-2 alpha lambda2 t) (L(mu_0) - L*)", kMfSource,
            "gap0 >= 0 (initial excess free energy), alpha > 0 (LSI of every p_mu), lambda2 > 0, t >= 0 (MFLD time)",
            [](const Node& a) {
              a.object_with({"gap0", "alpha", "lambda2", "t"});
              const double gap0 = nonneg(a, "gap0"), alpha = pos(a, "alpha"), lambda2 = pos(a, "lambda2");
              return json(theory::mfld_free_energy_bound(gap0, alpha, lambda2, nonneg(a, "t")));
            }});

  // N-particle system at stationarity (exact, Gaussian).
  const std::string n_arg = kModelArg + ", N >= 1 (particles)";
  calc.add({"mean_field.n_particle_stationary",
            "p^(N) = N(m* in every block, [a (I_N - 11ᵀ/N) + v 11ᵀ] ⊗ I_d), a = lambda2/(2 lambda1), "
            "v = lambda2/(N (c + 2 lambda1))",
            kMfParticles + " (Uniform log-Sobolev inequality)", n_arg + "; N d <= 500 (the covariance is (N d)² numbers)",
            [](const Node& a) {
              a.object_with({"model", "N"});
              const auto model = mf_model(a.at("model"));
              const int N = particles(a);
              if (static_cast<long long>(N) * model.dim() > 500)
                a.at("N").fail("N d = " + std::to_string(static_cast<long long>(N) * model.dim()) +
                                   " is over 500 (the joint covariance has (N d)² entries)",
                               "use mean_field.n_particle_marginal for large N");
              const auto s = theory::quadratic_mf_n_particle_stationary(model, N);
              return json{{"mean", vector_json(s.mean)}, {"cov", matrix_json(s.cov)}};
            }});
  calc.add({"mean_field.n_particle_marginal_variance",
            "s_N = a - lambda2 c/(2 lambda1 (c + 2 lambda1) N), a = lambda2/(2 lambda1) (per coordinate)", kMfParticles,
            n_arg, [](const Node& a) {
              a.object_with({"model", "N"});
              return json(theory::quadratic_mf_n_particle_marginal_variance(mf_model(a.at("model")), particles(a)));
            }});
  calc.add({"mean_field.n_particle_marginal", "one-particle marginal N(m*, s_N I_d) (mean unbiased)", kMfParticles, n_arg,
            [](const Node& a) {
              a.object_with({"model", "N"});
              return gaussian_json(theory::quadratic_mf_n_particle_marginal(mf_model(a.at("model")), particles(a)));
            }});
  calc.add({"mean_field.n_particle_variance_bias", "s_N - lambda2/(2 lambda1) = -lambda2 c/(2 lambda1 (c + 2 lambda1) N)",
            kMfParticles, n_arg, [](const Node& a) {
              a.object_with({"model", "N"});
              return json(theory::quadratic_mf_n_particle_variance_bias(mf_model(a.at("model")), particles(a)));
            }});
  calc.add({"mean_field.n_particle_free_energy_gap", "(1/N) L^N(p^(N)) - L(mu*) = (lambda2 d/(2N)) ln(1 + c/(2 lambda1))",
            kMfParticles, n_arg, [](const Node& a) {
              a.object_with({"model", "N"});
              return json(theory::quadratic_mf_n_particle_free_energy_gap(mf_model(a.at("model")), particles(a)));
            }});

  // Discrete-time MFLD on the quadratic model: the exact N-particle law after k steps of step eta.
  const std::string law_json_note = "{mean: m_k, mean_mode_cov: V_k, deviation_cov: D_k, marginal_cov: V_k + (1 - 1/N) D_k, cross_cov: V_k - D_k/N}";
  const std::string kMfldDiscrete = kMfParticles + " (exact discrete law of lib/mfld's full-gradient MFLD)";
  auto law_json = [](const theory::MfldDiscreteLaw& l) {
    return json{{"N", l.N},
                {"mean", vector_json(l.mean)},
                {"mean_mode_cov", matrix_json(l.mean_mode_cov)},
                {"deviation_cov", matrix_json(l.deviation_cov)},
                {"marginal_cov", matrix_json(l.marginal_cov)},
                {"cross_cov", matrix_json(l.cross_cov)}};
  };
  auto step = [](const Node& a) { return pos(a, "eta"); };
  calc.add({"mean_field.mfld_step_limit", "min(2/(c + 2 lambda1), 1/lambda1): discrete MFLD is stable iff 0 < eta < this",
            kMfldDiscrete, kModelArg, [](const Node& a) {
              a.object_with({"model"});
              return json(theory::quadratic_mf_mfld_step_limit(mf_model(a.at("model"))));
            }});
  calc.add({"mean_field.mfld_law",
            "after k steps from iid N(m0, S0): mean mode N(m_k, V_k), deviations P ⊗ D_k (rho = 1 - eta (c + 2 lambda1), "
            "q = 1 - 2 eta lambda1); " + law_json_note,
            kMfldDiscrete, n_arg + ", mu0: {mean, cov} (start), eta in (0, mfld_step_limit), k >= 0 (steps)",
            [law_json, step](const Node& a) {
              a.object_with({"model", "mu0", "N", "eta", "k"});
              const auto k = static_cast<unsigned long long>(a.at("k").integer(0, 1000000000000LL));
              return law_json(theory::quadratic_mf_mfld_law(mf_model(a.at("model")), gaussian(a.at("mu0")), particles(a), step(a), k));
            }});
  calc.add({"mean_field.mfld_stationary",
            "k -> inf: V_inf = lambda2/(N (c + 2 lambda1)(1 - eta (c + 2 lambda1)/2)), D_inf = lambda2/(2 lambda1 (1 - eta lambda1)); " +
                law_json_note,
            kMfldDiscrete, n_arg + ", eta in (0, mfld_step_limit)", [law_json, step](const Node& a) {
              a.object_with({"model", "N", "eta"});
              return law_json(theory::quadratic_mf_mfld_stationary(mf_model(a.at("model")), particles(a), step(a)));
            }});
  calc.add({"mean_field.mfld_step_bias", "D_inf - a = lambda2 eta/(2 (1 - eta lambda1)) (N = inf variance bias of the step)",
            kMfldDiscrete, kModelArg + ", eta in (0, mfld_step_limit)", [step](const Node& a) {
              a.object_with({"model", "eta"});
              return json(theory::quadratic_mf_mfld_step_bias(mf_model(a.at("model")), step(a)));
            }});
  calc.add({"mean_field.mfld_chaos_bias", "s_N(eta) - D_inf = V_inf - D_inf/N (exactly ∝ 1/N; per coordinate)", kMfldDiscrete,
            n_arg + ", eta in (0, mfld_step_limit)", [step](const Node& a) {
              a.object_with({"model", "N", "eta"});
              return json(theory::quadratic_mf_mfld_chaos_bias(mf_model(a.at("model")), particles(a), step(a)));
            }});

  // Nonlinear objectives: LSI of the proximal Gibbs measure by Holley–Stroock (theory/mean_field_nonlinear.hpp).
  const std::string kHsSource = "lecture notes, Bounded perturbation lemma (Holley-Stroock) and Log Sobolev for Lipschitz cont. obj; "
                                "Holley & Stroock (1987); theory/mean_field_nonlinear.hpp";
  calc.add({"mean_field.holley_stroock_lsi", "alpha = (2 lambda1/lambda2) exp(-osc/lambda2) (LSI of p_mu ∝ exp(-(g_mu + lambda1 ||w||²)/lambda2))",
            kHsSource, "lambda1 > 0, lambda2 > 0, osc >= 0 (oscillation sup g_mu - inf g_mu of the bounded part)", [](const Node& a) {
              a.object_with({"lambda1", "lambda2", "osc"});
              return json(theory::mfld_holley_stroock_lsi(pos(a, "lambda1"), pos(a, "lambda2"), nonneg(a, "osc")));
            }});
  calc.add({"mean_field.single_index_tanh_uniform_oscillation",
            "(2/n) Σ_j (1 + |y_j|) >= osc g_mu for every mu (single-index tanh model, squared loss)", kHsSource,
            "y: [..] (the n targets)", [](const Node& a) {
              a.object_with({"y"});
              const auto y = a.at("y").numbers(1, kMaxLength, -kBig, kBig, false);
              return json(theory::single_index_tanh_uniform_oscillation(y));
            }});

  // Uniform-in-N LSI and the SGD-MFLD / SVRG-MFLD prescriptions (hidden constants set to 1).
  calc.add({"mean_field.uniform_in_n_lsi_bias", "C_{lambda2} / (N lambda2 alpha)",
            "lecture notes, Uniform log-Sobolev inequality (Chen, Ren & Wang 2022); theory/mean_field.hpp",
            "C >= 0 (the notes' unspecified C_{lambda2}), N >= 1 (particles), " + kRates,
            [](const Node& a) {
              a.object_with({"C", "N", "lambda2", "alpha"});
              const double C = nonneg(a, "C"), N = a.at("N").number(1.0, kBig), lambda2 = pos(a, "lambda2");
              return json(theory::uniform_in_n_lsi_bias(C, N, lambda2, pos(a, "alpha")));
            }});
  calc.add({"mean_field.minibatch_variance_factor", "(n - B)/(B (n - 1)) (without replacement; 1 at B = 1, 0 at B = n)",
            kSgdSource, kBatch, [](const Node& a) {
              a.object_with({"n", "B"});
              const double n = a.at("n").number(2.0, kBig);
              return json(theory::minibatch_variance_factor(n, a.at("B").number(1.0, kBig)));
            }});
  calc.add({"mean_field.sgd_mfld_bound_unit_constants",
            "exp(-lambda2 eta k alpha) + (1/(alpha lambda2))(eta² + lambda2 eta + 1/N + (n - B) sqrt(eta lambda2)/(B (n - 1)))",
            kSgdSource,
            "eta > 0 (step), k >= 0 (iterations), " + kRates + ", N >= 1 (particles), " + kBatch +
                "; hidden constants set to 1 (a shape, not a bound)",
            [](const Node& a) {
              a.object_with({"eta", "k", "alpha", "lambda2", "N", "n", "B"});
              const double eta = pos(a, "eta"), k = nonneg(a, "k"), alpha = pos(a, "alpha"), lambda2 = pos(a, "lambda2");
              const double N = a.at("N").number(1.0, kBig), n = a.at("n").number(2.0, kBig);
              return json(theory::sgd_mfld_bound_unit_constants(eta, k, alpha, lambda2, N, n, a.at("B").number(1.0, kBig)));
            }});
  const std::string sgd_plan_arg = "0 < eps < 1 (target accuracy), " + kRates + ", " + kBatch + "; constants set to 1";
  calc.add({"mean_field.sgd_mfld_step_size_unit_constants",
            "eta = eps alpha ∧ (lambda2 eps alpha)² B² (n - 1)²/((n - B)² lambda2) ∧ sqrt(lambda2 eps alpha)", kSgdSource,
            sgd_plan_arg, [](const Node& a) {
              a.object_with({"eps", "alpha", "lambda2", "n", "B"});
              const double eps = accuracy(a), alpha = pos(a, "alpha"), lambda2 = pos(a, "lambda2");
              const double n = a.at("n").number(2.0, kBig);
              return json(theory::sgd_mfld_step_size_unit_constants(eps, alpha, lambda2, n, a.at("B").number(1.0, kBig)));
            }});
  calc.add({"mean_field.sgd_mfld_iterations_unit_constants",
            "k = (1/(eps alpha) + (1/(lambda2 eps alpha))² lambda2 (n - B)²/(B² (n - 1)²) + sqrt(1/(lambda2 alpha eps))) "
            "(1/(lambda2 alpha)) log(1/eps)",
            kSgdSource, sgd_plan_arg, [](const Node& a) {
              a.object_with({"eps", "alpha", "lambda2", "n", "B"});
              const double eps = accuracy(a), alpha = pos(a, "alpha"), lambda2 = pos(a, "lambda2");
              const double n = a.at("n").number(2.0, kBig);
              return json(theory::sgd_mfld_iterations_unit_constants(eps, alpha, lambda2, n, a.at("B").number(1.0, kBig)));
            }});
  calc.add({"mean_field.sgd_mfld_optimal_batch_size", "B = n ∧ sqrt(1/(lambda2 alpha eps)) (real-valued)", kSgdSource,
            "0 < eps < 1, " + kRates + ", n >= 2 (finite-sum size)", [](const Node& a) {
              a.object_with({"eps", "alpha", "lambda2", "n"});
              const double eps = accuracy(a), alpha = pos(a, "alpha"), lambda2 = pos(a, "lambda2");
              return json(theory::sgd_mfld_optimal_batch_size(eps, alpha, lambda2, a.at("n").number(2.0, kBig)));
            }});
  calc.add({"mean_field.svrg_mfld_bound_unit_constants",
            "exp(-lambda2 eta k alpha) + (1/(lambda2 alpha))(eta² + lambda2 eta + 1/N "
            "+ ((n - B)/(B (n - 1))) lambda2^{1/2} eta sqrt(m (eta + lambda2)))",
            kSvrgSource,
            "eta > 0 (step), k >= 0 (iterations), " + kRates + ", N >= 1 (particles), " + kBatch +
                ", m >= 1 (epoch length); hidden constants set to 1 (a shape, not a bound)",
            [](const Node& a) {
              a.object_with({"eta", "k", "alpha", "lambda2", "N", "n", "B", "m"});
              const double eta = pos(a, "eta"), k = nonneg(a, "k"), alpha = pos(a, "alpha"), lambda2 = pos(a, "lambda2");
              const double N = a.at("N").number(1.0, kBig), n = a.at("n").number(2.0, kBig);
              const double B = a.at("B").number(1.0, kBig), m = a.at("m").number(1.0, kBig);
              return json(theory::svrg_mfld_bound_unit_constants(eta, k, alpha, lambda2, N, n, B, m));
            }});
  const std::string svrg_plan_arg = "0 < eps < 1 (target accuracy), " + kRates;
  calc.add({"mean_field.svrg_mfld_step_size", "eta = eps alpha ∧ sqrt(lambda2 alpha eps)", kSvrgSource, svrg_plan_arg,
            [](const Node& a) {
              a.object_with({"eps", "alpha", "lambda2"});
              const double eps = accuracy(a), alpha = pos(a, "alpha");
              return json(theory::svrg_mfld_step_size(eps, alpha, pos(a, "lambda2")));
            }});
  calc.add({"mean_field.svrg_mfld_iterations", "k = log(1/eps)/(lambda2 alpha eta), eta = eps alpha ∧ sqrt(lambda2 alpha eps)",
            kSvrgSource, svrg_plan_arg, [](const Node& a) {
              a.object_with({"eps", "alpha", "lambda2"});
              const double eps = accuracy(a), alpha = pos(a, "alpha");
              return json(theory::svrg_mfld_iterations(eps, alpha, pos(a, "lambda2")));
            }});
  calc.add({"mean_field.svrg_mfld_batch_size", "B = sqrt(m) = n^{1/3} (real-valued)", kSvrgSource,
            "n >= 1 (finite-sum size)", [](const Node& a) {
              a.object_with({"n"});
              return json(theory::svrg_mfld_batch_size(a.at("n").number(1.0, kBig)));
            }});
  calc.add({"mean_field.svrg_mfld_epoch_length", "m = n^{2/3} (real-valued)", kSvrgSource, "n >= 1 (finite-sum size)",
            [](const Node& a) {
              a.object_with({"n"});
              return json(theory::svrg_mfld_epoch_length(a.at("n").number(1.0, kBig)));
            }});
  calc.add({"mean_field.svrg_mfld_gradient_evaluations",
            "B k + n k/m = 2 n^{1/3} k (B = n^{1/3}, m = n^{2/3}, k = svrg_mfld_iterations); full-gradient MFLD: n k",
            kSvrgSource, svrg_plan_arg + ", n >= 1 (finite-sum size)", [](const Node& a) {
              a.object_with({"eps", "alpha", "lambda2", "n"});
              const double eps = accuracy(a), alpha = pos(a, "alpha"), lambda2 = pos(a, "lambda2");
              return json(theory::svrg_mfld_gradient_evaluations(eps, alpha, lambda2, a.at("n").number(1.0, kBig)));
            }});
}

void register_dual_entries(TheoryCalculator& calc) {
  calc.add({"dual.squared_loss_conjugate", "l*(g) = sup_u {u g - (u - y)²/2} = g²/2 + g y", kDualSource,
            "g (dual variable), y (target)", [](const Node& a) {
              a.object_with({"g", "y"});
              const double g = num(a, "g");
              return json(theory::squared_loss_conjugate(g, num(a, "y")));
            }});
  calc.add({"dual.primal_value",
            "P(N(m, S)) = (1/(2n))||X m - y||² + lambda1 (||m||² + tr S) - (lambda2/2) ln det(2πe S)", kDualSource,
            kProblemArg + ", mu: " + kGaussianArg + " (d = columns of X)", [](const Node& a) {
              a.object_with({"problem", "mu"});
              return json(theory::primal_value(ls_problem(a.at("problem")), gaussian(a.at("mu"))));
            }});
  const std::string g_arg = kProblemArg + ", g: [..] (n dual variables)";
  calc.add({"dual.log_partition", "lambda2 log ∫ q[g] = (lambda2 d/2) ln(π lambda2/lambda1) + ||Xᵀg/n||²/(4 lambda1)",
            kDualSource, g_arg, [](const Node& a) {
              a.object_with({"problem", "g"});
              return json(theory::dual_log_partition(ls_problem(a.at("problem")), vector_arg(a.at("g"))));
            }});
  calc.add({"dual.value", "D(g) = -(1/n) Σ l_i*(g_i) - lambda2 log ∫ q[g] (maximised; weak duality P(mu) >= D(g))",
            kDualSource, g_arg, [](const Node& a) {
              a.object_with({"problem", "g"});
              return json(theory::dual_value(ls_problem(a.at("problem")), vector_arg(a.at("g"))));
            }});
  calc.add({"dual.value_notes_sign",
            "D_notes(g) = (1/n) Σ l_i*(g_i) + lambda2 log ∫ q[g] = -D(g) (the notes' sign: minimised, min P = -min D_notes)",
            kDualSource, g_arg, [](const Node& a) {
              a.object_with({"problem", "g"});
              return json(theory::dual_value_notes_sign(ls_problem(a.at("problem")), vector_arg(a.at("g"))));
            }});
  calc.add({"dual.gibbs", "p[g] = q[g]/∫q[g] = N(-Xᵀg/(2 n lambda1), lambda2/(2 lambda1) I)", kDualSource, g_arg,
            [](const Node& a) {
              a.object_with({"problem", "g"});
              return gaussian_json(theory::dual_gibbs(ls_problem(a.at("problem")), vector_arg(a.at("g"))));
            }});
  calc.add({"dual.primal_optimum", "mu* = N(m*, lambda2/(2 lambda1) I), (XᵀX/n + 2 lambda1 I) m* = Xᵀy/n", kDualSource,
            kProblemArg, [](const Node& a) {
              a.object_with({"problem"});
              return gaussian_json(theory::primal_optimum(ls_problem(a.at("problem"))));
            }});
  calc.add({"dual.optimum", "g*_i = x_i·m* - y_i = l_i'(E_{mu*} h_i) (p[g*] = mu*, P(mu*) = D(g*))", kDualSource,
            kProblemArg, [](const Node& a) {
              a.object_with({"problem"});
              return vector_json(theory::dual_optimum(ls_problem(a.at("problem"))));
            }});
  calc.add({"dual.duality_gap", "P(mu) - D(g) (>= 0 by weak duality; = P(mu) + D_notes(g))", kDualSource,
            kProblemArg + ", mu: " + kGaussianArg + " (d = columns of X), g: [..] (n dual variables)",
            [](const Node& a) {
              a.object_with({"problem", "mu", "g"});
              return json(theory::duality_gap(ls_problem(a.at("problem")), gaussian(a.at("mu")), vector_arg(a.at("g"))));
            }});

  // Complexity statements of the notes.
  calc.add({"dual.psdca_outer_iterations", "t_end = 2 (n + 1/(lambda2 gamma)) log(n C/eps_P) (0 when n C <= eps_P)",
            "lecture notes, P-SDCA 計算量解析 / 定理 (収束レート) (Oko, Suzuki, Nitanda & Wu 2022); theory/dual.hpp",
            "n >= 1 (samples), lambda2 > 0, gamma > 0 (l_i is 1/gamma-smooth), C > 0 (initial gap scale), "
            "eps_P > 0 (target expected duality gap)",
            [](const Node& a) {
              a.object_with({"n", "lambda2", "gamma", "C", "eps_P"});
              const double n = a.at("n").number(1.0, kBig), lambda2 = pos(a, "lambda2"), gamma = pos(a, "gamma");
              const double C = pos(a, "C");
              return json(theory::psdca_outer_iterations(n, lambda2, gamma, C, pos(a, "eps_P")));
            }});
  calc.add({"dual.deterministic_dual_iterations_unit_constants",
            "t_end = (n/(lambda2 gamma)) log(1/eps_P) (full dual gradient; the notes' O(.) with constant 1)", kDualSource,
            "n >= 1, lambda2 > 0, gamma > 0, 0 < eps_P < 1", [](const Node& a) {
              a.object_with({"n", "lambda2", "gamma", "eps_P"});
              const double n = a.at("n").number(1.0, kBig), lambda2 = pos(a, "lambda2"), gamma = pos(a, "gamma");
              return json(theory::deterministic_dual_iterations_unit_constants(n, lambda2, gamma,
                                                                               a.at("eps_P").number(0.0, 1.0, true)));
            }});
  calc.add({"dual.pda_outer_bound_unit_constants", "L(q̂) - L(q*) <= O(1/T) + O(1/sqrt(M)) -> 1/T + 1/sqrt(M)",
            kPdaSource + " (Theorem (informal) 1.)", "T >= 1 (outer iterations), M >= 1 (particles)",
            [](const Node& a) {
              a.object_with({"T", "M"});
              const double T = a.at("T").number(1.0, kBig);
              return json(theory::pda_outer_bound_unit_constants(T, a.at("M").number(1.0, kBig)));
            }});
  const std::string inner_arg = "t >= 1 (outer iteration), lambda1 > 0, lambda2 > 0; constants set to 1";
  calc.add({"dual.pda_inner_step_size_unit_constants", "eta_t = lambda1 lambda2/(t² exp(8/lambda2)) (GLD step, inner loop)",
            kPdaSource + " (2. 内側ループ)", inner_arg, [](const Node& a) {
              a.object_with({"t", "lambda1", "lambda2"});
              const double t = a.at("t").number(1.0, kBig), lambda1 = pos(a, "lambda1");
              return json(theory::pda_inner_step_size_unit_constants(t, lambda1, pos(a, "lambda2")));
            }});
  calc.add({"dual.pda_inner_iterations_unit_constants", "T_t = 1/eta_t = t² exp(8/lambda2)/(lambda1 lambda2)",
            kPdaSource + " (2. 内側ループ)", inner_arg, [](const Node& a) {
              a.object_with({"t", "lambda1", "lambda2"});
              const double t = a.at("t").number(1.0, kBig), lambda1 = pos(a, "lambda1");
              return json(theory::pda_inner_iterations_unit_constants(t, lambda1, pos(a, "lambda2")));
            }});
  calc.add({"dual.pda_total_inner_iterations_unit_constants",
            "Σ_{t=1}^T T_t = (exp(8/lambda2)/(lambda1 lambda2)) T(T+1)(2T+1)/6 = O(T³)", kPdaSource,
            "T >= 1 (outer iterations), lambda1 > 0, lambda2 > 0; constants set to 1", [](const Node& a) {
              a.object_with({"T", "lambda1", "lambda2"});
              const double T = a.at("T").number(1.0, kBig), lambda1 = pos(a, "lambda1");
              return json(theory::pda_total_inner_iterations_unit_constants(T, lambda1, pos(a, "lambda2")));
            }});
  calc.add({"dual.pda_average_weight", "2 s/((t + 2)(t + 1)), 1 <= s <= t (weight of g^(s) in ḡ^(t))",
            kPdaSource + " (Algorithm 1)", "s (1 <= s <= t), t >= 1", [](const Node& a) {
              a.object_with({"s", "t"});
              const double s = a.at("s").number(1.0, kBig);
              return json(theory::pda_average_weight(s, a.at("t").number(1.0, kBig)));
            }});
  calc.add({"dual.pda_average_weight_sum", "Σ_{s=1}^t 2 s/((t+2)(t+1)) = t/(t + 2) (not 1)", kPdaSource + " (Algorithm 1)",
            "t >= 1", [](const Node& a) {
              a.object_with({"t"});
              return json(theory::pda_average_weight_sum(a.at("t").number(1.0, kBig)));
            }});
  calc.add({"dual.pda_output_probability", "P[t] = 2t/(T(T + 3)), t ∈ {2, ..., T+1} (sums to 1)",
            kPdaSource + " (Algorithm 1)", "T >= 1 (outer iterations, integer), t (integer, 2 <= t <= T + 1)",
            [](const Node& a) {
              a.object_with({"t", "T"});
              const int t = static_cast<int>(a.at("t").integer(2, 1000000001));
              return json(theory::pda_output_probability(t, static_cast<int>(a.at("T").integer(1, 1000000000))));
            }});
}

}  // namespace ldbench::experiments::calculator_detail
