// The estimator registry's mechanism (verify/estimators/registry.hpp): declared defaults fill
// Params and unknown names are refused; a duplicate name names both origins; inputs are checked
// against the declaration (missing y or target pieces, stray y, weights to an estimator that does
// not take them, bad weights, dimension mismatch) before the estimator runs; a non-finite result
// is an error, never a silent -inf; and every built-in entry declares what it returns and costs.
#include <gtest/gtest.h>

#include <cmath>

#include "theory/tests/test_common.hpp"
#include "verify/estimators/registry.hpp"

namespace test_registry {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::verify::estimators;
using ldbench::test::throws_invalid_argument_naming;

EstimatorRegistry toy_registry(bool* ran = nullptr) {
  EstimatorRegistry reg;
  EstimatorInfo info;
  info.name = "toy";
  info.returns = "mean of x's first coordinate times scale";
  info.needs.y = false;
  info.cost = "O(n)";
  info.max_points = 1000;
  info.params = {{"scale", ParamSpec::Type::real, 2.0, 0.0, 10.0, {}, "multiplier"},
                 {"mode", ParamSpec::Type::text, std::string("a"), 0, 0, {"a", "b"}, "unused"}};
  reg.add(info, [ran](const EstimatorInput& in, const Params& p) {
    if (ran) *ran = true;
    return Estimate{p.real("scale") * in.x->row(0).mean(), std::nullopt, {}};
  });
  EstimatorInfo inf = info;
  inf.name = "blows_up";
  inf.params = {};
  reg.add(inf, [](const EstimatorInput&, const Params&) { return Estimate{-INFINITY, std::nullopt, {}}; });
  EstimatorInfo two = inf;
  two.name = "two_sample";
  two.needs.y = true;
  two.accepts_weights = true;
  reg.add(two, [](const EstimatorInput&, const Params&) { return Estimate{1.0, std::nullopt, {}}; });
  EstimatorInfo tgt = inf;
  tgt.name = "needs_score";
  tgt.needs.score = true;
  reg.add(tgt, [](const EstimatorInput&, const Params&) { return Estimate{1.0, std::nullopt, {}}; });
  return reg;
}

TEST(EstimatorRegistry, DefaultsAndUnknownParameters) {
  const auto reg = toy_registry();
  const Params p = reg.with_defaults("toy");
  EXPECT_EQ(p.real("scale"), 2.0);
  EXPECT_EQ(p.text("mode"), "a");
  Params given;
  given.set("scale", 3.0);
  EXPECT_EQ(reg.with_defaults("toy", given).real("scale"), 3.0);
  Params bad;
  bad.set("sclae", 3.0);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.with_defaults("toy", bad); }, "params.sclae: unknown parameter of toy; allowed: scale, mode"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.with_defaults("nope"); }, "unknown name \"nope\""));
}

TEST(EstimatorRegistry, DuplicateNamesAreRefusedNamingBothOrigins) {
  auto reg = toy_registry();
  EstimatorInfo dup;
  dup.name = "toy";
  dup.origin = "plugin.so";
  dup.max_points = 10;
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { reg.add(dup, [](const EstimatorInput&, const Params&) { return Estimate{}; }); },
      "estimator toy: already registered by builtin; plugin.so must use another name"));
}

TEST(EstimatorRegistry, SizeLimitIsDeclaredAndEnforced) {
  auto reg = toy_registry();
  EstimatorInfo nolimit;
  nolimit.name = "no_limit";
  EXPECT_TRUE(throws_invalid_argument_naming(
      [&] { reg.add(nolimit, [](const EstimatorInput&, const Params&) { return Estimate{}; }); },
      "estimator no_limit: max_points must be >= 2"));
  const Eigen::MatrixXd big = Eigen::MatrixXd::Ones(1, 1001), ok = Eigen::MatrixXd::Ones(1, 1000);
  EstimatorInput in;
  in.x = &ok;
  EXPECT_NO_THROW(reg.run("toy", in, reg.with_defaults("toy")));
  in.x = &big;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("toy", in, reg.with_defaults("toy")); },
                                             "x: n = 1001 exceeds toy's limit of 1000 points (cost O(n)); subsample"));
}

