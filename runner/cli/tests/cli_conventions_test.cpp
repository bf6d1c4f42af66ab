// The conventions of test tools and CI that `lockstep run` and `lockstep replay` follow:
// --gtest_filter-style filters, --fail-fast / --max-failures, the failure database and
// --rerun-failed, replay after a fix (a plugin rebuilt between run and replay), reproduce
// strings, shards from the CI environment, annotations, --version, --help and report show.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

std::vector<std::string> names_in(const nlohmann::json& report) {
  std::vector<std::string> names;
  for (const auto& implementation : report["implementations"]) {
    names.push_back(implementation["name"]);
  }
  return names;
}

void expect_one_line_usage_error(const std::string& arguments) {
  const Outcome outcome = run_lockstep(arguments);
  EXPECT_EQ(outcome.exit_code, 2) << arguments << "\n" << outcome.output;
  EXPECT_EQ(outcome.output.rfind("lockstep: ", 0), 0u) << arguments << "\n" << outcome.output;
  EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
}

TEST(CliConventions, ImplementationAndSuiteFiltersTakeGlobsAndNegation) {
  const auto directory = fresh_directory("lockstep-cli-filter");
  ASSERT_EQ(run_lockstep("run --impl 'archetype*:-*pointer' --suite 'e*' --runs 2 --report " +
                         directory.string())
                .exit_code,
            0);
  EXPECT_EQ(names_in(read_report(directory)),
            (std::vector<std::string>{"archetype", "archetype-read-after-completion",
                                      "archetype-error-after-callback"}));
  ASSERT_EQ(
      run_lockstep("run --impl=-reference --suite echo --runs 1 --report " + directory.string())
          .exit_code,
      0);
  const std::vector<std::string> all_but_reference = names_in(read_report(directory));
  const nlohmann::json listing = nlohmann::json::parse(run_lockstep("list --format json").output);
  EXPECT_EQ(all_but_reference.size(), listing["implementations"].size() - 1);
  EXPECT_EQ(std::find(all_but_reference.begin(), all_but_reference.end(), "reference"),
            all_but_reference.end());
  for (const char* bad : {"run --impl 'nothing*'", "run --impl ':'", "run --suite 'x*'",
                          "run --suite nope", "run --rule XY9", "run --rule 'AM1:'",
                          "run --impl=-archetype* --impl=-reference --impl 'archetype'"}) {
    expect_one_line_usage_error(bad);
  }
}

// --rule counts only the rules it selects: a mutant whose own rule it leaves out is not judged.
TEST(CliConventions, RuleFilterCountsOnlyTheSelectedRules) {
  const auto directory = fresh_directory("lockstep-cli-rule");
  // no-fault-after-abort breaks CH2 and, through the same defect, AM3 and deadlocks.
  const std::string run =
      "run --impl no-fault-after-abort --suite channel --runs 60 --report " + directory.string();
  const Outcome am3 = run_lockstep(run + " --rule AM3");
  EXPECT_EQ(am3.exit_code, 0) << am3.output;
  nlohmann::json report = read_report(directory);
  EXPECT_EQ(report["rule_filter"], "AM3");
  auto implementation = report["implementations"][0];
  EXPECT_EQ(implementation["rules_checked"], nlohmann::json::array({"AM3"}));
  EXPECT_EQ(implementation["expected"], "not-judged");
  for (const auto& [rule, count] : implementation["violations_by_rule"].items()) {
    EXPECT_EQ(rule, "AM3");
  }
  EXPECT_FALSE(implementation["violations_by_rule"].empty()) << am3.output;
  ASSERT_EQ(run_lockstep(run + " --rule CH2").exit_code, 0);
  implementation = read_report(directory)["implementations"][0];
  EXPECT_EQ(implementation["expected"], "caught");
  EXPECT_EQ(implementation["outcome"], "expected-fail");
  EXPECT_EQ(implementation["violations_by_rule"].size(), 1u) << implementation;
  // Only suites that check a selected rule run.
  ASSERT_EQ(
      run_lockstep("run --impl reference --runs 2 --rule 'SV*' --report " + directory.string())
          .exit_code,
      0);
  implementation = read_report(directory)["implementations"][0];
  ASSERT_EQ(implementation["suites"].size(), 1u);
  EXPECT_EQ(implementation["suites"][0]["name"], "service");
}

