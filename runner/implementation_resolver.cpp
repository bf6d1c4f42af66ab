// Bundled names and plugin paths.
#include "runner/implementation_resolver.h"

#include <filesystem>

namespace lockstep::runner {

bool ImplementationResolver::looks_like_plugin_path(const std::string& argument) {
  return argument.find('/') != std::string::npos || argument.ends_with(".so");
}

const conformance::Implementation* ImplementationResolver::resolve(const std::string& name_or_path,
                                                                   std::string& error) {
  if (!looks_like_plugin_path(name_or_path)) {
    const conformance::Implementation* bundled =
        conformance::find_bundled_implementation(name_or_path);
    if (bundled == nullptr) {
      error = "unknown implementation '" + name_or_path +
              "' (see lockstep list; a plugin is given by its path, e.g. ./libvendor.so)";
    }
    return bundled;
  }
  std::error_code status;
  std::filesystem::path absolute = std::filesystem::absolute(name_or_path, status);
  const std::string path = status ? name_or_path : absolute.lexically_normal().string();
  for (std::size_t index = 0; index < plugins_.size(); ++index) {
    if (plugins_[index].path() == path) {
      return &implementations_[index];
    }
  }
  harness::PluginLoadResult loaded = harness::load_plugin(path);
  if (!loaded.ok()) {
    error = loaded.error;
    return nullptr;
  }
  plugins_.push_back(std::move(*loaded.plugin));
  const harness::LoadedPlugin& plugin = plugins_.back();
  conformance::Implementation implementation;
  implementation.name = path;
  implementation.kind = "plugin";
  implementation.description =
      plugin.name() + (plugin.version().empty() ? "" : " " + plugin.version());
  implementation.table = plugin.implementation();
  implementations_.push_back(std::move(implementation));
  return &implementations_.back();
}

const harness::LoadedPlugin* ImplementationResolver::plugin_of(
    const conformance::Implementation& implementation) const {
  for (std::size_t index = 0; index < implementations_.size(); ++index) {
    if (&implementations_[index] == &implementation) {
      return &plugins_[index];
    }
  }
  return nullptr;
}

}  // namespace lockstep::runner
