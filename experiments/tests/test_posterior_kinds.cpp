// The data loader (experiments/datasets.hpp) and the posterior kind (experiments/drivers/posterior.cpp):
//  - loader errors are one line naming the file (and the line for content problems);
//  - the shipped breast-cancer table has its recorded SHA-256, shape and class counts;
//  - a small configuration of the shipped spec (model logistic_regression) passes every check;
//  - each mutant fails the check designed to kill it: noise_sqrt_eta (SGLD) ->
//    converges_to_reference_sgld, svrg_no_correction -> variance_reduction,
//    mala_no_proposal_correction -> reference_matches_ula_limit (with the spec's alphas; the parts
//    of the experiment a mutant does not concern are shrunk to keep the test cheap);
//  - bad params give a one-line SpecError naming the JSON path: an unknown model (listing the
//    known ones), data given to a model that needs none or missing for one that needs it, checks
//    that do not match params.algorithms, stochastic algorithms for a one-term (n = 1) model, and a
//    model without a curvature bound M and no explicit stochastic.eta;
//  - a potential as a one-term model runs ULA only and passes; a model without M runs at the given
//    eta and the report says "M unknown"; a Newton failure is status error with its message.
// Fixed seeds throughout (the shipped spec's). About 15 s (the libraries in release).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "experiments/catalogues.hpp"
#include "experiments/datasets.hpp"
#include "experiments/registry.hpp"
#include "experiments/suite.hpp"
#include "lib/models/logistic.hpp"

namespace test_posterior_kinds {  // named per file: a unity build keeps the files' helpers apart
namespace {

using namespace ldbench::experiments;
using nlohmann::json;

const char* kSpec = "logistic_posterior_breast_cancer";
const char* kData = "experiments/data/breast_cancer/breast_cancer.csv";

json shipped() {
  std::ifstream in(catalogue_dir() + "/" + kSpec + ".json");
  EXPECT_TRUE(in.good()) << kSpec;
  return json::parse(in);
}

ldbench::reports::Experiment run(const json& doc) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  return prepare_spec(reg, doc, "t.json", "full", std::nullopt).run(RunContext{1, {}});
}

const ldbench::verify::CheckResult& check(const ldbench::reports::Experiment& e, const std::string& id) {
  for (const auto& c : e.checks)
    if (c.id == id) return c;
  ADD_FAILURE() << "no check " << id;
  static ldbench::verify::CheckResult none;
  return none;
}

void expect_spec_error(const json& doc, const std::string& needle) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  try {
    prepare_spec(reg, doc, "t.json", "full", std::nullopt);
    ADD_FAILURE() << "no error for " << doc["params"].dump();
  } catch (const SpecError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "not one line: " << what;
  }
}

// ------------------------------------------------------------------------------------------------
// Loader.

template <class F>
std::string dataset_error(F&& f) {
  try {
    f();
  } catch (const DatasetError& e) {
    const std::string w = e.what();
    EXPECT_EQ(w.find('\n'), std::string::npos) << "not one line: " << w;
    return w;
  }
  ADD_FAILURE() << "no DatasetError";
  return "";
}

TEST(Datasets, Sha256KnownAnswers) {  // FIPS 180-4 examples
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Datasets, ShippedBreastCancerTable) {
  const std::string path = resolve_data_path(kData, "");
  EXPECT_EQ(sha256_file(path), "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed") << path;
  const LabeledTable t = read_sklearn_csv(path);
  ASSERT_EQ(t.features.rows(), 569);
  ASSERT_EQ(t.features.cols(), 30);
  EXPECT_EQ(t.class_names, (std::vector<std::string>{"malignant", "benign"}));
  EXPECT_EQ((t.labels.array() == 0.0).count(), 212);
  EXPECT_EQ((t.labels.array() == 1.0).count(), 357);
  EXPECT_DOUBLE_EQ(t.features(0, 0), 17.99);   // first row, mean radius
  EXPECT_DOUBLE_EQ(t.features(568, 3), 181.0);  // last row, mean area
}

TEST(Datasets, MissingFileIsOneLineNamingIt) {
  const std::string w = dataset_error([] { read_sklearn_csv("/nonexistent/dir/table.csv"); });
  EXPECT_NE(w.find("/nonexistent/dir/table.csv: cannot open"), std::string::npos) << w;
}

