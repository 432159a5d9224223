// Shared helpers for the verify/ unit tests (verify_tests): reproducible seeds and an assertion
// that a call throws std::invalid_argument whose message names the offending input.
//
// Randomized tests draw from std::mt19937_64 seeded with kDefaultSeed unless the environment
// variable LDBENCH_TEST_SEED overrides it (DESIGN.md §8: randomized tests print and accept their
// seed); the seed is part of every statistical assertion message.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>

namespace ldbench::verify::test {

inline constexpr std::uint64_t kDefaultSeed = 20240611u;

// The seed for randomized tests: LDBENCH_TEST_SEED if set, else kDefaultSeed.
inline std::uint64_t test_seed() {
  if (const char* s = std::getenv("LDBENCH_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return kDefaultSeed;
}

inline std::string seed_msg(std::uint64_t seed) {
  return "seed = " + std::to_string(seed) + " (std::mt19937_64; override with LDBENCH_TEST_SEED)";
}

// Passes iff f() throws std::invalid_argument and the message contains `needle`.
template <class F>
::testing::AssertionResult throws_invalid_argument_naming(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "message '" << e.what() << "' does not contain '" << needle << "'";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a different exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw (expected std::invalid_argument containing '" << needle
                                       << "')";
}

}  // namespace ldbench::verify::test
