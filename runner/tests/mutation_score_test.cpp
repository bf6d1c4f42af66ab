// The bar of the conformance suites, as `lockstep run` applies it in quick mode: every
// reference passes every suite that applies (in quick mode and in a run ten times longer), and
// every mutant is caught on the rule it declares (caught only for another rule is a miss).
// Prints, per mutant, the schedules it took to the first failure.
#include <gtest/gtest.h>

#include <cstdio>

#include "runner/run_schedules.h"

namespace lockstep::conformance {
namespace {

// Quick mode is 1000 schedules. A sanitizer build is about ten times slower, so it runs 300:
// still above the slowest mutant's first failure (103 schedules), and the references' long run
// is still ten times that.
#if defined(LOCKSTEP_SANITIZED_BUILD)
constexpr std::uint64_t kQuickRuns = 300;
#else
constexpr std::uint64_t kQuickRuns = 1000;
#endif
constexpr std::uint64_t kSeed = 1;

runner::RunOptions quick_options() {
  runner::RunOptions options;
  options.runs = kQuickRuns;
  options.seed = kSeed;
  return options;
}

TEST(MutationScore, EveryMutantIsCaughtOnItsDeclaredRuleInQuickMode) {
  runner::RunOptions options = quick_options();
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.kind == "mutant") {
      options.implementations.push_back(&implementation);
    }
  }
  ASSERT_GE(options.implementations.size(), 20u) << "the corpus has at least 20 mutants";
  runner::SilentRunObserver quiet;
  const runner::RunOutcome result = runner::run_schedules(options, quiet);
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
    runner::RunOptions options = quick_options();
    options.runs = runs;
    for (const Implementation& implementation : bundled_implementations()) {
      if (implementation.must_pass()) {
        options.implementations.push_back(&implementation);
      }
    }
    ASSERT_GE(options.implementations.size(), 4u)
        << "the references and at least three independent implementations";
    runner::SilentRunObserver quiet;
    const runner::RunOutcome result = runner::run_schedules(options, quiet);
    ASSERT_TRUE(result.report) << result.error;
    const auto& report = result.report;
    for (const reports::ImplementationReport& reference : report->implementations) {
      EXPECT_GT(reference.schedules, 0u) << reference.name;
      EXPECT_TRUE(reference.passed())
          << reference.name << " failed in " << runs << " runs: "
          << (reference.failures.empty() ? "" : reference.failures.front().explanation);
    }
  }
}

}  // namespace
}  // namespace lockstep::conformance
