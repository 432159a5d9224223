// Plots of a report, drawn by gnuplot (Debian's gnuplot-nox) as SVG files.
//
// Each reports::Plot becomes <dir>/<experiment name>-<plot id>.svg. Styles: `measured` as points
// joined by a line with its confidence band (lo/hi) as a shaded area, `exact` as a solid line,
// `bound` as a dashed line, `floor` as a dotted line, `reference` as a thin grey line. Log axes
// follow Plot::logx / logy (points with non-positive values are dropped from log axes and the
// number dropped is reported). The data are inlined into the gnuplot script, so nothing but the
// SVG is left behind.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "reports/model.hpp"

namespace ldbench::reports {

struct PlotFile {
  std::string experiment;
  std::string plot_id;
  std::string file;   // file name relative to the report folder; empty when rendering failed
  std::string error;  // why rendering failed or what was dropped (empty when all is well)
};

// True when a gnuplot executable is on PATH.
bool gnuplot_available();

// Renders every plot of r into dir (which must exist). Never throws for a failed plot: the
// failure is returned in PlotFile::error so the Markdown can say so.
std::vector<PlotFile> render_plots(const Report& r, const std::filesystem::path& dir);

}  // namespace ldbench::reports
