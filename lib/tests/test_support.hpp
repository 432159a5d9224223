// Shared helpers for the lib/ tests: sample statistics with their standard errors, the normal
// critical value for a given false-alarm rate, least-squares slopes, and an assertion that a
// call throws std::invalid_argument whose message names the offending argument.
//
// Statistical tests (Stan Math style) use a fixed seed and a tiny false-alarm rate per
// comparison (kFalseAlarm), so a failure means a bug, not bad luck; the seed can be overridden
// with LDBENCH_TEST_SEED and is printed in every failure message.
#pragma once

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "theory/tests/test_common.hpp"

namespace ldbench::lib::test {

using ldbench::test::ls_slope;
using ldbench::test::seed_trace;
using ldbench::test::test_seed;
using ldbench::test::throws_invalid_argument_naming;

// False-alarm probability of each statistical comparison (two-sided where applicable).
inline constexpr double kFalseAlarm = 1e-6;

// z such that P(|N(0,1)| > z) = alpha.
inline double z_two_sided(double alpha = kFalseAlarm) {
  return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(), alpha / 2));
}

// Mean and unbiased variance of a sample.
struct SampleMoments {
  double mean = 0, variance = 0;
  long n = 0;
};
template <class Range>
SampleMoments moments(const Range& xs) {
  SampleMoments m;
  for (double x : xs) {
    ++m.n;
    m.mean += x;
  }
  m.mean /= static_cast<double>(m.n);
  for (double x : xs) m.variance += (x - m.mean) * (x - m.mean);
  m.variance /= static_cast<double>(m.n - 1);
  return m;
}
inline SampleMoments row_moments(const Eigen::MatrixXd& X, int row) {
  const Eigen::VectorXd r = X.row(row).transpose();
  return moments(std::vector<double>(r.data(), r.data() + r.size()));
}

// Standard errors under a Gaussian law with variance v and n samples: of the sample mean,
// sqrt(v/n); of the unbiased sample variance, v sqrt(2/(n-1)).
inline double se_mean(double v, long n) { return std::sqrt(v / static_cast<double>(n)); }
inline double se_variance(double v, long n) { return v * std::sqrt(2.0 / static_cast<double>(n - 1)); }

}  // namespace ldbench::lib::test
