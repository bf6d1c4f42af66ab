// lockstep run's --jobs, --shard, --time and interruption, as a user or CI calls them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <thread>

#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

// The contents of every file under DIR/failures, by name.
std::map<std::string, std::string> failure_files(const std::filesystem::path& directory) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory / "failures")) {
    files[entry.path().filename().string()] = read_text(entry.path());
  }
  return files;
}

// Shrinks too, spread over the workers as well: a tiny budget, as each probe is a fork (costly
// in sanitizer builds); cli_shrunk_report_test.cpp shrinks further with two jobs.
TEST(CliRunOptions, JobsDoNotChangeAnyByte) {
  const auto directory = fresh_directory("lockstep-cli-jobs");
  const std::string command =
      "run --runs 30 --seed 4 --shrink-runs 3 --plain-verdict --report " + directory.string();
  ASSERT_EQ(run_lockstep(command + " --jobs 1").exit_code, 1);
  const std::string report = read_text(directory / "report.json");
  const std::string junit = read_text(directory / "junit.xml");
  const std::string html = read_text(directory / "index.html");
  const std::map<std::string, std::string> files = failure_files(directory);
  const Outcome parallel = run_lockstep(command + " --jobs 3");
  ASSERT_EQ(parallel.exit_code, 1) << parallel.output;
  EXPECT_EQ(read_text(directory / "report.json"), report);
  EXPECT_EQ(read_text(directory / "junit.xml"), junit);
  EXPECT_EQ(read_text(directory / "index.html"), html);
  EXPECT_TRUE(failure_files(directory) == files) << "replay and trace files, shrunk ones too";
  bool a_mutant_has_failures = false;
  const nlohmann::json written = read_report(directory);
  for (const auto& implementation : written["implementations"]) {
    a_mutant_has_failures = a_mutant_has_failures ||
                            (implementation["kind"] == "mutant" && !implementation["failures"].empty());
  }
  EXPECT_TRUE(a_mutant_has_failures);
  std::size_t shrunk = 0;
  for (const auto& [name, text] : files) {
    shrunk += name.ends_with(".shrunk.replay") ? 1 : 0;
  }
  EXPECT_GE(shrunk, 20u) << "every mutant's first failure of each rule is shrunk";
}

TEST(CliRunOptions, MergedShardsHaveTheUnshardedDigest) {
  const auto whole = fresh_directory("lockstep-cli-shard-whole");
  const auto merged = fresh_directory("lockstep-cli-shard-merged");
  const std::string command =
      "run --runs 25 --seed 8 --strategy pct:2 --shrink-runs 3 --plain-verdict --report ";
  ASSERT_EQ(run_lockstep(command + whole.string()).exit_code, 1);
  std::string shards;
  std::vector<lockstep::testing::ScratchDirectory> shard_directories;
  for (int shard = 1; shard <= 3; ++shard) {
    const auto& directory = shard_directories.emplace_back(
        fresh_directory("lockstep-cli-shard-" + std::to_string(shard)));
    const Outcome outcome =
        run_lockstep(command + directory.string() + " --shard " + std::to_string(shard) + "/3");
    ASSERT_NE(outcome.exit_code, 2) << outcome.output;
    shards += " " + directory.string();
  }
  const Outcome merge = run_lockstep("report merge" + shards + " -o " + merged.string());
  EXPECT_EQ(merge.exit_code, 1) << merge.output;
  const nlohmann::json expected = read_report(whole);
  const nlohmann::json actual = read_report(merged);
  EXPECT_EQ(actual["run_digest"], expected["run_digest"]);
  EXPECT_EQ(actual["shard"], expected["shard"]);
  ASSERT_EQ(actual["implementations"].size(), expected["implementations"].size());
  std::size_t shrunk_failures = 0;
  for (std::size_t position = 0; position < expected["implementations"].size(); ++position) {
    const auto& want = expected["implementations"][position];
    const auto& got = actual["implementations"][position];
    for (const char* key : {"schedules", "failed_schedules", "violations_by_rule", "digest",
                            "verdict", "suites", "schedules_to_first_failure"}) {
      EXPECT_EQ(got.value(key, nlohmann::json()), want.value(key, nlohmann::json())) << key;
    }
    ASSERT_EQ(got["failures"].size(), want["failures"].size());
    for (std::size_t failure = 0; failure < want["failures"].size(); ++failure) {
      EXPECT_EQ(got["failures"][failure]["schedule"], want["failures"][failure]["schedule"]);
      EXPECT_EQ(got["failures"][failure]["trace_hash"], want["failures"][failure]["trace_hash"]);
      const std::string replay = got["failures"][failure]["replay"];
      EXPECT_EQ(replay.rfind(printed("replay " + merged.string()), 0), 0u) << replay;
      EXPECT_EQ(run_printed(replay).exit_code, 1) << replay;
      // The shards shrank what the whole run shrank, to the same result; the merge kept
      // exactly those shrinks and copied their files.
      for (const char* key :
           {"shrunk_decisions", "shrunk_trace_hash", "shrink_probes", "shrunk_replay_file"}) {
        EXPECT_EQ(got["failures"][failure].value(key, nlohmann::json()),
                  want["failures"][failure].value(key, nlohmann::json()))
            << key << " of " << replay;
      }
      if (got["failures"][failure].contains("shrunk_replay")) {
        const std::string shrunk = got["failures"][failure]["shrunk_replay"];
        const std::string file = got["failures"][failure]["shrunk_replay_file"];
        EXPECT_EQ(shrunk, printed("replay " + (merged / file).string()));
        EXPECT_EQ(read_text(merged / file), read_text(whole / file)) << file;
        ++shrunk_failures;
      }
    }
  }
  EXPECT_GE(shrunk_failures, 20u);
  EXPECT_TRUE(std::filesystem::exists(merged / "junit.xml"));
  EXPECT_TRUE(std::filesystem::exists(merged / "index.html"));
}

