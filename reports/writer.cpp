#include "reports/writer.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "reports/json.hpp"
#include "reports/markdown.hpp"
#include "reports/plot.hpp"

namespace ldbench::reports {

namespace fs = std::filesystem;

namespace {
std::string pid_suffix() { return ".tmp-" + std::to_string(::getpid()); }

void write_plain(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error(path.string() + ": cannot write (" + std::error_code(errno, std::generic_category()).message() + ")");
}

void render_into(const Report& r, const fs::path& dir) {
  // Invalid UTF-8 in a message is replaced, never a reason to lose the report.
  write_plain(dir / "report.json", to_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  const auto plots = render_plots(r, dir);
  write_plain(dir / "report.md", to_markdown(r, plots));
}
}  // namespace

void write_file_atomic(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + pid_suffix();
  try {
    write_plain(tmp, text);
    fs::rename(tmp, path);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

void write_report_dir(const Report& r, const fs::path& dir) {
  if (fs::exists(dir)) throw std::runtime_error(dir.string() + ": already exists; choose another --out or remove it");
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw std::runtime_error(parent.string() + ": cannot create (" + ec.message() + ")");
  std::string hidden = ".";
  hidden += dir.filename().string();
  hidden += pid_suffix();
  const fs::path tmp = parent / hidden;
  fs::remove_all(tmp, ec);
  try {
    fs::create_directory(tmp);
    render_into(r, tmp);
    fs::rename(tmp, dir);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw std::runtime_error(dir.string() + ": cannot write report (" + e.code().message() + ")");
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

Report rerender(const fs::path& dir) {
  const fs::path jf = dir / "report.json";
  std::ifstream in(jf);
  if (!in) throw std::runtime_error(jf.string() + ": cannot open; pass a report folder written by ldbench");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(jf.string() + ": not valid JSON (" + e.what() + ")");
  }
  Report r = report_from_json(j);
  // Plots are rendered into a temporary sibling folder and moved over one by one.
  const fs::path tmp = dir / (".rerender" + pid_suffix());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directory(tmp);
  try {
    const auto plots = render_plots(r, tmp);
    for (const auto& p : plots)
      if (!p.file.empty()) fs::rename(tmp / p.file, dir / p.file);
    write_file_atomic(dir / "report.md", to_markdown(r, plots));
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::remove_all(tmp, ec);
  return r;
}

void update_symlink(const fs::path& link, const fs::path& target) {
  const fs::path tmp = link.string() + pid_suffix();
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_directory_symlink(target, tmp);
  fs::rename(tmp, link);
}

std::string utc_now(const char* fmt) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream os;
  os << std::put_time(&tm, fmt);
  return os.str();
}

}  // namespace ldbench::reports
