#include "lib/mfld/quadratic.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ldbench::lib::mfld {

void MeanFieldObjective::check_shapes(const ConstMatRef& Theta, const MatRef& G) const {
  if (Theta.rows() != dim())
    throw std::invalid_argument("Theta: has " + std::to_string(Theta.rows()) + " rows; the objective's particle dimension is " +
                                std::to_string(dim()));
  if (Theta.cols() < 1) throw std::invalid_argument("Theta: needs at least one particle (column)");
  if (G.rows() != Theta.rows() || G.cols() != Theta.cols())
    throw std::invalid_argument("G: must be " + std::to_string(Theta.rows()) + " x " + std::to_string(Theta.cols()) + "; got " +
                                std::to_string(G.rows()) + " x " + std::to_string(G.cols()));
}

Eigen::VectorXd reduce_partials(const ConstMatRef& P) {
  if (P.cols() < 1) throw std::invalid_argument("P: needs at least one block (column)");
  Eigen::VectorXd s = P.col(0);
  for (Eigen::Index b = 1; b < P.cols(); ++b) s += P.col(b);
  return s;
}

void MeanFieldObjective::require_sharding() const {
  if (!supports_sharding())
    throw std::invalid_argument("objective: " + description() +
                                " does not support MPI sharding; run it on one rank (without mpirun) or implement its statistic_partials "
                                "and gradients_from_statistic (lib/mfld/objective.hpp)");
}

Eigen::Index MeanFieldObjective::statistic_size(std::span<const std::uint32_t>) const {
  require_sharding();
  return 0;
}

std::unique_ptr<StatisticWorkspace> MeanFieldObjective::make_statistic_workspace() const {
  return std::make_unique<StatisticWorkspace>();
}

void MeanFieldObjective::statistic_partials(const ConstMatRef&, std::span<const std::uint32_t>, MatRef, StatisticWorkspace&, int) const {
  require_sharding();
}

void MeanFieldObjective::gradients_from_statistic(const ConstMatRef&, std::span<const std::uint32_t>, const Eigen::VectorXd&, std::int64_t,
                                                  MatRef, StatisticWorkspace&, int) const {
  require_sharding();
}

void MeanFieldObjective::batch_gradients(const ConstMatRef& Theta, std::span<const std::uint32_t> I, MatRef G,
                                         int threads) const {
  if (n() != 1) throw std::invalid_argument("I: this objective (n = " + std::to_string(n()) + ") must override batch_gradients");
  if (I.size() != 1 || I[0] != 0) throw std::invalid_argument("I: an objective without data (n = 1) accepts only the batch {0}");
  gradients(Theta, G, threads);
}

QuadraticObjective::QuadraticObjective(QuadraticParams p) : p_(std::move(p)) {
  if (!(std::isfinite(p_.c) && p_.c >= 0)) throw std::invalid_argument("c: must be finite and >= 0");
  if (p_.b.size() == 0) throw std::invalid_argument("b: must be non-empty");
  if (!p_.b.allFinite()) throw std::invalid_argument("b: entries must be finite");
  if (!(std::isfinite(p_.lambda1) && p_.lambda1 > 0)) throw std::invalid_argument("lambda1: must be finite and > 0");
}

std::string QuadraticObjective::description() const {
  std::ostringstream os;
  os << "quadratic mean-field model F(mu) = (c/2)||E theta - b||^2 + lambda1 E||theta||^2, c = " << p_.c << ", lambda1 = " << p_.lambda1
     << ", d = " << dim() << " (DESIGN.md §3.7)";
  return os.str();
}

double QuadraticObjective::value(const ConstMatRef& Theta) const {
  if (Theta.rows() != dim() || Theta.cols() < 1)
    throw std::invalid_argument("Theta: must be " + std::to_string(dim()) + " x N with N >= 1");
  const double N = static_cast<double>(Theta.cols());
  const Eigen::VectorXd m = Theta.rowwise().sum() / N;
  return 0.5 * p_.c * (m - p_.b).squaredNorm() + p_.lambda1 * Theta.squaredNorm() / N;
}

void QuadraticObjective::gradients(const ConstMatRef& Theta, MatRef G, int threads) const {
  check_shapes(Theta, G);
  Eigen::MatrixXd P(dim(), particle_blocks(Theta.cols()));
  StatisticWorkspace ws;
  statistic_partials(Theta, {}, P, ws, threads);
  gradients_from_statistic(Theta, {}, reduce_partials(P), Theta.cols(), G, ws, threads);
}

void QuadraticObjective::statistic_partials(const ConstMatRef& Theta, std::span<const std::uint32_t>, MatRef P, StatisticWorkspace&,
                                            int) const {
  if (Theta.rows() != dim() || Theta.cols() < 1)
    throw std::invalid_argument("Theta: must be " + std::to_string(dim()) + " x N with N >= 1");
  const Eigen::Index nb = particle_blocks(Theta.cols());
  if (P.rows() != dim() || P.cols() != nb)
    throw std::invalid_argument("P: must be " + std::to_string(dim()) + " x " + std::to_string(nb) + " (dimension x blocks)");
  for (Eigen::Index b = 0; b < nb; ++b) {
    const Eigen::Index i0 = b * kParticleBlock, w = std::min(kParticleBlock, Theta.cols() - i0);
    // Into an aligned temporary, not straight into P: Eigen's vectorised row sums take a different
    // summation path for a destination that is not packet-aligned, and P's column b is aligned or not
    // depending on how many blocks this process holds.
    const Eigen::VectorXd sb = Theta.middleCols(i0, w).rowwise().sum();
    P.col(b) = sb;
  }
}

void QuadraticObjective::gradients_from_statistic(const ConstMatRef& Theta, std::span<const std::uint32_t>, const Eigen::VectorXd& s,
                                                  std::int64_t N, MatRef G, StatisticWorkspace&, int) const {
  check_shapes(Theta, G);
  if (s.size() != dim()) throw std::invalid_argument("s: must have length " + std::to_string(dim()));
  if (N < Theta.cols()) throw std::invalid_argument("N: the total particle count " + std::to_string(N) + " is below the local count");
  const Eigen::VectorXd m = s / static_cast<double>(N);
  const Eigen::VectorXd shift = p_.c * (m - p_.b);
  G = (2.0 * p_.lambda1) * Theta;
  G.colwise() += shift;
}

void QuadraticObjective::self_interaction_gradients(const ConstMatRef& Theta, MatRef G, int) const {
  check_shapes(Theta, G);
  G = (p_.c + 2.0 * p_.lambda1) * Theta;
  G.colwise() -= p_.c * p_.b;
}

std::optional<double> QuadraticObjective::step_limit() const {
  return std::min(2.0 / (p_.c + 2.0 * p_.lambda1), 1.0 / p_.lambda1);
}

}  // namespace ldbench::lib::mfld
