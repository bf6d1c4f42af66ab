// report.json against its published JSON Schema (reports/report.schema.json): every field the
// writer emits is described and has the described shape; and the validator itself catches what
// it must (a check that cannot fail is no check). The command-line tests validate real runs'
// reports too (cli_report_test.cpp).
#include <gtest/gtest.h>

#include "reports/report_merge.h"
#include "reports/run_report.h"
#include "reports/tests/json_schema_check.h"

namespace lockstep::reports {
namespace {

using lockstep::testing::report_schema;
using lockstep::testing::schema_errors;

std::string joined(const std::vector<std::string>& errors) {
  std::string text;
  for (const std::string& error : errors) {
    text += error + "\n";
  }
  return text;
}

// A report with every optional part present: a plugin with its library, a shrunk failure, a
// rerun, a mutant, a not-applicable plugin, a 64-bit seed.
RunReport full_report() {
  RunReport report;
  report.seed = 18446744073709551615ull;
  report.strategy = "pct:3";
  report.runs = 10;
  report.lockstep_version = "0.1.0";
  report.build = "0.1.0 GNU";
  report.rule_filter = "AM*";
  report.max_failures = 3;
  report.reruns.push_back(Rerun{"vendor", "known-failures/vendor--channel--1.replay", "AM3",
                                "now-holds", "pass", false});
  ImplementationReport plugin;
  plugin.name = "vendor";
  plugin.kind = "plugin";
  plugin.library = LibraryIdentity{"/opt/libvendor.so", std::string(64, 'f'), "2.1"};
  SuiteRun channel;
  channel.name = "channel";
  channel.schedules = 10;
  channel.failed_schedules = 1;
  channel.violations_by_rule = {{"AM3", 2}};
  plugin.suites = {channel};
  plugin.rules_checked = {"AM1", "AM3"};
  plugin.schedules = 10;
  plugin.failed_schedules = 1;
  plugin.violations_by_rule = {{"AM3", 2}};
  plugin.failed_schedules_by_rule = {{"AM3", 1}};
  plugin.first_failure_index = 4;
  Failure failure;
  failure.suite = "channel";
  failure.rule = "AM3";
  failure.rules = {"AM3"};
  failure.schedule_seed = 9007199254740993ull;
  failure.schedule_index = 4;
  failure.replay_file = "failures/vendor--channel--4.replay";
  failure.reproduce = "lockstep replay dir/failures/vendor--channel--4.replay";
  failure.reproduce_token = "vendor:channel:1:4:pct:3";
  failure.shrunk_replay_file = "failures/vendor--channel--4.shrunk.replay";
  failure.shrunk_reproduce = "lockstep replay x";
  failure.shrunk_decisions = 3;
  plugin.failures = {failure};
  ImplementationReport mutant;
  mutant.name = "context-by-pointer";
  mutant.kind = "mutant";
  mutant.expected_rule = "AM5";
  mutant.expectation = Expectation::caught;
  ImplementationReport idle;
  idle.name = "idle";
  idle.kind = "plugin";
  report.implementations = {plugin, mutant, idle};
  return report;
}

TEST(ReportSchema, WrittenReportsMatchIt) {
  const nlohmann::json schema = report_schema();
  RunReport minimal;  // no implementation, nothing optional
  minimal.strategy = "random";
  minimal.runs = 1;
  for (const RunReport& report : {minimal, full_report()}) {
    const std::vector<std::string> errors =
        schema_errors(schema, nlohmann::json::parse(to_json(report)));
    EXPECT_TRUE(errors.empty()) << joined(errors);
  }
  // A merged report too.
  RunReport shard = full_report();
  shard.shard_count = 2;
  shard.shards = {1};
  RunReport other = shard;
  other.shards = {2};
  std::string error;
  const std::optional<RunReport> merged =
      merge_reports({ShardReport{"a", shard}, ShardReport{"b", other}}, error);
  ASSERT_TRUE(merged) << error;
  const std::vector<std::string> errors =
      schema_errors(schema, nlohmann::json::parse(to_json(*merged)));
  EXPECT_TRUE(errors.empty()) << joined(errors);
}

TEST(ReportSchema, TheValidatorCatchesWhatItMust) {
  const nlohmann::json schema = report_schema();
  const nlohmann::json good = nlohmann::json::parse(to_json(full_report()));
  const auto broken_by = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json document = good;
    edit(document);
    return joined(schema_errors(schema, document));
  };
  EXPECT_NE(broken_by([](auto& d) { d["seed"] = 7; }).find("/seed: is not of type string"),
            std::string::npos);
  EXPECT_NE(broken_by([](auto& d) { d["seed"] = "007"; }).find("does not match"),
            std::string::npos);
  EXPECT_NE(broken_by([](auto& d) { d.erase("verdict"); }).find("lacks required \"verdict\""),
            std::string::npos);
  EXPECT_NE(broken_by([](auto& d) { d["surprise"] = 1; }).find("/surprise: nothing is allowed"),
            std::string::npos);
  EXPECT_NE(broken_by([](auto& d) {
              d["implementations"][0]["outcome"] = "meh";
            }).find("/implementations/0/outcome"),
            std::string::npos);
  EXPECT_NE(broken_by([](auto& d) {
              d["implementations"][0]["failures"][0].erase("shrunk_replay");
            }).find("has \"shrunk_replay_file\" but not \"shrunk_replay\""),
            std::string::npos);
  EXPECT_NE(broken_by([](auto& d) {
              d["budget"]["time_seconds"] = 3;
            }).find("has more than 1 properties"),
            std::string::npos);
  EXPECT_NE(broken_by([](auto& d) {
              d["implementations"][0]["suites"][0]["schedules"] = -1;
            }).find("is below 0"),
            std::string::npos);
  nlohmann::json unknown_keyword = schema;
  unknown_keyword["properties"]["seed"] = {{"format", "uint64"}};
  EXPECT_NE(joined(schema_errors(unknown_keyword, good)).find("does not check"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::reports
