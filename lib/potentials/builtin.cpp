// The built-in potentials (declarations and formulas: lib/potentials/potential.hpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "lib/potentials/potential.hpp"

namespace ldbench::lib::potentials {

namespace {

using lib::Params;
using lib::ParamSpec;

// Smallest accepted value of a parameter documented as "> 0".
constexpr double kPositive = 1e-12;
constexpr double kBig = 1e12;

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// " + 3 x^2", " - x^2", "x^4" (first term): a signed term with coefficient 1 omitted.
std::string term(double coef, const std::string& monomial, bool first) {
  std::string s;
  const double m = std::abs(coef);
  if (first)
    s = coef < 0 ? "-" : "";
  else
    s = coef < 0 ? " - " : " + ";
  if (m != 1.0 || monomial.empty()) s += num(m) + (monomial.empty() ? "" : " ");
  return s + monomial;
}

ParamSpec real_param(std::string name, double def, double lo, double hi, std::string doc) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ParamSpec::Type::real;
  p.default_value = def;
  p.lo = lo;
  p.hi = hi;
  p.doc = std::move(doc);
  return p;
}

// U = (a/2) |x - c 1|².
class Quadratic final : public Potential {
 public:
  Quadratic(int dim, double a, double c) : dim_(dim), a_(a), c_(c) {}
  int dim() const override { return dim_; }
  double value(const double* x) const override {
    double s = 0;
    for (int i = 0; i < dim_; ++i) s += (x[i] - c_) * (x[i] - c_);
    return 0.5 * a_ * s;
  }
  void gradient(const double* x, double* g) const override {
    for (int i = 0; i < dim_; ++i) g[i] = a_ * (x[i] - c_);
  }
  std::string description() const override {
    const std::string v = c_ == 0 ? "x" : (c_ > 0 ? "x - " + num(c_) : "x + " + num(-c_));
    return "U(x) = (" + num(a_) + "/2) |" + v + "|^2, x in R^" + std::to_string(dim_);
  }
  CurvatureBounds curvature() const override { return {a_, a_}; }
  std::optional<BoundedPerturbation> bounded_perturbation() const override {
    if (c_ != 0) return std::nullopt;  // the linear term -a c 1·x is unbounded
    return BoundedPerturbation{0.0, 0.0, 0.5 * a_};
  }

 private:
  int dim_;
  double a_, c_;
};

// 1-D: U = a x⁴ - b x²;  2-D: U = a x⁴ - b x² + (c/2) y².
class DoubleWell final : public Potential {
 public:
  DoubleWell(int dim, double a, double b, double c) : dim_(dim), a_(a), b_(b), c_(c) {}
  int dim() const override { return dim_; }
  double value(const double* x) const override {
    const double x2 = x[0] * x[0];
    double u = a_ * x2 * x2 - b_ * x2;
    if (dim_ == 2) u += 0.5 * c_ * x[1] * x[1];
    return u;
  }
  void gradient(const double* x, double* g) const override {
    g[0] = 4 * a_ * x[0] * x[0] * x[0] - 2 * b_ * x[0];
    if (dim_ == 2) g[1] = c_ * x[1];
  }
  std::string description() const override {
    std::string s = "U(x) = " + term(a_, "x^4", true);
    if (b_ != 0) s += term(-b_, "x^2", false);
    if (dim_ == 2) s = "U(x, y) = " + s.substr(7) + " + (" + num(c_) + "/2) y^2";
    return s;
  }
  // U'' = 12 a x² - 2b >= -2b (attained at x = 0), unbounded above; in 2-D the y-curvature is c.
  CurvatureBounds curvature() const override { return {dim_ == 2 ? std::min(-2 * b_, c_) : -2 * b_, std::nullopt}; }

 private:
  int dim_;
  double a_, b_, c_;
};

// 1-D: U = B cos(omega x) + lambda1 x²  (l = B cos(omega x), |l| <= B, osc l = 2B).
class BoundedCosine final : public Potential {
 public:
  BoundedCosine(double B, double omega, double lambda1) : B_(B), omega_(omega), lambda1_(lambda1) {}
  int dim() const override { return 1; }
  double value(const double* x) const override { return B_ * std::cos(omega_ * x[0]) + lambda1_ * x[0] * x[0]; }
  void gradient(const double* x, double* g) const override {
    g[0] = -B_ * omega_ * std::sin(omega_ * x[0]) + 2 * lambda1_ * x[0];
  }
  std::string description() const override {
    return "U(x) = " + num(B_) + " cos(" + num(omega_) + " x) + " + num(lambda1_) + " x^2";
  }
  // U'' = 2 lambda1 - B omega² cos(omega x): both bounds attained (cos = ±1).
  CurvatureBounds curvature() const override {
    return {2 * lambda1_ - B_ * omega_ * omega_, 2 * lambda1_ + B_ * omega_ * omega_};
  }
  std::optional<BoundedPerturbation> bounded_perturbation() const override {
    return BoundedPerturbation{B_, 2 * B_, lambda1_};
  }