TEST(Datasets, MalformedContentNamesTheLine) {
  const std::string ok = "3,2,no,yes\n1,2,0\n3,4,1\n5,6,0\n";
  EXPECT_NO_THROW(parse_sklearn_csv(ok, "f.csv"));
  EXPECT_NO_THROW(parse_sklearn_csv("3,2,no,yes\r\n1,2,0\r\n3,4,1\r\n5,6,0", "f.csv"));  // CRLF, no final newline
  auto err = [](const std::string& text) { return dataset_error([&] { parse_sklearn_csv(text, "f.csv"); }); };
  std::string w = err("3,2,no,yes\n1,2,0\n3,4\n5,6,0\n");
  EXPECT_NE(w.find("f.csv:3: has 2 columns; expected 3"), std::string::npos) << w;
  w = err("3,2,no,yes\n1,2x,0\n3,4,1\n5,6,0\n");
  EXPECT_NE(w.find("f.csv:2: column 2: \"2x\" is not a finite number"), std::string::npos) << w;
  w = err("3,2,no,yes\n1,2,0\n3,4,2\n5,6,0\n");
  EXPECT_NE(w.find("f.csv:3: label \"2\""), std::string::npos) << w;
  w = err("3,2,no,yes\n1,nan,0\n3,4,1\n5,6,0\n");
  EXPECT_NE(w.find("f.csv:2: column 2"), std::string::npos) << w;
  w = err("3,2,no,yes\n1,2,0\n\n5,6,0\n");
  EXPECT_NE(w.find("f.csv:3: blank line"), std::string::npos) << w;
  w = err("3,2,no,yes\n1,2,0\n3,4,1\n");
  EXPECT_NE(w.find("f.csv: has 2 data rows; the header says n_samples = 3"), std::string::npos) << w;
  w = err("3,2,no,yes\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n");
  EXPECT_NE(w.find("f.csv:5: more data rows"), std::string::npos) << w;
  w = err("a,b,c\n1,2,0\n");
  EXPECT_NE(w.find("f.csv:1: header"), std::string::npos) << w;
  w = err("");
  EXPECT_NE(w.find("f.csv: is empty"), std::string::npos) << w;
}

TEST(Datasets, StandardizeColumns) {
  Eigen::MatrixXd X(4, 2);
  X << 1, 10, 2, 10, 3, 11, 4, 13;
  const Standardization s = standardize_columns(X);
  EXPECT_NEAR(s.mean(0), 2.5, 1e-15);
  EXPECT_NEAR(s.sd(0), std::sqrt(1.25), 1e-15);  // population sd
  for (int j = 0; j < 2; ++j) {
    EXPECT_NEAR(X.col(j).mean(), 0.0, 1e-14);
    EXPECT_NEAR(X.col(j).squaredNorm() / 4.0, 1.0, 1e-14);
  }
  Eigen::MatrixXd C(3, 2);
  C << 1, 5, 2, 5, 3, 5;
  EXPECT_NE(dataset_error([&] { standardize_columns(C); }).find("column 1 is constant"), std::string::npos);
}

// ------------------------------------------------------------------------------------------------
// The kind.

// A small configuration of the shipped spec (its seed and alphas).
json small() {
  json d = shipped();
  d["replicas"] = 6;
  auto& p = d["params"];
  p["chains"] = 32;
  p["w2_points"] = 32;
  p["curve_points"] = 6;
  p["reference"] = {{"eta", 0.4}, {"chains", 64}, {"steps", 50}, {"burn_in", 20}, {"observe_every", 1}};
  p["mala"] = {{"eta", 0.12}, {"steps", 40}, {"burn_in", 20}, {"observe_every", 1}};
  p["ula"] = {{"eta", 0.1}, {"burn_in", 30}, {"window", 30}, {"halved_burn_in", 20}, {"observe_every", 1}};
  p["stochastic"]["burn_in"] = 200;
  p["stochastic"]["window"] = 100;
  p["stochastic"]["halved_burn_in"] = 100;
  return d;
}

