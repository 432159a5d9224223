#include "lib/sde/euler_maruyama.hpp"

#include "lib/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ldbench::lib::sde {

void TimeGrid::validate() const {
  if (!(std::isfinite(step) && step > 0)) throw std::invalid_argument("step: must be finite and > 0");
  if (!std::isfinite(t0)) throw std::invalid_argument("t0: must be finite");
}

TimeGrid TimeGrid::covering(double t_end, double step) {
  if (!(std::isfinite(step) && step > 0)) throw std::invalid_argument("step: must be finite and > 0");
  if (!(std::isfinite(t_end) && t_end > 0)) throw std::invalid_argument("t_end: must be finite and > 0");
  const double n = std::round(t_end / step);
  if (std::abs(n * step - t_end) > 1e-9 * t_end)
    throw std::invalid_argument("step: " + std::to_string(step) + " does not divide t_end " +
                                std::to_string(t_end) + "; choose t_end / step integral");
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("step: too many steps for t_end / step");
  return {0.0, t_end / n, static_cast<std::uint32_t>(n)};
}

NumericalBlowUp::NumericalBlowUp(std::uint32_t k, double t, std::uint32_t i)
    : std::runtime_error("numerical blow-up: non-finite state at step " + std::to_string(k) +
                         " (t = " + std::to_string(t) + ", particle " + std::to_string(i) +
                         "); reduce the step size or check the drift"),
      step(k),
      time(t),
      particle(i) {}

void euler_maruyama(const Sde& sde, Ensemble& X, const EulerMaruyamaOptions& opt,
                    const std::vector<std::uint32_t>& observe_steps, const Observer& observer) {
  opt.grid.validate();
  if (X.rows() != sde.dim) throw std::invalid_argument("X: rows must equal the SDE dimension");
  if (!sde.drift || !sde.sigma) throw std::invalid_argument("sde: drift and sigma must be set");
  if (!std::is_sorted(observe_steps.begin(), observe_steps.end()) ||
      (!observe_steps.empty() && observe_steps.back() > opt.grid.n_steps))
    throw std::invalid_argument("observe_steps: must be sorted and <= n_steps");

  const long n = X.cols();
  const int d = sde.dim;
  const double h = opt.grid.step;
  const double sqrt_h = std::sqrt(h);
  Ensemble B(X.rows(), X.cols());
  auto next_obs = observe_steps.begin();
  auto observe = [&](std::uint32_t k) {
    while (next_obs != observe_steps.end() && *next_obs == k) {
      if (observer) observer(k, opt.grid.time(k), X);
      ++next_obs;
    }
  };
  observe(0);
  const int threads = resolve_threads(opt.threads);
  for (std::uint32_t k = 0; k < opt.grid.n_steps; ++k) {
    const double t = opt.grid.time(k);
    sde.drift(X, t, B);
    const double s = sde.sigma(t) * sqrt_h;
    long first_bad = n;
#pragma omp parallel for schedule(static) reduction(min : first_bad) num_threads(threads) if (threads != 1)
    for (long i = 0; i < n; ++i) {
      const std::uint32_t gi = opt.particle_offset + static_cast<std::uint32_t>(i);
      double z[2];
      bool finite = true;
      for (int j = 0; j < d; j += 2) {
        const auto pair = rng::normal2({opt.replica, gi, k, static_cast<std::uint32_t>(j / 2)}, opt.key);
        z[0] = pair[0];
        z[1] = pair[1];
        const int m = std::min(2, d - j);
        for (int c = 0; c < m; ++c) {
          double& x = X(j + c, i);
          x += h * B(j + c, i) + s * z[c];
          finite = finite && std::isfinite(x);
        }
      }
      if (!finite) first_bad = std::min(first_bad, i);
    }
    if (first_bad < n)
      throw NumericalBlowUp(k + 1, opt.grid.time(k + 1),
                            opt.particle_offset + static_cast<std::uint32_t>(first_bad));
    observe(k + 1);
  }
}

}  // namespace ldbench::lib::sde
