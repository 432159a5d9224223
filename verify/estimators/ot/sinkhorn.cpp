#include "verify/estimators/ot/sinkhorn.hpp"


#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "lib/parallel.hpp"
#include "verify/estimators/ot/common.hpp"
#include "lib/linalg/dense.hpp"

namespace ldbench::verify::estimators {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr double kAbsorbLog = 50.0;           // absorb scalings once |log u| or |log v| exceeds this
constexpr double kRestartGrowth = 3.0;        // Anderson restarts when the error exceeds 3x its best ...
constexpr long kCooldown = 20;                // ... and then takes this many plain Sinkhorn steps
constexpr double kFlush = 1e-280;             // kernel entries below this are set to 0 (no subnormals)
constexpr double kRepairBelow = 1e-200;       // a row/column sum below this is recomputed in log domain
constexpr long kMaxKernelEntries = 1L << 28;  // 2 GiB of kernel
// Below this many kernel entries everything runs on one thread: a matrix-vector product takes
// microseconds, and OpenMP fork/join and spin-waiting (badly so on an oversubscribed machine)
// would dominate. Results do not depend on the thread count either way.
constexpr long kParallelMinEntries = 1L << 18;


class Solver {
 public:
  Solver(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
         const SinkhornOptions& opt)
      : x_(x), yt_(y.transpose()), a_(a), b_(b), opt_(opt), n_(x.cols()), m_(y.cols()), d_(x.rows()),
        threads_(x.cols() * y.cols() >= kParallelMinEntries ? lib::resolve_threads(opt.threads) : 1),
        symmetric_(x.rows() == y.rows() && x.cols() == y.cols() && x == y && a == b) {}

  SinkhornResult run(double eps);

 private:
  const Eigen::MatrixXd& x_;
  const Eigen::MatrixXd yt_;  // m x d: coordinate k of all y's is contiguous
  const Eigen::VectorXd& a_;
  const Eigen::VectorXd& b_;
  const SinkhornOptions& opt_;
  const long n_, m_, d_;
  const int threads_;
  bool symmetric_;  // x == y and a == b (bitwise): OT(a, a), solved with the symmetric update

  RowMatrix k_;                   // K̃_ij = exp((fbar_i + gbar_j - C_ij) / eps_)
  Eigen::VectorXd fbar_, gbar_;   // absorbed potentials
  Eigen::VectorXd u_, v_;         // scalings: f = fbar + eps log u, g = gbar + eps log v
  Eigen::VectorXd s_, t_;         // K̃ (b∘v) and K̃ᵀ (a∘u)
  double eps_ = 0.0;
  long iterations_ = 0;

  // C_i· (row i of the cost) into `out` (length m), summed over coordinates in order.
  // fn(i, c) for every row i with c = the cost row C(x_i, .), rows in parallel (threads_).
  template <class RowFn>
  void for_each_cost_row(RowFn fn) const;
  void cost_row(long i, Eigen::ArrayXd& out) const {
    out.setZero();
    for (long k = 0; k < d_; ++k) out += (yt_.col(k).array() - x_(k, i)).square();
  }
  void build_kernel();
  void absorb();
  void absorb_and_halve();
  void row_products();  // s_ = K̃ (b∘v)
  void col_products();  // t_ = K̃ᵀ (a∘u)
  void repair_row(long i);
  void repair_col(long j);
  bool scalings_large() const;
  // Iterates at the current eps until the L1 marginal error of the current state is <= tol, or
  // max_local iterations, or the global cap. Returns that error; col_err carries the column part.
  double iterate(double tol, long max_local, double& col_err);
  // Symmetric problems: f <- ½ (f + T_a(f)) (Feydy et al. 2019, §3), i.e. u <- sqrt(u / K̃(a∘u)),
  // keeping v = u and gbar = fbar. Falls back to iterate() if a kernel row needs repair.
  double iterate_symmetric(double tol, long max_local, double& col_err);
};

template <class RowFn>
void Solver::for_each_cost_row(RowFn fn) const {
#ifdef _OPENMP
#pragma omp parallel num_threads(threads_) if (threads_ > 1)
#endif
  {
    Eigen::ArrayXd c(m_);
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (long i = 0; i < n_; ++i) {
      cost_row(i, c);
      fn(i, c);
    }
  }
}

void Solver::build_kernel() {
  const double inv = 1.0 / eps_;
  for_each_cost_row([&](long i, const Eigen::ArrayXd& c) {
    const Eigen::ArrayXd z = ((gbar_.array() + fbar_[i]) - c) * inv;
    const Eigen::ArrayXd e = z.exp();
    k_.row(i) = (e < kFlush).select(0.0, e).matrix().transpose();
  });
}

void Solver::absorb() {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads_) if (threads_ > 1)
#endif
  for (long i = 0; i < n_; ++i) {
    auto row = k_.row(i).array();
    row = row * (v_.array().transpose() * u_[i]);
    row = (row < kFlush).select(0.0, row);
  }
  fbar_.array() += eps_ * u_.array().log();
  gbar_.array() += eps_ * v_.array().log();
  u_.setOnes();
  v_.setOnes();
}