 private:
  double B_, omega_, lambda1_;
};

// 2-D: U = -log Σ_k (1/K) exp(-|x - m_k|²/(2 s²)), centres on the axes at distance r.
// ∇U = Σ_k g_k (x - m_k)/s² with responsibilities g_k = softmax_k(-|x - m_k|²/(2 s²)) (computed
// with the max subtracted, so no under/overflow far from the centres).
// ∇²U = I/s² - Cov_g(m)/s⁴ with Cov_g(m) the covariance of the centres under g, whose eigenvalues
// lie in [0, r²]; hence hess in [1/s² - r²/s⁴, 1/s²]. The lower bound is attained at x = 0 for
// K = 2; for K = 4 it is a valid bound, not attained.
class Mixture2d final : public Potential {
 public:
  Mixture2d(double r, double s, int modes) : s2_(s * s), r_(r), s_(s) {
    const double cx[4] = {r, -r, 0, 0}, cy[4] = {0, 0, r, -r};
    for (int k = 0; k < modes; ++k) centres_.push_back({cx[k], cy[k]});
  }
  int dim() const override { return 2; }
  double value(const double* x) const override {
    std::vector<double> e = exponents(x);
    const double mx = *std::max_element(e.begin(), e.end());
    double s = 0;
    for (double v : e) s += std::exp(v - mx);
    return -(mx + std::log(s / static_cast<double>(e.size())));
  }
  void gradient(const double* x, double* g) const override {
    std::vector<double> e = exponents(x);
    const double mx = *std::max_element(e.begin(), e.end());
    double s = 0;
    for (double& v : e) s += (v = std::exp(v - mx));
    g[0] = g[1] = 0;
    for (std::size_t k = 0; k < e.size(); ++k) {
      g[0] += e[k] / s * (x[0] - centres_[k][0]) / s2_;
      g[1] += e[k] / s * (x[1] - centres_[k][1]) / s2_;
    }
  }
  std::string description() const override {
    return "U(x) = -log (1/" + std::to_string(centres_.size()) + ") sum_k exp(-|x - m_k|^2 / (2 * " + num(s_) +
           "^2)), " + std::to_string(centres_.size()) + " centres m_k on the axes at distance " + num(r_);
  }
  CurvatureBounds curvature() const override { return {1 / s2_ - r_ * r_ / (s2_ * s2_), 1 / s2_}; }

 private:
  std::vector<double> exponents(const double* x) const {
    std::vector<double> e;
    for (const auto& m : centres_) {
      const double dx = x[0] - m[0], dy = x[1] - m[1];
      e.push_back(-(dx * dx + dy * dy) / (2 * s2_));
    }
    return e;
  }
  double s2_, r_, s_;
  std::vector<std::array<double, 2>> centres_;
};

}  // namespace

void register_builtin_potentials(PotentialRegistry& reg) {
  reg.add({"quadratic",
           "U(x) = (a/2) |x - c 1|^2 (the OU / Gaussian target N(c 1, (lambda/a) I)); curvature a exactly",
           {},
           {real_param("a", 1.0, kPositive, kBig, "curvature a > 0"),
            real_param("c", 0.0, -kBig, kBig, "centre, the same in every coordinate")},
           "builtin"},
          [](int dim, const Params& p) -> std::unique_ptr<Potential> {
            return std::make_unique<Quadratic>(dim, p.real("a"), p.real("c"));
          });
  reg.add({"double_well",
           "1-D U(x) = a x^4 - b x^2 (lecture notes' example x^4 - x^2 with a = b = 1: minima at "
           "+-sqrt(b/(2a)), barrier b^2/(4a)); 2-D adds (c/2) y^2",
           {1, 2},
           {real_param("a", 1.0, kPositive, kBig, "quartic coefficient a > 0"),
            real_param("b", 1.0, 0.0, kBig, "quadratic coefficient b >= 0 (b = 0: single well)"),
            real_param("c", 1.0, kPositive, kBig, "curvature of the y direction (2-D only), c > 0")},
           "builtin"},
          [](int dim, const Params& p) -> std::unique_ptr<Potential> {
            return std::make_unique<DoubleWell>(dim, p.real("a"), p.real("b"), p.real("c"));
          });
  reg.add({"bounded_perturbation",
           "U(x) = B cos(omega x) + lambda1 x^2: the notes' Holley-Stroock example l + lambda1 x^2 with "
           "|l| <= B, osc l = 2B",
           {1},
           {real_param("B", 0.5, 0.0, kBig, "amplitude of the bounded part, B >= 0"),
            real_param("omega", 3.0, kPositive, kBig, "frequency omega > 0"),
            real_param("lambda1", 0.5, kPositive, kBig, "confinement lambda1 > 0")},
           "builtin"},
          [](int, const Params& p) -> std::unique_ptr<Potential> {
            return std::make_unique<BoundedCosine>(p.real("B"), p.real("omega"), p.real("lambda1"));
          });
  ParamSpec modes;
  modes.name = "modes";
  modes.type = ParamSpec::Type::integer;
  modes.default_value = 2L;
  modes.lo = 2;
  modes.hi = 4;
  modes.doc = "number of centres, 2 (on the x axis) or 4 (on both axes)";
  reg.add({"mixture_2d",
           "U(x) = -log sum_k (1/K) exp(-|x - m_k|^2/(2 s^2)): equal-weight isotropic Gaussian mixture "
           "(at lambda = 1 pi is the mixture itself), K = 2 or 4 centres on the axes at distance r",
           {2},
           {real_param("r", 2.0, 0.0, kBig, "distance of the centres from the origin, r >= 0"),
            real_param("s", 0.5, kPositive, kBig, "component standard deviation s > 0"), modes},
           "builtin"},
          [](int, const Params& p) -> std::unique_ptr<Potential> {
            const long k = p.integer("modes");
            if (k != 2 && k != 4)
              throw std::invalid_argument("params.modes: " + std::to_string(k) + " is not allowed; allowed: 2, 4");
            return std::make_unique<Mixture2d>(p.real("r"), p.real("s"), static_cast<int>(k));
          });
}

}  // namespace ldbench::lib::potentials
