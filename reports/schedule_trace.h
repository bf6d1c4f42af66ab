// A schedule's trace for people: a readable step-by-step listing, and the Chrome trace-event
// format that Perfetto and chrome://tracing open.
//
// Chrome view: a process named after the schedule (implementation, suite, index) and one track
// per simulated thread (named after its fiber, sorted by fiber id); calls as slices from
// "call X" to "return X", callbacks as instant events on the thread that ran them. Instant
// events carry a category of their own: "fault" for what the fault injector did (drops,
// refusals, ends of session, injected aborts), "network" for ordinary traffic (deliveries,
// connections, closes), "phase" for the end of the fault phase, "violation" (global, with the
// rule, the operation and the explanation in args), "outcome" and "note". Timestamps are the
// virtual time in microseconds (ts, as the format wants; displayTimeUnit ns); events of one
// virtual instant keep the order they happened in, in the file and in args.event.
#pragma once

#include <string>
#include <vector>

#include "scheduler/trace.h"

namespace lockstep::reports {

/// One line per event: "#12  t=1000ns  caller  call echo#1". Without `verbose`, fiber runs,
/// blocks and clock jumps are left out.
std::string readable_trace(const std::vector<TraceEvent>& events, bool verbose);

/// What the events do not say about their schedule.
struct TraceContext {
  /// The process's name, e.g. "lockstep: callback-on-sync-path, suite channel, schedule 5".
  std::string process_name = "lockstep schedule";
  /// The schedule's violations in the order they were found, one line each
  /// (harness::Violation::to_text): the i-th "violation" event gets the i-th text.
  std::vector<std::string> violation_texts;
};

/// The category of an annotation's instant event (see above).
std::string annotation_category(const std::string& label);

/// The Chrome trace-event JSON document.
std::string chrome_trace_json(const std::vector<TraceEvent>& events,
                              const TraceContext& context = {});

}  // namespace lockstep::reports
