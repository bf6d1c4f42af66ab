// Loading an implementation under test from a shared library (DESIGN.md principle 6).
//
// load_plugin() dlopens a library, calls its LOCKSTEP_IMPLEMENTATION_SYMBOL with this host's
// ABI version and checks the table it returns before anything else may use it: ABI version,
// struct sizes, a name, and a complete function table for every part the plugin says it
// provides. Invariants: a LoadedPlugin always holds a table that passed every check, and its
// library stays loaded for as long as the LoadedPlugin lives (the table and its functions point
// into it). A refused plugin gets one line naming the path and the problem, never a crash and
// never a message that spans lines, so the command line can print it and exit 2.
//
// What this does not protect against: the library's constructors and its get-implementation
// function run in this process, and a table pointer that points nowhere is read here. So the
// runner only ever calls load_plugin in a child process (runner/implementation_resolver.h):
// running untrusted code where a crash cannot take the harness down is harness/isolation's job.
// A get-implementation symbol exported as data (an object, not a function) is refused by its
// ELF symbol type before anything jumps into it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "lockstep/implementation.h"

namespace lockstep::harness {

struct PluginLoadResult;

/// Loads and checks the plugin at `path`. A path without a slash is taken relative to the
/// current directory (never searched for on the library path, unlike dlopen's own rule).
PluginLoadResult load_plugin(const std::string& path);

/// A plugin whose implementation table passed every check; owns the dlopen handle.
class LoadedPlugin {
 public:
  LoadedPlugin(LoadedPlugin&&) noexcept = default;
  LoadedPlugin& operator=(LoadedPlugin&&) noexcept = default;
  ~LoadedPlugin() = default;

  /// The checked table; valid while this LoadedPlugin lives.
  const lockstep_implementation* implementation() const { return implementation_; }
  /// The path it was loaded from, as given to load_plugin.
  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  /// The table's version string; empty when the plugin gives none.
  const std::string& version() const { return version_; }

  bool provides_channel() const { return implementation_->channel != nullptr; }
  bool provides_async_execute() const { return implementation_->async_execute != nullptr; }
  bool provides_service_host() const { return implementation_->service_host != nullptr; }

 private:
  friend PluginLoadResult load_plugin(const std::string& path);

  struct LibraryCloser {
    void operator()(void* handle) const;
  };

  LoadedPlugin(std::unique_ptr<void, LibraryCloser> library,
               const lockstep_implementation* implementation, std::string path);

  std::unique_ptr<void, LibraryCloser> library_;
  const lockstep_implementation* implementation_;
  std::string path_;
  std::string name_;
  std::string version_;
};

/// Either a loaded plugin, or the one-line reason the library was refused.
struct PluginLoadResult {
  std::optional<LoadedPlugin> plugin;
  std::string error;  ///< empty exactly when `plugin` holds a value

  bool ok() const { return plugin.has_value(); }
};

}  // namespace lockstep::harness
