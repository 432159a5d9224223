// ldbench_peers: ldbench's estimators against their peers (POT, SciPy) on the same inputs, side by
// side in one run (`./ldbench bench --peers`). For each task it draws the samples once (Philox,
// fixed seed), writes them as text files that both sides read, times ldbench in-process and the
// peer through bench/peers/peers.py (Debian's /usr/bin/python3 with python3-pot, python3-scipy),
// and prints a table of values and time ratios. The JSON goes to
// reports/runs/<UTC time>-peers/peers.json together with peers.md.
//
// Timings are wall-clock, best of `repeats` runs on each side (the machine is shared and noisy);
// both include building the cost matrix or the trees. Thread counts: ldbench uses OpenMP's
// default, SciPy's cKDTree gets workers = -1 (all cores), POT is single-threaded NumPy.
//
// Usage: ldbench_peers [--quick] [--out DIR] [--python PATH]
//   --quick  smaller sizes (seconds instead of minutes), for a smoke run
//   --only T run one task: emd2, knn_kl, sinkhorn_log or ula_gaussian
//
// ula_gaussian (the samplers' speed target of the Langevin issue): ULA on a d = 100 diagonal
// Gaussian (curvatures linspace(1, 10, d), lambda = 1, eta = 0.05, x_0 = 0) with 1e5 chains, 20
// steps, against NumPy's fastest form of the same update (bench/peers/peers.py). The noise streams
// differ (Philox vs PCG64), so agreement is stated statistically: each side reports the mean over
// coordinates of its ensemble variance divided by the exact ULA variance after 20 steps
// (theory: 1, with standard error sqrt(2/(chains d)) ~ 4.5e-4). ldbench runs with OpenMP's default
// threads and with 1 thread; NumPy is single-threaded.
#include <unistd.h>

#include <Eigen/Core>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "lib/langevin/sampler.hpp"
#include "lib/models/gaussian_sum.hpp"
#include "lib/rng/philox.hpp"
#include "reports/writer.hpp"
#include "verify/estimators/knn/entropy_kl.hpp"
#include "verify/estimators/ot/assignment.hpp"
#include "verify/estimators/ot/sinkhorn.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
namespace est = ldbench::verify::estimators;

