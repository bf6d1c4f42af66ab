// What `lockstep run --report DIR` leaves: junit.xml that parses and adds up, an index.html
// with no network reference, and every bad input a one-line error with exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "reports/tests/json_schema_check.h"
#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string attribute_of(const std::string& xml, const std::string& element,
                         const std::string& name) {
  std::smatch match;
  const std::regex pattern("<" + element + "[^>]* " + name + "=\"([0-9]+)\"");
  return std::regex_search(xml, match, pattern) ? match[1].str() : "";
}

// Each test its own directory: CTest runs tests of one binary in parallel processes. No
// shrinking: a shrink probe is a fork, costly in sanitizer builds (cli_shrunk_report_test.cpp
// covers what shrinking adds to the files).
lockstep::testing::ScratchDirectory report_of_a_failing_run(
    const std::string& name, const std::string& verdict = " --plain-verdict") {
  auto directory = fresh_directory(name);
  run_lockstep("run --runs 40 --seed 9 --shrink-runs 0 --report " + directory.string() + verdict);
  return directory;
}

TEST(CliReport, JunitParsesAndItsCountsAddUp) {
  const auto directory = report_of_a_failing_run("lockstep-cli-report-junit");
  const std::string xml = read_text(directory / "junit.xml");
  ASSERT_FALSE(xml.empty());
  if (std::filesystem::exists("/usr/bin/xmllint")) {
    EXPECT_EQ(
        std::system(("/usr/bin/xmllint --noout " + (directory / "junit.xml").string()).c_str()), 0);
  } else {
    ADD_FAILURE() << "/usr/bin/xmllint is absent: install libxml2-utils (.ci/install-deps)";
  }
  const std::size_t testcases = occurrences(xml, "<testcase ");
  const std::size_t failures = occurrences(xml, "<failure ");
  EXPECT_EQ(attribute_of(xml, "testsuites", "tests"), std::to_string(testcases));
  EXPECT_EQ(attribute_of(xml, "testsuites", "failures"), std::to_string(failures));
  const nlohmann::json report = read_report(directory);
  std::size_t expected_failures = 0;
  for (const auto& implementation : report["implementations"]) {
    expected_failures += implementation["violations_by_rule"].size();
    for (const auto& property : implementation.value("properties", nlohmann::json::array())) {
      expected_failures += property["verdict"] == "held" ? 0 : 1;  // its own testcase
    }
    for (const auto& [rule, count] : implementation["violations_by_rule"].items()) {
      EXPECT_NE(xml.find("classname=\"lockstep." + implementation["name"].get<std::string>() +
                         "\" name=\"" + rule + "\">\n      <failure "),
                std::string::npos)
          << rule;
    }
    for (const auto& suite : implementation["suites"]) {
      EXPECT_NE(xml.find("classname=\"lockstep." + implementation["name"].get<std::string>() + "." +
                         suite["name"].get<std::string>() + "\" name=\"schedules\""),
                std::string::npos)
          << implementation["name"] << " " << suite;
    }
  }
  EXPECT_EQ(failures, expected_failures);
  EXPECT_GT(occurrences(xml, "reproduce: " + printed("replay ")), 0u);
}

// Under the self-check verdict, junit.xml fails exactly what the exit code fails: each mutant
// caught on its declared rule is skipped as an expected failure, an escaped one fails its rule.
TEST(CliReport, SelfCheckJunitSkipsExpectedFailures) {
  const auto directory = report_of_a_failing_run("lockstep-cli-report-xfail", "");
  const std::string xml = read_text(directory / "junit.xml");
  const nlohmann::json report = read_report(directory);
  std::size_t expected_skips = 0;
  std::size_t expected_failures = 0;
  for (const auto& implementation : report["implementations"]) {
    const std::string name = implementation["name"];
    const std::string outcome = implementation["outcome"];
    if (outcome == "expected-fail") {
      expected_skips += implementation["violations_by_rule"].size();
      for (const auto& property : implementation.value("properties", nlohmann::json::array())) {
        expected_skips += property["verdict"] == "held" ? 0 : 1;  // a property caught it too
      }
      // Caught by a schedule, or only by a property (its testcase is then the skipped one).
      if (implementation["violations_by_rule"].contains(implementation["breaks"])) {
        EXPECT_NE(xml.find("classname=\"lockstep." + name + "\" name=\"" +
                           implementation["breaks"].get<std::string>() +
                           "\">\n      <skipped message=\"expected failure: "),
                  std::string::npos)
            << name;
      }
    } else if (outcome == "escaped") {
      ++expected_failures;
      EXPECT_NE(xml.find("classname=\"lockstep." + name + "\" name=\"" +
                         implementation["breaks"].get<std::string>() +
                         "\">\n      <failure message=\"mutant " + name),
                std::string::npos)
          << name;
    } else {
      EXPECT_EQ(outcome, "pass") << name;
    }
  }
  EXPECT_GT(expected_skips, 20u);
  EXPECT_EQ(occurrences(xml, "<skipped "), expected_skips);
  EXPECT_EQ(occurrences(xml, "<failure "), expected_failures);
  EXPECT_EQ(attribute_of(xml, "testsuites", "skipped"), std::to_string(expected_skips));
  EXPECT_EQ(report["expectations_held"], expected_failures == 0);
}

