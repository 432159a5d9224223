#include "reports/model.hpp"

#include <stdexcept>

namespace ldbench::reports {

const char* to_string(SeriesStyle s) {
  switch (s) {
    case SeriesStyle::measured: return "measured";
    case SeriesStyle::exact: return "exact";
    case SeriesStyle::bound: return "bound";
    case SeriesStyle::floor: return "floor";
    case SeriesStyle::reference: return "reference";
  }
  return "measured";
}

SeriesStyle series_style_from_string(const std::string& s) {
  for (auto v : {SeriesStyle::measured, SeriesStyle::exact, SeriesStyle::bound, SeriesStyle::floor,
                 SeriesStyle::reference})
    if (s == to_string(v)) return v;
  throw std::runtime_error("style: unknown series style '" + s + "'");
}

bool Experiment::passed() const {
  if (status != "ok") return false;
  for (const auto& c : checks)
    if (!c.passed) return false;
  return true;
}

int KillMatrix::survivors() const {
  int n = 0;
  for (const auto& m : mutants) n += m.killed() ? 0 : 1;
  return n;
}

int Calibration::inconsistent() const {
  int n = 0;
  for (const auto& r : rows) n += r.consistent ? 0 : 1;
  return n;
}

bool Report::passed() const {
  for (const auto& e : experiments)
    if (!e.passed()) return false;
  if (calibration && calibration->inconsistent() > 0) return false;
  return !kill_matrix || kill_matrix->survivors() == 0;
}

int Report::checks_total() const {
  int n = 0;
  for (const auto& e : experiments) n += static_cast<int>(e.checks.size());
  return n;
}

int Report::checks_failed() const {
  int n = 0;
  for (const auto& e : experiments)
    for (const auto& c : e.checks) n += c.passed ? 0 : 1;
  return n;
}

double Report::alpha_total() const {
  double a = 0;
  for (const auto& e : experiments)
    for (const auto& c : e.checks) a += c.alpha;
  return a;
}

nlohmann::json conventions() {
  return {
      {"gibbs_target", "pi(x) ∝ exp(-U(x)/lambda)"},
      {"gld", "dX = -∇U(X) dt + sqrt(2 lambda) dB"},
      {"ula", "x_{k+1} = x_k - eta ∇U(x_k) + sqrt(2 eta lambda) xi_k, xi_k ~ N(0, I)"},
      {"ou", "dX = -a X dt + sqrt(2 lambda) dB; the lecture notes' OU is a = lambda = 1, pi = N(0, I)"},
      {"kl", "KL(p||q) = ∫ p log(p/q), in nats"},
      {"fisher", "I(p||q) = ∫ ||∇log p - ∇log q||² p"},
      {"entropy", "Ent(mu) = ∫ mu log mu (negative differential entropy)"},
      {"lsi", "LSI(alpha): KL(nu||pi) <= I(nu||pi) / (2 alpha); along GLD KL(p_t||pi) <= exp(-2 alpha lambda t) "
              "KL(p_0||pi); N(0, s² I) satisfies LSI(1/s²)"},
      {"time", "rates are per unit of SDE time t, not per iteration"},
      {"tightness", "measured / bound: <= 1 holds for upper bounds, >= 1 holds for lower bounds on rates, "
                    "1 is exact for equality claims"},
      {"confidence", "Student-t intervals across independent replicas; one-sided for bounds, two-sided for "
                     "equalities; Bonferroni over the points of one check"},
  };
}

}  // namespace ldbench::reports
