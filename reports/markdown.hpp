// report.md: a summary table of every check first, then one section per experiment with its
// parameters, checks (claim, measured with interval, bound, tightness, decision, alpha, replicas,
// resolution, detail), extra results, and its plots; the conventions and build info last.
#pragma once

#include <string>
#include <vector>

#include "reports/model.hpp"
#include "reports/plot.hpp"

namespace ldbench::reports {

std::string to_markdown(const Report& r, const std::vector<PlotFile>& plots);

}  // namespace ldbench::reports
