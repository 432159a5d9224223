#include "lib/fp/fokker_planck.hpp"

#include <Eigen/SparseCholesky>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "lib/fp/functionals.hpp"
#include "lib/fp/operator.hpp"
#include "lib/potentials/potential.hpp"

namespace ldbench::lib::fp {

// ---------------------------------------------------------------------------------------------
// Enums

std::string_view to_string(Scheme s) {
  switch (s) {
    case Scheme::backward_euler: return "backward_euler";
    case Scheme::tr_bdf2: return "tr_bdf2";
  }
  return "backward_euler";
}

std::string_view to_string(FpMutant m) {
  switch (m) {
    case FpMutant::none: return "none";
    case FpMutant::diffusion_doubled: return "diffusion_doubled";
    case FpMutant::drift_flipped: return "drift_flipped";
    case FpMutant::backward_euler_stage_matrix: return "backward_euler_stage_matrix";
    case FpMutant::tr_bdf2_uniform_weights: return "tr_bdf2_uniform_weights";
  }
  return "none";
}

std::string_view to_string(LinearSolver s) {
  switch (s) {
    case LinearSolver::automatic: return "automatic";
    case LinearSolver::ldlt_symmetric: return "ldlt_symmetric";
    case LinearSolver::sparse_lu: return "sparse_lu";
  }
  return "automatic";
}

namespace {
template <class E>
E enum_from_string(std::string_view name, std::initializer_list<E> all, const char* what) {
  std::string allowed;
  for (E e : all) {
    if (to_string(e) == name) return e;
    allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(e));
  }
  throw std::invalid_argument(std::string(what) + ": unknown '" + std::string(name) + "'; allowed: " + allowed);
}
}  // namespace

Scheme scheme_from_string(std::string_view name) {
  return enum_from_string(name, {Scheme::backward_euler, Scheme::tr_bdf2}, "scheme");
}
FpMutant fp_mutant_from_string(std::string_view name) {
  return enum_from_string(name,
                          {FpMutant::none, FpMutant::diffusion_doubled, FpMutant::drift_flipped,
                           FpMutant::backward_euler_stage_matrix, FpMutant::tr_bdf2_uniform_weights},
                          "mutant");
}
LinearSolver linear_solver_from_string(std::string_view name) {
  return enum_from_string(name, {LinearSolver::automatic, LinearSolver::ldlt_symmetric, LinearSolver::sparse_lu},
                          "solver_2d");
}

bool FpOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!(std::isfinite(lambda) && lambda > 0)) return fail("lambda: must be finite and > 0");
  if (!(negative_mass_tol >= 0)) return fail("negative_mass_tol: must be >= 0");
  if (!(boundary_fraction > 0 && boundary_fraction < 0.5)) return fail("boundary_fraction: must be in (0, 0.5)");
  return true;
}

void FpOptions::validate() const {
  std::string e;
  if (!IsValid(&e)) throw std::invalid_argument(e);
}

std::string FpDiagnostics::brief() const {
  std::ostringstream os;
  os << "t=" << time << ", steps=" << steps << ", mass error=" << mass_error << ", min p=" << min_density
     << ", negative mass=" << negative_mass << " (max " << max_negative_mass << "), boundary mass=" << max_boundary_mass
     << ", factorizations=" << factorizations << ", solver=" << linear_solver;
  return os.str();
}

// ---------------------------------------------------------------------------------------------
// Solver

namespace {
// Largest (max U - min U)/lambda for which the symmetric rescaling exp(±(U - U_mid)/(2 lambda))
// stays within exp(±600).
constexpr double kMaxSymmetricRange = 2400.0;
}  // namespace

struct FokkerPlanck::Impl {
  Grid grid;
  FpOptions opt;
  Eigen::VectorXd U;    // the caller's potential
  double lam_op = 1.0;  // temperature of the operator in use (mutants)
  SgCoefficients coef;  // of the operator in use
  std::string solver_name;
  Eigen::VectorXd p;
  double t = 0;
  long steps = 0;
  double mass0 = 1;
  double max_neg = 0, max_boundary = 0;
  long factorizations = 0;

