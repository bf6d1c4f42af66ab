// The bundled echo implementations get the verdicts they are known to deserve: the archetype
// passes every schedule; each defective variant is caught, on the rule it declares.
#include <gtest/gtest.h>

#include <set>

#include "conformance/scenarios/echo_scenario.h"

namespace lockstep::conformance {
namespace {

constexpr std::uint64_t kSchedules = 300;

TEST(EchoScenario, TheArchetypePassesEverySchedule) {
  const EchoImplementation& archetype = *find_echo_implementation("archetype");
  std::uint64_t calls = 0;
  for (std::uint64_t seed = 0; seed < kSchedules; ++seed) {
    const EchoScheduleResult result =
        run_echo_schedule(archetype, seed, make_random_walk_strategy(seed));
    ASSERT_TRUE(result.world.passed()) << "seed " << seed << ": " << result.world.summary();
    calls += result.calls_made;
  }
  EXPECT_GT(calls, kSchedules) << "most schedules must get past connecting";
}

TEST(EchoScenario, EachDefectIsCaughtOnTheRuleItBreaks) {
  for (const EchoImplementation& implementation : bundled_echo_implementations()) {
    if (implementation.breaks.empty()) {
      continue;
    }
    std::optional<std::uint64_t> first_failure;
    for (std::uint64_t seed = 0; seed < kSchedules && !first_failure; ++seed) {
      const EchoScheduleResult result =
          run_echo_schedule(implementation, seed, make_random_walk_strategy(seed));
      if (!result.world.passed()) {
        ASSERT_FALSE(result.world.violations.empty()) << result.world.summary();
        EXPECT_EQ(result.world.violations.front().rule, implementation.breaks)
            << implementation.name << ": " << result.world.summary();
        first_failure = seed;
      }
    }
    EXPECT_TRUE(first_failure) << implementation.name << " was never caught";
  }
}

TEST(EchoScenario, SameSeedSameHashAndReplayReproduces) {
  const EchoImplementation& archetype = *find_echo_implementation("archetype");
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    const EchoScheduleResult first =
        run_echo_schedule(archetype, seed, make_random_walk_strategy(seed));
    const EchoScheduleResult second =
        run_echo_schedule(archetype, seed, make_random_walk_strategy(seed));
    ASSERT_EQ(first.world.run.trace_hash, second.world.run.trace_hash) << seed;
    const EchoScheduleResult replayed =
        run_echo_schedule(archetype, seed, make_replay_strategy(first.decisions));
    ASSERT_EQ(replayed.world.run.trace_hash, first.world.run.trace_hash) << seed;
    hashes.insert(first.world.run.trace_hash);
  }
  EXPECT_GE(hashes.size(), 95u);
}

TEST(EchoScenario, AScheduleHashesTheSameWhateverRanBeforeItInTheProcess) {
  const EchoImplementation& mutant = *find_echo_implementation("archetype-read-after-completion");
  const std::uint64_t alone = run_echo_schedule(mutant, 7, make_random_walk_strategy(7)).world.run.trace_hash;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    run_echo_schedule(mutant, seed, make_random_walk_strategy(seed));  // leaves global state used
  }
  EXPECT_EQ(run_echo_schedule(mutant, 7, make_random_walk_strategy(7)).world.run.trace_hash, alone);
}

}  // namespace
}  // namespace lockstep::conformance
