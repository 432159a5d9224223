// The theory calculator: every registered entry evaluates on sample arguments to exactly what
// the theory/ function returns (so no entry can be added without a test here), and bad
// arguments give one-line errors naming the argument.
#include <gtest/gtest.h>

#include "experiments/calculator.hpp"
#include "theory/diffusion.hpp"
#include "theory/discretization.hpp"
#include "theory/dual.hpp"
#include "theory/gaussian.hpp"
#include "theory/gaussian_mixture.hpp"
#include "theory/kramers.hpp"
#include "theory/lsi.hpp"
#include "theory/mean_field.hpp"
#include "theory/mean_field_nonlinear.hpp"
#include "theory/ou.hpp"
#include "theory/rates.hpp"
#include "theory/ula_gaussian.hpp"
#include "theory/variance_reduction.hpp"

namespace test_calculator {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench;
using experiments::SpecError;
using experiments::TheoryCalculator;
using nlohmann::json;

const theory::Gaussian kP{Eigen::Vector2d(1.0, -0.5), (Eigen::Matrix2d() << 0.5, 0.1, 0.1, 0.8).finished()};
const theory::Gaussian kQ{Eigen::Vector2d(0.0, 0.0), Eigen::Matrix2d::Identity()};
const json kPj = {{"mean", {1.0, -0.5}}, {"cov", {{0.5, 0.1}, {0.1, 0.8}}}};
const json kQj = {{"mean", {0.0, 0.0}}, {"cov", 1.0}};
const theory::GaussianMixture1d kMix{{0.3, 0.7}, {-1.0, 2.0}, {0.2, 0.5}};
const json kMixj = {{"weights", {0.3, 0.7}}, {"means", {-1.0, 2.0}}, {"variances", {0.2, 0.5}}};
const theory::OuParams kOu{2.0, 0.5};

struct Sample {
  json args;
  json expected;
};

// The quadratic mean-field model and the linear squared-loss problem of the "mean_field." and
// "dual." samples (d = 2, like kP; n = 3 samples).
const json kModelj = {{"c", 1.5}, {"b", {1.0, -2.0}}, {"lambda1", 0.7}, {"lambda2", 0.4}};
const json kProblemj = {
    {"X", {{1.0, 0.0}, {0.5, 2.0}, {1.0, 1.0}}}, {"y", {1.0, -1.0, 0.5}}, {"lambda1", 0.3}, {"lambda2", 0.2}};
const json kGj = {0.2, -0.1, 0.4};

theory::QuadraticMeanField model() {
  theory::QuadraticMeanField m;
  m.c = 1.5;
  m.b = Eigen::Vector2d(1.0, -2.0);
  m.lambda1 = 0.7;
  m.lambda2 = 0.4;
  return m;
}

theory::LinearSquaredLossProblem problem() {
  theory::LinearSquaredLossProblem p;
  p.X = (Eigen::Matrix<double, 3, 2>() << 1.0, 0.0, 0.5, 2.0, 1.0, 1.0).finished();
  p.y = Eigen::Vector3d(1.0, -1.0, 0.5);
  p.lambda1 = 0.3;
  p.lambda2 = 0.2;
  return p;
}

json vec(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

json mat(const Eigen::MatrixXd& m) {
  json out = json::array();
  for (long i = 0; i < m.rows(); ++i) out.push_back(vec(m.row(i).transpose()));
  return out;
}

json gauss(const theory::Gaussian& g) { return {{"mean", vec(g.mean)}, {"cov", mat(g.cov)}}; }

// {"model": kModelj} plus `more`.
json with_model(json more = json::object()) {
  more["model"] = kModelj;
  return more;
}

json with_problem(json more = json::object()) {
  more["problem"] = kProblemj;
  return more;
}

json mfld_law_json(const theory::MfldDiscreteLaw& l) {
  return {{"N", l.N},         {"mean", vec(l.mean)},         {"mean_mode_cov", mat(l.mean_mode_cov)}, {"deviation_cov", mat(l.deviation_cov)},
          {"marginal_cov", mat(l.marginal_cov)}, {"cross_cov", mat(l.cross_cov)}};
}

// The entries of the groups added with theory/mean_field.hpp and theory/dual.hpp, plus the
// remaining closed forms of kramers, variance_reduction, discretization, lsi, rates, ou, ula.
std::map<std::string, Sample> more_samples() {
  const auto mf = model();
  const auto pr = problem();
  const Eigen::Vector3d g(0.2, -0.1, 0.4);
  const Eigen::Vector2d x(0.3, -1.2);
  const theory::OuMatrix am{(Eigen::Matrix2d() << 2.0, 0.3, 0.3, 1.0).finished(), 0.5};
  const json amj = {{"A", {{2.0, 0.3}, {0.3, 1.0}}}, {"lambda", 0.5}};
  json ula_stat = amj;
  ula_stat["eta"] = 0.1;
  const theory::DoubleWell1d well{-0.1, 4.0, 0.0, 3.0, 0.25, 2.0};
  const json wellj = {{"U_a", -0.1}, {"Uxx_a", 4.0}, {"U_b", 0.0}, {"Uxx_b", 3.0}, {"U_z", 0.25}, {"Uxx_z_abs", 2.0}};
  const json vrj = {{"n", 10000}, {"d", 5}, {"eps", 0.01}, {"gamma", 1.0}, {"L", 2.0}, {"alpha", 0.5}};
  const auto sandwich = theory::quadratic_mf_entropy_sandwich(mf, kP);
  const auto rhs = theory::quadratic_mf_ode_rhs(mf, kP);
  const auto joint = theory::quadratic_mf_n_particle_stationary(mf, 3);
  return {
      // mean_field.
      {"mean_field.energy", {with_model({{"mu", kPj}}), theory::quadratic_mf_energy(mf, kP)}},
      {"mean_field.objective", {with_model({{"mu", kPj}}), theory::quadratic_mf_objective(mf, kP)}},
      {"mean_field.first_variation",
       {with_model({{"mu", kPj}, {"x", {0.3, -1.2}}}), theory::quadratic_mf_first_variation(mf, kP, x)}},
      {"mean_field.proximal_gibbs", {with_model({{"mu", kPj}}), gauss(theory::quadratic_mf_proximal_gibbs(mf, kP))}},
      {"mean_field.optimum", {with_model(), gauss(theory::quadratic_mf_optimum(mf))}},
      {"mean_field.optimal_value", {with_model(), theory::quadratic_mf_optimal_value(mf)}},
      {"mean_field.entropy_sandwich",
       {with_model({{"mu", kPj}}), {{"lower", sandwich.lower}, {"gap", sandwich.gap}, {"upper", sandwich.upper}}}},
      {"mean_field.flow", {with_model({{"mu0", kPj}, {"t", 0.3}}), gauss(theory::quadratic_mf_flow(mf, kP, 0.3))}},
      {"mean_field.ode_rhs", {with_model({{"mu", kPj}}), {{"dm", vec(rhs.dm)}, {"dS", mat(rhs.dS)}}}},
      {"mean_field.lsi_constant", {with_model(), theory::quadratic_mf_lsi_constant(mf)}},
      {"mean_field.mfld_free_energy_bound",
       {{{"gap0", 2.0}, {"alpha", 3.5}, {"lambda2", 0.4}, {"t", 0.3}}, theory::mfld_free_energy_bound(2.0, 3.5, 0.4, 0.3)}},
      {"mean_field.n_particle_stationary",
       {with_model({{"N", 3}}), {{"mean", vec(joint.mean)}, {"cov", mat(joint.cov)}}}},
      {"mean_field.n_particle_marginal_variance",
       {with_model({{"N", 7}}), theory::quadratic_mf_n_particle_marginal_variance(mf, 7)}},
      {"mean_field.n_particle_marginal", {with_model({{"N", 7}}), gauss(theory::quadratic_mf_n_particle_marginal(mf, 7))}},
      {"mean_field.n_particle_variance_bias",
       {with_model({{"N", 7}}), theory::quadratic_mf_n_particle_variance_bias(mf, 7)}},
      {"mean_field.n_particle_free_energy_gap",
       {with_model({{"N", 7}}), theory::quadratic_mf_n_particle_free_energy_gap(mf, 7)}},
      {"mean_field.mfld_step_limit", {with_model(), theory::quadratic_mf_mfld_step_limit(mf)}},
      {"mean_field.mfld_law",
       {with_model({{"mu0", kPj}, {"N", 7}, {"eta", 0.05}, {"k", 12}}), mfld_law_json(theory::quadratic_mf_mfld_law(mf, kP, 7, 0.05, 12))}},
      {"mean_field.mfld_stationary",
       {with_model({{"N", 7}, {"eta", 0.05}}), mfld_law_json(theory::quadratic_mf_mfld_stationary(mf, 7, 0.05))}},
      {"mean_field.mfld_step_bias", {with_model({{"eta", 0.05}}), theory::quadratic_mf_mfld_step_bias(mf, 0.05)}},
      {"mean_field.mfld_chaos_bias", {with_model({{"N", 7}, {"eta", 0.05}}), theory::quadratic_mf_mfld_chaos_bias(mf, 7, 0.05)}},
      {"mean_field.holley_stroock_lsi",
       {{{"lambda1", 0.5}, {"lambda2", 0.6}, {"osc", 1.3}}, theory::mfld_holley_stroock_lsi(0.5, 0.6, 1.3)}},
      {"mean_field.single_index_tanh_uniform_oscillation",
       {{{"y", {0.5, -1.0, 2.0}}}, theory::single_index_tanh_uniform_oscillation({0.5, -1.0, 2.0})}},
      {"mean_field.uniform_in_n_lsi_bias",
       {{{"C", 2.0}, {"N", 100}, {"lambda2", 0.4}, {"alpha", 3.5}}, theory::uniform_in_n_lsi_bias(2.0, 100, 0.4, 3.5)}},
      {"mean_field.minibatch_variance_factor", {{{"n", 1000}, {"B", 10}}, theory::minibatch_variance_factor(1000, 10)}},
      {"mean_field.sgd_mfld_bound_unit_constants",
       {{{"eta", 0.01}, {"k", 500}, {"alpha", 3.5}, {"lambda2", 0.4}, {"N", 100}, {"n", 1000}, {"B", 10}},
        theory::sgd_mfld_bound_unit_constants(0.01, 500, 3.5, 0.4, 100, 1000, 10)}},
      {"mean_field.sgd_mfld_step_size_unit_constants",
       {{{"eps", 0.05}, {"alpha", 3.5}, {"lambda2", 0.4}, {"n", 1000}, {"B", 10}},
        theory::sgd_mfld_step_size_unit_constants(0.05, 3.5, 0.4, 1000, 10)}},
      {"mean_field.sgd_mfld_iterations_unit_constants",
       {{{"eps", 0.05}, {"alpha", 3.5}, {"lambda2", 0.4}, {"n", 1000}, {"B", 10}},
        theory::sgd_mfld_iterations_unit_constants(0.05, 3.5, 0.4, 1000, 10)}},
      {"mean_field.sgd_mfld_optimal_batch_size",
       {{{"eps", 0.05}, {"alpha", 3.5}, {"lambda2", 0.4}, {"n", 1000}},
        theory::sgd_mfld_optimal_batch_size(0.05, 3.5, 0.4, 1000)}},
      {"mean_field.svrg_mfld_bound_unit_constants",
       {{{"eta", 0.01}, {"k", 500}, {"alpha", 3.5}, {"lambda2", 0.4}, {"N", 100}, {"n", 1000}, {"B", 10}, {"m", 100}},
        theory::svrg_mfld_bound_unit_constants(0.01, 500, 3.5, 0.4, 100, 1000, 10, 100)}},
      {"mean_field.svrg_mfld_step_size",
       {{{"eps", 0.05}, {"alpha", 3.5}, {"lambda2", 0.4}}, theory::svrg_mfld_step_size(0.05, 3.5, 0.4)}},
      {"mean_field.svrg_mfld_iterations",
       {{{"eps", 0.05}, {"alpha", 3.5}, {"lambda2", 0.4}}, theory::svrg_mfld_iterations(0.05, 3.5, 0.4)}},
      {"mean_field.svrg_mfld_batch_size", {{{"n", 1000}}, theory::svrg_mfld_batch_size(1000)}},
      {"mean_field.svrg_mfld_epoch_length", {{{"n", 1000}}, theory::svrg_mfld_epoch_length(1000)}},
      {"mean_field.svrg_mfld_gradient_evaluations",
       {{{"eps", 0.05}, {"alpha", 3.5}, {"lambda2", 0.4}, {"n", 1000}},
        theory::svrg_mfld_gradient_evaluations(0.05, 3.5, 0.4, 1000)}},
      // dual.
      {"dual.squared_loss_conjugate", {{{"g", 0.3}, {"y", -1.5}}, theory::squared_loss_conjugate(0.3, -1.5)}},
      {"dual.primal_value", {with_problem({{"mu", kPj}}), theory::primal_value(pr, kP)}},
      {"dual.log_partition", {with_problem({{"g", kGj}}), theory::dual_log_partition(pr, g)}},
      {"dual.value", {with_problem({{"g", kGj}}), theory::dual_value(pr, g)}},
      {"dual.value_notes_sign", {with_problem({{"g", kGj}}), theory::dual_value_notes_sign(pr, g)}},
      {"dual.gibbs", {with_problem({{"g", kGj}}), gauss(theory::dual_gibbs(pr, g))}},
      {"dual.primal_optimum", {with_problem(), gauss(theory::primal_optimum(pr))}},
      {"dual.optimum", {with_problem(), vec(theory::dual_optimum(pr))}},
      {"dual.duality_gap", {with_problem({{"mu", kPj}, {"g", kGj}}), theory::duality_gap(pr, kP, g)}},
      {"dual.psdca_outer_iterations",
       {{{"n", 100}, {"lambda2", 0.2}, {"gamma", 1.0}, {"C", 2.0}, {"eps_P", 0.01}},
        theory::psdca_outer_iterations(100, 0.2, 1.0, 2.0, 0.01)}},
      {"dual.deterministic_dual_iterations_unit_constants",
       {{{"n", 100}, {"lambda2", 0.2}, {"gamma", 1.0}, {"eps_P", 0.01}},
        theory::deterministic_dual_iterations_unit_constants(100, 0.2, 1.0, 0.01)}},
      {"dual.pda_outer_bound_unit_constants", {{{"T", 50}, {"M", 400}}, theory::pda_outer_bound_unit_constants(50, 400)}},
      {"dual.pda_inner_step_size_unit_constants",
       {{{"t", 3}, {"lambda1", 0.3}, {"lambda2", 2.0}}, theory::pda_inner_step_size_unit_constants(3, 0.3, 2.0)}},
      {"dual.pda_inner_iterations_unit_constants",
       {{{"t", 3}, {"lambda1", 0.3}, {"lambda2", 2.0}}, theory::pda_inner_iterations_unit_constants(3, 0.3, 2.0)}},
      {"dual.pda_total_inner_iterations_unit_constants",
       {{{"T", 10}, {"lambda1", 0.3}, {"lambda2", 2.0}}, theory::pda_total_inner_iterations_unit_constants(10, 0.3, 2.0)}},
      {"dual.pda_average_weight", {{{"s", 2}, {"t", 5}}, theory::pda_average_weight(2, 5)}},
      {"dual.pda_average_weight_sum", {{{"t", 5}}, theory::pda_average_weight_sum(5)}},
      {"dual.pda_output_probability", {{{"t", 4}, {"T", 5}}, theory::pda_output_probability(4, 5)}},
      // kramers., vr., vw., lsi., rates., ou., ula.
      {"kramers.escape_rate",
       {{{"Uxx_min", 4.0}, {"Uxx_saddle_abs", 2.0}, {"barrier", 0.25}, {"lambda", 0.08}},
        theory::kramers_escape_rate(4.0, 2.0, 0.25, 0.08)}},
      {"kramers.spectral_gap_1d", {{{"well", wellj}, {"lambda", 0.08}}, theory::kramers_spectral_gap_1d(well, 0.08)}},
      {"vr.gld_gradient_complexity_leading", {vrj, theory::gld_gradient_complexity_leading(10000, 5, 0.01, 1.0, 2.0, 0.5)}},
      {"vr.sarah_ld_gradient_complexity_leading",
       {vrj, theory::sarah_ld_gradient_complexity_leading(10000, 5, 0.01, 1.0, 2.0, 0.5)}},
      {"vr.ld_gradient_complexity_leading_literal_sqrt_nd",
       {vrj, theory::vr_ld_gradient_complexity_leading_literal_sqrt_nd(10000, 5, 0.01, 1.0, 2.0, 0.5)}},
      {"vr.inner_loop_length", {{{"n", 10001}}, theory::vr_inner_loop_length(10001)}},
      {"vr.batch_size", {{{"n", 10001}}, theory::vr_batch_size(10001)}},
      {"vw.step_from_suite", {{{"eta", 0.01}, {"lambda", 0.5}}, theory::vw_step_from_suite(0.01, 0.5)}},
      {"vw.smoothness_from_suite", {{{"L_U", 2.0}, {"lambda", 0.5}}, theory::vw_smoothness_from_suite(2.0, 0.5)}},
      {"vw.step_limit", {{{"alpha", 1.0}, {"L_f", 2.0}}, theory::vw_step_limit(1.0, 2.0)}},
      {"vw.ula_bias", {{{"h", 0.01}, {"alpha", 1.0}, {"L_f", 2.0}, {"d", 3}}, theory::vw_ula_bias(0.01, 1.0, 2.0, 3)}},
      {"vw.ula_kl_bound_suite",
       {{{"kl0", 2.0}, {"k", 30}, {"eta", 0.01}, {"lambda", 0.5}, {"alpha", 1.0}, {"L_U", 2.0}, {"d", 3}},
        theory::vw_ula_kl_bound_suite(2.0, 30, 0.01, 0.5, 1.0, 2.0, 3)}},
      {"vw.ula_gradient_evaluations",
       {{{"eps", 0.1}, {"kl0", 2.0}, {"alpha", 1.0}, {"L_f", 1.0}, {"d", 3}, {"n", 1000}},
        theory::vw_ula_gradient_evaluations(0.1, 2.0, 1.0, 1.0, 3, 1000)}},
      {"lsi.mfld_bounded_notes",
       {{{"lambda1", 1.0}, {"lambda2", 0.5}, {"R", 0.2}}, theory::notes_mfld_bounded_lsi_as_written(1.0, 0.5, 0.2)}},
      {"rates.minimax_w1_rate_exponent",
       {{{"s", 2.0}, {"d", 3}, {"delta", 0.1}}, theory::minimax_w1_rate_exponent(2.0, 3, 0.1)}},
      {"ou.stationary", {{{"d", 3}, {"a", 2.0}, {"lambda", 0.5}}, gauss(theory::ou_stationary(3, kOu))}},
      {"ou.stationary_matrix", {amj, gauss(theory::ou_stationary(am))}},
      {"ula.stationary_matrix", {ula_stat, gauss(theory::ula_stationary(0.1, am))}},
      {"rates.two_phase_gld_risk_unit_constant",
       {{{"sigma_min", 0.5}, {"m", 3}, {"n", 1000.0}}, theory::two_phase_gld_risk_unit_constant(0.5, 3, 1000.0)}},
  };
}

// The "diffusion." entries (calculator_diffusion.cpp), on 2-D Gaussian data kP.
std::map<std::string, Sample> diffusion_samples() {
  const theory::Gaussian gamma{Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity()};
  const Eigen::Vector2d bias(0.1, -0.2);
  const auto sde = theory::diffusion_reverse_sde_law(kP, gamma, 2.0, 0.1, bias);
  const auto grid = theory::diffusion_time_grid(2.0, 0.05, 20, theory::TimeSpacing::uniform_log_snr);
  const auto heun = theory::diffusion_reverse_solver_law(kP, gamma, theory::ReverseSolver::heun, grid, Eigen::Vector2d::Zero());
  const theory::GaussianMixture mix({0.3, 0.7}, {kP, kQ});
  const auto pt = theory::diffusion_forward_marginal(mix, 0.4);
  const Eigen::Vector2d x(0.3, -1.2);
  const json mixj = {{"weights", {0.3, 0.7}}, {"components", {kPj, kQj}}};
  return {
      {"diffusion.forward_marginal", {{{"data", kPj}, {"t", 0.3}}, gauss(theory::diffusion_forward_marginal(kP, 0.3))}},
      {"diffusion.mixture_score",
       {{{"data", mixj}, {"t", 0.4}, {"x", {0.3, -1.2}}},
        {{"score", {pt.score(x)(0), pt.score(x)(1)}}, {"log_density", pt.log_density(x)}}}},
      {"diffusion.dsm_esm_gap", {{{"data", kPj}, {"t", 0.3}}, theory::diffusion_dsm_esm_gap(kP, 0.3)}},
      {"diffusion.reverse_initialization_kl_bound",
       {{{"kl_data_to_gamma", 1.5}, {"T", 2.0}}, theory::reverse_initialization_kl_bound(1.5, 2.0)}},
      {"diffusion.reverse_initialization_tv_bound",
       {{{"kl_data_to_gamma", 1.5}, {"T", 2.0}}, theory::reverse_initialization_tv_bound(1.5, 2.0)}},
      {"diffusion.reverse_girsanov_kl_bound",
       {{{"kl_init", 0.02}, {"score_mse_integral", 0.1}}, theory::reverse_girsanov_kl_bound(0.02, 0.1)}},
      {"diffusion.reverse_sde_law",
       {{{"data", kPj}, {"T", 2.0}, {"t", 0.1}, {"score_bias", {0.1, -0.2}}},
        {{"law", gauss(sde)}, {"kl_forward_marginal_to_law", theory::kl(theory::diffusion_forward_marginal(kP, 0.1), sde)}}}},
      {"diffusion.reverse_solver_law",
       {{{"data", kPj}, {"solver", "heun"}, {"T", 2.0}, {"t_min", 0.05}, {"steps", 20}},
        {{"law", gauss(heun)},
         {"kl_forward_marginal_to_law", theory::kl(theory::diffusion_forward_marginal(kP, 0.05), heun)},
         {"claimed_order", 2},
         {"score_evaluations", 40}}}},
      {"diffusion.log_snr", {{{"t", 0.3}}, theory::diffusion_log_snr(0.3)}},
  };
}

std::map<std::string, Sample> samples() {
  const auto law = theory::ou_law(kP, 0.3, kOu);
  const auto mix = theory::ou_mixture_law(kMix, 0.3, kOu);
  const auto ula = theory::ula_moments(7, 0.1, 1.5, 0.2, kOu);
  const theory::OuMatrix am{(Eigen::Matrix2d() << 2.0, 0.3, 0.3, 1.0).finished(), 0.5};
  const json amj = {{"A", {{2.0, 0.3}, {0.3, 1.0}}}, {"lambda", 0.5}};
  const auto mlaw = theory::ou_law(kP, 0.3, am);
  const auto ulaw = theory::ula_law(kP, 7, 0.1, am);
  auto gj = [](const theory::Gaussian& g) {
    return json{{"mean", {g.mean(0), g.mean(1)}}, {"cov", {{g.cov(0, 0), g.cov(0, 1)}, {g.cov(1, 0), g.cov(1, 1)}}}};
  };
  json ou_matrix_args = amj, ula_law_args = amj, bias_args = amj;
  ou_matrix_args.update({{"start", kPj}, {"t", 0.3}});
  ula_law_args.update({{"start", kPj}, {"k", 7}, {"eta", 0.1}});
  bias_args["eta"] = 0.1;
  return {
      {"gaussian.kl", {{{"p", kPj}, {"q", kQj}}, theory::kl(kP, kQ)}},
      {"gaussian.relative_fisher", {{{"p", kPj}, {"q", kQj}}, theory::relative_fisher(kP, kQ)}},
      {"gaussian.neg_entropy", {{{"p", kPj}}, theory::neg_entropy(kP)}},
      {"gaussian.w2_squared", {{{"p", kPj}, {"q", kQj}}, theory::w2_squared(kP, kQ)}},
      {"ou.mean", {{{"t", 0.3}, {"m0", 1.5}, {"a", 2.0}, {"lambda", 0.5}}, theory::ou_mean(0.3, 1.5, kOu)}},
      {"ou.variance", {{{"t", 0.3}, {"v0", 0.2}, {"a", 2.0}, {"lambda", 0.5}}, theory::ou_variance(0.3, 0.2, kOu)}},
      {"ou.transition_density",
       {{{"x", 0.4}, {"x0", 1.0}, {"t", 0.3}, {"a", 2.0}, {"lambda", 0.5}},
        theory::ou_transition_density(0.4, 1.0, 0.3, kOu)}},
      {"ou.law",
       {{{"start", kPj}, {"t", 0.3}, {"a", 2.0}, {"lambda", 0.5}},
        {{"mean", {law.mean(0), law.mean(1)}}, {"cov", {{law.cov(0, 0), law.cov(0, 1)}, {law.cov(1, 0), law.cov(1, 1)}}}}}},
      {"ou.law_matrix", {ou_matrix_args, gj(mlaw)}},
      {"ula.law_matrix", {ula_law_args, gj(ulaw)}},
      {"ula.stationary_bias_kl", {bias_args, theory::ula_stationary_bias_kl(0.1, am)}},
      {"vw.ula_kl_bound",
       {{{"kl0", 2.0}, {"k", 30}, {"h", 0.01}, {"alpha", 1.0}, {"L_f", 1.0}, {"d", 3}},
        theory::vw_ula_kl_bound(2.0, 30, 0.01, 1.0, 1.0, 3)}},
      {"vw.ula_plan",
       {{{"eps", 0.1}, {"kl0", 2.0}, {"alpha", 1.0}, {"L_f", 1.0}, {"d", 3}},
        [] {
          const auto p = theory::vw_ula_plan(0.1, 2.0, 1.0, 1.0, 3);
          return json{{"h", p.h}, {"iterations", p.iterations}, {"bound_at_k", p.bound_at_k}};
        }()}},
      {"vr.svrg_ld_gradient_complexity_leading",
       {{{"n", 10000}, {"d", 5}, {"eps", 0.01}, {"gamma", 1.0}, {"L", 2.0}, {"alpha", 0.5}},
        theory::svrg_ld_gradient_complexity_leading(10000, 5, 0.01, 1.0, 2.0, 0.5)}},
      {"rates.linear_estimator_lower_bound_exponent", {{{"d", 2}}, theory::linear_estimator_lower_bound_exponent(2)}},
      {"rates.minimax_tv_rate_exponent", {{{"s", 1.0}, {"d", 1}}, theory::minimax_tv_rate_exponent(1.0, 1)}},
      {"lsi.bakry_emery", {{{"kappa", 2.0}, {"lambda", 0.5}}, theory::bakry_emery_lsi(2.0, 0.5)}},
      {"lsi.holley_stroock_notes", {{{"alpha_nu", 2.0}, {"B", 0.3}}, theory::holley_stroock_lsi_notes(2.0, 0.3)}},
      {"lsi.holley_stroock_osc", {{{"alpha_nu", 2.0}, {"osc", 0.6}}, theory::holley_stroock_lsi_osc(2.0, 0.6)}},
      {"lsi.bounded_perturbation_example",
       {{{"lambda1", 1.0}, {"B", 0.3}, {"lambda", 0.5}}, theory::bounded_perturbation_example_lsi(1.0, 0.3, 0.5)}},
      {"lsi.lipschitz_miclo_notes",
       {{{"lambda1", 1.0}, {"lambda2", 1.0}, {"R", 1.0}, {"d", 1}},
        [] {
          const auto r = theory::notes_lipschitz_miclo_lsi_as_written(1.0, 1.0, 1.0, 1);
          return json{{"miclo_term", r.miclo_term}, {"lipschitz_term", r.lipschitz_term},
                      {"lipschitz_term_applies", r.lipschitz_term_applies}, {"value", r.value}};
        }()}},
      {"kramers.spectral_gap_symmetric",
       {{{"Uxx_min", 4.0}, {"Uxx_saddle_abs", 2.0}, {"barrier", 0.25}, {"lambda", 0.08}},
        theory::kramers_spectral_gap_symmetric(4.0, 2.0, 0.25, 0.08)}},
      {"lsi.upper_bound_from_gap", {{{"rho", 0.0355}, {"lambda", 0.08}}, theory::lsi_upper_bound_from_gap(0.0355, 0.08)}},
      {"lsi.gaussian_constant", {{{"s2", 4.0}}, theory::gaussian_lsi_constant(4.0)}},
      {"lsi.kl_rate", {{{"alpha", 0.5}, {"lambda", 0.2}}, theory::lsi_kl_rate(0.5, 0.2)}},
      {"lsi.kl_bound",
       {{{"kl0", 2.0}, {"alpha", 0.5}, {"lambda", 0.2}, {"t", 3.0}}, theory::lsi_kl_bound(2.0, 0.5, 0.2, 3.0)}},
      {"ula.moments",
       {{{"k", 7}, {"eta", 0.1}, {"m0", 1.5}, {"v0", 0.2}, {"a", 2.0}, {"lambda", 0.5}},
        {{"mean", ula.mean}, {"variance", ula.variance}}}},
      {"ula.stationary_variance",
       {{{"eta", 0.1}, {"a", 2.0}, {"lambda", 0.5}}, theory::ula_stationary_variance(0.1, kOu)}},
      {"mixture.ou_law",
       {{{"start", kMixj}, {"t", 0.3}, {"a", 2.0}, {"lambda", 0.5}},
        {{"weights", mix.weights}, {"means", mix.means}, {"variances", mix.variances}}}},
      {"mixture.kl_to_centered_gaussian", {{{"p", kMixj}, {"v", 1.5}}, theory::kl_to_centered_gaussian(kMix, 1.5)}},
      {"mixture.fisher_to_centered_gaussian",
       {{{"p", kMixj}, {"v", 1.5}}, theory::fisher_to_centered_gaussian(kMix, 1.5)}},
  };
}

TEST(Calculator, EveryEntryMatchesItsTheoryFunction) {
  const TheoryCalculator calc;
  auto s = samples();
  for (auto& [name, sample] : more_samples()) ASSERT_TRUE(s.emplace(name, sample).second) << name << " sampled twice";
  for (auto& [name, sample] : diffusion_samples()) ASSERT_TRUE(s.emplace(name, sample).second) << name << " sampled twice";
  for (const auto& [name, entry] : calc.entries()) {
    ASSERT_TRUE(s.count(name)) << name << " has no sample in this test: add one";
    EXPECT_FALSE(entry.formula.empty() || entry.source.empty() || entry.args.empty()) << name;
    const json out = calc.eval(name, s.at(name).args, "--args");
    EXPECT_EQ(out["value"], s.at(name).expected) << name;  // bit-identical: the same function
    EXPECT_EQ(out["name"], name);
    EXPECT_EQ(out["args"], s.at(name).args);
  }
  EXPECT_EQ(s.size(), calc.entries().size()) << "a sample names an entry that is not registered";
}

std::string error_of(const std::string& name, const json& args) {
  try {
    TheoryCalculator().eval(name, args, "--args");
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Calculator, BadArgumentsNameTheArgument) {
  EXPECT_EQ(error_of("lsi.kl_bound", {{"kl0", 1}, {"alpha", 1}, {"lambda", 1}, {"t", 1}, {"x", 2}}),
            "--args: /x: unknown field \"x\"; allowed fields: kl0, alpha, lambda, t");
  EXPECT_EQ(error_of("lsi.kl_bound", {{"kl0", 1}, {"alpha", 1}, {"lambda", 1}}),
            "--args: /t: missing field; add \"t\" (see README, spec format)");
  EXPECT_EQ(error_of("lsi.gaussian_constant", {{"s2", -1}}), "--args: /s2: -1 is out of range; allowed: (0, 1e+300]");
  EXPECT_EQ(error_of("lsi.gaussian_constant", {{"s2", "big"}}), "--args: /s2: is a string; expected a number");
  EXPECT_EQ(error_of("ula.stationary_variance", {{"eta", 2.5}}),
            "--args: eta: step 2.5 is over the stability limit 2/a = 2; use 0 < eta < 2/a");
  EXPECT_EQ(error_of("gaussian.kl", {{"p", {{"mean", {1.0}}, {"cov", {{-1.0}}}}}, {"q", {{"mean", {0.0}}, {"cov", 1.0}}}}),
            "--args: p.cov: not positive definite");
  EXPECT_EQ(error_of("gaussian.kl", {{"p", {{"mean", {1.0, 2.0}}, {"cov", 1.0}}}, {"q", {{"mean", {0.0}}, {"cov", 1.0}}}}),
            "--args: q: dimension 1 does not match p's dimension 2");
  EXPECT_EQ(error_of("gaussian.neg_entropy", {{"p", {{"mean", {1.0, 2.0}}, {"cov", {{1.0, 0.0}}}}}}),
            "--args: /p/cov: must be a number (isotropic variance) or a 2 x 2 array; match the length of mean");
  EXPECT_EQ(error_of("mixture.kl_to_centered_gaussian",
                     {{"p", {{"weights", {0.5}}, {"means", {0.0}}, {"variances", {1.0}}}}, {"v", 1.0}}),
            "--args: weights: must sum to 1");
  EXPECT_EQ(error_of("ula.stationary_bias_kl", {{"eta", 0.1}, {"A", {{1.0, 2.0}, {0.0, 1.0}}}}),
            "--args: A: not symmetric");
  EXPECT_EQ(error_of("ula.stationary_bias_kl", {{"eta", 1.0}, {"A", {{4.0, 0.0}, {0.0, 1.0}}}}),
            "--args: eta: step 1 is over the stability limit 2/a_max = 0.5; use 0 < eta < 2/a_max");
  EXPECT_EQ(error_of("vw.ula_kl_bound", {{"kl0", 1}, {"k", 1}, {"h", 0.3}, {"alpha", 1}, {"L_f", 1}, {"d", 1}}).rfind(
                "--args: h: step 0.3 is over the limit alpha/(4 L_f^2) = 0.25", 0),
            0u);
  EXPECT_EQ(error_of("nope", json::object()), "--args: /: unknown theory entry \"nope\"; see `ldbench theory list`");
  EXPECT_EQ(error_of("lsi.kl_rate", json::array()), "--args: /: the arguments must be a JSON object; e.g. {\"s2\": 2.0}");
}

TEST(Calculator, BadArgumentsOfTheAddedGroupsNameTheArgument) {
  const json iso2 = {{"mean", {0.0, 0.0}}, {"cov", 1.0}};
  // mean_field.: the model is validated field by field, mu by theory/ (naming "mu").
  EXPECT_EQ(error_of("mean_field.energy", with_model({{"mu", {{"mean", {0.0, 0.0}}, {"cov", {{1.0, 2.0}, {2.0, 1.0}}}}}})),
            "--args: mu.cov: not positive definite");
  json bad_model = with_model({{"mu", iso2}});
  bad_model["model"]["lambda2"] = 0.0;
  EXPECT_EQ(error_of("mean_field.objective", bad_model), "--args: /model/lambda2: 0 is out of range; allowed: (0, 1e+300]");
  bad_model["model"]["lambda2"] = -0.4;
  EXPECT_EQ(error_of("mean_field.optimum", json{{"model", bad_model["model"]}}),
            "--args: /model/lambda2: -0.4 is out of range; allowed: (0, 1e+300]");
  bad_model = with_model();
  bad_model["model"]["c"] = -1.0;
  EXPECT_EQ(error_of("mean_field.lsi_constant", bad_model), "--args: /model/c: -1 is out of range; allowed: [0, 1e+300]");
  bad_model = with_model();
  bad_model["model"]["lambda"] = 1.0;
  EXPECT_EQ(error_of("mean_field.optimum", bad_model),
            "--args: /model/lambda: unknown field \"lambda\"; allowed fields: c, b, lambda1, lambda2");
  EXPECT_EQ(error_of("mean_field.proximal_gibbs", with_model({{"mu", {{"mean", {0.0}}, {"cov", 1.0}}}})),
            "--args: mu: dimension 1 does not match model dimension 2");
  EXPECT_EQ(error_of("mean_field.flow", with_model({{"mu0", {{"mean", {0.0, 0.0, 0.0}}, {"cov", 1.0}}}, {"t", 1.0}})),
            "--args: mu0: dimension 3 does not match model dimension 2");
  EXPECT_EQ(error_of("mean_field.first_variation", with_model({{"mu", iso2}, {"x", {1.0}}})),
            "--args: x: dimension does not match model dimension");
  EXPECT_EQ(error_of("mean_field.n_particle_marginal", with_model({{"N", 0}})),
            "--args: /N: 0 is out of range; allowed: integers in [1, 1000000000]");
  EXPECT_EQ(error_of("mean_field.n_particle_variance_bias", with_model({{"N", 2.5}})),
            "--args: /N: 2.5 is not an integer; allowed: integers in [1, 1000000000]");
  EXPECT_EQ(error_of("mean_field.n_particle_stationary", with_model({{"N", 300}})),
            "--args: /N: N d = 600 is over 500 (the joint covariance has (N d)² entries); "
            "use mean_field.n_particle_marginal for large N");
  EXPECT_EQ(error_of("mean_field.minibatch_variance_factor", {{"n", 1}, {"B", 1}}),
            "--args: /n: 1 is out of range; allowed: [2, 1e+300]");
  EXPECT_EQ(error_of("mean_field.minibatch_variance_factor", {{"n", 10}, {"B", 11}}), "--args: B: must satisfy 1 <= B <= n");
  EXPECT_EQ(error_of("mean_field.svrg_mfld_step_size", {{"eps", 1.0}, {"alpha", 1.0}, {"lambda2", 1.0}}),
            "--args: eps: must be in (0, 1)");
  EXPECT_EQ(error_of("mean_field.svrg_mfld_step_size", {{"eps", 0.1}, {"alpha", 1.0}, {"lambda2", "1"}}),
            "--args: /lambda2: is a string; expected a number");
  // dual.
  EXPECT_EQ(error_of("dual.value", with_problem({{"g", {1.0, 2.0}}})), "--args: g: must have n entries (one per sample)");
  EXPECT_EQ(error_of("dual.primal_value", with_problem({{"mu", {{"mean", {0.0}}, {"cov", 1.0}}}})),
            "--args: mu: dimension must equal X.cols()");
  json bad_problem = with_problem();
  bad_problem["problem"]["y"] = {1.0, 2.0};
  EXPECT_EQ(error_of("dual.primal_optimum", bad_problem), "--args: /problem/y: has 2 entries; expected 3 to 3");
  bad_problem = with_problem();
  bad_problem["problem"]["X"][1] = {0.5};
  EXPECT_EQ(error_of("dual.optimum", bad_problem), "--args: /problem/X/1: has 1 entries; expected 2 to 2");
  bad_problem = with_problem();
  bad_problem["problem"]["lambda2"] = 0.0;
  bad_problem["g"] = kGj;
  EXPECT_EQ(error_of("dual.gibbs", bad_problem),
            "--args: /problem/lambda2: 0 is out of range; allowed: (0, 1e+300]");
  EXPECT_EQ(error_of("dual.pda_output_probability", {{"t", 7}, {"T", 5}}), "--args: t: must satisfy 2 <= t <= T + 1");
  EXPECT_EQ(error_of("dual.pda_average_weight", {{"s", 7}, {"t", 5}}), "--args: s: must satisfy 1 <= s <= t");
  // kramers., vw., rates., ula.
  EXPECT_EQ(error_of("kramers.spectral_gap_1d",
                     {{"well", {{"U_a", 0}, {"Uxx_a", 1}, {"U_b", 0}, {"Uxx_b", 1}, {"U_z", -1}, {"Uxx_z_abs", 1}}},
                      {"lambda", 0.1}}),
            "--args: well: U_z must be finite and exceed U_a and U_b");
  EXPECT_EQ(error_of("kramers.spectral_gap_1d",
                     {{"well", {{"U_a", 0}, {"Uxx_a", 0}, {"U_b", 0}, {"Uxx_b", 1}, {"U_z", 1}, {"Uxx_z_abs", 1}}},
                      {"lambda", 0.1}}),
            "--args: /well/Uxx_a: 0 is out of range; allowed: (0, 1e+300]");
  EXPECT_EQ(error_of("vw.ula_kl_bound_suite",
                     {{"kl0", 1}, {"k", 1}, {"eta", 1}, {"lambda", 0.5}, {"alpha", 1}, {"L_U", 2}, {"d", 1}})
                .rfind("--args: eta: step eta lambda = 0.5 is over the limit alpha/(4 L_f^2) = 0.015625", 0),
            0u);
  EXPECT_EQ(error_of("rates.minimax_w1_rate_exponent", {{"s", 1}, {"d", 1}, {"delta", 2}}),
            "--args: delta: must satisfy 0 < delta < s + 1 = 2, got 2");
  EXPECT_EQ(error_of("ula.stationary_matrix", {{"eta", 1.0}, {"A", {{4.0, 0.0}, {0.0, 1.0}}}}),
            "--args: eta: step 1 is over the stability limit 2/a_max = 0.5; use 0 < eta < 2/a_max");
  EXPECT_EQ(error_of("ou.stationary_matrix", {{"A", {{1.0, 2.0}, {2.0, 1.0}}}}), "--args: A: not positive definite");
}

TEST(Calculator, DuplicateNamesAreRejected) {
  TheoryCalculator calc;
  EXPECT_THROW(calc.add({"gaussian.kl", "f", "s", "a", [](const experiments::Node&) { return json(0); }}),
               std::invalid_argument);
}

}  // namespace
}  // namespace test_calculator

namespace test_calculator {  // named per file: a unity build keeps the files' helpers apart
namespace {

// Substring match: the message must name the argument (and the allowed values where listed).
::testing::AssertionResult error_names(const std::string& name, const json& args, const std::string& needle) {
  const std::string e = error_of(name, args);
  if (e.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << name << ": '" << e << "' does not contain '" << needle << "'";
}

TEST(Calculator, BadArgumentsOfTheDiffusionGroupNameTheArgument) {
  const json ok = {{"data", kPj}, {"solver", "heun"}, {"T", 2.0}, {"t_min", 0.05}, {"steps", 20}};
  json a = ok;
  a["solver"] = "rk45";
  EXPECT_TRUE(error_names("diffusion.reverse_solver_law", a, "/solver"));
  a = ok;
  a["steps"] = 0;
  EXPECT_TRUE(error_names("diffusion.reverse_solver_law", a, "/steps"));
  a = ok;
  a["t_min"] = 3.0;
  EXPECT_TRUE(error_names("diffusion.reverse_solver_law", a, "t_min: must be < T"));
  a = ok;
  a["score_bias"] = {0.1, 0.2, 0.3};
  EXPECT_TRUE(error_names("diffusion.reverse_solver_law", a, "score_bias: dimension 3"));
  a = ok;
  a["init"] = kQj;
  a["init"]["mean"] = {0.0};
  EXPECT_TRUE(error_names("diffusion.reverse_solver_law", a, "init"));
  EXPECT_TRUE(error_names("diffusion.reverse_sde_law", {{"data", kPj}, {"T", 1.0}, {"t", 2.0}}, "t: must be <= T"));
  EXPECT_TRUE(error_names("diffusion.dsm_esm_gap", {{"data", kPj}, {"t", 0.0}}, "/t"));
  EXPECT_TRUE(error_names("diffusion.mixture_score",
                          {{"data", {{"weights", {0.5, 0.6}}, {"components", {kPj, kQj}}}}, {"t", 0.1}, {"x", {0.0, 0.0}}},
                          "weights: must sum to 1"));
  EXPECT_TRUE(error_names("diffusion.mixture_score",
                          {{"data", {{"weights", {1.0}}, {"components", {kPj}}}}, {"t", 0.1}, {"x", {0.0}}}, "x: dimension 1"));
}

}  // namespace
}  // namespace test_calculator
