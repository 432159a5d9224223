// Shared helpers for the theory/ unit tests: reproducible random inputs, quadrature over the real
// line, relative errors with worst-case tracking, least-squares slopes, and an assertion that a
// call throws std::invalid_argument whose message names the offending argument.
//
// Randomized tests use a fixed seed (kDefaultSeed) unless the environment variable
// LDBENCH_TEST_SEED overrides it; the seed is printed in every failure message (SCOPED_TRACE).
#pragma once

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <boost/math/quadrature/sinh_sinh.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "theory/gaussian.hpp"
#include "theory/tests/test_common.hpp"

namespace ldbench::theory::test {

using ldbench::test::ls_slope;
using ldbench::test::seed_trace;
using ldbench::test::test_seed;
using ldbench::test::throws_invalid_argument_naming;


// |got - want| / |want|; falls back to the absolute error when want == 0.
inline double rel_err(double got, double want) {
  const double diff = std::abs(got - want);
  return want == 0.0 ? diff : diff / std::abs(want);
}

// Tracks the largest error over a family of inputs and prints it, Boost.Math style, so that a
// passing run still shows how much head-room each tolerance has.
class WorstError {
 public:
  explicit WorstError(std::string what) : what_(std::move(what)) {}
  void update(double err, const std::string& where) {
    if (std::isnan(worst_)) return;  // a NaN stays the worst error once seen
    if (!(err <= worst_)) {          // also catches a first NaN
      worst_ = err;
      where_ = where;
    }
  }
  double value() const { return worst_; }
  ~WorstError() {
    std::cout << "    [worst] " << what_ << ": " << worst_ << " at " << where_ << '\n';
  }

 private:
  std::string what_;
  double worst_ = 0.0;
  std::string where_ = "(no inputs)";
};

// Integral over the real line of a function concentrated around `center` at length scale
// `scale`: substitute x = center + scale*y and use the sinh-sinh rule on (-inf, inf), a different
// quadrature family from the Gauss-Kronrod rule used inside theory/.
template <class F>
double integrate_real_line(F f, double center, double scale) {
  boost::math::quadrature::sinh_sinh<double> rule;
  return scale * rule.integrate([&](double y) { return f(center + scale * y); }, 1e-13);
}

// A random SPD matrix A Aᵀ + floor I with A's entries i.i.d. N(0, 1); the floor keeps the
// condition number moderate so identities hold to ~1e-12 in double precision.
inline Eigen::MatrixXd random_spd(int d, std::mt19937& gen, double floor = 0.3) {
  std::normal_distribution<double> n01;
  Eigen::MatrixXd A(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) A(i, j) = n01(gen);
  Eigen::MatrixXd S = A * A.transpose() / d + floor * Eigen::MatrixXd::Identity(d, d);
  return 0.5 * (S + S.transpose());
}

inline Eigen::VectorXd random_vector(int d, std::mt19937& gen, double sd = 1.0) {
  std::normal_distribution<double> n01;
  Eigen::VectorXd v(d);
  for (int i = 0; i < d; ++i) v(i) = sd * n01(gen);
  return v;
}

inline Gaussian random_gaussian(int d, std::mt19937& gen) {
  return {random_vector(d, gen), random_spd(d, gen)};
}

// A random orthogonal matrix (Q factor of a Gaussian matrix).
inline Eigen::MatrixXd random_orthogonal(int d, std::mt19937& gen) {
  std::normal_distribution<double> n01;
  Eigen::MatrixXd A(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) A(i, j) = n01(gen);
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(A);
  return qr.householderQ() * Eigen::MatrixXd::Identity(d, d);
}

}  // namespace ldbench::theory::test
