// A schedule's timeline as inline SVG, for index.html: one lane per simulated thread, calls as
// labelled bars from "call" to "return", callbacks as ticks, injected faults as diamonds,
// network traffic as dots, violations as red lines across every lane labelled with their rule,
// the end of the fault phase and the schedule's outcome as dashed lines.
//
// The horizontal axis is virtual time, labelled in ns/us/ms/s. Many events share one virtual
// instant (a synchronous call and its checks take no virtual time), so the axis is not linear:
// each instant is as wide as the events drawn at it, in the order they happened, and a gap
// between instants stands for time passing, however long; the labels say which instant is
// where. A marker repeated many times (the same rule broken over and over, deliveries on one
// lane) is drawn kMarkersPerKindMax times; the rest are counted in a line under the drawing
// (every one is still in the Chrome trace). Colours are presentation attributes, not CSS, and
// every mark has a text label or a <title>, so the picture survives a Content-Security-Policy
// that blocks style sheets, and no information is carried by colour alone.
//
// The input is the Chrome trace JSON that a run writes next to each replay file
// (schedule_trace.h), so a merge of shards can draw the same picture from the files alone;
// traces of earlier lockstep versions (event ids as timestamps) draw the same way, since the
// virtual time is in every event's args. Every label is escaped; the SVG needs no namespace
// because it is embedded in HTML.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace lockstep::reports {

/// Markers of one kind (category, lane and first words of the label) drawn at most.
inline constexpr std::size_t kMarkersPerKindMax = 12;

/// The <svg> element, or nullopt with `error` set when the trace cannot be read.
std::optional<std::string> timeline_svg(const std::string& chrome_trace_json, std::string& error);

/// "1.25 ms", "518 ms", "2.3 s", "40 ns": a virtual time for an axis label.
std::string virtual_time_label(std::uint64_t time_ns);

}  // namespace lockstep::reports
