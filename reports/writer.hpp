// Writing report folders so that an interrupted run never leaves a half report (DESIGN.md §6).
//
// write_report_dir builds the whole folder (report.json, plots, report.md) under a hidden
// temporary sibling ".<name>.tmp-<pid>" and renames it to its final name in one step; the final
// folder must not exist yet. rerender rewrites report.md and the plots of an existing folder from
// its report.json, each file through a temporary name and a rename.
#pragma once

#include <filesystem>
#include <string>

#include "reports/model.hpp"

namespace ldbench::reports {

// Throws std::runtime_error naming the path on failure (the temporary folder is removed).
void write_report_dir(const Report& r, const std::filesystem::path& dir);

// Reads dir/report.json and re-renders report.md and the plots. Throws std::runtime_error.
Report rerender(const std::filesystem::path& dir);

// Points `link` (a symlink) at `target` atomically (temporary symlink + rename).
void update_symlink(const std::filesystem::path& link, const std::filesystem::path& target);

// Writes text to path through path.tmp-<pid> + rename.
void write_file_atomic(const std::filesystem::path& path, const std::string& text);

// The current UTC time formatted with std::put_time's `fmt`, e.g. "%Y%m%dT%H%M%SZ" for run-folder
// names and "%Y-%m-%dT%H:%M:%SZ" for report fields.
std::string utc_now(const char* fmt);

}  // namespace ldbench::reports