  // Factorisation cache: valid for theta_dt with the current coefficients.
  double factored_theta_dt = std::numeric_limits<double>::quiet_NaN();
  bool dirty = true;
  // 1-D Thomas factors of K = I - theta_dt L: 1/pivots, multipliers (sub-diagonal / pivot), super-diagonal.
  std::vector<double> piv, mul, sup;
  // 2-D.
  Eigen::VectorXd sqrtM, inv_sqrtM;    // exp(-(U - U_mid)/(2 lam)), its inverse
  Eigen::SparseMatrix<double> S_or_L;  // S (ldlt) or L (lu)
  Eigen::SparseMatrix<double> K;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::AMDOrdering<int>> ldlt;
  Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
  bool pattern_analyzed = false;

  void rebuild() {
    Eigen::VectorXd Uop = opt.mutant == FpMutant::drift_flipped ? Eigen::VectorXd(-U) : U;
    lam_op = opt.mutant == FpMutant::diffusion_doubled ? 2 * opt.lambda : opt.lambda;
    coef = sg_coefficients(grid, Uop, lam_op);
    dirty = true;
    if (grid.dim() == 1) {
      solver_name = "thomas";
      return;
    }
    const double range = (Uop.maxCoeff() - Uop.minCoeff()) / lam_op;
    LinearSolver s = opt.solver_2d;
    if (s == LinearSolver::automatic)
      s = range <= kMaxSymmetricRange ? LinearSolver::ldlt_symmetric : LinearSolver::sparse_lu;
    if (s == LinearSolver::ldlt_symmetric && range > kMaxSymmetricRange) {
      std::ostringstream os;
      os << "solver_2d: ldlt_symmetric needs (max U - min U)/lambda <= " << kMaxSymmetricRange << ", got " << range
         << "; use automatic or sparse_lu";
      throw std::invalid_argument(os.str());
    }
    const std::string name(to_string(s));
    if (name != solver_name) pattern_analyzed = false;
    solver_name = name;
    if (s == LinearSolver::ldlt_symmetric) {
      const double mid = 0.5 * (Uop.maxCoeff() + Uop.minCoeff());
      sqrtM = (-(Uop.array() - mid) / (2 * lam_op)).exp().matrix();
      inv_sqrtM = ((Uop.array() - mid) / (2 * lam_op)).exp().matrix();
      S_or_L = symmetrized_operator(coef);
    } else {
      S_or_L = density_operator(coef);
    }
  }

  void factor(double theta_dt) {
    if (!dirty && theta_dt == factored_theta_dt) return;
    const long n = grid.size();
    if (grid.dim() == 1) {
      // K_ii = 1 + theta_dt c_i, K_{i,i+1} = -theta_dt k_i bwd_i, K_{i+1,i} = -theta_dt k_i fwd_i.
      std::vector<double> diag(n, 1.0);
      sup.assign(n, 0.0);
      std::vector<double> sub(n, 0.0);  // sub[i] = K_{i, i-1}
      for (long f = 0; f + 1 < n; ++f) {
        const double k = theta_dt * coef.scale[f];
        diag[f] += k * coef.fwd[f];
        diag[f + 1] += k * coef.bwd[f];
        sup[f] = -k * coef.bwd[f];
        sub[f + 1] = -k * coef.fwd[f];
      }
      piv.assign(n, 0.0);
      mul.assign(n, 0.0);
      piv[0] = diag[0];
      for (long i = 1; i < n; ++i) {
        mul[i] = sub[i] / piv[i - 1];
        piv[i] = diag[i] - mul[i] * sup[i - 1];
      }
      // Stored as reciprocals: the back substitution is a dependent chain, and a multiply has a
      // fraction of a division's latency (measured 1.4x faster steps at n = 4096).
      for (long i = 0; i < n; ++i) piv[i] = 1.0 / piv[i];
    } else {
      Eigen::SparseMatrix<double> I(n, n);
      I.setIdentity();
      K = I - theta_dt * S_or_L;
      K.makeCompressed();
      if (solver_name == "ldlt_symmetric") {
        if (!pattern_analyzed) ldlt.analyzePattern(K);
        ldlt.factorize(K);
        if (ldlt.info() != Eigen::Success) throw std::runtime_error("fp: LDLT factorisation of I - dt S failed");
      } else {
        if (!pattern_analyzed) lu.analyzePattern(K);
        lu.factorize(K);
        if (lu.info() != Eigen::Success) throw std::runtime_error("fp: SparseLU factorisation of I - dt L failed");
      }
      pattern_analyzed = true;
    }
    factored_theta_dt = theta_dt;
    dirty = false;
    ++factorizations;
  }

