// Precompiled header for the I/O edge (the experiments library, 14 files): the numeric
// header plus nlohmann::json and the file-system headers. Build infrastructure only (see
// lib/core/pch/numeric.hpp): code must still include what it uses.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "lib/core/pch/numeric.hpp"
