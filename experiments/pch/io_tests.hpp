// Precompiled header of the experiments test executable (the kind tests, 9+ files): the I/O
// edge's header plus GoogleTest. Build infrastructure only: code must still include what it uses.

#include <gtest/gtest.h>

#include "experiments/pch/io.hpp"
