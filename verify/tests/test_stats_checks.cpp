#include <gtest/gtest.h>
#include "verify/stats/confidence.hpp"
TEST(Stats, Placeholder) { EXPECT_NEAR(ldbench::verify::stats::t_quantile(0.975, 1000), 1.962, 1e-3); }
