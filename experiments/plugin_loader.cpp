#include "experiments/plugin_loader.hpp"

#include <dlfcn.h>

#include <filesystem>

namespace ldbench::experiments {

void load_plugin(const std::string& path, PluginHost& host) {
  namespace fs = std::filesystem;
  if (!fs::is_regular_file(path))
    throw PluginError("--plugin " + path + ": no such file; give the path of a built plugin (.so)");
  // An explicit path (with a slash) so dlopen does not search the library path for a bare name.
  const std::string p = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = ::dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* e = ::dlerror();
    throw PluginError("--plugin " + path + ": not a loadable shared module (" + std::string(e ? e : "?") +
                      "); build it with Meson's shared_module against this ldbench");
  }
  using Fn = int (*)(int, PluginHost*);
  void* sym = ::dlsym(handle, LDBENCH_PLUGIN_SYMBOL);
  if (!sym)
    throw PluginError("--plugin " + path + ": the module does not export " LDBENCH_PLUGIN_SYMBOL
                      "; define it with LDBENCH_PLUGIN (experiments/plugin.hpp)");
  Fn fn = reinterpret_cast<Fn>(sym);
  // Ask for the plugin's ABI first with a null host: it registers nothing then.
  const int abi = fn(kPluginAbiVersion, nullptr);
  if (abi != kPluginAbiVersion)
    throw PluginError("--plugin " + path + ": built for plugin ABI " + std::to_string(abi) + ", this ldbench has ABI " +
                      std::to_string(kPluginAbiVersion) + "; rebuild the plugin against this ldbench's headers");
  host.plugin_path = path.c_str();
  try {
    fn(kPluginAbiVersion, &host);
  } catch (const std::exception& e) {
    host.plugin_path = "";
    throw PluginError("--plugin " + path + ": registration failed: " + e.what());
  }
  host.plugin_path = "";
  // The handle is deliberately never closed: registered functions point into the module.
}

}  // namespace ldbench::experiments
