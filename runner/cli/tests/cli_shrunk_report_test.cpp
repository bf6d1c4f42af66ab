// `lockstep run --report DIR` shrinks the first kept failure of each rule: the shrunk replay
// breaks the same rule with no more decisions and replays bit for bit, index.html draws its
// timeline, `--shrink-runs 0` turns it off, the shrinks do not depend on --jobs, and they are
// exactly what `lockstep shrink --runs N` makes of the same replay file.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>

#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

// The mutant invokes the callback after returning synchronously (AM2): found within a few
// schedules, with a couple of hundred decisions to shrink.
const std::string kMutantRun = "run --impl callback-on-sync-path --suite channel --runs 200";

std::size_t files_ending_with(const std::filesystem::path& directory, const std::string& suffix) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory / "failures")) {
    count += entry.path().filename().string().ends_with(suffix) ? 1 : 0;
  }
  return count;
}

TEST(CliShrunkReport, TheFirstFailureOfTheRuleIsShrunkReplayedAndDrawn) {
  const auto directory = fresh_directory("lockstep-cli-shrunk");
  const Outcome run = run_lockstep(kMutantRun + " --report " + directory.string());
  ASSERT_EQ(run.exit_code, 0) << "caught on its declared rule, as expected\n" << run.output;
  const nlohmann::json report = read_report(directory);
  EXPECT_EQ(report["shrink_runs"], 200) << "the default budget";
  const auto& failures = report["implementations"][0]["failures"];
  ASSERT_GE(failures.size(), 2u) << "several kept failures, one rule";
  const auto& first = failures[0];
  ASSERT_EQ(first["rule"], "AM2");
  ASSERT_TRUE(first.contains("shrunk_replay")) << first;
  const std::uint64_t original_decisions = first["decisions"];
  const std::uint64_t shrunk_decisions = first["shrunk_decisions"];
  EXPECT_LE(shrunk_decisions, original_decisions);
  EXPECT_GT(shrunk_decisions, 0u);
  EXPECT_LE(first["shrink_probes"].get<std::uint64_t>(), 201u) << "200 edits and the original";
  for (std::size_t position = 1; position < failures.size(); ++position) {
    EXPECT_FALSE(failures[position].contains("shrunk_replay"))
        << "only the first failure of a rule is shrunk: " << failures[position];
  }
  EXPECT_EQ(files_ending_with(directory, ".shrunk.replay"), 1u);
  EXPECT_EQ(files_ending_with(directory, ".shrunk.trace.json"), 1u);

  // The shrunk file names the same rule and replays to the same trace hash.
  const std::string shrunk_file = first["shrunk_replay_file"];
  const std::string shrunk_text = read_text(directory / shrunk_file);
  EXPECT_NE(shrunk_text.find("\nrule AM2\n"), std::string::npos) << shrunk_text;
  const std::string shrunk_explanation = first["shrunk_explanation"];
  EXPECT_EQ(shrunk_explanation.rfind("AM2 at step ", 0), 0u) << shrunk_explanation;
  EXPECT_NE(shrunk_text.find("\nexplanation " + shrunk_explanation + "\n"), std::string::npos);
  const std::string shrunk_replay = first["shrunk_replay"];
  ASSERT_EQ(shrunk_replay, printed("replay " + (directory / shrunk_file).string()));
  const Outcome replayed = run_printed(shrunk_replay);
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("reproduced AM2 with the same trace hash " +
                                 first["shrunk_trace_hash"].get<std::string>()),
            std::string::npos)
      << replayed.output;

  // Its Chrome trace is next to it, and index.html draws that schedule.
  const std::string trace_file =
      std::regex_replace(shrunk_file, std::regex("\\.replay$"), ".trace.json");
  const nlohmann::json trace = nlohmann::json::parse(read_text(directory / trace_file));
  EXPECT_FALSE(trace["traceEvents"].empty());
  const std::string html = read_text(directory / "index.html");
  EXPECT_NE(html.find("Timeline of the shrunk schedule: shrunk from " +
                      std::to_string(original_decisions) + " to " +
                      std::to_string(shrunk_decisions) + " decisions"),
            std::string::npos);
  EXPECT_NE(html.find(shrunk_replay), std::string::npos);
  EXPECT_NE(html.find("not shrunk: the run shrinks the first failure of each rule"),
            std::string::npos);
  EXPECT_NE(read_text(directory / "junit.xml").find(shrunk_replay), std::string::npos);
  EXPECT_NE(run.output.find("shrunk (" + std::to_string(original_decisions) + " -> " +
                            std::to_string(shrunk_decisions) + " decisions)"),
            std::string::npos)
      << run.output;
}

