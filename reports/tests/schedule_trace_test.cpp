// Trace rendering: calls become slices on their thread's track, faults global instants, and
// the readable form leaves scheduler noise out unless asked.
#include <gtest/gtest.h>

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
    if (event["ph"] == "M" && event["args"]["name"] == "caller") {
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

TEST(ScheduleTrace, ReadableTraceHidesNoiseUnlessVerbose) {
  const std::string quiet = readable_trace(sample(), false);
  EXPECT_NE(quiet.find("#2  t=0ns  caller  note call echo#1"), std::string::npos) << quiet;
  EXPECT_NE(quiet.find("net drop #3"), std::string::npos);
  EXPECT_EQ(quiet.find(" run"), std::string::npos) << quiet;
  EXPECT_NE(readable_trace(sample(), true).find("caller  run"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::reports