void Solver::absorb_and_halve() {
  // exp((f + g - C) / (eps/2)) = (K̃_ij u_i v_j)² with the scalings absorbed first.
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads_) if (threads_ > 1)
#endif
  for (long i = 0; i < n_; ++i) {
    auto row = k_.row(i).array();
    row = (row * (v_.array().transpose() * u_[i])).square();
    row = (row < kFlush).select(0.0, row);
  }
  fbar_.array() += eps_ * u_.array().log();
  gbar_.array() += eps_ * v_.array().log();
  u_.setOnes();
  v_.setOnes();
  eps_ *= 0.5;
}

void Solver::row_products() {
  const Eigen::VectorXd w = b_.cwiseProduct(v_);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads_) if (threads_ > 1)
#endif
  for (long i = 0; i < n_; ++i) s_[i] = k_.row(i).dot(w.transpose());
}

void Solver::col_products() {
  const Eigen::VectorXd w = a_.cwiseProduct(u_);
  // Column blocks per thread; each column is summed over rows 0..n-1 in order, so the result
  // does not depend on the partition.
  const long blocks = std::min<long>(threads_, std::max<long>(1, m_ / 64));
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads_) if (blocks > 1)
#endif
  for (long bk = 0; bk < blocks; ++bk) {
    const long j0 = m_ * bk / blocks, j1 = m_ * (bk + 1) / blocks, len = j1 - j0;
    auto acc = t_.segment(j0, len);
    acc.setZero();
    for (long i = 0; i < n_; ++i) acc.noalias() += w[i] * k_.row(i).segment(j0, len).transpose();
  }
}

// Exact log-domain update of f_i (plain Sinkhorn step), then row i of K̃ recomputed with fbar_i = f_i.
void Solver::repair_row(long i) {
  Eigen::ArrayXd c(m_);
  cost_row(i, c);
  const Eigen::ArrayXd g = gbar_.array() + eps_ * v_.array().log();
  const Eigen::ArrayXd z = b_.array().log() + (g - c) / eps_;
  const double zmax = z.maxCoeff();
  fbar_[i] = -eps_ * (zmax + std::log((z - zmax).exp().sum()));
  u_[i] = 1.0;
  const Eigen::ArrayXd e = ((gbar_.array() + fbar_[i]) - c) / eps_;
  const Eigen::ArrayXd ee = e.exp();
  k_.row(i) = (ee < kFlush).select(0.0, ee).matrix().transpose();
  s_[i] = k_.row(i).dot(b_.cwiseProduct(v_).transpose());
}

