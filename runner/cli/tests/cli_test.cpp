// The lockstep command as users and CI call it: exit codes, one-line errors, reports,
// reproducible digests, and re-running one failing schedule on its own.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "runner/cli/tests/lockstep_process.h"

namespace {

using lockstep::cli_testing::fresh_directory;
using lockstep::cli_testing::Outcome;
using lockstep::cli_testing::printed;
using lockstep::cli_testing::read_report;
using lockstep::cli_testing::run_lockstep;
using lockstep::cli_testing::run_printed;

TEST(Cli, BadUsageIsExitTwoWithOneLine) {
  for (const char* arguments : {"", "frobnicate", "run --bogus", "run --runs 0",
                                "run --strategy dfs", "run --impl no-such-implementation",
                                "run --runs x", "run --suite no-such-suite", "replay", "shrink"}) {
    const Outcome outcome = run_lockstep(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << arguments << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find("lockstep: "), std::string::npos) << arguments;
    EXPECT_EQ(outcome.output.find("terminate"), std::string::npos) << arguments;
  }
}

TEST(Cli, ListNamesEveryBundledImplementation) {
  const Outcome outcome = run_lockstep("list");
  EXPECT_EQ(outcome.exit_code, 0);
  for (const char* name :
       {"archetype ", "archetype-context-by-pointer", "archetype-read-after-completion",
        "archetype-error-after-callback", "AM10", "SV7", "TK5", "MX1", "task-cold-start"}) {
    EXPECT_NE(outcome.output.find(name), std::string::npos) << name;
  }
  // A rule no suite checks would be marked; today every rule is checked.
  EXPECT_EQ(outcome.output.find("[not checked by any suite]"), std::string::npos) << outcome.output;
}

TEST(Cli, ExplainPrintsTheRuleAndItsSource) {
  const Outcome outcome = run_lockstep("explain am5");
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("AM5 (async model): the context may live on the stack"),
            std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("Source: "), std::string::npos);
  EXPECT_NE(outcome.output.find("Checked by: async-execute, channel, echo, service"),
            std::string::npos)
      << outcome.output;
  const Outcome exchange = run_lockstep("explain MX1");
  EXPECT_NE(exchange.output.find("Checked by: async-result, event-based, task-based"),
            std::string::npos)
      << exchange.output;
  const Outcome unknown = run_lockstep("explain XY9");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown rule 'XY9'"), std::string::npos);
  EXPECT_EQ(run_lockstep("explain").exit_code, 2);
}

TEST(Cli, ExplainListsEachClauseWithItsCheckAndProbes) {
  const Outcome outcome = run_lockstep("explain SV6");
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("or after the close timeout they are aborted"), std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("probes: close-timeout-expired-with-calls-in-flight"),
            std::string::npos)
      << outcome.output;
}

