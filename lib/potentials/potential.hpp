// Potentials ("targets"): the function U of the Gibbs law pi ∝ exp(-U/lambda) (DESIGN.md §2), and
// a registry that maps a name to a declared, parametrised potential so that specs and plugins
// can add targets without editing the core.
//
// Conventions: U: R^d -> R in the suite's units (the temperature lambda is NOT part of U; the
// samplers and the Fokker–Planck solver take lambda separately). gradient() is the analytic ∇U.
// Curvature bounds are bounds on the eigenvalues of the Hessian ∇²U over all of R^d (not over a
// box), in the same units as U: hess_min is the Bakry–Émery kappa when positive (LSI constant
// alpha >= kappa/lambda, theory/lsi.hpp: bakry_emery_lsi), hess_max = M is the smoothness constant
// (ULA on a quadratic with curvature M is stable iff eta < 2/M, theory/ula_gaussian.hpp). A bound
// that is not known (or does not exist, e.g. x⁴ has unbounded curvature) is std::nullopt. A bound
// need not be attained; each built-in states whether it is.
//
// Bounded perturbation (Holley–Stroock, theory/lsi.hpp): when U = l + lambda1 |x|² with l known
// and bounded, bounded_perturbation() returns {B = sup |l|, osc = sup l - inf l, lambda1}; then
// pi satisfies LSI((2 lambda1/lambda) exp(-osc/lambda)) (sharp form) and
// LSI((2 lambda1/lambda) exp(-4B/lambda)) (notes' form, bounded_perturbation_example_lsi).
//
// Misuse (bad dimension, unknown name, out-of-range parameter) throws std::invalid_argument whose
// message starts with the argument's name ("dim: ...", "name: ...", "params.<p>: ...").
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/params.hpp"

namespace ldbench::lib::potentials {

// Known bounds on the eigenvalues of ∇²U(x), uniformly in x in R^d (units of U).
struct CurvatureBounds {
  std::optional<double> hess_min;  // ∇²U ⪰ hess_min I   (Bakry–Émery kappa when > 0)
  std::optional<double> hess_max;  // ∇²U ⪯ hess_max I   (gradient Lipschitz constant M)
};

// U = l + lambda1 |x|² with sup |l| <= B and sup l - inf l = osc (units of U; divide by lambda
// for the dimensionless h of theory/lsi.hpp).
struct BoundedPerturbation {
  double B = 0;
  double osc = 0;
  double lambda1 = 0;
};

class Potential {
 public:
  virtual ~Potential() = default;
  virtual int dim() const = 0;
  // U(x), x = x[0..dim-1].
  virtual double value(const double* x) const = 0;
  // g[0..dim-1] = ∇U(x) (analytic).
  virtual void gradient(const double* x, double* g) const = 0;
  // Human-readable formula with the parameter values, e.g. "U(x) = x^4 - x^2".
  virtual std::string description() const = 0;
  virtual CurvatureBounds curvature() const { return {}; }
  virtual std::optional<BoundedPerturbation> bounded_perturbation() const { return std::nullopt; }
};

struct PotentialInfo {
  std::string name;                    // "quadratic", "double_well", ...
  std::string description;             // formula with parameter names, and its source
  std::vector<int> dims;               // supported dimensions; empty = every dim >= 1
  std::vector<lib::ParamSpec> params;  // declared parameters (defaults, ranges, docs)
  std::string origin = "builtin";      // "builtin" or the plugin's path
};

// Builds the potential in dimension `dim` from parameters already completed with defaults and
// range-checked by the registry.
using PotentialFactory = std::function<std::unique_ptr<Potential>(int dim, const lib::Params&)>;

class PotentialRegistry {
 public:
  // Throws std::invalid_argument on an empty name, a missing factory, or a duplicate name
  // ("potential <name>: already registered by <origin>; <new origin> must use another name").
  void add(PotentialInfo info, PotentialFactory factory);
  const PotentialInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;

  // Declared defaults, then `given` (unknown parameter names throw "params.<p>: unknown ...").
  lib::Params with_defaults(const std::string& name, const lib::Params& given = {}) const;

  // The potential `name` in dimension `dim` with `given` parameters completed by defaults
  // (lib::with_defaults) and range-checked (lib::check_ranges). Throws std::invalid_argument:
  //   "name: unknown potential \"foo\"; known: a, b, c"
  //   "dim: potential double_well supports dims 1, 2; got 3"
  //   "params.<p>: ..."  (unknown name or out of range)
  std::unique_ptr<Potential> make(const std::string& name, int dim, const lib::Params& given = {}) const;

 private:
  struct Entry {
    PotentialInfo info;
    PotentialFactory factory;
  };
  const Entry& entry(const std::string& name) const;
  std::map<std::string, Entry> entries_;
};

// The built-in potentials (lib/potentials/builtin.cpp):
//   quadratic             U = (a/2) |x - c 1|²                       any dim;  a > 0, c
//   double_well           1-D: U = a x⁴ - b x²                        dims 1, 2; a > 0, b >= 0, c > 0
//                         2-D: U = a x⁴ - b x² + (c/2) y²
//   bounded_perturbation  1-D: U = B cos(omega x) + lambda1 x²       B >= 0, omega > 0, lambda1 > 0
//   mixture_2d            2-D: U = -log Σ_k (1/K) exp(-|x - m_k|²/(2 s²)), K = modes in {2, 4}
//                         centres m_k at distance r from the origin on the axes; r >= 0, s > 0
void register_builtin_potentials(PotentialRegistry& reg);

// Central-difference gradient with step h (per coordinate), for tests and for plugins that want
// to check their analytic gradient: g_i = (U(x + h e_i) - U(x - h e_i)) / (2h).
void finite_difference_gradient(const Potential& U, const double* x, double* g, double h = 1e-5);

}  // namespace ldbench::lib::potentials
