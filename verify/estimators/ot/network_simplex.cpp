#include "verify/estimators/ot/network_simplex.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "verify/estimators/ot/common.hpp"

namespace ldbench::verify::estimators {

namespace {

// Relative pricing tolerance: arcs enter only if C_ij - u_i - v_j < -kPriceTol · max C. Potentials
// are sums along tree paths of up to n + m arcs, each rounding by ~1e-16 · max C.
constexpr double kPriceTol = 1e-12;

struct CoreResult {
  std::vector<double> flow;  // n*m original arcs (row-major), then n + m artificial arcs
  Eigen::VectorXd u, v;
  long pivots = 0;
  bool converged = true;
  double artificial_mass = 0.0;
};

// Primal network simplex on rows 0..n-1 (supply a_i > 0), columns n..n+m-1 (demand b_j > 0), root
// n+m. Arc k < n*m is row k/m -> column k%m with cost c[k]; arc n*m + i is row i -> root and
// n*m + n + j is root -> column j, both with cost big_m. Potentials pi: pi_s - pi_t = cost on tree
// arcs, pi_root = 0; reduced cost of s -> t is cost - pi_s + pi_t.
CoreResult network_simplex_core(const std::vector<double>& c, long n, long m, const Eigen::VectorXd& a,
                                const Eigen::VectorXd& b, long max_pivots) {
  const long nm = n * m, num_nodes = n + m + 1, root = n + m;
  const double cmax = *std::max_element(c.begin(), c.end());
  const double big_m = cmax > 0.0 ? cmax : 1.0;
  const double tau = kPriceTol * big_m;
  const auto src = [&](long k) { return k < nm ? k / m : (k < nm + n ? k - nm : root); };
  const auto tgt = [&](long k) { return k < nm ? n + k % m : (k < nm + n ? root : n + (k - nm - n)); };
  const auto cost = [&](long k) { return k < nm ? c[static_cast<std::size_t>(k)] : big_m; };

  CoreResult out;
  out.flow.assign(static_cast<std::size_t>(nm + n + m), 0.0);
  std::vector<std::vector<long>> adj(static_cast<std::size_t>(num_nodes));
  for (long i = 0; i < n; ++i) {
    out.flow[static_cast<std::size_t>(nm + i)] = a[i];
    adj[static_cast<std::size_t>(i)].push_back(nm + i);
    adj[static_cast<std::size_t>(root)].push_back(nm + i);
  }
  for (long j = 0; j < m; ++j) {
    out.flow[static_cast<std::size_t>(nm + n + j)] = b[j];
    adj[static_cast<std::size_t>(n + j)].push_back(nm + n + j);
    adj[static_cast<std::size_t>(root)].push_back(nm + n + j);
  }

  const auto N = static_cast<std::size_t>(num_nodes);
  std::vector<long> parent(N), pred(N), depth(N), stack;
  std::vector<char> up(N);  // pred arc points from the node to its parent
  std::vector<double> pi(N);
  stack.reserve(N);
  const auto rebuild = [&]() {  // re-root the tree at `root`: parent, pred arc, depth, potentials
    parent[static_cast<std::size_t>(root)] = -1;
    pred[static_cast<std::size_t>(root)] = -1;
    depth[static_cast<std::size_t>(root)] = 0;
    pi[static_cast<std::size_t>(root)] = 0.0;
    stack.clear();
    stack.push_back(root);
    while (!stack.empty()) {
      const long x = stack.back();
      stack.pop_back();
      const auto xs = static_cast<std::size_t>(x);
      for (const long e : adj[xs]) {
        if (e == pred[xs]) continue;
        const long s = src(e);
        const long y = s == x ? tgt(e) : s;
        const auto ys = static_cast<std::size_t>(y);
        pred[ys] = e;
        parent[ys] = x;
        depth[ys] = depth[xs] + 1;
        up[ys] = static_cast<char>(s == y);
        pi[ys] = s == y ? pi[xs] + cost(e) : pi[xs] - cost(e);
        stack.push_back(y);
      }
    }
  };
  rebuild();

  const long block = std::max(10L, static_cast<long>(std::sqrt(static_cast<double>(nm))));
  long cur_i = 0, cur_j = 0;  // pricing cursor
  while (true) {
    // Block-search pricing over the original arcs.
    long best = -1;
    double best_rc = -tau;
    long in_block = 0;
    for (long cnt = 0; cnt < nm; ++cnt) {
      const long k = cur_i * m + cur_j;
      const double rc = c[static_cast<std::size_t>(k)] - pi[static_cast<std::size_t>(cur_i)] +
                        pi[static_cast<std::size_t>(n + cur_j)];
      if (rc < best_rc) {
        best_rc = rc;
        best = k;
      }
      if (++cur_j == m) {
        cur_j = 0;
        if (++cur_i == n) cur_i = 0;
      }
      if (++in_block == block) {
        if (best >= 0) break;
        in_block = 0;
      }
    }
    if (best < 0) break;  // optimal: every reduced cost >= -tau
    if (out.pivots >= max_pivots) {
      out.converged = false;
      break;
    }
    ++out.pivots;

    // Pivot cycle: entering arc first -> second, then second up to the apex, apex down to first.
    const long first = best / m, second = n + best % m;
    long p = first, q = second;
    while (p != q) {
      if (depth[static_cast<std::size_t>(p)] > depth[static_cast<std::size_t>(q)])
        p = parent[static_cast<std::size_t>(p)];
      else if (depth[static_cast<std::size_t>(q)] > depth[static_cast<std::size_t>(p)])
        q = parent[static_cast<std::size_t>(q)];
      else {
        p = parent[static_cast<std::size_t>(p)];
        q = parent[static_cast<std::size_t>(q)];
      }
    }
    const long join = p;
    // Leaving arc: the last blocking arc in cycle order from the apex (strongly feasible trees):
    // strict < on the first path (walked against cycle order), <= on the second.
    double delta = std::numeric_limits<double>::infinity();
    long u_out = -1;
    for (long x = first; x != join; x = parent[static_cast<std::size_t>(x)])
      if (up[static_cast<std::size_t>(x)]) {
        const double f = out.flow[static_cast<std::size_t>(pred[static_cast<std::size_t>(x)])];
        if (f < delta) {
          delta = f;
          u_out = x;
        }
      }
    for (long x = second; x != join; x = parent[static_cast<std::size_t>(x)])
      if (!up[static_cast<std::size_t>(x)]) {
        const double f = out.flow[static_cast<std::size_t>(pred[static_cast<std::size_t>(x)])];
        if (f <= delta) {
          delta = f;
          u_out = x;
        }
      }
    if (u_out < 0) throw std::logic_error("network simplex: unbounded pivot cycle (internal error)");

    out.flow[static_cast<std::size_t>(best)] += delta;
    if (delta > 0.0) {
      for (long x = first; x != join; x = parent[static_cast<std::size_t>(x)]) {
        double& f = out.flow[static_cast<std::size_t>(pred[static_cast<std::size_t>(x)])];
        f = up[static_cast<std::size_t>(x)] ? f - delta : f + delta;
      }
      for (long x = second; x != join; x = parent[static_cast<std::size_t>(x)]) {
        double& f = out.flow[static_cast<std::size_t>(pred[static_cast<std::size_t>(x)])];
        f = up[static_cast<std::size_t>(x)] ? f + delta : f - delta;
      }
    }
    const long e_out = pred[static_cast<std::size_t>(u_out)];
    out.flow[static_cast<std::size_t>(e_out)] = 0.0;
    for (const long node : {src(e_out), tgt(e_out)}) {
      auto& list = adj[static_cast<std::size_t>(node)];
      const auto it = std::find(list.begin(), list.end(), e_out);
      *it = list.back();
      list.pop_back();
    }
    adj[static_cast<std::size_t>(first)].push_back(best);
    adj[static_cast<std::size_t>(second)].push_back(best);
    rebuild();
  }

  out.u.resize(n);
  out.v.resize(m);
  for (long i = 0; i < n; ++i) out.u[i] = pi[static_cast<std::size_t>(i)];
  for (long j = 0; j < m; ++j) out.v[j] = -pi[static_cast<std::size_t>(n + j)];
  for (long k = nm; k < nm + n + m; ++k) out.artificial_mass += out.flow[static_cast<std::size_t>(k)];
  out.artificial_mass /= 2.0;  // every unit through the root is counted on an in- and an out-arc
  return out;
}

void check_options(const NetworkSimplexOptions& o) {
  if (o.max_iterations < 1)
    throw std::invalid_argument("options: max_iterations must be >= 1, got " + std::to_string(o.max_iterations));
}

// Solves on the atoms of positive weight, then extends the potentials to all atoms.
ExactOtResult solve_checked(const Eigen::MatrixXd& cost, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                            const NetworkSimplexOptions& options) {
  const long n = cost.rows(), m = cost.cols();
  std::vector<long> rows, cols;
  for (long i = 0; i < n; ++i)
    if (a[i] > 0.0) rows.push_back(i);
  for (long j = 0; j < m; ++j)
    if (b[j] > 0.0) cols.push_back(j);
  const long nr = static_cast<long>(rows.size()), nc = static_cast<long>(cols.size());
  std::vector<double> c(static_cast<std::size_t>(nr * nc));
  Eigen::VectorXd ar(nr), bc(nc);
  for (long r = 0; r < nr; ++r) {
    ar[r] = a[rows[static_cast<std::size_t>(r)]];
    for (long s = 0; s < nc; ++s)
      c[static_cast<std::size_t>(r * nc + s)] = cost(rows[static_cast<std::size_t>(r)], cols[static_cast<std::size_t>(s)]);
  }
  for (long s = 0; s < nc; ++s) bc[s] = b[cols[static_cast<std::size_t>(s)]];

  CoreResult core = network_simplex_core(c, nr, nc, ar, bc, options.max_iterations);

  ExactOtResult res;
  constexpr double inf = std::numeric_limits<double>::infinity();
  res.u = Eigen::VectorXd::Constant(n, inf);
  res.v = Eigen::VectorXd::Constant(m, inf);
  for (long r = 0; r < nr; ++r) res.u[rows[static_cast<std::size_t>(r)]] = core.u[r];
  for (long s = 0; s < nc; ++s) res.v[cols[static_cast<std::size_t>(s)]] = core.v[s];
  for (long i = 0; i < n; ++i)
    if (!(a[i] > 0.0)) {  // largest u_i with u_i + v_j <= C_ij over the solved columns
      double best = inf;
      for (const long j : cols) best = std::min(best, cost(i, j) - res.v[j]);
      res.u[i] = best;
    }
  for (long j = 0; j < m; ++j)
    if (!(b[j] > 0.0)) {  // then over all rows
      double best = inf;
      for (long i = 0; i < n; ++i) best = std::min(best, cost(i, j) - res.u[i]);
      res.v[j] = best;
    }
  const double shift = 0.5 * (a.dot(res.u) - b.dot(res.v));
  res.u.array() -= shift;
  res.v.array() += shift;

  double total = 0.0;
  for (long r = 0; r < nr; ++r)
    for (long s = 0; s < nc; ++s) {
      const double f = core.flow[static_cast<std::size_t>(r * nc + s)];
      if (f > 0.0) {
        const long i = rows[static_cast<std::size_t>(r)], j = cols[static_cast<std::size_t>(s)];
        res.coupling.push_back({i, j, f});
        total += f * cost(i, j);
      }
    }
  res.w2_squared.value = total;
  res.w2_squared.diagnostics.iterations = core.pivots;
  res.w2_squared.diagnostics.converged = core.converged;
  if (!core.converged)
    res.w2_squared.diagnostics.warnings.push_back(
        "network simplex stopped at the pivot cap (" + std::to_string(options.max_iterations) +
        "); the coupling is not optimal and " + std::to_string(core.artificial_mass) +
        " of mass is still unrouted (through the artificial root)");
  else if (core.artificial_mass > 1e-12)
    res.w2_squared.diagnostics.warnings.push_back("network simplex: " + std::to_string(core.artificial_mass) +
                                                  " of mass left on artificial arcs (rounding)");
  return res;
}

}  // namespace

ExactOtResult w2_squared_network_simplex(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                         const NetworkSimplexOptions& options) {
  ot_detail::check_samples(x, "x");
  ot_detail::check_samples(y, "y");
  return w2_squared_network_simplex(x, y, ot_detail::uniform_weights(x.cols()), ot_detail::uniform_weights(y.cols()),
                                    options);
}

ExactOtResult w2_squared_network_simplex(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                         const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                         const NetworkSimplexOptions& options) {
  ot_detail::check_samples(x, "x");
  ot_detail::check_samples(y, "y");
  ot_detail::check_same_dimension(x, "x", y, "y");
  const Eigen::VectorXd wa = ot_detail::checked_weights(a, x.cols(), "a", "x");
  const Eigen::VectorXd wb = ot_detail::checked_weights(b, y.cols(), "b", "y");
  check_options(options);
  return solve_checked(squared_euclidean_cost(x, y), wa, wb, options);
}

ExactOtResult solve_transport(const Eigen::MatrixXd& cost, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                              const NetworkSimplexOptions& options) {
  if (cost.rows() == 0 || cost.cols() == 0) throw std::invalid_argument("cost: empty matrix");
  if (!cost.allFinite()) throw std::invalid_argument("cost: non-finite entry");
  const Eigen::VectorXd wa = ot_detail::checked_weights(a, cost.rows(), "a", "cost");
  const Eigen::VectorXd wb = ot_detail::checked_weights(b, cost.cols(), "b", "cost");
  check_options(options);
  return solve_checked(cost, wa, wb, options);
}

double CouplingCertificate::max_violation() const { return std::max({marginal, dual, slackness}); }

CouplingCertificate coupling_certificate(const Eigen::MatrixXd& cost, const Eigen::VectorXd& a,
                                         const Eigen::VectorXd& b, const std::vector<CouplingEntry>& coupling,
                                         const Eigen::VectorXd& u, const Eigen::VectorXd& v) {
  const long n = cost.rows(), m = cost.cols();
  if (n == 0 || m == 0) throw std::invalid_argument("cost: empty matrix");
  if (a.size() != n) throw std::invalid_argument("a: length " + std::to_string(a.size()) + ", expected " + std::to_string(n));
  if (b.size() != m) throw std::invalid_argument("b: length " + std::to_string(b.size()) + ", expected " + std::to_string(m));
  if (u.size() != n) throw std::invalid_argument("u: length " + std::to_string(u.size()) + ", expected " + std::to_string(n));
  if (v.size() != m) throw std::invalid_argument("v: length " + std::to_string(v.size()) + ", expected " + std::to_string(m));
  CouplingCertificate cert;
  Eigen::VectorXd rows = Eigen::VectorXd::Zero(n), cols = Eigen::VectorXd::Zero(m);
  for (const CouplingEntry& e : coupling) {
    if (e.i < 0 || e.i >= n || e.j < 0 || e.j >= m)
      throw std::invalid_argument("coupling: entry (" + std::to_string(e.i) + ", " + std::to_string(e.j) +
                                  ") out of range");
    if (!std::isfinite(e.mass) || e.mass < 0.0)
      throw std::invalid_argument("coupling: mass at (" + std::to_string(e.i) + ", " + std::to_string(e.j) +
                                  ") is negative or not finite");
    rows[e.i] += e.mass;
    cols[e.j] += e.mass;
    cert.primal_cost += e.mass * cost(e.i, e.j);
    if (e.mass > 0.0) cert.slackness = std::max(cert.slackness, std::abs(cost(e.i, e.j) - u[e.i] - v[e.j]));
  }
  cert.marginal = std::max((rows - a).cwiseAbs().maxCoeff(), (cols - b).cwiseAbs().maxCoeff());
  for (long j = 0; j < m; ++j)
    for (long i = 0; i < n; ++i) cert.dual = std::max(cert.dual, u[i] + v[j] - cost(i, j));
  cert.dual_cost = a.dot(u) + b.dot(v);
  if (!u.allFinite() || !v.allFinite()) cert.dual = std::numeric_limits<double>::infinity();
  return cert;
}

}  // namespace ldbench::verify::estimators
