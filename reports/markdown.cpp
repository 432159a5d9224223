#include "reports/markdown.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <sstream>

namespace ldbench::reports {

namespace {

using nlohmann::json;

// 4 significant digits, independent of the C locale ("%.4g" in the C locale).
std::string sig4(double v) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::array<char, 64> buf{};
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general, 4);
  return std::string(buf.data(), res.ptr);
}

std::string interval(double lo, double hi) {
  std::string out = "[";
  out += sig4(lo);
  out += ", ";
  out += sig4(hi);
  out += ']';
  return out;
}

// measured / bound is undefined when the claimed value is 0 (e.g. MMD² = 0 under the null); shown
// as "n/a", as the same report re-rendered from report.json (where it is null) shows it.
std::string tightness_cell(const verify::CheckResult& c) {
  return std::isfinite(c.tightness) ? sig4(c.tightness) : std::string("n/a");
}

// Point estimate followed by its interval; a deterministic value (lo == hi == value) stands alone.
std::string measured_ci(const verify::CheckResult& c) {
  if (c.measured_lo == c.measured && c.measured_hi == c.measured) return sig4(c.measured);
  return sig4(c.measured) + " " + interval(c.measured_lo, c.measured_hi);
}

// Plain text for Markdown (GitHub flavour), escaped only where it would otherwise be read as
// markup, so that the raw file stays readable: '*' and '`' always; '|' always (table cells;
// harmless elsewhere); '\\' before punctuation or at the end; '<' before what could open an HTML
// tag; ']' before '(' or '[' (a link); '~' next to a non-blank (strikethrough); '#', '>', '-',
// '+' at the start (heading, quote, list). '_' is left alone: intraword '_' is not emphasis, so
// x_{k+1} stays as written. Line breaks become spaces.
std::string text(const std::string& s) {
  // ASCII classes, independent of the C locale.
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  auto punct = [&](char c) { return c > ' ' && c < 127 && !alpha(c) && !(c >= '0' && c <= '9'); };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : ' ';
    const char prev = i > 0 ? s[i - 1] : ' ';
    bool esc = false;
    switch (c) {
      case '*': case '`': case '|': esc = true; break;
      case '\\': esc = i + 1 == s.size() || punct(next); break;  // at the end: before whatever follows
      case '<': esc = alpha(next) || next == '/' || next == '!' || next == '?'; break;
      case ']': esc = next == '(' || next == '['; break;
      case '~': esc = !blank(next) || !blank(prev); break;
      case '#': case '>': case '-': case '+': esc = i == 0; break;
      default: break;
    }
    if (c == '\r') continue;
    if (c == '\n') {
      out += ' ';
      continue;
    }
    if (esc) out += '\\';
    out += c;
  }
  return out;
}

