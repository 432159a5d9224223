// Exact k-nearest-neighbour distances (Euclidean, L2) over a d x n sample, one point per column.
//
// What is returned: for each query point q, the distances ||q - p_(1)|| <= ... <= ||q - p_(k)||
// to its k nearest reference points (not squared). When the reference sample is queried against
// itself (`*_self`), each point's own entry is excluded, so column i holds the distances from
// x_i to its k nearest OTHER points; exact duplicates of x_i are other points (distance 0).
//
// Method: a kd-tree (nanoflann 1.4, KDTreeSingleIndexAdaptor over the column-major matrix with
// the L2 metric, leaf size 16 (d = 3, n = 1e5: 4, 10, 16, 20, 32 within noise of each other), exact search: eps = 0), built serially; queries run in parallel
// with OpenMP from 16384 queries up (serially below: not worth a parallel region), each query
// writing only its own column, so results are identical for any thread count. nanoflann stays
// out of this header (pimpl).
// Cost: build O(n log n); a query O(log n + k) expected in low dimension (degrades towards O(n)
// as d grows: kd-trees lose their advantage beyond d ~ 10–20). Memory: the tree copies the
// reference points (d x n doubles) so the caller's matrix need not outlive it.
// Errors (std::invalid_argument naming the argument): empty or non-finite samples, dimension
// mismatch, k < 1, fewer than k reference points (k + 1 for a self query).
#pragma once

#include <Eigen/Core>
#include <memory>
#include <string>
#include <vector>

namespace ldbench::verify::estimators {

class KdTree {
 public:
  // Copies `points` (d x n). `name` is used in error messages ("x: ...").
  explicit KdTree(const Eigen::MatrixXd& points, const std::string& name = "points");
  ~KdTree();
  KdTree(KdTree&&) noexcept;
  KdTree& operator=(KdTree&&) noexcept;
  KdTree(const KdTree&) = delete;
  KdTree& operator=(const KdTree&) = delete;

  long dim() const;
  long size() const;

  // k x nq matrix: column j = ascending distances from queries.col(j) to its k nearest
  // reference points. Needs size() >= k.
  // `order` (optional, a permutation of 0..nq-1) is the order the queries are processed in: pass
  // another tree's spatial_order() when the queries are that tree's points, so consecutive
  // queries are close and hit the same nodes (faster; the result is the same).
  Eigen::MatrixXd knn_distances(const Eigen::MatrixXd& queries, int k,
                                const std::string& queries_name = "queries",
                                const std::vector<long>* order = nullptr) const;
  // The caller's column indices in the tree's leaf order (spatially coherent).
  const std::vector<long>& spatial_order() const;
  // k x n matrix: column i = ascending distances from point i to its k nearest other points.
  // Needs size() >= k + 1.
  Eigen::MatrixXd knn_distances_self(int k) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: the k-th neighbour distance only (the last row of the matrices above).
Eigen::VectorXd kth_neighbour_distances(const Eigen::MatrixXd& reference, const Eigen::MatrixXd& queries, int k);
Eigen::VectorXd kth_neighbour_distances_self(const Eigen::MatrixXd& points, int k);

}  // namespace ldbench::verify::estimators
