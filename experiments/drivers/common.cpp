#include "experiments/drivers/common.hpp"

#include <cmath>
#include <sstream>
#include <vector>

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

}  // namespace ldbench::experiments::drivers