  // x = K^{-1} b (p form in and out).
  void solve(const Eigen::VectorXd& b, Eigen::VectorXd& x) const {
    const long n = grid.size();
    if (grid.dim() == 1) {
      x.resize(n);
      x[0] = b[0];
      for (long i = 1; i < n; ++i) x[i] = b[i] - mul[i] * x[i - 1];
      x[n - 1] *= piv[n - 1];
      for (long i = n - 2; i >= 0; --i) x[i] = (x[i] - sup[i] * x[i + 1]) * piv[i];
    } else if (solver_name == "ldlt_symmetric") {
      const Eigen::VectorXd q = b.cwiseProduct(inv_sqrtM);
      x = ldlt.solve(q);
      x.array() *= sqrtM.array();
    } else {
      x = lu.solve(b);
    }
  }

  // x = K^{-1} b followed (opt.refine_mass) by one step of defect correction with the residual
  // r = b - x + theta_dt L x evaluated in the conservative flux form (Σ r is exact up to the
  // rounding of a few sums, whatever the size of theta_dt L): x <- x + K^{-1} r. The correction
  // is dropped if it would turn a non-negative solution negative (keeps backward Euler's exact
  // positivity; then the step conserves mass to the unrefined round-off).
  void solve_refined(const Eigen::VectorXd& b, Eigen::VectorXd& x) const {
    solve(b, x);
    if (!opt.refine_mass) return;
    Eigen::VectorXd Lx, d;
    apply_operator(coef, x, Lx);
    const Eigen::VectorXd r = b - x + factored_theta_dt * Lx;
    solve(r, d);
    Eigen::VectorXd y = x + d;
    if (x.minCoeff() >= 0 && y.minCoeff() < 0) return;
    x = std::move(y);
  }

  struct Check {
    double mass = 0, min = 0, negative = 0;
    bool finite = true;
  };
  Check check(const Eigen::VectorXd& v) const {
    Check c;
    c.min = std::numeric_limits<double>::infinity();
    double s = 0, neg = 0;
    for (long i = 0; i < v.size(); ++i) {
      const double x = v[i];
      if (!std::isfinite(x)) c.finite = false;
      s += x;
      if (x < 0) neg -= x;
      c.min = std::min(c.min, x);
    }
    const double vol = grid.cell_volume();
    c.mass = s * vol;
    c.negative = neg * vol;
    return c;
  }

