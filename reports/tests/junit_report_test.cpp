// junit.xml: one testcase per rule and per suite's schedules, counts that add up, failures
// with explanation and replay command, markup in explanations escaped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/testing/scratch_directory.h"
#include "reports/junit_report.h"

namespace lockstep::reports {
namespace {

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

RunReport sample() {
  RunReport report;
  report.seed = 2;
  report.strategy = "random";
  report.runs = 10;
  ImplementationReport good;
  good.name = "archetype";
  good.kind = "reference";
  good.suites = {SuiteRun{"echo", 10}};
  good.rules_checked = {"AM1", "AM5"};
  good.schedules = 10;
  ImplementationReport bad = good;
  bad.name = "broken <&> \"one\"";
  bad.kind = "mutant";
  bad.failed_schedules = 2;
  bad.violations_by_rule = {{"AM5", 2}, {"deadlock", 1}};
  Failure failure;
  failure.suite = "echo";
  failure.rule = "AM5";
  failure.rules = {"AM5", "deadlock"};
  failure.schedule_index = 3;
  failure.explanation = "wrote <trap> & \"left\"\x01 behind";
  failure.reproduce = "lockstep replay /tmp/x/failures/y.replay";
  failure.decisions = 40;
  failure.shrunk_replay_file = "failures/y.shrunk.replay";
  failure.shrunk_reproduce = "lockstep replay /tmp/x/failures/y.shrunk.replay";
  failure.shrunk_decisions = 12;
  bad.failures = {failure};
  ImplementationReport idle;
  idle.name = "plugin-with-no-suite";
  idle.kind = "plugin";
  report.implementations = {good, bad, idle};
  return report;
}

TEST(JunitReport, CountsMatchTheTestcases) {
  const std::string xml = junit_xml(sample());
  // archetype: schedules + AM1 + AM5; broken: schedules + AM1 + AM5 + deadlock.
  EXPECT_NE(xml.find("<testsuites name=\"lockstep\" tests=\"7\" failures=\"2\""), std::string::npos)
      << xml;
  EXPECT_EQ(occurrences(xml, "<testcase "), 7u);
  EXPECT_EQ(occurrences(xml, "<failure "), 2u);
  EXPECT_EQ(occurrences(xml, "name=\"schedules\""), 2u);
  EXPECT_NE(xml.find("<testsuite name=\"plugin-with-no-suite\" tests=\"0\" failures=\"0\""),
            std::string::npos);
}

TEST(JunitReport, FailuresCarryExplanationAndReplayEscaped) {
  const std::string xml = junit_xml(sample());
  EXPECT_NE(xml.find("message=\"wrote &lt;trap&gt; &amp; &quot;left&quot;\xEF\xBF\xBD behind\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("reproduce: lockstep replay /tmp/x/failures/y.replay"), std::string::npos);
  EXPECT_NE(
      xml.find("shrunk from 40 to 12 decisions: lockstep replay /tmp/x/failures/y.shrunk.replay"),
      std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"broken &lt;&amp;&gt; &quot;one&quot;\""), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

// Under the self-check verdict a mutant caught on its declared rule is an expected failure,
// written as pytest writes an xfail (<skipped>); one that escaped fails its declared rule; under
// --plain-verdict every broken rule is a failure.
TEST(JunitReport, ExpectedFailuresAreSkippedTheWayXfailIs) {
  RunReport report = sample();
  ImplementationReport& mutant = report.implementations[1];
  mutant.name = "context-by-pointer";
  mutant.expected_rule = "AM5";
  mutant.expectation = Expectation::caught;
  std::string xml = junit_xml(report);
  EXPECT_EQ(occurrences(xml, "<failure "), 0u) << xml;
  EXPECT_EQ(occurrences(xml,
                        "<skipped message=\"expected failure: mutant context-by-pointer "
                        "breaks AM5 on purpose"),
            2u)
      << "AM5 and the deadlock it caused too\n"
      << xml;
  EXPECT_NE(xml.find("type=\"expected-failure\"/>\n      <system-out>2 violation(s) of AM5"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuites name=\"lockstep\" tests=\"7\" failures=\"0\" errors=\"0\" "
                     "skipped=\"2\">"),
            std::string::npos);

  report.verdict_policy = "plain";
  xml = junit_xml(report);
  EXPECT_EQ(occurrences(xml, "<failure "), 2u);
  EXPECT_EQ(occurrences(xml, "<skipped "), 0u);

  report.verdict_policy = "self-check";
  mutant.violations_by_rule = {{"AM1", 1}};
  mutant.failures.front().rules = {"AM1"};
  mutant.failures.front().rule = "AM1";
  xml = junit_xml(report);
  EXPECT_NE(
      xml.find("name=\"AM5\">\n      <failure message=\"mutant context-by-pointer is known to "
               "break AM5 and was not caught in 10 schedule(s)\" type=\"escaped\""),
      std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"AM1\">\n      <failure "), std::string::npos)
      << "caught on another rule: a plain failure";
}

TEST(JunitReport, APluginIsNamedByItsTableNotItsPath) {
  RunReport report = sample();
  ImplementationReport& plugin = report.implementations[2];
  plugin.name = "vendor-channel";
  plugin.library = LibraryIdentity{"/build/x/libvendor.so", std::string(64, '0'), "1.2"};
  const std::string xml = junit_xml(report);
  EXPECT_NE(xml.find("<testsuite name=\"vendor-channel\""), std::string::npos);
  EXPECT_EQ(xml.find("classname=\"lockstep./build"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"library\" value=\"/build/x/libvendor.so\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<property name=\"library_version\" value=\"1.2\"/>"), std::string::npos);
}

TEST(JunitReport, IsWellFormedForXmllint) {
  if (!std::filesystem::exists("/usr/bin/xmllint")) {
    GTEST_SKIP() << "/usr/bin/xmllint is absent (Debian package libxml2-utils, in "
                    ".ci/install-deps)";
  }
  const testing::ScratchDirectory scratch("junit-unit");
  const std::filesystem::path path = scratch / "junit.xml";
  std::ofstream(path) << junit_xml(sample());
  EXPECT_EQ(std::system(("/usr/bin/xmllint --noout " + path.string()).c_str()), 0);
}

}  // namespace
}  // namespace lockstep::reports
