// GoogleTest helpers shared by every test folder (theory/ is the bottom of the dependency graph,
// so all tests can include this): reproducible seeds, least-squares slopes, and an assertion
// that a call throws std::invalid_argument whose message names the offending input.
//
// Randomized tests use kDefaultSeed unless the environment variable LDBENCH_TEST_SEED overrides
// it (DESIGN.md §8: randomized tests print and accept their seed); seed_trace() goes into every
// statistical failure message.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace ldbench::test {

inline constexpr std::uint32_t kDefaultSeed = 20240611u;

// The seed for randomized tests: LDBENCH_TEST_SEED if set, else kDefaultSeed.
inline std::uint32_t test_seed() {
  if (const char* s = std::getenv("LDBENCH_TEST_SEED")) return static_cast<std::uint32_t>(std::strtoul(s, nullptr, 10));
  return kDefaultSeed;
}

inline std::string seed_trace(std::uint32_t seed) {
  return "seed = " + std::to_string(seed) + " (override with LDBENCH_TEST_SEED)";
}

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

}  // namespace ldbench::test
