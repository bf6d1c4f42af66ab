// The channel lifecycle property over every bundled implementation with a client channel:
// written once, parameterised by implementation. The reference and the mutants whose defect
// is elsewhere must hold; each channel mutant must fail on the rule it declares. Mutants the
// property cannot reach within the budget are listed with the reason instead of being
// skipped silently.
#include <gtest/gtest.h>

#include "conformance/properties/channel_property.h"
#include "conformance/properties/property_targets.h"
#include "property_verdict.h"

namespace lockstep::conformance::properties {
namespace {

// Race-only mutants: the defect needs an abort to land between two critical sections of a
// completion on a worker, which the commands (abort runs on the caller between commands)
// reach only by the strategy's luck.
struct NotReached {
  const char* mutant;
  const char* reason;
};
constexpr NotReached kNotReachedWithinBudget[] = {
    {"double-callback-on-abort-race",
     "needs an abort between the completion's check and its mark, on another thread"},
};

const char* not_reached_reason(const std::string& mutant) {
  for (const NotReached& entry : kNotReachedWithinBudget) {
    if (mutant == entry.mutant) {
      return entry.reason;
    }
  }
  return nullptr;
}

std::vector<PropertyTarget> channel_targets() {
  return property_targets("channel", kChannelLifecycleRules);
}

class ChannelLifecycleProperty : public ::testing::TestWithParam<PropertyTarget> {};

TEST_P(ChannelLifecycleProperty, ReachesTheRegistrysVerdict) {
  const PropertyTarget& target = GetParam();
  const lockstep_implementation& table = *target.implementation->table;
  ChannelCaseRecorder recorder;
  judge_target(
      "channel lifecycle", target,
      [&] { check_channel_case(table, ChannelClaim::rules_only, recorder, target.must_fail_on); },
      recorder.cases, not_reached_reason(target.implementation->name));
}

INSTANTIATE_TEST_SUITE_P(Bundled, ChannelLifecycleProperty, ::testing::ValuesIn(channel_targets()),
                         [](const auto& info) {
                           return test_name_of(info.param.implementation->name);
                         });

TEST(ChannelLifecyclePropertyTargets, JudgeEveryChannelMutantAndTheReference) {
  expect_every_mutant_judged("channel", kChannelLifecycleRules, 24);
}

}  // namespace
}  // namespace lockstep::conformance::properties
