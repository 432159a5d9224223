// Initial laws for particle ensembles: isotropic Gaussian mixtures
//   p_0 = sum_j w_j N(mu_j, s_j² I)   in R^d,
// which cover Gaussian starts (one component) and smoothed multi-point starts (several).
// Particle i of replica r draws its component from the uniform at counter (r, i, 1, 0) and its
// normals from counter (r, i, 0, ·) of the stream (StreamTag::initial_law by default): a pure function of indices.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "lib/rng/philox.hpp"
#include "lib/sde/euler_maruyama.hpp"

namespace ldbench::lib::sde {

struct IsotropicMixture {
  std::vector<double> weights;          // > 0, sum 1
  std::vector<Eigen::VectorXd> means;   // each of length d
  std::vector<double> variances;        // > 0, per coordinate

  int dim() const { return means.empty() ? 0 : static_cast<int>(means.front().size()); }
  // Throws std::invalid_argument naming the field.
  void validate() const;
};

// Fills the d x n ensemble with independent draws (particle columns offset..offset+n-1).
// `stream` separates independent samples of one seed (e.g. a target's reference sample).
Ensemble sample_initial(const IsotropicMixture& law, long n, std::uint32_t seed, std::uint32_t replica,
                        std::uint32_t particle_offset = 0, int threads = 0,
                        rng::StreamTag stream = rng::StreamTag::initial_law);

}  // namespace ldbench::lib::sde
