// Target scores s(x) = ∇ log π(x) for the kernel estimators (mmd_ksd.hpp, fisher.hpp).
//
// A score is given either as a function R^d -> R^d or precomputed as a d x n matrix whose column
// i is s(x_i) (the layout of the samples, estimate.hpp). evaluate_score turns the first into the
// second: it calls the function serially, in column order (user functions need not be
// thread-safe), and checks every result has length d and finite entries.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <stdexcept>
#include <string>

namespace ldbench::verify::estimators {

using ScoreFunction = std::function<Eigen::VectorXd(const Eigen::VectorXd&)>;

// d x n matrix of score(x.col(i)). Throws std::invalid_argument starting with `name` for an empty
// function, a result of the wrong length or a non-finite result.
inline Eigen::MatrixXd evaluate_score(const ScoreFunction& score, const Eigen::MatrixXd& x,
                                      const std::string& name = "score") {
  if (!score) throw std::invalid_argument(name + ": empty function");
  Eigen::MatrixXd out(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.cols(); ++i) {
    const Eigen::VectorXd s = score(x.col(i));
    if (s.size() != x.rows())
      throw std::invalid_argument(name + ": returned a vector of length " + std::to_string(s.size()) + " at point " +
                                  std::to_string(i) + ", expected the dimension " + std::to_string(x.rows()));
    if (!s.allFinite())
      throw std::invalid_argument(name + ": non-finite value at point " + std::to_string(i));
    out.col(i) = s;
  }
  return out;
}

}  // namespace ldbench::verify::estimators
