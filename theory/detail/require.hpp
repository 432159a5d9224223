// Argument checks shared by theory/'s .cpp files: each throws std::invalid_argument whose message
// starts with the argument's name, the convention of every theory/ header. Internal: not part of
// the public theory/ API.
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ldbench::theory::detail {

inline void require_positive(double v, const char* name) {
  if (!(std::isfinite(v) && v > 0)) throw std::invalid_argument(std::string(name) + ": must be finite and > 0");
}

inline void require_nonnegative(double v, const char* name) {
  if (!(std::isfinite(v) && v >= 0)) throw std::invalid_argument(std::string(name) + ": must be finite and >= 0");
}

inline void require_at_least(double v, double lo, const char* name) {
  if (!(std::isfinite(v) && v >= lo)) {
    std::ostringstream os;
    os << name << ": must be finite and >= " << lo;
    throw std::invalid_argument(os.str());
  }
}

}  // namespace ldbench::theory::detail
