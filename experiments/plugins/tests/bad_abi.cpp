// A plugin built for a different ABI version: the host must refuse it (tests only). It claims
// ABI 42, a version no host has had (the test expects that number in the error).
#include "experiments/plugin.hpp"

static_assert(ldbench::kPluginAbiVersion != 42, "pick another foreign ABI number for this test plugin");

extern "C" __attribute__((visibility("default"))) int ldbench_plugin_register(int, ldbench::PluginHost*) { return 42; }