void Solver::repair_col(long j) {
  Eigen::ArrayXd c(n_);
  for (long i = 0; i < n_; ++i) {
    double s = 0.0;
    for (long k = 0; k < d_; ++k) {
      const double t = yt_(j, k) - x_(k, i);
      s += t * t;
    }
    c[i] = s;
  }
  const Eigen::ArrayXd f = fbar_.array() + eps_ * u_.array().log();
  const Eigen::ArrayXd z = a_.array().log() + (f - c) / eps_;
  const double zmax = z.maxCoeff();
  gbar_[j] = -eps_ * (zmax + std::log((z - zmax).exp().sum()));
  v_[j] = 1.0;
  const Eigen::ArrayXd e = (((fbar_.array() + gbar_[j]) - c) / eps_).exp();
  for (long i = 0; i < n_; ++i) k_(i, j) = e[i] < kFlush ? 0.0 : e[i];
  t_[j] = k_.col(j).dot(a_.cwiseProduct(u_));
}

bool Solver::scalings_large() const {
  const double hi = std::exp(kAbsorbLog), lo = std::exp(-kAbsorbLog);
  return u_.maxCoeff() > hi || u_.minCoeff() < lo || v_.maxCoeff() > hi || v_.minCoeff() < lo;
}

// One iteration: plain v-step (columns exact), the exact marginal check of the state, then the
// u-step x <- G(x) on x = log u with G(x) = -log K̃(b∘v(x)) (plain Sinkhorn), extrapolated by
// Anderson acceleration (type II, Walker & Ni, SIAM J. Numer. Anal. 49(4), 2011): with the last
// M differences ΔX, ΔR of iterates and residuals r = G(x) - x,
//   γ = argmin ||r - ΔR γ||_a (a-weighted L2),  x <- x + r - (ΔX + ΔR) γ.
// The small least-squares problem is solved from the Gram matrix (updated one column per
// iteration) by a truncated eigendecomposition. Safeguard: if the marginal error exceeds
// kRestartGrowth times the best seen since the last restart, the history is dropped and
// kCooldown plain Sinkhorn steps follow (plain Sinkhorn converges from any state). The history
// survives absorption (x_prev is re-expressed in the new frame).
double Solver::iterate(double tol, long max_local, double& col_err) {
  const long mem = std::max<long>(0, opt_.anderson_memory);
  Eigen::MatrixXd dx(n_, mem), dr(n_, mem);  // weighted residual differences in dr (sqrt(a) ∘ Δr)
  Eigen::MatrixXd gram(mem, mem);
  long stored = 0, next = 0, cooldown = 0;
  Eigen::VectorXd x_prev, r_prev;
  double best = std::numeric_limits<double>::infinity();
  const Eigen::VectorXd sqrt_a = a_.cwiseSqrt();
  long local = 0;
  while (true) {
    col_products();
    for (long j = 0; j < m_; ++j)
      if (!(t_[j] >= kRepairBelow) || !std::isfinite(t_[j])) repair_col(j);
    v_ = t_.cwiseInverse();
    col_err = (b_.array() * (v_.array() * t_.array() - 1.0).abs()).sum();
    row_products();
    for (long i = 0; i < n_; ++i)
      if (!(s_[i] >= kRepairBelow) || !std::isfinite(s_[i])) repair_row(i);
    const double err = (a_.array() * (u_.array() * s_.array() - 1.0).abs()).sum() + col_err;
    if (err <= tol || local >= max_local || iterations_ >= opt_.max_iterations) return err;

    const Eigen::VectorXd x = u_.array().log().matrix();
    const Eigen::VectorXd r = (-s_.array().log()).matrix() - x;  // G(x) - x
    Eigen::VectorXd x_new = x + r;                                // plain Sinkhorn step
    if (mem > 0 && cooldown > 0) {  // plain steps after a restart
      --cooldown;
      if (cooldown == 0) best = err;
    } else if (mem > 0) {
      if (!x.allFinite() || !r.allFinite()) {  // an underflowed scaling: no history can be built on it
        stored = 0;
        next = 0;
        x_prev.resize(0);
      }
      if (err > kRestartGrowth * best) {  // the extrapolation is hurting: restart, then plain steps
        stored = 0;
        next = 0;
        cooldown = kCooldown;
        x_prev.resize(0);
      } else {
        best = std::min(best, err);
        if (x_prev.size() == n_) {
          dx.col(next) = x - x_prev;
          dr.col(next) = sqrt_a.cwiseProduct(r - r_prev);
          stored = std::min(stored + 1, mem);
          for (long c = 0; c < stored; ++c) gram(next, c) = gram(c, next) = dr.col(c).dot(dr.col(next));
          next = (next + 1) % mem;
        }
        x_prev = x;
        r_prev = r;
        if (stored > 0 && !(gram.topLeftCorner(stored, stored).allFinite() && r.allFinite())) {
          // Eigen's tridiagonal QR never terminates on NaN input: drop the history instead.
          stored = 0;
          next = 0;
        }
        if (stored > 0) {
          const Eigen::VectorXd rhs = dr.leftCols(stored).transpose() * sqrt_a.cwiseProduct(r);
          const lib::linalg::SymmetricEigen es = lib::linalg::symmetric_eigen(gram.topLeftCorner(stored, stored));
          const Eigen::VectorXd& lam = es.values;
          const double cut = 1e-13 * std::max(lam.cwiseAbs().maxCoeff(), std::numeric_limits<double>::min());
          Eigen::VectorXd coef = es.vectors.transpose() * rhs;
          for (long k = 0; k < stored; ++k) coef[k] = lam[k] > cut ? coef[k] / lam[k] : 0.0;
          const Eigen::VectorXd gamma = es.vectors * coef;
          if (gamma.allFinite())
            x_new -= dx.leftCols(stored) * gamma + (dr.leftCols(stored) * gamma).cwiseQuotient(sqrt_a);
        }
      }
    }
    u_ = x_new.array().exp().matrix();
    ++iterations_;
    ++local;
    if (scalings_large()) {
      if (x_prev.size() == n_) x_prev -= x_new;  // log u is measured from the new fbar afterwards
      absorb();
    }
  }
}