TEST(CliConventions, MaxFailuresStopsTheRunAfterNUnexpectedFailures) {
  const auto directory = fresh_directory("lockstep-cli-max-failures");
  const std::string run =
      "run --impl archetype-context-by-pointer --runs 100 --shrink-runs 0 "
      "--report " +
      directory.string();
  const Outcome three = run_lockstep(run + " --plain-verdict --max-failures 3");
  EXPECT_EQ(three.exit_code, 1) << three.output;
  EXPECT_NE(three.output.find("stopped after 3 unexpected failure(s)"), std::string::npos)
      << three.output;
  nlohmann::json report = read_report(directory);
  EXPECT_EQ(report["stopped_at_max_failures"], true);
  EXPECT_EQ(report["implementations"][0]["failed_schedules"], 3);
  EXPECT_LT(report["implementations"][0]["schedules"].get<int>(), 100);
  ASSERT_EQ(run_lockstep(run + " --plain-verdict --fail-fast").exit_code, 1);
  EXPECT_EQ(read_report(directory)["implementations"][0]["failed_schedules"], 1);
  // Under the self-check verdict a mutant's failures are expected: they stop nothing.
  const Outcome expected = run_lockstep(run + " --fail-fast");
  EXPECT_EQ(expected.exit_code, 0) << expected.output;
  report = read_report(directory);
  EXPECT_EQ(report["stopped_at_max_failures"], false);
  EXPECT_EQ(report["implementations"][0]["schedules"], 100);
  expect_one_line_usage_error("run --fail-fast --max-failures 2");
}

TEST(CliConventions, KnownFailuresOutliveNewRunsAndRerunFirst) {
  const auto directory = fresh_directory("lockstep-cli-known-failures");
  const std::string report = " --report " + directory.string();
  ASSERT_EQ(
      run_lockstep("run --impl archetype-context-by-pointer --runs 8 --shrink-runs 5" + report)
          .exit_code,
      0);
  const auto known = directory / "known-failures";
  std::size_t remembered = 0;
  for (const auto& entry : std::filesystem::directory_iterator(known)) {
    remembered += entry.path().extension() == ".replay" ? 1 : 0;
  }
  ASSERT_GT(remembered, 0u);
  // Another run into the same directory clears failures/ but keeps the database.
  ASSERT_EQ(run_lockstep("run --impl archetype --runs 3" + report).exit_code, 0);
  EXPECT_TRUE(std::filesystem::is_empty(directory / "failures") ||
              !std::filesystem::exists(directory / "failures"));
  EXPECT_EQ(static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(known),
                                                   std::filesystem::directory_iterator())),
            remembered);
  // --rerun-failed re-runs them first; the mutant's still fail, as expected.
  const Outcome rerun =
      run_lockstep("run --impl archetype-context-by-pointer --runs 1 --rerun-failed" + report);
  EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_NE(rerun.output.find("re-ran " + std::to_string(remembered) + " known failure(s)"),
            std::string::npos)
      << rerun.output;
  EXPECT_LT(rerun.output.find("re-ran "), rerun.output.find("archetype-context-by-pointer  "))
      << "before the schedules";
  const nlohmann::json reruns = read_report(directory)["reruns"];
  ASSERT_EQ(reruns.size(), remembered);
  for (const auto& entry : reruns) {
    EXPECT_EQ(entry["result"], "still-fails") << entry;
    EXPECT_EQ(entry["expected"], true);
  }
  expect_one_line_usage_error("run --rerun-failed --impl archetype --runs 1");
}

