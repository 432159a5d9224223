#include <gtest/gtest.h>
#include "verify/estimators/kl.hpp"
TEST(Est, Placeholder) { EXPECT_THROW(ldbench::verify::estimators::kl_estimator_from_string("x"), std::invalid_argument); }
