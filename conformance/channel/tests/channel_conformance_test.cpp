// The channel suite's verdicts: the reference passes every schedule; every mutant of the
// catalogue is caught within the schedule budget, on the rule it declares; the abort race is
// found by the random strategy, but only in some schedules (it needs an interleaving).
#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <string>

#include "channel.h"
#include "conformance/channel/channel_schedule.h"

namespace lockstep::conformance {
namespace {

constexpr std::uint64_t kSchedules = 300;

bool has_rule(const harness::WorldResult& result, const std::string& rule) {
  for (const harness::Violation& violation : result.violations) {
    if (violation.rule == rule) {
      return true;
    }
  }
  return false;
}

std::string all_violations(const harness::WorldResult& result) {
  std::string text;
  for (const harness::Violation& violation : result.violations) {
    text += "\n  " + violation.to_text();
  }
  return text.empty() ? " " + result.summary() : text;
}

TEST(ChannelSuite, TheReferencePassesEverySchedule) {
  const reference_implementation table = reference_channel_table(0);
  std::uint64_t calls = 0;
  std::uint64_t aborts = 0;
  for (std::uint64_t seed = 0; seed < kSchedules; ++seed) {
    const ChannelScheduleResult result =
        run_channel_schedule(table.base, seed, make_random_walk_strategy(seed));
    ASSERT_TRUE(result.world.violations.empty())
        << "seed " << seed << " (" << result.world.fault_plan.to_text() << "):"
        << all_violations(result.world);
    ASSERT_TRUE(result.world.passed()) << "seed " << seed << ": " << result.world.summary();
    calls += result.calls_made;
    aborts += result.aborts;
  }
  EXPECT_GT(calls, 5 * kSchedules) << "most schedules must get past opening";
  EXPECT_GT(aborts, kSchedules / 10) << "aborts must be exercised";
}

TEST(ChannelSuite, EveryMutantIsCaughtOnTheRuleItDeclares) {
  std::size_t count = 0;
  const reference_channel_mutant* mutants = reference_channel_mutants(&count);
  for (std::size_t index = 0; index < count; ++index) {
    const reference_channel_mutant& mutant = mutants[index];
    const reference_implementation table = reference_channel_table(mutant.defect);
    // A schedule may break several rules at once (a callback lost before a drop is also a
    // call the drop left pending): the verdict asked for is a schedule that names the
    // declared rule; the first failing schedule of any kind is reported beside it.
    std::optional<std::uint64_t> first_failure;
    std::optional<std::uint64_t> first_on_rule;
    for (std::uint64_t seed = 0; seed < kSchedules && !first_on_rule; ++seed) {
      const ChannelScheduleResult result =
          run_channel_schedule(table.base, seed, make_random_walk_strategy(seed));
      if (result.world.violations.empty()) {
        continue;
      }
      if (!first_failure) {
        first_failure = seed;
      }
      if (has_rule(result.world, mutant.rule)) {
        first_on_rule = seed;
      }
    }
    ASSERT_TRUE(first_on_rule) << mutant.name << " was never caught on " << mutant.rule << " in "
                               << kSchedules << " schedules";
    std::printf("  %-38s %-4s first failure after %3llu schedule(s), on %s after %3llu\n",
                mutant.name, mutant.rule, static_cast<unsigned long long>(*first_failure + 1),
                mutant.rule, static_cast<unsigned long long>(*first_on_rule + 1));
  }
}

TEST(ChannelSuite, TheAbortRaceNeedsAParticularInterleaving) {
  const reference_implementation table =
      reference_channel_table(REFERENCE_CHANNEL_DEFECT_DOUBLE_CALLBACK_ON_ABORT_RACE);
  std::uint64_t caught = 0;
  for (std::uint64_t seed = 0; seed < kSchedules; ++seed) {
    const ChannelScheduleResult result =
        run_channel_schedule(table.base, seed, make_random_walk_strategy(seed));
    if (!result.world.violations.empty()) {
      EXPECT_TRUE(has_rule(result.world, "AM3")) << "seed " << seed << all_violations(result.world);
      ++caught;
    }
  }
  std::printf("  double-callback-on-abort-race: %llu of %llu random schedules\n",
              static_cast<unsigned long long>(caught), static_cast<unsigned long long>(kSchedules));
  EXPECT_GT(caught, 0u) << "the random strategy must find the race";
  EXPECT_LT(caught, kSchedules / 2) << "the race must need an interleaving, not every schedule";
}

TEST(ChannelSuite, SameSeedSameTraceHash) {
  const reference_implementation table = reference_channel_table(0);
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const ChannelScheduleResult first =
        run_channel_schedule(table.base, seed, make_random_walk_strategy(seed));
    const ChannelScheduleResult replayed =
        run_channel_schedule(table.base, seed, make_replay_strategy(first.decisions));
    ASSERT_EQ(first.world.run.trace_hash, replayed.world.run.trace_hash) << seed;
  }
}

}  // namespace
}  // namespace lockstep::conformance
