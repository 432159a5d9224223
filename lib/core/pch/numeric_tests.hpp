// Precompiled header for the unit-test executables of theory/, lib/ and verify/: numeric.hpp plus
// GoogleTest and the quadrature the theory tests use. See numeric.hpp for the rules.

#include <gtest/gtest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/quadrature/sinh_sinh.hpp>

#include "lib/core/pch/numeric.hpp"
