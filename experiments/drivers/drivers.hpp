// Built-in experiment drivers, one register function per family.
#pragma once

#include "experiments/registry.hpp"

namespace ldbench::experiments::drivers {

void register_ou_kinds(KindRegistry& r);

}  // namespace ldbench::experiments::drivers
