// Internal argument checks shared by the kNN (verify/estimators/knn/) and kernel
// (verify/estimators/kernel/) estimators. Not a public API: include only from their .cpp files.
//
// Every check throws std::invalid_argument with a one-line message that starts with the name of
// the offending argument ("x: ...", "k: ..."), as the rest of verify/estimators does.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ldbench::verify::estimators::sample_checks {

// Samples are d x n, one point per column (estimate.hpp). Rejects d = 0, n = 0 and non-finite
// entries (naming the first one found, column-major order).
inline void check_samples(const Eigen::MatrixXd& x, const std::string& name) {
  if (x.rows() < 1) throw std::invalid_argument(name + ": dimension d = 0 (samples are d x n, one point per column)");
  if (x.cols() < 1) throw std::invalid_argument(name + ": no points (samples are d x n, one point per column)");
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index r = 0; r < x.rows(); ++r)
      if (!std::isfinite(x(r, j)))
        throw std::invalid_argument(name + ": entry (" + std::to_string(r) + ", " + std::to_string(j) + ") is " +
                                    (std::isnan(x(r, j)) ? "NaN" : "infinite") + "; samples must be finite");
}

// y must have the same dimension (rows) as x.
inline void check_same_dim(const Eigen::MatrixXd& x, const std::string& x_name, const Eigen::MatrixXd& y,
                           const std::string& y_name) {
  if (y.rows() != x.rows())
    throw std::invalid_argument(y_name + ": dimension " + std::to_string(y.rows()) + " does not match " + x_name +
                                "'s dimension " + std::to_string(x.rows()));
}

// y must have exactly the shape of x (e.g. a score matrix for the points x).
inline void check_same_shape(const Eigen::MatrixXd& x, const std::string& x_name, const Eigen::MatrixXd& y,
                             const std::string& y_name) {
  if (y.rows() != x.rows() || y.cols() != x.cols())
    throw std::invalid_argument(y_name + ": shape " + std::to_string(y.rows()) + "x" + std::to_string(y.cols()) +
                                " does not match " + x_name + "'s shape " + std::to_string(x.rows()) + "x" +
                                std::to_string(x.cols()));
}

inline void check_neighbour_order(int k, const std::string& name) {
  if (k < 1) throw std::invalid_argument(name + ": neighbour order must be >= 1, got " + std::to_string(k));
}

// At least `needed` points in x; `why` completes "needed for ...".
inline void check_min_points(const Eigen::MatrixXd& x, const std::string& name, long needed, const std::string& why) {
  if (x.cols() < needed)
    throw std::invalid_argument(name + ": " + std::to_string(x.cols()) + " points, but at least " +
                                std::to_string(needed) + " are needed " + why);
}

inline void check_positive_finite(double v, const std::string& name) {
  if (!(std::isfinite(v) && v > 0)) throw std::invalid_argument(name + ": must be finite and > 0, got " + std::to_string(v));
}

}  // namespace ldbench::verify::estimators::sample_checks
