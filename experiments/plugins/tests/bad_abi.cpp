// A plugin built for a different ABI version: the host must refuse it (tests only).
#include "experiments/plugin.hpp"

extern "C" __attribute__((visibility("default"))) int ldbench_plugin_register(int, ldbench::PluginHost*) {
  return ldbench::kPluginAbiVersion + 41;
}
