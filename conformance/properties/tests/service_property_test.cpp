// The service host property over every bundled implementation with a service host: written
// once, parameterised by implementation. The reference and the mutants whose defect is
// elsewhere must hold; each service-host mutant must fail on the rule it declares.
#include <gtest/gtest.h>

#include "conformance/properties/property_check.h"
#include "conformance/properties/property_targets.h"
#include "conformance/properties/service_property.h"
#include "property_verdict.h"

namespace lockstep::conformance::properties {
namespace {

std::vector<PropertyTarget> service_targets() {
  return property_targets("service-host", kServiceHostRules);
}

class ServiceHostProperty : public ::testing::TestWithParam<PropertyTarget> {};

TEST_P(ServiceHostProperty, ReachesTheRegistrysVerdict) {
  const PropertyTarget& target = GetParam();
  const lockstep_implementation& table = *target.implementation->table;
  ServiceCaseRecorder recorder;
  judge_target(
      "service host", target,
      [&] {
        check_service_case(table, recorder, target.must_fail_on, target.accepted_false_alarms);
      },
      recorder.cases);
  if (target.must_fail_on.empty()) {
    // A property whose cases never reach the operation would hold vacuously.
    EXPECT_GT(recorder.calls_invoked, recorder.cases.runs() / 4)
        << "too few service operations were invoked";
  }
}

INSTANTIATE_TEST_SUITE_P(Bundled, ServiceHostProperty, ::testing::ValuesIn(service_targets()),
                         [](const auto& info) {
                           return test_name_of(info.param.implementation->name);
                         });

TEST(ServiceHostPropertyTargets, EveryServiceMutantIsJudged) {
  expect_every_mutant_judged("service-host", kServiceHostRules, 8);
}

// The minimal case RapidCheck leaves for a mutant re-runs exactly: same seed, settings and
// commands, and a replay strategy over its decision log give the same trace hash and the same
// violations (the scheduler's decisions stay consistent with the shrunk command sequence).
TEST(ServiceHostPropertyReplay, AMutantsMinimalCaseReplaysWithItsTraceHash) {
  const Implementation* mutant = find_bundled_implementation("end-ignored");
  ASSERT_NE(mutant, nullptr);
  ServiceCaseRecorder recorder;
  const PropertyCheck check = check_property(
      "service host replay over end-ignored", [&] { check_service_case(*mutant->table, recorder); },
      1000);
  ASSERT_TRUE(check.failed) << "end-ignored held the service host property";
  ASSERT_TRUE(recorder.cases.last_failure().has_value());
  const PropertyCase& minimal = *recorder.cases.last_failure();
  EXPECT_TRUE(minimal.names_rule("SV3")) << minimal.to_replay_text();
  EXPECT_NE(check.reproduce.find("reproduce="), std::string::npos);

  const PropertyCase replayed = run_service_case(
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
