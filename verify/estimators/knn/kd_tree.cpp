#include "verify/estimators/knn/kd_tree.hpp"

#include <nanoflann.hpp>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "verify/estimators/knn/sample_checks.hpp"

namespace ldbench::verify::estimators {

namespace {

// nanoflann dataset adaptor over a d x n column-major matrix: point i is column i.
struct ColumnAdaptor {
  const double* data = nullptr;
  std::size_t d = 0;
  std::size_t n = 0;
  std::size_t kdtree_get_point_count() const { return n; }
  double kdtree_get_pt(std::size_t i, std::size_t k) const { return data[i * d + k]; }
  template <class BBox>
  bool kdtree_get_bbox(BBox& /*bb*/) const {
    return false;  // let nanoflann compute the bounding box
  }
};

using Metric = nanoflann::L2_Adaptor<double, ColumnAdaptor, double, std::size_t>;
using Tree = nanoflann::KDTreeSingleIndexAdaptor<Metric, ColumnAdaptor, -1, std::size_t>;

constexpr std::size_t kLeafMaxSize = 16;
// Below this many queries the whole search takes ~10 ms or less single-threaded and a parallel
// region costs more than it saves when the cores are shared (measured: 2 threads 10x slower than
// 1 at n = 2000 on a loaded 2-core machine), so it runs serially. Results do not depend on it.
constexpr long kParallelMinQueries = 16384;

}  // namespace

// The stored points are kept in TREE ORDER: after nanoflann builds the index, its permutation
// vAcc (leaf by leaf, so spatially coherent) is applied to the stored columns and reset to the
// identity. Leaves then scan contiguous memory, and queries issued in tree order (self queries;
// cross queries given spatial_order() of another tree) revisit the same nodes from cache.
// Measured on n = m = 1e5, d = 3, k = 1 kNN KL: 0.147 s -> see bench/peers (ldbench_peers --only
// knn_kl). The nodes store index ranges into vAcc and split values, not point positions in
// memory, so permuting the storage together with vAcc leaves the tree valid.
struct KdTree::Impl {
  Eigen::MatrixXd points;         // d x n, tree order
  std::vector<long> original;     // original[j] = caller's column index of stored column j
  ColumnAdaptor adaptor;
  std::unique_ptr<Tree> tree;
  std::string name;
};

KdTree::KdTree(const Eigen::MatrixXd& points, const std::string& name) : impl_(std::make_unique<Impl>()) {
  sample_checks::check_samples(points, name);
  const std::size_t d = static_cast<std::size_t>(points.rows()), n = static_cast<std::size_t>(points.cols());
  impl_->name = name;
  impl_->adaptor = {points.data(), d, n};
  impl_->tree = std::make_unique<Tree>(static_cast<int>(d), impl_->adaptor,
                                       nanoflann::KDTreeSingleIndexAdaptorParams(kLeafMaxSize));
  auto& perm = impl_->tree->vAcc;
  impl_->points.resize(points.rows(), points.cols());
  impl_->original.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    impl_->points.col(static_cast<long>(j)) = points.col(static_cast<long>(perm[j]));
    impl_->original[j] = static_cast<long>(perm[j]);
    perm[j] = j;
  }
  impl_->adaptor.data = impl_->points.data();  // the tree holds a reference to the adaptor
}

KdTree::~KdTree() = default;
KdTree::KdTree(KdTree&&) noexcept = default;
KdTree& KdTree::operator=(KdTree&&) noexcept = default;

long KdTree::dim() const { return static_cast<long>(impl_->points.rows()); }
long KdTree::size() const { return static_cast<long>(impl_->points.cols()); }
const std::vector<long>& KdTree::spatial_order() const { return impl_->original; }

