// Thread-count plumbing for OpenMP loops. ldbench results never depend on the thread count:
// parallel loops only touch per-particle state, and reductions that feed results run serially
// in a fixed order.
#pragma once

#ifdef _OPENMP
#include <omp.h>
#endif

namespace ldbench::lib {

// requested > 0: that many threads; otherwise the OpenMP default (1 without OpenMP).
inline int resolve_threads(int requested) {
#ifdef _OPENMP
  return requested > 0 ? requested : omp_get_max_threads();
#else
  (void)requested;
  return 1;
#endif
}

}  // namespace ldbench::lib
