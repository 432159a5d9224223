// Seed calibration of the checks' false-fail rates (DESIGN.md §4; issue "trust";
// `ldbench verify --calibrate K`).
//
// Every spec is rerun with seeds first_seed, ..., first_seed + K - 1 (overriding its own seed; the
// profile as given, quick by default). The code is correct, so a failed check is a false fail, and
// the number of false fails of a check with declared alpha is Binomial(K, <= alpha). Each check gets
// its observed rate with a Clopper–Pearson interval and the p-value P(X >= failures | K, alpha)
// (verify/stats/confidence.hpp); a p-value below level/rows (Bonferroni) marks the check
// inconsistent with its declared alpha, as does any failure of a deterministic check (alpha 0) or
// any run that ends in error (row "(error)" of the experiment).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "experiments/registry.hpp"
#include "experiments/suite.hpp"
#include "reports/model.hpp"

namespace ldbench::experiments {

// `opt.seed` is ignored (the seeds are first_seed + j). Throws std::invalid_argument unless seeds >= 1
// and 0 < level < 1; SpecError when a spec does not validate. progress(done, total) before each seed.
reports::Calibration run_calibration(const KindRegistry& reg, const std::vector<std::string>& files,
                                     const std::vector<std::string>& shown, const SuiteOptions& opt, int seeds,
                                     std::uint32_t first_seed, double level = 0.05,
                                     const std::function<void(int, int)>& progress = {});

// The rows from per-seed reports (one report per seed, same experiments in the same order); exposed
// for tests.
reports::Calibration calibrate_reports(const std::vector<reports::Report>& per_seed, std::uint32_t first_seed, double level);

}  // namespace ldbench::experiments
