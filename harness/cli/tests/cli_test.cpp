// The lockstep command as users and CI call it: exit codes, one-line errors, reports,
// reproducible digests, and re-running one failing schedule on its own.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Outcome run_lockstep(const std::string& arguments) {
  const std::string command = std::string(LOCKSTEP_BINARY) + " " + arguments + " 2>&1";
  Outcome outcome;
  FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c): the binary under test
  if (pipe == nullptr) {
    return outcome;
  }
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
    outcome.output += buffer.data();
  }
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

std::filesystem::path fresh_directory(const std::string& name) {
  const std::filesystem::path directory = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(directory);
  return directory;
}

nlohmann::json read_report(const std::filesystem::path& directory) {
  std::ifstream stream(directory / "report.json");
  return nlohmann::json::parse(stream);
}

TEST(Cli, BadUsageIsExitTwoWithOneLine) {
  for (const char* arguments : {"", "frobnicate", "run --bogus", "run --runs 0", "run --strategy dfs",
                                "run --impl no-such-implementation", "run --runs x"}) {
    const Outcome outcome = run_lockstep(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << arguments << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find("lockstep: "), std::string::npos) << arguments;
    EXPECT_EQ(outcome.output.find("terminate"), std::string::npos) << arguments;
  }
}

TEST(Cli, ListNamesEveryBundledImplementation) {
  const Outcome outcome = run_lockstep("list");
  EXPECT_EQ(outcome.exit_code, 0);
  for (const char* name : {"archetype ", "archetype-context-by-pointer", "archetype-read-after-completion",
                           "archetype-error-after-callback", "AM10", "SV7", "TK5"}) {
    EXPECT_NE(outcome.output.find(name), std::string::npos) << name;
  }
}

TEST(Cli, ExplainPrintsTheRuleAndItsSource) {
  const Outcome outcome = run_lockstep("explain am5");
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("AM5 (async model): the context may live on the stack"),
            std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("Source: "), std::string::npos);
  const Outcome unknown = run_lockstep("explain XY9");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown rule 'XY9'"), std::string::npos);
  EXPECT_EQ(run_lockstep("explain").exit_code, 2);
}

TEST(Cli, CorrectImplementationExitsZeroAndWritesAReport) {
  const auto directory = fresh_directory("lockstep-cli-pass");
  const Outcome outcome =
      run_lockstep("run --impl archetype --runs 30 --seed 5 --report " + directory.string());
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  const nlohmann::json report = read_report(directory);
  EXPECT_EQ(report["verdict"], "pass");
  EXPECT_EQ(report["implementations"][0]["schedules"], 30);
}

TEST(Cli, AViolationExitsOneAndItsScheduleReproducesAlone) {
  const auto directory = fresh_directory("lockstep-cli-fail");
  const Outcome outcome = run_lockstep("run --impl archetype-context-by-pointer --runs 60 --seed 3 --report " +
                                       directory.string());
  ASSERT_EQ(outcome.exit_code, 1) << outcome.output;
  const nlohmann::json report = read_report(directory);
  const auto& failure = report["implementations"][0]["failures"][0];
  EXPECT_EQ(failure["rule"], "AM5");
  const std::string reproduce = failure["replay"];
  ASSERT_EQ(reproduce.rfind("lockstep run ", 0), 0u) << reproduce;
  const auto again = fresh_directory("lockstep-cli-again");
  const Outcome alone = run_lockstep(reproduce.substr(9) + " --report " + again.string());
  EXPECT_EQ(alone.exit_code, 1) << alone.output;
  const nlohmann::json again_report = read_report(again);
  const auto& reproduced = again_report["implementations"][0]["failures"][0];
  EXPECT_EQ(reproduced["explanation"], failure["explanation"]);
  EXPECT_EQ(reproduced["trace_hash"], failure["trace_hash"]) << "bit for bit, alone or in a run";
}

TEST(Cli, SameSeedGivesTheSameRunDigest) {
  const auto first = fresh_directory("lockstep-cli-digest-1");
  const auto second = fresh_directory("lockstep-cli-digest-2");
  const auto other = fresh_directory("lockstep-cli-digest-3");
  run_lockstep("run --runs 20 --seed 11 --strategy pct:2 --report " + first.string());
  run_lockstep("run --runs 20 --seed 11 --strategy pct:2 --report " + second.string());
  run_lockstep("run --runs 20 --seed 12 --strategy pct:2 --report " + other.string());
  EXPECT_EQ(read_report(first)["run_digest"], read_report(second)["run_digest"]);
  EXPECT_NE(read_report(first)["run_digest"], read_report(other)["run_digest"]);
}

TEST(Cli, UnwritableReportDirectoryIsExitTwo) {
  const Outcome outcome = run_lockstep("run --impl archetype --runs 1 --report /proc/no-such-dir/x");
  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
}

}  // namespace
