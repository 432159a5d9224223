#include "reports/plot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

extern char** environ;

namespace ldbench::reports {

namespace fs = std::filesystem;

namespace {

// Full precision and independent of the C locale: the data block must read back exactly.
std::string num17(double v) {
  std::array<char, 64> buf{};
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general, 17);
  return std::string(buf.data(), res.ptr);
}

// A gnuplot single-quoted string. Single quotes are used on purpose: gnuplot performs
// back-quote command substitution and backslash escapes inside double-quoted strings, but inside
// single quotes the only special sequence is '' (a literal quote). Line breaks cannot be
// expressed there and become spaces; other control characters are dropped. Enhanced-text markup
// ('_', '^', '{', '@', ...) is switched off by the caller with `noenhanced`.
std::string gp_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (static_cast<unsigned char>(c) < 0x20) {
      continue;
    } else {
      out += c;
    }
  }
  return out + "'";
}

// File names stay portable and safe to use as Markdown link targets.
std::string sanitize(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out;
}

// Colours for measured/exact series, by order of appearance (deterministic).
constexpr std::array<const char*, 8> kColours = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                                 "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

bool usable(double v, bool log_axis) { return std::isfinite(v) && (!log_axis || v > 0); }

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string key_title(const std::string& label) {
  return label.empty() ? "notitle" : "title " + gp_string(label) + " noenhanced";
}

struct Script {
  std::string text;
  std::vector<std::string> notes;  // what was dropped or ignored
  bool any_data = false;
};