// A run says what its schedules exercised; a probe no schedule reached is a warning, and with
// --require-coverage a failure. Three schedules reach only part of the channel suite's probes.
TEST(Cli, CoverageIsShownAndCanBeRequired) {
  const auto directory = fresh_directory("lockstep-cli-coverage");
  const std::string command =
      "run --impl reference --suite channel --seed 3 --report " + directory.string();
  const Outcome few = run_lockstep(command + " --runs 3");
  EXPECT_EQ(few.exit_code, 0) << few.output;
  EXPECT_NE(few.output.find("coverage of reference, suite channel"), std::string::npos)
      << few.output;
  EXPECT_NE(few.output.find("warning: reference, suite channel: no schedule reached"),
            std::string::npos)
      << few.output;
  const nlohmann::json report = read_report(directory);
  EXPECT_EQ(report["implementations"][0]["suites"][0]["probes"]["drop-during-close"], 0)
      << "an expected probe no schedule reached is listed with 0";
  EXPECT_EQ(run_lockstep(command + " --runs 3 --require-coverage").exit_code, 1);
  const Outcome many = run_lockstep(command + " --runs 1000 --require-coverage");
  EXPECT_EQ(many.exit_code, 0) << many.output;
  EXPECT_EQ(many.output.find("warning:"), std::string::npos) << many.output;
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

// --plain-verdict: every broken rule is a failure, the bundled mutants' too.
TEST(Cli, AViolationExitsOneAndItsScheduleReproducesAlone) {
  const auto directory = fresh_directory("lockstep-cli-fail");
  const Outcome outcome =
      run_lockstep("run --impl archetype-context-by-pointer --runs 60 --seed 3 --plain-verdict");
  ASSERT_EQ(outcome.exit_code, 1) << outcome.output;
  const std::size_t at = outcome.output.find("reproduce: " + printed("run "));
  ASSERT_NE(at, std::string::npos) << outcome.output;
  const std::size_t start = at + std::string("reproduce: ").size();
  const std::string reproduce = outcome.output.substr(start, outcome.output.find('\n', at) - start);
  const Outcome alone = run_printed(reproduce + " --plain-verdict --report " + directory.string());
  EXPECT_EQ(alone.exit_code, 1) << alone.output;
  const nlohmann::json report = read_report(directory);
  EXPECT_EQ(report["implementations"][0]["schedules"], 1);
  EXPECT_EQ(report["implementations"][0]["failures"][0]["rule"], "AM5");
}

// The self-check verdict: a bundled mutant caught on the rule it declares is what the run
// expects (exit 0, "expected" on its line); the same run with --plain-verdict exits 1.
TEST(Cli, AMutantCaughtOnItsRuleIsAnExpectedFailure) {
  const Outcome outcome = run_lockstep("run --impl archetype-context-by-pointer --runs 20");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("(expected: mutant caught on AM5)"), std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("self-check: PASS, 1 of 1 implementation(s) as expected"),
            std::string::npos)
      << outcome.output;
  // A mutant that escapes (two schedules do not reach close-not-closed's rare path) fails it.
  const Outcome escaped = run_lockstep("run --impl close-not-closed --suite channel --runs 2 "
                                       "--property-cases 0");  // schedules alone miss it
  EXPECT_EQ(escaped.exit_code, 1) << escaped.output;
  EXPECT_NE(escaped.output.find("(UNEXPECTED: mutant not caught on CH4)"), std::string::npos)
      << escaped.output;
  EXPECT_NE(escaped.output.find("not as expected: close-not-closed (escaped)"), std::string::npos);
  // The same mutant on a suite that does not exercise its part is expected to pass.
  EXPECT_EQ(run_lockstep("run --impl close-not-closed --suite service --runs 5").exit_code, 0);
}