Eigen::MatrixXd KdTree::knn_distances(const Eigen::MatrixXd& queries, int k, const std::string& queries_name,
                                      const std::vector<long>* order) const {
  sample_checks::check_neighbour_order(k, "k");
  sample_checks::check_samples(queries, queries_name);
  sample_checks::check_same_dim(impl_->points, impl_->name, queries, queries_name);
  sample_checks::check_min_points(impl_->points, impl_->name, k, "for k = " + std::to_string(k) + " nearest neighbours");
  const long nq = queries.cols();
  if (order && static_cast<long>(order->size()) != nq)
    throw std::invalid_argument("order: length " + std::to_string(order->size()) + " does not match " + queries_name +
                                "'s " + std::to_string(nq) + " points");
  const std::size_t kk = static_cast<std::size_t>(k);
  Eigen::MatrixXd out(k, nq);
  const Tree& tree = *impl_->tree;
#ifdef _OPENMP
#pragma omp parallel if (nq >= kParallelMinQueries)
#endif
  {
    std::vector<std::size_t> idx(kk);
    std::vector<double> dist2(kk);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 256)
#endif
    for (long jj = 0; jj < nq; ++jj) {
      const long j = order ? (*order)[static_cast<std::size_t>(jj)] : jj;
      nanoflann::KNNResultSet<double, std::size_t> rs(kk);
      rs.init(idx.data(), dist2.data());
      tree.findNeighbors(rs, queries.col(j).data(), nanoflann::SearchParams());
      for (std::size_t r = 0; r < kk; ++r) out(static_cast<long>(r), j) = std::sqrt(dist2[r]);
    }
  }
  return out;
}

Eigen::MatrixXd KdTree::knn_distances_self(int k) const {
  sample_checks::check_neighbour_order(k, "k");
  sample_checks::check_min_points(impl_->points, impl_->name, static_cast<long>(k) + 1,
                           "for k = " + std::to_string(k) + " nearest neighbours excluding the point itself (k + 1)");
  const long n = size();
  const std::size_t kk = static_cast<std::size_t>(k);
  Eigen::MatrixXd out(k, n);
  const Tree& tree = *impl_->tree;
  const Eigen::MatrixXd& pts = impl_->points;
#ifdef _OPENMP
#pragma omp parallel if (n >= kParallelMinQueries)
#endif
  {
    std::vector<std::size_t> idx(kk + 1);
    std::vector<double> dist2(kk + 1);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 256)
#endif
    for (long j = 0; j < n; ++j) {  // stored (tree) order; the result goes to the caller's column i
      const long i = impl_->original[static_cast<std::size_t>(j)];
      nanoflann::KNNResultSet<double, std::size_t> rs(kk + 1);
      rs.init(idx.data(), dist2.data());
      tree.findNeighbors(rs, pts.col(j).data(), nanoflann::SearchParams());
      // Drop the point's own entry. If it is not among the k + 1 results, at least k + 1 other
      // points tie with it at distance 0, and dropping the last entry is equally correct.
      std::size_t skip = kk;
      for (std::size_t r = 0; r <= kk; ++r)
        if (idx[r] == static_cast<std::size_t>(j)) {
          skip = r;
          break;
        }
      long row = 0;
      for (std::size_t r = 0; r <= kk; ++r)
        if (r != skip) out(row++, i) = std::sqrt(dist2[r]);
    }
  }
  return out;
}

Eigen::VectorXd kth_neighbour_distances(const Eigen::MatrixXd& reference, const Eigen::MatrixXd& queries, int k) {
  sample_checks::check_neighbour_order(k, "k");
  const KdTree tree(reference, "reference");
  return tree.knn_distances(queries, k, "queries").row(k - 1).transpose();
}

Eigen::VectorXd kth_neighbour_distances_self(const Eigen::MatrixXd& points, int k) {
  sample_checks::check_neighbour_order(k, "k");
  const KdTree tree(points, "points");
  return tree.knn_distances_self(k).row(k - 1).transpose();
}

}  // namespace ldbench::verify::estimators