Script build_script(const Plot& p, const std::string& output_name) {
  Script sc;
  std::ostringstream data, cmds;
  std::vector<std::string> clauses;
  std::size_t colour = 0;
  int bound_index = 0;

  for (std::size_t k = 0; k < p.series.size(); ++k) {
    const Series& s = p.series[k];
    const std::string who = "series '" + s.label + "'";
    std::size_t n = std::min(s.x.size(), s.y.size());
    if (s.x.size() != s.y.size())
      sc.notes.push_back(who + ": x has " + std::to_string(s.x.size()) + " values, y has " +
                         std::to_string(s.y.size()) + "; the extra values were ignored");

    std::ostringstream line;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!usable(s.x[i], p.logx) || !usable(s.y[i], p.logy)) continue;
      line << num17(s.x[i]) << ' ' << num17(s.y[i]) << '\n';
      ++kept;
    }
    if (kept < n)
      sc.notes.push_back(who + ": dropped " + plural(n - kept, "point") + " of " + std::to_string(n) +
                         " (non-finite" + (p.logx || p.logy ? ", or non-positive on a log axis)" : ")"));

    // The confidence band of a measured series.
    const bool has_band = s.style == SeriesStyle::measured && (!s.lo.empty() || !s.hi.empty());
    std::ostringstream band;
    std::size_t band_kept = 0;
    if (has_band) {
      const std::size_t nb = std::min({s.x.size(), s.lo.size(), s.hi.size()});
      if (s.lo.size() != s.x.size() || s.hi.size() != s.x.size())
        sc.notes.push_back(who + ": band has " + std::to_string(s.lo.size()) + " lower and " +
                           std::to_string(s.hi.size()) + " upper values for " + std::to_string(s.x.size()) +
                           " x values; the extra values were ignored");
      for (std::size_t i = 0; i < nb; ++i) {
        if (!usable(s.x[i], p.logx) || !usable(s.lo[i], p.logy) || !usable(s.hi[i], p.logy)) continue;
        band << num17(s.x[i]) << ' ' << num17(s.lo[i]) << ' ' << num17(s.hi[i]) << '\n';
        ++band_kept;
      }
      if (band_kept < nb)
        sc.notes.push_back(who + ": dropped " + plural(nb - band_kept, "band point") + " of " +
                           std::to_string(nb) + " (non-finite" +
                           (p.logx || p.logy ? ", or non-positive on a log axis)" : ")"));
    }

    std::string style;
    switch (s.style) {
      case SeriesStyle::measured:
      case SeriesStyle::exact: {
        const std::string lc = std::string("lc rgb '") + kColours[colour++ % kColours.size()] + "'";
        if (band_kept > 0) {
          const std::string b = "$b" + std::to_string(k);
          data << b << " << EOD\n" << band.str() << "EOD\n";
          clauses.push_back(b + " using 1:2:3 with filledcurves fs transparent solid 0.25 noborder " + lc + " " +
                            key_title(s.label.empty() ? "" : s.label + " (CI)"));
        }
        style = s.style == SeriesStyle::measured ? "with linespoints lw 1.5 pt 7 ps 0.6 " + lc
                                                 : "with lines lw 2 " + lc;
        break;
      }
      case SeriesStyle::bound: {
        // Several bounds in one plot stay distinguishable: dash patterns 2, 4, 5, ... in order.
        static constexpr int kDashes[] = {2, 4, 5, 6, 3};
        style = "with lines lw 2 dt " + std::to_string(kDashes[bound_index++ % 5]) + " lc rgb '#000000'";
        break;
      }
      case SeriesStyle::floor: style = "with lines lw 1.5 dt 3 lc rgb '#555555'"; break;
      case SeriesStyle::reference: style = "with lines lw 1 lc rgb '#999999'"; break;
    }
    if (band_kept > 0) sc.any_data = true;
    if (kept == 0) {
      sc.notes.push_back(who + (n > 0 ? ": no point left to draw; omitted" : ": has no points; omitted"));
      continue;
    }
    sc.any_data = true;
    const std::string d = "$d" + std::to_string(k);
    data << d << " << EOD\n" << line.str() << "EOD\n";
    clauses.push_back(d + " using 1:2 " + style + " " + key_title(s.label));
  }

  cmds << "set encoding utf8\n"
       << "set terminal svg size 720,480 dynamic enhanced font 'sans,11' background rgb 'white'\n"
       << "set output " << gp_string(output_name) << "\n"
       << "set title " << gp_string(p.title) << " noenhanced\n"
       << "set xlabel " << gp_string(p.xlabel) << " noenhanced\n"
       << "set ylabel " << gp_string(p.ylabel) << " noenhanced\n"
       << "set key outside right top vertical Left reverse samplen 2 spacing 1.1\n"
       << "set grid lc rgb '#d0d0d0' lw 1\n"
       << "set tics nomirror\n"
       << "set border 3\n"
       // A little room above and below, so curves on the range's edge stay visible.
       << "set offsets 0, 0, graph 0.05, graph 0.05\n";
  if (p.logx) cmds << "set logscale x 10\nset format x '10^{%L}'\nset mxtics 10\n";
  if (p.logy) cmds << "set logscale y 10\nset format y '10^{%L}'\nset mytics 10\n";

  sc.text = data.str() + cmds.str();
  if (!clauses.empty()) {
    sc.text += "plot ";
    for (std::size_t i = 0; i < clauses.size(); ++i) sc.text += (i ? ", \\\n     " : "") + clauses[i];
    sc.text += "\n";
  }
  sc.text += "unset output\n";
  return sc;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim_message(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (s.size() > 400) s = s.substr(0, 400) + "...";
  return s;
}