TEST(Cli, FailuresBecomeReplayFilesThatReproduceBitForBit) {
  const auto directory = fresh_directory("lockstep-cli-replay");
  ASSERT_EQ(run_lockstep("run --impl archetype-read-after-completion --runs 40 --seed 9 --report " +
                         directory.string())
                .exit_code,
            0);
  const nlohmann::json report = read_report(directory);
  const auto& failure = report["implementations"][0]["failures"][0];
  const std::string replay = failure["replay"];
  ASSERT_EQ(replay.rfind(printed("replay "), 0), 0u) << replay;
  const std::string path = replay.substr(printed("replay ").size());
  EXPECT_TRUE(std::filesystem::exists(path));
  const std::string trace_path = path.substr(0, path.size() - 7) + ".trace.json";
  ASSERT_TRUE(std::filesystem::exists(trace_path));
  std::ifstream trace_stream(trace_path);
  EXPECT_FALSE(nlohmann::json::parse(trace_stream)["traceEvents"].empty());

  const auto out = directory / "replayed.trace.json";
  const Outcome replayed = run_lockstep("replay " + path + " --trace " + out.string());
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("reproduced AM6 with the same trace hash"), std::string::npos)
      << replayed.output;
  EXPECT_NE(replayed.output.find("call echo#"), std::string::npos) << "a step-by-step trace";
  EXPECT_TRUE(std::filesystem::exists(out));

  // A tampered hash is a file this build does not match (it gives the same other hash every
  // time): exit 2 saying what differs. (A build that gives two hashes is exit 3: see
  // CliHostilePlugins.ANondeterministicImplementationIsExitThree.)
  std::ifstream original(path);
  std::stringstream text;
  text << original.rdbuf();
  std::string tampered = text.str();
  const std::size_t hash_at = tampered.find("trace-hash ") + 11;
  tampered[hash_at] = tampered[hash_at] == '0' ? '1' : '0';
  const auto tampered_path = directory / "tampered.replay";
  std::ofstream(tampered_path) << tampered;
  const Outcome mismatched = run_lockstep("replay " + tampered_path.string());
  EXPECT_EQ(mismatched.exit_code, 2) << mismatched.output;
  EXPECT_NE(mismatched.output.find("does not match this build: its trace hash"), std::string::npos)
      << mismatched.output;

  // Shrinking keeps the rule and never grows the log; the result replays.
  const auto shrunk = directory / "shrunk.replay";
  const Outcome shrink = run_lockstep("shrink " + path + " -o " + shrunk.string());
  EXPECT_EQ(shrink.exit_code, 0) << shrink.output;
  EXPECT_NE(shrink.output.find("shrunk AM6: "), std::string::npos) << shrink.output;
  EXPECT_EQ(run_lockstep("replay " + shrunk.string()).exit_code, 1);
}

TEST(Cli, BadReplayFilesAreExitTwo) {
  const auto directory = fresh_directory("lockstep-cli-bad-replay");
  std::filesystem::create_directories(directory);
  EXPECT_EQ(run_lockstep("replay " + (directory / "missing.replay").string()).exit_code, 2);
  std::ofstream(directory / "empty.replay").close();
  const Outcome empty = run_lockstep("replay " + (directory / "empty.replay").string());
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.output.find("empty"), std::string::npos) << empty.output;
  std::ofstream(directory / "future.replay") << "lockstep-replay 9\n";
  const Outcome future = run_lockstep("replay " + (directory / "future.replay").string());
  EXPECT_EQ(future.exit_code, 2);
  EXPECT_NE(future.output.find("newer"), std::string::npos) << future.output;
  std::ofstream(directory / "unknown.replay")
      << "lockstep-replay 3\nimplementation nobody\nlibrary\nlibrary-sha256\nbuild x\nsuite "
         "echo\nrun-seed 1\nschedule 0\n"
         "seed 11971499181233721091\nstrategy random\npct-steps 0\nfault-plan x\nrule AM3\n"
         "trace-hash 0000000000000000\n"
         "explanation x\ndecisions \nend\n";
  const Outcome unknown = run_lockstep("replay " + (directory / "unknown.replay").string());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown implementation 'nobody'"), std::string::npos)
      << unknown.output;
  EXPECT_EQ(run_lockstep("shrink " + (directory / "missing.replay").string()).exit_code, 2);
}

TEST(Cli, ListAsJson) {
  const Outcome outcome = run_lockstep("list --format json");
  ASSERT_EQ(outcome.exit_code, 0);
  const nlohmann::json document = nlohmann::json::parse(outcome.output);
  EXPECT_EQ(document["implementations"][0]["kind"], "reference");
  bool saw_mutant = false;
  for (const auto& implementation : document["implementations"]) {
    if (implementation["kind"] == "mutant") {
      saw_mutant = true;
      EXPECT_TRUE(implementation.contains("breaks"));
      EXPECT_TRUE(implementation.contains("description"));
      const std::string part = implementation.value("part", "");
      EXPECT_TRUE(part == "channel" || part == "async-execute" || part == "service-host" ||
                  part == "async-result" || part == "event-based" || part == "task-based" ||
                  part == "echo-call")
          << implementation.dump();
    }
  }
  EXPECT_TRUE(saw_mutant);
  EXPECT_EQ(document["rules"].size(), 45u);
  for (const auto& rule : document["rules"]) {
    // Every rule is checked by some suite today (suite_rules_test.cpp); the list says which.
    EXPECT_FALSE(rule["checked_by"].empty()) << rule.dump();
  }
  ASSERT_FALSE(document["suites"].empty());
  for (const auto& suite : document["suites"]) {
    EXPECT_FALSE(suite["rules"].empty()) << suite.dump();
  }
  EXPECT_EQ(run_lockstep("list --format xml").exit_code, 2);
}