// Inline code; the fence is longer than any run of back-quotes inside (CommonMark). '|' is
// escaped since GitHub's table parser splits cells before parsing code spans.
std::string code(const std::string& s, bool in_table = true) {
  if (s.empty()) return "—";
  std::size_t run = 0, longest = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string body;
  for (char c : s) {
    if (c == '\n' || c == '\r') body += ' ';
    else if (c == '|' && in_table) body += "\\|";
    else body += c;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

// A fenced block whose fence is longer than any run of back-quotes in the content.
std::string block(const std::string& content, const std::string& lang) {
  std::size_t run = 0, longest = 0;
  for (char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  std::string out = fence + lang + "\n" + content;
  if (!content.empty() && content.back() != '\n') out += '\n';
  return out + fence + "\n";
}

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

std::string decision(bool passed) { return passed ? "**PASS**" : "**FAIL**"; }

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + c + " |";
  return out + "\n";
}

std::string header(const std::vector<std::string>& cells) {
  std::string out = row(cells) + "|";
  for (std::size_t i = 0; i < cells.size(); ++i) out += "---|";
  return out + "\n";
}

// The nth (from 0) rendering of plot `id` of experiment `exp` (ids should be unique; if not, the
// plots are matched in order).
const PlotFile* find_plot(const std::vector<PlotFile>& plots, const std::string& exp, const std::string& id,
                          std::size_t nth) {
  for (const auto& p : plots)
    if (p.experiment == exp && p.plot_id == id && nth-- == 0) return &p;
  return nullptr;
}

std::string link_target(const std::string& file) {
  const bool plain = file.find_first_of(" ()<>\t") == std::string::npos;
  return plain ? file : "<" + file + ">";
}

int experiments_errored(const Report& r) {
  int n = 0;
  for (const auto& e : r.experiments) n += e.status == "ok" ? 0 : 1;
  return n;
}

void summary(std::ostringstream& md, const Report& r) {
  md << "## Summary\n\n";
  md << header({"experiment", "check", "measured [CI]", "bound", "tightness", "decision"});
  for (const auto& e : r.experiments) {
    const std::string name = text(e.name);
    if (e.status != "ok")
      md << row({name, "—", "ERROR: " + text(e.error.empty() ? e.status : e.error), "", "", "**ERROR**"});
    else if (e.checks.empty())
      md << row({name, "(no checks)", "", "", "", "—"});
    for (const auto& c : e.checks)
      md << row({name, code(c.id), measured_ci(c), sig4(c.bound), tightness_cell(c), decision(c.passed)});
  }
  md << "\n";
}

void experiment_section(std::ostringstream& md, const Experiment& e, const std::vector<PlotFile>& plots) {
  md << "## " << text(e.name) << "\n\n";
  if (e.status != "ok")
    md << "**ERROR** (status " << code(e.status, false) << "): " << text(e.error) << "\n\n";
  if (!e.description.empty()) md << text(e.description) << "\n\n";
  md << "- kind: " << code(e.kind, false) << "\n"
     << "- spec file: " << code(e.spec_file, false) << "\n"
     << "- seed: " << e.seed << "\n"
     << "- replicas: " << e.replicas << "\n"
     << "- time taken: " << sig4(e.seconds) << " s\n"
     << "- result: " << (e.passed() ? "**PASS**" : e.status != "ok" ? "**ERROR**" : "**FAIL**") << "\n\n";

  md << "Effective parameters:\n\n" << block(dump(e.params), "json") << "\n";

  if (!e.checks.empty()) {
    md << header({"check", "claim", "quantity", "measured [CI]", "bound", "tightness", "decision", "alpha",
                  "replicas", "resolution"});
    for (const auto& c : e.checks)
      md << row({code(c.id), text(c.claim), text(c.quantity), measured_ci(c), sig4(c.bound), tightness_cell(c),
                 decision(c.passed), sig4(c.alpha), std::to_string(c.replicas), sig4(c.resolution)});
    md << "\n";
    for (const auto& c : e.checks) {
      md << "- " << code(c.id, false) << " (" << verify::to_string(c.kind) << ")\n";
      md << "  - rule: " << text(c.rule) << "\n";
      md << "  - detail: " << (c.detail.empty() ? "—" : text(c.detail)) << "\n";
    }
    md << "\n";
  }

  const bool has_results = !e.results.is_null() && !(e.results.is_object() && e.results.empty()) &&
                           !(e.results.is_array() && e.results.empty());
  if (has_results) md << "Results:\n\n" << block(dump(e.results), "json") << "\n";

  for (std::size_t k = 0; k < e.plots.size(); ++k) {
    const Plot& p = e.plots[k];
    std::size_t nth = 0;
    for (std::size_t i = 0; i < k; ++i) nth += e.plots[i].id == p.id ? 1 : 0;
    const PlotFile* f = find_plot(plots, e.name, p.id, nth);
    if (f == nullptr) {
      md << "Plot " << code(p.id, false) << " not rendered.\n\n";
    } else if (f->file.empty()) {
      md << "Plot " << code(p.id, false) << " not rendered: " << text(f->error) << "\n\n";
    } else {
      const std::string title = p.title.empty() ? p.id : p.title;
      md << "![" << text(title) << "](" << link_target(f->file) << ")\n\n";
      if (!f->error.empty()) md << "*Note: " << text(f->error) << "*\n\n";
    }
  }
}

// The kill matrix: one summary row per mutant, then per experiment a table of mutants x checks where
// "caught" marks a check the mutated run failed.
void kill_matrix_section(std::ostringstream& md, const KillMatrix& k) {
  md << "## Mutant kill matrix\n\n"
     << k.mutants.size() << " mutants of the catalogue, " << k.runs.size() << " (mutant, spec) pairs; **"
     << k.survivors() << (k.survivors() == 1 ? " survivor" : " survivors")
     << "** (a survivor fails the run). A mutant is killed when a check fails on a spec that selects it, or when "
        "the run stops with a detected numerical error.\n\n";
  md << header({"mutant", "family", "wrong formula", "specs", "killed by"});
  for (const auto& m : k.mutants) {
    std::string by;
    for (std::size_t i = 0; i < m.killed_by.size(); ++i) by += (i ? ", " : "") + code(m.killed_by[i]);
    md << row({code(m.id), text(m.family), text(m.description), std::to_string(m.applied), m.killed() ? by : "**SURVIVED**"});
  }
  md << "\n";
  std::vector<std::string> exps;
  for (const auto& r : k.runs)
    if (std::find(exps.begin(), exps.end(), r.experiment) == exps.end()) exps.push_back(r.experiment);
  for (const auto& e : exps) {
    std::vector<std::string> ids;
    for (const auto& r : k.runs)
      if (r.experiment == e)
        for (const auto& c : r.checks)
          if (std::find(ids.begin(), ids.end(), c.id) == ids.end()) ids.push_back(c.id);
    md << "### " << text(e) << "\n\n";
    std::vector<std::string> head = {"mutant"};
    for (const auto& id : ids) head.push_back(code(id));
    head.push_back("outcome");
    md << header(head);
    for (const auto& r : k.runs) {
      if (r.experiment != e) continue;
      std::vector<std::string> cells = {code(r.mutant)};
      for (const auto& id : ids) {
        const auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const verify::CheckResult& c) { return c.id == id; });
        cells.push_back(it == r.checks.end() ? "" : it->passed ? "·" : "**caught** " + sig4(it->measured));
      }
      std::string outcome = r.outcome == "killed" ? "killed" : r.outcome == "survived" ? "**survived**" : r.outcome;
      if (!r.note.empty()) outcome += ": " + text(r.note);
      cells.push_back(outcome);
      md << row(cells);
    }
    md << "\n";
  }
}

