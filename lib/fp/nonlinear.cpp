#include "lib/fp/nonlinear.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "lib/fp/functionals.hpp"

namespace ldbench::lib::fp {

namespace {

void require_lambda2(double lambda2) {
  if (!(std::isfinite(lambda2) && lambda2 > 0)) throw std::invalid_argument("lambda2: must be finite and > 0");
}

void require_density(const Grid& grid, const Eigen::VectorXd& p, const char* name) {
  if (p.size() != grid.size())
    throw std::invalid_argument(std::string(name) + ": has " + std::to_string(p.size()) + " cells; the grid has " + std::to_string(grid.size()));
  if (!p.allFinite() || (p.array() < 0).any()) throw std::invalid_argument(std::string(name) + ": entries must be finite and >= 0");
  if (!(p.sum() > 0)) throw std::invalid_argument(std::string(name) + ": must have positive mass");
}

// ∫_0^len |d_a + (d_b - d_a) s/len| ds.
double abs_linear_integral(double da, double db, double len) {
  if (!(len > 0)) return 0.0;
  if (da * db >= 0) return 0.5 * len * (std::abs(da) + std::abs(db));
  return 0.5 * len * (da * da + db * db) / (std::abs(da) + std::abs(db));
}

// Continuous piecewise-linear CDF of a 1-D piecewise-constant density (normalised).
struct GridCdf {
  Axis ax;
  std::vector<double> cum;  // cum[i] = mass of cells < i, i = 0..n
  GridCdf(const Grid& g, const Eigen::VectorXd& p, const char* name) : ax(g.axes.at(0)) {
    if (g.dim() != 1) throw std::invalid_argument("grid: W1 needs a 1-D grid");
    require_density(g, p, name);
    const double total = p.sum();
    cum.resize(static_cast<std::size_t>(ax.n) + 1, 0.0);
    for (int i = 0; i < ax.n; ++i) cum[static_cast<std::size_t>(i) + 1] = cum[static_cast<std::size_t>(i)] + p(i) / total;
    for (auto& c : cum) c /= cum.back();
  }
  double operator()(double x) const {
    if (x <= ax.lo) return 0.0;
    if (x >= ax.hi) return 1.0;
    const double u = (x - ax.lo) / ax.h();
    const int i = std::min(ax.n - 1, static_cast<int>(std::floor(u)));
    const double s = u - i;
    return cum[static_cast<std::size_t>(i)] + s * (cum[static_cast<std::size_t>(i) + 1] - cum[static_cast<std::size_t>(i)]);
  }
  void edges(std::vector<double>& out) const {
    for (int i = 0; i <= ax.n; ++i) out.push_back(ax.edge(i));
  }
};

}  // namespace

std::string_view to_string(NonlinearMutant m) { return m == NonlinearMutant::none ? "none" : "frozen_potential"; }

NonlinearMutant nonlinear_mutant_from_string(std::string_view s) {
  if (s == "none") return NonlinearMutant::none;
  if (s == "frozen_potential") return NonlinearMutant::frozen_potential;
  throw std::invalid_argument("mutant: unknown \"" + std::string(s) + "\"; known: none, frozen_potential");
}

double free_energy(const Grid& grid, const MeanFieldEnergy& F, double lambda2, const Eigen::VectorXd& p) {
  require_lambda2(lambda2);
  require_density(grid, p, "p");
  Eigen::VectorXd V;
  return F(p, V) + lambda2 * entropy(grid, p);
}

Eigen::VectorXd log_gibbs_density(const Grid& grid, const Eigen::VectorXd& V, double lambda2) {
  require_lambda2(lambda2);
  if (V.size() != grid.size() || !V.allFinite()) throw std::invalid_argument("V: must have one finite value per cell");
  const double vmin = V.minCoeff();
  Eigen::VectorXd lg = -(V.array() - vmin).matrix() / lambda2;
  const double Z = lg.array().exp().sum() * grid.cell_volume();
  lg.array() -= std::log(Z);
  return lg;
}

// ------------------------------------------------------------------------------------------

struct NonlinearFokkerPlanck::Impl {
  Grid grid;
  MeanFieldEnergy F;
  double lambda2;
  NonlinearMutant mutant;
  std::unique_ptr<FokkerPlanck> fp;
  Eigen::VectorXd V, V0;
  bool have_V0 = false;
};

NonlinearFokkerPlanck::NonlinearFokkerPlanck(const Grid& grid, MeanFieldEnergy F, double lambda2, NonlinearMutant mutant)
    : impl_(std::make_unique<Impl>()) {
  grid.validate();
  if (!F) throw std::invalid_argument("F: the mean-field energy is empty");
  require_lambda2(lambda2);
  impl_->grid = grid;
  impl_->F = std::move(F);
  impl_->lambda2 = lambda2;
  impl_->mutant = mutant;
  FpOptions o;
  o.lambda = lambda2;
  o.scheme = Scheme::backward_euler;
  impl_->fp = std::make_unique<FokkerPlanck>(grid, Eigen::VectorXd::Zero(grid.size()), o);
}

NonlinearFokkerPlanck::~NonlinearFokkerPlanck() = default;
NonlinearFokkerPlanck::NonlinearFokkerPlanck(NonlinearFokkerPlanck&&) noexcept = default;
NonlinearFokkerPlanck& NonlinearFokkerPlanck::operator=(NonlinearFokkerPlanck&&) noexcept = default;

void NonlinearFokkerPlanck::set_density(const Eigen::VectorXd& p, double t) {
  require_density(impl_->grid, p, "p");
  impl_->fp->set_density(p, t);
  impl_->have_V0 = false;
}

void NonlinearFokkerPlanck::step(double dt) {
  if (!(std::isfinite(dt) && dt > 0)) throw std::invalid_argument("dt: must be finite and > 0");
  auto& m = *impl_;
  if (m.mutant == NonlinearMutant::frozen_potential && m.have_V0) {
    m.V = m.V0;
  } else {
    m.F(m.fp->density(), m.V);
    if (!m.V.allFinite()) throw std::runtime_error("nonlinear FP: non-finite potential at t = " + std::to_string(m.fp->time()));
    m.V0 = m.V;
    m.have_V0 = true;
  }
  m.fp->set_potential(m.V);
  m.fp->step(dt);
}

const Eigen::VectorXd& NonlinearFokkerPlanck::density() const { return impl_->fp->density(); }
double NonlinearFokkerPlanck::time() const { return impl_->fp->time(); }
const Eigen::VectorXd& NonlinearFokkerPlanck::potential() const { return impl_->V; }
FpDiagnostics NonlinearFokkerPlanck::diagnostics() const { return impl_->fp->diagnostics(); }
const Grid& NonlinearFokkerPlanck::grid() const { return impl_->grid; }

// ------------------------------------------------------------------------------------------

StationaryPoint solve_stationary(const Grid& grid, const MeanFieldEnergy& F, double lambda2, const Eigen::VectorXd& p_init, double damping,
                                 double tolerance, long max_iterations) {
  grid.validate();
  require_lambda2(lambda2);
  if (!(damping > 0 && damping <= 1)) throw std::invalid_argument("damping: must be in (0, 1]");
  if (!(tolerance > 0)) throw std::invalid_argument("tolerance: must be > 0");
  if (max_iterations < 1) throw std::invalid_argument("max_iterations: must be >= 1");
  require_density(grid, p_init, "p_init");
  Eigen::VectorXd V, Vn;
  F(p_init, V);
  StationaryPoint out;
  for (long it = 0;; ++it) {
    const Eigen::VectorXd lg = log_gibbs_density(grid, V, lambda2);
    const Eigen::VectorXd p = lg.array().exp().matrix();
    const double Fp = F(p, Vn);
    const Eigen::VectorXd lg_next = log_gibbs_density(grid, Vn, lambda2);
    const double r = (lg - lg_next).cwiseAbs().maxCoeff();
    out.iterations = it;
    out.residual = r;
    if (r <= tolerance || it >= max_iterations || !std::isfinite(r)) {
      out.density = p;
      out.potential = Vn;
      out.converged = r <= tolerance;
      out.free_energy = Fp + lambda2 * entropy(grid, p);
      return out;
    }
    V = (1 - damping) * V + damping * Vn;
  }
}

GridSandwich entropy_sandwich(const Grid& grid, const MeanFieldEnergy& F, double lambda2, const Eigen::VectorXd& p,
                              const Eigen::VectorXd& p_star, double L_star) {
  require_lambda2(lambda2);
  require_density(grid, p, "p");
  require_density(grid, p_star, "p_star");
  Eigen::VectorXd V;
  GridSandwich s;
  s.free_energy = F(p, V) + lambda2 * entropy(grid, p);
  s.gap = s.free_energy - L_star;
  s.lower = lambda2 * kl(grid, p, p_star);
  s.upper = lambda2 * kl_to_gibbs(grid, p, V, lambda2);
  return s;
}

double w1_1d(const Grid& grid_p, const Eigen::VectorXd& p, const Grid& grid_q, const Eigen::VectorXd& q) {
  const GridCdf Fp(grid_p, p, "p"), Fq(grid_q, q, "q");
  std::vector<double> x;
  Fp.edges(x);
  Fq.edges(x);
  std::sort(x.begin(), x.end());
  double s = 0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i], b = x[i + 1];
    s += abs_linear_integral(Fp(a) - Fq(a), Fp(b) - Fq(b), b - a);
  }
  return s;
}

double w1_1d_sample(const Grid& grid, const Eigen::VectorXd& p, std::vector<double> sample) {
  const GridCdf Fp(grid, p, "p");
  if (sample.empty()) throw std::invalid_argument("sample: is empty");
  for (double v : sample)
    if (!std::isfinite(v)) throw std::invalid_argument("sample: entries must be finite");
  std::sort(sample.begin(), sample.end());
  std::vector<double> x = sample;
  Fp.edges(x);
  std::sort(x.begin(), x.end());
  const double N = static_cast<double>(sample.size());
  std::size_t below = 0;  // # sample points <= a
  double s = 0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i], b = x[i + 1];
    while (below < sample.size() && sample[below] <= a) ++below;
    if (!(b > a)) continue;
    const double c = static_cast<double>(below) / N;
    s += abs_linear_integral(Fp(a) - c, Fp(b) - c, b - a);
  }
  return s;
}

}  // namespace ldbench::lib::fp