TEST(LogisticPosterior, SmallConfigurationPassesEveryCheck) {
  const auto e = run(small());
  ASSERT_EQ(e.status, "ok") << e.error;
  const std::set<std::string> ids = {"reference_matches_ula_limit",     "converges_to_reference_ula",
                                     "converges_to_reference_sgld",     "converges_to_reference_svrg_ld",
                                     "converges_to_reference_sarah_ld", "variance_reduction"};
  std::set<std::string> seen;
  for (const auto& c : e.checks) {
    seen.insert(c.id);
    EXPECT_TRUE(c.passed) << c.id << ": " << c.measured << " [" << c.measured_lo << ", " << c.measured_hi << "] " << c.detail;
  }
  EXPECT_EQ(seen, ids);
  // The reference is a working MALA; SGLD's batch makes its cost per step SVRG-LD's.
  const double acc = e.results["reference"]["acceptance_rate"]["mean"];
  EXPECT_GT(acc, 0.3);
  EXPECT_LT(acc, 0.9);
  const double g_sgld = e.results["algorithms"]["sgld"]["gradient_evaluations_per_chain"];
  const double g_svrg = e.results["algorithms"]["svrg_ld"]["gradient_evaluations_per_chain"];
  EXPECT_NEAR(g_sgld / g_svrg, 1.0, 0.01);
  EXPECT_EQ(e.results["data"]["sha256"], "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed");
  EXPECT_EQ(e.plots.size(), 5u);
}

// The stochastic-gradient mutants: the first 10 feature columns (d = 11, 2/M = 2.56e-3) make the
// SGLD / SVRG-LD runs cheap enough for 64 chains x 8 replicas; ULA and MALA are shrunk to a few steps.
json stochastic_only(const std::string& mutant) {
  json d = small();
  d["replicas"] = 8;
  auto& p = d["params"];
  p["mutant"] = mutant;
  p["feature_columns"] = 10;
  p["chains"] = 64;
  p["w2_points"] = 64;
  p["reference"] = {{"eta", 0.4}, {"chains", 128}, {"steps", 30}, {"burn_in", 10}, {"observe_every", 1}};
  p["mala"] = {{"eta", 0.12}, {"steps", 4}, {"burn_in", 2}, {"observe_every", 1}};
  p["ula"] = {{"eta", 0.1}, {"burn_in", 2}, {"window", 2}, {"halved_burn_in", 1}, {"observe_every", 1}};
  p["stochastic"]["eta"] = 0.0025;
  p["stochastic"]["burn_in"] = 100;
  p["stochastic"]["window"] = 100;
  p["stochastic"]["halved_burn_in"] = 200;
  return d;
}

TEST(LogisticPosterior, SgldWithNoiseSqrtEtaFailsConvergence) {
  const auto e = run(stochastic_only("noise_sqrt_eta"));
  ASSERT_EQ(e.status, "ok") << e.error;
  const auto& c = check(e, "converges_to_reference_sgld");
  EXPECT_FALSE(c.passed) << c.measured << " [" << c.measured_lo << ", " << c.measured_hi << "] " << c.detail;
  EXPECT_LT(c.measured, -0.2);  // temperature 1/2: the second moment of the eta -> 0 limit is far too small
  const auto& v = check(e, "converges_to_reference_svrg_ld");  // the mutant concerns SGLD only
  EXPECT_TRUE(v.passed) << v.measured << " " << v.detail;
}

TEST(LogisticPosterior, SvrgWithoutCorrectionFailsVarianceReduction) {
  json d = stochastic_only("svrg_no_correction");
  d["params"]["stochastic"]["halved_burn_in"] = 5;  // the check uses the eta window only
  const auto e = run(d);
  ASSERT_EQ(e.status, "ok") << e.error;
  const auto& c = check(e, "variance_reduction");
  EXPECT_FALSE(c.passed) << c.measured << " [" << c.measured_lo << ", " << c.measured_hi << "] " << c.detail;
  EXPECT_LT(c.measured, 0.0);
}

TEST(LogisticPosterior, MalaWithoutProposalCorrectionFailsReferenceCheck) {
  json d = small();
  d["replicas"] = 8;
  auto& p = d["params"];
  p["mutant"] = "mala_no_proposal_correction";
  p["stochastic"]["burn_in"] = 5;
  p["stochastic"]["window"] = 10;
  p["stochastic"]["halved_burn_in"] = 5;
  p["mala"] = {{"eta", 0.12}, {"steps", 4}, {"burn_in", 2}, {"observe_every", 1}};
  const auto e = run(d);
  ASSERT_EQ(e.status, "ok") << e.error;
  const auto& c = check(e, "reference_matches_ula_limit");
  EXPECT_FALSE(c.passed) << c.measured << " [" << c.measured_lo << ", " << c.measured_hi << "] " << c.detail;
  EXPECT_LT(c.measured, -0.2);  // the uncorrected chain's second moment is far too small (target ≈ pi²)
}

