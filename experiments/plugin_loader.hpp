// Loading plugins (experiments/plugin.hpp) from shared modules: dlopen, find the one symbol,
// check the ABI, register. Errors are PluginError with one line naming the path and the fix.
#pragma once

#include <stdexcept>
#include <string>

#include "experiments/plugin.hpp"

namespace ldbench::experiments {

struct PluginError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Loads `path` and lets it register into `host` (whose plugin_path is set to `path` for the
// call). Throws PluginError: file missing or not a loadable module, symbol missing, ABI
// mismatch, or the plugin's registration throwing (e.g. a duplicate estimator name).
void load_plugin(const std::string& path, PluginHost& host);

}  // namespace ldbench::experiments
