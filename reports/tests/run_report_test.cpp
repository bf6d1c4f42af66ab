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
  SuiteRun echo;
  echo.name = "echo";
  echo.schedules = 10;
  echo.failed_schedules = 3;
  echo.violations_by_rule = {{"AM5", 3}};
  bad.suites = {echo};
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
  EXPECT_EQ(json["seed"], "7") << "64-bit values are decimal strings";
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
  EXPECT_EQ(broken["failures"][0]["seed"], "99");
  EXPECT_EQ(broken["failures"][0]["schedule"], "4");
}

// Seeds and indices use all 64 bits; as strings they survive any JSON reader and read back.
TEST(RunReport, SixtyFourBitValuesRoundTripAsStrings) {
  RunReport report = sample();
  report.seed = 18446744073709551615ull;
  report.implementations[1].failures[0].schedule_seed = 9007199254740993ull;  // 2^53 + 1
  report.implementations[1].failures[0].schedule_index = 18446744073709551614ull;
  const std::string text = to_json(report);
  EXPECT_NE(text.find("\"seed\": \"18446744073709551615\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"seed\": \"9007199254740993\""), std::string::npos);
  std::string error;
  const std::optional<RunReport> parsed = parse_report(text, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->seed, report.seed);
  EXPECT_EQ(parsed->implementations[1].failures[0].schedule_seed, 9007199254740993ull);
  EXPECT_EQ(parsed->implementations[1].failures[0].schedule_index, 18446744073709551614ull);
  EXPECT_EQ(to_json(*parsed), text) << "every field reads back";
  for (const char* bad :
       {"\"-1\"", "\"18446744073709551616\"", "\"12x\"", "\"\"", "\"007\"", "7"}) {
    std::string corrupted = text;
    corrupted.replace(corrupted.find("\"18446744073709551615\""), 22, bad);
    EXPECT_FALSE(parse_report(corrupted, error)) << bad;
    EXPECT_NE(error.find("report.seed"), std::string::npos) << bad << ": " << error;
  }
}

// A schema 2 report (numbers for seeds, no verdict policy) still reads, as a plain verdict.
TEST(RunReport, SchemaTwoReportsStillRead) {
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(to_json(sample()));
  json["schema"] = 2;
  json["seed"] = 7;
  json["implementations"][1]["failures"][0]["seed"] = 99;
  json["implementations"][1]["failures"][0]["schedule"] = 4;
  for (const char* key : {"lockstep", "verdict_policy", "reruns", "rule_filter", "max_failures",
                          "stopped_at_max_failures", "expectations_held"}) {
    json.erase(key);
  }
  for (auto& implementation : json["implementations"]) {
    implementation.erase("expected");
    implementation.erase("failed_schedules_by_rule");
    for (auto& suite : implementation["suites"]) {
      suite.erase("failed_schedules");
      suite.erase("violations_by_rule");
    }
  }
  std::string error;
  const std::optional<RunReport> parsed = parse_report(json.dump(), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->seed, 7u);
  EXPECT_EQ(parsed->implementations[1].failures[0].schedule_seed, 99u);
  EXPECT_EQ(parsed->verdict_policy, "plain");
  EXPECT_EQ(parsed->implementations[1].expectation, Expectation::caught);
  json["schema"] = 1;
  EXPECT_FALSE(parse_report(json.dump(), error));
  EXPECT_NE(error.find("older"), std::string::npos) << error;
}

// The self-check verdict: a mutant caught on its rule is expected; escaping, being caught
// elsewhere only, or a reference failing is not; --plain-verdict counts every broken rule.
TEST(RunReport, SelfCheckVerdictFollowsExpectations) {
  RunReport report = sample();
  report.implementations[0].expectation = Expectation::pass;
  report.implementations[1].expectation = Expectation::caught;
  EXPECT_FALSE(report.all_passed());
  EXPECT_TRUE(report.expectations_held());
  EXPECT_TRUE(report.verdict_passed());
  EXPECT_EQ(report.implementations[1].outcome(), "expected-fail");
  report.verdict_policy = "plain";
  EXPECT_FALSE(report.verdict_passed());
  report.verdict_policy = "self-check";
  report.implementations[1].violations_by_rule = {{"AM3", 3}};
  EXPECT_EQ(report.implementations[1].outcome(), "caught-on-other-rule");
  EXPECT_FALSE(report.verdict_passed());
  report.implementations[1].violations_by_rule.clear();
  report.implementations[1].failed_schedules = 0;
  EXPECT_EQ(report.implementations[1].outcome(), "escaped");
  EXPECT_FALSE(report.verdict_passed());
  report.implementations[1].expectation = Expectation::not_judged;
  EXPECT_TRUE(report.verdict_passed());
  report.implementations[0].failed_schedules = 1;
  EXPECT_EQ(report.implementations[0].outcome(), "fail");
  EXPECT_FALSE(report.verdict_passed()) << "a reference that fails";
  report.implementations[0].failed_schedules = 0;
  report.reruns.push_back(
      Rerun{"archetype", "known-failures/x.replay", "AM5", "still-fails", "", false});
  EXPECT_FALSE(report.verdict_passed()) << "a past failure of a reference still fails";
  report.reruns.back().expected = true;
  EXPECT_TRUE(report.verdict_passed());
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
  EXPECT_EQ(report.implementations[0].suites_not_exercised(), std::vector<std::string>{"channel"});
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
