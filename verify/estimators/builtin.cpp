// The core estimator catalogue: each entry wraps one function of verify/estimators/ with its
// declaration (what it needs and returns, bias, cost, parameters). See registry.hpp.
#include <cmath>
#include <stdexcept>

#include "theory/gaussian.hpp"
#include "verify/estimators/kernel/fisher.hpp"
#include "verify/estimators/kernel/mmd_ksd.hpp"
#include "verify/estimators/knn/entropy_kl.hpp"
#include "verify/estimators/ot/assignment.hpp"
#include "verify/estimators/ot/network_simplex.hpp"
#include "verify/estimators/ot/sinkhorn.hpp"
#include "verify/estimators/ot/w2_1d.hpp"
#include "verify/estimators/registry.hpp"

namespace ldbench::verify::estimators {

namespace {

Estimate fisher_on_grid(const EstimatorInput& in);  // below

using Type = ParamSpec::Type;

// Sample mean and unbiased covariance of a d x n sample (n > d + 1 so the fit is SPD a.s.).
theory::Gaussian fit_gaussian(const Eigen::MatrixXd& X, const char* name) {
  const long d = X.rows(), n = X.cols();
  if (n <= d + 1)
    throw std::invalid_argument(std::string(name) + ": a Gaussian fit in d = " + std::to_string(d) + " needs at least " +
                                std::to_string(d + 2) + " points, got " + std::to_string(n));
  if (!X.allFinite()) throw std::invalid_argument(std::string(name) + ": non-finite sample value");
  const Eigen::VectorXd m = X.rowwise().mean();
  const Eigen::MatrixXd C = X.colwise() - m;
  theory::Gaussian g{m, C * C.transpose() / static_cast<double>(n - 1)};
  g.cov = 0.5 * (g.cov + g.cov.transpose());
  try {
    theory::validate(g, name);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(std::string(name) + ": the sample covariance is singular (points on a subspace or duplicated)");
  }
  return g;
}

void register_gaussian_closed_forms(EstimatorRegistry& reg) {
  reg.add({"gaussian_fit_kl",
           "KL(N(x̄, Ŝ) || pi) in nats, pi the Gaussian target",
           "Moment-matched Gaussian (sample mean, unbiased covariance), closed-form KL from theory/gaussian.hpp. "
           "Consistent only when the sampled law is Gaussian; positive bias ≈ d(d+3)/(4n) at p = pi.",
           Needs{.gaussian_target = true}, false, false, "O(n d² + d³)", 100000000L, {}},
          [](const EstimatorInput& in, const Params&) {
            return Estimate{theory::kl(fit_gaussian(*in.x, "x"), *in.target->gaussian), std::nullopt, {}};
          });
  reg.add({"bures_w2_squared",
           "W2 squared between the Gaussian fits of x and y (squared distance units)",
           "Bures–Wasserstein closed form ||m1-m2||² + tr(S1 + S2 - 2(S2^{1/2} S1 S2^{1/2})^{1/2}) on fitted "
           "moments (Dowson & Landau 1982). Exact W2² between the fits; for Gaussian laws a consistent estimate.",
           Needs{.y = true}, false, false, "O((n + m) d² + d³)", 100000000L, {}},
          [](const EstimatorInput& in, const Params&) {
            return Estimate{theory::w2_squared(fit_gaussian(*in.x, "x"), fit_gaussian(*in.y, "y")), std::nullopt, {}};
          });
}

ParamSpec neighbours(const std::string& name, const std::string& doc) {
  return {name, Type::integer, static_cast<long>(kDefaultNeighbours), 1, 1000, {}, doc};
}

void register_knn(EstimatorRegistry& reg) {
  reg.add({"knn_entropy", "differential entropy H(p) = -∫ p log p in nats (ldbench's Ent = -H)",
           "Kozachenko–Leonenko k-NN estimator (1987), k-th neighbour form; kd-tree (nanoflann). Negative bias that "
           "grows with k and d (verify/estimators/knn/entropy_kl.hpp has the measured table).",
           Needs{}, false, false, "O(n log n) expected, small d", 50000000L,
           {neighbours("k", "neighbour order; 5 lowers the variance, 1 has half the bias for d >= 3")}},
          [](const EstimatorInput& in, const Params& p) { return knn_entropy(*in.x, static_cast<int>(p.integer("k"))); });
  reg.add({"knn_kl", "KL(p||q) in nats, x ~ p, y ~ q",
           "Wang, Kulkarni & Verdú (2009) / Pérez-Cruz (2008) k-NN estimator with the digamma correction "
           "psi(k) - psi(l) for unequal orders; kd-tree (nanoflann), parallel queries.",
           Needs{.y = true}, false, false, "O((n + m) log(n + m)) expected, small d", 50000000L,
           {neighbours("k", "neighbour order within x"), neighbours("l", "neighbour order from x into y")}},
          [](const EstimatorInput& in, const Params& p) {
            return knn_kl(*in.x, *in.y, static_cast<int>(p.integer("k")), static_cast<int>(p.integer("l")));
          });
  reg.add({"knn_kl_to_target", "KL(p||pi) in nats, pi the target with a known (normalized) log density",
           "-H(p) by Kozachenko–Leonenko minus the sample mean of log pi(x_i); an unnormalized log density returns "
           "KL - log Z with a warning.",
           Needs{.log_density = true}, false, false, "O(n log n) + n log-density evaluations", 50000000L,
           {neighbours("k", "neighbour order")}},
          [](const EstimatorInput& in, const Params& p) {
            TargetNormalization norm;
            norm.normalized = in.target->log_density_normalized;
            return knn_kl_to_target(*in.x, in.target->log_density, norm, static_cast<int>(p.integer("k")));
          });
}

void register_kernel(EstimatorRegistry& reg) {
  const std::vector<ParamSpec> mmd_params = {
      {"kernel", Type::text, std::string("gaussian"), 0, 0, {"gaussian", "imq"},
       "gaussian exp(-||x-y||²/(2h²)) or imq (c² + ||x-y||²)^beta"},
      {"bandwidth", Type::real, 0.0, 0.0, 1e300, {}, "h (gaussian) or c (imq); 0 = median heuristic on the pooled sample"},
      {"beta", Type::real, -0.5, -10.0, -1e-12, {}, "IMQ exponent beta < 0"}};
  reg.add({"mmd2", "MMD squared (unbiased U-statistic; can be negative), kernel units",
           "Gretton et al. (2012) unbiased MMD² with Gaussian or IMQ kernel, median-heuristic bandwidth; standard "
           "error from the U-statistic's linear term.",
           Needs{.y = true}, false, true, "O((n + m)² d)", 200000L, mmd_params},
          [](const EstimatorInput& in, const Params& p) {
            MmdOptions o;
            o.kernel = p.text("kernel") == "imq" ? MmdKernel::imq : MmdKernel::gaussian;
            if (p.real("bandwidth") > 0) o.bandwidth = p.real("bandwidth");
            o.imq_beta = p.real("beta");
            return mmd2_unbiased(*in.x, *in.y, o);
          });
  reg.add({"ksd2", "kernel Stein discrepancy squared (U-statistic; can be negative)",
           "Liu, Lee & Jordan (2016); Gorham & Mackey (2017): IMQ kernel (c² + ||x-y||²)^beta with the target "
           "score; OpenMP rows, identical for any thread count.",
           Needs{.score = true}, false, true, "O(n² d)", 200000L,
           {{"c", Type::real, 1.0, 1e-12, 1e300, {}, "IMQ scale c > 0"},
            {"beta", Type::real, -0.5, -1.0 + 1e-12, -1e-12, {}, "IMQ exponent, -1 < beta < 0"}}},
          [](const EstimatorInput& in, const Params& p) {
            KsdOptions o;
            o.c = p.real("c");
            o.beta = p.real("beta");
            return ksd2_imq(*in.x, in.target->score, o);
          });
  reg.add({"fisher_kde", "relative Fisher information I(p||pi) = E_p||∇log p - ∇log pi||²",
           "Leave-one-out Gaussian KDE score of p with Silverman's bandwidth h = s (4/((d+2) n))^{1/(d+4)}, "
           "then the sample mean; biased upward (smoothing), see verify/estimators/kernel/fisher.hpp.",
           Needs{.score = true}, false, false, "O(n² d)", 200000L,
           {{"bandwidth", Type::real, 0.0, 0.0, 1e300, {}, "KDE bandwidth h; 0 = Silverman's rule"}}},
          [](const EstimatorInput& in, const Params& p) {
            std::optional<double> h;
            if (p.real("bandwidth") > 0) h = p.real("bandwidth");
            return relative_fisher_kde(*in.x, in.target->score, h);
          });
  reg.add({"fisher_grid", "relative Fisher information I(p||pi) of a 1-D density given on a uniform grid (exact up to O(dx²))",
           "x = the grid nodes (1-D, increasing, uniform spacing dx), wx = the probability of each node (density times "
           "dx, summing to 1); second-order finite differences and the trapezoid rule, see "
           "verify/estimators/kernel/fisher.hpp (relative_fisher_grid).",
           Needs{.score = true}, true, false, "O(N)", 100000000L, {}},
          [](const EstimatorInput& in, const Params&) { return fisher_on_grid(in); });
}

// fisher_grid: the sample is a grid, the weights its density. Checks what the registry cannot:
// one dimension, a uniform increasing grid, weights present.
Estimate fisher_on_grid(const EstimatorInput& in) {
  const Eigen::MatrixXd& x = *in.x;
  if (x.rows() != 1) throw std::invalid_argument("x: fisher_grid takes 1-D grid nodes, got dimension " + std::to_string(x.rows()));
  if (!in.wx) throw std::invalid_argument("wx: fisher_grid needs the grid density as weights (density times dx per node)");
  const long N = x.cols();
  if (N < 3) throw std::invalid_argument("x: fisher_grid needs at least 3 grid nodes, got " + std::to_string(N));
  const double dx = (x(0, N - 1) - x(0, 0)) / static_cast<double>(N - 1);
  if (!(dx > 0)) throw std::invalid_argument("x: grid nodes must increase");
  for (long i = 1; i < N; ++i)
    if (std::abs((x(0, i) - x(0, i - 1)) - dx) > 1e-9 * dx)
      throw std::invalid_argument("x: grid spacing is not uniform at node " + std::to_string(i) + " (expected " +
                                  std::to_string(dx) + ")");
  Eigen::VectorXd score(N);
  for (long i = 0; i < N; ++i) score(i) = in.target->score(x.col(i))(0);
  return relative_fisher_grid(*in.wx / dx, dx, score);
}

Eigen::VectorXd weights_or_uniform(const Eigen::VectorXd* w, long n) {
  return w ? *w : Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
}

void register_ot(EstimatorRegistry& reg) {
  reg.add({"w2_1d", "W2 squared between 1-D weighted empirical measures (squared distance units), exact",
           "Quantile (monotone) coupling: sorted atoms, merged cumulative weights, exact integral of "
           "|F^{-1}(u) - G^{-1}(u)|² du. Unequal sizes and weights allowed.",
           Needs{.y = true}, true, false, "O((n + m) log(n + m))", 100000000L, {}},
          [](const EstimatorInput& in, const Params&) {
            if (in.x->rows() != 1) throw std::invalid_argument("x: w2_1d is one-dimensional; use w2_exact for d > 1");
            if (!in.wx && !in.wy) return w2_squared_1d(*in.x, *in.y);
            return w2_squared_1d(*in.x, *in.y, weights_or_uniform(in.wx, in.x->cols()), weights_or_uniform(in.wy, in.y->cols()));
          });
  reg.add({"w2_exact", "W2 squared between discrete measures (squared distance units), exact LP optimum",
           "Equal sizes and uniform weights: Jonker–Volgenant shortest augmenting path assignment; otherwise the "
           "network simplex on the transportation problem (Peyré & Cuturi 2019, ch. 3). Both return duals; the "
           "certificate is checked in the tests.",
           Needs{.y = true}, true, false, "O(n³) (assignment); problem dependent pivots (network simplex)", 20000L,
           {{"method", Type::text, std::string("auto"), 0, 0, {"auto", "assignment", "network_simplex"},
             "auto: assignment for equal sizes and uniform weights, network simplex otherwise"},
            {"max_iterations", Type::integer, 50000000L, 1, 1e12, {}, "network simplex pivot cap (converged = false when hit)"}}},
          [](const EstimatorInput& in, const Params& p) {
            const std::string m = p.text("method");
            const bool uniform = !in.wx && !in.wy && in.x->cols() == in.y->cols();
            if (m == "assignment" || (m == "auto" && uniform)) {
              if (!uniform)
                throw std::invalid_argument("params.method: assignment needs equal sizes and no weights; use network_simplex");
              return w2_squared_assignment(*in.x, *in.y).w2_squared;
            }
            NetworkSimplexOptions o;
            o.max_iterations = p.integer("max_iterations");
            return w2_squared_network_simplex(*in.x, *in.y, weights_or_uniform(in.wx, in.x->cols()),
                                              weights_or_uniform(in.wy, in.y->cols()), o)
                .w2_squared;
          });
  const std::vector<ParamSpec> sinkhorn_params = {
      {"eps", Type::real, 0.05, 1e-12, 1e300, {}, "entropic regularization eps (squared distance units), the reg of POT"},
      {"tol", Type::real, 1e-9, 1e-15, 1.0, {}, "stop when the L1 marginal violation ||P1 - a||_1 + ||Pᵀ1 - b||_1 <= tol"},
      {"max_iterations", Type::integer, 100000L, 1, 1e9, {}, "iterations over all eps stages (converged = false when hit)"}};
  auto options = [](const Params& p) {
    SinkhornOptions o;
    o.tol = p.real("tol");
    o.max_iterations = p.integer("max_iterations");
    return o;
  };
  reg.add({"sinkhorn_cost", "<P, C> of the entropic plan at eps (squared distance units; >= W2², = POT ot.sinkhorn2)",
           "Log-domain stabilized Sinkhorn with eps-scaling and Anderson acceleration (Schmitzer 2019), "
           "squared Euclidean cost; deterministic for any thread count.",
           Needs{.y = true}, true, false, "O(n m) memory, O(n m) per iteration", 20000L, sinkhorn_params},
          [options](const EstimatorInput& in, const Params& p) {
            return sinkhorn_w2_squared(*in.x, *in.y, weights_or_uniform(in.wx, in.x->cols()),
                                       weights_or_uniform(in.wy, in.y->cols()), p.real("eps"), options(p))
                .transport_cost;
          });
  reg.add({"sinkhorn_divergence", "debiased Sinkhorn divergence S_eps = OT_eps(a,b) - ½OT_eps(a,a) - ½OT_eps(b,b) (squared distance units)",
           "Genevay et al. (2018), Feydy et al. (2019): three log-domain Sinkhorn solves; >= 0, 0 for equal "
           "measures, -> W2² as eps -> 0.",
           Needs{.y = true}, true, false, "3 Sinkhorn solves", 20000L, sinkhorn_params},
          [options](const EstimatorInput& in, const Params& p) {
            return sinkhorn_divergence_w2_squared(*in.x, *in.y, weights_or_uniform(in.wx, in.x->cols()),
                                                  weights_or_uniform(in.wy, in.y->cols()), p.real("eps"), options(p))
                .divergence;
          });
}

}  // namespace

void register_builtin_estimators(EstimatorRegistry& reg) {
  register_ot(reg);
  register_gaussian_closed_forms(reg);
  register_knn(reg);
  register_kernel(reg);
}

}  // namespace ldbench::verify::estimators
