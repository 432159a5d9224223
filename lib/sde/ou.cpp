#include "lib/sde/ou.hpp"

#include <cmath>
#include <stdexcept>

#include "lib/parallel.hpp"

namespace ldbench::lib::sde {

std::string_view to_string(OuMutant m) {
  switch (m) {
    case OuMutant::none: return "none";
    case OuMutant::noise_sqrt_dt: return "noise_sqrt_dt";
    case OuMutant::drift_flipped: return "drift_flipped";
  }
  return "none";
}

std::vector<std::string> ou_mutant_names() { return {"none", "noise_sqrt_dt", "drift_flipped"}; }

OuMutant ou_mutant_from_string(std::string_view name) {
  for (OuMutant m : {OuMutant::none, OuMutant::noise_sqrt_dt, OuMutant::drift_flipped})
    if (to_string(m) == name) return m;
  throw std::invalid_argument("mutant: unknown '" + std::string(name) +
                              "'; allowed: none, noise_sqrt_dt, drift_flipped");
}

namespace {
void validate(const OuSdeParams& p) {
  if (!(std::isfinite(p.a) && p.a > 0)) throw std::invalid_argument("a: must be finite and > 0");
  if (!(std::isfinite(p.lambda) && p.lambda > 0)) throw std::invalid_argument("lambda: must be finite and > 0");
}
}  // namespace

Sde ornstein_uhlenbeck(int dim, const OuSdeParams& p, OuMutant mutant) {
  validate(p);
  if (dim < 1) throw std::invalid_argument("dim: must be >= 1");
  const double drift_sign = mutant == OuMutant::drift_flipped ? +1.0 : -1.0;
  const double sigma = mutant == OuMutant::noise_sqrt_dt ? std::sqrt(p.lambda) : std::sqrt(2.0 * p.lambda);
  Sde sde;
  sde.dim = dim;
  sde.drift = [a = p.a, drift_sign](const Ensemble& X, double, Ensemble& out) { out = (drift_sign * a) * X; };
  sde.sigma = [sigma](double) { return sigma; };
  return sde;
}

void ou_exact_coupled(const OuSdeParams& p, Ensemble& X, const EulerMaruyamaOptions& opt) {
  validate(p);
  opt.grid.validate();
  const double h = opt.grid.step;
  const double decay = std::exp(-p.a * h);
  const double c = -std::expm1(-p.a * h) / p.a;              // Cov(dB, J)
  const double var_j = -std::expm1(-2.0 * p.a * h) / (2.0 * p.a);
  const double resid = std::max(var_j - c * c / h, 0.0);      // ≈ a² h³ / 12
  const double s = std::sqrt(2.0 * p.lambda);
  const double coef_xi = s * c / std::sqrt(h);
  const double coef_zeta = s * std::sqrt(resid);
  const rng::Key zkey{opt.key.seed, static_cast<std::uint32_t>(rng::StreamTag::coupling)};
  const long n = X.cols();
  const int d = static_cast<int>(X.rows());
  const int threads = resolve_threads(opt.threads);
  for (std::uint32_t k = 0; k < opt.grid.n_steps; ++k) {
#pragma omp parallel for schedule(static) num_threads(threads) if (threads != 1)
    for (long i = 0; i < n; ++i) {
      const std::uint32_t gi = opt.particle_offset + static_cast<std::uint32_t>(i);
      for (int j = 0; j < d; j += 2) {
        const auto xi = rng::normal2({opt.replica, gi, k, static_cast<std::uint32_t>(j / 2)}, opt.key);
        const auto ze = rng::normal2({opt.replica, gi, k, static_cast<std::uint32_t>(j / 2)}, zkey);
        const int m = std::min(2, d - j);
        for (int q = 0; q < m; ++q) {
          double& x = X(j + q, i);
          x = decay * x + coef_xi * xi[q] + coef_zeta * ze[q];
        }
      }
    }
  }
}

}  // namespace ldbench::lib::sde
