// Score-based diffusion models in closed form (DESIGN.md §3 item 9).
//
// Conventions (DESIGN.md §2; lecture notes, part "拡散モデル", slides "これまでのまとめ" and
// "経験スコアマッチング損失"). Time t is the forward (noising) time, in the units of the OU clock:
//   forward OU        dX = -X dt + sqrt(2) dB,   p_t(x | x0) = N(alpha_t x0, sigma_t² I),
//                     alpha_t = e^{-t},  sigma_t² = 1 - e^{-2t}  (so alpha² + sigma² = 1: "VP");
//   reverse SDE       dY = (Y + 2 ∇log p_{T-tau}(Y)) dtau + sqrt(2) dB,   Y_tau ~ p_{T-tau};
//   probability flow  dY/dtau = Y + ∇log p_{T-tau}(Y)                   (same marginals);
//   denoising target  ∇log p_t(x_t | x_0) = -(x_t - alpha_t x_0) / sigma_t²;
//   log-SNR           lambda_t = log(alpha_t / sigma_t)  (decreasing in t; DPM-Solver's variable).
// The reverse time is tau = T - t; solvers below march t from T down to t_min > 0.
//
// Gaussian data makes everything exact: the score of p_t is affine in x, so every solver step is
// an affine map and the law after any number of steps is Gaussian with moments computed here.
// That turns the solvers' claimed orders and the error decomposition into checkable numbers.
//
// Errors: std::invalid_argument whose message starts with the argument's name.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "theory/gaussian.hpp"

namespace ldbench::theory {

// ---------------------------------------------------------------------------------------------
// Forward process.

// alpha_t = e^{-t}, sigma_t² = 1 - e^{-2t} (computed as -expm1(-2t), accurate for small t).
double diffusion_alpha(double t);
double diffusion_sigma2(double t);
// lambda_t = log(alpha_t / sigma_t) = -t - ½ log(1 - e^{-2t}); inverse t(lambda) = ½ log(1 + e^{-2 lambda}).
double diffusion_log_snr(double t);
double diffusion_time_from_log_snr(double log_snr);

// A Gaussian mixture sum_k w_k N(m_k, S_k) in R^d (weights > 0 summing to 1, SPD covariances).
// Densities and scores use a Cholesky factor per component (computed once) and log-sum-exp
// responsibilities, so far-apart modes at small t do not underflow.
class GaussianMixture {
 public:
  // Throws naming "weights", "components" (sizes, dimension mismatch) or "components[k]".
  GaussianMixture(std::vector<double> weights, std::vector<Gaussian> components);

  int dim() const { return static_cast<int>(components_.front().mean.size()); }
  const std::vector<double>& weights() const { return weights_; }
  const std::vector<Gaussian>& components() const { return components_; }

  double log_density(const Eigen::VectorXd& x) const;
  // ∇log p(x) = sum_k r_k(x) (-S_k⁻¹ (x - m_k)),  r_k = w_k N_k(x) / p(x).
  Eigen::VectorXd score(const Eigen::VectorXd& x) const;
  Eigen::VectorXd mean() const;
  Eigen::MatrixXd covariance() const;