// Runs `gnuplot -d script` (no init files, no shell) in dir with stdin and stdout on /dev/null
// and stderr into err_file. Returns an empty string on success, otherwise the reason.
std::string run_gnuplot(const fs::path& dir, const fs::path& script, const fs::path& err_file) {
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa) != 0) return "cannot prepare to start gnuplot";
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  const std::string err = err_file.string();
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);

  // The script names its output relative to dir (a sanitised name), so no path ever has to be
  // quoted for gnuplot; gnuplot runs with dir as its working directory.
  const std::string d = dir.string();
  posix_spawn_file_actions_addchdir_np(&fa, d.c_str());
  const std::string sp = script.string();
  std::array<char*, 4> argv = {const_cast<char*>("gnuplot"), const_cast<char*>("-d"),
                               const_cast<char*>(sp.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "gnuplot", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return std::string("cannot start gnuplot: ") + std::strerror(rc);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::string("waiting for gnuplot failed: ") + std::strerror(errno);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::string why = WIFEXITED(status) ? "gnuplot exited with status " + std::to_string(WEXITSTATUS(status))
                                      : "gnuplot was killed by signal " + std::to_string(WTERMSIG(status));
  const std::string msg = trim_message(read_all(err_file));
  if (!msg.empty()) why += ": " + msg;
  return why;
}

// `file` is the name to write (unique within this rendering); `note` says why it differs from
// the plain <experiment>-<id>.svg, if it does.
PlotFile render_one(const Experiment& e, const Plot& p, const fs::path& dir, const std::string& file,
                    const std::string& note) {
  PlotFile pf;
  pf.experiment = e.name;
  pf.plot_id = p.id;
  const std::string stem = "." + file + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
  const std::string tmp_svg = stem + ".svg";

  Script sc = build_script(p, tmp_svg);
  if (!note.empty()) sc.notes.insert(sc.notes.begin(), note);
  const std::string notes = join(sc.notes, "; ");
  auto fail = [&](const std::string& why) {
    pf.error = notes.empty() ? why : why + " (" + notes + ")";
    return pf;
  };
  if (!sc.any_data) return fail("plot '" + p.id + "' has no drawable points");

  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail("output folder " + dir.string() + " does not exist");
  const fs::path abs_dir = fs::absolute(dir, ec);
  if (ec) return fail("cannot resolve the output folder " + dir.string() + ": " + ec.message());
  const fs::path script_path = abs_dir / (stem + ".gp");
  const fs::path err_path = abs_dir / (stem + ".err");
  {
    std::ofstream out(script_path, std::ios::binary | std::ios::trunc);
    out << sc.text;
    out.close();
    if (!out) {
      fs::remove(script_path, ec);
      return fail("cannot write " + script_path.string());
    }
  }
  const std::string why = run_gnuplot(abs_dir, script_path, err_path);
  fs::remove(script_path, ec);
  fs::remove(err_path, ec);
  const fs::path tmp = dir / tmp_svg;
  if (!why.empty()) {
    fs::remove(tmp, ec);
    return fail(why);
  }
  if (!fs::is_regular_file(tmp, ec) || fs::file_size(tmp, ec) == 0) {
    fs::remove(tmp, ec);
    return fail("gnuplot produced no output for " + file);
  }
  fs::rename(tmp, dir / file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail("cannot rename the plot to " + (dir / file).string());
  }
  pf.file = file;
  pf.error = notes;
  return pf;
}

}  // namespace

bool gnuplot_available() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest(path);
  while (true) {
    const auto colon = rest.find(':');
    const std::string_view entry = rest.substr(0, colon);
    // An empty PATH entry means the current directory.
    const fs::path candidate = (entry.empty() ? fs::path(".") : fs::path(entry)) / "gnuplot";
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

std::vector<PlotFile> render_plots(const Report& r, const fs::path& dir) {
  std::vector<PlotFile> out;
  const bool have = gnuplot_available();
  std::set<std::string> used;
  for (const auto& e : r.experiments) {
    for (const auto& p : e.plots) {
      if (!have) {
        out.push_back({e.name, p.id, "", "gnuplot was not found on PATH (install gnuplot-nox)"});
        continue;
      }
      // Two plots must not share a file (a repeated id, or names equal after sanitising).
      const std::string base = sanitize(e.name) + "-" + sanitize(p.id);
      std::string file = base + ".svg", note;
      for (int k = 2; used.count(file) != 0; ++k) file = base + "-" + std::to_string(k) + ".svg";
      if (file != base + ".svg") note = base + ".svg is taken by another plot; written as " + file;
      used.insert(file);
      try {
        out.push_back(render_one(e, p, dir, file, note));
      } catch (const std::exception& ex) {  // e.g. std::filesystem_error, std::bad_alloc
        out.push_back({e.name, p.id, "", std::string("rendering failed: ") + ex.what()});
      }
    }
  }
  return out;
}

}  // namespace ldbench::reports
