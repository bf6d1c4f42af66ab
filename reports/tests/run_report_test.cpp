// report.json: schema, verdicts, failures, digests; written atomically; bad directories named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/testing/scratch_directory.h"
#include "reports/run_report.h"

namespace lockstep::reports {
namespace {

RunReport sample() {
  RunReport report;
  report.seed = 7;
  report.strategy = "random";
  report.runs = 10;
  report.run_digest = 0xABCDEF;
  ImplementationReport good;
  good.name = "archetype";
  good.kind = "reference";
  good.suites = {SuiteRun{"echo", 10}};
  good.schedules = 10;
  good.digest = 1;
  ImplementationReport bad;
  bad.name = "broken";
  bad.kind = "mutant";
  bad.expected_rule = "AM5";
  bad.schedules = 10;
  bad.failed_schedules = 3;
  bad.violations_by_rule = {{"AM5", 3}};
  bad.first_failure_index = 4;
  bad.digest = 2;
  Failure failure;
  failure.suite = "echo";
  failure.rule = "AM5";
  failure.rules = {"AM5"};
  failure.schedule_seed = 99;
  failure.schedule_index = 4;
  failure.explanation = "trap callback invoked";
  failure.fault_plan = "delay<=0ns";
  failure.reproduce = "lockstep run ...";
  failure.trace_hash = 0x1234;
  bad.failures.push_back(failure);
  report.implementations = {good, bad};
  return report;
}

TEST(RunReport, JsonCarriesSchemaVerdictsAndFailures) {
  const nlohmann::json json = nlohmann::json::parse(to_json(sample()));
  EXPECT_EQ(json["schema"], kReportSchemaVersion);
  EXPECT_EQ(json["seed"], 7);
  EXPECT_EQ(json["verdict"], "fail");
  EXPECT_EQ(json["run_digest"], "0000000000abcdef");
  ASSERT_EQ(json["implementations"].size(), 2u);
  EXPECT_EQ(json["implementations"][0]["verdict"], "pass");
  const auto& broken = json["implementations"][1];
  EXPECT_EQ(broken["breaks"], "AM5");
  EXPECT_EQ(broken["caught_as_declared"], true);
  EXPECT_EQ(broken["schedules_to_first_failure"], 5);
  EXPECT_EQ(broken["violations_by_rule"]["AM5"], 3);
  ASSERT_EQ(broken["failures"].size(), 1u);
  EXPECT_EQ(broken["failures"][0]["trace_hash"], "0000000000001234");
  for (const char* key : {"rule", "seed", "explanation", "replay"}) {
    EXPECT_TRUE(broken["failures"][0].contains(key)) << key;
  }
}

// A verdict never says more than the run showed: nothing exercised is not a pass, an
// interrupted or cut-short run is incomplete, a failure outranks both.
TEST(RunReport, VerdictsSayWhatWasTested) {
  const auto passing = [] {
    ImplementationReport entry;
    entry.name = "x";
    entry.suites = {SuiteRun{"channel", 10}};
    entry.schedules = 10;
    return entry;
  };
  RunReport report;
  report.implementations = {passing()};
  EXPECT_EQ(report.verdict(), "pass");
  EXPECT_TRUE(report.all_passed());

  report.implementations[0].suites[0].schedules_without_subject = 10;
  EXPECT_EQ(report.implementations[0].verdict(), "not-exercised");
  EXPECT_EQ(report.implementations[0].suites_not_exercised(),
            std::vector<std::string>{"channel"});
  EXPECT_EQ(report.verdict(), "not-exercised");
  EXPECT_FALSE(report.all_passed());
  report.implementations[0].suites[0].schedules_without_subject = 9;
  EXPECT_EQ(report.verdict(), "pass") << "one schedule got past creation";

  ImplementationReport nothing;
  nothing.name = "nothing";
  nothing.provides_no_part = true;
  report.implementations.push_back(nothing);
  EXPECT_EQ(report.verdict(), "not-exercised");
  report.implementations.pop_back();

  RunReport empty;
  ImplementationReport filtered;
  filtered.name = "filtered";  // no selected suite applies: not applicable, and nothing ran
  empty.implementations = {filtered};
  EXPECT_EQ(filtered.verdict(), "not-applicable");
  EXPECT_EQ(empty.verdict(), "not-exercised");

  report.interrupted = true;
  EXPECT_EQ(report.verdict(), "incomplete");
  report.interrupted = false;
  report.implementations[0].schedules_not_run = 5;
  EXPECT_EQ(report.implementations[0].verdict(), "incomplete");
  EXPECT_EQ(report.verdict(), "incomplete");
  report.implementations[0].failed_schedules = 1;
  EXPECT_EQ(report.verdict(), "fail") << "a failure is a finding, interrupted or not";
  report.interrupted = true;
  EXPECT_EQ(report.verdict(), "fail");
}

TEST(RunReport, WrittenAtomicallyAndReadableBack) {
  const testing::ScratchDirectory scratch("report-test");
  const std::filesystem::path directory = scratch / "report";
  std::string error;
  ASSERT_TRUE(write_report(sample(), directory.string(), error)) << error;
  EXPECT_TRUE(std::filesystem::exists(directory / "report.json"));
  EXPECT_FALSE(std::filesystem::exists(directory / ".report.json.partial"));
  std::ifstream stream(directory / "report.json");
  EXPECT_EQ(nlohmann::json::parse(stream)["strategy"], "random");
}

TEST(RunReport, UnwritableDirectoryIsAOneLineError) {
  std::string error;
  EXPECT_FALSE(write_report(sample(), "/proc/lockstep-cannot-write-here", error));
  EXPECT_NE(error.find("/proc/lockstep-cannot-write-here"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(RunReport, ProbeCountsRoundTripAndNameTheGaps) {
  RunReport report = sample();
  report.implementations[1].suites = {SuiteRun{"echo", 10}};
  report.implementations[0].suites[0].probes = {{"async-completion", 7}, {"open-refused", 0}};
  std::string error;
  const std::optional<RunReport> back = parse_report(to_json(report), error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(back->implementations[0].suites[0].probes, report.implementations[0].suites[0].probes);
  EXPECT_EQ(back->implementations[0].unreached_probes(),
            std::vector<std::string>{"echo: open-refused"});
  EXPECT_TRUE(back->implementations[1].unreached_probes().empty());
  const nlohmann::json json = nlohmann::json::parse(to_json(report));
  EXPECT_EQ(json["implementations"][0]["suites"][0]["probes"]["async-completion"], 7);
  EXPECT_FALSE(json["implementations"][1].contains("probes"));
}

}  // namespace
}  // namespace lockstep::reports