  std::vector<double> boundary_mass(const Eigen::VectorXd& v) const {
    const double vol = grid.cell_volume();
    std::vector<double> out;
    const long nx = grid.axes[0].n;
    const long ny = grid.dim() == 2 ? grid.axes[1].n : 1;
    const long wx = std::max(1L, std::lround(opt.boundary_fraction * static_cast<double>(nx)));
    double lo = 0, hi = 0;
    for (long j = 0; j < ny; ++j)
      for (long i = 0; i < wx; ++i) {
        lo += v[i + nx * j];
        hi += v[nx - 1 - i + nx * j];
      }
    out.push_back(lo * vol);
    out.push_back(hi * vol);
    if (grid.dim() == 2) {
      const long wy = std::max(1L, std::lround(opt.boundary_fraction * static_cast<double>(ny)));
      lo = hi = 0;
      for (long j = 0; j < wy; ++j)
        for (long i = 0; i < nx; ++i) {
          lo += v[i + nx * j];
          hi += v[i + nx * (ny - 1 - j)];
        }
      out.push_back(lo * vol);
      out.push_back(hi * vol);
    }
    return out;
  }
};

FokkerPlanck::FokkerPlanck(const Grid& grid, const Eigen::VectorXd& U_on_grid, const FpOptions& opt)
    : impl_(std::make_unique<Impl>()) {
  opt.validate();
  grid.validate();
  impl_->grid = grid;
  impl_->opt = opt;
  impl_->U = U_on_grid;
  impl_->rebuild();
  impl_->p = gibbs_density();  // a valid state until set_density
  impl_->mass0 = mass(grid, impl_->p);
}

FokkerPlanck::FokkerPlanck(const Grid& grid, const potentials::Potential& U, const FpOptions& opt)
    : FokkerPlanck(grid, sample(grid, U), opt) {}

FokkerPlanck::~FokkerPlanck() = default;
FokkerPlanck::FokkerPlanck(FokkerPlanck&&) noexcept = default;
FokkerPlanck& FokkerPlanck::operator=(FokkerPlanck&&) noexcept = default;

void FokkerPlanck::set_potential(const Eigen::VectorXd& U_on_grid) {
  if (U_on_grid.size() == impl_->U.size() && U_on_grid == impl_->U) return;
  if (U_on_grid.size() != impl_->grid.size())
    throw std::invalid_argument("U: " + std::to_string(U_on_grid.size()) + " values for " +
                                std::to_string(impl_->grid.size()) + " cells");
  Eigen::VectorXd old = impl_->U;
  impl_->U = U_on_grid;
  try {
    impl_->rebuild();
  } catch (...) {
    impl_->U = old;
    impl_->rebuild();
    throw;
  }
}

const Eigen::VectorXd& FokkerPlanck::potential() const { return impl_->U; }

void FokkerPlanck::set_density(const Eigen::VectorXd& p, double t) {
  if (p.size() != impl_->grid.size())
    throw std::invalid_argument("p: " + std::to_string(p.size()) + " values for " + std::to_string(impl_->grid.size()) +
                                " cells");
  if (!p.allFinite()) throw std::invalid_argument("p: non-finite value");
  if ((p.array() < 0).any()) throw std::invalid_argument("p: negative value");
  if (!std::isfinite(t)) throw std::invalid_argument("t: must be finite");
  const double m = mass(impl_->grid, p);
  if (!(m > 0 && std::isfinite(m))) throw std::invalid_argument("p: total mass must be finite and > 0");
  impl_->p = p;
  impl_->t = t;
  impl_->steps = 0;
  impl_->mass0 = m;
  impl_->max_neg = 0;
  const auto b = impl_->boundary_mass(p);
  impl_->max_boundary = *std::max_element(b.begin(), b.end());
}

const Eigen::VectorXd& FokkerPlanck::density() const { return impl_->p; }
double FokkerPlanck::time() const { return impl_->t; }

