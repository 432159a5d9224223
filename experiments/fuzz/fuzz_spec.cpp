// libFuzzer target for the spec loader (issue 8, "Robustness of input"; DESIGN.md §6).
//
// Property, for every input byte string s (F = <source>/experiments/specs/fuzz_input.json, so
// relative data paths resolve as for a shipped spec; the file itself is never opened):
//   1. doc = read_json_file (experiments/spec.cpp) of a file holding s. Its SpecErrors (blank
//      file, not valid JSON, number overflow, nesting deeper than 64) are the documented
//      outcomes; the CLI prints them as one line, exit code 2.
//   2. P1 = prepare_spec(all builtin kinds, doc, F, "quick", no seed override): validation of the
//      top level, both profiles, the checks and the kind's params. The experiment is NOT run.
//   3. doc2 = {name, kind, description, seed, replicas} of P1.header, "params":
//      P1.effective_params, "checks": doc's checks (validated in 2); no profiles. doc2 goes
//      through text (dump, parse) like a file would. Known gap: the derived and descriptive
//      entries that 11 of the 13 built-in kinds add to effective_params but refuse as input are
//      removed first (the table in strip_reported_only below; LDBENCH_FUZZ_STRICT=1 keeps them).
//   4. P2 = prepare_spec(..., doc2, F, "quick", ...) must succeed, and
//      P2.header == P1.header and P2.effective_params == P1.effective_params, whole (derived
//      entries included, so they must be recomputed identically; one provenance note is left
//      out, see without_provenance). What was validated, written back as a spec, validates to
//      the same experiment.
// Allowed outcomes: success, or experiments::SpecError / a documented JSON error in steps 1-2.
// Anything else is a bug and crashes: another exception type escapes to libFuzzer ("uncaught
// exception"), a SpecError in step 4 or an unequal round trip calls abort() after printing both
// sides, and the sanitizers (address, undefined; -fno-sanitize-recover=all) report the rest.
//
// A check must be able to fail: LDBENCH_FUZZ_MUTANT=header_seed (writes seed + 1 into doc2) or
// =params_nudge (multiplies the first floating-point effective parameter by 1 + 1e-9, 0 becomes
// 1e-9, or adds 1 to the first integer one) breaks step 3 on purpose; the harness must then
// abort on every shipped spec (experiments/fuzz/meson.build has the command). Unset or "none":
// the real property.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/registry.hpp"
#include "experiments/spec.hpp"