namespace {

Eigen::MatrixXd gaussian_sample(long d, long n, double shift, std::uint32_t seed, std::uint32_t which) {
  const ldbench::lib::rng::Key key{seed, static_cast<std::uint32_t>(ldbench::lib::rng::StreamTag::reference_sample)};
  Eigen::MatrixXd x(d, n);
  for (long j = 0; j < n; ++j)
    ldbench::lib::rng::NormalStream(key, which, static_cast<std::uint32_t>(j), 0).fill(x.col(j).data(), static_cast<std::uint32_t>(d));
  x.array() += shift;
  return x;
}

void write_points(const Eigen::MatrixXd& x, const fs::path& p) {
  std::ofstream out(p);
  out << std::setprecision(17);
  for (long j = 0; j < x.cols(); ++j) {
    for (long k = 0; k < x.rows(); ++k) out << (k ? " " : "") << x(k, j);
    out << "\n";
  }
}

// Reads back exactly what the peer reads, so both sides see identical doubles.
Eigen::MatrixXd read_points(const fs::path& p, long d) {
  std::ifstream in(p);
  std::vector<double> v;
  double t;
  while (in >> t) v.push_back(t);
  const long n = static_cast<long>(v.size()) / d;
  return Eigen::Map<Eigen::MatrixXd>(v.data(), d, n);
}

double best_seconds(int repeats, const std::function<double()>& f, double& value) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    value = f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

json run_peer(const std::string& python, const fs::path& script, const json& task, int repeats) {
  json best;
  for (int r = 0; r < repeats; ++r) {
    const std::string cmd = python + " " + shell_quote(script.string()) + " " + shell_quote(task.dump());
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[4096];
      while (std::fgets(buf, sizeof buf, p)) out += buf;
      if (::pclose(p) != 0) throw std::runtime_error("peer failed: " + cmd);
    }
    const json j = json::parse(out);
    if (best.is_null() || j["seconds"].get<double>() < best["seconds"].get<double>()) best = j;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string out_dir, python = "/usr/bin/python3", only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--out" && i + 1 < argc) out_dir = argv[++i];
    else if (a == "--python" && i + 1 < argc) python = argv[++i];
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else {
      std::cerr << "error: ldbench_peers: unknown argument " << a
                << "; use --quick, --out DIR, --python PATH, --only emd2|knn_kl|sinkhorn_log|ula_gaussian\n";
      return 2;
    }
  }
  const fs::path root = LDBENCH_SOURCE_ROOT;
  const fs::path script = root / "bench" / "peers" / "peers.py";
  const fs::path tmp = fs::temp_directory_path() / ("ldbench-peers-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  const std::uint32_t seed = 20261128;
  const int repeats = quick ? 1 : 3;

  struct Task {
    std::string name, peer_task, quantity;
    long d, n;
    json extra;
    std::function<double(const Eigen::MatrixXd&, const Eigen::MatrixXd&)> ours;
    int peer_repeats;
    // Optional: a much more accurate value of the same quantity, so the table can state each
    // side's error (matched accuracy) rather than only their difference. Not timed.
    std::function<double(const Eigen::MatrixXd&, const Eigen::MatrixXd&)> reference = {};
  };
  const double eps = 0.05, tol = 1e-6;
  std::vector<Task> tasks = {
      {"exact W2² (assignment vs ot.emd2)", "emd2", "W2 squared", 2, quick ? 500 : 2000, json::object(),
       [](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) { return est::w2_squared_assignment(x, y).w2_squared.value; },
       repeats},
      {"kNN KL, k = 1 (nanoflann vs cKDTree)", "knn_kl", "KL(p||q), nats", 3, quick ? 20000 : 100000,
       json{{"k", 1}, {"workers", -1}},
       [](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) { return est::knn_kl(x, y, 1, 1).value; }, repeats},
      // Matched accuracy: both sides stop when the marginal violation is below tol = 1e-6 (ours:
      // L1 norm of both marginals; POT: L2 norm of the column marginal, checked every 10
      // iterations; L1 >= L2, so ours stops no earlier). POT's plain log-domain iteration has no
      // eps-scaling, so at eps = 0.05 it needs thousands of iterations: n is kept at 1000 so that
      // the peer converges in about two minutes, and it runs once.
      {"Sinkhorn, log domain, eps = 0.05 (vs ot.sinkhorn2 sinkhorn_log)", "sinkhorn_log", "<P, C> of the entropic plan", 2,
       quick ? 300 : 1000, json{{"eps", eps}, {"tol", tol}, {"max_iter", 100000}},
       [eps, tol](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
         est::SinkhornOptions o;
         o.tol = tol;
         return est::sinkhorn_w2_squared(x, y, eps, o).transport_cost.value;
       },
       1,
       [eps](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
         est::SinkhornOptions o;
         o.tol = 1e-13;
         return est::sinkhorn_w2_squared(x, y, eps, o).transport_cost.value;
       }},
  };

  json results = json::array();
  std::ostringstream md;
  md << "| task | n | d | ldbench value | peer value | rel. diff | ldbench s | peer s | peer / ldbench | peer |\n"
     << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const Task& task = tasks[t];
    if (!only.empty() && task.peer_task != only) continue;
    const fs::path xf = tmp / ("x" + std::to_string(t) + ".txt"), yf = tmp / ("y" + std::to_string(t) + ".txt");
    write_points(gaussian_sample(task.d, task.n, 0.0, seed, static_cast<std::uint32_t>(2 * t)), xf);
    write_points(gaussian_sample(task.d, task.n, 0.5, seed, static_cast<std::uint32_t>(2 * t + 1)), yf);
    const Eigen::MatrixXd x = read_points(xf, task.d), y = read_points(yf, task.d);
    std::cerr << "[" << t + 1 << "/" << tasks.size() << "] " << task.name << ", n = " << task.n << " ..." << std::flush;
    double ours_value = 0;
    const double ours_s = best_seconds(repeats, [&] { return task.ours(x, y); }, ours_value);
    json pt = task.extra;
    pt["task"] = task.peer_task;
    pt["x"] = xf.string();
    pt["y"] = yf.string();
    json peer;
    try {
      peer = run_peer(python, script, pt, task.peer_repeats);
    } catch (const std::exception& ex) {  // a killed or failing peer: the row says so, the run goes on
      std::cerr << " peer failed\n";
      results.push_back({{"task", task.name}, {"n", task.n}, {"d", task.d},
                         {"ldbench", {{"value", ours_value}, {"seconds", ours_s}, {"repeats", repeats}}},
                         {"peer", {{"error", ex.what()}}}});
      md << "| " << task.name << " | " << task.n << " | " << task.d << " | " << std::setprecision(10) << ours_value
         << " | (peer failed) | | " << std::setprecision(3) << ours_s << " | | | " << ex.what() << " |\n";
      continue;
    }
    const double pv = peer["value"].get<double>(), ps = peer["seconds"].get<double>();
    const double rel = std::abs(ours_value - pv) / std::max(std::abs(pv), 1e-300);
    json accuracy;
    if (task.reference) {
      const double ref = task.reference(x, y);
      accuracy = {{"reference_value", ref},
                  {"ldbench_relative_error", std::abs(ours_value - ref) / std::abs(ref)},
                  {"peer_relative_error", std::abs(pv - ref) / std::abs(ref)}};
    }
    std::cerr << " done (" << ours_s << " s vs " << ps << " s)\n";
    results.push_back({{"task", task.name},
                       {"quantity", task.quantity},
                       {"n", task.n},
                       {"d", task.d},
                       {"params", task.extra},
                       {"ldbench", {{"value", ours_value}, {"seconds", ours_s}, {"repeats", repeats}}},
                       {"peer", peer},
                       {"relative_difference", rel},
                       {"time_ratio_peer_over_ldbench", ps / ours_s}});
    if (!accuracy.is_null()) results.back()["accuracy"] = accuracy;
    md << "| " << task.name << " | " << task.n << " | " << task.d << " | " << std::setprecision(10) << ours_value << " | " << pv
       << " | " << std::setprecision(2) << rel << " | " << std::setprecision(3) << ours_s << " | " << ps << " | "
       << ps / ours_s << "x | " << peer["library"].get<std::string>();
    if (peer.contains("converged"))
      md << (peer["converged"].get<bool>() ? " (converged" : " (NOT converged") << " after " << peer["iterations"]
         << " iterations, L2 marginal error " << peer["final_marginal_error_l2"] << ")";
    if (!accuracy.is_null())
      md << "; relative error against a tol = 1e-13 solve: ldbench " << std::setprecision(2)
         << accuracy["ldbench_relative_error"].get<double>() << ", peer " << accuracy["peer_relative_error"].get<double>();
    md << " |\n";
  }
  if (only.empty() || only == "ula_gaussian") {
    const int d = 100, steps = 20;
    const long chains = quick ? 20000 : 100000;
    const double eta = 0.05;
    namespace lv = ldbench::lib::langevin;
    const Eigen::VectorXd a = Eigen::VectorXd::LinSpaced(d, 1.0, 10.0);
    const auto U = ldbench::lib::models::make_gaussian_finite_sum(Eigen::VectorXd::Zero(d), Eigen::MatrixXd(a.asDiagonal()), 1,
                                                                  0.0, 0.0, 1u);
    auto run_ours = [&](int threads) {
      lv::SamplerOptions o;
      o.algorithm = lv::Algorithm::ula;
      o.lambda = 1.0;
      o.step = lv::StepSchedule::constant(eta);
      o.n_steps = steps;
      o.seed = seed;
      o.threads = threads;
      lv::Ensemble X = lv::Ensemble::Zero(d, chains);
      lv::sample(*U, X, o);
      const Eigen::ArrayXd q = (1.0 - eta * a.array()).square();
      const Eigen::ArrayXd exact = 2.0 * eta * (1.0 - q.pow(steps)) / (1.0 - q);
      const Eigen::VectorXd mean = X.rowwise().mean();
      const Eigen::ArrayXd var = (X.colwise() - mean).array().square().rowwise().sum() / static_cast<double>(chains - 1);
      return (var / exact).mean();
    };
    std::cerr << "[ula] ULA d = " << d << ", " << chains << " chains, " << steps << " steps ..." << std::flush;
    double v_all = 0, v_one = 0;
    // The variance statistic is computed inside run_ours but is O(d chains) against O(steps d chains)
    // for the steps; it is timed on our side only (a slight handicap for ldbench).
    const double s_all = best_seconds(repeats, [&] { return run_ours(0); }, v_all);
    const double s_one = best_seconds(repeats, [&] { return run_ours(1); }, v_one);
    const json pt = {{"task", "ula_gaussian"}, {"d", d}, {"chains", chains}, {"steps", steps}, {"eta", eta}, {"seed", seed}};
    try {
      const json peer = run_peer(python, script, pt, repeats);
      const double ps = peer["seconds"].get<double>();
      std::cerr << " done (" << s_all << " s, 1 thread " << s_one << " s, vs " << ps << " s)\n";
      results.push_back({{"task", "ULA on a d = 100 Gaussian (vs NumPy)"},
                         {"quantity", "mean over coordinates of ensemble variance / exact ULA variance (theory 1)"},
                         {"n", chains},
                         {"d", d},
                         {"params", pt},
                         {"ldbench", {{"value", v_all}, {"seconds", s_all}, {"seconds_1_thread", s_one}, {"value_1_thread", v_one},
                                      {"repeats", repeats}}},
                         {"peer", peer},
                         {"time_ratio_peer_over_ldbench", ps / s_all},
                         {"time_ratio_peer_over_ldbench_1_thread", ps / s_one}});
      md << "| ULA, eta = 0.05, 20 steps (vs NumPy, same update) | " << chains << " chains | " << d << " | " << std::setprecision(5)
         << v_all << " | " << peer["value"].get<double>() << " | (variance ratio, theory 1) | " << std::setprecision(3) << s_all
         << " (1 thread " << s_one << ") | " << ps << " | " << ps / s_all << "x (1 thread " << ps / s_one << "x) | "
         << peer["library"].get<std::string>() << " |\n";
    } catch (const std::exception& ex) {
      std::cerr << " peer failed\n";
      results.push_back({{"task", "ULA on a d = 100 Gaussian (vs NumPy)"}, {"peer", {{"error", ex.what()}}},
                         {"ldbench", {{"value", v_all}, {"seconds", s_all}}}});
      md << "| ULA (vs NumPy) | " << chains << " | " << d << " | " << v_all << " | (peer failed) | | " << s_all << " | | | "
         << ex.what() << " |\n";
    }
  }
  fs::remove_all(tmp);
  const json doc = {{"seed", seed},
                    {"quick", quick},
                    {"started_utc", ldbench::reports::utc_now("%Y-%m-%dT%H:%M:%SZ")},
                    {"method", "best wall time of `repeats` runs per side, in one invocation; cost matrices and trees included"},
                    {"results", results}};
  const fs::path out = out_dir.empty() ? root / "reports" / "runs" / (ldbench::reports::utc_now("%Y%m%dT%H%M%SZ") + "-peers") : fs::path(out_dir);
  fs::create_directories(out);
  std::ofstream(out / "peers.json") << doc.dump(2) << "\n";
  std::ofstream(out / "peers.md") << "# ldbench vs peers\n\nSeed " << seed << (quick ? " (quick sizes)" : "")
                                  << "; best of " << repeats << " runs per side (Sinkhorn's peer: 1 run).\n\n"
                                  << md.str();
  std::cout << md.str() << "\nwritten: " << (out / "peers.json").string() << "\n";
  return 0;
}