void calibration_section(std::ostringstream& md, const Calibration& c) {
  md << "## Seed calibration\n\n"
     << "Every check rerun with " << c.seeds << " seeds (" << c.first_seed << " to " << c.first_seed + static_cast<std::uint32_t>(c.seeds) - 1
     << ", overriding every spec's seed) on correct code, so every failure is a false fail. A row is consistent when "
        "P(X >= failures) for X ~ Binomial(runs, alpha) is at least "
     << sig4(c.level) << "/" << c.rows.size() << " (Bonferroni over the rows). Power: a check failing with probability r "
        "shows a failure in " << c.seeds << " runs with probability 1 - (1 - r)^" << c.seeds << " (even odds at r = "
     << sig4(1 - std::pow(0.5, 1.0 / std::max(c.seeds, 1))) << "), and a single failure makes a row inconsistent when its alpha is below "
     << sig4(1 - std::pow(1 - c.level / static_cast<double>(std::max<std::size_t>(c.rows.size(), 1)), 1.0 / std::max(c.seeds, 1)))
     << ". Alphas of order 1e-6 are not resolved: this guards against gross miscalibration (a wrong interval, a check that "
        "fails by chance far more often than it declares). **"
     << c.inconsistent() << " inconsistent**.\n\n";
  md << header({"experiment", "check", "declared alpha", "runs", "false fails", "rate (Clopper–Pearson " + sig4(100 * (1 - c.level)) + "%)",
                "p-value", "decision"});
  for (const auto& r : c.rows)
    md << row({text(r.experiment), code(r.check), sig4(r.alpha), std::to_string(r.runs), std::to_string(r.failures),
               interval(r.rate_lo, r.rate_hi), sig4(r.p_value), r.consistent ? "consistent" : "**INCONSISTENT**"});
  md << "\n";
}

}  // namespace

std::string to_markdown(const Report& r, const std::vector<PlotFile>& plots) {
  std::ostringstream md;
  md << "# ldbench verification report\n\n";

  std::string line = "Profile " + code(r.profile, false);
  if (r.seed_override) line += " · seed override " + std::to_string(*r.seed_override);
  line += std::string(" · ") + (r.passed() ? "**PASS**" : "**FAIL**");
  line += " · " + std::to_string(r.checks_total()) + " checks / " + std::to_string(r.checks_failed()) + " failed";
  if (r.kill_matrix)
    line += " · " + std::to_string(r.kill_matrix->mutants.size()) + " mutants / " + std::to_string(r.kill_matrix->survivors()) +
            " survived";
  if (r.calibration)
    line += " · calibration over " + std::to_string(r.calibration->seeds) + " seeds: " + std::to_string(r.calibration->inconsistent()) +
            " inconsistent";
  if (const int err = experiments_errored(r); err > 0)
    line += " · " + std::to_string(err) + (err == 1 ? " experiment" : " experiments") + " in error";
  line += " · total alpha " + sig4(r.alpha_total()) + " (family-wise false-fail budget)";
  line += " · git commit " + code(r.build.git_commit.empty() ? "unknown" : r.build.git_commit, false);
  md << line << "\n\n";

  summary(md, r);
  if (r.kill_matrix) kill_matrix_section(md, *r.kill_matrix);
  if (r.calibration) calibration_section(md, *r.calibration);

  md << "## How to reproduce\n\n" << block(r.command, "sh") << "\n";

  for (const auto& e : r.experiments) experiment_section(md, e, plots);

  md << "## Conventions\n\n";
  const json conv = conventions();
  for (const auto& [key, value] : conv.items())
    md << "- **" << text(key) << "**: " << text(value.is_string() ? value.get<std::string>() : dump(value)) << "\n";
  md << "\n";

  md << "## Build\n\n"
     << "- version: " << text(r.build.version) << "\n"
     << "- compiler: " << text(r.build.compiler) << "\n"
     << "- build type: " << text(r.build.buildtype) << "\n"
     << "- flags: " << code(r.build.flags, false) << "\n"
     << "- git commit: " << code(r.build.git_commit, false) << "\n"
     << "- schema version: " << r.schema_version << "\n\n"
     << "Run environment:\n\n"
     << "- threads: " << r.run.threads << "\n"
     << "- started (UTC): " << text(r.run.started_utc) << "\n"
     << "- wall time: " << sig4(r.run.wall_seconds) << " s\n";
  return md.str();
}

}  // namespace ldbench::reports
