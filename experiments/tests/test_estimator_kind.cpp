// The "estimator_convergence" kind (experiments/drivers/estimators.cpp): on a correct estimator
// both checks pass; with the deliberately wrong input (mutant x_from_perturbed_p: x drawn from
// N(m + 0.1, 1.1 S) instead of p) both must fail — the consistency check because the mean
// converges elsewhere, the rate check because the error stops shrinking. Also: invalid params
// fail with the JSON path. Fixed seeds; about a second.
#include <gtest/gtest.h>

#include "experiments/registry.hpp"

namespace test_estimator_kind {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::experiments;
using nlohmann::json;

json knn_kl_spec(const std::string& mutant) {
  return {{"name", "t"},
          {"kind", "estimator_convergence"},
          {"seed", 7},
          {"replicas", 60},
          {"params",
           {{"estimator", "knn_kl"},
            {"p", {{"mean", {0.0}}, {"cov", 1.0}}},
            {"q", {{"mean", {0.5}}, {"cov", 1.0}}},
            {"truth", "kl"},
            {"sizes", {250, 500, 1000, 2000, 4000}},
            {"groups", 20},
            {"min_rate", 0.5},
            {"mutant", mutant}}}};
}

ldbench::reports::Experiment run(const json& doc) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  return prepare_spec(reg, doc, "t.json", "full", std::nullopt).run(RunContext{1, {}});
}

TEST(EstimatorKind, CorrectEstimatorPassesBothChecks) {
  const auto e = run(knn_kl_spec("none"));
  ASSERT_EQ(e.status, "ok") << e.error;
  ASSERT_EQ(e.checks.size(), 2u);
  for (const auto& c : e.checks) EXPECT_TRUE(c.passed) << c.id << ": " << c.measured << " [" << c.measured_lo << ", " << c.measured_hi << "]";
}

TEST(EstimatorKind, WrongInputFailsBothChecks) {
  const auto e = run(knn_kl_spec("x_from_perturbed_p"));
  ASSERT_EQ(e.status, "ok") << e.error;
  for (const auto& c : e.checks) EXPECT_FALSE(c.passed) << c.id << " did not reject the mutant: " << c.measured;
}

TEST(EstimatorKind, InvalidParamsNameTheirPath) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  auto expect_error = [&](json doc, const std::string& needle) {
    try {
      prepare_spec(reg, doc, "t.json", "full", std::nullopt);
      ADD_FAILURE() << "no error for " << doc.dump();
    } catch (const SpecError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  json d = knn_kl_spec("none");
  d["params"]["estimator"] = "nope";
  expect_error(d, "/params/estimator");
  d = knn_kl_spec("none");
  d["params"]["estimator_params"] = {{"k", 0}};
  expect_error(d, "/k");
  d = knn_kl_spec("none");
  d["params"]["truth"] = "zero";
  expect_error(d, "\"zero\" needs p = q");
  d = knn_kl_spec("none");
  d["params"]["sizes"] = {100, 50, 200};
  expect_error(d, "/params/sizes/1");
  d = knn_kl_spec("none");
  d["params"]["groups"] = 7;
  expect_error(d, "/params/groups");
  d = knn_kl_spec("none");
  d["params"]["q"]["mean"] = {0.0, 1.0};
  expect_error(d, "/params/q");
}

}  // namespace
}  // namespace test_estimator_kind