TEST(LogisticPosterior, InvalidParamsNameTheirPath) {
  json d = shipped();
  d["params"]["data"] = "experiments/data/breast_cancer/nope.csv";
  expect_spec_error(d, "/params/data: ");
  expect_spec_error(d, "nope.csv: cannot open");
  d = shipped();
  d["params"]["stochastic"]["eta"] = 0.002;
  expect_spec_error(d, "/params/stochastic/eta: 0.002 is over the limit");
  d = shipped();
  d["params"]["mutant"] = "drift_flipped";
  expect_spec_error(d, "/params/mutant: unknown value \"drift_flipped\"");
  d = shipped();
  d["params"]["stochastic"]["window"] = 7;
  expect_spec_error(d, "/params/stochastic/observe_every: must divide");
  d = shipped();
  d["params"]["reference"]["chains"] = 100;
  expect_spec_error(d, "/params/reference: reference chains 100 < max(chains, 2 w2_points) = 256");
  d = shipped();
  d["params"]["intercept"] = 1;
  expect_spec_error(d, "/params/intercept: is not a boolean");
  d = shipped();
  d["params"]["ula"]["batch_size"] = 4;
  expect_spec_error(d, "/params/ula/batch_size: is not a parameter of ula");
}

TEST(LogisticPosterior, BadDataFileIsASpecErrorWithTheLine) {
  const std::string path = ::testing::TempDir() + "ldbench_bad_table.csv";
  {
    std::ofstream out(path);
    out << "3,2,no,yes\n1,2,0\n3,4\n5,6,1\n";
  }
  json d = shipped();
  d["params"]["data"] = path;
  expect_spec_error(d, path + ":3: has 2 columns; expected 3");
  std::remove(path.c_str());
}

// ------------------------------------------------------------------------------------------------
// Model selection and algorithm/check consistency.

TEST(PosteriorKind, UnknownModelListsTheKnownOnes) {
  json d = shipped();
  d["params"]["model"]["name"] = "no_such_model";
  expect_spec_error(d, "/params/model/name: unknown model \"no_such_model\"; known models: gaussian, logistic_regression, "
                       "logistic_synthetic, ");
  expect_spec_error(d, "tilted_double_well");
  expect_spec_error(d, "; potentials (as one-term sums, n = 1): ");
  expect_spec_error(d, "quadratic");
}

TEST(PosteriorKind, DataIffTheModelNeedsIt) {
  json d = shipped();
  d["params"].erase("data");
  expect_spec_error(d, "/params: missing \"data\": model logistic_regression needs data");
  d = shipped();
  d["params"]["model"]["dim"] = 31;
  expect_spec_error(d, "/params/model/dim: is set by the data for model logistic_regression");
  d = shipped();
  d["params"]["model"] = {{"name", "gaussian"}, {"dim", 3}, {"params", {{"n", 50}}}};
  expect_spec_error(d, "/params/data: model gaussian needs no data; remove \"data\"");
  d["params"].erase("data");
  expect_spec_error(d, "/params/intercept: model gaussian needs no data");
  d["params"].erase("intercept");
  d["params"]["model"].erase("dim");
  expect_spec_error(d, "/params/model/dim: missing field");
  d["params"]["model"]["dim"] = 3;
  d["params"]["model"]["params"]["n"] = 0;
  expect_spec_error(d, "/params/model/params/n: ");
  d["params"]["model"]["params"] = {{"no_such_param", 1}};
  expect_spec_error(d, "/params/model/params");
}

