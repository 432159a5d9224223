// Mean-field Langevin dynamics (MFLD): an exactly solvable quadratic model, the entropy sandwich,
// the continuous-time LSI rate, the exact N-particle stationary law (propagation of chaos), and
// the SGD-MFLD / SVRG-MFLD prescriptions of Suzuki, Wu & Nitanda (2023) as given in the notes.
//
// Conventions (DESIGN.md §2): L(mu) = F(mu) + lambda2 Ent(mu), Ent(mu) = ∫ mu log mu (nats);
// MFLD dX = -∇(δF/δmu)(mu_t)(X) dt + sqrt(2 lambda2) dB; proximal Gibbs measure
// p_mu ∝ exp(-(1/lambda2) δF/δmu(mu)); LSI(alpha): KL(nu||pi) <= I(nu||pi)/(2 alpha); if every
// p_mu satisfies LSI(alpha) then L(mu_t) - L* <= exp(-2 alpha lambda2 t)(L(mu_0) - L*).
// Sources: lecture notes (seeds/000_ef0f64e0f0cc7cc8.txt) slides "Convergence of MF-LD"
// (Entropy sandwich, Nitanda–Wu–Suzuki AISTATS 2022; Chizat 2022), "Finite particle
// approximation", "Uniform log-Sobolev inequality" (Chen, Ren & Wang 2022), "確率的勾配の計算量"
// (SGD-MFLD) and "分散縮小勾配法" (SVRG-MFLD) (Suzuki, Wu & Nitanda, arXiv:2306.07221, 2023).
//
// Every function throws std::invalid_argument whose message starts with the offending argument's
// name ("lambda1: must be finite and > 0") when an argument is outside the stated assumptions.
#pragma once

#include <Eigen/Core>

#include "theory/gaussian.hpp"

namespace ldbench::theory {

// =============================================================================================
// The quadratic-F mean-field model on R^d (everything stays Gaussian).
//
//   F(mu) = (c/2) ||E_mu x - b||² + lambda1 E_mu ||x||²,   L(mu) = F(mu) + lambda2 Ent(mu).
//
// Parameters: c >= 0 (interaction strength; c >= 0 makes F convex in mu), b ∈ R^d (target of the
// mean), lambda1 > 0 (L2 regulariser), lambda2 > 0 (temperature). Units: x is dimensionless
// "position", F and L are in the same (energy) units, lambda2 is energy per nat, time t is in the
// units fixed by the drift (rates below are per unit t).
//
// Derivations (m = E_mu x):
//  * First variation: F(mu + eps chi) - F(mu) = eps ∫ [c (m - b)·x + lambda1 ||x||²] dchi + O(eps²),
//    so δF/δmu(mu)(x) = c (m - b)·x + lambda1 ||x||²  (up to an additive constant).
//  * Proximal Gibbs: exp(-(1/lambda2)(c (m - b)·x + lambda1 ||x||²)) is Gaussian with precision
//    (2 lambda1/lambda2) I and mean -c (m - b)/(2 lambda1):
//      p_mu = N(-c (m - b)/(2 lambda1), lambda2/(2 lambda1) I).
//  * Optimum: mu* = p_{mu*} (first-order condition) gives m* = -c (m* - b)/(2 lambda1), i.e.
//      mu* = N(c b/(c + 2 lambda1), lambda2/(2 lambda1) I).  Unique because L is strictly convex.
//  * For mu = N(m, S): E||x||² = ||m||² + tr S and Ent = -½ ln det(2πe S), so
//      L(N(m, S)) = (c/2)||m - b||² + lambda1 (||m||² + tr S) - (lambda2/2) ln det(2πe S).
//  * MFLD: the drift is -∇_x δF/δmu = -(c (m_t - b) + 2 lambda1 x): a linear SDE, so Gaussian
//    starts stay Gaussian with
//      dm/dt = -(c (m - b) + 2 lambda1 m),   dS/dt = -4 lambda1 S + 2 lambda2 I,
//    solved by m(t) = m* + e^{-(c + 2 lambda1) t}(m0 - m*),
//              S(t) = e^{-4 lambda1 t} S0 + (lambda2/(2 lambda1))(1 - e^{-4 lambda1 t}) I.
//  * LSI: every p_mu is N(., lambda2/(2 lambda1) I), which satisfies LSI(alpha) with
//    alpha = 2 lambda1/lambda2 (Gaussian LSI); the notes' rate exp(-2 alpha lambda2 t) is then
//    exp(-4 lambda1 t). Along the exact flow it holds: the mean part of L - L* is
//    ((c + 2 lambda1)/2)||m - m*||², decaying like e^{-2(c + 2 lambda1) t}; per covariance
//    eigenvalue s the excess is lambda1 s* phi(s/s*) with s* = lambda2/(2 lambda1),
//    phi(r) = r - 1 - ln r convex with phi(1) = 0, and r - 1 decays like e^{-4 lambda1 t}, so
//    phi(r_t) <= e^{-4 lambda1 t} phi(r_0).
struct QuadraticMeanField {
  double c = 1.0;
  Eigen::VectorXd b;
  double lambda1 = 1.0;
  double lambda2 = 1.0;