TEST(EstimatorRegistry, InputsAreCheckedAgainstTheDeclaration) {
  bool ran = false;
  const auto reg = toy_registry(&ran);
  const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(2, 5), y3 = Eigen::MatrixXd::Ones(3, 4), y2 = Eigen::MatrixXd::Ones(2, 4);
  const Params p = reg.with_defaults("toy");
  EstimatorInput in;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("toy", in, p); }, "x: no sample"));
  in.x = &x;
  EXPECT_DOUBLE_EQ(reg.run("toy", in, p).value, 2.0);
  EXPECT_TRUE(ran);
  in.y = &y2;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("toy", in, p); }, "y: toy takes one sample"));
  in.y = nullptr;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("two_sample", in, {}); }, "y: two_sample compares two samples"));
  in.y = &y3;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("two_sample", in, {}); }, "y: dimension 3 does not match x's 2"));
  in.y = &y2;
  const Eigen::VectorXd w_bad = Eigen::VectorXd::Constant(5, 0.3), w_short = Eigen::VectorXd::Constant(4, 0.25);
  in.wx = &w_bad;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("two_sample", in, {}); }, "wx: weights must sum to 1"));
  in.wx = &w_short;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("two_sample", in, {}); }, "wx: 4 weights for 5 points"));
  in.y = nullptr;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("toy", in, p); }, "weights: toy does not accept weights"));
  in.wx = nullptr;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("needs_score", in, {}); }, "target: needs_score needs the target law"));
  Target t;
  t.dim = 2;
  in.target = &t;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("needs_score", in, {}); }, "target: needs_score needs the target's score"));
  t.dim = 3;
  t.score = [](const Eigen::VectorXd& v) { return Eigen::VectorXd(-v); };
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("needs_score", in, {}); }, "target: dimension 3 does not match x's 2"));
}

TEST(EstimatorRegistry, NonFiniteResultsAreErrors) {
  const auto reg = toy_registry();
  const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(1, 3);
  EstimatorInput in;
  in.x = &x;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("blows_up", in, {}); }, "non-finite value"));
}

TEST(EstimatorRegistry, BuiltinsDeclareTheirOutput) {
  EstimatorRegistry reg;
  register_builtin_estimators(reg);
  ASSERT_FALSE(reg.names().empty());
  for (const auto& n : reg.names()) {
    const EstimatorInfo& i = *reg.find(n);
    EXPECT_FALSE(i.returns.empty()) << n;
    EXPECT_FALSE(i.description.empty()) << n;
    EXPECT_FALSE(i.cost.empty()) << n;
    EXPECT_EQ(i.origin, "builtin") << n;
    for (const auto& p : i.params) EXPECT_FALSE(p.doc.empty()) << n << "." << p.name;
  }
}

// fisher_grid through the registry: rho = N(0, 1) on a grid, pi = N(0.5, 1): I = 0.25 (both
// Gaussian, so the grid error is O(dx^4)); a non-uniform grid and a missing density are refused.
TEST(EstimatorRegistry, FisherGridTakesTheDensityAsWeights) {
  EstimatorRegistry reg;
  register_builtin_estimators(reg);
  const long N = 1601;
  const double dx = 16.0 / static_cast<double>(N - 1);
  Eigen::MatrixXd x(1, N);
  Eigen::VectorXd w(N);
  for (long i = 0; i < N; ++i) {
    x(0, i) = -8.0 + dx * static_cast<double>(i);
    w(i) = std::exp(-0.5 * x(0, i) * x(0, i)) / std::sqrt(2.0 * M_PI) * dx;
  }
  w /= w.sum();
  Target t;
  t.dim = 1;
  t.score = [](const Eigen::VectorXd& v) { return Eigen::VectorXd::Constant(1, -(v(0) - 0.5)); };
  EstimatorInput in;
  in.x = &x;
  in.wx = &w;
  in.target = &t;
  const Estimate e = reg.run("fisher_grid", in, reg.with_defaults("fisher_grid"));
  EXPECT_NEAR(e.value, 0.25, 1e-8);  // dx⁴ = 1e-8; measured 1.7e-9
  in.wx = nullptr;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("fisher_grid", in, {}); }, "wx: fisher_grid needs the grid density"));
  in.wx = &w;
  Eigen::MatrixXd bent = x;
  bent(0, 7) += 0.1 * dx;
  in.x = &bent;
  EXPECT_TRUE(throws_invalid_argument_naming([&] { reg.run("fisher_grid", in, {}); }, "x: grid spacing is not uniform at node 7"));
}

}  // namespace
}  // namespace test_registry
