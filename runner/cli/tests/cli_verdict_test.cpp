// Verdicts that do not mislead, and arguments checked before anything runs: a run that tested
// nothing is not a pass, an interrupted one is incomplete, and bad numbers, repeated
// implementations, unknown subcommands and replay files that do not fit this build are one
// line and exit 2.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

std::size_t lines_in(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CliVerdicts, ARunThatExercisedNothingIsNotAPass) {
  const auto never = fresh_directory("verdict-never-creates");
  const Outcome uncreated = run_lockstep("run --impl " + std::string(HOSTILE_PLUGIN_NEVER_CREATES) +
                                         " --runs 20 --report " + never.string());
  EXPECT_EQ(uncreated.exit_code, 1) << uncreated.output;
  EXPECT_NE(uncreated.output.find("NOT EXERCISED"), std::string::npos) << uncreated.output;
  EXPECT_NE(uncreated.output.find("no schedule of suite channel got past creating its object"),
            std::string::npos);
  const nlohmann::json report = read_report(never);
  EXPECT_EQ(report["verdict"], "not-exercised");
  EXPECT_EQ(report["implementations"][0]["verdict"], "not-exercised");
  EXPECT_EQ(report["implementations"][0]["suites"][0].value("schedules_without_subject", 0), 20);
  EXPECT_NE(read_text(never / "junit.xml").find("type=\"not-exercised\""), std::string::npos);

  const auto nothing = fresh_directory("verdict-provides-nothing");
  const Outcome no_part =
      run_lockstep("run --impl " + std::string(HOSTILE_PLUGIN_PROVIDES_NOTHING) +
                   " --runs 20 --report " + nothing.string());
  EXPECT_EQ(no_part.exit_code, 1) << no_part.output;
  EXPECT_NE(no_part.output.find("it provides no part lockstep tests"), std::string::npos);
  EXPECT_EQ(read_report(nothing)["verdict"], "not-exercised");

  // Nothing applicable ran at all: the archetype has no channel.
  const auto filtered = fresh_directory("verdict-nothing-applies");
  const Outcome none =
      run_lockstep("run --impl archetype --suite channel --runs 5 --report " + filtered.string());
  EXPECT_EQ(none.exit_code, 1) << none.output;
  EXPECT_EQ(read_report(filtered)["verdict"], "not-exercised");
  EXPECT_EQ(read_report(filtered)["implementations"][0]["verdict"], "not-applicable");

  // A correct run still passes.
  EXPECT_EQ(run_lockstep("run --impl archetype --runs 5").exit_code, 0);
}

