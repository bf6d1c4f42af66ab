// Which tables a pattern schedule runs: the implementation's own parts where it provides
// them, lockstep's reference where it does not.
//
// Why it exists: a pattern suite tests one part (its family) in both roles, against every
// pattern on the other side of the exchange. The other side, and the channel under the
// proxies, come from the implementation when it has them and from the bundled reference
// otherwise, so a plugin that provides only a task-based client is still run against
// Begin/End, event-based, task-returning and synchronous services. Invariant: a table is read
// only through harness::*_part (the appended members exist only when struct_size says so).
#pragma once

#include "lockstep/implementation.h"

namespace lockstep::conformance {

struct PatternParts {
  const lockstep_implementation* async_result_self = nullptr;
  const lockstep_async_result_functions* async_result = nullptr;
  const lockstep_implementation* event_based_self = nullptr;
  const lockstep_event_based_functions* event_based = nullptr;
  const lockstep_implementation* task_based_self = nullptr;
  const lockstep_task_based_functions* task_based = nullptr;
  const lockstep_implementation* channel_self = nullptr;
  const lockstep_channel_functions* channel = nullptr;
};

PatternParts resolve_pattern_parts(const lockstep_implementation& implementation);

}  // namespace lockstep::conformance