TEST(Cli, SameSeedGivesTheSameRunDigest) {
  const auto first = fresh_directory("lockstep-cli-digest-1");
  const auto second = fresh_directory("lockstep-cli-digest-2");
  const auto other = fresh_directory("lockstep-cli-digest-3");
  const std::string command = "run --runs 20 --strategy pct:2 --shrink-runs 0 --report ";
  run_lockstep(command + first.string() + " --seed 11");
  run_lockstep(command + second.string() + " --seed 11");
  run_lockstep(command + other.string() + " --seed 12");
  EXPECT_EQ(read_report(first)["run_digest"], read_report(second)["run_digest"]);
  EXPECT_NE(read_report(first)["run_digest"], read_report(other)["run_digest"]);
}

TEST(Cli, UnwritableReportDirectoryIsExitTwo) {
  const Outcome outcome =
      run_lockstep("run --impl archetype --runs 1 --report /proc/no-such-dir/x");
  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
}

}  // namespace

// A plugin that crashes or hangs: each schedule runs in a child process, so the run goes on,
// reports the failure with a replay file, and the replay reproduces it under isolation.
namespace {

// Under AddressSanitizer its own SEGV handler reports the plugin's null write before the kernel
// signal ends the child, so the schedule comes back as a sanitizer error instead.
#if defined(LOCKSTEP_SANITIZED_BUILD)
constexpr const char* kNullWriteRule = "isolation-failed";
#else
constexpr const char* kNullWriteRule = "crash-SIGSEGV";
#endif

struct IsolatedPluginCase {
  std::string plugin;
  std::string rule;
  // The crash gets a generous limit: under a loaded machine a sanitizer's report (symbolizing
  // its stacks) can outlast a short one and would read as a hang. The hang needs a short one.
  std::string timeout_ms;
};

TEST(CliIsolation, CrashingAndHangingPluginsBecomeReproducibleFailures) {
  for (const auto& [plugin, rule, timeout_ms] :
       {IsolatedPluginCase{TEST_PLUGIN_CRASHES, kNullWriteRule, "20000"},
        IsolatedPluginCase{TEST_PLUGIN_HANGS, "hang", "300"}}) {
    const auto directory = fresh_directory("lockstep-cli-isolation-" + rule);
    const Outcome outcome =
        run_lockstep("run --impl " + plugin + " --suite channel --runs 3 --timeout-ms " +
                     timeout_ms + " --report " + directory.string());
    ASSERT_EQ(outcome.exit_code, 1) << outcome.output;
    const nlohmann::json report = read_report(directory);
    const auto& entry = report["implementations"][0];
    EXPECT_EQ(entry["schedules"], 3) << "the run went on after each failure";
    EXPECT_EQ(entry["failed_schedules"], 3);
    const auto& failure = entry["failures"][0];
    EXPECT_EQ(failure["rule"], rule) << outcome.output;
    const std::string replay = failure["replay"];
    ASSERT_EQ(replay.rfind(printed("replay "), 0), 0u) << replay;
    const Outcome replayed = run_printed(replay + " --timeout-ms " + timeout_ms);
    EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
    EXPECT_NE(replayed.output.find("reproduced " + rule + " under isolation"), std::string::npos)
        << replayed.output;
  }
}

}  // namespace
