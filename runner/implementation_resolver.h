// Turning the --impl arguments (and a replay file's implementation field) into
// Implementations: a bundled name, or the path of a plugin library.
//
// An argument is a plugin path when it contains a '/' or ends in ".so"; a plugin's
// Implementation is named by its path made absolute, so a replay file written from it finds the
// same library again.
//
// A plugin's code never runs in the process that resolves it: its constructors, its
// get-implementation function and the checks of the table it returns all run in a child process
// first (a plugin that crashes, aborts or hangs there is refused with one line), and what the
// child found (name, version, which parts it provides) becomes the Implementation. Its `table`
// is then a stand-in with the same name and parts, whose functions must never be called (they
// abort with a message saying so): what the suites ask of it here is only which parts it
// provides. Worker processes call load_plugins_here() before their first schedule, which loads
// each plugin for real in that process and points its Implementation at the real table.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "conformance/registry/implementations.h"
#include "harness/plugin/plugin_loader.h"

namespace lockstep::runner {

/// Which roles of a .NET pattern part a plugin provides (lockstep/patterns.h).
struct PatternRoles {
  bool provided = false;
  bool proxy = false;    ///< create_proxy is not NULL
  bool service = false;  ///< create_service is not NULL
};

/// What loading a plugin in a child process found.
struct PluginFacts {
  std::string name;
  std::string version;
  bool channel = false;
  bool async_execute = false;
  bool service_host = false;
  PatternRoles async_result;
  PatternRoles event_based;
  PatternRoles task_based;
};

class ImplementationResolver {
 public:
  ImplementationResolver() = default;
  ImplementationResolver(const ImplementationResolver&) = delete;
  ImplementationResolver& operator=(const ImplementationResolver&) = delete;

  /// The implementation for `name_or_path`, or nullptr with a one-line `error`. A plugin is
  /// loaded and checked in a child process with `load_timeout_ms` of wall-clock time.
  const conformance::Implementation* resolve(const std::string& name_or_path, std::string& error,
                                             std::uint64_t load_timeout_ms = 10'000);
  /// What the child process found in a resolved plugin; nullptr for a bundled implementation.
  const PluginFacts* facts_of(const conformance::Implementation& implementation) const;

  /// In a worker process only: loads every plugin resolved so far and makes its Implementation
  /// use the loaded table. Empty, or a one-line error (the library now differs from what the
  /// child process found).
  std::string load_plugins_here();

  static bool looks_like_plugin_path(const std::string& argument);

 private:
  struct Plugin {
    std::string path;
    PluginFacts facts;
    lockstep_implementation stand_in{};
    lockstep_channel_functions stand_in_channel{};
    lockstep_service_host_functions stand_in_service_host{};
    lockstep_async_result_functions stand_in_async_result{};
    lockstep_event_based_functions stand_in_event_based{};
    lockstep_task_based_functions stand_in_task_based{};
    std::optional<harness::LoadedPlugin> loaded;  // in a worker process, after load_plugins_here
  };

  std::deque<Plugin> plugins_;  // deque: stable addresses as it grows
  std::deque<conformance::Implementation> implementations_;
};

}  // namespace lockstep::runner
