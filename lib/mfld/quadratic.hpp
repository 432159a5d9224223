// The quadratic-F mean-field model (DESIGN.md §3 item 7; theory/mean_field.hpp QuadraticMeanField) as
// a MeanFieldObjective on particles θ ∈ R^d:
//
//   F(mu) = (c/2) ||E_mu θ - b||² + lambda1 E_mu ||θ||²,
//   on the particle measure of Θ (d x N):  F(mu_N) = (c/2) ||m - b||² + (lambda1/N) sum_i ||θ_i||²,  m = (1/N) sum_i θ_i,
//   δF/δmu(mu)(θ) = c (m - b)·θ + lambda1 ||θ||²,   G(:, i) = c (m - b) + 2 lambda1 θ_i.
//
// No data: n() = 1. Step-size limit of full-gradient MFLD (exact: the N-particle system's mean mode
// contracts by 1 - eta (c + 2 lambda1), its deviation modes by 1 - 2 eta lambda1; theory
// quadratic_mf_mfld_law): eta < min(2/(c + 2 lambda1), 1/lambda1).
// Mutant self_interaction_only: m replaced by θ_i, G(:, i) = c (θ_i - b) + 2 lambda1 θ_i.
// lib/ does not depend on theory/ (DESIGN.md §1): the parameters are restated here (the driver maps
// theory::QuadraticMeanField to QuadraticParams; lambda2 is not part of F).
// Reductions: the mean is m = s/N with s = sum_i θ_i accumulated per block of kParticleBlock particles
// (Eigen's row sums within a block) and the block sums added in block order (lib/mfld/objective.hpp,
// "Sharding": statistic s ∈ R^d, phi(θ) = θ). Results do not depend on the thread count or, in a sharded
// run, on the rank count. (For N <= kParticleBlock this is the plain row sum of Θ.)
#pragma once

#include <Eigen/Core>

#include "lib/mfld/objective.hpp"

namespace ldbench::lib::mfld {

struct QuadraticParams {
  double c = 1.0;       // >= 0
  Eigen::VectorXd b;    // non-empty, finite; dimension d = b.size()
  double lambda1 = 1.0;  // > 0
};

class QuadraticObjective final : public MeanFieldObjective {
 public:
  // Throws "c: ...", "b: ...", "lambda1: ..." on invalid parameters.
  explicit QuadraticObjective(QuadraticParams p);

  int dim() const override { return static_cast<int>(p_.b.size()); }
  double lambda1() const override { return p_.lambda1; }
  std::string description() const override;
  double value(const ConstMatRef& Theta) const override;
  void gradients(const ConstMatRef& Theta, MatRef G, int threads = 1) const override;
  void self_interaction_gradients(const ConstMatRef& Theta, MatRef G, int threads = 1) const override;
  std::optional<double> step_limit() const override;
  bool supports_sharding() const override { return true; }
  Eigen::Index statistic_size(std::span<const std::uint32_t>) const override { return dim(); }
  void statistic_partials(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef P, StatisticWorkspace& ws,
                          int threads = 1) const override;
  void gradients_from_statistic(const ConstMatRef& Theta, std::span<const std::uint32_t> I, const Eigen::VectorXd& s, std::int64_t N,
                                MatRef G, StatisticWorkspace& ws, int threads = 1) const override;
  const QuadraticParams& params() const { return p_; }

 private:
  QuadraticParams p_;
};

}  // namespace ldbench::lib::mfld
