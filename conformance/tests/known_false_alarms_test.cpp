// The known false alarms list stays true: every entry names a bundled correct implementation
// and a rule its suite checks, and still fires in quick mode (if a fixed check no longer
// flags it, this test fails so that the entry leaves the list and the implementation is held
// to every rule again).
#include <gtest/gtest.h>

#include <algorithm>

#include "conformance/registry/known_false_alarms.h"
#include "conformance/registry/suites.h"
#include "harness/cli/run_command.h"

namespace lockstep::conformance {
namespace {

#if defined(LOCKSTEP_SANITIZED_BUILD)
constexpr std::uint64_t kQuickRuns = 300;
#else
constexpr std::uint64_t kQuickRuns = 1000;
#endif

TEST(KnownFalseAlarms, EachNamesACorrectImplementationAndARuleOfItsSuite) {
  for (const KnownFalseAlarm& alarm : known_false_alarms()) {
    const Implementation* implementation = find_bundled_implementation(alarm.implementation);
    ASSERT_NE(implementation, nullptr) << alarm.implementation << " is not bundled";
    EXPECT_TRUE(implementation->must_pass())
        << alarm.implementation << ": a mutant's failures are never false alarms";
    const Suite* suite = find_suite(alarm.suite);
    ASSERT_NE(suite, nullptr) << alarm.suite;
    EXPECT_TRUE(suite->applies(*implementation)) << alarm.suite << " on " << alarm.implementation;
    EXPECT_NE(std::find(suite->rules.begin(), suite->rules.end(), alarm.rule), suite->rules.end())
        << alarm.suite << " does not check " << alarm.rule;
    EXPECT_FALSE(alarm.reason.empty());
    EXPECT_NE(alarm.reproduce.find("lockstep run --impl " + alarm.implementation),
              std::string::npos)
        << alarm.reproduce;
  }
}

TEST(KnownFalseAlarms, EachStillFiresInQuickMode) {
  for (const KnownFalseAlarm& alarm : known_false_alarms()) {
    cli::RunOptions options;
    options.runs = kQuickRuns;
    options.seed = 1;
    options.implementations.push_back(find_bundled_implementation(alarm.implementation));
    options.suites.push_back(alarm.suite);
    cli::ProgressDisplay quiet(false, std::nullopt, std::nullopt);
    const cli::RunResult result =
        cli::run_schedules(options, quiet, [](const reports::ImplementationReport&) {});
    ASSERT_TRUE(result.report) << result.error;
    const reports::ImplementationReport& entry = result.report->implementations.front();
    EXPECT_GT(entry.violations_by_rule.count(alarm.rule), 0u)
        << alarm.implementation << " is no longer flagged on " << alarm.rule << " in " << kQuickRuns
        << " schedules of " << alarm.suite
        << ": the check was fixed, take the entry out of known_false_alarms.cpp";
  }
}

}  // namespace
}  // namespace lockstep::conformance
