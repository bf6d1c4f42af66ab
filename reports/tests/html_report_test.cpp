// index.html: self-contained (no network reference), a verdict table, failures with their
// explanation, replay command and a timeline drawn from the trace (the shrunk schedule's when
// the run shrank the failure, captioned either way); hostile text escaped.
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

// A shorter schedule than sample_trace(), told apart by its call's name.
std::vector<TraceEvent> shrunk_trace() {
  return {
      {1, 0, TraceKind::fiber_spawned, 1, 0, "caller"},
      {2, 0, TraceKind::annotation, 1, 1, "call shrunk#1"},
      {3, 0, TraceKind::annotation, 1, 0, "violation AM5 shrunk#1"},
      {4, 0, TraceKind::outcome, 0, 0, "completed"},
  };
}

RunReport sample() {
  RunReport report;
  report.shrink_runs = 200;
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
  failure.decisions = 216;
  Failure later = failure;  // the same rule again: not shrunk
  later.schedule_index = 8;
  later.reproduce = "lockstep replay out/failures/broken--echo--8.replay";
  later.replay_file = "failures/broken--echo--8.replay";
  failure.shrunk_replay_file = "failures/broken--echo--3.shrunk.replay";
  failure.shrunk_reproduce = "lockstep replay out/failures/broken--echo--3.shrunk.replay";
  failure.shrunk_decisions = 88;
  failure.shrunk_explanation = "AM5 at step 2 <shrunk>";
  failure.shrink_probes = 200;
  bad.failed_schedules = 2;
  bad.violations_by_rule = {{"AM5", 2}};
  bad.failed_schedules_by_rule = {{"AM5", 2}};
  bad.failures = {failure, later};
  ImplementationReport other;
  other.name = "other-part";
  other.kind = "reference";
  other.suites = {SuiteRun{"echo", 10}};
  other.rules_checked = {"AM1"};
  other.schedules = 10;
  report.implementations = {bad, other};
  return report;
}

std::optional<std::string> load_sample_trace(const std::string& stem) {
  if (stem == "broken--echo--3.shrunk") {
    return chrome_trace_json(shrunk_trace());
  }
  if (stem == "broken--echo--3" || stem == "broken--echo--8") {
    return chrome_trace_json(sample_trace());
  }
  return std::nullopt;
}

std::string render(const RunReport& report = sample()) {
  return html_report(report, load_sample_trace);
}

// The part of the page about the failure with this anchor.
std::string section_of(const std::string& html, const std::string& anchor) {
  const std::size_t start = html.find("<details class=\"failure\" id=\"" + anchor + "\"");
  if (start == std::string::npos) {
    return "";
  }
  return html.substr(start, html.find("</details>", start) - start);
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
  EXPECT_NE(html.find("<td class=\"fail\" title=\"2 of 10 schedules broke AM5\"><a "
                      "href=\"#failure--broken--echo--3\">✗ 2</a></td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"ok\" title=\"checked, held\">✓</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"unchecked\" title=\"not checked\">-</td>"), std::string::npos)
      << "other-part does not check AM5";
  EXPECT_NE(html.find("<h3>async model</h3>"), std::string::npos) << "a table per rule family";
  EXPECT_NE(html.find("AM5: the context may live on the stack"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; trap scribbled"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("lockstep replay out/failures/broken--echo--3.replay"), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"timeline\""), std::string::npos);
}

TEST(HtmlReport, AShrunkFailureShowsTheShrunkTimelineAndItsReplay) {
  const std::string html = render();
  const std::string shrunk = section_of(html, "failure--broken--echo--3");
  ASSERT_FALSE(shrunk.empty()) << html;
  EXPECT_NE(shrunk.find("shrunk from 216 to 88 decisions"), std::string::npos) << shrunk;
  EXPECT_NE(shrunk.find("AM5 at step 2 &lt;shrunk&gt;"), std::string::npos) << shrunk;
  EXPECT_NE(shrunk.find("lockstep replay out/failures/broken--echo--3.shrunk.replay"),
            std::string::npos);
  EXPECT_NE(shrunk.find("lockstep replay out/failures/broken--echo--3.replay"), std::string::npos)
      << "the original's replay command stays";
  EXPECT_NE(shrunk.find("<title>violation AM5 shrunk#1</title>"), std::string::npos)
      << "the shrunk schedule is drawn";
  EXPECT_EQ(shrunk.find("echo#1"), std::string::npos) << "the original schedule is not";

  // A later failure of the same rule links to its trace instead of a second picture.
  const std::string later = section_of(html, "failure--broken--echo--8");
  ASSERT_FALSE(later.empty());
  EXPECT_NE(later.find("Not drawn, as the first failure of this rule is (not shrunk: the run "
                       "shrinks the first failure of each rule"),
            std::string::npos)
      << later;
  EXPECT_NE(later.find("<a href=\"failures/broken--echo--8.trace.json\">"), std::string::npos);
  EXPECT_EQ(later.find("<svg"), std::string::npos);
  EXPECT_EQ(later.find("shrunk from"), std::string::npos);
}