 private:
  void check_point(const Eigen::VectorXd& x) const;
  std::vector<double> weights_;
  std::vector<Gaussian> components_;
  std::vector<Eigen::MatrixXd> chol_;  // lower Cholesky factor of each S_k
  std::vector<double> log_norm_;       // log w_k - ½ log det(2π S_k)
};

// Gaussian-mixture data stays a Gaussian mixture under the forward OU (each component follows
// theory/ou.hpp with a = lambda = 1):
//   p_t = sum_k w_k N(alpha_t m_k, alpha_t² S_k + sigma_t² I).
// Source: DESIGN.md §3 item 9; the notes' conditional law N(x_i e^{-t}, 1 - e^{-2t}) applied to
// each component. t >= 0.
GaussianMixture diffusion_forward_marginal(const GaussianMixture& data, double t);
Gaussian diffusion_forward_marginal(const Gaussian& data, double t);

// The denoising score-matching target ∇log p_t(x_t | x_0) = -(x_t - alpha_t x_0) / sigma_t² (t > 0).
// Its conditional mean given x_t is the score ∇log p_t(x_t) (Tweedie), which is why minimising
// the denoising loss recovers the score. Source: notes, "経験スコアマッチング損失".
Eigen::VectorXd diffusion_dsm_target(const Eigen::VectorXd& x_t, const Eigen::VectorXd& x_0, double t);

// The constant that separates the denoising and explicit score-matching losses at time t:
//   E||ŝ(X_t) - ∇log p_t(X_t|X_0)||² = E||ŝ(X_t) - ∇log p_t(X_t)||² + C_t  for every ŝ,
//   C_t = E||∇log p_t(X_t|X_0)||² - E||∇log p_t(X_t)||² = d / sigma_t² - J(p_t),
// J(p_t) = E||∇log p_t||² the Fisher information; for Gaussian data N(m, S), J = tr(C_t⁻¹) with
// C_t = alpha_t² S + sigma_t² I. Source: notes, slides "スコアマッチング" (the "+ const" there).
double diffusion_dsm_esm_gap(const Gaussian& data, double t);

// ---------------------------------------------------------------------------------------------
// Reverse-process error decomposition for the continuous-time reverse SDE started from
// gamma = N(0, I) instead of p_T and driven by an estimated score ŝ:
//   KL(p_{t_min} || q_{t_min}) <= KL(p_T || gamma) + ∫_{t_min}^T E_{p_t}||∇log p_t - ŝ(·, t)||² dt.
// Derivation (Girsanov, as in Chen et al. 2023, "Sampling is as easy as learning the score"):
// the two reverse SDEs share the diffusion sqrt(2) and their drifts differ by 2(∇log p - ŝ), so
// the path-space KL is ½ ∫ E||2(∇log p - ŝ)||² / 2 = ∫ E||∇log p - ŝ||² dt (factor 1 in this
// convention; other papers' factors differ with their noise scale), plus the KL of the initial
// laws; data processing passes from paths to the final marginal.
// Initialization: gamma satisfies LSI(1) for the forward OU (lambda = 1), so
//   KL(p_T || gamma) <= e^{-2T} KL(p_0 || gamma)      (reverse_initialization_kl_bound),
// and by Pinsker TV(p_T, gamma) <= e^{-T} sqrt(KL(p_0 || gamma) / 2) — the "e^{-T}" term of
// DESIGN.md §3 item 9 is the TV form (reverse_initialization_tv_bound).
// Units: T in forward time; score_mse_integral is ∫ E||·||² dt (nats). Discretization, the third
// term, is exact for Gaussian data below (diffusion_reverse_solver_law); for general data Chen et
// al. bound it by O(L² d h T) for step h and L-Lipschitz scores, with unspecified constants.
double reverse_initialization_kl_bound(double kl_data_to_gamma, double T);
double reverse_initialization_tv_bound(double kl_data_to_gamma, double T);
double reverse_girsanov_kl_bound(double kl_init, double score_mse_integral);

// Exact law at forward time t of the continuous-time reverse SDE for Gaussian data N(m, S),
// started at time T from `init` (any Gaussian) and driven by ŝ(x, t) = ∇log p_t(x) + delta (a
// constant score bias, delta = 0 for the exact score). In each eigen-direction of S (data mean
// component m, variance s, v_t = alpha_t² s + sigma_t²) the reverse dynamics are linear and solve to
//   mean_t = alpha_t m + (mean_T - alpha_T m)(v_t / v_T) e^{-(T-t)} + 2 delta v_t e^{t} (G(alpha_t) - G(alpha_T)),
//   var_t  = v_t + (var_T - v_T)(v_t / v_T)² e^{-2(T-t)},
// G(u) = arctan(sqrt(c) u)/sqrt(c) (c = s - 1 > 0), u (c = 0), artanh(sqrt(-c) u)/sqrt(-c) (c < 0).
// Derivation: with tau = T - t, deviations from the exact moments obey d log(dev)/dt = -1 + 2/v_t
// and d log(var dev)/dt = -2 + 4/v_t, and d log v_t/dt = -2 + 2/v_t; the bias enters by variation
// of constants, ∫ e^{-s} / v_s ds = G(e^{-t}) - G(e^{-T}). The init's covariance need not share
// S's eigenvectors: the map is affine, mean_t = M mean_T + b, cov_t = M cov_T M + N with
// M, N diagonal in S's eigenbasis. 0 < t <= T.
Gaussian diffusion_reverse_sde_law(const Gaussian& data, const Gaussian& init, double T, double t,
                                   const Eigen::VectorXd& score_bias);

// ---------------------------------------------------------------------------------------------
// Discrete samplers on Gaussian data: exact law after the solver's steps.
//
// Grid: t_0 = T > t_1 > ... > t_K = t_min > 0; h_k = t_k - t_{k+1} (forward-time units), and
// h^lambda_k = lambda_{t_{k+1}} - lambda_{t_k} in log-SNR. With f(y, t) = y + ŝ(y, t) (the PF-ODE
// velocity in tau) and eps_hat(y, t) = -sigma_t ŝ(y, t) (noise prediction):
//   euler_maruyama  reverse SDE: y' = y + h (y + 2ŝ(y, t)) + sqrt(2h) xi            (weak order 1)
//   euler           PF-ODE:      y' = y + h f(y, t)                                 (order 1)
//   heun            PF-ODE:      ỹ = y + h f(y, t);  y' = y + (h/2)(f(y, t) + f(ỹ, t'))  (order 2)
//                   (Karras et al. 2022, EDM's 2nd-order step, without its final-step switch)
//   ddim            x̂0 = (y - sigma_t eps_hat)/alpha_t;  y' = alpha_t' x̂0 + sigma_t' eps_hat  (order 1)
//                   (Song, Meng & Ermon 2021, eta = 0; equals DPM-Solver-1)
//   dpm_solver_2    Lu et al. 2022, Algorithm 1 with r1 = ½ (midpoint in log-SNR)        (order 2)
//   dpm_solver_3    Lu et al. 2022, Algorithm 2 with r1 = ⅓, r2 = ⅔                      (order 3)
// Orders are global, in the step size, for the law's moments (for the SDE: weak order). The
// notes' slide "PF-ODEを使った手法" cites these solvers; the orders are from the cited papers.
enum class ReverseSolver { euler_maruyama, euler, heun, ddim, dpm_solver_2, dpm_solver_3 };

// "euler_maruyama", "euler", "heun", "ddim", "dpm_solver_2", "dpm_solver_3"; parse throws
// naming "solver" with the list of names.
std::string to_string(ReverseSolver s);
ReverseSolver parse_reverse_solver(const std::string& name);
// The order claimed by the solver's paper (see the table above).
int reverse_solver_claimed_order(ReverseSolver s);
// Score evaluations per step: 1 (euler_maruyama, euler, ddim), 2 (heun, dpm_solver_2), 3 (dpm_solver_3).
int reverse_solver_score_evaluations_per_step(ReverseSolver s);

enum class TimeSpacing { uniform_time, uniform_log_snr };
// K + 1 decreasing times from T to t_min (0 < t_min < T, K >= 1), uniform in t or in log-SNR.
std::vector<double> diffusion_time_grid(double T, double t_min, int K, TimeSpacing spacing);

// Exact law at t_min of `solver` run on `grid` for Gaussian data N(m, S), started from `init`,
// with score ŝ = ∇log p_t + score_bias (pass a zero vector for the exact score). With
// init = diffusion_forward_marginal(data, T) and zero bias the only error is discretization.
// Throws naming "grid" (fewer than 2 points, not strictly decreasing, t_min <= 0), "init" or
// "score_bias" (dimension mismatch).
Gaussian diffusion_reverse_solver_law(const Gaussian& data, const Gaussian& init, ReverseSolver solver,
                                      const std::vector<double>& grid, const Eigen::VectorXd& score_bias);

}  // namespace ldbench::theory
