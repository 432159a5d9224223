// Built-in experiment drivers, one register function per family.
#pragma once

#include "experiments/registry.hpp"

namespace ldbench::experiments::drivers {

void register_ou_kinds(KindRegistry& r);
void register_estimator_kinds(KindRegistry& r);  // estimators.cpp
void register_fp_kinds(KindRegistry& r);         // fp.cpp, fp_ula.cpp
void register_langevin_kinds(KindRegistry& r);   // langevin.cpp (Gaussian ULA law, MALA invariance)
void register_posterior_kinds(KindRegistry& r);  // posterior.cpp (Bayesian posterior of a finite-sum model)
void register_nonconvex_kinds(KindRegistry& r);  // nonconvex.cpp (Raginsky–Rakhlin–Telgarsky)
void register_complexity_kinds(KindRegistry& r); // complexity.cpp (gradient evaluations vs n)
void register_mfld_kinds(KindRegistry& r);       // mfld.cpp (mean-field Langevin dynamics, quadratic model)
void register_mfld_nonlinear_kinds(KindRegistry& r);  // mfld_nonlinear.cpp (MFLD, single-index tanh model vs the grid)

}  // namespace ldbench::experiments::drivers