double Solver::iterate_symmetric(double tol, long max_local, double& col_err) {
  long local = 0;
  while (true) {
    v_ = u_;
    row_products();  // s = K̃ (a∘u); K̃ is bitwise symmetric, so column sums equal row sums
    for (long i = 0; i < n_; ++i)
      if (!(s_[i] >= kRepairBelow) || !std::isfinite(s_[i])) {
        symmetric_ = false;  // rare (far-off potentials): continue with the general iteration
        col_err = std::numeric_limits<double>::infinity();
        return iterate(tol, max_local - local, col_err);
      }
    col_err = (a_.array() * (u_.array() * s_.array() - 1.0).abs()).sum();
    const double err = 2.0 * col_err;
    if (err <= tol || local >= max_local || iterations_ >= opt_.max_iterations) return err;
    u_ = (u_.array() / s_.array()).sqrt().matrix();  // log u <- ½ (log u - log s)
    ++iterations_;
    ++local;
    if (scalings_large()) {
      v_ = u_;
      absorb();
    }
  }
}

SinkhornResult Solver::run(double eps) {
  // eps_0 = 2^stages eps >= squared diameter of the joint bounding box >= max C.
  double diam2 = 0.0;
  for (long k = 0; k < d_; ++k) {
    const double lo = std::min(x_.row(k).minCoeff(), yt_.col(k).minCoeff());
    const double hi = std::max(x_.row(k).maxCoeff(), yt_.col(k).maxCoeff());
    diam2 += (hi - lo) * (hi - lo);
  }
  long stages = 0;
  eps_ = eps;
  if (opt_.eps_scaling)
    while (eps_ < diam2 && stages < 200) {
      eps_ *= 2.0;
      ++stages;
    }

  k_.resize(n_, m_);
  s_.resize(n_);
  t_.resize(m_);
  u_ = Eigen::VectorXd::Ones(n_);
  v_ = Eigen::VectorXd::Ones(m_);
  fbar_ = Eigen::VectorXd::Zero(n_);
  gbar_ = Eigen::VectorXd::Zero(m_);
  if (!opt_.eps_scaling) {
    // Start from the c-transforms (each row and column of K̃ then has a maximal entry near 1).
    Eigen::ArrayXd c(m_);
    for (long i = 0; i < n_; ++i) {
      cost_row(i, c);
      fbar_[i] = c.minCoeff();
    }
    gbar_.setConstant(std::numeric_limits<double>::infinity());
    for (long i = 0; i < n_; ++i) {
      cost_row(i, c);
      gbar_ = gbar_.cwiseMin((c - fbar_[i]).matrix());
    }
  }
  build_kernel();

  double col_err = std::numeric_limits<double>::infinity();
  double err = col_err;
  for (long st = stages; st >= 0; --st) {
    const bool final_stage = st == 0;
    if (symmetric_) v_ = u_;
    if (final_stage && stages > 0) {  // exact kernel at the target eps (squaring accumulates rounding)
      absorb();
      build_kernel();
    }
    const double stage_tol = final_stage ? opt_.tol : std::max(opt_.tol, opt_.stage_tol);
    const long stage_cap = final_stage ? std::numeric_limits<long>::max() : std::max<long>(1, opt_.stage_iterations);
    err = symmetric_ ? iterate_symmetric(stage_tol, stage_cap, col_err) : iterate(stage_tol, stage_cap, col_err);
    if (iterations_ >= opt_.max_iterations && !(final_stage && err <= opt_.tol)) break;
    if (!final_stage) {
      if (symmetric_) v_ = u_;
      absorb_and_halve();
      col_err = std::numeric_limits<double>::infinity();
    }
  }

  // Final state (u, v) at eps_ (== eps unless the cap stopped an intermediate stage).
  SinkhornResult res;
  res.eps = eps_;
  if (symmetric_) v_ = u_;
  row_products();
  col_products();
  const Eigen::ArrayXd r = a_.array() * u_.array() * s_.array();  // row sums of P
  const Eigen::ArrayXd cs = b_.array() * v_.array() * t_.array();  // column sums of P
  res.marginal_violation = (r - a_.array()).abs().sum() + (cs - b_.array()).abs().sum();
  res.f = fbar_ + eps_ * u_.array().log().matrix();
  res.g = gbar_ + eps_ * v_.array().log().matrix();
  const double shift = 0.5 * (a_.dot(res.f) - b_.dot(res.g));
  res.f.array() -= shift;
  res.g.array() += shift;

  Eigen::VectorXd row_cost(n_);
  const Eigen::ArrayXd bv = b_.array() * v_.array();
  for_each_cost_row([&](long i, const Eigen::ArrayXd& c) {
    row_cost[i] = a_[i] * u_[i] * (k_.row(i).array().transpose() * bv * c).sum();
  });
  res.transport_cost.value = row_cost.sum();
  res.objective = (r * res.f.array()).sum() + (cs * res.g.array()).sum();
  res.dual_objective = a_.dot(res.f) + b_.dot(res.g) - eps_ * (r.sum() - 1.0);

  Diagnostics& dg = res.transport_cost.diagnostics;
  dg.iterations = iterations_;
  dg.converged = eps_ == eps && res.marginal_violation <= opt_.tol;
  if (!dg.converged)
    dg.warnings.push_back("sinkhorn did not converge: L1 marginal violation " + std::to_string(res.marginal_violation) +
                          " > tol " + std::to_string(opt_.tol) + " after " + std::to_string(iterations_) +
                          " iterations" + (eps_ == eps ? "" : " (stopped at eps " + std::to_string(eps_) + ")"));
  return res;
}