// Every report a run writes matches the published schema, a plugin's and a merged one's too.
TEST(CliReport, ReportsMatchTheirJsonSchema) {
  const nlohmann::json schema = lockstep::testing::report_schema();
  const auto check = [&](const std::filesystem::path& directory) {
    for (const std::string& error :
         lockstep::testing::schema_errors(schema, read_report(directory))) {
      ADD_FAILURE() << directory << error;
    }
  };
  const auto bundled = report_of_a_failing_run("lockstep-cli-report-schema", "");
  check(bundled);
  const auto plugin = fresh_directory("lockstep-cli-report-schema-plugin");
  run_lockstep(std::string("run --impl ") + TEST_PLUGIN_HANGS +
               " --suite channel --runs 1 --timeout-ms 300 --report " + plugin.string());
  check(plugin);
  const nlohmann::json plugin_report = read_report(plugin);
  EXPECT_EQ(plugin_report["implementations"][0]["library"]["path"], TEST_PLUGIN_HANGS);
  EXPECT_EQ(plugin_report["implementations"][0]["expected"], "none");
  const auto merged = fresh_directory("lockstep-cli-report-schema-merged");
  ASSERT_EQ(run_lockstep("report merge " + bundled.string() + " -o " + merged.string()).exit_code,
            read_report(bundled)["expectations_held"] ? 0 : 1);
  check(merged);
}

TEST(CliReport, HtmlIsSelfContainedAndShowsEveryFailure) {
  const auto directory = report_of_a_failing_run("lockstep-cli-report-html");
  const std::string html = read_text(directory / "index.html");
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(\b(src|href)\s*=\s*["']?[a-zA-Z]+:)")));
  EXPECT_EQ(html.find(" src="), std::string::npos);
  const nlohmann::json report = read_report(directory);
  for (const auto& implementation : report["implementations"]) {
    for (const auto& failure : implementation["failures"]) {
      const std::string replay = failure["replay"];
      EXPECT_NE(html.find(replay), std::string::npos) << replay;
    }
  }
  EXPECT_GE(occurrences(html, "<svg class=\"timeline\""), 3u);
}

// Binary garbage with a NUL inside, as a file that is not a replay at all.
constexpr char kCorrupted[] =
    "\x7f"
    "ELF\x02\x01\x01\0\0garbage\xff\xfe";

TEST(CliReport, BadReplayFilesOfEveryKindAreExitTwo) {
  const auto directory = fresh_directory("lockstep-cli-bad-replay-kinds");
  ASSERT_EQ(run_lockstep("run --impl archetype-context-by-pointer --runs 20 --report " +
                         directory.string())
                .exit_code,
            0);
  const nlohmann::json report = read_report(directory);
  const std::string good = read_text(
      directory / report["implementations"][0]["failures"][0]["replay_file"].get<std::string>());
  const std::pair<const char*, std::string> cases[] = {
      {"truncated", good.substr(0, good.size() / 2)},
      {"without-end", good.substr(0, good.rfind("end"))},
      {"corrupted", std::string(kCorrupted, sizeof(kCorrupted) - 1)},
      {"bad-number", std::regex_replace(good, std::regex("run-seed [0-9]+"), "run-seed 12x")},
      {"future", std::regex_replace(good, std::regex("^lockstep-replay [0-9]+"), "lockstep-replay 7")},
  };
  for (const auto& [name, text] : cases) {
    const auto path = directory / (std::string(name) + ".replay");
    std::ofstream(path, std::ios::binary) << text;
    for (const char* command : {"replay ", "shrink "}) {
      const Outcome outcome = run_lockstep(command + path.string());
      EXPECT_EQ(outcome.exit_code, 2) << name << "\n" << outcome.output;
      EXPECT_EQ(outcome.output.rfind("lockstep: ", 0), 0u) << name << "\n" << outcome.output;
      EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1)
          << name << "\n"
          << outcome.output;
    }
  }
}