TEST(PosteriorKind, ChecksMustMatchTheAlgorithms) {
  json d = shipped();
  d["checks"].erase("variance_reduction");
  expect_spec_error(d, "/checks: missing check \"variance_reduction\", which params.algorithms [ula, sgld, svrg_ld, sarah_ld] requires");
  d = shipped();
  d["params"]["algorithms"] = {"ula", "sgld", "sarah_ld"};
  expect_spec_error(d, "/checks/converges_to_reference_svrg_ld: not a check of the selected algorithms [ula, sgld, sarah_ld]");
  d["checks"].erase("converges_to_reference_svrg_ld");
  expect_spec_error(d, "/checks/variance_reduction: not a check of the selected algorithms [ula, sgld, sarah_ld] (it needs sgld and svrg_ld)");
  d = shipped();
  d["params"]["algorithms"] = {"sgld", "svrg_ld"};
  expect_spec_error(d, "/params/ula: ula is not selected in params.algorithms");
  d["params"].erase("ula");
  d["profiles"]["quick"]["params"].erase("ula");
  expect_spec_error(d, "/checks/converges_to_reference_sarah_ld: not a check of the selected algorithms [sgld, svrg_ld]");
  d = shipped();
  d["params"]["algorithms"] = {"ula", "gibbs"};
  expect_spec_error(d, "/params/algorithms/1: unknown value \"gibbs\"");
  d["params"]["algorithms"] = {"ula", "ula"};
  expect_spec_error(d, "/params/algorithms/1: repeats \"ula\"");
  d["params"]["algorithms"] = json::array();
  expect_spec_error(d, "/params/algorithms: must be a non-empty array");
  d = shipped();
  d["params"]["algorithms"] = {"ula"};
  expect_spec_error(d, "/params/stochastic: no stochastic algorithm (sgld, svrg_ld, sarah_ld) is selected");
  d = shipped();
  d["params"]["algorithms"] = {"ula", "sgld"};
  d["params"]["mutant"] = "svrg_no_correction";
  expect_spec_error(d, "/params/mutant: svrg_no_correction applies to svrg_ld, which params.algorithms does not select");
  d["params"]["mutant"] = "none";
  d["params"]["mutant_algorithm"] = "ula";
  expect_spec_error(d, "/params/mutant_algorithm: applies only to mutant noise_sqrt_eta");
}

// A potential of catalogues().potentials is a one-term model: ULA only, and a small run passes.
json quadratic_potential_spec() {
  json d = {{"name", "quadratic_posterior"}, {"kind", "posterior"}, {"seed", 11}, {"replicas", 6}};
  d["params"] = {{"model", {{"name", "quadratic"}, {"dim", 2}, {"params", {{"a", 3.0}}}}},
                 {"chains", 32},
                 {"w2_points", 16},
                 {"curve_points", 5},
                 {"reference", {{"eta", 0.5}, {"chains", 64}, {"steps", 80}, {"burn_in", 20}}},
                 {"mala", {{"eta", 0.2}, {"steps", 40}, {"burn_in", 20}}},
                 {"ula", {{"eta", 0.2}, {"burn_in", 20}, {"window", 100}, {"halved_burn_in", 20}}}};
  d["checks"] = {{"reference_matches_ula_limit", {{"alpha", 1e-4}}}, {"converges_to_reference_ula", {{"alpha", 1e-4}}}};
  return d;
}

TEST(PosteriorKind, OneTermModelsRunUlaOnly) {
  json d = quadratic_potential_spec();
  expect_spec_error(d, "/params: algorithms: model quadratic has n = 1");
  d["params"]["algorithms"] = {"ula", "sgld"};
  expect_spec_error(d, "/params/algorithms: algorithms: model quadratic has n = 1");
  d["params"]["algorithms"] = {"ula"};
  const auto e = run(d);
  ASSERT_EQ(e.status, "ok") << e.error;
  ASSERT_EQ(e.checks.size(), 2u);
  for (const auto& c : e.checks) EXPECT_TRUE(c.passed) << c.id << ": " << c.measured << " " << c.detail;
  EXPECT_EQ(e.results["model"]["n"], 1);
  EXPECT_FALSE(e.results.contains("data"));
  EXPECT_FALSE(e.results["algorithms"].contains("sgld"));
  EXPECT_EQ(e.plots.size(), 5u);  // the same plots, with the selected algorithms' series only
  EXPECT_DOUBLE_EQ(e.results["stability"]["hessian_max_M"].get<double>(), 3.0);
}

