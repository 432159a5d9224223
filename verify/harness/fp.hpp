// Harnesses joining lib/fp (the Scharfetter–Gummel Fokker–Planck solver and its grid functionals),
// lib/sde (ULA particles) and theory/ (OU law, LSI bounds, Eyring–Kramers) into the measurements of
// the Fokker–Planck experiment kinds (experiments/drivers/fp.cpp, fp_ula.cpp). Conventions of
// DESIGN.md §2: pi ∝ exp(-U/lambda), GLD dX = -∇U dt + sqrt(2 lambda) dB, KL and I in nats.
//
// Densities handed to the solver are CELL AVERAGES (the finite-volume unknowns): a Gaussian-mixture
// start and the exact OU law are integrated over every cell exactly (products of erf differences),
// so grid and oracle are compared as the same kind of object. A point-value comparison would differ
// by O(h²) and give the same order.
//
// No JSON, no I/O: the drivers parse specs and render reports.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/fp/fokker_planck.hpp"
#include "lib/fp/grid.hpp"
#include "lib/potentials/potential.hpp"
#include "lib/sde/initial_law.hpp"

namespace ldbench::verify::harness {

// The built-in potential registry (lib/potentials), built once.
const lib::potentials::PotentialRegistry& fp_potentials();

// Cell averages of an isotropic Gaussian mixture sum_j w_j N(mu_j, s_j² I) on a 1-D or 2-D grid
// (exact up to rounding: (1/|cell|) ∫_cell of each component is a product of erf differences).
// The result is renormalised on the grid (the mass outside the box is dropped; report it).
Eigen::VectorXd cell_average_mixture(const lib::fp::Grid& grid, const lib::sde::IsotropicMixture& law,
                                     double* mass_outside = nullptr);

// ---------------------------------------------------------------------------------------------
// OU on the grid against theory/ou.hpp.

struct OuGridCase {
  int dim = 1;
  double a = 1.0, lambda = 0.5;
  std::vector<double> m0;  // start mean (length dim)
  double v0 = 0.1;         // start variance per coordinate
  double t_end = 0.5;
  double half_width = 6.0;  // box [-L, L]^dim
  lib::fp::FpMutant mutant = lib::fp::FpMutant::none;
};

struct OuGridError {
  double l1 = 0;             // Σ |p - p_exact| vol
  double max = 0;            // max |p - p_exact| over cells
  double boundary_mass = 0;  // max over sides and steps (FpDiagnostics::max_boundary_mass)
  double seconds = 0;
};

// Solves from the cell-averaged start N(m0, v0 I) on n (per axis) cells with `steps` steps of the
// scheme and compares with the cell-averaged exact law N(m0 e^{-a t}, v_t I) at t_end. When
// `against` is given, compares with it instead (a reference solution on the same grid: the spatial
// error cancels and only the time error remains). `density_out` receives the grid solution.
OuGridError ou_grid_error(const OuGridCase& c, int n, lib::fp::Scheme scheme, long steps,
                          const Eigen::VectorXd* against = nullptr, Eigen::VectorXd* density_out = nullptr);

// ---------------------------------------------------------------------------------------------
// A flow on the grid: KL(p_t||pi) and I_sg(p_t||pi) (pi the CORRECT discrete Gibbs density, also
// for a mutant solver) recorded along the run.

struct FlowOptions {
  double dt = 0.01;
  double t_end = 10.0;
  // Optional first phase with a smaller step (the early, fast transient of a narrow start):
  // steps of dt_initial up to t_initial, then steps of dt. 0 = no first phase.
  double dt_initial = 0, t_initial = 0;
  long record_every = 1;  // record KL every this many steps (and always at t = 0)
  bool fisher = true;     // record I_sg too
  // Stop early once KL < kl_stop (0: never). The ratio I/(2 KL) is only formed where KL >= ratio_kl_floor.
  double kl_stop = 0;
  double ratio_kl_floor = 1e-11;
  // Rannacher-type start: the first `startup_steps` steps are backward Euler (positivity for any dt,
  // damps the stiff high-frequency content of a narrow start on which TR-BDF2's explicit half-step
  // would create negative mass), then the configured scheme.
  long startup_steps = 0;
  // Called at every record (t, density p_t as the solver holds it) when set; e.g. for W2 to pi.
  std::function<void(double, const Eigen::VectorXd&)> observer;
};

struct FlowRecord {
  std::vector<double> t, kl, fisher;  // fisher empty unless FlowOptions::fisher
  double min_ratio = 0;               // min of I/(2 KL) over records with KL >= ratio_kl_floor
  double t_min_ratio = 0;
  double last_ratio = 0;              // I/(2 KL) at the last record with KL >= ratio_kl_floor
  bool stopped_early = false;
  Eigen::VectorXd final_density;
  lib::fp::FpDiagnostics diagnostics;
};

// Runs the solver from p0 (cell values, normalised). Throws std::runtime_error from the solver
// (negative mass, non-finite values) naming the step.
FlowRecord run_flow(const lib::fp::Grid& grid, const Eigen::VectorXd& U, const lib::fp::FpOptions& opt,
                    const Eigen::VectorXd& p0, const FlowOptions& flow);

// The grid solution at the record times (cell values): `grid`, the potential sampled at the cell
// centres, TR-BDF2 with steps of dt from the cell averages of `start`. Every interval between record
// times must be a multiple of dt (up to 1e-9 relative); throws std::invalid_argument "dt: ..."
// otherwise.
std::vector<Eigen::VectorXd> fp_solution_at(const lib::fp::Grid& grid, const lib::potentials::Potential& U, double lambda,
                                            const lib::sde::IsotropicMixture& start, const std::vector<double>& times,
                                            double dt, lib::fp::FpDiagnostics* diagnostics = nullptr);

// ---------------------------------------------------------------------------------------------
// Eyring–Kramers for a registered 1-D potential (theory/kramers.hpp: kramers_spectral_gap_1d).
// The critical points of U on [lo, hi] are located from sign changes of U' on `samples` points,
// refined by bisection on the analytic gradient; U'' is a central difference of U' with step
// 1e-6 (hi - lo). Applicable when U has exactly two local minima with one local maximum between
// them (the two-state picture); otherwise `applicable` is false and `note` says why.
struct KramersEstimate {
  bool applicable = false;
  double gap = 0;  // k_a + k_b (per unit time), when applicable
  std::vector<double> minima, maxima;
  std::string note;
};
KramersEstimate kramers_for_potential(const lib::potentials::Potential& U, double lo, double hi, double lambda,
                                      int samples = 20000);

// ---------------------------------------------------------------------------------------------
// ULA particles against the grid (1-D).

enum class ParticleMutant { none, noise_sqrt_eta, drift_flipped };
std::string particle_mutant_name(ParticleMutant m);
std::vector<std::string> particle_mutant_names();
ParticleMutant particle_mutant_from_string(const std::string& name);

// Exact draws of the piecewise-constant density p (cell values) by inverse CDF: u ~ U(0, 1] from
// Philox key (seed, reference_sample), counter (replica, i, stream, 0); within a cell the law is
// uniform, so the quantile is linear in u. Returns n draws.
std::vector<double> sample_grid_density(const lib::fp::Grid& grid, const Eigen::VectorXd& p, long n,
                                        std::uint32_t seed, std::uint32_t replica, std::uint32_t stream);

struct UlaGridSetup {
  const lib::potentials::Potential* U = nullptr;  // 1-D
  double lambda = 0.3;
  lib::sde::IsotropicMixture start;               // 1-D
  std::vector<double> etas;                       // step sizes (each divides every record time)
  std::vector<double> record_times;               // > 0, increasing
  long particles = 10000;
  int replicas = 8;
  std::uint32_t seed = 1;
  ParticleMutant mutant = ParticleMutant::none;
  int threads = 0;
  // The grid solution (reference law) at the record times, cell values on `grid`.
  lib::fp::Grid grid;
  std::vector<Eigen::VectorXd> grid_densities;
};

struct UlaGridResult {
  // [eta index] replicas x record times: W2²(ULA sample of replica r, grid density at t_j).
  std::vector<Eigen::MatrixXd> w2_ula;
  Eigen::MatrixXd w2_exact;  // replicas x record times: W2²(exact sample, grid density)
  // [eta index] the ULA sample of replica 0 at the last record time (for the histogram plots).
  std::vector<std::vector<double>> last_sample;
  double seconds_particles = 0, seconds_exact = 0;
};

// Runs every replica and eta (replica r, eta k: initial sample from the initial-law stream at
// replica r, Brownian increments at replica counter r * K + k; exact samples of replica r are
// independent of every ULA sample). A non-finite particle (lib::sde::NumericalBlowUp, e.g. the
// drift_flipped mutant) is rethrown as std::runtime_error naming eta, the replica, the step and
// the time, so the driver can report it as an errored experiment.
UlaGridResult run_ula_grid(const UlaGridSetup& s, const std::function<void(int, int)>& progress = {});

// ---------------------------------------------------------------------------------------------
// The LAW of ULA propagated exactly on the grid (lib/fp/gaussian_transition.hpp), no particles:
// p_{k+1} = T_eta p_k with the kernel x -> N(x - eta U'(x), 2 eta lambda) (mutants: drift_flipped
// uses x + eta U'(x), noise_sqrt_eta the variance eta, as the particles do). After every step the
// image is renormalised to mass 1; the retained fractions are multiplied up, so
// lost_mass = 1 - Π_k mass(T p_k) is the mass that left the box (or fell beyond the truncation) over
// the run (accumulated in logs; round-off makes it ±1e-14 when nothing leaves). Compared with the
// Fokker–Planck grid densities at the record times (same grid): W2² (exact, lib/fp
// w2_squared_1d), KL(law_ULA || p_FP) and TV = ½ Σ |law_ULA - p_FP| h.

struct UlaLawSetup {
  const lib::potentials::Potential* U = nullptr;  // 1-D
  double lambda = 0.3;
  lib::sde::IsotropicMixture start;               // 1-D; the law starts from its cell averages
  std::vector<double> etas;                       // each divides every record time
  std::vector<double> record_times;
  ParticleMutant mutant = ParticleMutant::none;
  double truncation_sd = 10.0;
  lib::fp::Grid grid;
  std::vector<Eigen::VectorXd> grid_densities;    // the Fokker–Planck reference at the record times
};

struct UlaLawResult {
  Eigen::MatrixXd w2sq, kl, tv;          // etas x record times
  std::vector<double> lost_mass;         // per eta
  std::vector<long> steps;               // per eta (to the last record time)
  std::vector<double> min_sigma;         // per eta: smallest kernel sd (after the cell correction)
  std::vector<long> nonzeros;            // per eta: stored kernel entries
  std::vector<Eigen::VectorXd> last_law; // per eta: the law at the last record time
  double seconds = 0;
};

// Throws std::invalid_argument on bad setup; std::runtime_error naming eta and the step when no
// mass is left in the box (e.g. the drift_flipped mutant).
UlaLawResult run_ula_law(const UlaLawSetup& s);

}  // namespace ldbench::verify::harness
