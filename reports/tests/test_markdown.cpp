#include "reports/markdown.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "reports/tests/sample_report.hpp"

namespace ldbench::reports {
namespace {

std::vector<PlotFile> sample_plots() {
  return {{"ou_kl_decay", "kl", "ou_kl_decay-kl.svg", "series 'ULA (R=16)': dropped 1 point of 5"},
          {"ou_kl_decay", "rate", "", "gnuplot exited with status 1: boom"}};
}

std::size_t unescaped_pipes(const std::string& line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i)
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
  return n;
}

TEST(Markdown, SummaryComesFirst) {
  const std::string md = to_markdown(testing::sample_report(), sample_plots());
  EXPECT_EQ(md.rfind("# ldbench verification report\n", 0), 0u);
  const auto summary = md.find("## Summary");
  const auto reproduce = md.find("## How to reproduce");
  const auto first = md.find("## ou_kl_decay");
  const auto second = md.find("## mfld_blowup");
  const auto conventions = md.find("## Conventions");
  const auto build = md.find("## Build");
  ASSERT_NE(summary, std::string::npos);
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(summary, reproduce);
  EXPECT_LT(reproduce, first);
  EXPECT_LT(first, second);
  EXPECT_LT(second, conventions);
  EXPECT_LT(conventions, build);
  EXPECT_NE(md.find("| experiment | check | measured [CI] | bound | tightness | decision |"), std::string::npos);
  // The summary table sits between "## Summary" and the first experiment and lists every check.
  const std::string table = md.substr(summary, reproduce - summary);
  EXPECT_NE(table.find("`kl_lsi_bound`"), std::string::npos);
  EXPECT_NE(table.find("`kl_rate`"), std::string::npos);
  EXPECT_NE(table.find("0.6123 [0.58, 0.64]"), std::string::npos);
  EXPECT_NE(md.find("./ldbench verify --profile quick --seed 7"), std::string::npos);
}

TEST(Markdown, HeadlineAndDecisions) {
  const std::string md = to_markdown(testing::sample_report(), sample_plots());
  const std::string headline = md.substr(0, md.find("## Summary"));
  EXPECT_NE(headline.find("`quick`"), std::string::npos);
  EXPECT_NE(headline.find("seed override 7"), std::string::npos);
  EXPECT_NE(headline.find("**FAIL**"), std::string::npos);
  EXPECT_NE(headline.find("2 checks / 1 failed"), std::string::npos);
  EXPECT_NE(headline.find("total alpha 0.0001"), std::string::npos);
  EXPECT_NE(headline.find("0d3fd63"), std::string::npos);
  EXPECT_NE(md.find("**PASS**"), std::string::npos);
  EXPECT_NE(md.find("**ERROR**"), std::string::npos);
  EXPECT_NE(md.find("step 12: particle positions became non-finite"), std::string::npos);
  EXPECT_NE(md.find("n/a"), std::string::npos);  // the NaN resolution
}

TEST(Markdown, PassingReportSaysPass) {
  Report r = testing::sample_report();
  r.experiments.pop_back();
  r.experiments[0].checks.pop_back();
  r.seed_override.reset();
  const std::string md = to_markdown(r, {});
  const std::string headline = md.substr(0, md.find("## Summary"));
  EXPECT_NE(headline.find("**PASS**"), std::string::npos);
  EXPECT_EQ(headline.find("seed override"), std::string::npos);
  EXPECT_EQ(md.find("**FAIL**"), std::string::npos);
  EXPECT_NE(md.find("Plot `kl` not rendered."), std::string::npos);
}

TEST(Markdown, TablesEscapePipes) {
  const std::string md = to_markdown(testing::sample_report(), sample_plots());
  EXPECT_EQ(md.find("p_t||pi"), std::string::npos);
  EXPECT_NE(md.find("KL(p_t\\|\\|pi)"), std::string::npos);
  // Every row of a table has as many cell separators as its header.
  std::istringstream in(md);
  std::string line;
  std::size_t columns = 0;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '|') {
      columns = 0;
      continue;
    }
    if (columns == 0) columns = unescaped_pipes(line);
    EXPECT_EQ(unescaped_pipes(line), columns) << line;
    ++rows;
  }
  EXPECT_GE(rows, 2 + 3 + 2 + 2);  // summary: header, rule, 3 rows; checks: header, rule, 2 rows
}

TEST(Markdown, ExperimentSectionContents) {
  const std::string md = to_markdown(testing::sample_report(), sample_plots());
  const auto start = md.find("## ou_kl_decay");
  const std::string sec = md.substr(start, md.find("## mfld_blowup") - start);
  EXPECT_NE(sec.find("experiments/specs/ou_kl_decay.json"), std::string::npos);
  EXPECT_NE(sec.find("- seed: 7"), std::string::npos);
  EXPECT_NE(sec.find("- replicas: 16"), std::string::npos);
  EXPECT_NE(sec.find("- time taken: 1.25 s"), std::string::npos);
  EXPECT_NE(sec.find("```json\n{\n  \"eta\": 0.01,"), std::string::npos);
  EXPECT_NE(sec.find("| check | claim | quantity | measured [CI] | bound | tightness | decision | alpha | "
                     "replicas | resolution |"),
            std::string::npos);
  EXPECT_NE(sec.find("  - rule: fail when the lower confidence limit exceeds the bound at some t"), std::string::npos);
  EXPECT_NE(sec.find("  - detail: window t in [0.1, 2]"), std::string::npos);
  EXPECT_NE(sec.find("\"fitted_rate\": 1.5"), std::string::npos);
  EXPECT_NE(sec.find("](ou_kl_decay-kl.svg)\n\n*Note: series 'ULA (R=16)': dropped 1 point of 5*"),
            std::string::npos);
  EXPECT_NE(sec.find("Plot `rate` not rendered: gnuplot exited with status 1: boom"), std::string::npos);
}

TEST(Markdown, FreeTextCannotInjectMarkup) {
  Report r = testing::sample_report();
  r.experiments[0].description = "# not a heading *not bold* [not](a link) <b>not html</b> ~~kept~~ a_b x <= y";
  r.experiments[0].checks[0].detail = "line one\nline two | cell";
  const std::string md = to_markdown(r, {});
  EXPECT_NE(md.find("\n\\# not a heading \\*not bold\\* [not\\](a link) \\<b>not html\\</b> \\~\\~kept\\~\\~ a_b "
                    "x <= y\n"),
            std::string::npos);
  EXPECT_NE(md.find("  - detail: line one line two \\| cell\n"), std::string::npos);
}

TEST(Markdown, ConventionsAndBuild) {
  const std::string md = to_markdown(testing::sample_report(), {});
  const std::string tail = md.substr(md.find("## Conventions"));
  const nlohmann::json conv = conventions();
  for (const auto& [key, value] : conv.items())
    EXPECT_NE(tail.find("- **" + key + "**: "), std::string::npos) << key;
  EXPECT_NE(tail.find("- threads: 8"), std::string::npos);
  EXPECT_NE(tail.find("2024-05-01T12:00:00Z"), std::string::npos);
  EXPECT_NE(tail.find("- wall time: 12.5 s"), std::string::npos);
  EXPECT_NE(tail.find("gcc 12.2.0"), std::string::npos);
}

TEST(Markdown, Deterministic) {
  EXPECT_EQ(to_markdown(testing::sample_report(), sample_plots()),
            to_markdown(testing::sample_report(), sample_plots()));
}

}  // namespace
}  // namespace ldbench::reports