// Logistic regression that hides its curvature bound (hessian_max unknown), registered once in the
// process's catalogue under a test-only name.
class HiddenCurvatureLogistic final : public ldbench::lib::models::FiniteSumPotential {
 public:
  explicit HiddenCurvatureLogistic(std::unique_ptr<ldbench::lib::models::LogisticRegression> u) : u_(std::move(u)) {}
  int dim() const override { return u_->dim(); }
  std::int64_t n() const override { return u_->n(); }
  void values(const ldbench::lib::models::ConstMatRef& X, ldbench::lib::models::VecRef out) const override { u_->values(X, out); }
  void gradients(const ldbench::lib::models::ConstMatRef& X, ldbench::lib::models::MatRef G) const override { u_->gradients(X, G); }
  void batch_gradient_sum(const double* x, std::span<const std::uint32_t> idx, double* g) const override {
    u_->batch_gradient_sum(x, idx, g);
  }
  double example_value(std::uint32_t i, const double* x) const override { return u_->example_value(i, x); }
  double regularizer_value(const double* x) const override { return u_->regularizer_value(x); }
  void regularizer_gradient(const double* x, double* g) const override { u_->regularizer_gradient(x, g); }
  Eigen::MatrixXd hessian(const double* x) const override { return u_->hessian(x); }
  std::string description() const override { return u_->description() + " (curvature bound hidden)"; }

 private:
  std::unique_ptr<ldbench::lib::models::LogisticRegression> u_;
};

void register_hidden_curvature_model() {
  auto& reg = catalogues().models;
  if (reg.find("test_hidden_curvature_logistic")) return;
  ldbench::lib::ParamSpec n;
  n.name = "n";
  n.type = ldbench::lib::ParamSpec::Type::integer;
  n.default_value = 100L;
  n.lo = 10;
  n.hi = 100000;
  reg.add({"test_hidden_curvature_logistic", "logistic_synthetic without hessian_max (tests only)", {n}, false, "test"},
          [](int dim, const ldbench::lib::Params& p, const ldbench::lib::models::ModelData*)
              -> std::unique_ptr<ldbench::lib::models::FiniteSumPotential> {
            auto data = ldbench::lib::models::make_synthetic_logistic_data(p.integer("n"), dim, 5u);
            return std::make_unique<HiddenCurvatureLogistic>(
                std::make_unique<ldbench::lib::models::LogisticRegression>(data.features, data.labels, 1.0));
          });
}

TEST(PosteriorKind, UnknownCurvatureRunsAtTheGivenStep) {
  register_hidden_curvature_model();
  json d = quadratic_potential_spec();
  d["params"]["model"] = {{"name", "test_hidden_curvature_logistic"}, {"dim", 2}, {"params", {{"n", 100}}}};
  d["params"]["algorithms"] = {"sgld"};
  d["params"].erase("ula");
  d["checks"] = {{"converges_to_reference_sgld", {{"alpha", 1e-4}}}};
  expect_spec_error(d, "/params: stochastic.eta is required: model test_hidden_curvature_logistic has no curvature bound M (M unknown)");
  d["params"]["stochastic"] = {{"eta", 0.002}, {"burn_in", 100}, {"window", 200}, {"halved_burn_in", 100}, {"observe_every", 2}};
  const auto e = run(d);
  ASSERT_EQ(e.status, "ok") << e.error;
  ASSERT_EQ(e.checks.size(), 1u);
  EXPECT_TRUE(e.checks[0].passed) << e.checks[0].measured << " " << e.checks[0].detail;
  EXPECT_EQ(e.results["stability"]["hessian_max_M"], "M unknown");
  EXPECT_EQ(e.results["model"]["params"]["n"], 100);
}

TEST(PosteriorKind, NewtonFailureIsStatusErrorWithItsMessage) {
  // tilted_double_well is non-convex: ∇²U(0) has -2b < 0 in x1, so the Newton mode search from 0 stops.
  json d = quadratic_potential_spec();
  d["params"]["model"] = {{"name", "tilted_double_well"}, {"dim", 2}, {"params", {{"n", 50}}}};
  d["params"]["algorithms"] = {"ula"};
  const auto e = run(d);
  EXPECT_EQ(e.status, "error");
  EXPECT_NE(e.error.find("newton: the Hessian is not positive definite at iteration 0"), std::string::npos) << e.error;
}

}  // namespace
}  // namespace test_posterior_kinds
