#include "lib/fp/functionals.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "lib/fp/operator.hpp"

namespace ldbench::lib::fp {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void check_density(const Grid& grid, const Eigen::VectorXd& p, const char* name) {
  grid.validate();
  if (p.size() != grid.size())
    throw std::invalid_argument(std::string(name) + ": " + std::to_string(p.size()) + " values for " +
                                std::to_string(grid.size()) + " cells");
  for (long k = 0; k < p.size(); ++k) {
    if (!std::isfinite(p[k]))
      throw std::invalid_argument(std::string(name) + ": non-finite value at cell " + std::to_string(k));
    if (p[k] < 0) throw std::invalid_argument(std::string(name) + ": negative value at cell " + std::to_string(k));
  }
}

void check_potential(const Grid& grid, const Eigen::VectorXd& U, double lambda) {
  if (!(std::isfinite(lambda) && lambda > 0)) throw std::invalid_argument("lambda: must be finite and > 0");
  if (U.size() != grid.size())
    throw std::invalid_argument("U: " + std::to_string(U.size()) + " values for " + std::to_string(grid.size()) +
                                " cells");
  if (!U.allFinite()) throw std::invalid_argument("U: non-finite value");
}

// log Z' with Z' = Σ exp(-(U - min U)/lambda) vol.
double log_partition_shifted(const Grid& grid, const Eigen::VectorXd& U, double lambda) {
  const double umin = U.minCoeff();
  return std::log((-(U.array() - umin) / lambda).exp().sum() * grid.cell_volume());
}

// A linear piece of a quantile function: on [u0, u1], x goes linearly from x0 to x1.
struct Piece {
  double u0, u1, x0, x1;
  double at(double u) const { return u1 > u0 ? x0 + (x1 - x0) * (u - u0) / (u1 - u0) : x0; }
};

std::vector<Piece> grid_quantile(const Grid& grid, const Eigen::VectorXd& p, const char* name) {
  check_density(grid, p, name);
  if (grid.dim() != 1) throw std::invalid_argument(std::string(name) + ": W2 on grids is 1-D only");
  const double total = p.sum();
  if (!(total > 0)) throw std::invalid_argument(std::string(name) + ": total mass must be > 0");
  const Axis& a = grid.axes[0];
  std::vector<Piece> out;
  double c = 0;
  long last = -1;
  for (long k = 0; k < p.size(); ++k)
    if (p[k] > 0) last = k;
  for (long k = 0; k <= last; ++k) {
    if (p[k] <= 0) continue;
    const double c1 = k == last ? 1.0 : c + p[k] / total;
    if (c1 > c) out.push_back({c, c1, a.edge(static_cast<int>(k)), a.edge(static_cast<int>(k + 1))});
    c = std::max(c, c1);
  }
  return out;
}

double w2_pieces(const std::vector<Piece>& A, const std::vector<Piece>& B) {
  std::size_t i = 0, j = 0;
  double u = 0, s = 0;
  while (i < A.size() && j < B.size()) {
    const double ue = std::min(A[i].u1, B[j].u1);
    if (ue > u) {
      const double d0 = A[i].at(u) - B[j].at(u);
      const double d1 = A[i].at(ue) - B[j].at(ue);
      s += (ue - u) * (d0 * d0 + d0 * d1 + d1 * d1) / 3.0;
      u = ue;
    }
    if (A[i].u1 <= u) ++i;
    if (j < B.size() && B[j].u1 <= u) ++j;
  }
  return s;
}

}  // namespace

Eigen::VectorXd gibbs_density(const Grid& grid, const Eigen::VectorXd& U, double lambda) {
  grid.validate();
  check_potential(grid, U, lambda);
  const double umin = U.minCoeff();
  Eigen::VectorXd m = (-(U.array() - umin) / lambda).exp().matrix();
  return m / (m.sum() * grid.cell_volume());
}

double entropy(const Grid& grid, const Eigen::VectorXd& p) {
  check_density(grid, p, "p");
  double s = 0;
  for (long k = 0; k < p.size(); ++k)
    if (p[k] > 0) s += p[k] * std::log(p[k]);
  return s * grid.cell_volume();
}

double kl(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& q) {
  check_density(grid, p, "p");
  check_density(grid, q, "q");
  double s = 0;
  for (long k = 0; k < p.size(); ++k) {
    if (p[k] == 0) continue;
    if (q[k] == 0) return kInf;
    s += p[k] * std::log(p[k] / q[k]);
  }
  return s * grid.cell_volume();
}

