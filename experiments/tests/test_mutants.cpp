// The mutant catalogue and the kill-matrix mechanism (experiments/mutants.hpp).
//  - The built-in catalogue: at least 12 mutants, every family, one-line descriptions, and every
//    mutant selectable (its patch validates) on at least one shipped spec, so none can survive by
//    never running. Whether each is KILLED is measured by `ldbench verify --mutants` (the report's
//    kill matrix), not here: that runs the whole catalogue.
//  - The mechanism, on a toy kind whose single check fails iff params.x != 0: a mutant that sets x
//    is killed, one that changes nothing survives and fails the report, one the spec rejects is not
//    applicable (and survives: never applied), one that hits a numerical error is killed by the error;
//    the patch reaches the profile's override; the matrix survives report.json and report.md.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "experiments/mutants.hpp"
#include "experiments/suite.hpp"
#include "reports/json.hpp"
#include "reports/markdown.hpp"
#include "verify/checks/checks.hpp"

namespace test_mutants {
namespace {

using namespace ldbench;
using namespace ldbench::experiments;
using nlohmann::json;
namespace fs = std::filesystem;

TEST(MutantCatalogue, HasTwelveOrMoreDescribedMutantsOverEveryFamily) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  ASSERT_GE(reg.mutants().size(), 12u);
  std::set<std::string> families, ids;
  for (const auto& m : reg.mutants()) {
    EXPECT_TRUE(ids.insert(m.id).second) << m.id;
    EXPECT_FALSE(m.description.empty()) << m.id;
    EXPECT_EQ(m.description.find('\n'), std::string::npos) << m.id << ": the description must be one line";
    EXPECT_EQ(m.id.rfind(m.id.substr(0, m.id.find('.')) + ".", 0), 0u) << m.id << ": ids are <family>.<name>";
    families.insert(m.family);
    for (const auto& u : m.uses) EXPECT_NE(reg.find(u.kind), nullptr) << m.id << " names kind " << u.kind;
  }
  for (const char* f : {"Langevin samplers (lib/langevin)", "SDE integrators on the OU process (lib/sde)",
                        "Fokker–Planck grid solver (lib/fp)", "Mean-field Langevin dynamics (lib/mfld)", "Estimators (verify/estimators)",
                        "Closed-form bounds (theory)"})
    EXPECT_TRUE(families.count(f)) << f;
}

TEST(MutantCatalogue, EveryMutantIsSelectableOnAShippedSpec) {
  KindRegistry reg;
  register_builtin_kinds(reg);
  const auto files = catalogue_files(catalogue_dir());
  std::vector<json> docs;
  for (const auto& f : files) docs.push_back(read_json_file(f));
  for (const auto& m : reg.mutants()) {
    int selectable = 0;
    std::string last_error;
    for (const auto& d : docs)
      for (const auto& u : m.uses) {
        if (d.at("kind") != u.kind) continue;
        try {
          const Prepared p = prepare_spec(reg, apply_mutant_patch(d, u.patch), "t.json", "quick", std::nullopt);
          ++selectable;
          // The mutant reaches the effective parameters the report records.
          json eff = p.effective_params;
          eff.merge_patch(u.patch);
          EXPECT_EQ(eff, p.effective_params) << m.id << " on " << d.at("name");
        } catch (const SpecError& e) {
          last_error = e.what();
        }
      }
    EXPECT_GT(selectable, 0) << m.id << " cannot be selected by any shipped spec; last error: " << last_error;
  }
}

TEST(MutantPatch, ReachesParamsAndEveryProfileOverride) {
  const json doc = {{"params", {{"a", 1}, {"vw", {{"eta", 0.1}}}}},
                    {"profiles", {{"quick", {{"params", {{"mutant", "none"}, {"vw", {{"points", 3}}}}}}}, {"full", {{"replicas", 4}}}}}};
  const json out = apply_mutant_patch(doc, {{"mutant", "m"}, {"vw", {{"bound_mutant", "b"}}}});
  EXPECT_EQ(out["params"]["mutant"], "m");
  EXPECT_EQ(out["params"]["vw"]["eta"], 0.1);
  EXPECT_EQ(out["params"]["vw"]["bound_mutant"], "b");
  EXPECT_EQ(out["profiles"]["quick"]["params"]["mutant"], "m");
  EXPECT_EQ(out["profiles"]["quick"]["params"]["vw"]["points"], 3);
  EXPECT_EQ(out["profiles"]["quick"]["params"]["vw"]["bound_mutant"], "b");
  EXPECT_FALSE(out["profiles"]["full"].contains("params"));
}

// The toy kind: params {x (number, default 0), y (ignored), boom (bool)}; check "x_is_zero" passes
// iff x == 0; boom makes the run end in status "error" as a divergence would.
Kind toy_kind() {
  Kind k;
  k.name = "toy";
  k.summary = "test kind";
  k.checks = {{"x_is_zero", false, 0.0}};
  k.prepare = [](const ParsedSpec& spec, const std::map<std::string, double>&) {
    const Node p = params_node(spec);
    p.object_with({"x", "y", "boom"});
    const double x = p.number_or("x", 0.0, -10, 10);
    const bool boom = p.has("boom");
    Prepared out{spec.header, json{{"x", x}, {"boom", boom}}, {}};
    out.run = [x, boom, h = spec.header](const RunContext&) {
      reports::Experiment e;
      e.name = h.name;
      e.kind = h.kind;
      if (boom) {
        e.status = "error";
        e.error = "diverged at step 3";
        return e;
      }
      verify::CheckResult c;
      c.id = "x_is_zero";
      c.measured = c.measured_lo = c.measured_hi = x;
      c.bound = 0;
      c.passed = x == 0;
      e.checks.push_back(c);
      return e;
    };
    return out;
  };
  return k;
}

struct Toy {
  KindRegistry reg;
  fs::path dir;
  std::string file;
  Toy() {
    reg.add(toy_kind());
    dir = fs::temp_directory_path() / ("ldbench_test_mutants_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    file = (dir / "toy.json").string();
    std::ofstream(file) << json{{"name", "toy_spec"}, {"kind", "toy"}, {"description", "d"}, {"seed", 1}, {"replicas", 2},
                               {"params", {{"x", 0}}}, {"profiles", {{"quick", {{"params", {{"x", 0}}}}}}}}
                                  .dump();
  }
  ~Toy() { fs::remove_all(dir); }
  void add(const std::string& id, const json& patch) { reg.add_mutant({id, "toy family", "toy " + id, {{"toy", patch}}}); }
};

TEST(KillMatrix, KilledSurvivedNotApplicableAndErrorAreTellApart) {
  Toy t;
  t.add("toy.sets_x", {{"x", 1}});
  t.add("toy.no_effect", {{"y", 1}});
  t.add("toy.rejected", {{"z", 1}});
  t.add("toy.diverges", {{"boom", true}});
  SuiteOptions opt;
  opt.profile = "quick";
  const auto km = run_kill_matrix(t.reg, {t.file}, {"toy.json"}, opt);
  ASSERT_EQ(km.runs.size(), 4u);
  EXPECT_EQ(km.runs[0].outcome, "killed");
  EXPECT_EQ(km.runs[1].outcome, "survived");
  EXPECT_EQ(km.runs[2].outcome, "not_applicable");
  EXPECT_NE(km.runs[2].note.find("/params"), std::string::npos) << km.runs[2].note;
  EXPECT_EQ(km.runs[3].outcome, "error");
  EXPECT_EQ(km.runs[3].note, "diverged at step 3");
  ASSERT_EQ(km.mutants.size(), 4u);
  EXPECT_EQ(km.mutants[0].killed_by, std::vector<std::string>{"toy_spec/x_is_zero"});
  EXPECT_FALSE(km.mutants[1].killed());
  EXPECT_EQ(km.mutants[1].applied, 1);
  EXPECT_FALSE(km.mutants[2].killed());
  EXPECT_EQ(km.mutants[2].applied, 0);
  EXPECT_EQ(km.mutants[3].killed_by, std::vector<std::string>{"toy_spec/error"});
  EXPECT_EQ(km.survivors(), 2);

  // A survivor fails the report, which otherwise passes.
  reports::Report rep;
  rep.profile = "quick";
  rep.kill_matrix = km;
  EXPECT_FALSE(rep.passed());
  rep.kill_matrix->mutants.erase(rep.kill_matrix->mutants.begin() + 1, rep.kill_matrix->mutants.begin() + 3);
  EXPECT_TRUE(rep.passed());
}

TEST(KillMatrix, PatchOverridesTheProfile) {
  Toy t;  // the quick profile sets x = 0 itself: the mutant must still win
  t.add("toy.sets_x", {{"x", 2}});
  SuiteOptions opt;
  opt.profile = "quick";
  const auto km = run_kill_matrix(t.reg, {t.file}, {}, opt);
  ASSERT_EQ(km.runs.size(), 1u);
  EXPECT_EQ(km.runs[0].outcome, "killed");
  EXPECT_EQ(km.runs[0].checks.at(0).measured, 2);
}

TEST(KillMatrix, UnregisteredKindIsAnError) {
  Toy t;
  t.reg.add_mutant({"toy.elsewhere", "toy family", "d", {{"no_such_kind", {{"x", 1}}}}});
  SuiteOptions opt;
  opt.profile = "quick";
  try {
    run_kill_matrix(t.reg, {t.file}, {}, opt);
    FAIL() << "expected SpecError";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("mutant toy.elsewhere: kind \"no_such_kind\" is not registered"), std::string::npos) << e.what();
  }
}

TEST(KillMatrix, RegistryRejectsMalformedEntries) {
  KindRegistry reg;
  EXPECT_THROW(reg.add_mutant({"", "f", "d", {{"toy", {{"x", 1}}}}}), std::invalid_argument);
  EXPECT_THROW(reg.add_mutant({"a.b", "f", "", {{"toy", {{"x", 1}}}}}), std::invalid_argument);
  EXPECT_THROW(reg.add_mutant({"a.b", "f", "d", {}}), std::invalid_argument);
  EXPECT_THROW(reg.add_mutant({"a.b", "f", "d", {{"toy", json::object()}}}), std::invalid_argument);
  reg.add_mutant({"a.b", "f", "d", {{"toy", {{"x", 1}}}}});
  EXPECT_THROW(reg.add_mutant({"a.b", "f", "d2", {{"toy", {{"x", 1}}}}}), std::invalid_argument);
}

TEST(KillMatrix, SurvivesReportJsonAndMarkdown) {
  Toy t;
  t.add("toy.sets_x", {{"x", 1}});
  t.add("toy.no_effect", {{"y", 1}});
  SuiteOptions opt;
  opt.profile = "quick";
  reports::Report rep;
  rep.profile = "quick";
  rep.kill_matrix = run_kill_matrix(t.reg, {t.file}, {}, opt);
  const json j = reports::to_json(rep);
  EXPECT_EQ(j["kill_matrix"]["survivors"], 1);
  EXPECT_FALSE(j["summary"]["passed"].get<bool>());
  const reports::Report back = reports::report_from_json(j);
  ASSERT_TRUE(back.kill_matrix.has_value());
  EXPECT_EQ(reports::deterministic_part(reports::to_json(back)), reports::deterministic_part(j));
  const std::string md = reports::to_markdown(back, {});
  EXPECT_NE(md.find("## Mutant kill matrix"), std::string::npos);
  EXPECT_NE(md.find("**SURVIVED**"), std::string::npos);
  EXPECT_NE(md.find("**caught** 1"), std::string::npos);
  // Without a kill matrix the key is null and the section absent.
  reports::Report plain;
  plain.profile = "quick";
  EXPECT_TRUE(reports::to_json(plain)["kill_matrix"].is_null());
  EXPECT_EQ(reports::to_markdown(plain, {}).find("kill matrix"), std::string::npos);
}

}  // namespace
}  // namespace test_mutants
