// Trace rendering: calls become slices on their thread's track, faults global instants, and
// the readable form leaves scheduler noise out unless asked.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "reports/schedule_trace.h"

namespace lockstep::reports {
namespace {

std::vector<TraceEvent> sample() {
  return {
      {0, 0, TraceKind::fiber_spawned, 1, 0, "caller"},
      {1, 0, TraceKind::fiber_ran, 1, 0, ""},
      {2, 0, TraceKind::annotation, 1, 1, "call echo#1"},
      {3, 0, TraceKind::annotation, 1, 0x3D0000, "return echo#1"},
      {4, 50, TraceKind::annotation, 0, 3, "net drop #3"},
      {5, 60, TraceKind::annotation, 2, 0, "callback echo#1"},
      {6, 60, TraceKind::outcome, 0, 1, ""},
  };
}

TEST(ScheduleTrace, ChromeTraceHasTracksSlicesAndFaults) {
  const nlohmann::json document = nlohmann::json::parse(chrome_trace_json(sample()));
  const auto& events = document["traceEvents"];
  int begins = 0;
  int ends = 0;
  int global_faults = 0;
  bool named_caller = false;
  for (const auto& event : events) {
    if (event["ph"] == "M" && event["name"] == "thread_name" && event["args"]["name"] == "caller") {
      named_caller = event["tid"] == 1;
    }
    begins += event["ph"] == "B" ? 1 : 0;
    ends += event["ph"] == "E" ? 1 : 0;
    if (event["ph"] == "i" && event["cat"] == "fault") {
      EXPECT_EQ(event["s"], "g");
      ++global_faults;
    }
    if (event["ph"] == "B") {
      EXPECT_EQ(event["name"], "echo#1");
      EXPECT_EQ(event["tid"], 1);
    }
  }
  EXPECT_TRUE(named_caller);
  EXPECT_EQ(begins, 1);
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(global_faults, 1);
}

// ts is virtual time (us); the process and threads are named; faults, network traffic and
// violations have categories of their own, a violation its explanation.
TEST(ScheduleTrace, ChromeTraceTimesNamesAndCategories) {
  std::vector<TraceEvent> events = sample();
  events.push_back({7, 2500, TraceKind::annotation, 1, 0, "net deliver #1"});
  events.push_back({8, 2500, TraceKind::annotation, 1, 0, "violation AM5 echo#1"});
  TraceContext context;
  context.process_name = "lockstep: archetype, suite echo, schedule 3";
  context.violation_texts = {"AM5 at step 8: the context was read after return"};
  const nlohmann::json document = nlohmann::json::parse(chrome_trace_json(events, context));
  bool process_named = false;
  bool sorted = false;
  std::map<std::string, std::string> category_of;
  for (const auto& event : document["traceEvents"]) {
    if (event["ph"] == "M") {
      process_named = process_named || (event["name"] == "process_name" &&
                                        event["args"]["name"] == context.process_name);
      sorted = sorted || event["name"] == "thread_sort_index";
      continue;
    }
    category_of[event["name"]] = event.value("cat", "");
    if (event["name"] == "violation AM5 echo#1") {
      EXPECT_EQ(event["ts"], 2.5) << "virtual time in microseconds";
      EXPECT_EQ(event["s"], "g");
      EXPECT_EQ(event["args"]["rule"], "AM5");
      EXPECT_EQ(event["args"]["operation"], "echo#1");
      EXPECT_EQ(event["args"]["explanation"], context.violation_texts[0]);
      EXPECT_EQ(event["args"]["event"], 8);
    }
    if (event["name"] == "net drop #3") {
      EXPECT_EQ(event["ts"], 0.05);
    }
  }
  EXPECT_TRUE(process_named);
  EXPECT_TRUE(sorted);
  EXPECT_EQ(category_of["net drop #3"], "fault");
  EXPECT_EQ(category_of["net deliver #1"], "network");
  EXPECT_EQ(category_of["violation AM5 echo#1"], "violation");
  EXPECT_EQ(category_of["callback echo#1"], "callback");
  EXPECT_EQ(annotation_category("healed"), "phase");
  EXPECT_EQ(annotation_category("inject abort"), "fault");
  EXPECT_EQ(annotation_category("peer ends session"), "fault");
}

TEST(ScheduleTrace, ReadableTraceHidesNoiseUnlessVerbose) {
  const std::string quiet = readable_trace(sample(), false);
  EXPECT_NE(quiet.find("#2  t=0ns  caller  note call echo#1"), std::string::npos) << quiet;
  EXPECT_NE(quiet.find("net drop #3"), std::string::npos);
  EXPECT_EQ(quiet.find(" run"), std::string::npos) << quiet;
  EXPECT_NE(readable_trace(sample(), true).find("caller  run"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::reports
