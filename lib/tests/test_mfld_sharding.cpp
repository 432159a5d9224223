// Tests of sharded MFLD (lib/mfld run() with MfldOptions::comm; lib/core/communicator.hpp) without mpirun:
// an in-process communicator whose K "ranks" are threads of this test (allgather through shared slots and a
// std::barrier). For the quadratic model and the tanh/relu networks, with mfld, sgd_mfld and svrg_mfld, a run
// split over K = 2, 3, 4 ranks (N = 600 particles = blocks of 256, 256, 88; K = 4 leaves rank 0 empty; 2 OpenMP
// threads per rank for K = 3) gives on every rank the serial run's bits: every observed full particle matrix
// (the final state included), the counts.
// Also: the statistic partials summed in block order equal the serial gradient bit for bit; the
// rng_key_per_rank mutant (noise keyed by the index within the shard) is the serial run on one rank and
// gives particles i and 256 + i the same noise on two; a divergence is thrown alike on every rank with the
// global particle; an objective without the sharding methods and a bad layout are refused on every rank
// with one-line errors; the communicator's argument errors. Deterministic; about a second in release.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <barrier>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lib/core/communicator.hpp"
#include "lib/mfld/mfld.hpp"
#include "lib/mfld/network.hpp"
#include "lib/mfld/quadratic.hpp"
#include "lib/tests/test_support.hpp"

namespace test_mfld_sharding {  // named per file: a unity build keeps the files' helpers apart
namespace {

namespace mf = ldbench::lib::mfld;
namespace core = ldbench::lib::core;
using ldbench::lib::test::throws_invalid_argument_naming;

// K ranks inside one process, one thread each: allgather copies every rank's buffer through shared slots.
class InProcessGroup {
 public:
  explicit InProcessGroup(int size) : slots_(static_cast<std::size_t>(size)), sync_(size) {
    for (int r = 0; r < size; ++r) ranks_.push_back(std::make_unique<Rank>(*this, r, size));
  }
  const core::Communicator& rank(int r) const { return *ranks_[static_cast<std::size_t>(r)]; }

 private:
  class Rank final : public core::Communicator {
   public:
    Rank(InProcessGroup& g, int r, int n) : g_(g), r_(r), n_(n) {}
    int rank() const override { return r_; }
    int size() const override { return n_; }
    void allgather(std::span<const double> local, std::span<const std::size_t> counts, std::span<double> out) const override {
      check_allgather(local, counts, out);
      g_.slots_[static_cast<std::size_t>(r_)].assign(local.begin(), local.end());
      g_.sync_.arrive_and_wait();
      std::size_t off = 0;
      for (const auto& s : g_.slots_) {
        std::copy(s.begin(), s.end(), out.begin() + static_cast<std::ptrdiff_t>(off));
        off += s.size();
      }
      g_.sync_.arrive_and_wait();  // nobody refills a slot before everyone has read it
    }
    void broadcast(std::span<double> buf, int root) const override {
      check_root(root);
      if (r_ == root) g_.slots_[static_cast<std::size_t>(root)].assign(buf.begin(), buf.end());
      g_.sync_.arrive_and_wait();
      const auto& s = g_.slots_[static_cast<std::size_t>(root)];
      std::copy(s.begin(), s.end(), buf.begin());
      g_.sync_.arrive_and_wait();
    }
    void barrier() const override { g_.sync_.arrive_and_wait(); }

