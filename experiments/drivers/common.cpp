#include "experiments/drivers/common.hpp"

#include <limits>

#include <algorithm>
#include <cmath>
#include <exception>
#include <sstream>
#include <vector>

#include "lib/parallel.hpp"
#include "verify/stats/confidence.hpp"

namespace ldbench::experiments::drivers {

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

reports::Experiment base_experiment(const SpecHeader& h, const nlohmann::json& eff) {
  reports::Experiment e;
  e.name = h.name;
  e.kind = h.kind;
  e.description = h.description;
  e.spec_file = h.file;
  e.params = eff;
  e.seed = h.seed;
  e.replicas = h.replicas;
  return e;
}

void append_replica_band(const Eigen::MatrixXd& m, double alpha, reports::Series& s, bool absolute) {
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    std::vector<double> col;
    col.reserve(static_cast<std::size_t>(m.rows()));
    for (Eigen::Index r = 0; r < m.rows(); ++r) col.push_back(absolute ? std::abs(m(r, j)) : m(r, j));
    const auto iv = verify::stats::two_sided(col, alpha);
    s.y.push_back(iv.mean);
    s.lo.push_back(iv.lo);
    s.hi.push_back(iv.hi);
  }
}

std::string run_tasks(int n, int threads, const std::function<std::string(int)>& task, const std::function<void()>& done) {
  std::vector<std::string> msg(static_cast<std::size_t>(n));
  std::vector<std::exception_ptr> err(static_cast<std::size_t>(n));
  const int nt = std::max(1, std::min(lib::resolve_threads(threads), n));
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1)
  for (int i = 0; i < n; ++i) {
    try {
      msg[static_cast<std::size_t>(i)] = task(i);
    } catch (...) {
      err[static_cast<std::size_t>(i)] = std::current_exception();
    }
#pragma omp critical(ldbench_driver_progress)
    if (done) done();
  }
  for (const auto& e : err)
    if (e) std::rethrow_exception(e);
  for (const auto& m : msg)
    if (!m.empty()) return m;
  return "";
}

verify::CheckResult unfinished_check(const std::string& what, const std::string& id, verify::CheckKind kind, const std::string& claim,
                                     const std::string& quantity, double bound, double alpha, int R, const std::string& why) {
  verify::CheckResult c;
  c.id = id;
  c.kind = kind;
  c.claim = claim;
  c.quantity = quantity;
  c.rule = "fails: " + what + " could not be run to the end";
  c.measured = c.measured_lo = c.measured_hi = c.tightness = std::numeric_limits<double>::quiet_NaN();
  c.bound = bound;
  c.alpha = alpha;
  c.replicas = R;
  c.passed = false;
  c.detail = why;
  return c;
}

}  // namespace ldbench::experiments::drivers
