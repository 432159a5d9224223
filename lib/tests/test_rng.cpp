#include <gtest/gtest.h>
#include "lib/rng/philox.hpp"
TEST(Rng, Kat) {
  const auto w = ldbench::lib::rng::philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0});
  EXPECT_EQ(w[0], 0xd16cfe09u);
}
