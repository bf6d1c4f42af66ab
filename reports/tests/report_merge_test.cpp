// Keeping and shrinking failures and merging shards: the merge of a split equals the whole
// (shrinks included); mismatched shards are refused; report.json survives a round trip and
// corrupt text is a one-line error.
#include <gtest/gtest.h>

#include "reports/report_merge.h"
#include "reports/schedule_digest.h"

namespace lockstep::reports {
namespace {

Failure failure_at(std::uint64_t index, std::vector<std::string> rules) {
  Failure failure;
  failure.suite = "echo";
  failure.rule = rules.front();
  failure.rules = std::move(rules);
  failure.schedule_index = index;
  failure.explanation = "broke at " + std::to_string(index);
  return failure;
}

// A whole run of `indices` schedules where those in `failing` fail, restricted to the shard.
RunReport shard_of(std::uint64_t shard, std::uint64_t shard_count,
                   const std::map<std::uint64_t, std::vector<std::string>>& failing) {
  RunReport report;
  report.seed = 3;
  report.strategy = "random";
  report.runs = 40;
  report.shards = {shard};
  report.shard_count = shard_count;
  report.failures_kept = 2;
  report.shrink_runs = 50;
  ImplementationReport implementation;
  implementation.name = "mutant";
  implementation.kind = "mutant";
  implementation.suites = {SuiteRun{"echo", 0}};
  implementation.rules_checked = {"AM1", "AM5"};
  std::vector<FailureCandidate> candidates;
  std::vector<Failure> failures;
  for (std::uint64_t index = shard - 1; index < 40; index += shard_count) {
    ++implementation.schedules;
    ++implementation.suites[0].schedules;
    implementation.digest += schedule_digest_term("echo", index, index * 7919);
    const auto found = failing.find(index);
    if (found == failing.end()) {
      continue;
    }
    ++implementation.failed_schedules;
    for (const std::string& rule : found->second) {
      ++implementation.violations_by_rule[rule];
    }
    if (!implementation.first_failure_index) {
      implementation.first_failure_index = index;
    }
    candidates.push_back(FailureCandidate{index, 0, found->second});
    failures.push_back(failure_at(index, found->second));
  }
  for (const std::size_t position : choose_kept_failures(candidates, report.failures_kept)) {
    implementation.failures.push_back(failures[position]);
  }
  // What the run does: shrink the chosen ones (a shrink depends on the failure alone).
  for (const std::size_t position : choose_shrunk_failures(implementation.failures)) {
    Failure& failure = implementation.failures[position];
    failure.shrunk_replay_file =
        "failures/mutant--echo--" + std::to_string(failure.schedule_index) + ".shrunk.replay";
    failure.shrunk_reproduce = "lockstep replay out/" + failure.shrunk_replay_file;
    failure.shrunk_decisions = failure.schedule_index + 1;
    failure.shrunk_trace_hash = failure.schedule_index * 31;
    failure.shrunk_explanation = "shrunk " + std::to_string(failure.schedule_index);
    failure.shrink_probes = 50;
  }
  report.implementations = {implementation};
  report.run_digest = compute_run_digest(report);
  return report;
}

const std::map<std::uint64_t, std::vector<std::string>> kFailing = {
    {4, {"AM5"}}, {5, {"AM5"}}, {9, {"AM5"}}, {17, {"AM1", "AM5"}}, {30, {"deadlock"}}};

TEST(ReportMerge, KeepsTheFirstFailuresAndTheFirstOfEachRule) {
  const std::vector<FailureCandidate> candidates = {
      {1, 0, {"AM5"}}, {2, 0, {"AM5"}}, {3, 0, {"AM5"}}, {4, 0, {"AM1"}}, {5, 0, {"AM1"}}};
  EXPECT_EQ(choose_kept_failures(candidates, 2), (std::vector<std::size_t>{0, 1, 3}));
  EXPECT_EQ(choose_kept_failures(candidates, 0), (std::vector<std::size_t>{0, 3}));
}

TEST(ReportMerge, ShrinksTheFirstFailureOfEachOwnRule) {
  const std::vector<Failure> failures = {
      failure_at(1, {"AM5"}), failure_at(2, {"AM5"}),        failure_at(3, {"AM1", "AM5"}),
      failure_at(4, {"AM1"}), failure_at(5, {"AM7", "AM1"}), failure_at(6, {"AM1", "AM7"})};
  // 1: first AM5; 3: first AM1; 5: first AM7; 2, 4 and 6 break rules already shrunk.
  EXPECT_EQ(choose_shrunk_failures(failures), (std::vector<std::size_t>{0, 2, 4}));
  EXPECT_TRUE(choose_shrunk_failures({}).empty());
}

TEST(ReportMerge, ForgetsShrinksOfFailuresNoLongerFirstOfTheirRule) {
  // Shard 3 of 3 shrank schedule 5, the first AM5 it saw; the whole run saw schedule 4 first.
  const RunReport third = shard_of(3, 3, kFailing);
  ASSERT_EQ(third.implementations[0].failures[0].schedule_index, 5u);
  ASSERT_TRUE(third.implementations[0].failures[0].shrunk());
  std::vector<ShardReport> shards;
  for (std::uint64_t shard = 1; shard <= 3; ++shard) {
    shards.push_back(ShardReport{"shard" + std::to_string(shard), shard_of(shard, 3, kFailing)});
  }
  std::string error;
  const std::optional<RunReport> merged = merge_reports(shards, error);
  ASSERT_TRUE(merged) << error;
  const std::vector<Failure>& failures = merged->implementations[0].failures;
  ASSERT_EQ(failures.size(), 4u);
  EXPECT_TRUE(failures[0].shrunk());   // 4, first AM5
  EXPECT_FALSE(failures[1].shrunk());  // 5
  EXPECT_TRUE(failures[1].shrunk_reproduce.empty());
  EXPECT_EQ(failures[1].shrunk_decisions, 0u);
  EXPECT_TRUE(failures[1].shrunk_explanation.empty());
  EXPECT_TRUE(failures[2].shrunk());  // 17, first AM1
  EXPECT_TRUE(failures[3].shrunk());  // 30, deadlock
  EXPECT_EQ(failures[2].shrunk_replay_file, "failures/mutant--echo--17.shrunk.replay");
}

TEST(ReportMerge, MergingEveryShardGivesTheUnshardedReport) {
  const RunReport whole = shard_of(1, 1, kFailing);
  std::vector<ShardReport> shards;
  for (std::uint64_t shard = 3; shard >= 1; --shard) {  // any order
    shards.push_back(ShardReport{"shard" + std::to_string(shard), shard_of(shard, 3, kFailing)});
  }
  std::string error;
  const std::optional<RunReport> merged = merge_reports(shards, error);
  ASSERT_TRUE(merged) << error;
  EXPECT_EQ(to_json(*merged), to_json(whole));
  EXPECT_EQ(merged->run_digest, whole.run_digest);
  ASSERT_EQ(merged->implementations[0].failures.size(), 4u);  // 4, 5, then first AM1, deadlock
  EXPECT_EQ(merged->implementations[0].failures[2].schedule_index, 17u);
}

TEST(ReportMerge, APartialMergeSaysWhichShardsItCovers) {
  std::string error;
  const std::optional<RunReport> merged =
      merge_reports({{"a", shard_of(1, 3, kFailing)}, {"c", shard_of(3, 3, kFailing)}}, error);
  ASSERT_TRUE(merged) << error;
  EXPECT_EQ(merged->shards, (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(merged->shard_count, 3u);
  EXPECT_NE(merged->run_digest, shard_of(1, 1, kFailing).run_digest);
}

TEST(ReportMerge, MismatchedOrRepeatedShardsAreRefusedInOneLine) {
  std::string error;
  RunReport other_seed = shard_of(2, 3, kFailing);
  other_seed.seed = 4;
  EXPECT_FALSE(merge_reports({{"a", shard_of(1, 3, kFailing)}, {"b", other_seed}}, error));
  EXPECT_EQ(error, "shards differ in seed: a has 3, b has 4");
  RunReport other_strategy = shard_of(2, 3, kFailing);
  other_strategy.strategy = "pct:3";
  EXPECT_FALSE(merge_reports({{"a", shard_of(1, 3, kFailing)}, {"b", other_strategy}}, error));
  EXPECT_NE(error.find("strategy"), std::string::npos);
  EXPECT_FALSE(
      merge_reports({{"a", shard_of(1, 3, kFailing)}, {"b", shard_of(1, 3, kFailing)}}, error));
  EXPECT_NE(error.find("appears twice"), std::string::npos);
  EXPECT_FALSE(
      merge_reports({{"a", shard_of(1, 3, kFailing)}, {"b", shard_of(1, 2, kFailing)}}, error));
  EXPECT_NE(error.find("shard count"), std::string::npos);
  RunReport other_shrink = shard_of(2, 3, kFailing);
  other_shrink.shrink_runs = 0;
  EXPECT_FALSE(merge_reports({{"a", shard_of(1, 3, kFailing)}, {"b", other_shrink}}, error));
  EXPECT_EQ(error, "shards differ in shrink runs: a has 50, b has 0");
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(RunReportJson, RoundTripsThroughParse) {
  RunReport report = shard_of(2, 3, kFailing);
  report.interrupted = true;
  ASSERT_TRUE(report.implementations[0].failures[0].shrunk());
  std::string error;
  const std::optional<RunReport> parsed = parse_report(to_json(report), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(to_json(*parsed), to_json(report));
  const Failure& failure = parsed->implementations[0].failures[0];
  EXPECT_EQ(failure.shrunk_replay_file, "failures/mutant--echo--4.shrunk.replay");
  EXPECT_EQ(failure.shrunk_decisions, 5u);
  EXPECT_EQ(failure.shrunk_trace_hash, 4u * 31);
  EXPECT_EQ(failure.shrunk_explanation, "shrunk 4");
  EXPECT_EQ(parsed->shrink_runs, 50u);
}

TEST(RunReportJson, AReportFromBeforeShrinkingStillReads) {
  RunReport report = shard_of(1, 1, kFailing);
  report.shrink_runs = 0;
  for (Failure& failure : report.implementations[0].failures) {
    failure.forget_shrink();
  }
  std::string text = to_json(report);
  const std::size_t field = text.find("  \"shrink_runs\": 0,\n");
  ASSERT_NE(field, std::string::npos) << text;
  text.erase(field, std::string("  \"shrink_runs\": 0,\n").size());
  ASSERT_EQ(text.find("shrunk"), std::string::npos);
  std::string error;
  const std::optional<RunReport> parsed = parse_report(text, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(to_json(*parsed), to_json(report));
}

TEST(RunReportJson, CorruptTextIsAOneLineError) {
  const std::string good = to_json(shard_of(1, 1, kFailing));
  std::string error;
  for (const std::string& bad :
       {std::string(), good.substr(0, good.size() / 2), std::string("[1,2]"),
        std::string("{\"tool\":\"lockstep\",\"schema\":99}"),
        std::string("{\"tool\":\"other\"}")}) {
    error.clear();
    EXPECT_FALSE(parse_report(bad, error)) << bad;
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  EXPECT_FALSE(parse_report("{\"tool\":\"lockstep\",\"schema\":99}", error));
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
  std::string wrong_digest = good;
  wrong_digest.replace(wrong_digest.find("\"run_digest\": \"") + 15, 1, "z");
  EXPECT_FALSE(parse_report(wrong_digest, error));
  EXPECT_NE(error.find("run_digest"), std::string::npos) << error;
}

}  // namespace
}  // namespace lockstep::reports
