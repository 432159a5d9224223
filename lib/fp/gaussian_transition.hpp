// The law of a Markov chain with Gaussian transitions x -> N(m(x), s²), propagated exactly on a
// 1-D finite-volume grid (lib/fp/grid.hpp): no particles, no Monte Carlo. Used for the law of ULA,
//   x_{k+1} = x_k - eta U'(x_k) + sqrt(2 eta lambda) xi_k   <=>   m(x) = x - eta U'(x), s² = 2 eta lambda
// (DESIGN.md §2), whose distance to the Fokker–Planck solution (lib/fp/fokker_planck.hpp) is the
// step-size bias of ULA (issue 5, verification 4).
//
// Representation. A density is the vector of cell values p_i (cell averages, Σ p_i h = 1). The
// exact one-step law of a density f is (K f)(y) = ∫ f(x) N(y; m(x), s²) dx; the grid recursion
// returns its cell averages. The source cell i is collapsed to its centre x_i, and the Gaussian
// mass on every target cell j is exact (erfc differences):
//   (T p)_j = Σ_i p_i [Phi((e_{j+1} - m_i)/sigma_i) - Phi((e_j - m_i)/sigma_i)],   m_i = m(x_i).
// Cell correction (Sheppard). The centres measure Σ_i p_i h δ_{x_i} of the cell averages of a smooth
// f has the moments of f convolved with the uniform law on [-h/2, h/2] (variance + h²/12, Sheppard's
// correction), and taking cell averages of the smooth image adds the same h²/12 again. Without a
// correction every step would add a_i² h²/12 of spurious variance (a_i = m'(x_i), the stretching of
// the cell by the mean map): an O(h²/eta) error after the T/eta steps of a fixed horizon T, which
// grows as eta -> 0. Hence the kernel variance is reduced by the stretched cell variance,
//   sigma_i² = s² - a_i² h²/12,   a_i = (m(x_i + h/2) - m(x_i - h/2)) / h,
// which leaves a per-step error O(h⁴) in the cumulants (the uniform law's higher cumulants) and an
// O(h²) non-accumulating error (the curvature of m inside a cell), so the recursion converges at
// O(h²) like the Fokker–Planck grid (O(h⁴) for a linear mean map). Requires sigma_i² > 0, i.e. h well below s (a step whose
// noise does not resolve the grid is refused: std::invalid_argument "variance: ...").
// (Tested against the exact Gaussian law of ULA on a quadratic potential, lib/tests/test_fp.cpp.)
//
// Truncation and mass. Each column (source i) keeps the target cells within truncation_sd·sigma_i of
// m_i (default 10: the dropped tails weigh erfc(10/sqrt 2) = 1.5e-23). Mass leaving the box or cut
// by the truncation is lost: column_mass(i) = Σ_j T_ji <= 1. apply() returns the image WITHOUT
// renormalising; the caller renormalises and reports the lost mass (see verify/harness/fp.hpp).
// Tails keep their relative accuracy: on each side of m_i the cell masses are differences of the
// tail function on that side (erfc), never of a cumulative near 1.
//
// Cost: building O(n · band) erfc evaluations, band = 2 truncation_sd sigma/h + 1 cells; apply()
// O(n · band), skipping source cells below 1e-30 of the largest value (their total mass is
// < n 1e-30, far below round-off; it is counted as lost by the caller's renormalisation). Storage:
// one contiguous band per source cell.
//
// Measured (lib/tests/test_fp.cpp): on U = x²/2 (linear mean map) the recursion converges to the
// exact ULA law's cell averages at order 4.00 in h (the curvature term vanishes); on the double well
// x⁴ - x² at order 2.02 (L1, against a 16x finer grid); without the cell correction the error at
// n = 150, eta = 0.01 is 3300x larger (0.022 vs 6.7e-6 in L1).
#pragma once

#include <Eigen/Core>
#include <functional>
#include <string>
#include <vector>

#include "lib/fp/grid.hpp"

namespace ldbench::lib::fp {

struct GaussianTransitionOptions {
  double truncation_sd = 10.0;  // band half-width in units of sigma_i, in [3, 40]
  bool cell_correction = true;  // sigma_i² = s² - a_i² h²/12 (see above); false: sigma_i² = s²

  // Ceres style: false and "<field>: ..." in *error when invalid.
  bool IsValid(std::string* error) const;
  void validate() const;
};

class GaussianTransition1d {
 public:
  // mean: the mean map m(x) (finite everywhere on the box); variance: s² > 0. Throws
  // std::invalid_argument naming "grid" (must be 1-D), "variance" (not > 0, or below the cell
  // correction a_i² h²/12 somewhere: refine the grid), "mean" (non-finite) or the option field.
  GaussianTransition1d(const Grid& grid, const std::function<double(double)>& mean, double variance,
                       const GaussianTransitionOptions& opt = {});

  // q = T p (cell values in, cell values out; q has the mass of p minus what left the box).
  Eigen::VectorXd apply(const Eigen::VectorXd& p) const;

  const Grid& grid() const { return grid_; }
  // Σ_j T_ji over the kept band: the fraction of source cell i's mass that stays in the box.
  double column_mass(long i) const { return column_mass_[static_cast<std::size_t>(i)]; }
  double min_column_mass() const;
  long nonzeros() const;              // stored entries
  double min_sigma() const { return min_sigma_; }
  double max_sigma() const { return max_sigma_; }

 private:
  Grid grid_;
  std::vector<long> first_;           // first target cell of column i
  std::vector<std::size_t> offset_;   // start of column i in weights_ (size n + 1)
  std::vector<double> weights_;       // T_ji (probabilities) for j = first_[i] ...
  std::vector<double> column_mass_;
  double min_sigma_ = 0, max_sigma_ = 0;
};

}  // namespace ldbench::lib::fp
