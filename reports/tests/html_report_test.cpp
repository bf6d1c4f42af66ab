// index.html: self-contained (no network reference), a verdict table, failures with their
// explanation, replay command and a timeline drawn from the trace; hostile text escaped.
#include <gtest/gtest.h>

#include <regex>

#include "reports/html_report.h"
#include "reports/schedule_trace.h"
#include "reports/trace_timeline.h"

namespace lockstep::reports {
namespace {

std::vector<TraceEvent> sample_trace() {
  return {
      {1, 0, TraceKind::fiber_spawned, 1, 0, "caller"},
      {2, 0, TraceKind::annotation, 1, 1, "call echo#1"},
      {3, 0, TraceKind::annotation, 1, 0, "return echo#1"},
      {4, 10, TraceKind::annotation, 0, 0, "net drop connection 1"},
      {5, 20, TraceKind::annotation, 1, 0, "callback echo#1"},
      {6, 20, TraceKind::annotation, 1, 1, "call echo#2"},
      {7, 30, TraceKind::annotation, 1, 0, "violation AM5 echo#2"},
      {8, 30, TraceKind::outcome, 0, 0, "completed"},
  };
}

RunReport sample() {
  RunReport report;
  report.seed = 2;
  report.strategy = "random";
  report.runs = 10;
  ImplementationReport bad;
  bad.name = "broken";
  bad.kind = "mutant";
  bad.expected_rule = "AM5";
  bad.suites = {SuiteRun{"echo", 10}};
  bad.rules_checked = {"AM1", "AM5"};
  bad.schedules = 10;
  bad.failed_schedules = 1;
  bad.violations_by_rule = {{"AM5", 1}};
  Failure failure;
  failure.suite = "echo";
  failure.rule = "AM5";
  failure.rules = {"AM5"};
  failure.schedule_index = 3;
  failure.explanation = "<script>alert(1)</script> trap scribbled";
  failure.reproduce = "lockstep replay out/failures/broken--echo--3.replay";
  failure.replay_file = "failures/broken--echo--3.replay";
  bad.failures = {failure};
  ImplementationReport other;
  other.name = "other-part";
  other.kind = "reference";
  report.implementations = {bad, other};
  return report;
}

std::string render() {
  return html_report(sample(), [](const std::string& stem) -> std::optional<std::string> {
    if (stem != "broken--echo--3") {
      return std::nullopt;
    }
    return chrome_trace_json(sample_trace());
  });
}

TEST(HtmlReport, HasNoNetworkReference) {
  const std::string html = render();
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(\b(src|href)\s*=\s*["']?[a-z]+:)")));
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(HtmlReport, TableFailureReplayAndTimeline) {
  const std::string html = render();
  EXPECT_NE(html.find("<table class=\"verdicts\""), std::string::npos);
  EXPECT_NE(html.find("<td class=\"fail\"><a href=\"#failure--broken--echo--3\">fail &times;1"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"pass\">pass</td>"), std::string::npos);  // AM1
  EXPECT_NE(html.find("<td class=\"not-applicable\">n/a</td>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; trap scribbled"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("lockstep replay out/failures/broken--echo--3.replay"), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"timeline\""), std::string::npos);
}

TEST(TraceTimeline, DrawsCallsFaultsAndViolations) {
  std::string error;
  const std::optional<std::string> svg = timeline_svg(chrome_trace_json(sample_trace()), error);
  ASSERT_TRUE(svg) << error;
  EXPECT_NE(svg->find(">caller<title>caller</title></text>"), std::string::npos) << *svg;
  EXPECT_NE(svg->find("<rect class=\"call\""), std::string::npos);             // echo#1
  EXPECT_NE(svg->find("<rect class=\"call unreturned\""), std::string::npos);  // echo#2
  EXPECT_NE(svg->find("<path class=\"fault\""), std::string::npos);
  EXPECT_NE(svg->find("<g class=\"violation\">"), std::string::npos);
  EXPECT_NE(svg->find("<title>violation AM5 echo#2</title>"), std::string::npos);
  EXPECT_FALSE(timeline_svg("not json", error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace lockstep::reports
