// Tests of lib/linalg/dense.hpp: each operation against its defining identity (A = V diag Vᵀ with V
// orthonormal and values increasing; A = L Lᵀ; A A⁻¹ = I; log det A = Σ log eigenvalues), the
// failure reports (not positive definite, singular, non-square), on random SPD matrices of
// condition up to 1e6.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "lib/linalg/dense.hpp"

namespace test_linalg {  // named per file: a unity build keeps the files' helpers apart
namespace {

namespace la = ldbench::lib::linalg;

// Q diag(λ) Qᵀ with a random orthogonal Q (Gram–Schmidt of a fixed-seed Gaussian matrix) and
// λ log-spaced over [1, cond].
Eigen::MatrixXd random_spd(int d, double cond, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> n01;
  Eigen::MatrixXd G(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) G(i, j) = n01(gen);
  Eigen::MatrixXd Q = G;
  for (int j = 0; j < d; ++j) {
    for (int k = 0; k < j; ++k) Q.col(j) -= Q.col(k).dot(Q.col(j)) * Q.col(k);
    Q.col(j).normalize();
  }
  Eigen::VectorXd lam(d);
  for (int i = 0; i < d; ++i) lam(i) = std::pow(cond, d > 1 ? static_cast<double>(i) / (d - 1) : 0.0);
  const Eigen::MatrixXd A = Q * lam.asDiagonal() * Q.transpose();
  return 0.5 * (A + A.transpose());
}

TEST(Linalg, SymmetricEigenReconstructsAndOrders) {
  for (int d : {1, 2, 7, 40}) {
    const Eigen::MatrixXd A = random_spd(d, 1e6, 11u + static_cast<unsigned>(d));
    const la::SymmetricEigen es = la::symmetric_eigen(A);
    ASSERT_TRUE(es.ok);
    ASSERT_EQ(es.values.size(), d);
    for (int i = 1; i < d; ++i) EXPECT_LE(es.values(i - 1), es.values(i));
    EXPECT_LT((es.vectors.transpose() * es.vectors - Eigen::MatrixXd::Identity(d, d)).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LT((es.vectors * es.values.asDiagonal() * es.vectors.transpose() - A).norm(), 1e-9 * A.norm());
    EXPECT_LT((la::symmetric_eigenvalues(A) - es.values).cwiseAbs().maxCoeff(), 1e-9 * es.values.maxCoeff());
    EXPECT_NEAR(la::symmetric_min_eigenvalue(A), 1.0, 1e-9 * 1e6);
    EXPECT_NEAR(la::symmetric_max_eigenvalue(A), d > 1 ? 1e6 : 1.0, 1e-9 * 1e6);
  }
}

TEST(Linalg, CholeskyFactorsSolvesAndLogDet) {
  for (int d : {1, 3, 25}) {
    const Eigen::MatrixXd A = random_spd(d, 1e4, 101u + static_cast<unsigned>(d));
    const la::Cholesky c(A);
    ASSERT_TRUE(c.ok());
    const Eigen::MatrixXd& L = c.matrixL();
    EXPECT_EQ(L.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().cwiseAbs().maxCoeff(), 0.0);
    EXPECT_LT((L * L.transpose() - A).norm(), 1e-12 * A.norm());
    const Eigen::MatrixXd B = Eigen::MatrixXd::Ones(d, 2);
    EXPECT_LT((A * c.solve(B) - B).norm(), 1e-8 * B.norm());
    const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(d, -1.0, 1.0);
    EXPECT_LT((A * c.solve(b) - b).norm(), 1e-8 * (1 + b.norm()));
    EXPECT_LT((L * c.solve_lower(b) - b).norm(), 1e-10 * (1 + b.norm()));
    EXPECT_LT((L.transpose() * c.solve_upper(b) - b).norm(), 1e-10 * (1 + b.norm()));
    EXPECT_LT((A * c.inverse() - Eigen::MatrixXd::Identity(d, d)).cwiseAbs().maxCoeff(), 1e-8);
    EXPECT_NEAR(c.log_det(), la::symmetric_eigenvalues(A).array().log().sum(), 1e-9 * (1 + std::abs(c.log_det())));
  }
}

TEST(Linalg, GeneralInverseAndSymmetricSolve) {
  const Eigen::MatrixXd A = random_spd(6, 1e3, 7u);
  Eigen::MatrixXd N = A;
  N(0, 5) += 3.0;  // not symmetric: inverse() must not assume it
  EXPECT_LT((N * la::inverse(N) - Eigen::MatrixXd::Identity(6, 6)).cwiseAbs().maxCoeff(), 1e-9);
  Eigen::MatrixXd S = A;
  S(0, 0) = -S(0, 0);  // symmetric indefinite: LDLT still solves it
  const Eigen::MatrixXd B = Eigen::MatrixXd::Identity(6, 3);
  EXPECT_LT((S * la::symmetric_solve(S, B) - B).norm(), 1e-8);
}

TEST(Linalg, FailuresAreReported) {
  Eigen::MatrixXd A = Eigen::MatrixXd::Identity(3, 3);
  A(2, 2) = -1.0;
  EXPECT_FALSE(la::Cholesky(A).ok());
  EXPECT_FALSE(la::Cholesky(Eigen::MatrixXd::Zero(2, 2)).ok());
  const Eigen::MatrixXd R = Eigen::MatrixXd::Ones(2, 3);
  for (auto f : {+[](const Eigen::MatrixXd& M) { (void)la::symmetric_eigen(M); },
                 +[](const Eigen::MatrixXd& M) { (void)la::symmetric_eigenvalues(M); },
                 +[](const Eigen::MatrixXd& M) { (void)la::Cholesky{M}; },
                 +[](const Eigen::MatrixXd& M) { (void)la::inverse(M); }}) {
    try {
      f(R);
      ADD_FAILURE() << "non-square matrix accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind("A: ", 0), 0u) << e.what();
    }
  }
  Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(3, 3);
  Z(0, 0) = 1.0;
  Z(1, 2) = Z(2, 1) = 1.0;  // rank 2 with a zero pivot before a non-zero one
  EXPECT_THROW((void)la::symmetric_solve(Z, Eigen::MatrixXd(Eigen::MatrixXd::Identity(3, 3))), std::runtime_error);
}

}  // namespace
}  // namespace test_linalg