TEST(CliRunOptions, MergeRefusesShardsOfDifferentRuns) {
  const auto first = fresh_directory("lockstep-cli-merge-a");
  const auto second = fresh_directory("lockstep-cli-merge-b");
  run_lockstep("run --impl archetype --runs 4 --seed 1 --shard 1/2 --report " + first.string());
  run_lockstep("run --impl archetype --runs 4 --seed 2 --shard 2/2 --report " + second.string());
  const auto out = fresh_directory("lockstep-cli-merge-out");
  const Outcome seeds = run_lockstep("report merge " + first.string() + " " + second.string() +
                                     " -o " + out.string());
  EXPECT_EQ(seeds.exit_code, 2);
  EXPECT_NE(seeds.output.find("lockstep: shards differ in seed"), std::string::npos)
      << seeds.output;
  EXPECT_EQ(std::count(seeds.output.begin(), seeds.output.end(), '\n'), 1);
  const Outcome twice =
      run_lockstep("report merge " + first.string() + " " + first.string() + " -o " + out.string());
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.output.find("appears twice"), std::string::npos) << twice.output;
}

TEST(CliRunOptions, BadShardIsExitTwoWithOneLine) {
  for (const char* shard : {"0/3", "4/3", "1/0", "x", "1/", "/2", "1/2/3", "-1/2", "2"}) {
    const Outcome outcome =
        run_lockstep(std::string("run --impl archetype --runs 2 --shard ") + shard);
    EXPECT_EQ(outcome.exit_code, 2) << shard << "\n" << outcome.output;
    EXPECT_EQ(outcome.output.rfind("lockstep: ", 0), 0u) << shard << "\n" << outcome.output;
    EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << shard;
  }
  EXPECT_EQ(run_lockstep("run --schedule 3 --shard 1/2").exit_code, 2);
  EXPECT_EQ(run_lockstep("run --time 1 --runs 3").exit_code, 2);
  EXPECT_EQ(run_lockstep("run --jobs 0").exit_code, 2);
}

TEST(CliRunOptions, TimeBudgetRunsUntilTheTimeIsUp) {
  const auto directory = fresh_directory("lockstep-cli-time");
  const Outcome outcome =
      run_lockstep("run --impl archetype --time 1 --jobs 2 --report " + directory.string());
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  const nlohmann::json report = read_report(directory);
  EXPECT_EQ(report["budget"]["time_seconds"], 1);
  EXPECT_GT(report["implementations"][0]["schedules"].get<int>(), 10);
  EXPECT_EQ(report["interrupted"], false);
}

// Starts a long run, waits until it has finished some schedules, then signals it.
// `verdict`: " --plain-verdict" or "" (the self-check).
void interrupt_long_run(int signal_number, const std::string& jobs, const std::string& verdict) {
  const auto directory = fresh_directory("lockstep-cli-interrupt-" + std::to_string(signal_number) +
                                         "-" + jobs + (verdict.empty() ? "" : "-plain"));
  std::filesystem::create_directories(directory);
  const Started started =
      start_lockstep("run --impl archetype --impl archetype-context-by-pointer --time 30 --jobs " +
                         jobs + verdict + " --report " + (directory / "report").string(),
                     directory / "output.txt");
  ASSERT_GT(started.process, 0);
  // The banner is printed before the first schedule; give it a moment of schedules after.
  for (int attempt = 0; attempt < 200 && read_text(directory / "output.txt").empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  kill(started.process, signal_number);
  const Outcome outcome = started.wait();
  // The mutant breaks AM5 within a few schedules: under --plain-verdict a finding, so exit 1
  // rather than 128+signal; under the self-check an expected one, so 128+signal.
  EXPECT_EQ(outcome.exit_code, verdict.empty() ? 128 + signal_number : 1) << outcome.output;
  EXPECT_NE(outcome.output.find("interrupted by SIG"), std::string::npos) << outcome.output;
  const nlohmann::json report = read_report(directory / "report");
  EXPECT_EQ(report["interrupted"], true);
  EXPECT_GT(report["implementations"][0]["schedules"].get<int>(), 0);
  EXPECT_TRUE(std::filesystem::exists(directory / "report" / "index.html"));
  EXPECT_FALSE(std::filesystem::exists(directory / "report" / ".report.json.partial"));
}

TEST(CliRunOptions, SigintStillWritesAValidReport) {
  interrupt_long_run(SIGINT, "1", " --plain-verdict");
  interrupt_long_run(SIGINT, "1", "");
}

TEST(CliRunOptions, SigtermStopsWorkersAndStillWritesAValidReport) {
  interrupt_long_run(SIGTERM, "2", " --plain-verdict");
}

}  // namespace
