#include "lib/models/mode.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "lib/linalg/dense.hpp"

namespace ldbench::lib::models {

namespace {
std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
}  // namespace

void NewtonOptions::validate() const {
  auto bad = [](const std::string& what) { throw std::invalid_argument(what); };
  if (max_iterations < 1) bad("max_iterations: must be >= 1");
  if (!(decrement_tol > 0) || !std::isfinite(decrement_tol)) bad("decrement_tol: must be finite and > 0");
  if (!(stall_below >= 0) || !std::isfinite(stall_below)) bad("stall_below: must be finite and >= 0");
  if (!(full_step_below >= 0) || !std::isfinite(full_step_below)) bad("full_step_below: must be finite and >= 0");
  if (!(stop_after_step_below >= 0) || !std::isfinite(stop_after_step_below))
    bad("stop_after_step_below: must be finite and >= 0");
  if (!(armijo > 0 && armijo < 0.5)) bad("armijo: must be in (0, 1/2)");
  if (max_backtracks < 1) bad("max_backtracks: must be >= 1");
}

ModeResult newton_minimize(const NewtonObjective& f, const Eigen::VectorXd& start, const NewtonOptions& opt) {
  opt.validate();
  if (!f.value || !f.gradient_hessian) throw std::invalid_argument("f: value and gradient_hessian must both be set");
  const Eigen::Index d = start.size();
  if (d < 1) throw std::invalid_argument("start: must have at least one coordinate");
  ModeResult r;
  Eigen::VectorXd x = start, g(d);
  Eigen::MatrixXd H(d, d);
  double fx = f.value(x);
  double prev = std::numeric_limits<double>::infinity();
  // The result at x: gradient and Hessian there, and the final positive-definiteness test.
  auto at_x = [&](int iterations) {
    f.gradient_hessian(x, g, H);
    r.mode = x;
    r.hessian = H;
    r.gradient_norm = g.norm();
    r.iterations = iterations;
  };
  auto fail = [&](int iterations, const std::string& what) {
    if (opt.throw_on_failure) throw std::runtime_error("newton: " + what);
    at_x(iterations);
    r.converged = false;
    r.message = what;
    return r;
  };
  auto finish = [&](int iterations) {
    at_x(iterations);
    if (!linalg::Cholesky(r.hessian).ok() || !r.hessian.allFinite())
      return fail(iterations, "the Hessian at the final point is not positive definite (not a strict local minimum) after " +
                                  std::to_string(iterations) + " iterations");
    r.converged = true;
    return r;
  };
  for (int it = 0; it < opt.max_iterations; ++it) {
    f.gradient_hessian(x, g, H);
    Eigen::VectorXd step;
    if (opt.factorization == NewtonOptions::Factorization::llt) {
      const linalg::Cholesky c(H);
      if (!c.ok())
        return fail(it + 1, "the Hessian is not positive definite at iteration " + std::to_string(it) + " (Cholesky failed)");
      step = c.solve(g);
    } else {
      try {
        step = linalg::symmetric_solve(H, g);
      } catch (const std::runtime_error&) {
        return fail(it + 1, "the LDLT factorisation of the Hessian failed at iteration " + std::to_string(it));
      }
    }
    const double dec = g.dot(step);
    r.decrement = dec;
    if (!(dec >= 0) || !std::isfinite(dec))
      return fail(it + 1, "negative or non-finite Newton decrement " + num(dec) + " at iteration " + std::to_string(it));
    if (dec < opt.decrement_tol || (dec < opt.stall_below && dec >= prev)) {
      if (opt.final_step) x -= step;
      return finish(it + 1);
    }
    prev = dec;
    if (dec < opt.full_step_below) {
      x -= step;
      fx = f.value(x);
      continue;
    }
    double tau = 1.0, fc = std::numeric_limits<double>::infinity();
    bool accepted = false;
    Eigen::VectorXd cand;
    for (int b = 0; b < opt.max_backtracks && !accepted; ++b, tau *= 0.5) {
      cand = x - tau * step;
      fc = f.value(cand);
      if (fc <= fx - opt.armijo * tau * dec) accepted = true;
    }
    if (!accepted && !(opt.accept_failed_line_search && std::isfinite(fc)))
      return fail(it + 1, "line search failed at iteration " + std::to_string(it) + " (decrement " + num(dec) + ")");
    x = cand;
    fx = fc;
    if (dec < opt.stop_after_step_below) return finish(it + 1);
  }
  return fail(opt.max_iterations, "no convergence in " + std::to_string(opt.max_iterations) + " iterations (last decrement " +
                                      num(r.decrement) + ")");
}

ModeResult find_mode(const FiniteSumPotential& U, const NewtonOptions& opt) {
  NewtonObjective f;
  f.value = [&U](const Eigen::VectorXd& x) { return U.value(x.data()); };
  f.gradient_hessian = [&U](const Eigen::VectorXd& x, Eigen::VectorXd& g, Eigen::MatrixXd& H) {
    g.resize(x.size());
    U.gradient(x.data(), g.data());
    H = U.hessian(x.data());
  };
  return newton_minimize(f, Eigen::VectorXd::Zero(U.dim()), opt);
}

}  // namespace ldbench::lib::models