// A plugin rebuilt between the run and the replay: the replay tells the fix from
// nondeterminism by the SHA-256 the replay file recorded.
TEST(CliConventions, ReplayAfterAFixSaysTheRuleNowHolds) {
  const auto directory = fresh_directory("lockstep-cli-fixed");
  std::filesystem::create_directories(directory);
  const auto library = directory / "libfixable.so";
  std::filesystem::copy_file(TEST_PLUGIN_FIXABLE_BROKEN, library);
  const auto report_directory = directory / "report";
  const Outcome run = run_lockstep("run --impl " + library.string() +
                                   " --suite channel --runs 4 --shrink-runs 0 --report " +
                                   report_directory.string());
  ASSERT_EQ(run.exit_code, 1) << "a plugin's failure is a plain failure\n" << run.output;
  const nlohmann::json report = read_report(report_directory);
  const auto& implementation = report["implementations"][0];
  EXPECT_EQ(implementation["name"], "fixable") << "the table's name, not the path";
  EXPECT_EQ(implementation["library"]["path"], library.string());
  EXPECT_EQ(implementation["library"]["version"], "1");
  EXPECT_EQ(implementation["library"]["sha256"].get<std::string>().size(), 64u);
  const std::string replay_file =
      (report_directory / implementation["failures"][0]["replay_file"].get<std::string>()).string();
  EXPECT_NE(replay_file.find("failures/fixable--channel--"), std::string::npos) << replay_file;
  EXPECT_NE(read_text(replay_file)
                .find("\nlibrary-sha256 " + implementation["library"]["sha256"].get<std::string>()),
            std::string::npos);
  EXPECT_EQ(run_lockstep("replay " + replay_file).exit_code, 1) << "same library: reproduced";

  // The fix: the same path, another build.
  std::filesystem::copy_file(TEST_PLUGIN_FIXABLE_FIXED, library,
                             std::filesystem::copy_options::overwrite_existing);
  const Outcome fixed = run_lockstep("replay " + replay_file);
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_NE(fixed.output.find("the library changed: SHA-256 "), std::string::npos) << fixed.output;
  EXPECT_NE(fixed.output.find("AM5 now holds on this schedule"), std::string::npos);
  EXPECT_EQ(fixed.output.find("NONDETERMINISM"), std::string::npos);
  // --impl points the replay at another build: the broken one, moved.
  const auto moved = directory / "moved.so";
  std::filesystem::copy_file(TEST_PLUGIN_FIXABLE_BROKEN, moved);
  EXPECT_EQ(run_lockstep("replay " + replay_file + " --impl " + moved.string()).exit_code, 1);
  // The failure database sees the fix too.
  const Outcome rerun = run_lockstep("run --impl " + library.string() +
                                     " --suite channel --runs 2 --rerun-failed --report " +
                                     report_directory.string());
  EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
  const nlohmann::json reruns = read_report(report_directory)["reruns"];
  ASSERT_FALSE(reruns.empty()) << rerun.output;
  for (const auto& entry : reruns) {
    EXPECT_EQ(entry["result"], "now-holds") << entry;
  }
}

TEST(CliConventions, ReproduceStringsRunTheScheduleWithoutItsFile) {
  const auto directory = fresh_directory("lockstep-cli-reproduce-string");
  ASSERT_EQ(run_lockstep("run --impl archetype-context-by-pointer --runs 6 --seed 21 --strategy "
                         "pct:2 --shrink-runs 0 --report " +
                         directory.string())
                .exit_code,
            0);
  const nlohmann::json report = read_report(directory);
  const auto& failure = report["implementations"][0]["failures"][0];
  const std::string token = failure["reproduce"];
  EXPECT_EQ(token, "archetype-context-by-pointer:echo:21:" +
                       failure["schedule"].get<std::string>() + ":pct:2");
  const Outcome again = run_lockstep("replay " + token);
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("broken: " + failure["explanation"].get<std::string>()),
            std::string::npos)
      << again.output;
  const Outcome holds = run_lockstep("replay archetype:echo:21:0");
  EXPECT_EQ(holds.exit_code, 0) << holds.output;
  EXPECT_NE(holds.output.find("every rule holds on this schedule"), std::string::npos);
  // A plugin's string runs on the library --impl names, in a child process.
  const Outcome plugin =
      run_lockstep(std::string("replay fixable:channel:1:0 --impl ") + TEST_PLUGIN_FIXABLE_BROKEN);
  EXPECT_EQ(plugin.exit_code, 1) << plugin.output;
  EXPECT_NE(plugin.output.find("broken: AM5"), std::string::npos) << plugin.output;
  expect_one_line_usage_error("replay fixable:channel:1:0");
  expect_one_line_usage_error("replay archetype:nosuite:1:0");
}

TEST(CliConventions, ShardsComeFromTheCiEnvironment) {
  const auto flag = fresh_directory("lockstep-cli-env-shard-flag");
  ASSERT_EQ(
      run_lockstep("run --impl archetype --runs 9 --shard 2/3 --report " + flag.string()).exit_code,
      0);
  const nlohmann::json expected = read_report(flag);
  const auto status_file = fresh_directory("lockstep-cli-env-shard-status");
  for (const std::string& environment :
       {"GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=1 GTEST_SHARD_STATUS_FILE=" + status_file.string(),
        std::string("CI_NODE_TOTAL=3 CI_NODE_INDEX=2"), std::string("JOB_COMPLETION_INDEX=1")}) {
    const auto directory = fresh_directory("lockstep-cli-env-shard");
    const std::string extra = environment.rfind("JOB", 0) == 0 ? " --shard-count 3" : "";
    const Outcome outcome = run_printed(
        environment + " " +
        printed("run --impl archetype --runs 9 --report " + directory.string() + extra));
    ASSERT_EQ(outcome.exit_code, 0) << environment << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find("shard 2/3 (from "), std::string::npos) << outcome.output;
    const nlohmann::json report = read_report(directory);
    EXPECT_EQ(report["shard"], expected["shard"]) << environment;
    EXPECT_EQ(report["run_digest"], expected["run_digest"]) << environment;
  }
  EXPECT_TRUE(std::filesystem::exists(status_file)) << "GoogleTest's sharding protocol";
  for (const std::string& environment :
       {std::string("GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=3"),
        std::string("CI_NODE_TOTAL=3 CI_NODE_INDEX=0"),
        std::string("CI_NODE_TOTAL=x CI_NODE_INDEX=1"), std::string("CI_NODE_INDEX=1"),
        std::string("JOB_COMPLETION_INDEX=1")}) {
    const Outcome outcome =
        run_printed(environment + " " + printed("run --impl archetype --runs 9"));
    EXPECT_EQ(outcome.exit_code, 2) << environment << "\n" << outcome.output;
    EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
  }
  // --shard wins over the environment.
  const Outcome explicit_shard = run_printed("CI_NODE_TOTAL=3 CI_NODE_INDEX=9 " +
                                             printed("run --impl archetype --runs 9 --shard 1/1"));
  EXPECT_EQ(explicit_shard.exit_code, 0) << explicit_shard.output;
}