void check_eps_and_options(double eps, const SinkhornOptions& o, long n, long m) {
  if (!(std::isfinite(eps) && eps > 0.0)) throw std::invalid_argument("eps: must be finite and > 0, got " + std::to_string(eps));
  if (!(std::isfinite(o.tol) && o.tol > 0.0))
    throw std::invalid_argument("options: tol must be finite and > 0, got " + std::to_string(o.tol));
  if (o.max_iterations < 1)
    throw std::invalid_argument("options: max_iterations must be >= 1, got " + std::to_string(o.max_iterations));
  if (static_cast<double>(n) * static_cast<double>(m) > static_cast<double>(kMaxKernelEntries))
    throw std::invalid_argument("y: " + std::to_string(n) + " x " + std::to_string(m) +
                                " points exceed the dense kernel limit of 2^28 entries");
}

}  // namespace

SinkhornResult sinkhorn_w2_squared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double eps,
                                   const SinkhornOptions& options) {
  ot_detail::check_samples(x, "x");
  ot_detail::check_samples(y, "y");
  return sinkhorn_w2_squared(x, y, ot_detail::uniform_weights(x.cols()), ot_detail::uniform_weights(y.cols()), eps,
                             options);
}

SinkhornResult sinkhorn_w2_squared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const Eigen::VectorXd& a,
                                   const Eigen::VectorXd& b, double eps, const SinkhornOptions& options) {
  ot_detail::check_samples(x, "x");
  ot_detail::check_samples(y, "y");
  ot_detail::check_same_dimension(x, "x", y, "y");
  const Eigen::VectorXd wa = ot_detail::checked_weights(a, x.cols(), "a", "x");
  const Eigen::VectorXd wb = ot_detail::checked_weights(b, y.cols(), "b", "y");
  check_eps_and_options(eps, options, x.cols(), y.cols());
  Solver solver(x, y, wa, wb, options);
  return solver.run(eps);
}

