// A schedule's trace for people: a readable step-by-step listing, and the Chrome trace-event
// format that Perfetto and chrome://tracing open.
//
// Chrome view: one track per simulated thread (named after its fiber), calls as slices from
// "call X" to "return X", callbacks as instant events on the thread that ran them, faults
// (drops, refusals, session ends, injected aborts, healing) and violations as global instant
// events. Timestamps are the trace's event ids in microseconds, so that everything that
// happened at one virtual instant is still laid out in order; the virtual time is in each
// event's args.
#pragma once

#include <string>
#include <vector>

#include "scheduler/trace.h"

namespace lockstep::reports {

/// One line per event: "#12  t=1000ns  caller  call echo#1". Without `verbose`, fiber runs,
/// blocks and clock jumps are left out.
std::string readable_trace(const std::vector<TraceEvent>& events, bool verbose);

/// The Chrome trace-event JSON document.
std::string chrome_trace_json(const std::vector<TraceEvent>& events);

}  // namespace lockstep::reports
