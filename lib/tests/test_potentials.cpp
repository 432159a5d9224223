// Tests for lib/potentials/potential.hpp: analytic gradients of every built-in against central
// finite differences, curvature and bounded-perturbation declarations against the formulas
// (Hessians by finite differences of the gradient), descriptions, and registry errors.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "lib/potentials/potential.hpp"
#include "lib/tests/test_support.hpp"
#include "lib/linalg/dense.hpp"

namespace test_potentials {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::lib::potentials;
using ldbench::lib::Params;
using ldbench::lib::test::throws_invalid_argument_naming;

// Central differences with step 1e-5 have truncation error ~ h² |U'''| / 6 ~ 1e-10 |U'''| and
// rounding error ~ eps |U| / h ~ 1e-11 |U|; relative to max(1, |∇U|) the gradient must agree
// to kGradTol.
constexpr double kGradTol = 1e-7;

PotentialRegistry builtin() {
  PotentialRegistry r;
  register_builtin_potentials(r);
  return r;
}

struct Case {
  std::string name;
  int dim;
  Params params;
};

std::vector<Case> cases() {
  std::vector<Case> c;
  Params q;
  q.set("a", 2.5);
  q.set("c", 0.3);
  c.push_back({"quadratic", 1, q});
  c.push_back({"quadratic", 3, q});
  c.push_back({"double_well", 1, {}});
  Params dw;
  dw.set("a", 0.7);
  dw.set("b", 1.3);
  dw.set("c", 2.0);
  c.push_back({"double_well", 2, dw});
  c.push_back({"bounded_perturbation", 1, {}});
  c.push_back({"mixture_2d", 2, {}});
  Params m4;
  m4.set("modes", 4L);
  m4.set("r", 1.5);
  m4.set("s", 0.4);
  c.push_back({"mixture_2d", 2, m4});
  return c;
}

TEST(Potentials, GradientsMatchFiniteDifferences) {
  const PotentialRegistry reg = builtin();
  double worst = 0;
  std::string worst_at;
  for (const Case& cs : cases()) {
    const auto U = reg.make(cs.name, cs.dim, cs.params);
    for (int k = 0; k < 40; ++k) {
      std::vector<double> x(cs.dim), g(cs.dim), fd(cs.dim);
      for (int i = 0; i < cs.dim; ++i) x[i] = -2.7 + 0.137 * k + 0.61 * i + 0.05 * k * i;  // deterministic spread
      U->gradient(x.data(), g.data());
      finite_difference_gradient(*U, x.data(), fd.data(), 1e-5);
      double gnorm = 1;
      for (int i = 0; i < cs.dim; ++i) gnorm = std::max(gnorm, std::abs(g[i]));
      for (int i = 0; i < cs.dim; ++i) {
        const double rel = std::abs(g[i] - fd[i]) / gnorm;
        if (rel > worst) {
          worst = rel;
          worst_at = cs.name + " dim " + std::to_string(cs.dim) + " x0=" + std::to_string(x[0]);
        }
      }
    }
  }
  std::cout << "[measured] potentials: max relative gradient error vs central FD = " << worst << " at " << worst_at
            << "\n";
  EXPECT_LT(worst, kGradTol) << worst_at;
}

// Hessian eigenvalues by finite differences of the analytic gradient must lie within the declared
// curvature bounds (plus the FD error), and attain them where documented.
TEST(Potentials, CurvatureBoundsHoldOnSamples) {
  const PotentialRegistry reg = builtin();
  for (const Case& cs : cases()) {
    const auto U = reg.make(cs.name, cs.dim, cs.params);
    const CurvatureBounds cb = U->curvature();
    double seen_min = 1e300, seen_max = -1e300;
    for (int k = 0; k < 200; ++k) {
      const int d = cs.dim;
      std::vector<double> x(d);
      for (int i = 0; i < d; ++i) x[i] = -3.0 + 0.03 * k + (i == 1 ? 0.011 * ((k * 37) % 200) - 1.1 : 0.0) * (i + 1);
      Eigen::MatrixXd H(d, d);
      const double h = 1e-5;
      for (int j = 0; j < d; ++j) {
        std::vector<double> xp = x, xm = x, gp(d), gm(d);
        xp[j] += h;
        xm[j] -= h;
        U->gradient(xp.data(), gp.data());
        U->gradient(xm.data(), gm.data());
        for (int i = 0; i < d; ++i) H(i, j) = (gp[i] - gm[i]) / (2 * h);
      }
      const Eigen::MatrixXd Hs = 0.5 * (H + H.transpose());
      const Eigen::VectorXd ev = ldbench::lib::linalg::symmetric_eigenvalues(Hs);
      seen_min = std::min(seen_min, ev.minCoeff());
      seen_max = std::max(seen_max, ev.maxCoeff());
    }
    if (cb.hess_min) {
      EXPECT_GE(seen_min, *cb.hess_min - 1e-5) << cs.name;
    }
    if (cb.hess_max) {
      EXPECT_LE(seen_max, *cb.hess_max + 1e-5) << cs.name;
    }
  }
  // Attained bounds: x = 0 for double_well, bounded_perturbation and the 2-mode mixture.
  const double zero[2] = {0, 0};
  for (const std::string name : {"double_well", "bounded_perturbation"}) {
    const auto U = reg.make(name, 1);
    std::vector<double> gp(1), gm(1);
    const double xp = 1e-5, xm = -1e-5;
    U->gradient(&xp, gp.data());
    U->gradient(&xm, gm.data());
    EXPECT_NEAR((gp[0] - gm[0]) / 2e-5, *U->curvature().hess_min, 1e-5) << name;
  }
  const auto mix = reg.make("mixture_2d", 2);  // r = 2, s = 0.5: hess_min = 1/s² - r²/s⁴ = -60
  double g1[2], g2[2];
  const double xp[2] = {1e-6, 0}, xm[2] = {-1e-6, 0};
  mix->gradient(xp, g1);
  mix->gradient(xm, g2);
  EXPECT_NEAR((g1[0] - g2[0]) / 2e-6, *mix->curvature().hess_min, 1e-3);
  EXPECT_DOUBLE_EQ(*mix->curvature().hess_min, 4.0 - 4.0 * 16.0);
  (void)zero;
}

TEST(Potentials, ValuesAndDeclarations) {
  const PotentialRegistry reg = builtin();
  const auto dw = reg.make("double_well", 1);
  EXPECT_EQ(dw->description(), "U(x) = x^4 - x^2");
  const double x = 0.5;
  EXPECT_DOUBLE_EQ(dw->value(&x), 0.0625 - 0.25);
  EXPECT_FALSE(dw->curvature().hess_max.has_value());
  EXPECT_DOUBLE_EQ(*dw->curvature().hess_min, -2.0);
  EXPECT_FALSE(dw->bounded_perturbation().has_value());

  Params bp;
  bp.set("B", 0.3);
  bp.set("omega", 2.0);
  bp.set("lambda1", 0.25);
  const auto b = reg.make("bounded_perturbation", 1, bp);
  ASSERT_TRUE(b->bounded_perturbation().has_value());
  EXPECT_DOUBLE_EQ(b->bounded_perturbation()->B, 0.3);
  EXPECT_DOUBLE_EQ(b->bounded_perturbation()->osc, 0.6);
  EXPECT_DOUBLE_EQ(b->bounded_perturbation()->lambda1, 0.25);
  EXPECT_DOUBLE_EQ(*b->curvature().hess_min, 0.5 - 0.3 * 4.0);
  EXPECT_DOUBLE_EQ(*b->curvature().hess_max, 0.5 + 0.3 * 4.0);
  // U - lambda1 x² is bounded by B.
  for (int k = -50; k <= 50; ++k) {
    const double y = 0.173 * k;
    EXPECT_LE(std::abs(b->value(&y) - 0.25 * y * y), 0.3 + 1e-15);
  }

  Params q;
  q.set("a", 3.0);
  const auto quad = reg.make("quadratic", 4, q);
  EXPECT_EQ(quad->dim(), 4);
  EXPECT_DOUBLE_EQ(*quad->curvature().hess_min, 3.0);
  EXPECT_DOUBLE_EQ(*quad->curvature().hess_max, 3.0);
  ASSERT_TRUE(quad->bounded_perturbation().has_value());
  EXPECT_DOUBLE_EQ(quad->bounded_perturbation()->lambda1, 1.5);
  const double p4[4] = {1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(quad->value(p4), 6.0);

  const auto dw2 = reg.make("double_well", 2);
  EXPECT_EQ(dw2->description(), "U(x, y) = x^4 - x^2 + (1/2) y^2");
  // mixture: U = -log of the mixture density up to the normalising constant; symmetric in x.
  const auto mix = reg.make("mixture_2d", 2);
  const double a[2] = {0.7, 0.2}, am[2] = {-0.7, 0.2};
  EXPECT_NEAR(mix->value(a), mix->value(am), 1e-14);
  const double far[2] = {200.0, -150.0};  // no overflow/underflow far away
  double g[2];
  mix->gradient(far, g);
  EXPECT_TRUE(std::isfinite(mix->value(far)) && std::isfinite(g[0]) && std::isfinite(g[1]));
}

TEST(Potentials, RegistryErrors) {
  PotentialRegistry reg = builtin();
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("nope", 1); }, "name: unknown potential \"nope\""));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("nope", 1); }, "double_well"));  // lists known ones
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("double_well", 3); },
                                             "dim: potential double_well supports dims 1, 2; got 3"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("quadratic", 0); }, "dim:"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("mixture_2d", 1); }, "dim:"));
  Params unknown;
  unknown.set("zeta", 1.0);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("quadratic", 1, unknown); },
                                             "params.zeta: unknown parameter of quadratic"));
  Params bad;
  bad.set("a", -1.0);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("quadratic", 1, bad); }, "params.a:"));
  Params three;
  three.set("modes", 3L);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("mixture_2d", 2, three); }, "params.modes:"));
  Params omega;
  omega.set("omega", 0.0);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("bounded_perturbation", 1, omega); }, "params.omega:"));

  PotentialInfo dup{"double_well", "mine", {1}, {}, "plugin libfoo.so"};
  auto factory = [](int, const Params&) -> std::unique_ptr<Potential> { return nullptr; };
  try {
    reg.add(dup, factory);
    ADD_FAILURE() << "duplicate accepted";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("builtin"), std::string::npos) << m;
    EXPECT_NE(m.find("plugin libfoo.so"), std::string::npos) << m;
  }
  // A plugin-style entry whose factory builds the wrong dimension is refused at make().
  reg.add({"liar", "wrong dim", {}, {}, "plugin liar.so"}, [](int, const Params&) -> std::unique_ptr<Potential> {
    PotentialRegistry r;
    register_builtin_potentials(r);
    return r.make("quadratic", 1);
  });
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.make("liar", 2); }, "dim:"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.add({"", "", {}, {}, "x"}, factory); }, "name:"));
  EXPECT_EQ(reg.names().size(), 5u);
  ASSERT_NE(reg.find("bounded_perturbation"), nullptr);
  EXPECT_EQ(reg.with_defaults("double_well").real("b"), 1.0);
}

}  // namespace
}  // namespace test_potentials
