// Rendering traces as text and as Chrome trace events.
#include "reports/schedule_trace.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string_view>

namespace lockstep::reports {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_fault(std::string_view label) {
  return starts_with(label, "net ") || starts_with(label, "inject abort") ||
         starts_with(label, "peer ends session") || starts_with(label, "healed") ||
         starts_with(label, "violation ");
}

std::map<std::uint32_t, std::string> fiber_names(const std::vector<TraceEvent>& events) {
  std::map<std::uint32_t, std::string> names;
  names[0] = "scheduler";
  for (const TraceEvent& event : events) {
    if (event.kind == TraceKind::fiber_spawned) {
      names[event.fiber] = event.label;
    }
  }
  return names;
}

}  // namespace

std::string readable_trace(const std::vector<TraceEvent>& events, bool verbose) {
  const std::map<std::uint32_t, std::string> names = fiber_names(events);
  std::string text;
  for (const TraceEvent& event : events) {
    const bool noisy = event.kind == TraceKind::fiber_ran ||
                       event.kind == TraceKind::fiber_blocked ||
                       event.kind == TraceKind::clock_advanced ||
                       event.kind == TraceKind::fiber_spawned ||
                       event.kind == TraceKind::fiber_finished ||
                       (event.kind == TraceKind::event_fired && event.label == "wake");
    if (noisy && !verbose) {
      continue;
    }
    const auto name = names.find(event.fiber);
    text += "#" + std::to_string(event.id) + "  t=" + std::to_string(event.time_ns) + "ns  " +
            (name != names.end() ? name->second : "#" + std::to_string(event.fiber)) + "  " +
            std::string(trace_kind_name(event.kind));
    if (!event.label.empty()) {
      text += " " + event.label;
    }
    if (event.value != 0 && event.kind != TraceKind::event_fired) {
      text += " (" + std::to_string(event.value) + ")";
    }
    text += "\n";
  }
  return text;
}

std::string chrome_trace_json(const std::vector<TraceEvent>& events) {
  nlohmann::ordered_json trace_events = nlohmann::ordered_json::array();
  for (const auto& [fiber, name] : fiber_names(events)) {
    trace_events.push_back({{"name", "thread_name"},
                            {"ph", "M"},
                            {"pid", 1},
                            {"tid", fiber},
                            {"args", {{"name", name}}}});
  }
  for (const TraceEvent& event : events) {
    const nlohmann::ordered_json args = {{"virtual_time_ns", event.time_ns},
                                         {"value", event.value}};
    const auto timestamp = static_cast<double>(event.id);
    if (event.kind == TraceKind::annotation) {
      const std::string_view label = event.label;
      if (starts_with(label, "call ")) {
        trace_events.push_back({{"name", std::string(label.substr(5))}, {"cat", "call"},
                                {"ph", "B"}, {"ts", timestamp}, {"pid", 1},
                                {"tid", event.fiber}, {"args", args}});
      } else if (starts_with(label, "return ")) {
        trace_events.push_back({{"name", std::string(label.substr(7))}, {"cat", "call"},
                                {"ph", "E"}, {"ts", timestamp}, {"pid", 1},
                                {"tid", event.fiber}, {"args", args}});
      } else {
        const bool fault = is_fault(label);
        trace_events.push_back({{"name", event.label},
                                {"cat", fault ? "fault" : (starts_with(label, "callback ")
                                                               ? "callback"
                                                               : "note")},
                                {"ph", "i"}, {"s", fault ? "g" : "t"}, {"ts", timestamp},
                                {"pid", 1}, {"tid", event.fiber}, {"args", args}});
      }
    } else if (event.kind == TraceKind::outcome) {
      trace_events.push_back({{"name", "outcome " + event.label}, {"cat", "outcome"},
                              {"ph", "i"}, {"s", "g"}, {"ts", timestamp}, {"pid", 1},
                              {"tid", 0}, {"args", args}});
    }
  }
  nlohmann::ordered_json document = {{"displayTimeUnit", "ns"},
                                     {"traceEvents", trace_events}};
  return document.dump() + "\n";
}

}  // namespace lockstep::reports
