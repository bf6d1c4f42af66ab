// README.md stays true of this build where that is cheap to check: the counts of bundled
// implementations, mutants and schedules of the quick start, the list of declared rules of the
// mutant corpus, the defaults it names, the report schema version, and the quick start's output
// lines, re-run here on three of its implementations (about 2 s; the full main job runs in CI).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>

#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

const std::string& readme() {
  static const std::string text = read_text(std::string(LOCKSTEP_SOURCE_DIR) + "/README.md");
  return text;
}

// The first capture of `pattern` in the README, or "" (and a failure naming it).
std::string in_readme(const std::string& pattern) {
  std::smatch match;
  if (!std::regex_search(readme(), match, std::regex(pattern))) {
    ADD_FAILURE() << "README.md no longer says /" << pattern << "/";
    return "";
  }
  return match[1].str();
}

std::string squeezed(const std::string& line) {
  return std::regex_replace(line, std::regex(" +"), " ");
}

nlohmann::json listing() {
  return nlohmann::json::parse(run_lockstep("list --format json").output);
}

TEST(Readme, CountsOfTheBundledCorpus) {
  const nlohmann::json list = listing();
  std::size_t correct = 0;  // must pass: the references and the independent implementations
  std::size_t mutants = 0;
  std::size_t reference_mutants = 0;  // of the reference implementation, not the archetype
  for (const auto& implementation : list["implementations"]) {
    correct +=
        implementation["kind"] == "reference" || implementation["kind"] == "independent" ? 1 : 0;
    if (implementation["kind"] == "mutant") {
      ++mutants;
      reference_mutants += implementation["part"] != "echo-call" ? 1 : 0;
    }
  }
  EXPECT_EQ(in_readme(R"(on each of the (\d+) bundled implementations)"),
            std::to_string(list["implementations"].size()));
  EXPECT_EQ(in_readme(R"(\(the (\d+) correct implementations and \d+ mutants)"),
            std::to_string(correct));
  EXPECT_EQ(in_readme(R"(\(the \d+ correct implementations and (\d+) mutants)"),
            std::to_string(mutants));
  EXPECT_EQ(in_readme(R"(service host\) and its (\d+) mutants)"),
            std::to_string(reference_mutants));
  EXPECT_EQ(in_readme(R"(implementation\(s\) as expected \((\d+) passed)"),
            std::to_string(correct));
  EXPECT_EQ(in_readme(R"(passed, (\d+) mutant\(s\) caught)"), std::to_string(mutants));

  // The quick start's schedules: a run of one schedule per suite, times its 1000.
  const auto directory = fresh_directory("lockstep-cli-readme-count");
  run_lockstep("run --runs 1 --shrink-runs 0 --report " + directory.string());
  std::uint64_t schedules = 0;
  const nlohmann::json report = read_report(directory);
  for (const auto& implementation : report["implementations"]) {
    schedules += implementation["schedules"].get<std::uint64_t>();
  }
  EXPECT_EQ(
      std::regex_replace(in_readme(R"(CPU time for the ([0-9,]+) schedules)"), std::regex(","), ""),
      std::to_string(schedules * 1000));
}