  int dim() const { return static_cast<int>(b.size()); }
};

// Throws std::invalid_argument("<name>: ...") unless c >= 0, lambda1 > 0, lambda2 > 0 (all
// finite), b non-empty with finite entries. The message names the field ("model.lambda1: ...").
void validate(const QuadraticMeanField& model);

// F(N(m, S)) = (c/2)||m - b||² + lambda1 (||m||² + tr S).
double quadratic_mf_energy(const QuadraticMeanField& model, const Gaussian& mu);

// L(N(m, S)) = F(N(m, S)) + lambda2 Ent(N(m, S)), Ent = neg_entropy (= -½ ln det(2πe S)).
double quadratic_mf_objective(const QuadraticMeanField& model, const Gaussian& mu);

// δF/δmu(mu)(x) = c (m - b)·x + lambda1 ||x||², normalised to vanish at x = 0.
double quadratic_mf_first_variation(const QuadraticMeanField& model, const Gaussian& mu,
                                    const Eigen::VectorXd& x);

// p_mu = N(-c (m - b)/(2 lambda1), lambda2/(2 lambda1) I).
Gaussian quadratic_mf_proximal_gibbs(const QuadraticMeanField& model, const Gaussian& mu);

// mu* = N(c b/(c + 2 lambda1), lambda2/(2 lambda1) I).
Gaussian quadratic_mf_optimum(const QuadraticMeanField& model);

// L(mu*) = L(quadratic_mf_optimum(model)).
double quadratic_mf_optimal_value(const QuadraticMeanField& model);

// Entropy sandwich terms for mu (notes slide "Convergence of MF-LD", Th. Entropy sandwich):
//   lower = lambda2 KL(mu||mu*),  gap = L(mu) - L(mu*),  upper = lambda2 KL(mu||p_mu),
// with lower <= gap <= upper (checked numerically in the tests, not asserted here).
struct EntropySandwich {
  double lower;
  double gap;
  double upper;
};
EntropySandwich quadratic_mf_entropy_sandwich(const QuadraticMeanField& model, const Gaussian& mu);

// The exact MFLD law at time t >= 0 from the Gaussian start mu0 (closed form above).
Gaussian quadratic_mf_flow(const QuadraticMeanField& model, const Gaussian& mu0, double t);

// Right-hand side of the mean-field ODE at (m, S):  (dm/dt, dS/dt) =
//   (-(c (m - b) + 2 lambda1 m),  -4 lambda1 S + 2 lambda2 I).
// Returned as a Gaussian-shaped pair (mean = dm/dt, cov = dS/dt; cov need not be SPD).
struct MeanFieldOdeRhs {
  Eigen::VectorXd dm;
  Eigen::MatrixXd dS;
};
MeanFieldOdeRhs quadratic_mf_ode_rhs(const QuadraticMeanField& model, const Gaussian& mu);

// alpha = 2 lambda1/lambda2: the (sharp) LSI constant shared by all proximal Gibbs measures.
double quadratic_mf_lsi_constant(const QuadraticMeanField& model);

// The notes' continuous-time bound, in the suite's normalisation (DESIGN.md §2):
//   mfld_free_energy_bound(gap0, alpha, lambda2, t) = exp(-2 alpha lambda2 t) gap0.
// Assumptions: gap0 >= 0, alpha > 0, lambda2 > 0, t >= 0. For the quadratic model with
// alpha = 2 lambda1/lambda2 the rate is 4 lambda1. (The slide writes exp(-2(lambda2/alpha)t),
// which is dimensionally inconsistent with its own LSI normalisation; see report.)
double mfld_free_energy_bound(double gap0, double alpha, double lambda2, double t);

// ---------------------------------------------------------------------------------------------
// N-particle system (notes slide "Finite particle approximation"): for i = 1..N,
//   dX^i = -[c (Xbar - b) + 2 lambda1 X^i] dt + sqrt(2 lambda2) dB^i,   Xbar = (1/N) Σ_j X^j,
// i.e. dX = -(A X - c 1⊗b) dt + sqrt(2 lambda2) dB on R^{Nd} with the SYMMETRIC drift matrix
//   A = (2 lambda1 I_N + (c/N) 1 1ᵀ) ⊗ I_d.
// It is the Langevin dynamics of p^(N) ∝ exp(-(N/lambda2) F(empirical measure)) (notes slide
// "Uniform log-Sobolev inequality"), so its stationary law is that Gibbs measure, a Gaussian:
//  * empirical-mean mode: dXbar = -[(c + 2 lambda1) Xbar - c b] dt + sqrt(2 lambda2/N) dBbar,
//    stationary N(m*, v I_d), v = lambda2/(N (c + 2 lambda1));
//  * the N-1 orthogonal modes Y^i = X^i - Xbar: dY^i = -2 lambda1 Y^i dt + noise projected by
//    P = I_N - 11ᵀ/N, stationary covariance a P ⊗ I_d with a = lambda2/(2 lambda1).
//  Hence mean m* in every block and covariance  Sigma_N = [a (I_N - 11ᵀ/N) + v 11ᵀ] ⊗ I_d
//  (= lambda2 A^{-1}), i.e. Var block a(1 - 1/N) + v, cross-covariance block v - a/N.
// One-particle marginal: N(m*, s_N I_d) with
//   s_N = a + (1/N)(lambda2/(c + 2 lambda1) - a) = a - lambda2 c/(2 lambda1 (c + 2 lambda1) N),
// an exact O(1/N) variance bias (the mean is unbiased); KL(marginal||mu*) = (d/2)(r - 1 - ln r),
// r = s_N/a, is O(1/N²). Normalised free-energy gap at stationarity (exact, O(1/N)):
//   (1/N) L^N(p^(N)) - L(mu*) = (lambda2 d/(2N)) ln(1 + c/(2 lambda1))
// with L^N(mu^(N)) = N E F(empirical) + lambda2 Ent(mu^(N)) (notes' definition); derivation:
// the energy terms (c/2) d v and lambda1 d (s_N - a) cancel exactly, leaving the entropy
// difference -(lambda2 d/(2N)) ln(N v/a).
struct NParticleStationary {
  Eigen::VectorXd mean;  // R^{Nd}, particle-major (block i = particle i)
  Eigen::MatrixXd cov;   // Nd x Nd
};
// Requires N >= 1. Memory O((Nd)²): intended for small N d (tests).
NParticleStationary quadratic_mf_n_particle_stationary(const QuadraticMeanField& model, int N);

// The drift matrix A (Nd x Nd) above, so that the joint OU is dX = -(A X - const) dt + ...
Eigen::MatrixXd quadratic_mf_n_particle_drift(const QuadraticMeanField& model, int N);

// One-particle marginal variance s_N (per coordinate) and the law N(m*, s_N I).
double quadratic_mf_n_particle_marginal_variance(const QuadraticMeanField& model, int N);
Gaussian quadratic_mf_n_particle_marginal(const QuadraticMeanField& model, int N);

// s_N - lambda2/(2 lambda1) = -lambda2 c/(2 lambda1 (c + 2 lambda1) N)  (<= 0; exactly ∝ 1/N).
double quadratic_mf_n_particle_variance_bias(const QuadraticMeanField& model, int N);

// (1/N) L^N(p^(N)) - L(mu*) = (lambda2 d/(2N)) ln(1 + c/(2 lambda1)).
double quadratic_mf_n_particle_free_energy_gap(const QuadraticMeanField& model, int N);

// ---------------------------------------------------------------------------------------------
// EXACT discrete-time law of full-gradient MFLD on the quadratic model (lib/mfld/mfld.hpp, algorithm
// mfld): for i = 1..N, step eta, xi_{k,i} iid N(0, I_d),
//   θ_i ← θ_i - eta (c (θbar - b) + 2 lambda1 θ_i) + sqrt(2 eta lambda2) xi_{k,i},   θbar = (1/N) sum_j θ_j,
// from iid starts θ_i ~ N(m0, S0). Derivation (the continuous decomposition of "Finite particle
// approximation" above, step by step): the update is linear, θ ← (I - eta A) θ + eta c 1⊗b + noise with
// A = (2 lambda1 I_N + (c/N) 11ᵀ) ⊗ I_d, and A acts on two invariant subspaces:
//  * mean mode θbar: θbar ← rho θbar + eta c b + sqrt(2 eta lambda2/N) zeta,  rho = 1 - eta (c + 2 lambda1)
//    (the noise average (1/N) sum_i xi_i ~ N(0, I/N)); fixed point eta c b/(1 - rho) = m* = c b/(c + 2 lambda1);
//  * deviations y_i = θ_i - θbar: y ← q y + sqrt(2 eta lambda2) (xi_i - xibar),  q = 1 - 2 eta lambda1;
//    the projected noise (P ⊗ I) xi, P = I_N - 11ᵀ/N, is independent of xibar (P 1 = 0).
//  The starts give θbar_0 ~ N(m0, S0/N) independent of y_0 ~ N(0, P ⊗ S0). Hence, with Gaussian
//  recursions m ← rho m + eta c b, V ← rho² V + 2 eta lambda2/N, D ← q² D + 2 eta lambda2:
//    E θbar_k = m_k = m* + rho^k (m0 - m*),
//    Cov θbar_k = V_k = rho^{2k} S0/N + (2 eta lambda2/N) (1 - rho^{2k})/(1 - rho²) I,
//    Cov (y_1..y_N)_k = P ⊗ D_k,  D_k = q^{2k} S0 + 2 eta lambda2 (1 - q^{2k})/(1 - q²) I,  independent of θbar_k,
//  and the joint law of (θ_1..θ_N) is Gaussian with every particle N(m_k, S_k), S_k = V_k + (1 - 1/N) D_k,
//  and cross-covariance V_k - D_k/N between two particles. Stable iff |rho| < 1 and |q| < 1, i.e.
//    0 < eta < min(2/(c + 2 lambda1), 1/lambda1)   (quadratic_mf_mfld_step_limit).
//  Stationary limit (k -> inf):
//    V_inf = lambda2/(N (c + 2 lambda1)(1 - eta (c + 2 lambda1)/2)),   D_inf = lambda2/(2 lambda1 (1 - eta lambda1)),
//  which tend to the continuous v = lambda2/(N (c + 2 lambda1)) and a = lambda2/(2 lambda1) as eta -> 0
//  (quadratic_mf_n_particle_stationary). The stationary marginal variance s_N(eta) = V_inf + (1 - 1/N) D_inf
//  has the exact decomposition
//    s_N(eta) - a = (D_inf - a)  +  (V_inf - D_inf/N):  a pure step-size bias (N -> inf, O(eta)) plus a bias
//    exactly ∝ 1/N at fixed eta (quadratic_mf_mfld_chaos_bias; -> the continuous
//    quadratic_mf_n_particle_variance_bias as eta -> 0).
struct MfldDiscreteLaw {
  int N = 1;
  Eigen::VectorXd mean;           // m_k: mean of every particle and of θbar_k
  Eigen::MatrixXd mean_mode_cov;  // V_k = Cov(θbar_k)
  Eigen::MatrixXd deviation_cov;  // D_k: Cov(y_1..y_N) = P ⊗ D_k
  Eigen::MatrixXd marginal_cov;   // S_k = V_k + (1 - 1/N) D_k
  Eigen::MatrixXd cross_cov;      // V_k - D_k/N (two distinct particles)
  Gaussian marginal() const { return {mean, marginal_cov}; }
  Gaussian particle_mean() const { return {mean, mean_mode_cov}; }
};

// min(2/(c + 2 lambda1), 1/lambda1): the discrete MFLD recursion is stable iff 0 < eta < this.
double quadratic_mf_mfld_step_limit(const QuadraticMeanField& model);

// The exact law after k steps from iid N(mu0.mean, mu0.cov) starts. Requires N >= 1, mu0 of the model's
// dimension with SPD (or PSD) covariance, 0 < eta < quadratic_mf_mfld_step_limit ("eta: ..." otherwise).
MfldDiscreteLaw quadratic_mf_mfld_law(const QuadraticMeanField& model, const Gaussian& mu0, int N, double eta, unsigned long long k);

// The stationary law (k -> inf): mean m*, V_inf, D_inf as above.
MfldDiscreteLaw quadratic_mf_mfld_stationary(const QuadraticMeanField& model, int N, double eta);

// D_inf - a = lambda2 eta/(2 (1 - eta lambda1)): the N = inf variance bias of the step size (per coordinate).
double quadratic_mf_mfld_step_bias(const QuadraticMeanField& model, double eta);

// s_N(eta) - D_inf = V_inf - D_inf/N, exactly ∝ 1/N (per coordinate; < 0 when c > 0).
double quadratic_mf_mfld_chaos_bias(const QuadraticMeanField& model, int N, double eta);

// =============================================================================================
// Uniform-in-N LSI bias and the SGD-MFLD / SVRG-MFLD prescriptions of the notes
// (Suzuki, Wu & Nitanda 2023). The notes state these only up to constants ("≲", "O(·)"); every
// function suffixed _unit_constants sets all those hidden constants to 1 (so it is a shape, not
// a certified bound). Notation: eta step size, k iterations, alpha LSI constant of p_mu,
// lambda2 temperature, N particles, n finite-sum size, B mini-batch size (1 <= B <= n),
// m SVRG inner-loop (epoch) length, eps target accuracy in (0, 1).

// Uniform-in-N LSI bias term of Chen–Ren–Wang (2022) as on the notes' slide "Uniform
// log-Sobolev inequality": C_{lambda2}/(N lambda2 alpha). Assumptions: C >= 0, N >= 1,
// lambda2 > 0, alpha > 0. The constant C is the notes' C_{lambda2} (not specified there).
double uniform_in_n_lsi_bias(double C, double N, double lambda2, double alpha);

// Mini-batch variance factor (n - B)/(B (n - 1)) (sampling without replacement); 0 at B = n,
// 1 at B = 1. Assumptions: n >= 2, 1 <= B <= n.
double minibatch_variance_factor(double n, double B);

// SGD-MFLD bound (notes slide "確率的勾配の計算量"), constants set to 1:
//   exp(-lambda2 eta k alpha) + (1/(alpha lambda2)) (eta² + lambda2 eta + 1/N
//                                                    + (n - B) sqrt(eta lambda2)/(B (n - 1))).
// Assumptions: eta > 0, k >= 0, alpha > 0, lambda2 > 0, N >= 1, n >= 2, 1 <= B <= n.
double sgd_mfld_bound_unit_constants(double eta, double k, double alpha, double lambda2, double N, double n,
                                     double B);

// SGD-MFLD step size (notes), constants set to 1:
//   eta = eps alpha ∧ (lambda2 eps alpha)² B² (n - 1)²/((n - B)² lambda2) ∧ sqrt(lambda2 eps alpha)
// (the middle term is +inf at B = n). Each term makes one bias term of the bound <= eps.
double sgd_mfld_step_size_unit_constants(double eps, double alpha, double lambda2, double n, double B);

// SGD-MFLD iteration count (notes), constants set to 1:
//   k = (1/(eps alpha) + (1/(lambda2 eps alpha))² lambda2 (n - B)²/(B² (n - 1)²)
//        + sqrt(1/(lambda2 alpha eps))) (1/(lambda2 alpha)) log(1/eps).
// Equals log(1/eps)/(lambda2 alpha eta) with eta = sgd_mfld_step_size_unit_constants up to a
// factor in [1, 3] (sum vs max of the three terms). Achieves eps + O(1/(lambda2 alpha N)).
double sgd_mfld_iterations_unit_constants(double eps, double alpha, double lambda2, double n, double B);

// The notes' optimal mini-batch size B = n ∧ sqrt(1/(lambda2 alpha eps)) (real-valued).
double sgd_mfld_optimal_batch_size(double eps, double alpha, double lambda2, double n);

// SVRG-MFLD bound (notes slide "分散縮小勾配法"), constants set to 1:
//   exp(-lambda2 eta k alpha) + (1/(lambda2 alpha)) (eta² + lambda2 eta + 1/N
//        + ((n - B)/(B (n - 1))) lambda2^{1/2} eta sqrt(m (eta + lambda2))).
// Assumptions as SGD plus m >= 1.
double svrg_mfld_bound_unit_constants(double eta, double k, double alpha, double lambda2, double N, double n,
                                      double B, double m);

// SVRG-MFLD step size (notes): eta = eps alpha ∧ sqrt(lambda2 alpha eps) (no hidden constant).
double svrg_mfld_step_size(double eps, double alpha, double lambda2);

// SVRG-MFLD iteration count (notes): k = log(1/eps)/(lambda2 alpha eta), eta = svrg_mfld_step_size.
double svrg_mfld_iterations(double eps, double alpha, double lambda2);

// The notes' SVRG batch size and epoch length: B = sqrt(m) = n^{1/3}, m = n^{2/3} (real-valued).
double svrg_mfld_batch_size(double n);
double svrg_mfld_epoch_length(double n);

// Total gradient evaluations of SVRG-MFLD (notes): B k + n k/m, with B, m, k as above
// (= 2 n^{1/3} k). Compare n k for full-gradient MFLD.
double svrg_mfld_gradient_evaluations(double eps, double alpha, double lambda2, double n);

}  // namespace ldbench::theory