TEST(CliConventions, AnnotationsForGithubAndSarif) {
  const Outcome github = run_lockstep(
      "run --impl archetype-context-by-pointer --impl archetype --runs 3 "
      "--plain-verdict --annotations github");
  EXPECT_EQ(github.exit_code, 1);
  EXPECT_NE(github.output.find("::error title=lockstep AM5 (archetype-context-by-pointer)::"
                               "archetype-context-by-pointer broke AM5 in 3 of 3 schedule(s): "),
            std::string::npos)
      << github.output;
  EXPECT_NE(github.output.find("%0Areproduce: "), std::string::npos) << "one line per annotation";
  const Outcome expected =
      run_lockstep("run --impl archetype-context-by-pointer --runs 3 --annotations github");
  EXPECT_EQ(expected.output.find("::error"), std::string::npos)
      << "an expected failure is not an annotation\n"
      << expected.output;
  const auto directory = fresh_directory("lockstep-cli-sarif");
  ASSERT_EQ(run_lockstep("run --impl archetype-context-by-pointer --runs 3 --plain-verdict "
                         "--annotations sarif --shrink-runs 0 --report " +
                         directory.string())
                .exit_code,
            1);
  const nlohmann::json sarif = nlohmann::json::parse(read_text(directory / "lockstep.sarif"));
  EXPECT_EQ(sarif["version"], "2.1.0");
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1u) << sarif.dump(2);
  EXPECT_EQ(results[0]["ruleId"], "AM5");
  const std::string location =
      results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
  EXPECT_TRUE(std::filesystem::exists(directory / location)) << location;
  EXPECT_EQ(sarif["runs"][0]["tool"]["driver"]["rules"][0]["id"], "AM5");
  expect_one_line_usage_error("run --impl archetype --runs 1 --annotations sarif");
  expect_one_line_usage_error("run --impl archetype --runs 1 --annotations junit");
}

TEST(CliConventions, VersionHelpAndReportShow) {
  const Outcome version = run_lockstep("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(
      std::regex_search(version.output, std::regex("^lockstep [0-9]+\\.[0-9]+\\.[0-9]+ \\(build ")))
      << version.output;
  const Outcome help = run_lockstep("run --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* expected : {"Exit codes:", "  3      nondeterminism", "--runs UINT", "=1000",
                               "--shrink-runs", "=200", "--plain-verdict"}) {
    EXPECT_NE(help.output.find(expected), std::string::npos) << expected << "\n" << help.output;
  }
  const auto directory = fresh_directory("lockstep-cli-report-show");
  ASSERT_EQ(run_lockstep("run --impl archetype-context-by-pointer --impl archetype --runs 4 "
                         "--shrink-runs 2 --report " +
                         directory.string())
                .exit_code,
            0);
  const Outcome show = run_lockstep("report show " + directory.string());
  EXPECT_EQ(show.exit_code, 0) << show.output;
  const nlohmann::json report = read_report(directory);
  for (const auto& failure : report["implementations"][0]["failures"]) {
    EXPECT_NE(
        show.output.find("archetype-context-by-pointer: " + failure["rule"].get<std::string>() +
                         " in suite echo, schedule " + failure["schedule"].get<std::string>()),
        std::string::npos)
        << show.output;
    EXPECT_NE(show.output.find("  reproduce: " + failure["replay"].get<std::string>() + "\n"),
              std::string::npos);
  }
  EXPECT_NE(show.output.find("verdict (self-check): pass"), std::string::npos) << show.output;
  expect_one_line_usage_error("report show " + (directory / "missing").string());
}

}  // namespace
