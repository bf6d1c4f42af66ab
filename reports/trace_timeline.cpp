// Chrome trace events -> lanes, slots on a virtual-time axis, bars and markers -> SVG.
#include "reports/trace_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "reports/markup_escape.h"
#include "reports/schedule_trace.h"

namespace lockstep::reports {

namespace {

constexpr double kWidth = 1000;  // fits a 1280 px window with the page's margins
constexpr double kLabelWidth = 170;
constexpr double kRightMargin = 16;
constexpr std::size_t kLaneNameCharactersMax = 24;  // what fits in kLabelWidth at 11 px
constexpr double kLaneHeight = 36;
constexpr double kTopMargin = 22;        // room for phase and outcome labels
constexpr double kCharacterWidth = 6.1;  // of the 10 px monospace labels
constexpr double kSlotWidthMax = 28;
constexpr double kGapSlots = 1.5;  // the space that stands for time passing between instants
constexpr std::size_t kCallsPerLaneMax = 400;

// Colours as presentation attributes (CSP-proof), each with the meaning a label also gives.
constexpr const char* kCallFill = "#9dbcf0";
constexpr const char* kCallStroke = "#3d6bb3";
constexpr const char* kOpenCallFill = "#f3d27a";
constexpr const char* kOpenCallStroke = "#8a6500";
constexpr const char* kCallbackFill = "#2e8b57";
constexpr const char* kFaultFill = "#f08c2e";
constexpr const char* kFaultStroke = "#7a3e05";
constexpr const char* kNetworkFill = "#8794a6";
constexpr const char* kViolationColour = "#c0392b";
constexpr const char* kOutcomeColour = "#3b4250";
constexpr const char* kTextColour = "#1d2430";

struct Event {
  std::uint64_t time_ns = 0;
  std::string phase;  // "B", "E" or "i"
  std::uint64_t lane = 0;
  std::string name;
  std::string category;  // of an instant: see schedule_trace.h
  double slot = 0;       // where it is drawn, in slot units
};

struct Bar {
  double start = 0;
  double end = 0;
  std::string name;
  bool returned = true;
};

struct Lane {
  std::string name;
  std::vector<Bar> bars;
  std::vector<const Event*> markers;
  std::vector<Bar> open;  // calls not yet returned, innermost last
  std::size_t calls = 0;
};

std::string number(double value) {
  return fmt::format("{:.1f}", value);
}

std::string text(const std::string& value) {
  return escape_markup_text(value);
}

// "violation AM10 async-execute#1" -> "violation AM10"; "net deliver #3" -> "net deliver".
std::string kind_of(const std::string& name) {
  const std::size_t first = name.find(' ');
  if (first == std::string::npos) {
    return name;
  }
  const std::size_t second = name.find(' ', first + 1);
  return name.substr(0, second);
}

std::string truncated(const std::string& value, std::size_t characters) {
  if (value.size() <= characters) {
    return value;
  }
  return characters <= 1 ? value.substr(0, characters) : value.substr(0, characters - 1) + "~";
}

// What a fault marker says under itself: the fault, in a word or two.
std::string fault_label(const std::string& name) {
  if (name.rfind("net drop", 0) == 0)
    return "drop";
  if (name.rfind("net refuse", 0) == 0 || name.rfind("net connect refused", 0) == 0) {
    return "refused";
  }
  if (name.rfind("net end of session", 0) == 0 || name.rfind("peer ends session", 0) == 0) {
    return "session end";
  }
  if (name.rfind("inject abort", 0) == 0)
    return "abort";
  return kind_of(name);
}

std::optional<std::vector<Event>> read_events(const nlohmann::json& document,
                                              std::map<std::uint64_t, Lane>& lanes) {
  std::vector<Event> events;
  for (const nlohmann::json& event : document["traceEvents"]) {
    if (!event.is_object() || !event.contains("ph") || !event["ph"].is_string() ||
        !event.contains("tid") || !event["tid"].is_number_unsigned()) {
      continue;
    }
    const std::string phase = event["ph"].get<std::string>();
    const std::uint64_t lane = event["tid"].get<std::uint64_t>();
    const std::string name =
        event.contains("name") && event["name"].is_string() ? event["name"].get<std::string>() : "";
    if (phase == "M") {
      if (name == "thread_name" && event.contains("args") && event["args"].is_object() &&
          event["args"].contains("name") && event["args"]["name"].is_string()) {
        lanes[lane].name = event["args"]["name"].get<std::string>();
      }
      continue;
    }
    if (phase != "B" && phase != "E" && phase != "i") {
      continue;
    }
    Event read;
    read.phase = phase;
    read.lane = lane;
    read.name = name;
    if (event.contains("args") && event["args"].is_object() &&
        event["args"].contains("virtual_time_ns") &&
        event["args"]["virtual_time_ns"].is_number_unsigned()) {
      read.time_ns = event["args"]["virtual_time_ns"].get<std::uint64_t>();
    } else if (event.contains("ts") && event["ts"].is_number()) {
      read.time_ns = static_cast<std::uint64_t>(std::max(0.0, event["ts"].get<double>()) * 1000);
    } else {
      continue;
    }
    const std::string category =
        event.contains("cat") && event["cat"].is_string() ? event["cat"].get<std::string>() : "";
    read.category = category == "outcome" ? "outcome" : annotation_category(name);
    events.push_back(std::move(read));
  }
  return events;
}

}  // namespace

std::string virtual_time_label(std::uint64_t time_ns) {
  const auto scaled = [](double value, const char* unit) {
    return value >= 100 ? fmt::format("{:.0f} {}", value, unit)
                        : (value >= 10 ? fmt::format("{:.1f} {}", value, unit)
                                       : fmt::format("{:.2f} {}", value, unit));
  };
  if (time_ns == 0) {
    return "0";
  }
  if (time_ns < 1000) {
    return fmt::format("{} ns", time_ns);
  }
  const double value = static_cast<double>(time_ns);
  if (time_ns < 1'000'000) {
    return scaled(value / 1e3, "us");
  }
  if (time_ns < 1'000'000'000) {
    return scaled(value / 1e6, "ms");
  }
  return scaled(value / 1e9, "s");
}

std::optional<std::string> timeline_svg(const std::string& chrome_trace_json, std::string& error) {
  const nlohmann::json document = nlohmann::json::parse(chrome_trace_json, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("traceEvents") ||
      !document["traceEvents"].is_array()) {
    error = "the trace is not a Chrome trace document";
    return std::nullopt;
  }
  std::map<std::uint64_t, Lane> lanes;
  std::vector<Event> events = *read_events(document, lanes);

  // Which events are drawn: every call (up to a bound per lane), and of each kind of marker
  // the first kMarkersPerKindMax. The others are counted for the line under the drawing.
  std::map<std::string, std::size_t> drawn_of_kind;
  std::map<std::string, std::size_t> hidden_of_kind;
  std::vector<Event*> drawn;
  for (Event& event : events) {
    Lane& lane = lanes[event.lane];
    if (event.phase == "B") {
      if (++lane.calls > kCallsPerLaneMax) {
        ++hidden_of_kind["calls on " + (lane.name.empty() ? "a thread" : lane.name)];
        event.phase = "skipped-B";
        continue;
      }
    } else if (event.phase == "E") {
      if (lane.calls > kCallsPerLaneMax) {
        continue;
      }
    } else {
      const bool global =
          event.category == "violation" || event.category == "outcome" || event.category == "phase";
      const std::string kind =
          kind_of(event.name) + (global ? "" : " on " + std::to_string(event.lane));
      if (++drawn_of_kind[kind] > kMarkersPerKindMax) {
        ++hidden_of_kind[kind_of(event.name)];
        continue;
      }
    }
    drawn.push_back(&event);
  }

  // Slots: each drawn event one unit, in order; a gap where virtual time moves on.
  double slot = 0;
  std::vector<std::pair<double, std::uint64_t>> instants;  // (first slot, time)
  for (std::size_t position = 0; position < drawn.size(); ++position) {
    if (position == 0 || drawn[position]->time_ns != drawn[position - 1]->time_ns) {
      if (position > 0) {
        slot += kGapSlots;
      }
      instants.emplace_back(slot, drawn[position]->time_ns);
    }
    drawn[position]->slot = slot;
    slot += 1;
  }
  const double slots = std::max(1.0, slot);
  const double plot_width = kWidth - kLabelWidth - kRightMargin;
  const double unit = std::min(kSlotWidthMax, plot_width / slots);
  const auto x_of = [&](double at) { return kLabelWidth + (at + 0.5) * unit; };
  const double last_x = x_of(slots - 1);

  // Bars and markers per lane.
  std::vector<const Event*> global_markers;
  for (const Event* event : drawn) {
    Lane& lane = lanes[event->lane];
    if (event->phase == "B") {
      lane.open.push_back(Bar{event->slot, event->slot, event->name, true});
    } else if (event->phase == "E") {
      if (!lane.open.empty()) {
        Bar bar = lane.open.back();
        lane.open.pop_back();
        bar.end = event->slot;
        lane.bars.push_back(std::move(bar));
      }
    } else if (event->category == "violation" || event->category == "outcome" ||
               event->category == "phase") {
      global_markers.push_back(event);
    } else {
      lane.markers.push_back(event);
    }
  }
  std::vector<std::pair<std::uint64_t, Lane*>> shown;
  for (auto& [fiber, lane] : lanes) {
    for (Bar& bar : lane.open) {
      bar.end = slots - 1;
      bar.returned = false;
      lane.bars.push_back(bar);
    }
    lane.open.clear();
    if (!lane.bars.empty() || !lane.markers.empty()) {
      if (lane.name.empty()) {
        lane.name = "thread " + std::to_string(fiber);
      }
      shown.emplace_back(fiber, &lane);
    }
  }

  const double lanes_bottom = kTopMargin + kLaneHeight * static_cast<double>(shown.size());
  const double axis_y = lanes_bottom + 26;  // under the violation labels
  const double height = axis_y + 34 + (hidden_of_kind.empty() ? 0 : 16);
  std::string svg = fmt::format(
      "<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" "
      "font-family=\"monospace\" font-size=\"10\" fill=\"{2}\">\n",
      number(kWidth), number(height), kTextColour);
  for (std::size_t row = 0; row < shown.size(); ++row) {
    const Lane& lane = *shown[row].second;
    const double top = kTopMargin + kLaneHeight * static_cast<double>(row);
    const double middle = top + 10;
    svg += fmt::format(
        "<g class=\"lane\"><text class=\"lane-name\" x=\"4\" y=\"{}\" font-size=\"11\">{}"
        "<title>{}</title></text>\n<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" "
        "stroke=\"#e3e6ec\"/>\n",
        number(middle + 4), text(truncated(lane.name, kLaneNameCharactersMax)), text(lane.name),
        number(kLabelWidth), number(kWidth - kRightMargin), number(middle), number(middle));
    double label_row_end = 0;  // of the labels under the bars, so they never overlap
    std::vector<Bar> bars = lane.bars;
    std::sort(bars.begin(), bars.end(),
              [](const Bar& a, const Bar& b) { return a.start < b.start; });
    for (const Bar& bar : bars) {
      const double left = x_of(bar.start) - unit * 0.4;
      const double width = std::max(2.0, x_of(bar.end) - x_of(bar.start) + unit * 0.8);
      const std::string title = bar.name + (bar.returned ? "" : " (never returned)");
      svg += fmt::format(
          "<rect class=\"call{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"{}\" "
          "stroke=\"{}\"{}><title>{}</title></rect>\n",
          bar.returned ? "" : " unreturned", number(left), number(top + 3), number(width),
          bar.returned ? kCallFill : kOpenCallFill, bar.returned ? kCallStroke : kOpenCallStroke,
          bar.returned ? "" : " stroke-dasharray=\"4 2\"", text(title));
      const std::string label = bar.returned ? bar.name : bar.name + " (open)";
      const auto fitting = static_cast<std::size_t>(std::max(0.0, (width - 6) / kCharacterWidth));
      if (fitting >= std::min<std::size_t>(label.size(), 4)) {
        svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", number(left + 3),
                           number(top + 13), text(truncated(label, fitting)));
      } else if (left >= label_row_end) {
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\">{}</text>\n", number(left),
                           number(top + 28), text(label));
        label_row_end = left + static_cast<double>(label.size()) * kCharacterWidth * 0.9 + 6;
      }
    }
    for (const Event* marker : lane.markers) {
      const double x = x_of(marker->slot);
      if (marker->category == "fault") {
        svg += fmt::format(
            "<path class=\"fault\" d=\"M{0} {1} L{2} {3} L{0} {4} L{5} {3} Z\" fill=\"{6}\" "
            "stroke=\"{7}\"><title>fault: {8}</title></path>\n",
            number(x), number(middle - 7), number(x + 6), number(middle), number(middle + 7),
            number(x - 6), kFaultFill, kFaultStroke, text(marker->name));
        const std::string label = fault_label(marker->name);
        if (x - 6 >= label_row_end) {
          svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\">{}</text>\n", number(x - 6),
                             number(top + 28), text(label));
          label_row_end = x - 6 + static_cast<double>(label.size()) * kCharacterWidth * 0.9 + 6;
        }
      } else if (marker->category == "network") {
        svg += fmt::format(
            "<circle class=\"network\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"><title>network: "
            "{}</title></circle>\n",
            number(x), number(middle), kNetworkFill, text(marker->name));
      } else {
        const bool callback = marker->category == "callback";
        svg += fmt::format(
            "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"2\" height=\"18\" fill=\"{}\"><title>{}"
            "</title></rect>\n",
            callback ? "callback" : "note", number(x - 1), number(middle - 9),
            callback ? kCallbackFill : "#99a", text(marker->name));
      }
    }
    svg += "</g>\n";
  }

  // Violations, the end of the fault phase and the outcome, across every lane.
  double violation_label_end = 0;
  double top_label_end = 0;
  for (const Event* marker : global_markers) {
    const double x = x_of(marker->slot);
    if (marker->category == "violation") {
      const std::string rule = kind_of(marker->name).substr(std::string("violation ").size());
      svg += fmt::format(
          "<g class=\"violation\"><line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{3}\" "
          "stroke-width=\"2\"/><circle cx=\"{0}\" cy=\"{4}\" r=\"4\" fill=\"{3}\"/><title>{5}"
          "</title></g>\n",
          number(x), number(kTopMargin - 4), number(lanes_bottom), kViolationColour,
          number(lanes_bottom + 5), text(marker->name));
      if (x - 4 >= violation_label_end) {
        svg += fmt::format(
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" fill=\"{}\">{}</text>\n",
            number(x - 4), number(lanes_bottom + 19), kViolationColour, text(rule));
        violation_label_end = x - 4 + static_cast<double>(rule.size()) * 7 + 8;
      }
    } else {
      const std::string label =
          marker->category == "phase" ? "faults end (" + marker->name + ")" : marker->name;
      svg += fmt::format(
          "<g class=\"{0}\"><line x1=\"{1}\" x2=\"{1}\" y1=\"{2}\" y2=\"{3}\" stroke=\"{4}\" "
          "stroke-dasharray=\"3 3\"/><title>{5}</title></g>\n",
          marker->category, number(x), number(kTopMargin - 8), number(lanes_bottom), kOutcomeColour,
          text(label));
      const auto room =
          static_cast<std::size_t>(std::max(0.0, (kWidth - x - 4) / (kCharacterWidth * 0.9)));
      if (x >= top_label_end && marker->name != "outcome " && room >= 6) {
        const std::string shown = truncated(label, room);
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\">{}</text>\n", number(x + 2),
                           number(kTopMargin - 10), text(shown));
        top_label_end = x + 2 + static_cast<double>(shown.size()) * kCharacterWidth * 0.9 + 6;
      }
    }
  }

  // The axis: a tick at the start of each instant, its virtual time where there is room.
  svg += fmt::format(
      "<g class=\"axis\"><line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>\n",
      number(kLabelWidth), number(std::max(last_x, kLabelWidth + 1)), number(axis_y),
      number(axis_y), kOutcomeColour);
  double axis_label_end = 0;
  for (const auto& [first_slot, time_ns] : instants) {
    const double x = x_of(first_slot) - unit * 0.5;
    const std::string label = virtual_time_label(time_ns);
    const bool labelled = x >= axis_label_end;
    svg +=
        fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{3}\"/>\n",
                    number(x), number(axis_y), number(axis_y + (labelled ? 6 : 3)), kOutcomeColour);
    if (labelled) {
      svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", number(x), number(axis_y + 16),
                         text(label));
      axis_label_end = x + static_cast<double>(label.size()) * kCharacterWidth + 10;
    }
  }
  svg += fmt::format(
      "<text x=\"4\" y=\"{}\">virtual time</text><text x=\"4\" y=\"{}\" font-size=\"9\">(not "
      "to scale: an instant is as wide as its events; a gap is time passing)</text></g>\n",
      number(axis_y + 4), number(axis_y + 28));
  if (!hidden_of_kind.empty()) {
    std::string note = "Not drawn (all in the Chrome trace):";
    bool first = true;
    for (const auto& [kind, count] : hidden_of_kind) {
      note += fmt::format("{} {} more {}", first ? "" : ",", count, kind);
      first = false;
    }
    svg += fmt::format("<text class=\"not-drawn\" x=\"4\" y=\"{}\">{}</text>\n",
                       number(axis_y + 44), text(note));
  }
  svg += "</svg>";
  return svg;
}

}  // namespace lockstep::reports
