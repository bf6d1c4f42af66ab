// Turning the --impl arguments (and a replay file's implementation field) into
// Implementations: a bundled name, or the path of a plugin library to load.
//
// An argument is a plugin path when it contains a '/' or ends in ".so"; a plugin's
// Implementation is named by its path made absolute, so a replay file written from it finds the
// same library again. Loaded plugins stay loaded for the resolver's lifetime.
#pragma once

#include <deque>
#include <string>

#include "conformance/registry/implementations.h"
#include "harness/plugin/plugin_loader.h"

namespace lockstep::runner {

class ImplementationResolver {
 public:
  /// The implementation for `name_or_path`, or nullptr with a one-line `error`.
  const conformance::Implementation* resolve(const std::string& name_or_path, std::string& error);
  /// The plugin loaded for `implementation`, if it is one.
  const harness::LoadedPlugin* plugin_of(const conformance::Implementation& implementation) const;

  static bool looks_like_plugin_path(const std::string& argument);

 private:
  std::deque<harness::LoadedPlugin> plugins_;  // deque: stable addresses as it grows
  std::deque<conformance::Implementation> implementations_;
};

}  // namespace lockstep::runner
