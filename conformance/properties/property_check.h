// Checking one stateful property with RapidCheck and keeping what a report needs: the verdict,
// RapidCheck's own message and the string that reproduces the failing case.
//
// Why it exists: RapidCheck prints its reproduce string only at program exit, for the whole
// binary; a per-implementation verdict needs it at once, next to the shrunk case. The check
// runs with the global configuration (RC_PARAMS: seed, max_success, max_size, reproduce),
// so RC_PARAMS="<reproduce string>" with the same property id re-runs exactly the failing
// case and its shrink path.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace lockstep::conformance::properties {

struct PropertyCheck {
  bool failed = false;
  bool gave_up = false;  ///< too many cases discarded: no verdict
  int successes = 0;     ///< cases that held before the failure (or in all)
  std::string message;   ///< RapidCheck's description of the failure or of giving up
  /// For a failure: the value of RC_PARAMS that reproduces it, "reproduce=...".
  std::string reproduce;
};

/// Checks `body` as the property `id` (the reproduce key). `max_success` overrides
/// RC_PARAMS's max_success when set.
PropertyCheck check_property(const std::string& id, const std::function<void()>& body,
                             std::optional<int> max_success = std::nullopt);

/// The same with parameters of its own instead of RC_PARAMS's: what a run uses, so that its
/// verdict depends on the run's seed alone. The reproduce string carries these parameters.
PropertyCheck check_property_seeded(const std::string& id, const std::function<void()>& body,
                                    std::uint64_t seed, int max_success, int max_size);

}  // namespace lockstep::conformance::properties