TEST(HtmlReport, WithShrinkingOffTheCaptionSaysSo) {
  RunReport report = sample();
  report.shrink_runs = 0;
  report.implementations[0].failures[0].forget_shrink();
  const std::string section = section_of(render(report), "failure--broken--echo--3");
  EXPECT_NE(section.find("not shrunk: shrinking was off, --shrink-runs 0"), std::string::npos)
      << section;
  EXPECT_NE(section.find("echo#1"), std::string::npos) << "the original schedule is drawn";
  EXPECT_EQ(section.find("shrunk from"), std::string::npos);
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

// Virtual time on the axis, labels on calls, faults and violations, deliveries drawn apart
// from faults, and a marker repeated many times drawn kMarkersPerKindMax times.
TEST(TraceTimeline, VirtualTimeLabelsAndACapOnRepeatedMarkers) {
  std::vector<TraceEvent> events = {
      {1, 0, TraceKind::fiber_spawned, 1, 0, "caller"},
      {2, 0, TraceKind::annotation, 1, 1, "call open#1"},
      {3, 0, TraceKind::annotation, 1, 0, "return open#1"},
      {4, 1500, TraceKind::annotation, 0, 0, "net deliver #1"},
      {5, 1500, TraceKind::annotation, 0, 0, "net drop #1 (fault plan)"},
      {6, 2'000'000, TraceKind::annotation, 1, 0, "call receive#2"},
  };
  for (std::uint64_t repeat = 0; repeat < 50; ++repeat) {
    events.push_back(
        {7 + repeat, 2'000'000, TraceKind::annotation, 1, 0, "violation AM5 receive#2"});
  }
  std::string error;
  const std::optional<std::string> svg = timeline_svg(chrome_trace_json(events), error);
  ASSERT_TRUE(svg) << error;
  for (const char* label : {">0</text>", ">1.50 us</text>", ">2.00 ms</text>", ">virtual time<",
                            ">open#1</text>", ">AM5</text>", ">drop</text>"}) {
    EXPECT_NE(svg->find(label), std::string::npos) << label << "\n" << *svg;
  }
  EXPECT_NE(svg->find("<circle class=\"network\""), std::string::npos) << "a delivery";
  EXPECT_NE(svg->find("<title>network: net deliver #1</title>"), std::string::npos);
  EXPECT_NE(svg->find("<title>fault: net drop #1 (fault plan)</title>"), std::string::npos);
  std::size_t violations = 0;
  for (std::size_t at = svg->find("<g class=\"violation\">"); at != std::string::npos;
       at = svg->find("<g class=\"violation\">", at + 1)) {
    ++violations;
  }
  EXPECT_EQ(violations, kMarkersPerKindMax);
  EXPECT_NE(svg->find("Not drawn (all in the Chrome trace): 38 more violation AM5"),
            std::string::npos);
  // Colours travel as presentation attributes: a style sheet may be blocked.
  EXPECT_EQ(svg->find("style="), std::string::npos);
  EXPECT_NE(svg->find("fill=\"#c0392b\""), std::string::npos);
  EXPECT_EQ(virtual_time_label(518'444'763), "518 ms");
  EXPECT_EQ(virtual_time_label(2'300'000'000), "2.30 s");
  EXPECT_EQ(virtual_time_label(40), "40 ns");
}

// Everything the page says is in its markup: no style attribute, tables bordered without CSS,
// verdict words for what colours also show.
TEST(HtmlReport, ReadableWithoutStyleSheetOrScript) {
  RunReport report = sample();
  report.implementations[0].expectation = Expectation::caught;
  const std::string html = render(report);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\sstyle\s*=)")));
  EXPECT_NE(html.find("<table class=\"verdicts\" id=\"verdicts\" border=\"1\">"),
            std::string::npos);
  EXPECT_NE(html.find("<table class=\"rules\" border=\"1\">"), std::string::npos);
  EXPECT_NE(html.find(">expected fail: mutant caught on AM5</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("AM5 in echo, schedule 3 (shrunk) &mdash; expected failure"),
            std::string::npos);
  EXPECT_NE(html.find("Self-check verdict: 2 implementation(s); 1 passed, 1 failed as expected"),
            std::string::npos)
      << html;
  report.verdict_policy = "plain";
  EXPECT_NE(render(report).find("<td class=\"fail\">FAIL</td>"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::reports
