#include "verify/harness/fp.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "lib/fp/functionals.hpp"
#include "lib/fp/gaussian_transition.hpp"
#include "lib/parallel.hpp"
#include "lib/rng/philox.hpp"
#include "lib/sde/euler_maruyama.hpp"
#include "theory/kramers.hpp"
#include "theory/ou.hpp"

namespace ldbench::verify::harness {

namespace fp = lib::fp;

const lib::potentials::PotentialRegistry& fp_potentials() {
  static const lib::potentials::PotentialRegistry reg = [] {
    lib::potentials::PotentialRegistry r;
    lib::potentials::register_builtin_potentials(r);
    return r;
  }();
  return reg;
}

namespace {

// Mass of N(m, v) on every cell of the axis: Phi((e_{i+1} - m)/s) - Phi((e_i - m)/s), computed
// with erfc on the side of the tail so small masses keep their relative accuracy.
std::vector<double> axis_masses(const fp::Axis& ax, double m, double v) {
  const double s = std::sqrt(2.0 * v);
  auto upper = [&](double x) { return 0.5 * std::erfc((x - m) / s); };  // P(X > x)
  std::vector<double> out(static_cast<std::size_t>(ax.n));
  for (int i = 0; i < ax.n; ++i) {
    const double a = ax.edge(i), b = ax.edge(i + 1);
    double w;
    if (a >= m)
      w = upper(a) - upper(b);
    else if (b <= m)
      w = upper(-b + 2 * m) - upper(-a + 2 * m);  // mirror: P(a < X < b) = P(2m - b < X < 2m - a)
    else
      w = 1.0 - upper(b) - upper(2 * m - a);
    out[static_cast<std::size_t>(i)] = std::max(w, 0.0);
  }
  return out;
}

}  // namespace

Eigen::VectorXd cell_average_mixture(const fp::Grid& grid, const lib::sde::IsotropicMixture& law, double* mass_outside) {
  grid.validate();
  law.validate();
  if (law.dim() != grid.dim()) throw std::invalid_argument("start: dimension differs from the grid's");
  Eigen::VectorXd p = Eigen::VectorXd::Zero(grid.size());
  for (std::size_t j = 0; j < law.weights.size(); ++j) {
    const auto mx = axis_masses(grid.axes[0], law.means[j](0), law.variances[j]);
    if (grid.dim() == 1) {
      for (long k = 0; k < grid.size(); ++k) p[k] += law.weights[j] * mx[static_cast<std::size_t>(k)];
    } else {
      const auto my = axis_masses(grid.axes[1], law.means[j](1), law.variances[j]);
      const int nx = grid.axes[0].n;
      for (long k = 0; k < grid.size(); ++k)
        p[k] += law.weights[j] * mx[static_cast<std::size_t>(k % nx)] * my[static_cast<std::size_t>(k / nx)];
    }
  }
  const double total = p.sum();
  if (mass_outside) *mass_outside = 1.0 - total;
  if (!(total > 0)) throw std::invalid_argument("start: no mass inside the box");
  return p / (total * grid.cell_volume());
}

OuGridError ou_grid_error(const OuGridCase& c, int n, fp::Scheme scheme, long steps, const Eigen::VectorXd* against,
                          Eigen::VectorXd* density_out) {
  const auto t0 = std::chrono::steady_clock::now();
  fp::Grid g;
  for (int i = 0; i < c.dim; ++i) g.axes.push_back(fp::Axis{-c.half_width, c.half_width, n});
  lib::Params qp;
  qp.set("a", c.a);
  const auto U = fp_potentials().make("quadratic", c.dim, qp);
  fp::FpOptions o;
  o.lambda = c.lambda;
  o.scheme = scheme;
  o.mutant = c.mutant;
  o.negative_mass_tol = 1.0;  // measured, not thrown: a mutant must produce a result to judge
  fp::FokkerPlanck solver(g, *U, o);
  lib::sde::IsotropicMixture start{{1.0}, {Eigen::Map<const Eigen::VectorXd>(c.m0.data(), c.dim)}, {c.v0}};
  solver.set_density(cell_average_mixture(g, start));
  solver.advance(c.t_end, steps);
  const theory::OuParams ou{c.a, c.lambda};
  Eigen::VectorXd mt(c.dim);
  for (int i = 0; i < c.dim; ++i) mt(i) = theory::ou_mean(c.t_end, c.m0[static_cast<std::size_t>(i)], ou);
  const lib::sde::IsotropicMixture exact_law{{1.0}, {mt}, {theory::ou_variance(c.t_end, c.v0, ou)}};
  // The exact law's cell averages WITHOUT renormalisation on the box (the truncated mass is part
  // of the error; it is < 1e-15 for the boxes used).
  double outside = 0;
  Eigen::VectorXd exact = cell_average_mixture(g, exact_law, &outside);
  exact *= (1.0 - outside);
  if (density_out) *density_out = solver.density();
  const Eigen::VectorXd diff = solver.density() - (against ? *against : exact);
  OuGridError e;
  e.l1 = diff.cwiseAbs().sum() * g.cell_volume();
  e.max = diff.cwiseAbs().maxCoeff();
  e.boundary_mass = solver.diagnostics().max_boundary_mass;
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return e;
}

FlowRecord run_flow(const fp::Grid& grid, const Eigen::VectorXd& U, const fp::FpOptions& opt, const Eigen::VectorXd& p0,
                    const FlowOptions& flow) {
  if (!(flow.dt > 0) || !(flow.t_end > 0)) throw std::invalid_argument("flow: dt and t_end must be > 0");
  fp::FokkerPlanck solver(grid, U, opt);
  solver.set_density(p0);
  fp::FpOptions be = opt;
  be.scheme = fp::Scheme::backward_euler;
  fp::FokkerPlanck starter(grid, U, be);
  if (flow.startup_steps > 0) starter.set_density(p0);
  const bool two_phase = flow.dt_initial > 0 && flow.t_initial > 0;
  const long n1 = two_phase ? std::max(1L, std::lround(flow.t_initial / flow.dt_initial)) : 0;
  const double t1 = two_phase ? static_cast<double>(n1) * flow.dt_initial : 0.0;
  const long n2 = std::max(1L, std::lround((flow.t_end - t1) / flow.dt));
  const long n_steps = n1 + n2;
  const long every = std::max(1L, flow.record_every);
  FlowRecord r;
  r.min_ratio = std::numeric_limits<double>::infinity();
  auto record = [&](double t) {
    // Cells far out in the tails hold underflowed values (0, denormals, or TR-BDF2's round-off-level
    // negative values, which the solver bounds by negative_mass_tol and reports). They are floored at
    // kTailFloor for the functionals: a face between an exact 0 and a denormal would otherwise
    // contribute +inf to I_sg, while the floor changes KL and I by < 1e-290.
    constexpr double kTailFloor = 1e-300;
    const Eigen::VectorXd p = solver.density().cwiseMax(kTailFloor);
    const double kl = fp::kl_to_gibbs(grid, p, U, opt.lambda);
    r.t.push_back(t);
    r.kl.push_back(kl);
    if (flow.fisher) {
      const double I = fp::fisher_information_sg(grid, p, U, opt.lambda);
      r.fisher.push_back(I);
      if (kl >= flow.ratio_kl_floor) {
        const double ratio = I / (2.0 * kl);
        r.last_ratio = ratio;
        if (ratio < r.min_ratio) {
          r.min_ratio = ratio;
          r.t_min_ratio = t;
        }
      }
    }
    return kl;
  };
  record(0.0);
  if (flow.observer) flow.observer(0.0, solver.density());
  for (long k = 1; k <= n_steps; ++k) {
    const double dt = k <= n1 ? flow.dt_initial : flow.dt;
    const double t = k <= n1 ? static_cast<double>(k) * flow.dt_initial : t1 + static_cast<double>(k - n1) * flow.dt;
    if (k <= flow.startup_steps) {
      starter.step(dt);
      solver.set_density(starter.density().cwiseMax(0.0), starter.time());  // -0.0 / denormal round-off only
    } else {
      solver.step(dt);
    }
    if (k % every == 0 || k == n_steps || k == n1) {
      const double kl = record(t);
      if (flow.observer) flow.observer(t, solver.density());
      if (flow.kl_stop > 0 && kl < flow.kl_stop) {
        r.stopped_early = k < n_steps;
        break;
      }
    }
  }
  r.final_density = solver.density();
  r.diagnostics = solver.diagnostics();
  return r;
}

std::vector<Eigen::VectorXd> fp_solution_at(const fp::Grid& grid, const lib::potentials::Potential& U, double lambda,
                                            const lib::sde::IsotropicMixture& start, const std::vector<double>& times,
                                            double dt, fp::FpDiagnostics* diagnostics) {
  if (!(dt > 0)) throw std::invalid_argument("dt: must be > 0");
  fp::FpOptions o;
  o.lambda = lambda;
  o.scheme = fp::Scheme::tr_bdf2;
  fp::FokkerPlanck solver(grid, U, o);
  solver.set_density(cell_average_mixture(grid, start));
  std::vector<Eigen::VectorXd> out;
  double t = 0;
  for (double tj : times) {
    const double k = std::round((tj - t) / dt);
    if (!(k >= 1) || std::abs(k * dt - (tj - t)) > 1e-9 * std::max(1.0, tj))
      throw std::invalid_argument("dt: " + std::to_string(dt) + " does not divide the record interval ending at t = " + std::to_string(tj));
    solver.advance(tj - t, static_cast<long>(k));
    t = tj;
    out.push_back(solver.density());
  }
  if (diagnostics) *diagnostics = solver.diagnostics();
  return out;
}

KramersEstimate kramers_for_potential(const lib::potentials::Potential& U, double lo, double hi, double lambda, int samples) {
  if (U.dim() != 1) throw std::invalid_argument("U: kramers_for_potential needs a 1-D potential");
  if (!(lo < hi) || samples < 10) throw std::invalid_argument("box: need lo < hi and samples >= 10");
  auto grad = [&](double x) {
    double g = 0;
    U.gradient(&x, &g);
    return g;
  };
  auto val = [&](double x) { return U.value(&x); };
  const double step = (hi - lo) / samples, dh = 1e-6 * (hi - lo);
  auto curv = [&](double x) { return (grad(x + dh) - grad(x - dh)) / (2 * dh); };
  KramersEstimate k;
  // Critical points: sign changes of U' between consecutive sample points (interior only).
  std::vector<std::pair<double, bool>> crit;  // (x, is_minimum)
  double x0 = lo, g0 = grad(lo);
  for (int i = 1; i <= samples; ++i) {
    const double x1 = lo + i * step, g1 = grad(x1);
    if ((g0 < 0 && g1 >= 0) || (g0 > 0 && g1 <= 0)) {
      double a = x0, b = x1, ga = g0;
      for (int it = 0; it < 200 && b - a > 1e-15 * std::max(1.0, std::abs(a)); ++it) {
        const double m = 0.5 * (a + b), gm = grad(m);
        if ((gm < 0) == (ga < 0)) {
          a = m;
          ga = gm;
        } else {
          b = m;
        }
      }
      const double xc = 0.5 * (a + b);
      if (xc > lo + step && xc < hi - step) crit.push_back({xc, g0 < 0});
    }
    x0 = x1;
    g0 = g1;
  }
  for (const auto& [x, is_min] : crit) (is_min ? k.minima : k.maxima).push_back(x);
  if (k.minima.size() != 2 || k.maxima.size() != 1) {
    k.note = "U has " + std::to_string(k.minima.size()) + " local minima and " + std::to_string(k.maxima.size()) +
             " local maxima in the box; the two-state Eyring–Kramers formula needs exactly two minima and one saddle";
    return k;
  }
  theory::DoubleWell1d w;
  w.U_a = val(k.minima[0]);
  w.Uxx_a = curv(k.minima[0]);
  w.U_b = val(k.minima[1]);
  w.Uxx_b = curv(k.minima[1]);
  w.U_z = val(k.maxima[0]);
  w.Uxx_z_abs = std::abs(curv(k.maxima[0]));
  try {
    k.gap = theory::kramers_spectral_gap_1d(w, lambda);
    k.applicable = true;
  } catch (const std::invalid_argument& e) {
    k.note = std::string("degenerate critical points: ") + e.what();
  }
  return k;
}

UlaLawResult run_ula_law(const UlaLawSetup& s) {
  if (!s.U || s.U->dim() != 1) throw std::invalid_argument("U: a 1-D potential is required");
  if (s.grid.dim() != 1) throw std::invalid_argument("grid: the ULA law is propagated on a 1-D grid");
  const std::size_t K = s.etas.size(), T = s.record_times.size();
  if (s.grid_densities.size() != T) throw std::invalid_argument("grid_densities: one per record time");
  const auto t0 = std::chrono::steady_clock::now();
  UlaLawResult res;
  res.w2sq.resize(static_cast<long>(K), static_cast<long>(T));
  res.kl.resize(static_cast<long>(K), static_cast<long>(T));
  res.tv.resize(static_cast<long>(K), static_cast<long>(T));
  const double h = s.grid.cell_volume();
  const Eigen::VectorXd p0 = cell_average_mixture(s.grid, s.start);
  const double sign = s.mutant == ParticleMutant::drift_flipped ? 1.0 : -1.0;
  const auto* U = s.U;
  for (std::size_t k = 0; k < K; ++k) {
    const double eta = s.etas[k];
    const double variance = s.mutant == ParticleMutant::noise_sqrt_eta ? eta : 2.0 * eta * s.lambda;
    lib::fp::GaussianTransitionOptions go;
    go.truncation_sd = s.truncation_sd;
    const lib::fp::GaussianTransition1d tr(
        s.grid,
        [U, eta, sign](double x) {
          double g = 0;
          U->gradient(&x, &g);
          return x + sign * eta * g;
        },
        variance, go);
    res.min_sigma.push_back(tr.min_sigma());
    res.nonzeros.push_back(tr.nonzeros());
    Eigen::VectorXd p = p0;
    double log_retained = 0.0;
    long step = 0;
    for (std::size_t j = 0; j < T; ++j) {
      const long target = std::lround(s.record_times[j] / eta);
      if (std::abs(static_cast<double>(target) * eta - s.record_times[j]) > 1e-9 * s.record_times[j])
        throw std::invalid_argument("etas: " + std::to_string(eta) + " does not divide record time " + std::to_string(s.record_times[j]));
      for (; step < target; ++step) {
        p = tr.apply(p);
        const double m = p.sum() * h;
        if (!(m > 0) || !std::isfinite(m))
          throw std::runtime_error("ULA law: no mass left in the box at eta = " + std::to_string(eta) + ", step " +
                                   std::to_string(step + 1) + " (t = " + std::to_string((step + 1) * eta) + ", particle_mutant " +
                                   particle_mutant_name(s.mutant) + ")");
        log_retained += std::log(m);
        p /= m;
      }
      const Eigen::VectorXd& q = s.grid_densities[j];
      // The reference may hold round-off-level negative values in far tails (TR-BDF2); floored as in run_flow.
      const Eigen::VectorXd qf = q.cwiseMax(1e-300);
      res.w2sq(static_cast<long>(k), static_cast<long>(j)) = fp::w2_squared_1d(s.grid, p, s.grid, q.cwiseMax(0.0));
      res.kl(static_cast<long>(k), static_cast<long>(j)) = fp::kl(s.grid, p, fp::normalized(s.grid, qf));
      res.tv(static_cast<long>(k), static_cast<long>(j)) = 0.5 * (p - fp::normalized(s.grid, q.cwiseMax(0.0))).cwiseAbs().sum() * h;
    }
    res.lost_mass.push_back(-std::expm1(log_retained));
    res.steps.push_back(step);
    res.last_law.push_back(p);
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

std::string particle_mutant_name(ParticleMutant m) {
  switch (m) {
    case ParticleMutant::none: return "none";
    case ParticleMutant::noise_sqrt_eta: return "noise_sqrt_eta";
    case ParticleMutant::drift_flipped: return "drift_flipped";
  }
  return "none";
}

std::vector<std::string> particle_mutant_names() { return {"none", "noise_sqrt_eta", "drift_flipped"}; }

ParticleMutant particle_mutant_from_string(const std::string& name) {
  for (ParticleMutant m : {ParticleMutant::none, ParticleMutant::noise_sqrt_eta, ParticleMutant::drift_flipped})
    if (particle_mutant_name(m) == name) return m;
  throw std::invalid_argument("particle_mutant: unknown '" + name + "'; allowed: none, noise_sqrt_eta, drift_flipped");
}

std::vector<double> sample_grid_density(const fp::Grid& grid, const Eigen::VectorXd& p, long n, std::uint32_t seed,
                                        std::uint32_t replica, std::uint32_t stream) {
  if (grid.dim() != 1) throw std::invalid_argument("grid: sample_grid_density is one-dimensional");
  const fp::Axis& ax = grid.axes[0];
  std::vector<double> cdf(static_cast<std::size_t>(ax.n) + 1, 0.0);
  for (int i = 0; i < ax.n; ++i) cdf[static_cast<std::size_t>(i) + 1] = cdf[static_cast<std::size_t>(i)] + std::max(p[i], 0.0);
  const double total = cdf.back();
  const lib::rng::Key key{seed, static_cast<std::uint32_t>(lib::rng::StreamTag::reference_sample)};
  std::vector<double> out(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    const double u = lib::rng::uniform01x2({replica, static_cast<std::uint32_t>(i), stream, 0}, key)[0] * total;
    // First cell whose cumulative mass reaches u (cells of zero mass are skipped).
    auto it = std::lower_bound(cdf.begin() + 1, cdf.end(), u);
    if (it == cdf.end()) --it;
    const long c = (it - cdf.begin()) - 1;
    const double w = cdf[static_cast<std::size_t>(c) + 1] - cdf[static_cast<std::size_t>(c)];
    const double frac = w > 0 ? std::clamp((u - cdf[static_cast<std::size_t>(c)]) / w, 0.0, 1.0) : 0.5;
    out[static_cast<std::size_t>(i)] = ax.edge(static_cast<int>(c)) + frac * ax.h();
  }
  return out;
}

UlaGridResult run_ula_grid(const UlaGridSetup& s, const std::function<void(int, int)>& progress) {
  if (!s.U || s.U->dim() != 1) throw std::invalid_argument("U: a 1-D potential is required");
  const std::size_t K = s.etas.size(), T = s.record_times.size();
  if (s.grid_densities.size() != T) throw std::invalid_argument("grid_densities: one per record time");
  const int R = s.replicas;
  UlaGridResult res;
  res.w2_ula.assign(K, Eigen::MatrixXd(R, static_cast<long>(T)));
  res.w2_exact.resize(R, static_cast<long>(T));
  const auto* U = s.U;
  const double drift_sign = s.mutant == ParticleMutant::drift_flipped ? 1.0 : -1.0;
  lib::sde::Sde sde;
  sde.dim = 1;
  const int threads = lib::resolve_threads(s.threads);
  sde.drift = [U, drift_sign, threads](const lib::sde::Ensemble& X, double, lib::sde::Ensemble& out) {
    const long n = X.cols();
#pragma omp parallel for schedule(static) num_threads(threads) if (threads != 1)
    for (long i = 0; i < n; ++i) {
      double g = 0;
      U->gradient(&X(0, i), &g);
      out(0, i) = drift_sign * g;
    }
  };
  // noise_sqrt_eta: x_{k+1} = x_k - eta U' + sqrt(eta) xi, i.e. sigma = 1 instead of sqrt(2 lambda).
  const double sigma = s.mutant == ParticleMutant::noise_sqrt_eta ? 1.0 : std::sqrt(2.0 * s.lambda);
  sde.sigma = [sigma](double) { return sigma; };
  res.last_sample.assign(K, {});
  using clock = std::chrono::steady_clock;
  for (int r = 0; r < R; ++r) {
    const auto t0 = clock::now();
    const lib::sde::Ensemble X0 = lib::sde::sample_initial(s.start, s.particles, s.seed, static_cast<std::uint32_t>(r), 0, s.threads);
    for (std::size_t k = 0; k < K; ++k) {
      const double eta = s.etas[k];
      std::vector<std::uint32_t> obs;
      for (double t : s.record_times) obs.push_back(static_cast<std::uint32_t>(std::lround(t / eta)));
      lib::sde::EulerMaruyamaOptions o;
      o.grid = lib::sde::TimeGrid{0.0, eta, obs.back()};
      o.key = {s.seed, static_cast<std::uint32_t>(lib::rng::StreamTag::brownian)};
      o.replica = static_cast<std::uint32_t>(r * static_cast<int>(K) + static_cast<int>(k));
      o.threads = s.threads;
      lib::sde::Ensemble X = X0;
      std::size_t j = 0;
      try {
        lib::sde::euler_maruyama(sde, X, o, obs, [&](std::uint32_t, double, const lib::sde::Ensemble& Xk) {
          std::vector<double> v(Xk.data(), Xk.data() + Xk.size());
          if (r == 0 && j + 1 == T) res.last_sample[k] = v;
          res.w2_ula[k](r, static_cast<long>(j)) = fp::w2_squared_1d_sample(s.grid, s.grid_densities[j], std::move(v));
          ++j;
        });
      } catch (const lib::sde::NumericalBlowUp& ex) {
        throw std::runtime_error("ULA particles blew up (non-finite state) at eta = " + std::to_string(eta) + ", replica " +
                                 std::to_string(r) + ", step " + std::to_string(ex.step) + " (t = " + std::to_string(ex.time) +
                                 "), particle " + std::to_string(ex.particle) + " (particle_mutant " + particle_mutant_name(s.mutant) +
                                 ")");
      }
    }
    const auto t1 = clock::now();
    for (std::size_t j = 0; j < T; ++j) {
      auto y = sample_grid_density(s.grid, s.grid_densities[j], s.particles, s.seed, static_cast<std::uint32_t>(r),
                                   static_cast<std::uint32_t>(j));
      res.w2_exact(r, static_cast<long>(j)) = fp::w2_squared_1d_sample(s.grid, s.grid_densities[j], std::move(y));
    }
    res.seconds_particles += std::chrono::duration<double>(t1 - t0).count();
    res.seconds_exact += std::chrono::duration<double>(clock::now() - t1).count();
    if (progress) progress(r + 1, R);
  }
  return res;
}

}  // namespace ldbench::verify::harness
