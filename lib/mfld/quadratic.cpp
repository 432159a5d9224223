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

void QuadraticObjective::gradients(const ConstMatRef& Theta, MatRef G, int) const {
  check_shapes(Theta, G);
  const Eigen::VectorXd m = Theta.rowwise().sum() / static_cast<double>(Theta.cols());
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
