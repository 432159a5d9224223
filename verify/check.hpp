// The outcome of one verification check (DESIGN.md §4): a claim from theory/, a measured
// quantity with its confidence interval, and a decision with a stated false-fail rate.
//
// Tightness is always measured / bound. For an upper bound on a quantity (KL <= bound) a value
// <= 1 means the bound holds and 1 means it is attained; for a lower bound on a rate
// (rate >= bound) a value >= 1 means it holds; for an equality claim (order = 1) 1 is exact.
#pragma once

#include <string>
#include <vector>

namespace ldbench::verify {

enum class CheckKind {
  upper_bound_pointwise,  // measured(t) <= bound(t) at every judged t (lower confidence limit)
  rate_at_least,          // fitted rate >= claimed rate (upper confidence limit)
  order_equals,           // fitted order's confidence interval contains the claimed order
  consistency,            // measured value's confidence interval contains an exact value
  identity,               // deterministic identity within a named relative tolerance
};
inline const char* to_string(CheckKind k) {
  switch (k) {
    case CheckKind::upper_bound_pointwise: return "upper_bound_pointwise";
    case CheckKind::rate_at_least: return "rate_at_least";
    case CheckKind::order_equals: return "order_equals";
    case CheckKind::consistency: return "consistency";
    case CheckKind::identity: return "identity";
  }
  return "identity";
}

struct CheckResult {
  std::string id;          // stable identifier, e.g. "kl_lsi_bound"
  CheckKind kind = CheckKind::identity;
  std::string claim;       // the theorem in words and symbols, with its source
  std::string quantity;    // what `measured` is
  std::string rule;        // the decision rule in words
  double measured = 0;     // point estimate (mean over replicas)
  double measured_lo = 0;  // confidence interval (equal to measured when deterministic)
  double measured_hi = 0;
  double bound = 0;        // the claimed value or bound
  double tightness = 0;    // measured / bound
  double alpha = 0;        // false-fail rate budget of this check (0: deterministic)
  int replicas = 0;        // independent replicas behind the interval (0: deterministic)
  double resolution = 0;   // smallest deviation from the claim the check can detect
  bool passed = false;
  std::string detail;      // worst point, window, notes
};

}  // namespace ldbench::verify
