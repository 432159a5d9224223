// The plugin interface: how a shared module adds estimators, potentials or finite-sum models to
// ldbench without editing the core.
//
// A plugin is a Meson `shared_module` built against these headers. It exports exactly one
// symbol, declared with LDBENCH_PLUGIN below:
//
//   extern "C" int ldbench_plugin_register(int host_abi, ldbench::PluginHost* host);
//
// The host (ldbench, on `--plugin PATH`) calls it once with its own ABI version. The function
// must return its compiled ABI version, kPluginAbiVersion, and register only if the two agree;
// the host then refuses a plugin whose version differs, with a one-line error saying to rebuild
// it. kPluginAbiVersion changes whenever PluginHost or any registry type it exposes changes
// layout, so a stale plugin can never run against a different struct.
//
// Lifetime: the host never unloads a plugin, so the functions it registers stay valid for the
// whole run. A name already registered (by the core or another plugin) is an error naming both.
// See README, "Writing a plugin (estimators, potentials, finite-sum models)", and
// experiments/plugins/example/ for complete ones (an estimator; a finite-sum model).
#pragma once

#include "lib/models/registry.hpp"
#include "lib/potentials/potential.hpp"
#include "verify/estimators/registry.hpp"

namespace ldbench {

// Version history: 1 estimators only; 2: PluginHost gained `potentials`; 3: PluginHost gained
// `models` (and FiniteSumPotential gained the virtual hessian()).
inline constexpr int kPluginAbiVersion = 3;

struct PluginHost {
  verify::estimators::EstimatorRegistry* estimators = nullptr;
  lib::potentials::PotentialRegistry* potentials = nullptr;  // targets U for Fokker–Planck / Langevin kinds
  lib::models::ModelRegistry* models = nullptr;  // finite sums U = sum_i l_i + R for the posterior kind
  const char* plugin_path = "";  // set by the host; use it as EstimatorInfo::origin / ModelInfo::origin
};

}  // namespace ldbench

#define LDBENCH_PLUGIN_SYMBOL "ldbench_plugin_register"

// Defines the registration entry point around `body(host)`, with the ABI check done for you:
//   LDBENCH_PLUGIN(host) { host.estimators->add(...); }
#define LDBENCH_PLUGIN(host_var)                                                          \
  static void ldbench_plugin_body(ldbench::PluginHost& host_var);                         \
  extern "C" __attribute__((visibility("default"))) int ldbench_plugin_register(          \
      int host_abi, ldbench::PluginHost* host) {                                          \
    if (host_abi != ldbench::kPluginAbiVersion || host == nullptr) return ldbench::kPluginAbiVersion; \
    ldbench_plugin_body(*host);                                                           \
    return ldbench::kPluginAbiVersion;                                                    \
  }                                                                                       \
  static void ldbench_plugin_body(ldbench::PluginHost& host_var)
