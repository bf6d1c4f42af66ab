// The bar of the conformance suites, as `lockstep run` applies it in quick mode: every
// correct implementation (a reference or an independent one: Implementation::must_pass())
// passes every suite that applies (in quick mode and in a run ten times longer), and every
// mutant is caught on the rule it declares (caught only for another rule is a miss). A rule in
// known_false_alarms() is accepted on its implementation, and only there, and printed.
// Prints, per mutant, the schedules it took to the first failure.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "conformance/registry/known_false_alarms.h"
#include "harness/cli/run_command.h"

namespace lockstep::conformance {
namespace {

// Quick mode is 1000 schedules. A sanitizer build is about ten times slower, so it runs 300:
// still above the slowest mutant's first failure (216 schedules), and the references' long run
// is still ten times that.
#if defined(LOCKSTEP_SANITIZED_BUILD)
constexpr std::uint64_t kQuickRuns = 300;
#else
constexpr std::uint64_t kQuickRuns = 1000;
#endif
constexpr std::uint64_t kSeed = 1;

cli::RunOptions quick_options() {
  cli::RunOptions options;
  options.runs = kQuickRuns;
  options.seed = kSeed;
  return options;
}

TEST(MutationScore, EveryMutantIsCaughtOnItsDeclaredRuleInQuickMode) {
  cli::RunOptions options = quick_options();
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.kind == "mutant") {
      options.implementations.push_back(&implementation);
    }
  }
  ASSERT_GE(options.implementations.size(), 20u) << "the corpus has at least 20 mutants";
  cli::ProgressDisplay quiet(false, std::nullopt, std::nullopt);
  const cli::RunResult result =
      cli::run_schedules(options, quiet, [](const reports::ImplementationReport&) {});
  ASSERT_TRUE(result.report) << result.error;
  const auto& report = result.report;
  std::size_t caught = 0;
  for (const reports::ImplementationReport& mutant : report->implementations) {
    ASSERT_GT(mutant.schedules, 0u) << mutant.name << ": no suite applies";
    if (mutant.caught_as_declared()) {
      ++caught;
      std::printf("  %-40s %-5s first failure after %4llu schedule(s)\n", mutant.name.c_str(),
                  mutant.expected_rule.c_str(),
                  static_cast<unsigned long long>(*mutant.first_failure_index + 1));
    } else {
      ADD_FAILURE() << mutant.name << " missed: declared " << mutant.expected_rule << ", "
                    << mutant.failed_schedules << " failing schedules";
    }
  }
  std::printf("mutation score: %zu/%zu\n", caught, report->implementations.size());
  EXPECT_EQ(caught, report->implementations.size());
}

TEST(MutationScore, CorrectImplementationsPassQuickModeAndATenTimesLongerRun) {
  for (const std::uint64_t runs : {kQuickRuns, 10 * kQuickRuns}) {
    cli::RunOptions options = quick_options();
    options.runs = runs;
    for (const Implementation& implementation : bundled_implementations()) {
      if (implementation.must_pass()) {
        options.implementations.push_back(&implementation);
      }
    }
    ASSERT_GE(options.implementations.size(), 4u)
        << "the references and at least three independent implementations";
    cli::ProgressDisplay quiet(false, std::nullopt, std::nullopt);
    const cli::RunResult result =
        cli::run_schedules(options, quiet, [](const reports::ImplementationReport&) {});
    ASSERT_TRUE(result.report) << result.error;
    const auto& report = result.report;
    for (const reports::ImplementationReport& correct : report->implementations) {
      EXPECT_GT(correct.schedules, 0u) << correct.name;
      std::vector<std::string> broken;
      for (const auto& [rule, count] : correct.violations_by_rule) {
        broken.push_back(rule);
      }
      if (!correct.passed() && only_known_false_alarms(correct.name, broken)) {
        std::printf("  %-28s %llu of %llu schedules flagged, only by known false alarms:",
                    correct.name.c_str(), static_cast<unsigned long long>(correct.failed_schedules),
                    static_cast<unsigned long long>(correct.schedules));
        for (const std::string& rule : broken) {
          std::printf(" %s", rule.c_str());
        }
        std::printf(" (see known_false_alarms.cpp)\n");
        continue;
      }
      EXPECT_TRUE(correct.passed())
          << correct.name << " failed in " << runs
          << " runs: " << (correct.failures.empty() ? "" : correct.failures.front().explanation);
    }
  }
}

}  // namespace
}  // namespace lockstep::conformance
