// Precompiled header for the tests of the I/O edge: io.hpp plus GoogleTest.

#include <gtest/gtest.h>

#include "experiments/pch/io.hpp"
