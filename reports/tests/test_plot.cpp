#include "reports/plot.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "reports/tests/sample_report.hpp"

namespace ldbench::reports {
namespace {

namespace fs = std::filesystem;

// A fresh empty folder under the system temporary directory, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = fs::temp_directory_path() / ("ldbench-reports-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Sets PATH for the lifetime of the object.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& value) {
    const char* old = std::getenv("PATH");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() {
    if (had_) ::setenv("PATH", old_.c_str(), 1);
    else ::unsetenv("PATH");
  }

 private:
  bool had_ = false;
  std::string old_;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Plot, RendersSvgAndReportsDroppedPoints) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH (apt-get install gnuplot-nox)";
  TempDir dir("render");
  const auto files = render_plots(testing::sample_report(), dir.path());
  ASSERT_EQ(files.size(), 2u);

  EXPECT_EQ(files[0].experiment, "ou_kl_decay");
  EXPECT_EQ(files[0].plot_id, "kl");
  EXPECT_EQ(files[0].file, "ou_kl_decay-kl.svg");
  // y = 0 on the log axis and the band point with lo < 0 are dropped and reported.
  EXPECT_NE(files[0].error.find("dropped 1 point of 5"), std::string::npos) << files[0].error;
  EXPECT_NE(files[0].error.find("dropped 1 band point of 5"), std::string::npos) << files[0].error;

  EXPECT_EQ(files[1].file, "ou_kl_decay-rate.svg");
  EXPECT_EQ(files[1].error, "");

  for (const auto& f : files) {
    const std::string svg = slurp(dir.path() / f.file);
    EXPECT_GT(svg.size(), 1000u);
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
  }
  const std::string kl = slurp(dir.path() / files[0].file);
  // Titles reach the SVG verbatim: no back-quote command substitution, quotes kept.
  EXPECT_NE(kl.find("`echo INJECTED`"), std::string::npos);
  EXPECT_NE(kl.find("'quoted'"), std::string::npos);
  EXPECT_NE(kl.find("ULA (R=16)"), std::string::npos);
  EXPECT_NE(kl.find("LSI bound"), std::string::npos);
  // Nothing but the SVG files is left behind (no scripts, no temporary names).
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"ou_kl_decay-kl.svg", "ou_kl_decay-rate.svg"}));
}

TEST(Plot, OutputIsDeterministic) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH (apt-get install gnuplot-nox)";
  TempDir a("det-a"), b("det-b");
  const auto fa = render_plots(testing::sample_report(), a.path());
  const auto fb = render_plots(testing::sample_report(), b.path());
  ASSERT_EQ(fa.size(), fb.size());
  for (std::size_t i = 0; i < fa.size(); ++i) {
    ASSERT_FALSE(fa[i].file.empty()) << fa[i].error;
    EXPECT_EQ(fa[i].file, fb[i].file);
    EXPECT_EQ(fa[i].error, fb[i].error);
    EXPECT_EQ(slurp(a.path() / fa[i].file), slurp(b.path() / fb[i].file)) << fa[i].file;
  }
}

TEST(Plot, NothingDrawableIsAnError) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH (apt-get install gnuplot-nox)";
  Report r = testing::sample_report();
  r.experiments.resize(1);
  Plot p;
  p.id = "empty";
  p.logx = true;
  p.series = {{"negative x", SeriesStyle::exact, {-1.0, 0.0}, {1.0, 2.0}, {}, {}}};
  r.experiments[0].plots = {p};
  TempDir dir("empty");
  const auto files = render_plots(r, dir.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].file.empty());
  EXPECT_NE(files[0].error.find("no drawable points"), std::string::npos) << files[0].error;
  EXPECT_NE(files[0].error.find("dropped 2 points of 2"), std::string::npos) << files[0].error;
  EXPECT_TRUE(listing(dir.path()).empty());
}

TEST(Plot, FileNamesAreSanitisedAndNeverShared) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH (apt-get install gnuplot-nox)";
  Report r = testing::sample_report();
  r.experiments.resize(1);
  r.experiments[0].name = "ou/kl decay";
  Plot p;
  p.id = "kl";
  p.series = {{"", SeriesStyle::exact, {0.0, 1.0}, {1.0, 2.0}, {}, {}}};  // no label: no key entry
  r.experiments[0].plots = {p, p};
  TempDir dir("names");
  const auto files = render_plots(r, dir.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].file, "ou_kl_decay-kl.svg");
  EXPECT_EQ(files[0].error, "");
  EXPECT_EQ(files[1].file, "ou_kl_decay-kl-2.svg");
  EXPECT_NE(files[1].error.find("taken by another plot"), std::string::npos) << files[1].error;
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"ou_kl_decay-kl-2.svg", "ou_kl_decay-kl.svg"}));
}

TEST(Plot, MissingFolderIsAnErrorNotAnException) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH (apt-get install gnuplot-nox)";
  TempDir dir("missing");
  std::vector<PlotFile> files;
  EXPECT_NO_THROW(files = render_plots(testing::sample_report(), dir.path() / "does" / "not" / "exist"));
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    EXPECT_TRUE(f.file.empty());
    EXPECT_NE(f.error.find("does not exist"), std::string::npos) << f.error;
  }
}

TEST(Plot, UnwritableFolderIsAnError) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH (apt-get install gnuplot-nox)";
  // Folder permissions do not stop root; /proc refuses new files whoever asks.
  TempDir tmp("readonly");
  const bool root = ::geteuid() == 0;
  const fs::path dir = root ? fs::path("/proc") : tmp.path();
  if (root && !fs::is_directory(dir)) GTEST_SKIP() << "running as root without /proc";
  if (!root) fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  std::vector<PlotFile> files;
  EXPECT_NO_THROW(files = render_plots(testing::sample_report(), dir));
  if (!root) fs::permissions(dir, fs::perms::owner_all);
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    EXPECT_TRUE(f.file.empty());
    EXPECT_NE(f.error.find("cannot write"), std::string::npos) << f.error;
  }
}

// A stand-in gnuplot that fails: the error carries its exit status and its message, and no
// partial file is left.
TEST(Plot, FailingGnuplotIsAnError) {
  TempDir bin("fakebin"), out("fakeout");
  const fs::path fake = bin.path() / "gnuplot";
  {
    std::ofstream s(fake);
    s << "#!/bin/sh\necho 'line 3: boom' >&2\nexit 3\n";
  }
  fs::permissions(fake, fs::perms::owner_all);
  ScopedPath path(bin.path().string());
  ASSERT_TRUE(gnuplot_available());
  std::vector<PlotFile> files;
  EXPECT_NO_THROW(files = render_plots(testing::sample_report(), out.path()));
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    EXPECT_TRUE(f.file.empty());
    EXPECT_NE(f.error.find("gnuplot exited with status 3: line 3: boom"), std::string::npos) << f.error;
  }
  EXPECT_TRUE(listing(out.path()).empty());
}

TEST(Plot, MissingGnuplotIsAnError) {
  TempDir bin("emptybin"), out("noplot");
  ScopedPath path(bin.path().string());
  EXPECT_FALSE(gnuplot_available());
  const auto files = render_plots(testing::sample_report(), out.path());
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    EXPECT_TRUE(f.file.empty());
    EXPECT_NE(f.error.find("not found"), std::string::npos) << f.error;
  }
}

}  // namespace
}  // namespace ldbench::reports