// "AM2, AM3 (×3), ..., CH1–CH7, SV1–SV7 (SV4 ×2)" from the registry, in catalogue order: a
// family whose rules 1..n all have mutants is written as a range, with its repeats after it.
TEST(Readme, TheDeclaredRulesOfTheMutantCorpus) {
  const nlohmann::json list = listing();
  std::map<std::string, int> mutants_of;
  for (const auto& implementation : list["implementations"]) {
    if (implementation["kind"] == "mutant") {
      ++mutants_of[implementation["breaks"].get<std::string>()];
    }
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> families;  // prefix, ids
  for (const auto& rule : list["rules"]) {
    const std::string id = rule["id"];
    const std::string prefix = id.substr(0, 2);
    if (families.empty() || families.back().first != prefix) {
      families.emplace_back(prefix, std::vector<std::string>{});
    }
    families.back().second.push_back(id);
  }
  std::string expected;
  for (const auto& [prefix, ids] : families) {
    const bool complete = std::all_of(ids.begin(), ids.end(),
                                      [&](const std::string& id) { return mutants_of.count(id); });
    std::string part;
    if (complete && ids.size() >= 3) {
      part = ids.front() + "–" + ids.back();
      std::string repeats;
      for (const std::string& id : ids) {
        if (mutants_of[id] > 1) {
          repeats += (repeats.empty() ? "" : ", ") + id + " ×" + std::to_string(mutants_of[id]);
        }
      }
      part += repeats.empty() ? "" : " (" + repeats + ")";
    } else {
      for (const std::string& id : ids) {
        if (mutants_of.count(id) > 0) {
          part += (part.empty() ? "" : ", ") + id +
                  (mutants_of[id] > 1 ? " (×" + std::to_string(mutants_of[id]) + ")" : "");
        }
      }
    }
    if (!part.empty()) {
      expected += (expected.empty() ? "" : ", ") + part;
    }
  }
  const std::string written = std::regex_replace(
      in_readme(R"(every one is caught on its declared rule\s*\([^)]*\): ([^.]+)\.)"),
      std::regex("\\s+"), " ");
  EXPECT_EQ(written, expected);
}

// The table "By family": each row's mutant count is the registry's count for its part.
TEST(Readme, EachFamilysMutantCount) {
  const nlohmann::json list = listing();
  std::map<std::string, int> mutants_of_part;
  for (const auto& implementation : list["implementations"]) {
    if (implementation["kind"] == "mutant") {
      ++mutants_of_part[implementation["part"].get<std::string>()];
    }
  }
  // The row's suite name in backquotes, then the count column.
  const std::map<std::string, std::string> suite_of_part = {
      {"channel", "channel"},           {"async-execute", "async-execute"},
      {"service-host", "service"},      {"echo-call", "echo"},
      {"async-result", "async-result"}, {"event-based", "event-based"},
      {"task-based", "task-based"}};
  ASSERT_EQ(mutants_of_part.size(), suite_of_part.size()) << "a part with mutants has no row";
  for (const auto& [part, count] : mutants_of_part) {
    ASSERT_EQ(suite_of_part.count(part), 1u) << part;
    EXPECT_EQ(in_readme("\\(`" + suite_of_part.at(part) + "`\\) \\| (\\d+) \\|"),
              std::to_string(count))
        << part;
  }
}

TEST(Readme, DefaultsAndVersions) {
  const std::string help = run_lockstep("run --help").output;
  const auto default_of = [&](const std::string& option) {
    std::smatch match;
    return std::regex_search(help, match, std::regex(option + R"( [^=\n]*=(\d+))")) ? match[1].str()
                                                                                    : "?";
  };
  EXPECT_EQ(in_readme(R"(`--runs N` \(default (\d+)\))"), default_of("--runs"));
  EXPECT_EQ(in_readme(R"(`--shrink-runs N` \(default (\d+);)"), default_of("--shrink-runs"));
  EXPECT_EQ(in_readme(R"(`--jobs J` \(default (\d+)\))"), default_of("--jobs"));
  EXPECT_EQ(in_readme(R"(`--timeout-ms`, default (\d+)\))"), "10000");
  EXPECT_NE(help.find("(default 10000)"), std::string::npos) << "--timeout-ms is 10000 by default";
  EXPECT_EQ(in_readme(R"(at most (\d+) edited schedules each\))"), default_of("--shrink-runs"));
  const auto directory = fresh_directory("lockstep-cli-readme-schema");
  run_lockstep("run --impl archetype --runs 1 --report " + directory.string());
  EXPECT_EQ(in_readme(R"(writes `report.json` \(schema (\d+),)"),
            std::to_string(read_report(directory)["schema"].get<int>()));
  const std::string shrink_help = run_lockstep("shrink --help").output;
  EXPECT_NE(
      shrink_help.find("=" + in_readme(R"(trying at most N edited schedules \(default (\d+)\))")),
      std::string::npos)
      << shrink_help;
}

// The quick start's output, as a user in a clone sees it, on three of its implementations
// (the same lines as in the full run; only the column widths depend on the longest name).
TEST(Readme, TheQuickStartOutputIsWhatTheCommandPrints) {
  const auto directory = fresh_directory("lockstep-cli-readme-quick-start");
  std::filesystem::create_directories(directory);
  const Outcome outcome =
      run_printed("cd " + directory.string() + " && LOCKSTEP_INVOKED_AS=./lockstep " +
                  printed("run --impl reference --impl callback-on-sync-path --impl "
                          "inline-callback-before-return --report lockstep-report"));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string block = in_readme("```\n(lockstep run: seed 1[^`]*)```");
  std::size_t compared = 0;
  std::size_t start = 0;
  while (start < block.size()) {
    const std::size_t end = block.find('\n', start);
    const std::string line = block.substr(start, end - start);
    start = end == std::string::npos ? block.size() : end + 1;
    if (line.find("...") != std::string::npos || line.find("shrinking ") == 0 ||
        line.find("shrunk ") == 0 || line.find("run digest") == 0 ||
        line.find("self-check:") == 0 || line.empty()) {
      continue;  // of the whole run: other numbers for three implementations
    }
    EXPECT_NE(squeezed(outcome.output).find(squeezed(line)), std::string::npos)
        << "README line not printed by the command:\n"
        << line << "\n---\n"
        << outcome.output;
    ++compared;
  }
  EXPECT_GE(compared, 8u);
  EXPECT_NE(outcome.output.find("self-check: PASS, 3 of 3 implementation(s) as expected"),
            std::string::npos);
}

}  // namespace
