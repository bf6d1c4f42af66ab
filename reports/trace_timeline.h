// A schedule's timeline as inline SVG, for index.html: one lane per simulated thread, calls
// as bars from "call" to "return", callbacks as ticks, faults as diamonds, violations as red
// markers across every lane, the schedule's outcome at its end.
//
// The input is the Chrome trace JSON that a run writes next to each replay file
// (schedule_trace.h), so a merge of shards can draw the same picture from the files alone.
// The horizontal axis is the trace's event order (what chrome_trace_json uses as
// timestamps), which keeps events at one virtual instant apart. A call that never returned is
// drawn to the end of the schedule with a dashed outline. Every label is escaped; the SVG
// needs no namespace because it is embedded in HTML.
#pragma once

#include <optional>
#include <string>

namespace lockstep::reports {

/// The <svg> element, or nullopt with `error` set when the trace cannot be read.
std::optional<std::string> timeline_svg(const std::string& chrome_trace_json, std::string& error);

}  // namespace lockstep::reports
