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
    const bool noisy =
        event.kind == TraceKind::fiber_ran || event.kind == TraceKind::fiber_blocked ||
        event.kind == TraceKind::clock_advanced || event.kind == TraceKind::fiber_spawned ||
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

std::string annotation_category(const std::string& label) {
  const std::string_view text = label;
  if (starts_with(text, "violation ")) {
    return "violation";
  }
  if (starts_with(text, "callback ")) {
    return "callback";
  }
  if (starts_with(text, "net drop") || starts_with(text, "net refuse") ||
      starts_with(text, "net end of session") || starts_with(text, "net connect refused") ||
      starts_with(text, "inject abort") || starts_with(text, "peer ends session")) {
    return "fault";
  }
  if (starts_with(text, "healed") || starts_with(text, "net heal")) {
    return "phase";
  }
  if (starts_with(text, "net ")) {
    return "network";
  }
  return "note";
}

std::string chrome_trace_json(const std::vector<TraceEvent>& events, const TraceContext& context) {
  nlohmann::ordered_json trace_events = nlohmann::ordered_json::array();
  trace_events.push_back({{"name", "process_name"},
                          {"ph", "M"},
                          {"pid", 1},
                          {"tid", 0},
                          {"args", {{"name", context.process_name}}}});
  for (const auto& [fiber, name] : fiber_names(events)) {
    trace_events.push_back({{"name", "thread_name"},
                            {"ph", "M"},
                            {"pid", 1},
                            {"tid", fiber},
                            {"args", {{"name", name}}}});
    trace_events.push_back({{"name", "thread_sort_index"},
                            {"ph", "M"},
                            {"pid", 1},
                            {"tid", fiber},
                            {"args", {{"sort_index", fiber}}}});
  }
  std::size_t violations_seen = 0;
  for (const TraceEvent& event : events) {
    nlohmann::ordered_json args = {
        {"virtual_time_ns", event.time_ns}, {"event", event.id}, {"value", event.value}};
    // Microseconds of virtual time; a double holds every nanosecond up to 2^53 ns (104 days).
    const double timestamp = static_cast<double>(event.time_ns) / 1000.0;
    if (event.kind == TraceKind::annotation) {
      const std::string_view label = event.label;
      if (starts_with(label, "call ")) {
        trace_events.push_back({{"name", std::string(label.substr(5))},
                                {"cat", "call"},
                                {"ph", "B"},
                                {"ts", timestamp},
                                {"pid", 1},
                                {"tid", event.fiber},
                                {"args", args}});
        continue;
      }
      if (starts_with(label, "return ")) {
        trace_events.push_back({{"name", std::string(label.substr(7))},
                                {"cat", "call"},
                                {"ph", "E"},
                                {"ts", timestamp},
                                {"pid", 1},
                                {"tid", event.fiber},
                                {"args", args}});
        continue;
      }
      const std::string category = annotation_category(event.label);
      if (category == "violation") {
        // "violation RULE OPERATION"
        const std::string rest = event.label.substr(10);
        const std::size_t space = rest.find(' ');
        args["rule"] = rest.substr(0, space);
        args["operation"] = space == std::string::npos ? "" : rest.substr(space + 1);
        if (violations_seen < context.violation_texts.size()) {
          args["explanation"] = context.violation_texts[violations_seen];
        }
        ++violations_seen;
      }
      const bool global = category == "violation" || category == "fault" || category == "phase";
      trace_events.push_back({{"name", event.label},
                              {"cat", category},
                              {"ph", "i"},
                              {"s", global ? "g" : "t"},
                              {"ts", timestamp},
                              {"pid", 1},
                              {"tid", event.fiber},
                              {"args", args}});
    } else if (event.kind == TraceKind::outcome) {
      trace_events.push_back({{"name", "outcome " + event.label},
                              {"cat", "outcome"},
                              {"ph", "i"},
                              {"s", "g"},
                              {"ts", timestamp},
                              {"pid", 1},
                              {"tid", 0},
                              {"args", args}});
    }
  }
  nlohmann::ordered_json document = {{"displayTimeUnit", "ns"}, {"traceEvents", trace_events}};
  return document.dump() + "\n";
}

}  // namespace lockstep::reports
