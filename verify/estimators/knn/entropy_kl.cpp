#include "verify/estimators/knn/entropy_kl.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <exception>
#include <limits>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>

#include "verify/estimators/knn/kd_tree.hpp"
#include "verify/estimators/knn/sample_checks.hpp"

namespace ldbench::verify::estimators {

namespace {

double digamma(double x) { return boost::math::digamma(x); }

// Mean and standard error (sample sd / sqrt(n)) of t, summed serially in index order.
struct MeanSe {
  double mean = 0;
  double se = 0;
};
MeanSe mean_se(const Eigen::VectorXd& t) {
  const double n = static_cast<double>(t.size());
  const double mean = t.sum() / n;
  if (t.size() < 2) return {mean, std::numeric_limits<double>::quiet_NaN()};
  const double var = (t.array() - mean).square().sum() / (n - 1.0);
  return {mean, std::sqrt(var / n)};
}

// Self kNN distances of x (k x n) with the duplicate policy of the header: error when the k-th
// distance is 0 anywhere, warning when only the first one is.
Eigen::MatrixXd self_distances_checked(const KdTree& tree, int k, const std::string& name, Diagnostics& diag) {
  Eigen::MatrixXd dist = tree.knn_distances_self(k);
  long zero_k = 0, zero_1 = 0;
  for (Eigen::Index i = 0; i < dist.cols(); ++i) {
    zero_k += dist(k - 1, i) == 0.0;
    zero_1 += dist(0, i) == 0.0;
  }
  if (zero_k > 0)
    throw std::invalid_argument(name + ": " + std::to_string(zero_k) + " points have at least k = " +
                                std::to_string(k) + " exact duplicates, giving zero " + std::to_string(k) +
                                "-th nearest-neighbour distances (log 0 = -inf); jitter or deduplicate");
  if (zero_1 > 0)
    diag.warnings.push_back(name + ": " + std::to_string(zero_1) +
                            " points have an exact duplicate (zero nearest-neighbour distance); the kNN estimate "
                            "is biased: duplicates are not draws from a density");
  return dist;
}

void check_k_and_points(const Eigen::MatrixXd& x, int k, const std::string& name) {
  sample_checks::check_neighbour_order(k, "k");
  sample_checks::check_samples(x, name);
  sample_checks::check_min_points(x, name, static_cast<long>(k) + 1,
                           "for k = " + std::to_string(k) + " (k + 1: a point is not its own neighbour)");
}

}  // namespace

double log_unit_ball_volume(int d) {
  if (d < 1) throw std::invalid_argument("d: dimension must be >= 1, got " + std::to_string(d));
  const double h = 0.5 * d;
  return h * std::log(std::numbers::pi) - std::lgamma(h + 1.0);
}

Estimate knn_entropy(const Eigen::MatrixXd& x, int k, KnnMutant mutant) {
  check_k_and_points(x, k, "x");
  Estimate est;
  const Eigen::MatrixXd dist = self_distances_checked(KdTree(x, "x"), k, "x", est.diagnostics);
  const long d = x.rows(), n = x.cols();
  const Eigen::VectorXd terms = static_cast<double>(d) * dist.row(k - 1).transpose().array().log();
  const MeanSe ms = mean_se(terms);
  const double count_term = mutant == KnnMutant::log_instead_of_digamma
                                ? std::log(static_cast<double>(n)) - std::log(static_cast<double>(k))
                                : digamma(static_cast<double>(n)) - digamma(k);
  est.value = count_term + log_unit_ball_volume(static_cast<int>(d)) + ms.mean;
  est.std_error = ms.se;
  return est;
}

Estimate knn_kl(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, int k, int l) {
  check_k_and_points(x, k, "x");
  sample_checks::check_neighbour_order(l, "l");
  sample_checks::check_samples(y, "y");
  sample_checks::check_same_dim(x, "x", y, "y");
  sample_checks::check_min_points(y, "y", l, "for l = " + std::to_string(l) + " nearest neighbours in y");
  Estimate est;
  // The two trees are independent: build them side by side on two threads for large samples
  // (tree building is serial inside nanoflann). Inputs were validated above, so construction does
  // not throw here; should it, the exception is carried out of the parallel region.
  std::optional<KdTree> xtree, ytree;
  std::exception_ptr failure;
  auto build = [&](std::optional<KdTree>& t, const Eigen::MatrixXd& m, const char* name) {
    try {
      t.emplace(m, name);
    } catch (...) {
#ifdef _OPENMP
#pragma omp critical(ldbench_knn_build)
#endif
      failure = std::current_exception();
    }
  };
#ifdef _OPENMP
#pragma omp parallel sections num_threads(2) if (x.cols() + y.cols() >= 65536)
#endif
  {
#ifdef _OPENMP
#pragma omp section
#endif
    build(xtree, x, "x");
#ifdef _OPENMP
#pragma omp section
#endif
    build(ytree, y, "y");
  }
  if (failure) std::rethrow_exception(failure);
  const Eigen::MatrixXd rho = self_distances_checked(*xtree, k, "x", est.diagnostics);
  const Eigen::MatrixXd nu = ytree->knn_distances(x, l, "x", &xtree->spatial_order());
  long zero_nu = 0;
  for (Eigen::Index i = 0; i < nu.cols(); ++i) zero_nu += nu(l - 1, i) == 0.0;
  if (zero_nu > 0)
    throw std::invalid_argument("y: " + std::to_string(zero_nu) + " points of x coincide with at least l = " +
                                std::to_string(l) + " points of y, giving zero " + std::to_string(l) +
                                "-th nearest-neighbour distances (log 0 = -inf); jitter or deduplicate");
  const long d = x.rows(), n = x.cols(), m = y.cols();
  const Eigen::VectorXd terms =
      static_cast<double>(d) * (nu.row(l - 1).array().log() - rho.row(k - 1).array().log()).transpose();
  const MeanSe ms = mean_se(terms);
  est.value = ms.mean + digamma(k) - digamma(l) + std::log(static_cast<double>(m) / static_cast<double>(n - 1));
  est.std_error = ms.se;
  return est;
}

Estimate knn_kl_to_target_values(const Eigen::MatrixXd& x, const Eigen::VectorXd& log_target_at_x,
                                 const TargetNormalization& normalization, int k) {
  check_k_and_points(x, k, "x");
  if (log_target_at_x.size() != x.cols())
    throw std::invalid_argument("log_target_at_x: length " + std::to_string(log_target_at_x.size()) +
                                " does not match the number of points of x, " + std::to_string(x.cols()));
  for (Eigen::Index i = 0; i < log_target_at_x.size(); ++i) {
    const double v = log_target_at_x(i);
    if (std::isnan(v) || v == std::numeric_limits<double>::infinity())
      throw std::invalid_argument("log_target_at_x: entry " + std::to_string(i) + " is " +
                                  (std::isnan(v) ? "NaN" : "+inf") + "; log densities must be finite");
    if (v == -std::numeric_limits<double>::infinity())
      throw std::invalid_argument("log_target_at_x: entry " + std::to_string(i) +
                                  " is -inf (x outside the target's support: KL(p||pi) = +inf)");
  }
  if (normalization.normalized && normalization.log_z)
    throw std::invalid_argument("normalization: log_z given for a density declared normalized");
  if (normalization.log_z && !std::isfinite(*normalization.log_z))
    throw std::invalid_argument("normalization: log_z must be finite");
  Estimate est;
  const Eigen::MatrixXd dist = self_distances_checked(KdTree(x, "x"), k, "x", est.diagnostics);
  const long d = x.rows(), n = x.cols();
  const Eigen::VectorXd terms =
      -static_cast<double>(d) * dist.row(k - 1).transpose().array().log() - log_target_at_x.array();
  const MeanSe ms = mean_se(terms);
  est.value = ms.mean - digamma(static_cast<double>(n)) + digamma(k) - log_unit_ball_volume(static_cast<int>(d));
  est.std_error = ms.se;
  if (!normalization.normalized) {
    if (normalization.log_z) {
      est.value += *normalization.log_z;
    } else {
      // A named string rather than a literal in push_back: GCC 12 at -O3 reports a false
      // -Warray-bounds inside the inlined std::string construction of the literal.
      static const std::string kUnknownLogZ =
          "normalization: log Z unknown; the value is KL(p||pi) - log Z, not KL (its zero is unknown)";
      est.diagnostics.warnings.push_back(kUnknownLogZ);
    }
  }
  return est;
}

Estimate knn_kl_to_target(const Eigen::MatrixXd& x, const LogDensityFunction& log_target,
                          const TargetNormalization& normalization, int k) {
  if (!log_target) throw std::invalid_argument("log_target: empty function");
  check_k_and_points(x, k, "x");
  Eigen::VectorXd values(x.cols());
  for (Eigen::Index i = 0; i < x.cols(); ++i) values(i) = log_target(x.col(i));
  try {
    return knn_kl_to_target_values(x, values, normalization, k);
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    const std::string prefix = "log_target_at_x";
    if (msg.rfind(prefix, 0) == 0) throw std::invalid_argument("log_target" + msg.substr(prefix.size()));
    throw;
  }
}

}  // namespace ldbench::verify::estimators