TEST(CliVerdicts, AnInterruptedRunIsIncompleteNotAPass) {
  const auto directory = fresh_directory("verdict-interrupted");
  const Started started =
      start_lockstep("run --impl archetype --impl reference --runs 1000000 --report " +
                         (directory / "report").string(),
                     directory / "output.txt");
  for (int attempt = 0; attempt < 200 && read_text(directory / "output.txt").empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(started.process, SIGINT);
  const Outcome outcome = started.wait();
  EXPECT_EQ(outcome.exit_code, 128 + SIGINT) << outcome.output;
  const nlohmann::json report = read_report(directory / "report");
  EXPECT_EQ(report["interrupted"], true);
  EXPECT_EQ(report["verdict"], "incomplete");
  const auto& started_one = report["implementations"][0];
  EXPECT_EQ(started_one["verdict"], "incomplete");
  EXPECT_GT(started_one["schedules"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(started_one["schedules"].get<std::uint64_t>() +
                started_one.value("schedules_not_run", std::uint64_t{0}),
            1000000u);
  const auto& unreached = report["implementations"][1];
  EXPECT_EQ(unreached["verdict"], "incomplete") << "not 'not-applicable'";
  EXPECT_EQ(unreached["schedules"], 0);
  EXPECT_EQ(unreached.value("schedules_not_run", 0), 1000000 * unreached["suites"].size())
      << "every schedule of every suite that applies";
}

TEST(CliArguments, NumbersAreCheckedNotWrapped) {
  for (const char* seed : {"-1", "18446744073709551616", "1x", "", "0x10", "+3"}) {
    const Outcome outcome =
        run_lockstep(std::string("run --impl archetype --runs 1 --seed '") + seed + "'");
    EXPECT_EQ(outcome.exit_code, 2) << seed << "\n" << outcome.output;
    EXPECT_EQ(outcome.output.rfind("lockstep: --seed '", 0), 0u) << outcome.output;
    EXPECT_EQ(lines_in(outcome.output), 1u) << outcome.output;
  }
  EXPECT_EQ(run_lockstep("run --impl archetype --runs 1 --seed 18446744073709551615").exit_code, 0);
  const auto directory = fresh_directory("arguments-huge-shard");
  const Outcome shard =
      run_lockstep("run --impl archetype --runs 3 --shard 1/18446744073709551615 --report " +
                   directory.string());
  EXPECT_EQ(shard.exit_code, 0) << shard.output;
  EXPECT_EQ(read_report(directory)["implementations"][0]["schedules"], 1) << "index 0 alone";
  // The last of those shards owns no index below 3: accepted (it ran nothing, so no pass).
  EXPECT_EQ(run_lockstep("run --impl archetype --runs 3 --shard 18446744073709551615/"
                         "18446744073709551615")
                .exit_code,
            1);
  EXPECT_EQ(run_lockstep("run --impl archetype --runs 3 --shard 1/18446744073709551616").exit_code,
            2);
}

TEST(CliArguments, AnImplementationGivenTwiceIsRefused) {
  const Outcome outcome = run_lockstep("run --impl archetype --impl reference --impl archetype");
  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_EQ(outcome.output, "lockstep: --impl 'archetype' is given twice (each runs once)\n");
}

TEST(CliArguments, UnknownSubcommandsAreNamed) {
  const Outcome top = run_lockstep("frobnicate --runs 3");
  EXPECT_EQ(top.exit_code, 2);
  EXPECT_EQ(top.output, "lockstep: unknown subcommand 'frobnicate' (see lockstep --help)\n");
  const Outcome nested = run_lockstep("report frob");
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_NE(nested.output.find("unknown subcommand 'report frob'"), std::string::npos)
      << nested.output;
  EXPECT_EQ(run_lockstep("--help").exit_code, 0);
}

// A replay file that does not fit this build is bad input, said precisely: exit 2.
TEST(CliArguments, ReplayFilesThatDoNotMatchThisBuildSayWhatDiffers) {
  const auto directory = fresh_directory("arguments-replay");
  ASSERT_EQ(run_lockstep("run --impl callback-on-sync-path --suite channel --runs 20 "
                         "--shrink-runs 0 --plain-verdict --report " +
                         directory.string())
                .exit_code,
            1);
  const nlohmann::json report = read_report(directory);
  const std::string original =
      read_text(directory / report["implementations"][0]["failures"][0]["replay_file"]);
  const auto edited = [&](const std::string& key, const std::string& value) {
    const std::size_t at = original.find("\n" + key + " ") + 1;
    const std::size_t end = original.find('\n', at);
    const std::string text = original.substr(0, at) + key + " " + value + original.substr(end);
    const auto path = directory / (key + ".replay");
    std::ofstream(path) << text;
    return run_lockstep("replay " + path.string());
  };
  struct Case {
    std::string key;
    std::string value;
    std::string says;
  };
  for (const Case& change :
       {Case{"rule", "XY9", "records rule 'XY9', which this lockstep does not know"},
        Case{"seed", "12345", "does not match this build: its seed 12345 is not the seed"},
        Case{"suite", "service", "does not match this build: its decision log does not fit"},
        Case{"decisions", "s2:0", "does not match this build"}}) {
    const Outcome outcome = edited(change.key, change.value);
    EXPECT_EQ(outcome.exit_code, 2) << change.key << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find(change.says), std::string::npos) << change.key << "\n"
                                                                   << outcome.output;
    EXPECT_EQ(outcome.output.find("NONDETERMINISM"), std::string::npos) << outcome.output;
  }
}

}  // namespace
