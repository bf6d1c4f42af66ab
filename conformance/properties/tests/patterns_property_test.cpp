// The pattern-calls property over every bundled implementation with a pattern part, one
// instantiation per family: written once, parameterised by implementation. The reference must
// hold; each pattern mutant must fail on the rule it declares, and shrink.
#include <gtest/gtest.h>

#include <iostream>

#include "conformance/properties/patterns_property.h"
#include "conformance/properties/property_check.h"
#include "conformance/properties/property_targets.h"
#include "property_verdict.h"

namespace lockstep::conformance::properties {
namespace {

template <PatternFamily kFamily>
void check_family(const PropertyTarget& target) {
  const lockstep_implementation& table = *target.implementation->table;
  PatternCaseRecorder recorder;
  judge_target(
      pattern_property_name(kFamily), target,
      [&] { check_pattern_case(table, kFamily, recorder, target.must_fail_on); }, recorder.cases);
  std::cout << "  " << recorder.calls << " calls over " << recorder.cases.runs() << " cases\n";
  if (target.must_fail_on.empty()) {
    // A property whose cases make no call would hold vacuously.
    EXPECT_GT(recorder.calls, recorder.cases.runs())
        << "too few calls over " << recorder.cases.runs() << " cases";
  }
}

class AsyncResultCallsProperty : public ::testing::TestWithParam<PropertyTarget> {};
class EventBasedCallsProperty : public ::testing::TestWithParam<PropertyTarget> {};
class TaskBasedCallsProperty : public ::testing::TestWithParam<PropertyTarget> {};

TEST_P(AsyncResultCallsProperty, ReachesTheRegistrysVerdict) {
  check_family<PatternFamily::async_result>(GetParam());
}
TEST_P(EventBasedCallsProperty, ReachesTheRegistrysVerdict) {
  check_family<PatternFamily::event_based>(GetParam());
}
TEST_P(TaskBasedCallsProperty, ReachesTheRegistrysVerdict) {
  check_family<PatternFamily::task_based>(GetParam());
}

std::string name_of(const ::testing::TestParamInfo<PropertyTarget>& info) {
  return test_name_of(info.param.implementation->name);
}

INSTANTIATE_TEST_SUITE_P(Bundled, AsyncResultCallsProperty,
                         ::testing::ValuesIn(property_targets(
                             "async-result", pattern_property_rules(PatternFamily::async_result))),
                         name_of);
INSTANTIATE_TEST_SUITE_P(Bundled, EventBasedCallsProperty,
                         ::testing::ValuesIn(property_targets(
                             "event-based", pattern_property_rules(PatternFamily::event_based))),
                         name_of);
INSTANTIATE_TEST_SUITE_P(Bundled, TaskBasedCallsProperty,
                         ::testing::ValuesIn(property_targets(
                             "task-based", pattern_property_rules(PatternFamily::task_based))),
                         name_of);

TEST(PatternCallsPropertyTargets, EveryPatternMutantIsJudged) {
  expect_every_mutant_judged("async-result", pattern_property_rules(PatternFamily::async_result),
                             5);
  expect_every_mutant_judged("event-based", pattern_property_rules(PatternFamily::event_based), 7);
  expect_every_mutant_judged("task-based", pattern_property_rules(PatternFamily::task_based), 6);
}

// The minimal case RapidCheck leaves for a mutant re-runs exactly: same seed, settings and
// commands, and a replay strategy over its decision log give the same trace hash and the same
// violations.
TEST(PatternCallsPropertyReplay, AMutantsMinimalCaseReplaysWithItsTraceHash) {
  const Implementation* mutant = find_bundled_implementation("task-continuation-inline");
  ASSERT_NE(mutant, nullptr);
  PatternCaseRecorder recorder;
  const PropertyCheck check = check_property(
      "pattern calls replay over task-continuation-inline",
      [&] { check_pattern_case(*mutant->table, PatternFamily::task_based, recorder); }, 1000);
  ASSERT_TRUE(check.failed) << "task-continuation-inline held the property";
  ASSERT_TRUE(recorder.cases.last_failure().has_value());
  const PropertyCase& minimal = *recorder.cases.last_failure();
  EXPECT_TRUE(minimal.names_rule("TK5")) << minimal.to_replay_text();
  const PropertyCase replayed = run_pattern_case(
      *mutant->table, minimal.schedule_seed, recorder.last_failing_settings,
      recorder.last_failing_commands, make_replay_strategy(minimal.outcome.decisions));
  EXPECT_EQ(replayed.outcome.world.run.trace_hash, minimal.outcome.world.run.trace_hash);
  EXPECT_EQ(replayed.violations_text(), minimal.violations_text());
  EXPECT_EQ(replayed.commands, minimal.commands);
}

}  // namespace
}  // namespace lockstep::conformance::properties
