// Chrome trace events -> lanes, bars and markers -> SVG.
#include "reports/trace_timeline.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "reports/markup_escape.h"

namespace lockstep::reports {

namespace {

constexpr double kWidth = 960;
constexpr double kLabelWidth = 230;
constexpr std::size_t kLabelCharactersMax = 36;  // what fits in kLabelWidth at 11px
constexpr double kLaneHeight = 24;
constexpr double kTopMargin = 8;

struct Bar {
  double start = 0;
  double end = 0;
  std::string name;
  bool returned = true;
};

struct Marker {
  double at = 0;
  std::string name;
  std::string category;  // "callback", "fault", "violation", "outcome", "note"
};

struct Lane {
  std::string name;
  std::vector<Bar> bars;
  std::vector<Marker> markers;
  std::vector<Bar> open;  // calls not yet returned, innermost last
};

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", value);
  return buffer;
}

}  // namespace

std::optional<std::string> timeline_svg(const std::string& chrome_trace_json, std::string& error) {
  const nlohmann::json document = nlohmann::json::parse(chrome_trace_json, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("traceEvents") ||
      !document["traceEvents"].is_array()) {
    error = "the trace is not a Chrome trace document";
    return std::nullopt;
  }
  std::map<std::uint64_t, Lane> lanes;
  double first = 0;
  double last = 0;
  bool any = false;
  std::vector<Marker> global_markers;
  for (const nlohmann::json& event : document["traceEvents"]) {
    if (!event.is_object() || !event.contains("ph") || !event["ph"].is_string() ||
        !event.contains("tid") || !event["tid"].is_number_unsigned()) {
      continue;
    }
    const std::string phase = event["ph"].get<std::string>();
    Lane& lane = lanes[event["tid"].get<std::uint64_t>()];
    const std::string name =
        event.contains("name") && event["name"].is_string() ? event["name"].get<std::string>() : "";
    if (phase == "M") {
      if (event.contains("args") && event["args"].is_object() && event["args"].contains("name") &&
          event["args"]["name"].is_string()) {
        lane.name = event["args"]["name"].get<std::string>();
      }
      continue;
    }
    if (!event.contains("ts") || !event["ts"].is_number()) {
      continue;
    }
    const double at = event["ts"].get<double>();
    first = any ? std::min(first, at) : at;
    last = any ? std::max(last, at) : at;
    any = true;
    const std::string category =
        event.contains("cat") && event["cat"].is_string() ? event["cat"].get<std::string>() : "";
    if (phase == "B") {
      lane.open.push_back(Bar{at, at, name, true});
    } else if (phase == "E") {
      if (!lane.open.empty()) {
        Bar bar = lane.open.back();
        lane.open.pop_back();
        bar.end = at;
        lane.bars.push_back(std::move(bar));
      }
    } else if (phase == "i") {
      if (name.rfind("violation ", 0) == 0) {
        global_markers.push_back(Marker{at, name, "violation"});
      } else if (category == "outcome") {
        global_markers.push_back(Marker{at, name, "outcome"});
      } else {
        lane.markers.push_back(Marker{at, name, category});
      }
    }
  }
  // Lanes with nothing drawn on them (the scheduler, idle helpers) only take room.
  std::vector<Lane*> shown;
  for (auto& [fiber, lane] : lanes) {
    for (Bar& bar : lane.open) {
      bar.end = last;
      bar.returned = false;
      lane.bars.push_back(bar);
    }
    lane.open.clear();
    if (!lane.bars.empty() || !lane.markers.empty()) {
      if (lane.name.empty()) {
        lane.name = "thread " + std::to_string(fiber);
      }
      shown.push_back(&lane);
    }
  }
  const double span = std::max(1.0, last - first);
  const auto x_of = [&](double at) {
    return kLabelWidth + (at - first) / span * (kWidth - kLabelWidth - 12);
  };
  const double height = kTopMargin * 2 + kLaneHeight * static_cast<double>(shown.size() + 1);
  std::string svg = "<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 " + number(kWidth) + " " +
                    number(height) + "\" width=\"" + number(kWidth) + "\" height=\"" +
                    number(height) + "\">\n";
  for (std::size_t row = 0; row < shown.size(); ++row) {
    const Lane& lane = *shown[row];
    const double top = kTopMargin + kLaneHeight * static_cast<double>(row);
    const std::string label = lane.name.size() <= kLabelCharactersMax
                                  ? lane.name
                                  : lane.name.substr(0, kLabelCharactersMax - 3) + "...";
    svg += "<g class=\"lane\"><text class=\"lane-name\" x=\"4\" y=\"" + number(top + 16) + "\">" +
           escape_markup_text(label) + "<title>" + escape_markup_text(lane.name) +
           "</title></text>\n";
    svg += "<line class=\"lane-axis\" x1=\"" + number(kLabelWidth) + "\" x2=\"" +
           number(kWidth - 12) + "\" y1=\"" + number(top + 12) + "\" y2=\"" + number(top + 12) +
           "\"/>\n";
    for (const Bar& bar : lane.bars) {
      const double left = x_of(bar.start);
      const double width = std::max(2.0, x_of(bar.end) - left);
      svg += "<rect class=\"call" + std::string(bar.returned ? "" : " unreturned") + "\" x=\"" +
             number(left) + "\" y=\"" + number(top + 4) + "\" width=\"" + number(width) +
             "\" height=\"16\"><title>" +
             escape_markup_text(bar.name + (bar.returned ? "" : " (never returned)")) +
             "</title></rect>\n";
      if (width > 60) {
        svg += "<text class=\"call-name\" x=\"" + number(left + 3) + "\" y=\"" + number(top + 16) +
               "\">" + escape_markup_text(bar.name) + "</text>\n";
      }
    }
    for (const Marker& marker : lane.markers) {
      const double x = x_of(marker.at);
      const double middle = top + 12;
      if (marker.category == "fault") {
        svg += "<path class=\"fault\" d=\"M" + number(x) + " " + number(middle - 7) + " L" +
               number(x + 6) + " " + number(middle) + " L" + number(x) + " " + number(middle + 7) +
               " L" + number(x - 6) + " " + number(middle) + " Z\"><title>" +
               escape_markup_text(marker.name) + "</title></path>\n";
      } else {
        svg += "<rect class=\"" + std::string(marker.category == "callback" ? "callback" : "note") +
               "\" x=\"" + number(x - 1) + "\" y=\"" + number(middle - 9) +
               "\" width=\"2\" height=\"18\"><title>" + escape_markup_text(marker.name) +
               "</title></rect>\n";
      }
    }
    svg += "</g>\n";
  }
  const double bottom = kTopMargin + kLaneHeight * static_cast<double>(shown.size());
  for (const Marker& marker : global_markers) {
    const double x = x_of(marker.at);
    svg += "<g class=\"" + marker.category + "\"><line x1=\"" + number(x) + "\" x2=\"" + number(x) +
           "\" y1=\"" + number(kTopMargin) + "\" y2=\"" + number(bottom) + "\"/><circle cx=\"" +
           number(x) + "\" cy=\"" + number(bottom + 8) + "\" r=\"5\"/><title>" +
           escape_markup_text(marker.name) + "</title></g>\n";
  }
  svg += "</svg>";
  return svg;
}

}  // namespace lockstep::reports
