// Precompiled header for the numeric libraries (theory, lib, verify): the standard library and the
// third-party headers nearly every translation unit parses. Build infrastructure only: Meson
// compiles it once per target (`cpp_pch`) and force-includes it, which saves several seconds of
// parsing per file (measured: 27 s -> 18 s for theory/tests/test_discretization.cpp on a loaded
// 2-core machine). Building a precompiled header costs about as much as 3-4 files, so only targets
// with many files use one (theory, lib, verify, experiments, theory_tests, lib_tests), and it
// holds only what most files parse (Eigen/Sparse and Boost's distributions stay out). Code must
// still include what it uses; nothing may rely on this file.
// No JSON here: lib/ and verify/ stay free of it. (No include guard: GCC warns about `#pragma
// once` in a precompiled main file, and the file is only ever force-included once.)

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
