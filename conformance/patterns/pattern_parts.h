// Which tables a pattern schedule runs: the implementation's own parts, in the roles it
// provides them, and lockstep's reference everywhere else.
//
// Why it exists: a pattern suite tests one part (its family) in the roles it has, against every
// pattern on the other side of the exchange. The other side, a role the part lacks (a client-
// only part's service role), and the channel under the proxies come from the implementation
// when it has them and from the bundled reference otherwise, so a plugin that provides only a
// task-based client is still run against Begin/End, event-based, task-returning and
// synchronous services. Invariant: the appended members of a table are read only through
// harness::*_part (they exist only when struct_size says so).
#pragma once

#include "lockstep/implementation.h"

namespace lockstep::conformance {

/// A table and the implementation table its create functions are given as `self`.
template <typename Functions>
struct PatternPart {
  const lockstep_implementation* self = nullptr;
  const Functions* functions = nullptr;
};

struct PatternParts {
  PatternPart<lockstep_async_result_functions> async_result_client;
  PatternPart<lockstep_async_result_functions> async_result_service;
  PatternPart<lockstep_event_based_functions> event_based_client;
  PatternPart<lockstep_event_based_functions> event_based_service;
  PatternPart<lockstep_task_based_functions> task_based_client;
  PatternPart<lockstep_task_based_functions> task_based_service;
  PatternPart<lockstep_channel_functions> channel;
};

PatternParts resolve_pattern_parts(const lockstep_implementation& implementation);

}  // namespace lockstep::conformance