double kl_to_gibbs(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& U, double lambda) {
  check_density(grid, p, "p");
  check_potential(grid, U, lambda);
  const double umin = U.minCoeff();
  const double logZ = log_partition_shifted(grid, U, lambda);
  double s = 0;
  for (long k = 0; k < p.size(); ++k)
    if (p[k] > 0) s += p[k] * (std::log(p[k]) + (U[k] - umin) / lambda + logZ);
  return s * grid.cell_volume();
}

double fisher_information_sg(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& U, double lambda) {
  check_density(grid, p, "p");
  check_potential(grid, U, lambda);
  const SgCoefficients c = sg_coefficients(grid, U, lambda);
  double s = 0;
  for (long f = 0; f < c.size(); ++f) {
    const long i = c.left[f], j = c.right[f];
    const double flux = c.bwd[f] * p[j] - c.fwd[f] * p[i];  // w (g_j - g_i)
    if (flux == 0) continue;
    if (p[i] == 0 || p[j] == 0) return kInf;
    const double dlog = std::log(p[j]) - std::log(p[i]) + (U[j] - U[i]) / lambda;
    s += (c.scale[f] / lambda) * flux * dlog;
  }
  return s * grid.cell_volume();
}

double fisher_information_central(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& U, double lambda) {
  check_density(grid, p, "p");
  check_potential(grid, U, lambda);
  if ((p.array() <= 0).any())
    throw std::invalid_argument("p: must be > 0 in every cell for the central-difference Fisher information");
  const Eigen::VectorXd f = (p.array().log() + U.array() / lambda).matrix();  // log(p/pi) + const
  const long nx = grid.axes[0].n;
  const long ny = grid.dim() == 2 ? grid.axes[1].n : 1;
  auto diff = [&](long k, long stride, long idx, long n, double h) {
    if (idx == 0) return (f[k + stride] - f[k]) / h;
    if (idx == n - 1) return (f[k] - f[k - stride]) / h;
    return (f[k + stride] - f[k - stride]) / (2 * h);
  };
  double s = 0;
  for (long j = 0; j < ny; ++j)
    for (long i = 0; i < nx; ++i) {
      const long k = i + nx * j;
      const double gx = diff(k, 1, i, nx, grid.axes[0].h());
      double g2 = gx * gx;
      if (grid.dim() == 2) {
        const double gy = diff(k, nx, j, ny, grid.axes[1].h());
        g2 += gy * gy;
      }
      s += p[k] * g2;
    }
  return s * grid.cell_volume();
}

double w2_squared_1d(const Grid& grid_p, const Eigen::VectorXd& p, const Grid& grid_q, const Eigen::VectorXd& q) {
  return w2_pieces(grid_quantile(grid_p, p, "p"), grid_quantile(grid_q, q, "q"));
}

double w2_squared_1d_sample(const Grid& grid, const Eigen::VectorXd& p, std::vector<double> sample) {
  if (sample.empty()) throw std::invalid_argument("sample: empty");
  for (double x : sample)
    if (!std::isfinite(x)) throw std::invalid_argument("sample: non-finite value");
  std::sort(sample.begin(), sample.end());
  const double n = static_cast<double>(sample.size());
  std::vector<Piece> B;
  B.reserve(sample.size());
  for (std::size_t k = 0; k < sample.size(); ++k) {
    const double u0 = static_cast<double>(k) / n;
    const double u1 = k + 1 == sample.size() ? 1.0 : static_cast<double>(k + 1) / n;
    B.push_back({u0, u1, sample[k], sample[k]});
  }
  return w2_pieces(grid_quantile(grid, p, "p"), B);
}