TEST(CliShrunkReport, ShrinkRunsZeroShrinksNothing) {
  const auto directory = fresh_directory("lockstep-cli-shrunk-off");
  const Outcome run = run_lockstep(kMutantRun + " --shrink-runs 0 --report " + directory.string());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const nlohmann::json report = read_report(directory);
  EXPECT_EQ(report["shrink_runs"], 0);
  for (const auto& failure : report["implementations"][0]["failures"]) {
    EXPECT_FALSE(failure.contains("shrunk_replay")) << failure;
    EXPECT_FALSE(failure.contains("shrunk_decisions")) << failure;
  }
  EXPECT_EQ(files_ending_with(directory, ".shrunk.replay"), 0u);
  EXPECT_EQ(files_ending_with(directory, ".shrunk.trace.json"), 0u);
  EXPECT_GT(files_ending_with(directory, ".replay"), 0u);
  const std::string html = read_text(directory / "index.html");
  EXPECT_EQ(html.find("shrunk from"), std::string::npos);
  EXPECT_NE(html.find("not shrunk: shrinking was off, --shrink-runs 0"), std::string::npos);
  EXPECT_EQ(run.output.find("shrinking"), std::string::npos) << run.output;
}

std::map<std::string, std::string> failure_files(const std::filesystem::path& directory) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory / "failures")) {
    files[entry.path().filename().string()] = read_text(entry.path());
  }
  return files;
}

TEST(CliShrunkReport, ShrinksAreTheSameForOneAndTwoJobs) {
  const auto directory = fresh_directory("lockstep-cli-shrunk-jobs");
  // Four mutants over three suites: several shrinks for the two workers to share.
  const std::string command =
      "run --impl callback-on-sync-path --impl heap-freed-before-reply --impl "
      "async-execute-stops-on-failure --impl archetype-read-after-completion --runs 40 "
      "--shrink-runs 40 --report " +
      directory.string();
  ASSERT_EQ(run_lockstep(command + " --jobs 1").exit_code, 0);
  const std::string report = read_text(directory / "report.json");
  const std::string html = read_text(directory / "index.html");
  const std::string junit = read_text(directory / "junit.xml");
  const std::map<std::string, std::string> files = failure_files(directory);
  const Outcome parallel = run_lockstep(command + " --jobs 2");
  ASSERT_EQ(parallel.exit_code, 0) << parallel.output;
  EXPECT_EQ(read_text(directory / "report.json"), report);
  EXPECT_EQ(read_text(directory / "index.html"), html);
  EXPECT_EQ(read_text(directory / "junit.xml"), junit);
  EXPECT_TRUE(failure_files(directory) == files);
  EXPECT_GE(files_ending_with(directory, ".shrunk.replay"), 4u);
}

TEST(CliShrunkReport, TheRunShrinksAsLockstepShrinkDoes) {
  const auto directory = fresh_directory("lockstep-cli-shrunk-same");
  ASSERT_EQ(run_lockstep(kMutantRun + " --shrink-runs 60 --report " + directory.string()).exit_code,
            0);
  const nlohmann::json report = read_report(directory);
  const auto& first = report["implementations"][0]["failures"][0];
  const auto by_hand = directory / "by-hand.replay";
  const Outcome shrink =
      run_lockstep("shrink " + (directory / first["replay_file"].get<std::string>()).string() +
                   " --runs 60 -o " + by_hand.string());
  ASSERT_EQ(shrink.exit_code, 0) << shrink.output;
  EXPECT_EQ(read_text(by_hand),
            read_text(directory / first["shrunk_replay_file"].get<std::string>()));
  EXPECT_NE(shrink.output.find("(" + std::to_string(first["shrink_probes"].get<int>()) + " runs)"),
            std::string::npos)
      << shrink.output;
}

}  // namespace
