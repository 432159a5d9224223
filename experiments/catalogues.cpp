#include "experiments/catalogues.hpp"

namespace ldbench::experiments {

Catalogues& catalogues() {
  static Catalogues c = [] {
    Catalogues out;
    verify::estimators::register_builtin_estimators(out.estimators);
    lib::potentials::register_builtin_potentials(out.potentials);
    return out;
  }();
  return c;
}

}  // namespace ldbench::experiments
