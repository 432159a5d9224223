#include "experiments/catalogues.hpp"

namespace ldbench::experiments {

Catalogues& catalogues() {
  // Filled in place: `models` keeps a pointer to `potentials`, so the instance never moves.
  static Catalogues c;
  static const bool filled = [] {
    verify::estimators::register_builtin_estimators(c.estimators);
    lib::potentials::register_builtin_potentials(c.potentials);
    lib::models::register_builtin_models(c.models);
    c.models.set_fallback(&c.potentials);
    return true;
  }();
  (void)filled;
  return c;
}

}  // namespace ldbench::experiments
