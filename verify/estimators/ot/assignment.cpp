#include "verify/estimators/ot/assignment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "verify/estimators/ot/common.hpp"

namespace ldbench::verify::estimators {

namespace {

// Column prices from a Gauss–Seidel forward auction with ε-scaling (Bertsekas, "The auction
// algorithm: a distributed relaxation method for the assignment problem", Ann. Oper. Res. 14,
// 1988), in min-cost form: an unassigned row i bids for j1 = argmin_j (C_ij - v_j), lowering v_j1
// by (second minimum - minimum) + ε. ε goes from max C / 4 to 1e-6 max C, divided by 5 per phase.
// The prices are only a warm start: exactness comes from the Dijkstra phase below.
void auction_prices(const double* c, long n, double cmax, Eigen::VectorXd& v) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const auto N = static_cast<std::size_t>(n);
  const double eps_final = 1e-6 * cmax;
  double eps = 0.25 * cmax;
  std::vector<long> owner(N), queue(N);
  while (true) {
    std::fill(owner.begin(), owner.end(), -1);
    for (long i = 0; i < n; ++i) queue[static_cast<std::size_t>(i)] = i;
    long head = 0, count = n;  // circular FIFO of unassigned rows
    while (count > 0) {
      const long i = queue[static_cast<std::size_t>(head)];
      head = head + 1 == n ? 0 : head + 1;
      --count;
      const double* ci = c + i * n;
      double r1 = inf, r2 = inf;
      long j1 = 0;
      for (long j = 0; j < n; ++j) {
        const double r = ci[j] - v[j];
        if (r < r2) {
          if (r < r1) {
            r2 = r1;
            r1 = r;
            j1 = j;
          } else {
            r2 = r;
          }
        }
      }
      v[j1] -= (r2 - r1) + eps;
      const long prev = owner[static_cast<std::size_t>(j1)];
      owner[static_cast<std::size_t>(j1)] = i;
      if (prev >= 0) {
        queue[static_cast<std::size_t>((head + count) % n)] = prev;
        ++count;
      }
    }
    if (eps <= eps_final) break;
    eps = std::max(eps / 5.0, eps_final);
  }
}

// Exact assignment on a row-major n x n matrix with entries >= 0: auction prices v, then every
// row takes its exact argmin_j (C_ij - v_j) if that column is still free, then one Dijkstra
// shortest augmenting path per remaining free row (Jonker & Volgenant 1987, their ready / scan /
// todo column lists). Invariant throughout: every assigned row i attains min_j (C_ij - v_j) at
// its column, so u_i := C_{i σ(i)} - v_σ(i) gives u_i + v_j <= C_ij with equality on the matching.
void lap_core(const double* c, long n, std::vector<long>& rowsol, Eigen::VectorXd& u, Eigen::VectorXd& v) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const auto N = static_cast<std::size_t>(n);
  const auto at = [c, n](long i, long j) { return c[i * n + j]; };
  v = Eigen::VectorXd::Zero(n);
  u = Eigen::VectorXd::Zero(n);
  rowsol.assign(N, -1);
  std::vector<long> colsol(N, -1), freerows(N), collist(N), pred(N);
  std::vector<double> d(N);

  const double cmax = *std::max_element(c, c + n * n);
  if (cmax > 0.0 && n > 1) auction_prices(c, n, cmax, v);  // all-zero costs: any matching is optimal

  long numfree = 0;
  for (long i = 0; i < n; ++i) {
    const double* ci = c + i * n;
    double best = inf;
    long jb = 0;
    for (long j = 0; j < n; ++j) {
      const double r = ci[j] - v[j];
      if (r < best) {
        best = r;
        jb = j;
      }
    }
    if (colsol[static_cast<std::size_t>(jb)] < 0) {
      colsol[static_cast<std::size_t>(jb)] = i;
      rowsol[static_cast<std::size_t>(i)] = jb;
    } else {
      freerows[static_cast<std::size_t>(numfree++)] = i;
    }
  }

  // Augmentation: Dijkstra on reduced costs from each free row, JV's ready/scan/todo lists.
  for (long f = 0; f < numfree; ++f) {
    const long freerow = freerows[static_cast<std::size_t>(f)];
    for (long j = 0; j < n; ++j) {
      d[static_cast<std::size_t>(j)] = at(freerow, j) - v[j];
      pred[static_cast<std::size_t>(j)] = freerow;
      collist[static_cast<std::size_t>(j)] = j;
    }
    long low = 0, up = 0, last = -1, endofpath = -1;
    double mn = 0.0;
    bool found = false;
    do {
      if (up == low) {  // next distance level: collect all todo columns at the minimum
        last = low - 1;
        mn = d[static_cast<std::size_t>(collist[static_cast<std::size_t>(up++)])];
        for (long k = up; k < n; ++k) {
          const long j = collist[static_cast<std::size_t>(k)];
          const double h = d[static_cast<std::size_t>(j)];
          if (h <= mn) {
            if (h < mn) {
              up = low;
              mn = h;
            }
            collist[static_cast<std::size_t>(k)] = collist[static_cast<std::size_t>(up)];
            collist[static_cast<std::size_t>(up++)] = j;
          }
        }
        for (long k = low; k < up; ++k)
          if (colsol[static_cast<std::size_t>(collist[static_cast<std::size_t>(k)])] < 0) {
            endofpath = collist[static_cast<std::size_t>(k)];
            found = true;
            break;
          }
      }
      if (!found) {  // scan one column at the current level
        const long j1 = collist[static_cast<std::size_t>(low++)];
        const long i = colsol[static_cast<std::size_t>(j1)];
        const double* ci = c + i * n;
        const double h = ci[j1] - v[j1] - mn;
        for (long k = up; k < n; ++k) {
          const long j = collist[static_cast<std::size_t>(k)];
          const double v2 = ci[j] - v[j] - h;
          if (v2 < d[static_cast<std::size_t>(j)]) {
            pred[static_cast<std::size_t>(j)] = i;
            if (v2 == mn) {
              if (colsol[static_cast<std::size_t>(j)] < 0) {
                endofpath = j;
                found = true;
                break;
              }
              collist[static_cast<std::size_t>(k)] = collist[static_cast<std::size_t>(up)];
              collist[static_cast<std::size_t>(up++)] = j;
            }
            d[static_cast<std::size_t>(j)] = v2;
          }
        }
      }
    } while (!found);

    for (long k = 0; k <= last; ++k) {  // price update of the ready columns
      const long j1 = collist[static_cast<std::size_t>(k)];
      v[j1] += d[static_cast<std::size_t>(j1)] - mn;
    }
    long i = -1;
    do {  // augment
      i = pred[static_cast<std::size_t>(endofpath)];
      colsol[static_cast<std::size_t>(endofpath)] = i;
      const long j1 = endofpath;
      endofpath = rowsol[static_cast<std::size_t>(i)];
      rowsol[static_cast<std::size_t>(i)] = j1;
    } while (i != freerow);
  }

