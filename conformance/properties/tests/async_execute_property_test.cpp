// The async-execute chains property over every bundled implementation with a WsAsyncExecute:
// written once, parameterised by implementation. The reference and the mutants whose defect
// is elsewhere must hold; each async-execute mutant must fail on the rule it declares.
#include <gtest/gtest.h>

#include <iostream>

#include "conformance/properties/async_execute_property.h"
#include "conformance/properties/property_check.h"
#include "conformance/properties/property_targets.h"
#include "property_verdict.h"

namespace lockstep::conformance::properties {
namespace {

std::vector<PropertyTarget> async_execute_targets() {
  return property_targets("async-execute", kAsyncExecuteChainRules);
}

class AsyncExecuteChainsProperty : public ::testing::TestWithParam<PropertyTarget> {};

TEST_P(AsyncExecuteChainsProperty, ReachesTheRegistrysVerdict) {
  const PropertyTarget& target = GetParam();
  const lockstep_implementation& table = *target.implementation->table;
  AsyncExecuteCaseRecorder recorder;
  judge_target(
      "async-execute chains", target,
      [&] {
        check_async_execute_case(table, recorder, target.must_fail_on,
                                 target.accepted_false_alarms);
      },
      recorder.cases);
  std::cout << "  " << recorder.steps_run << " chain steps ran over " << recorder.cases.runs()
            << " cases\n";
  if (target.must_fail_on.empty()) {
    // A property whose chains never run their steps would hold vacuously.
    EXPECT_GT(recorder.steps_run, recorder.cases.runs())
        << "too few chain steps ran over " << recorder.cases.runs() << " cases";
  }
}

INSTANTIATE_TEST_SUITE_P(Bundled, AsyncExecuteChainsProperty,
                         ::testing::ValuesIn(async_execute_targets()), [](const auto& info) {
                           return test_name_of(info.param.implementation->name);
                         });

TEST(AsyncExecuteChainsPropertyTargets, EveryAsyncExecuteMutantIsJudged) {
  expect_every_mutant_judged("async-execute", kAsyncExecuteChainRules, 3);
}

// The minimal case RapidCheck leaves for a mutant re-runs exactly: same seed, settings and
// commands, and a replay strategy over its decision log give the same trace hash and the same
// violations (the scheduler's decisions stay consistent with the shrunk command sequence).
TEST(AsyncExecuteChainsPropertyReplay, AMutantsMinimalCaseReplaysWithItsTraceHash) {
  const Implementation* mutant = find_bundled_implementation("async-execute-stops-on-failure");
  ASSERT_NE(mutant, nullptr);
  AsyncExecuteCaseRecorder recorder;
  const PropertyCheck check = check_property(
      "async-execute chains replay over async-execute-stops-on-failure",
      [&] { check_async_execute_case(*mutant->table, recorder); }, 1000);
  ASSERT_TRUE(check.failed) << "async-execute-stops-on-failure held the property";
  ASSERT_TRUE(recorder.cases.last_failure().has_value());
  const PropertyCase& minimal = *recorder.cases.last_failure();
  EXPECT_TRUE(minimal.names_rule("AM10")) << minimal.to_replay_text();
  EXPECT_NE(check.reproduce.find("reproduce="), std::string::npos);

  const PropertyCase replayed = run_async_execute_case(
      *mutant->table, minimal.schedule_seed, recorder.last_failing_settings,
      recorder.last_failing_commands, make_replay_strategy(minimal.outcome.decisions));
  EXPECT_EQ(replayed.outcome.world.run.trace_hash, minimal.outcome.world.run.trace_hash);
  EXPECT_EQ(replayed.outcome.decisions, minimal.outcome.decisions);
  EXPECT_EQ(replayed.violations_text(), minimal.violations_text());
  EXPECT_EQ(replayed.commands, minimal.commands);
  EXPECT_EQ(replayed.settings, minimal.settings);
}

}  // namespace
}  // namespace lockstep::conformance::properties
