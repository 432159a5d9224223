// The theory calculator's "diffusion." entries (theory/diffusion.hpp): forward marginals, the
// score-matching gap, the reverse-process error budget and the exact laws of the samplers on
// Gaussian data. Registered from TheoryCalculator's constructor (calculator.cpp).
#include <cmath>

#include "experiments/calculator_internal.hpp"
#include "theory/diffusion.hpp"
#include "theory/gaussian.hpp"

namespace ldbench::experiments::calculator_detail {

using nlohmann::json;

namespace {

const std::string kSource = "lecture notes, 拡散モデル (これまでのまとめ, 経験スコアマッチング損失); DESIGN.md §3.9; theory/diffusion.hpp";
const std::string kSolvers = "euler_maruyama, euler, heun, ddim, dpm_solver_2, dpm_solver_3";

theory::ReverseSolver solver_arg(const Node& a) {
  return theory::parse_reverse_solver(a.at("solver").one_of(
      {"euler_maruyama", "euler", "heun", "ddim", "dpm_solver_2", "dpm_solver_3"}));
}

Eigen::VectorXd bias_arg(const Node& a, long d) {
  if (!a.has("score_bias")) return Eigen::VectorXd::Zero(d);
  return vector_arg(a.at("score_bias"));
}

theory::Gaussian standard_normal(long d) { return {Eigen::VectorXd::Zero(d), Eigen::MatrixXd::Identity(d, d)}; }

theory::GaussianMixture mixture_arg(const Node& m) {
  m.object_with({"weights", "components"});
  const auto w = m.at("weights").numbers(1, 1000, 0.0, 1.0, true);
  const Node c = m.at("components");
  if (!c.raw().is_array() || c.size() != w.size())
    c.fail("must be an array of " + std::to_string(w.size()) + " Gaussians (one per weight)", kGaussianArg);
  std::vector<theory::Gaussian> comps;
  for (std::size_t k = 0; k < c.size(); ++k) comps.push_back(gaussian(c[k]));
  return theory::GaussianMixture(w, comps);
}

}  // namespace

void register_diffusion_entries(TheoryCalculator& calc) {
  calc.add({"diffusion.forward_marginal",
            "X_0 ~ N(m, S), dX = -X dt + sqrt(2) dB:  p_t = N(e^{-t} m, e^{-2t} S + (1 - e^{-2t}) I)", kSource,
            "data: " + kGaussianArg + ", t >= 0 (forward time)",
            [](const Node& a) {
              a.object_with({"data", "t"});
              return gaussian_json(theory::diffusion_forward_marginal(gaussian(a.at("data")), nonneg(a, "t")));
            }});
  calc.add({"diffusion.mixture_score",
            "p_t = sum_k w_k N(e^{-t} m_k, e^{-2t} S_k + (1 - e^{-2t}) I);  ∇log p_t(x) = sum_k r_k(x)(-C_k⁻¹(x - e^{-t} m_k))",
            kSource, "data: {\"weights\": [..], \"components\": [gaussian, ..]}, t >= 0, x: [..] (length d)",
            [](const Node& a) {
              a.object_with({"data", "t", "x"});
              const auto pt = theory::diffusion_forward_marginal(mixture_arg(a.at("data")), nonneg(a, "t"));
              const Eigen::VectorXd x = vector_arg(a.at("x"));
              return json{{"score", vector_json(pt.score(x))}, {"log_density", pt.log_density(x)}};
            }});
  calc.add({"diffusion.dsm_esm_gap",
            "DSM(ŝ) - ESM(ŝ) = d / (1 - e^{-2t}) - tr(C_t⁻¹), C_t = e^{-2t} S + (1 - e^{-2t}) I (Gaussian data)", kSource,
            "data: " + kGaussianArg + ", t > 0",
            [](const Node& a) {
              a.object_with({"data", "t"});
              return json(theory::diffusion_dsm_esm_gap(gaussian(a.at("data")), pos(a, "t")));
            }});
  calc.add({"diffusion.reverse_initialization_kl_bound", "KL(p_T || N(0, I)) <= e^{-2T} KL(p_0 || N(0, I))",
            "LSI(1) of N(0, I) along the forward OU; theory/diffusion.hpp", "kl_data_to_gamma >= 0 (nats), T >= 0",
            [](const Node& a) {
              a.object_with({"kl_data_to_gamma", "T"});
              return json(theory::reverse_initialization_kl_bound(nonneg(a, "kl_data_to_gamma"), nonneg(a, "T")));
            }});
  calc.add({"diffusion.reverse_initialization_tv_bound", "TV(p_T, N(0, I)) <= e^{-T} sqrt(KL(p_0 || N(0, I)) / 2)",
            "Pinsker + LSI(1); theory/diffusion.hpp", "kl_data_to_gamma >= 0 (nats), T >= 0",
            [](const Node& a) {
              a.object_with({"kl_data_to_gamma", "T"});
              return json(theory::reverse_initialization_tv_bound(nonneg(a, "kl_data_to_gamma"), nonneg(a, "T")));
            }});
  calc.add({"diffusion.reverse_girsanov_kl_bound",
            "KL(p_{t_min} || q_{t_min}) <= KL(p_T || gamma) + ∫_{t_min}^T E||∇log p_t - ŝ||² dt (factor 1 for noise sqrt(2))",
            "Girsanov (Chen et al. 2023); theory/diffusion.hpp", "kl_init >= 0, score_mse_integral >= 0 (nats)",
            [](const Node& a) {
              a.object_with({"kl_init", "score_mse_integral"});
              return json(theory::reverse_girsanov_kl_bound(nonneg(a, "kl_init"), nonneg(a, "score_mse_integral")));
            }});
  calc.add({"diffusion.reverse_sde_law",
            "exact law at t of dY = (Y + 2ŝ) dtau + sqrt(2) dB from init at T, Gaussian data, ŝ = ∇log p_t + score_bias",
            kSource,
            "data: " + kGaussianArg + ", init (default N(0, I)), T > 0, t in (0, T], score_bias: [..] (default 0)",
            [](const Node& a) {
              a.object_with({"data", "init", "T", "t", "score_bias"});
              const auto data = gaussian(a.at("data"));
              const long d = data.mean.size();
              const auto init = a.has("init") ? gaussian(a.at("init")) : standard_normal(d);
              const double T = pos(a, "T"), t = pos(a, "t");
              const auto q = theory::diffusion_reverse_sde_law(data, init, T, t, bias_arg(a, d));
              return json{{"law", gaussian_json(q)}, {"kl_forward_marginal_to_law", theory::kl(theory::diffusion_forward_marginal(data, t), q)}};
            }});
  calc.add({"diffusion.reverse_solver_law",
            "exact law at t_min of a sampler (" + kSolvers + ") on K steps, Gaussian data; KL(p_{t_min} || law) measures its error",
            "Song et al. 2021 (DDIM); Karras et al. 2022 (Heun); Lu et al. 2022 (DPM-Solver); theory/diffusion.hpp",
            "data: " + kGaussianArg + ", init (default N(0, I)), solver: " + kSolvers +
                ", T > t_min > 0, steps K >= 1, spacing: uniform_time | uniform_log_snr (default uniform_log_snr), score_bias (default 0)",
            [](const Node& a) {
              a.object_with({"data", "init", "solver", "T", "t_min", "steps", "spacing", "score_bias"});
              const auto data = gaussian(a.at("data"));
              const long d = data.mean.size();
              const auto init = a.has("init") ? gaussian(a.at("init")) : standard_normal(d);
              const auto solver = solver_arg(a);
              const auto spacing = a.one_of_or("spacing", "uniform_log_snr", {"uniform_time", "uniform_log_snr"}) == "uniform_time"
                                       ? theory::TimeSpacing::uniform_time
                                       : theory::TimeSpacing::uniform_log_snr;
              const double t_min = pos(a, "t_min");
              const auto grid = theory::diffusion_time_grid(pos(a, "T"), t_min, static_cast<int>(a.at("steps").integer(1, 10000000)), spacing);
              const auto q = theory::diffusion_reverse_solver_law(data, init, solver, grid, bias_arg(a, d));
              return json{{"law", gaussian_json(q)},
                          {"kl_forward_marginal_to_law", theory::kl(theory::diffusion_forward_marginal(data, t_min), q)},
                          {"claimed_order", theory::reverse_solver_claimed_order(solver)},
                          {"score_evaluations", theory::reverse_solver_score_evaluations_per_step(solver) * (grid.size() - 1)}};
            }});
  calc.add({"diffusion.log_snr", "lambda_t = log(alpha_t / sigma_t) = -t - ½ log(1 - e^{-2t})", kSource, "t > 0",
            [](const Node& a) {
              a.object_with({"t"});
              return json(theory::diffusion_log_snr(pos(a, "t")));
            }});
}

}  // namespace ldbench::experiments::calculator_detail