  for (long i = 0; i < n; ++i) {
    const long j = rowsol[static_cast<std::size_t>(i)];
    u[i] = at(i, j) - v[j];
  }
}

AssignmentSolution solve_row_major(const std::vector<double>& c, long n) {
  // Dijkstra needs nonnegative reduced costs at the start (u = v = 0). A negative minimum is
  // shifted away on a copy (every matching's cost changes by n * shift) and the shift is put
  // back into u; squared distances never need it.
  AssignmentSolution s;
  const double cmin = *std::min_element(c.begin(), c.end());
  if (cmin < 0.0) {
    std::vector<double> shifted(c);
    for (double& e : shifted) e -= cmin;
    lap_core(shifted.data(), n, s.assignment, s.u, s.v);
    s.u.array() += cmin;
  } else {
    lap_core(c.data(), n, s.assignment, s.u, s.v);
  }
  s.total_cost = 0.0;
  for (long i = 0; i < n; ++i) s.total_cost += c[static_cast<std::size_t>(i * n + s.assignment[static_cast<std::size_t>(i)])];
  return s;
}

}  // namespace

AssignmentSolution solve_assignment(const Eigen::MatrixXd& cost) {
  const long n = cost.rows();
  if (n == 0 || cost.cols() != n)
    throw std::invalid_argument("cost: expected a nonempty square matrix, got " + std::to_string(cost.rows()) + " x " +
                                std::to_string(cost.cols()));
  if (!cost.allFinite()) throw std::invalid_argument("cost: non-finite entry");
  std::vector<double> c(static_cast<std::size_t>(n * n));
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) c[static_cast<std::size_t>(i * n + j)] = cost(i, j);
  return solve_row_major(c, n);
}

AssignmentResult w2_squared_assignment(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  ot_detail::check_samples(x, "x");
  ot_detail::check_samples(y, "y");
  ot_detail::check_same_dimension(x, "x", y, "y");
  const long n = x.cols();
  if (y.cols() != n)
    throw std::invalid_argument("y: " + std::to_string(y.cols()) + " points but x has " + std::to_string(n) +
                                "; the assignment solver needs equal sizes (use w2_squared_network_simplex)");
  std::vector<double> c(static_cast<std::size_t>(n * n));
  ot_detail::fill_cost_row_major(x, y, c.data());
  AssignmentSolution s = solve_row_major(c, n);
  AssignmentResult r;
  r.w2_squared.value = s.total_cost / static_cast<double>(n);
  r.w2_squared.diagnostics.iterations = n;
  r.assignment = std::move(s.assignment);
  r.u = std::move(s.u);
  r.v = std::move(s.v);
  return r;
}

double assignment_certificate_violation(const Eigen::MatrixXd& cost, const std::vector<long>& assignment,
                                        const Eigen::VectorXd& u, const Eigen::VectorXd& v) {
  const long n = cost.rows();
  if (n == 0 || cost.cols() != n)
    throw std::invalid_argument("cost: expected a nonempty square matrix, got " + std::to_string(cost.rows()) + " x " +
                                std::to_string(cost.cols()));
  if (static_cast<long>(assignment.size()) != n)
    throw std::invalid_argument("assignment: length " + std::to_string(assignment.size()) + " does not match cost's " +
                                std::to_string(n) + " rows");
  if (u.size() != n) throw std::invalid_argument("u: length " + std::to_string(u.size()) + ", expected " + std::to_string(n));
  if (v.size() != n) throw std::invalid_argument("v: length " + std::to_string(v.size()) + ", expected " + std::to_string(n));
  std::vector<char> used(static_cast<std::size_t>(n), 0);
  for (long i = 0; i < n; ++i) {
    const long j = assignment[static_cast<std::size_t>(i)];
    if (j < 0 || j >= n || used[static_cast<std::size_t>(j)])
      throw std::invalid_argument("assignment: not a permutation of 0.." + std::to_string(n - 1) + " (entry " +
                                  std::to_string(i) + ")");
    used[static_cast<std::size_t>(j)] = 1;
  }
  double worst = 0.0;
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i) worst = std::max(worst, u[i] + v[j] - cost(i, j));
  for (long i = 0; i < n; ++i) {
    const long j = assignment[static_cast<std::size_t>(i)];
    worst = std::max(worst, std::abs(cost(i, j) - u[i] - v[j]));
  }
  if (!std::isfinite(worst)) return std::numeric_limits<double>::infinity();
  return worst;
}

}  // namespace ldbench::verify::estimators