TEST(CliReport, BadMergeInputsAreExitTwo) {
  const auto directory = fresh_directory("lockstep-cli-bad-merge");
  std::filesystem::create_directories(directory / "corrupt");
  std::ofstream(directory / "corrupt" / "report.json") << "{\"tool\": \"lockstep\", \"sch";
  std::filesystem::create_directories(directory / "future");
  std::ofstream(directory / "future" / "report.json") << "{\"tool\": \"lockstep\", \"schema\": 99}";
  const std::string out = " -o " + (directory / "out").string();
  for (const std::string& arguments :
       {"report merge " + (directory / "missing").string() + out,
        "report merge " + (directory / "corrupt").string() + out,
        "report merge " + (directory / "future").string() + out, std::string("report merge") + out,
        "report merge " + directory.string(), std::string("report"),
        std::string("report frobnicate")}) {
    const Outcome outcome = run_lockstep(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << arguments << "\n" << outcome.output;
    EXPECT_EQ(outcome.output.rfind("lockstep: ", 0), 0u) << arguments << "\n" << outcome.output;
    EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1)
        << arguments << "\n"
        << outcome.output;
  }
}

TEST(CliReport, UnwritableReportDirectoryFailsBeforeRunning) {
  const Outcome outcome = run_lockstep("run --runs 100000 --report /proc/no-such-dir/x");
  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_EQ(outcome.output.rfind("lockstep: cannot create report directory", 0), 0u)
      << outcome.output;
}

// A plugin gets the stateful properties a bundled implementation gets, in the same report: the
// reference built as a plugin holds every property of the parts it provides, and a bundled
// mutant's property fails on the rule it declares, with its shrunk case written next to the
// replay files and the RC_PARAMS value that re-runs it.
TEST(CliReport, PluginsAndMutantsGetTheStatefulProperties) {
  const auto plugin = fresh_directory("lockstep-cli-report-properties-plugin");
  const Outcome held = run_lockstep(std::string("run --impl ") + TEST_PLUGIN_REFERENCE +
                                    " --runs 5 --property-cases 20 --report " + plugin.string());
  ASSERT_EQ(held.exit_code, 0) << held.output;
  const nlohmann::json plugin_report = read_report(plugin);
  const nlohmann::json& properties = plugin_report["implementations"][0]["properties"];
  ASSERT_TRUE(properties.is_array()) << plugin_report.dump(2);
  std::vector<std::string> names;
  for (const nlohmann::json& property : properties) {
    names.push_back(property["name"]);
    EXPECT_EQ(property["verdict"], "held") << property.dump();
    EXPECT_EQ(property["cases"], 20) << property.dump();
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "channel lifecycle"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "service host"), names.end());
  EXPECT_NE(held.output.find("property 'channel lifecycle' held after 20 case(s)"),
            std::string::npos)
      << held.output;

  const auto mutant = fresh_directory("lockstep-cli-report-properties-mutant");
  const Outcome caught = run_lockstep("run --impl quota-keeps-channel-open --suite channel "
                                      "--runs 1 --shrink-runs 0 --report " + mutant.string());
  const nlohmann::json mutant_report = read_report(mutant);
  const nlohmann::json& channel = mutant_report["implementations"][0]["properties"][0];
  EXPECT_EQ(channel["name"], "channel lifecycle") << mutant_report.dump(2);
  EXPECT_EQ(channel["verdict"], "failed") << channel.dump();
  EXPECT_EQ(channel["rules_broken"][0], "CH5") << channel.dump();
  EXPECT_FALSE(channel["reproduce"].get<std::string>().empty());
  const std::string shrunk = read_text(mutant / channel["case_file"].get<std::string>());
  EXPECT_NE(shrunk.find("rapidcheck-reproduce: RC_PARAMS="), std::string::npos) << shrunk;
  EXPECT_NE(shrunk.find("CH5"), std::string::npos) << shrunk;
  EXPECT_EQ(caught.exit_code, 0) << "caught on its declared rule: " << caught.output;

  const auto none = fresh_directory("lockstep-cli-report-properties-off");
  run_lockstep("run --impl reference --runs 1 --property-cases 0 --report " + none.string());
  EXPECT_FALSE(read_report(none)["implementations"][0].contains("properties"));
}

}  // namespace
