// The Ornstein–Uhlenbeck SDE dX = -a X dt + sqrt(2 lambda) dB as an lib::sde::Sde, its
// deliberately broken variants (mutants, for negative tests of the checks), and an exact OU
// solution coupled to Euler–Maruyama's Brownian increments.
//
// Coupled exact solution. Over one grid step of length h with Euler–Maruyama increment
// dB = sqrt(h) xi, the exact OU update is
//   X_{k+1} = e^{-a h} X_k + sqrt(2 lambda) J,     J = ∫_0^h e^{-a(h-s)} dB_s,
// and (dB, J) is jointly Gaussian with Var dB = h, Var J = (1 - e^{-2ah})/(2a),
// Cov(dB, J) = c = (1 - e^{-ah})/a. Hence J = (c/sqrt(h)) xi + sqrt(Var J - c²/h) zeta with
// zeta ~ N(0, I) independent of xi (drawn from the StreamTag::coupling stream). Because the
// counter-based RNG makes xi a pure function of (seed, replica, particle, step, coordinate), the
// exact solution sees the very increments the integrator under test saw; f(X^h_T) - f(X_T) then
// has variance O(h²), which is what makes weak-order fits sharp (a control variate; the exact
// solution has exactly the law of X_T, so the weak error estimate stays unbiased).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/sde/euler_maruyama.hpp"

namespace ldbench::lib::sde {

struct OuSdeParams {
  double a = 1.0;
  double lambda = 1.0;
};

// Variants of the OU SDE handed to the integrator. Only `none` is correct.
enum class OuMutant {
  none,
  noise_sqrt_dt,  // sigma = sqrt(lambda) instead of sqrt(2 lambda): noise sqrt(dt), not sqrt(2 dt)
  drift_flipped,  // drift +a X instead of -a X
};
std::string_view to_string(OuMutant m);
// Throws std::invalid_argument listing the allowed names.
OuMutant ou_mutant_from_string(std::string_view name);
std::vector<std::string> ou_mutant_names();

Sde ornstein_uhlenbeck(int dim, const OuSdeParams& p, OuMutant mutant = OuMutant::none);

// Advances X exactly along the OU flow over opt.grid, reusing the Brownian normals that
// euler_maruyama(…, opt) draws (same key, replica, particle indices and steps) and extra normals
// from stream StreamTag::coupling with the same seed.
void ou_exact_coupled(const OuSdeParams& p, Ensemble& X, const EulerMaruyamaOptions& opt);

}  // namespace ldbench::lib::sde
