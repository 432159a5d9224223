// Thread-count plumbing for OpenMP loops. ldbench results never depend on the thread count:
// parallel loops only touch per-particle state, and reductions that feed results run serially
// in a fixed order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>

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

// Runs body(b) for b = 0..nb-1 over min(threads, nb) OpenMP threads (dynamic schedule, one block at
// a time); the first exception thrown by a body is rethrown after the loop. The blocks must write
// disjoint state for the result not to depend on the thread count.
template <typename F>
void parallel_blocks(std::ptrdiff_t nb, int threads, F&& body) {
  const int nt = std::max(1, std::min<int>(resolve_threads(threads), static_cast<int>(nb)));
  std::exception_ptr eptr;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1)
  for (std::ptrdiff_t b = 0; b < nb; ++b) {
    try {
      body(b);
    } catch (...) {
#pragma omp critical(ldbench_parallel_blocks_error)
      if (!eptr) eptr = std::current_exception();
    }
  }
  if (eptr) std::rethrow_exception(eptr);
}

}  // namespace ldbench::lib