   private:
    InProcessGroup& g_;
    int r_, n_;
  };
  std::vector<std::vector<double>> slots_;
  mutable std::barrier<> sync_;
  std::vector<std::unique_ptr<Rank>> ranks_;
};

// What one run produced: the observed matrices by step, the summary, or the exception's message.
struct Outcome {
  std::map<std::uint32_t, Eigen::MatrixXd> seen;
  std::uint64_t evaluations = 0;
  Eigen::Index particles = 0;
  std::string error;
  std::uint32_t bad_step = 0, bad_particle = 0;
};

Outcome run_one(const mf::MeanFieldObjective& F, Eigen::MatrixXd X, mf::MfldOptions o) {
  Outcome out;
  try {
    const auto s = mf::run(F, X, o, [&](std::uint32_t k, const Eigen::MatrixXd& T, std::uint64_t) { out.seen[k] = T; });
    out.evaluations = s.gradient_evaluations;
    out.particles = s.particles;
  } catch (const mf::MfldDivergence& e) {
    out.error = e.what();
    out.bad_step = e.step;
    out.bad_particle = e.particle;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

// The same run split over K in-process ranks (lib/mfld shard_of); one Outcome per rank. `layout`, if given,
// replaces shard_of's (begin, count) per rank.
std::vector<Outcome> run_sharded(const mf::MeanFieldObjective& F, const Eigen::MatrixXd& X, const mf::MfldOptions& o, int K,
                                 const std::vector<std::pair<Eigen::Index, Eigen::Index>>& layout = {}) {
  InProcessGroup group(K);
  std::vector<Outcome> out(static_cast<std::size_t>(K));
  std::vector<std::thread> th;
  for (int r = 0; r < K; ++r)
    th.emplace_back([&, r] {
      auto [b, c] = layout.empty() ? std::pair<Eigen::Index, Eigen::Index>{mf::shard_of(X.cols(), r, K).begin, mf::shard_of(X.cols(), r, K).count()}
                                   : layout[static_cast<std::size_t>(r)];
      mf::MfldOptions ro = o;
      ro.comm = &group.rank(r);
      ro.particle_offset = static_cast<std::uint32_t>(b);
      out[static_cast<std::size_t>(r)] = run_one(F, X.middleCols(b, c), ro);
    });
  for (auto& t : th) t.join();
  return out;
}

Eigen::MatrixXd random_particles(int D, int N, unsigned seed) {
  std::srand(seed);
  return Eigen::MatrixXd::Random(D, N);
}

mf::MfldOptions options(mf::Algorithm a, double eta, std::uint32_t K) {
  mf::MfldOptions o;
  o.algorithm = a;
  o.eta = eta;
  o.lambda2 = 0.05;
  o.n_steps = K;
  o.seed = 21;
  o.replica = 2;
  o.threads = 1;
  o.observe_every = 2;
  return o;
}

bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

// Every rank's outcome equals the serial one bit for bit.
void expect_identical(const Outcome& serial, const std::vector<Outcome>& ranks, const std::string& what) {
  ASSERT_EQ(serial.error, "") << what;
  ASSERT_FALSE(serial.seen.empty());
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    const Outcome& o = ranks[r];
    ASSERT_EQ(o.error, "") << what << ", rank " << r;
    EXPECT_EQ(o.evaluations, serial.evaluations) << what << ", rank " << r;
    EXPECT_EQ(o.particles, serial.particles) << what << ", rank " << r;
    ASSERT_EQ(o.seen.size(), serial.seen.size()) << what << ", rank " << r;
    for (const auto& [k, T] : serial.seen) EXPECT_TRUE(same_bits(o.seen.at(k), T)) << what << ", rank " << r << ", step " << k;
  }
}

mf::QuadraticObjective quadratic(int d, double c = 2.0) {
  mf::QuadraticParams q;
  q.c = c;
  q.b = Eigen::VectorXd::LinSpaced(d, -1.0, 1.0);
  q.lambda1 = 0.5;
  return mf::QuadraticObjective(q);
}

mf::NetworkObjective network(mf::Activation act, mf::Loss loss, std::int64_t n, int p) {
  return mf::NetworkObjective(mf::make_teacher_data(n, p, 5, act, loss), act, loss, 0.05);
}

TEST(MfldSharding, ShardOfSplitsWholeBlocksInRankOrder) {
  for (std::int64_t N : {1, 255, 256, 600, 1024, 5000})
    for (int K : {1, 2, 3, 4, 7}) {
      std::int64_t end = 0;
      for (int r = 0; r < K; ++r) {
        const auto s = mf::shard_of(N, r, K);
        EXPECT_EQ(s.begin, end) << N << " " << K << " " << r;
        EXPECT_GE(s.count(), 0);
        if (s.end < N) {
          EXPECT_EQ(s.count() % mf::kParticleBlock, 0) << N << " " << K << " " << r;
        }
        end = s.end;
      }
      EXPECT_EQ(end, N);
    }
  EXPECT_EQ(mf::shard_of(600, 1, 2).begin, 256);
  EXPECT_EQ(mf::shard_of(600, 1, 2).end, 600);
  EXPECT_TRUE(throws_invalid_argument_naming([] { mf::shard_of(10, 2, 2); }, "rank:"));
  EXPECT_TRUE(throws_invalid_argument_naming([] { mf::shard_of(10, 0, 0); }, "size:"));
}

// The serial gradient is the sharded computation with one rank holding every block: partials + block-order sum.
TEST(MfldSharding, SerialGradientIsTheBlockOrderSumOfPartials) {
  const auto Fq = quadratic(4);
  const auto Fn = network(mf::Activation::tanh, mf::Loss::logistic, 300, 3);
  for (const mf::MeanFieldObjective* F : {static_cast<const mf::MeanFieldObjective*>(&Fq), static_cast<const mf::MeanFieldObjective*>(&Fn)}) {
    const Eigen::MatrixXd T = random_particles(F->dim(), 600, 3);
    Eigen::MatrixXd G(T.rows(), T.cols()), G2 = G;
    F->gradients(T, G, 2);
    auto ws = F->make_statistic_workspace();
    Eigen::MatrixXd P(F->statistic_size({}), mf::particle_blocks(T.cols()));
    F->statistic_partials(T, {}, P, *ws, 1);
    F->gradients_from_statistic(T, {}, mf::reduce_partials(P), T.cols(), G2, *ws, 1);
    EXPECT_TRUE(same_bits(G, G2)) << F->description();
    // Partials computed on the blocks alone (as another rank would) are the same bits.
    Eigen::MatrixXd P2(P.rows(), 1);
    const Eigen::MatrixXd last = T.middleCols(512, 88);
    F->statistic_partials(last, {}, P2, *ws, 1);
    EXPECT_TRUE(same_bits(P2, P.col(2))) << F->description();
  }
}

TEST(MfldSharding, ShardedRunsAreBitIdenticalToSerialForAnyRankCount) {
  const auto Fq = quadratic(3);
  const auto Ft = network(mf::Activation::tanh, mf::Loss::squared, 300, 3);
  const auto Fr = network(mf::Activation::relu, mf::Loss::logistic, 70, 2);
  struct Case {
    const mf::MeanFieldObjective* F;
    mf::Algorithm a;
    double eta;
    mf::Mutant mutant = mf::Mutant::none;
  };
  const std::vector<Case> cases{{&Fq, mf::Algorithm::mfld, 0.1},
                                {&Ft, mf::Algorithm::mfld, 0.05},
                                {&Ft, mf::Algorithm::sgd_mfld, 0.05},
                                {&Ft, mf::Algorithm::svrg_mfld, 0.05},
                                {&Fr, mf::Algorithm::sgd_mfld, 0.05},
                                {&Ft, mf::Algorithm::mfld, 0.05, mf::Mutant::self_interaction_only},
                                {&Fq, mf::Algorithm::mfld, 0.1, mf::Mutant::entropy_halved}};
  for (const auto& c : cases) {
    const Eigen::MatrixXd X = random_particles(c.F->dim(), 600, 4);
    auto o = options(c.a, c.eta, 5);
    o.mutant = c.mutant;
    const Outcome serial = run_one(*c.F, X, o);
    EXPECT_EQ(serial.particles, 600);
    for (int K : {2, 3, 4}) {
      auto ok = o;
      ok.threads = K == 3 ? 2 : 1;  // threads inside the ranks change nothing either
      expect_identical(serial, run_sharded(*c.F, X, ok, K),
                       c.F->description() + " " + mf::to_string(c.a) + " " + mf::to_string(c.mutant) + ", K = " + std::to_string(K));
    }
  }
}

TEST(MfldSharding, RngKeyPerRankMutantDuplicatesNoiseAcrossShards) {
  // c = 0, start at 0: after one step every particle is its own noise, so shared keys show as equal columns.
  const auto F = quadratic(2, 0.0);
  const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 600);
  auto o = options(mf::Algorithm::mfld, 0.1, 1);
  o.observe_every = 1;
  const Outcome none = run_one(F, X, o);
  o.mutant = mf::Mutant::rng_key_per_rank;
  const Outcome serial_mutant = run_one(F, X, o);
  ASSERT_EQ(none.error, "");
  EXPECT_TRUE(same_bits(serial_mutant.seen.at(1), none.seen.at(1)));  // one rank: nothing changes
  const auto two = run_sharded(F, X, o, 2);
  ASSERT_EQ(two[0].error, "");
  const Eigen::MatrixXd& T = two[0].seen.at(1);
  EXPECT_TRUE(same_bits(T.middleCols(256, 256), T.leftCols(256)));  // rank 1's particles copy rank 0's noise
  EXPECT_FALSE(same_bits(T, none.seen.at(1)));
  EXPECT_FALSE(same_bits(none.seen.at(1).middleCols(256, 256), none.seen.at(1).leftCols(256)));
  EXPECT_EQ(mf::mutant_from_string("rng_key_per_rank"), mf::Mutant::rng_key_per_rank);
}

TEST(MfldSharding, DivergenceIsThrownAlikeOnEveryRank) {
  // c = 0 and the flipped drift: particle 400 alone (held by rank 1 for K = 2 and 3) grows by 1 + 2 eta lambda1
  // = 1.5 per step from 1e305 and overflows at step 19; with and without observations (gather / min paths).
  const auto F = quadratic(2, 0.0);
  Eigen::MatrixXd X = random_particles(2, 600, 6);
  X(0, 400) = 1e305;
  auto o = options(mf::Algorithm::mfld, 0.5, 30);
  o.mutant = mf::Mutant::drift_flipped;
  for (std::uint32_t every : {0u, 1u, 4u}) {
    o.observe_every = every;
    const Outcome serial = run_one(F, X, o);
    ASSERT_NE(serial.error.find("divergence"), std::string::npos) << serial.error;
    EXPECT_EQ(serial.bad_particle, 400u);
    for (int K : {2, 3})
      for (const auto& r : run_sharded(F, X, o, K)) {
        EXPECT_EQ(r.error, serial.error) << "observe_every " << every << ", K = " << K;
        EXPECT_EQ(r.bad_step, serial.bad_step);
        EXPECT_EQ(r.bad_particle, serial.bad_particle);
        EXPECT_EQ(r.seen.size(), serial.seen.size());
      }
  }
}

// An objective without the sharding methods (the quadratic model's formulas, serial only).
class SerialOnly final : public mf::MeanFieldObjective {
 public:
  int dim() const override { return 1; }
  double lambda1() const override { return 1; }
  std::string description() const override { return "serial-only test objective"; }
  double value(const mf::ConstMatRef& T) const override { return T.squaredNorm() / static_cast<double>(T.cols()); }
  void gradients(const mf::ConstMatRef& T, mf::MatRef G, int) const override { G = 2 * T; }
  void self_interaction_gradients(const mf::ConstMatRef& T, mf::MatRef G, int) const override { G = 2 * T; }
};

TEST(MfldSharding, RefusalsAreOneLineErrorsOnEveryRank) {
  const SerialOnly S;
  const Eigen::MatrixXd X1 = random_particles(1, 600, 7);
  EXPECT_EQ(run_one(S, X1, options(mf::Algorithm::mfld, 0.1, 2)).error, "");  // serial: fine
  for (const auto& r : run_sharded(S, X1, options(mf::Algorithm::mfld, 0.1, 2), 2)) {
    EXPECT_EQ(r.error.rfind("objective: serial-only test objective does not support MPI sharding", 0), 0u) << r.error;
    EXPECT_EQ(r.error.find('\n'), std::string::npos);
  }
  const auto F = quadratic(2);
  const Eigen::MatrixXd X = random_particles(2, 600, 8);
  // Not whole blocks: rank 0 holds 300 particles.
  for (const auto& r : run_sharded(F, X, options(mf::Algorithm::mfld, 0.1, 2), 2, {{0, 300}, {300, 300}}))
    EXPECT_EQ(r.error.rfind("Theta: rank 0 holds 300 particles, not whole blocks of 256", 0), 0u) << r.error;
  // A gap: rank 1 starts at 512.
  for (const auto& r : run_sharded(F, X, options(mf::Algorithm::mfld, 0.1, 2), 2, {{0, 256}, {512, 88}}))
    EXPECT_EQ(r.error.rfind("particle_offset: rank 1 starts at particle 512, expected 256", 0), 0u) << r.error;
  // One rank's own input error: it throws it, the other names that rank.
  Eigen::MatrixXd bad = X;
  bad(1, 300) = std::numeric_limits<double>::quiet_NaN();
  const auto r = run_sharded(F, bad, options(mf::Algorithm::mfld, 0.1, 2), 2);
  EXPECT_EQ(r[1].error, "Theta: initial state must be finite");
  EXPECT_EQ(r[0].error.rfind("Theta: rank 1 of 2 has an invalid shard", 0), 0u) << r[0].error;
}

TEST(Communicator, SerialAndArgumentErrors) {
  const core::SerialCommunicator c;
  EXPECT_EQ(c.rank(), 0);
  EXPECT_EQ(c.size(), 1);
  const std::vector<double> a{1, 2, 3};
  std::vector<double> out(3);
  const std::vector<std::size_t> n3{3};
  c.allgather(a, n3, out);
  EXPECT_EQ(out, a);
  const std::vector<std::size_t> n2{2}, two{3, 0};
  EXPECT_TRUE(throws_invalid_argument_naming([&] { c.allgather(a, n2, out); }, "local:"));
  EXPECT_TRUE(throws_invalid_argument_naming([&] { c.allgather(a, two, out); }, "counts:"));
  std::vector<double> small(2);
  EXPECT_TRUE(throws_invalid_argument_naming([&] { c.allgather(a, n3, small); }, "out:"));
  std::vector<double> b{4};
  EXPECT_TRUE(throws_invalid_argument_naming([&] { c.broadcast(b, 1); }, "root:"));
  EXPECT_EQ(core::world().size(), 1);  // nothing installed another communicator in this process
}

TEST(Communicator, InProcessAllgatherIsRankOrderedWithVariableCounts) {
  InProcessGroup g(3);
  std::vector<std::vector<double>> got(3);
  std::vector<std::thread> th;
  for (int r = 0; r < 3; ++r)
    th.emplace_back([&, r] {
      const std::vector<double> mine(static_cast<std::size_t>(r), static_cast<double>(r));  // r copies of r
      const std::vector<std::size_t> counts{0, 1, 2};
      got[static_cast<std::size_t>(r)].resize(3);
      g.rank(r).allgather(mine, counts, got[static_cast<std::size_t>(r)]);
      std::vector<double> b{static_cast<double>(10 + r)};
      g.rank(r).broadcast(b, 2);
      got[static_cast<std::size_t>(r)].push_back(b[0]);
    });
  for (auto& t : th) t.join();
  for (const auto& v : got) EXPECT_EQ(v, (std::vector<double>{1, 2, 2, 12}));
}

}  // namespace
}  // namespace test_mfld_sharding
