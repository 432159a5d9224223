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

#include "theory/tests/test_common.hpp"

namespace ldbench::verify::test {

using ldbench::test::test_seed;
using ldbench::test::throws_invalid_argument_naming;

inline std::string seed_msg(std::uint64_t seed) {
  return ldbench::test::seed_trace(static_cast<std::uint32_t>(seed)) + ", std::mt19937_64";
}

}  // namespace ldbench::verify::test