void FokkerPlanck::step(double dt) {
  if (!(std::isfinite(dt) && dt > 0)) throw std::invalid_argument("dt: must be finite and > 0");
  Impl& m = *impl_;
  Eigen::VectorXd next;
  const double gamma = 2 - std::sqrt(2.0);
  const double k = gamma / 2;
  if (m.opt.scheme == Scheme::backward_euler) {
    m.factor(m.opt.mutant == FpMutant::backward_euler_stage_matrix ? k * dt : dt);
    m.solve_refined(m.p, next);
  } else {
    m.factor(k * dt);
    Eigen::VectorXd Lp;
    apply_operator(m.coef, m.p, Lp);
    Eigen::VectorXd stage;
    m.solve_refined(m.p + (k * dt) * Lp, stage);
    // BDF2 right-hand side c p* - (c - 1) p^n with c = 1/(gamma(2-gamma)), (1-gamma)² c = c - 1,
    // written as p* + (c - 1)(p* - p^n) so that its mass is exactly that of p* (no drift of
    // (c - c(1-gamma)²) - 1 ~ eps per step from rounded constants) and p* = p^n is a fixed point.
    const double cm1 = m.opt.mutant == FpMutant::tr_bdf2_uniform_weights ? 1.0 / 3.0 : 1 / (gamma * (2 - gamma)) - 1;
    m.solve_refined(stage + cm1 * (stage - m.p), next);
  }
  const Impl::Check c = m.check(next);
  const long step_index = m.steps + 1;
  const double t_next = m.t + dt;
  if (!c.finite || !std::isfinite(c.mass)) {
    std::ostringstream os;
    os << "fp: non-finite density at step " << step_index << " (t = " << t_next << ", scheme "
       << to_string(m.opt.scheme) << "); state kept at t = " << m.t;
    throw std::runtime_error(os.str());
  }
  if (c.negative > m.opt.negative_mass_tol * std::abs(m.mass0)) {
    std::ostringstream os;
    os << "fp: negative mass " << c.negative << " (min p = " << c.min << ") at step " << step_index
       << " (t = " << t_next << ", scheme " << to_string(m.opt.scheme) << ", dt = " << dt
       << ") exceeds negative_mass_tol " << m.opt.negative_mass_tol
       << " x mass; reduce dt or use backward_euler; state kept at t = " << m.t;
    throw std::runtime_error(os.str());
  }
  m.p = std::move(next);
  m.t = t_next;
  m.steps = step_index;
  m.max_neg = std::max(m.max_neg, c.negative);
  const auto b = m.boundary_mass(m.p);
  m.max_boundary = std::max(m.max_boundary, *std::max_element(b.begin(), b.end()));
}

void FokkerPlanck::advance(double duration, long n_steps) {
  if (n_steps < 1) throw std::invalid_argument("n_steps: must be >= 1");
  if (!(std::isfinite(duration) && duration > 0)) throw std::invalid_argument("duration: must be finite and > 0");
  const double dt = duration / static_cast<double>(n_steps);
  for (long i = 0; i < n_steps; ++i) step(dt);
}

Eigen::VectorXd FokkerPlanck::apply(const Eigen::VectorXd& p) const {
  if (p.size() != impl_->grid.size()) throw std::invalid_argument("p: wrong size");
  Eigen::VectorXd out;
  apply_operator(impl_->coef, p, out);
  return out;
}

Eigen::VectorXd FokkerPlanck::gibbs_density() const {
  return fp::gibbs_density(impl_->grid, impl_->U, impl_->opt.lambda);
}

FpDiagnostics FokkerPlanck::diagnostics() const {
  const Impl& m = *impl_;
  const Impl::Check c = m.check(m.p);
  FpDiagnostics d;
  d.steps = m.steps;
  d.time = m.t;
  d.mass = c.mass;
  d.mass_error = std::abs(c.mass - m.mass0) / std::abs(m.mass0);
  d.min_density = c.min;
  d.negative_mass = c.negative;
  d.max_negative_mass = m.max_neg;
  d.boundary_mass = m.boundary_mass(m.p);
  d.max_boundary_mass = m.max_boundary;
  d.factorizations = m.factorizations;
  d.linear_solver = m.solver_name;
  return d;
}

const Grid& FokkerPlanck::grid() const { return impl_->grid; }
const FpOptions& FokkerPlanck::options() const { return impl_->opt; }

}  // namespace ldbench::lib::fp
