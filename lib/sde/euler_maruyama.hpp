// Euler–Maruyama for an ensemble of particles of the Itô SDE
//
//   dX = b(X, t) dt + sigma(t) dB,   X in R^d,  B a d-dimensional Brownian motion,
//
// on the uniform grid t_k = t0 + k h, k = 0..n_steps:
//
//   X_{k+1} = X_k + h b(X_k, t_k) + sigma(t_k) sqrt(h) xi_k,
//   xi_k = NormalStream(key, replica, particle_offset + i, k).normal(0..d-1)   (lib/rng)
//
// Weak order 1 and strong order 1/2 in general (strong order 1 for additive noise); see
// Kloeden & Platen (1992), §14.1. The ensemble is a d x N matrix, one particle per column.
// Particles are independent given the drift, and every increment is a pure function of its
// indices, so the result does not depend on the thread count.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lib/rng/philox.hpp"

namespace ldbench::lib::sde {

using Ensemble = Eigen::MatrixXd;  // d x N, particle i is column i

struct Sde {
  int dim = 1;
  // out(:, i) = b(X(:, i), t) for every particle; out is pre-sized to X's shape. The drift may
  // couple particles (mean-field models), hence the whole ensemble at once.
  std::function<void(const Ensemble& X, double t, Ensemble& out)> drift;
  // Scalar diffusion coefficient sigma(t).
  std::function<double(double t)> sigma;
};

struct TimeGrid {
  double t0 = 0.0;
  double step = 0.01;
  std::uint32_t n_steps = 0;

  double time(std::uint32_t k) const { return t0 + step * static_cast<double>(k); }
  // Throws std::invalid_argument naming the field unless step > 0 and finite.
  void validate() const;
  // The grid with step T / n_steps, n_steps = round(T / step), refusing non-integer ratios.
  static TimeGrid covering(double t_end, double step);
};

struct EulerMaruyamaOptions {
  TimeGrid grid;
  rng::Key key;                       // stream tag should be rng::StreamTag::brownian
  std::uint32_t replica = 0;
  std::uint32_t particle_offset = 0;  // global index of column 0 (sharded runs)
  int threads = 0;                    // 0: the OpenMP default
};

// Thrown when a particle's state stops being finite; names the step and the time.
class NumericalBlowUp : public std::runtime_error {
 public:
  NumericalBlowUp(std::uint32_t step, double time, std::uint32_t particle);
  std::uint32_t step;
  double time;
  std::uint32_t particle;  // global index of the first non-finite particle
};

// Called after step k (k = 0 is the initial state) with the ensemble at grid time t_k.
using Observer = std::function<void(std::uint32_t k, double t, const Ensemble& X)>;

// Advances X in place from t0 to t0 + n_steps h. observe_steps (sorted, each <= n_steps) are
// the grid indices at which observer is called. Throws NumericalBlowUp on NaN/Inf.
void euler_maruyama(const Sde& sde, Ensemble& X, const EulerMaruyamaOptions& opt,
                    const std::vector<std::uint32_t>& observe_steps = {},
                    const Observer& observer = {});

}  // namespace ldbench::lib::sde
