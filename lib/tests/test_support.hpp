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

namespace ldbench::lib::test {

// False-alarm probability of each statistical comparison (two-sided where applicable).
inline constexpr double kFalseAlarm = 1e-6;

inline constexpr std::uint32_t kDefaultSeed = 20240611u;

inline std::uint32_t test_seed() {
  if (const char* s = std::getenv("LDBENCH_TEST_SEED")) return static_cast<std::uint32_t>(std::strtoul(s, nullptr, 10));
  return kDefaultSeed;
}

inline std::string seed_trace(std::uint32_t seed) {
  return "seed = " + std::to_string(seed) + " (override with LDBENCH_TEST_SEED)";
}

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

// Least-squares slope of y against x.
inline double ls_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  return sxy / sxx;
}

// Passes iff f() throws std::invalid_argument whose message contains `needle`.
template <class F>
::testing::AssertionResult throws_invalid_argument_naming(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "message '" << e.what() << "' does not name '" << needle << "'";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a different exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw (expected std::invalid_argument naming '" << needle
                                       << "')";
}

}  // namespace ldbench::lib::test