namespace {

using nlohmann::json;
using ldbench::experiments::KindRegistry;
using ldbench::experiments::Prepared;
using ldbench::experiments::SpecError;
using ldbench::experiments::SpecHeader;

enum class Mutant { none, header_seed, params_nudge };

const std::string& spec_file() {
  static const std::string f = std::string(LDBENCH_SOURCE_ROOT) + "/experiments/specs/fuzz_input.json";
  return f;
}

const KindRegistry& registry() {
  static const KindRegistry reg = [] {
    KindRegistry r;
    ldbench::experiments::register_builtin_kinds(r);
    return r;
  }();
  return reg;
}

Mutant mutant() {
  static const Mutant m = [] {
    const char* v = std::getenv("LDBENCH_FUZZ_MUTANT");
    if (!v || !*v || std::strcmp(v, "none") == 0) return Mutant::none;
    if (std::strcmp(v, "header_seed") == 0) return Mutant::header_seed;
    if (std::strcmp(v, "params_nudge") == 0) return Mutant::params_nudge;
    std::fprintf(stderr, "LDBENCH_FUZZ_MUTANT: unknown value \"%s\"; allowed: none, header_seed, params_nudge\n", v);
    std::exit(2);
  }();
  return m;
}

// The file step 1 reads; removed at exit and before a property abort (a sanitizer crash leaves it).
std::string input_file;

[[noreturn]] void property_violated(const std::string& what, const std::string& first, const std::string& second) {
  std::fprintf(stderr, "ldbench_fuzz_spec: PROPERTY VIOLATED: %s\n  first:  %s\n  second: %s\n", what.c_str(),
               first.c_str(), second.c_str());
  if (!input_file.empty()) unlink(input_file.c_str());
  std::abort();
}

json header_json(const SpecHeader& h) {
  return {{"file", h.file}, {"name", h.name}, {"kind", h.kind}, {"description", h.description},
          {"seed", h.seed}, {"replicas", h.replicas}, {"profile", h.profile}};
}

// The first number in a depth-first walk of `j`, nudged (the params_nudge mutant).
bool nudge_first_number(json& j) {
  if (j.is_number_float()) {
    const double x = j.get<double>();
    j = x == 0.0 ? 1e-9 : x * (1.0 + 1e-9);
    return true;
  }
  if (j.is_number_integer()) {
    j = j.get<long long>() + 1;
    return true;
  }
  if (j.is_object() || j.is_array())
    for (auto& v : j)
      if (nudge_first_number(v)) return true;
  return false;
}

bool strict();

// Known gap (reported in issue 8): most drivers' effective_params are a report record, not only
// the validated input: next to every input value (defaults included) they hold derived values and
// descriptions that the same kind's validator refuses as input (e.g. "stability_limit", "rng").
// Until the drivers separate the two, step 3 removes exactly these entries, listed per kind below;
// step 4 still compares the whole effective_params, so the recomputed derived values must agree.
// LDBENCH_FUZZ_STRICT=1 removes nothing (the property as stated; it fails on the kinds listed).
// A new derived entry in a driver makes the harness abort on its shipped spec: list it here, or
// better, keep effective_params re-enterable.
void erase_pointer(json& params, const std::string& pointer) {
  const json::json_pointer ptr(pointer);
  if (!params.contains(ptr)) return;
  params.at(ptr.parent_pointer()).erase(ptr.back());
}

void strip_reported_only(const std::string& kind, json& params) {
  // Entries the kind writes into effective_params but refuses as input ("unknown field").
  static const std::map<std::string, std::vector<std::string>> reported_only = {
      {"fp_double_well", {"/ratio_kl_floor", "/de_bruijn/delta", "/stationary_phase/scheme"}},
      {"fp_lsi_bounds", {"/potential", "/ratio_kl_floor"}},
      {"fp_ou_grid", {"/comparison"}},
      {"fp_ula_grid", {"/claimed_order", "/fit_model", "/rng", "/grid/scheme", "/law/claimed_order", "/law/kernel"}},
      {"iteration_complexity", {"/batch_size_and_inner_loop", "/claimed_exponents", "/error", "/rng", "/start",
                                "/step_rule", "/target", "/time_to_accuracy"}},
      {"mala_invariance", {"/precision/condition_number", "/precision/spacing", "/rng", "/stability_limit"}},
      {"mfld_nonlinear", {"/algorithm", "/grid/fine_cells", "/grid/fine_dt", "/grid/scheme", "/model/dim",
                          "/model/objective", "/rng"}},
      {"mfld_quadratic", {"/algorithm", "/fit_window_steps", "/rng", "/stability_limit"}},
      {"nonconvex_excess_risk", {"/model/name", "/rng", "/start", "/steps"}},
      {"posterior", {"/lambda", "/model/hessian_max", "/model/n", "/mutant_applies_to", "/rng", "/start",
                     "/stochastic/limit_2_over_M"}},
      {"ula_gaussian", {"/algorithm", "/precision/condition_number", "/precision/spacing", "/rng", "/stability_limit",
                        "/vw/L_U", "/vw/eta_source", "/vw/lsi_alpha", "/vw/step_limit"}},
  };
  const auto it = reported_only.find(kind);
  if (it != reported_only.end())
    for (const auto& pointer : it->second) erase_pointer(params, pointer);
  // Entries that are input only in some cases and that the validator then refuses otherwise.
  const json::json_pointer data("/data"), potential("/potential"), target("/target"),
      reference_steps("/time/reference_steps");
  if ((kind == "fp_double_well" || kind == "fp_ula_grid") && params.contains(potential)) {
    erase_pointer(params, "/a");  // copies of potential.params.a, b ("conflicts with potential")
    erase_pointer(params, "/b");
  }
  if (kind == "fp_ou_grid" && params.contains(reference_steps) && params.at(reference_steps).is_null())
    erase_pointer(params, "/time/reference_steps");  // null when unused ("is null; expected an integer")
  if (kind == "mala_invariance" && params.contains(target) && params.at(target) != "gaussian")
    erase_pointer(params, "/dim");  // 2 for the mixture ("is for target gaussian")
  if (kind == "posterior" && params.contains(data))
    erase_pointer(params, "/model/dim");  // from the data ("is set by the data")
}

// Entries that record where a value came from, so they change when step 3 writes the value out
// explicitly although the experiment is the same: left out of the comparison in step 4.
json without_provenance(const std::string& kind, json params) {
  if (!strict() && kind == "ula_gaussian") erase_pointer(params, "/vw/eta_source");  // "the run's eta ..." -> "vw.eta"
  return params;
}

bool strict() {
  static const bool s = [] {
    const char* v = std::getenv("LDBENCH_FUZZ_STRICT");
    return v && std::strcmp(v, "1") == 0;
  }();
  return s;
}

// Step 1: the bytes go through read_json_file itself (a per-process file under $TMPDIR or /tmp,
// rewritten for every input), so the fuzzer tests the loader's own checks (blank file, syntax,
// number overflow, nesting depth). Returns false for its documented errors (SpecError).
bool read_like_a_spec_file(const std::uint8_t* data, std::size_t size, json& doc) {
  std::string& path = input_file;
  if (path.empty()) {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/ldbench_fuzz_spec.XXXXXX";
    const int fd = mkstemp(tmpl.data());
    if (fd < 0) {
      std::perror("ldbench_fuzz_spec: mkstemp");
      std::exit(2);
    }
    close(fd);
    path = tmpl;
    std::atexit([] { unlink(input_file.c_str()); });
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror(("ldbench_fuzz_spec: " + path).c_str());
    std::abort();
  }
  try {
    doc = ldbench::experiments::read_json_file(path);
  } catch (const SpecError&) {
    return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  json doc;
  if (!read_like_a_spec_file(data, size, doc)) return 0;

  Prepared first;
  try {
    first = ldbench::experiments::prepare_spec(registry(), doc, spec_file(), "quick", std::nullopt);
  } catch (const SpecError&) {
    return 0;  // a documented one-line error
  }

  json doc2 = {{"name", first.header.name},
               {"kind", first.header.kind},
               {"description", first.header.description},
               {"seed", first.header.seed},
               {"replicas", first.header.replicas},
               {"params", first.effective_params}};
  if (doc.contains("checks")) doc2["checks"] = doc["checks"];
  if (!strict()) strip_reported_only(first.header.kind, doc2["params"]);
  if (mutant() == Mutant::header_seed) doc2["seed"] = static_cast<std::uint64_t>(first.header.seed) + 1;
  if (mutant() == Mutant::params_nudge) nudge_first_number(doc2["params"]);
  const std::string text2 = doc2.dump();

  Prepared second;
  try {
    second = ldbench::experiments::prepare_spec(registry(), json::parse(text2), spec_file(), "quick", std::nullopt);
  } catch (const SpecError& e) {
    property_violated("the validated spec written back does not validate again: " + std::string(e.what()), text,
                      text2);
  }
  const json h1 = header_json(first.header), h2 = header_json(second.header);
  if (h1 != h2) property_violated("the header changed in the round trip", h1.dump(), h2.dump());
  if (without_provenance(first.header.kind, first.effective_params) !=
      without_provenance(first.header.kind, second.effective_params))
    property_violated("the effective params changed in the round trip", first.effective_params.dump(),
                      second.effective_params.dump());
  return 0;
}
