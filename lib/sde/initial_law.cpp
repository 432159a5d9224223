#include "lib/sde/initial_law.hpp"

#include <cmath>
#include <stdexcept>

#include "lib/parallel.hpp"

namespace ldbench::lib::sde {

void IsotropicMixture::validate() const {
  if (weights.empty()) throw std::invalid_argument("weights: need at least one component");
  if (means.size() != weights.size()) throw std::invalid_argument("means: need one mean per weight");
  if (variances.size() != weights.size()) throw std::invalid_argument("variances: need one variance per weight");
  double sum = 0;
  for (std::size_t j = 0; j < weights.size(); ++j) {
    if (!(std::isfinite(weights[j]) && weights[j] > 0)) throw std::invalid_argument("weights: entries must be finite and > 0");
    if (means[j].size() != means.front().size() || means[j].size() == 0)
      throw std::invalid_argument("means: all means must have the same length d >= 1");
    if (!means[j].allFinite()) throw std::invalid_argument("means: entries must be finite");
    if (!(std::isfinite(variances[j]) && variances[j] > 0)) throw std::invalid_argument("variances: entries must be finite and > 0");
    sum += weights[j];
  }
  if (std::abs(sum - 1.0) > 1e-12) throw std::invalid_argument("weights: must sum to 1");
}

Ensemble sample_initial(const IsotropicMixture& law, long n, std::uint32_t seed, std::uint32_t replica,
                        std::uint32_t particle_offset, int threads, rng::StreamTag stream) {
  law.validate();
  if (n < 1) throw std::invalid_argument("particles: must be >= 1");
  const int d = law.dim();
  Ensemble X(d, n);
  const rng::Key key{seed, static_cast<std::uint32_t>(stream)};
  const int nt = resolve_threads(threads);
  const std::size_t K = law.weights.size();
#pragma omp parallel for schedule(static) num_threads(nt) if (nt != 1)
  for (long i = 0; i < n; ++i) {
    const std::uint32_t gi = particle_offset + static_cast<std::uint32_t>(i);
    std::size_t comp = 0;
    if (K > 1) {
      const double u = rng::uniform01x2({replica, gi, 1, 0}, key)[0];
      double acc = 0;
      for (comp = 0; comp + 1 < K; ++comp) {
        acc += law.weights[comp];
        if (u <= acc) break;
      }
    }
    const double s = std::sqrt(law.variances[comp]);
    const rng::NormalStream z(key, replica, gi, 0);
    for (int j = 0; j < d; ++j) X(j, i) = law.means[comp](j) + s * z.normal(static_cast<std::uint32_t>(j));
  }
  return X;
}

}  // namespace ldbench::lib::sde