SinkhornDivergenceResult sinkhorn_divergence_w2_squared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                                        double eps, const SinkhornOptions& options) {
  ot_detail::check_samples(x, "x");
  ot_detail::check_samples(y, "y");
  return sinkhorn_divergence_w2_squared(x, y, ot_detail::uniform_weights(x.cols()),
                                        ot_detail::uniform_weights(y.cols()), eps, options);
}

SinkhornDivergenceResult sinkhorn_divergence_w2_squared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                                        const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                                        double eps, const SinkhornOptions& options) {
  ot_detail::check_samples(x, "x");
  ot_detail::check_samples(y, "y");
  ot_detail::check_same_dimension(x, "x", y, "y");
  const Eigen::VectorXd wa = ot_detail::checked_weights(a, x.cols(), "a", "x");
  const Eigen::VectorXd wb = ot_detail::checked_weights(b, y.cols(), "b", "y");
  check_eps_and_options(eps, options, std::max(x.cols(), y.cols()), std::max(x.cols(), y.cols()));
  SinkhornDivergenceResult res;
  res.xy = Solver(x, y, wa, wb, options).run(eps);
  res.xx = Solver(x, x, wa, wa, options).run(eps);
  res.yy = Solver(y, y, wb, wb, options).run(eps);
  res.divergence.value = res.xy.objective - 0.5 * (res.xx.objective + res.yy.objective);
  res.divergence_linear =
      res.xy.transport_cost.value - 0.5 * (res.xx.transport_cost.value + res.yy.transport_cost.value);
  Diagnostics& dg = res.divergence.diagnostics;
  const SinkhornResult* parts[] = {&res.xy, &res.xx, &res.yy};
  const char* names[] = {"OT(a,b)", "OT(a,a)", "OT(b,b)"};
  for (int p = 0; p < 3; ++p) {
    const Diagnostics& q = parts[p]->transport_cost.diagnostics;
    dg.iterations += q.iterations;
    dg.converged = dg.converged && q.converged;
    for (const std::string& w : q.warnings) dg.warnings.push_back(std::string(names[p]) + ": " + w);
  }
  return res;
}

}  // namespace ldbench::verify::estimators