namespace {

// Knothe–Rosenblatt cost with the outer coordinate `outer` (0 = x first) between p and q on a 2-D
// grid; also returns the W2² of the outer marginals in *outer_w2.
double knothe_rosenblatt(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& q, int outer, double* outer_w2) {
  const long nx = grid.axes[0].n, ny = grid.axes[1].n;
  const int inner = 1 - outer;
  const long no = outer == 0 ? nx : ny, ni = outer == 0 ? ny : nx;
  auto at = [&](const Eigen::VectorXd& v, long o, long i) { return outer == 0 ? v[o + nx * i] : v[i + nx * o]; };
  const Grid go = Grid::line(grid.axes[static_cast<std::size_t>(outer)].lo, grid.axes[static_cast<std::size_t>(outer)].hi,
                             grid.axes[static_cast<std::size_t>(outer)].n);
  const Grid gi = Grid::line(grid.axes[static_cast<std::size_t>(inner)].lo, grid.axes[static_cast<std::size_t>(inner)].hi,
                             grid.axes[static_cast<std::size_t>(inner)].n);
  Eigen::VectorXd mp = Eigen::VectorXd::Zero(no), mq = Eigen::VectorXd::Zero(no);
  for (long o = 0; o < no; ++o)
    for (long i = 0; i < ni; ++i) {
      mp[o] += at(p, o, i);
      mq[o] += at(q, o, i);
    }
  *outer_w2 = w2_squared_1d(go, mp, go, mq);
  // Positive columns with their cumulative mass at the column's end (the last one exactly 1).
  auto breakpoints = [](const Eigen::VectorXd& m) {
    std::vector<std::pair<long, double>> out;
    const double t = m.sum();
    long last = -1;
    for (long o = 0; o < m.size(); ++o)
      if (m[o] > 0) last = o;
    double c = 0;
    for (long o = 0; o <= last; ++o)
      if (m[o] > 0) {
        c += m[o] / t;
        out.push_back({o, o == last ? 1.0 : c});
      }
    return out;
  };
  const auto A = breakpoints(mp), B = breakpoints(mq);
  // Merged walk: on [u, ue] the u-quantile of p's outer marginal lies in column A[ia] and q's in B[ib].
  double u = 0, cost = *outer_w2;
  Eigen::VectorXd colp(ni), colq(ni);
  long cached_a = -1, cached_b = -1;
  double w = 0;
  std::size_t ia = 0, ib = 0;
  while (ia < A.size() && ib < B.size()) {
    const double ue = std::min(A[ia].second, B[ib].second);
    if (ue > u) {
      const long a = A[ia].first, b = B[ib].first;
      if (a != cached_a || b != cached_b) {
        for (long i = 0; i < ni; ++i) {
          colp[i] = at(p, a, i);
          colq[i] = at(q, b, i);
        }
        w = w2_squared_1d(gi, colp, gi, colq);
        cached_a = a;
        cached_b = b;
      }
      cost += (ue - u) * w;
      u = ue;
    }
    if (A[ia].second <= u) ++ia;
    if (ib < B.size() && B[ib].second <= u) ++ib;
  }
  return cost;
}

}  // namespace

W2Bounds2d w2_squared_2d_bounds(const Grid& grid, const Eigen::VectorXd& p, const Eigen::VectorXd& q) {
  check_density(grid, p, "p");
  check_density(grid, q, "q");
  if (grid.dim() != 2) throw std::invalid_argument("p: w2_squared_2d_bounds needs a 2-D grid");
  if (!(p.sum() > 0)) throw std::invalid_argument("p: total mass must be > 0");
  if (!(q.sum() > 0)) throw std::invalid_argument("q: total mass must be > 0");
  W2Bounds2d r;
  r.upper_xy = knothe_rosenblatt(grid, p, q, 0, &r.marginal_x);
  r.upper_yx = knothe_rosenblatt(grid, p, q, 1, &r.marginal_y);
  r.lower = r.marginal_x + r.marginal_y;
  r.upper = std::min(r.upper_xy, r.upper_yx);
  return r;
}

GridMoments moments(const Grid& grid, const Eigen::VectorXd& p) {
  check_density(grid, p, "p");
  const double total = p.sum();
  if (!(total > 0)) throw std::invalid_argument("p: total mass must be > 0");
  const int d = grid.dim();
  GridMoments m;
  m.mean = Eigen::VectorXd::Zero(d);
  m.covariance = Eigen::MatrixXd::Zero(d, d);
  double c[2];
  for (long k = 0; k < p.size(); ++k) {
    grid.center(k, c);
    for (int a = 0; a < d; ++a) m.mean[a] += p[k] * c[a];
  }
  m.mean /= total;
  for (long k = 0; k < p.size(); ++k) {
    grid.center(k, c);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) m.covariance(a, b) += p[k] * (c[a] - m.mean[a]) * (c[b] - m.mean[b]);
  }
  m.covariance /= total;
  for (int a = 0; a < d; ++a) m.covariance(a, a) += grid.axes[a].h() * grid.axes[a].h() / 12.0;
  return m;
}

}  // namespace ldbench::lib::fp
