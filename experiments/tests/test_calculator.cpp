// The theory calculator: every registered entry evaluates on sample arguments to exactly what
// the theory/ function returns (so no entry can be added without a test here), and bad
// arguments give one-line errors naming the argument.
#include <gtest/gtest.h>

#include "experiments/calculator.hpp"
#include "theory/discretization.hpp"
#include "theory/gaussian.hpp"
#include "theory/gaussian_mixture.hpp"
#include "theory/kramers.hpp"
#include "theory/lsi.hpp"
#include "theory/ou.hpp"
#include "theory/rates.hpp"
#include "theory/ula_gaussian.hpp"
#include "theory/variance_reduction.hpp"

namespace {

using namespace ldbench;
using experiments::SpecError;
using experiments::TheoryCalculator;
using nlohmann::json;

const theory::Gaussian kP{Eigen::Vector2d(1.0, -0.5), (Eigen::Matrix2d() << 0.5, 0.1, 0.1, 0.8).finished()};
const theory::Gaussian kQ{Eigen::Vector2d(0.0, 0.0), Eigen::Matrix2d::Identity()};
const json kPj = {{"mean", {1.0, -0.5}}, {"cov", {{0.5, 0.1}, {0.1, 0.8}}}};
const json kQj = {{"mean", {0.0, 0.0}}, {"cov", 1.0}};
const theory::GaussianMixture1d kMix{{0.3, 0.7}, {-1.0, 2.0}, {0.2, 0.5}};
const json kMixj = {{"weights", {0.3, 0.7}}, {"means", {-1.0, 2.0}}, {"variances", {0.2, 0.5}}};
const theory::OuParams kOu{2.0, 0.5};

struct Sample {
  json args;
  json expected;
};

std::map<std::string, Sample> samples() {
  const auto law = theory::ou_law(kP, 0.3, kOu);
  const auto mix = theory::ou_mixture_law(kMix, 0.3, kOu);
  const auto ula = theory::ula_moments(7, 0.1, 1.5, 0.2, kOu);
  const theory::OuMatrix am{(Eigen::Matrix2d() << 2.0, 0.3, 0.3, 1.0).finished(), 0.5};
  const json amj = {{"A", {{2.0, 0.3}, {0.3, 1.0}}}, {"lambda", 0.5}};
  const auto mlaw = theory::ou_law(kP, 0.3, am);
  const auto ulaw = theory::ula_law(kP, 7, 0.1, am);
  auto gj = [](const theory::Gaussian& g) {
    return json{{"mean", {g.mean(0), g.mean(1)}}, {"cov", {{g.cov(0, 0), g.cov(0, 1)}, {g.cov(1, 0), g.cov(1, 1)}}}};
  };
  json ou_matrix_args = amj, ula_law_args = amj, bias_args = amj;
  ou_matrix_args.update({{"start", kPj}, {"t", 0.3}});
  ula_law_args.update({{"start", kPj}, {"k", 7}, {"eta", 0.1}});
  bias_args["eta"] = 0.1;
  return {
      {"gaussian.kl", {{{"p", kPj}, {"q", kQj}}, theory::kl(kP, kQ)}},
      {"gaussian.relative_fisher", {{{"p", kPj}, {"q", kQj}}, theory::relative_fisher(kP, kQ)}},
      {"gaussian.neg_entropy", {{{"p", kPj}}, theory::neg_entropy(kP)}},
      {"gaussian.w2_squared", {{{"p", kPj}, {"q", kQj}}, theory::w2_squared(kP, kQ)}},
      {"ou.mean", {{{"t", 0.3}, {"m0", 1.5}, {"a", 2.0}, {"lambda", 0.5}}, theory::ou_mean(0.3, 1.5, kOu)}},
      {"ou.variance", {{{"t", 0.3}, {"v0", 0.2}, {"a", 2.0}, {"lambda", 0.5}}, theory::ou_variance(0.3, 0.2, kOu)}},
      {"ou.transition_density",
       {{{"x", 0.4}, {"x0", 1.0}, {"t", 0.3}, {"a", 2.0}, {"lambda", 0.5}},
        theory::ou_transition_density(0.4, 1.0, 0.3, kOu)}},
      {"ou.law",
       {{{"start", kPj}, {"t", 0.3}, {"a", 2.0}, {"lambda", 0.5}},
        {{"mean", {law.mean(0), law.mean(1)}}, {"cov", {{law.cov(0, 0), law.cov(0, 1)}, {law.cov(1, 0), law.cov(1, 1)}}}}}},
      {"ou.law_matrix", {ou_matrix_args, gj(mlaw)}},
      {"ula.law_matrix", {ula_law_args, gj(ulaw)}},
      {"ula.stationary_bias_kl", {bias_args, theory::ula_stationary_bias_kl(0.1, am)}},
      {"vw.ula_kl_bound",
       {{{"kl0", 2.0}, {"k", 30}, {"h", 0.01}, {"alpha", 1.0}, {"L_f", 1.0}, {"d", 3}},
        theory::vw_ula_kl_bound(2.0, 30, 0.01, 1.0, 1.0, 3)}},
      {"vw.ula_plan",
       {{{"eps", 0.1}, {"kl0", 2.0}, {"alpha", 1.0}, {"L_f", 1.0}, {"d", 3}},
        [] {
          const auto p = theory::vw_ula_plan(0.1, 2.0, 1.0, 1.0, 3);
          return json{{"h", p.h}, {"iterations", p.iterations}, {"bound_at_k", p.bound_at_k}};
        }()}},
      {"vr.svrg_ld_gradient_complexity_leading",
       {{{"n", 10000}, {"d", 5}, {"eps", 0.01}, {"gamma", 1.0}, {"L", 2.0}, {"alpha", 0.5}},
        theory::svrg_ld_gradient_complexity_leading(10000, 5, 0.01, 1.0, 2.0, 0.5)}},
      {"rates.linear_estimator_lower_bound_exponent", {{{"d", 2}}, theory::linear_estimator_lower_bound_exponent(2)}},
      {"rates.minimax_tv_rate_exponent", {{{"s", 1.0}, {"d", 1}}, theory::minimax_tv_rate_exponent(1.0, 1)}},
      {"lsi.bakry_emery", {{{"kappa", 2.0}, {"lambda", 0.5}}, theory::bakry_emery_lsi(2.0, 0.5)}},
      {"lsi.holley_stroock_notes", {{{"alpha_nu", 2.0}, {"B", 0.3}}, theory::holley_stroock_lsi_notes(2.0, 0.3)}},
      {"lsi.holley_stroock_osc", {{{"alpha_nu", 2.0}, {"osc", 0.6}}, theory::holley_stroock_lsi_osc(2.0, 0.6)}},
      {"lsi.bounded_perturbation_example",
       {{{"lambda1", 1.0}, {"B", 0.3}, {"lambda", 0.5}}, theory::bounded_perturbation_example_lsi(1.0, 0.3, 0.5)}},
      {"lsi.lipschitz_miclo_notes",
       {{{"lambda1", 1.0}, {"lambda2", 1.0}, {"R", 1.0}, {"d", 1}},
        [] {
          const auto r = theory::notes_lipschitz_miclo_lsi_as_written(1.0, 1.0, 1.0, 1);
          return json{{"miclo_term", r.miclo_term}, {"lipschitz_term", r.lipschitz_term},
                      {"lipschitz_term_applies", r.lipschitz_term_applies}, {"value", r.value}};
        }()}},
      {"kramers.spectral_gap_symmetric",
       {{{"Uxx_min", 4.0}, {"Uxx_saddle_abs", 2.0}, {"barrier", 0.25}, {"lambda", 0.08}},
        theory::kramers_spectral_gap_symmetric(4.0, 2.0, 0.25, 0.08)}},
      {"lsi.upper_bound_from_gap", {{{"rho", 0.0355}, {"lambda", 0.08}}, theory::lsi_upper_bound_from_gap(0.0355, 0.08)}},
      {"lsi.gaussian_constant", {{{"s2", 4.0}}, theory::gaussian_lsi_constant(4.0)}},
      {"lsi.kl_rate", {{{"alpha", 0.5}, {"lambda", 0.2}}, theory::lsi_kl_rate(0.5, 0.2)}},
      {"lsi.kl_bound",
       {{{"kl0", 2.0}, {"alpha", 0.5}, {"lambda", 0.2}, {"t", 3.0}}, theory::lsi_kl_bound(2.0, 0.5, 0.2, 3.0)}},
      {"ula.moments",
       {{{"k", 7}, {"eta", 0.1}, {"m0", 1.5}, {"v0", 0.2}, {"a", 2.0}, {"lambda", 0.5}},
        {{"mean", ula.mean}, {"variance", ula.variance}}}},
      {"ula.stationary_variance",
       {{{"eta", 0.1}, {"a", 2.0}, {"lambda", 0.5}}, theory::ula_stationary_variance(0.1, kOu)}},
      {"mixture.ou_law",
       {{{"start", kMixj}, {"t", 0.3}, {"a", 2.0}, {"lambda", 0.5}},
        {{"weights", mix.weights}, {"means", mix.means}, {"variances", mix.variances}}}},
      {"mixture.kl_to_centered_gaussian", {{{"p", kMixj}, {"v", 1.5}}, theory::kl_to_centered_gaussian(kMix, 1.5)}},
      {"mixture.fisher_to_centered_gaussian",
       {{{"p", kMixj}, {"v", 1.5}}, theory::fisher_to_centered_gaussian(kMix, 1.5)}},
  };
}

TEST(Calculator, EveryEntryMatchesItsTheoryFunction) {
  const TheoryCalculator calc;
  const auto s = samples();
  for (const auto& [name, entry] : calc.entries()) {
    ASSERT_TRUE(s.count(name)) << name << " has no sample in this test: add one";
    EXPECT_FALSE(entry.formula.empty() || entry.source.empty() || entry.args.empty()) << name;
    const json out = calc.eval(name, s.at(name).args, "--args");
    EXPECT_EQ(out["value"], s.at(name).expected) << name;  // bit-identical: the same function
    EXPECT_EQ(out["name"], name);
    EXPECT_EQ(out["args"], s.at(name).args);
  }
  EXPECT_EQ(s.size(), calc.entries().size()) << "a sample names an entry that is not registered";
}

std::string error_of(const std::string& name, const json& args) {
  try {
    TheoryCalculator().eval(name, args, "--args");
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Calculator, BadArgumentsNameTheArgument) {
  EXPECT_EQ(error_of("lsi.kl_bound", {{"kl0", 1}, {"alpha", 1}, {"lambda", 1}, {"t", 1}, {"x", 2}}),
            "--args: /x: unknown field \"x\"; allowed fields: kl0, alpha, lambda, t");
  EXPECT_EQ(error_of("lsi.kl_bound", {{"kl0", 1}, {"alpha", 1}, {"lambda", 1}}),
            "--args: /t: missing field; add \"t\" (see README, spec format)");
  EXPECT_EQ(error_of("lsi.gaussian_constant", {{"s2", -1}}), "--args: /s2: -1 is out of range; allowed: (0, 1e+300]");
  EXPECT_EQ(error_of("lsi.gaussian_constant", {{"s2", "big"}}), "--args: /s2: is a string; expected a number");
  EXPECT_EQ(error_of("ula.stationary_variance", {{"eta", 2.5}}),
            "--args: eta: step 2.5 is over the stability limit 2/a = 2; use 0 < eta < 2/a");
  EXPECT_EQ(error_of("gaussian.kl", {{"p", {{"mean", {1.0}}, {"cov", {{-1.0}}}}}, {"q", {{"mean", {0.0}}, {"cov", 1.0}}}}),
            "--args: p.cov: not positive definite");
  EXPECT_EQ(error_of("gaussian.kl", {{"p", {{"mean", {1.0, 2.0}}, {"cov", 1.0}}}, {"q", {{"mean", {0.0}}, {"cov", 1.0}}}}),
            "--args: q: dimension 1 does not match p's dimension 2");
  EXPECT_EQ(error_of("gaussian.neg_entropy", {{"p", {{"mean", {1.0, 2.0}}, {"cov", {{1.0, 0.0}}}}}}),
            "--args: /p/cov: must be a number (isotropic variance) or a 2 x 2 array; match the length of mean");
  EXPECT_EQ(error_of("mixture.kl_to_centered_gaussian",
                     {{"p", {{"weights", {0.5}}, {"means", {0.0}}, {"variances", {1.0}}}}, {"v", 1.0}}),
            "--args: weights: must sum to 1");
  EXPECT_EQ(error_of("ula.stationary_bias_kl", {{"eta", 0.1}, {"A", {{1.0, 2.0}, {0.0, 1.0}}}}),
            "--args: A: not symmetric");
  EXPECT_EQ(error_of("ula.stationary_bias_kl", {{"eta", 1.0}, {"A", {{4.0, 0.0}, {0.0, 1.0}}}}),
            "--args: eta: step 1 is over the stability limit 2/a_max = 0.5; use 0 < eta < 2/a_max");
  EXPECT_EQ(error_of("vw.ula_kl_bound", {{"kl0", 1}, {"k", 1}, {"h", 0.3}, {"alpha", 1}, {"L_f", 1}, {"d", 1}}).rfind(
                "--args: h: step 0.3 is over the limit alpha/(4 L_f^2) = 0.25", 0),
            0u);
  EXPECT_EQ(error_of("nope", json::object()), "--args: /: unknown theory entry \"nope\"; see `ldbench theory list`");
  EXPECT_EQ(error_of("lsi.kl_rate", json::array()), "--args: /: the arguments must be a JSON object; e.g. {\"s2\": 2.0}");
}

TEST(Calculator, DuplicateNamesAreRejected) {
  TheoryCalculator calc;
  EXPECT_THROW(calc.add({"gaussian.kl", "f", "s", "a", [](const experiments::Node&) { return json(0); }}),
               std::invalid_argument);
}

}  // namespace
