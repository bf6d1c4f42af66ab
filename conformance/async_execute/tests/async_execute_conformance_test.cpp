// The reference WsAsyncExecute passes the AM10 scenario; each of its mutants is caught on AM10;
// the scenario exercises every step mode and long chains; schedules replay.
#include <gtest/gtest.h>

#include "async_execute.h"
#include "conformance/async_execute/async_execute_schedule.h"

namespace lockstep::conformance {
namespace {

constexpr std::uint64_t kSchedules = 300;

lockstep_implementation table_with(reference_async_execute_function function, const char* name) {
  lockstep_implementation table{};
  table.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION;
  table.struct_size = sizeof(table);
  table.name = name;
  table.async_execute = function;
  return table;
}

TEST(AsyncExecuteConformance, TheReferencePassesEverySchedule) {
  const lockstep_implementation reference = table_with(&WsAsyncExecute, "reference");
  std::uint64_t steps = 0;
  for (std::uint64_t seed = 0; seed < kSchedules; ++seed) {
    const AsyncExecuteScheduleResult result =
        run_async_execute_schedule(reference, seed, make_random_walk_strategy(seed));
    ASSERT_TRUE(result.world.passed()) << "seed " << seed << ": " << result.world.summary();
    steps += result.steps_run;
  }
  EXPECT_GT(steps, 3000u) << "long synchronous chains must be part of the mix";
}

TEST(AsyncExecuteConformance, EveryMutantIsCaughtOnAm10) {
  std::size_t count = 0;
  const reference_async_execute_mutant* mutants = reference_async_execute_mutants(&count);
  ASSERT_EQ(count, 4u);
  for (std::size_t index = 0; index < count; ++index) {
    const lockstep_implementation table = table_with(mutants[index].function, mutants[index].name);
    std::optional<std::uint64_t> caught;
    for (std::uint64_t seed = 0; seed < kSchedules && !caught; ++seed) {
      const AsyncExecuteScheduleResult result =
          run_async_execute_schedule(table, seed, make_random_walk_strategy(seed));
      for (const harness::Violation& violation : result.world.violations) {
        if (violation.rule == "AM10") {
          caught = seed;
        }
      }
    }
    ASSERT_TRUE(caught) << mutants[index].name << " was not caught on AM10";
    std::printf("  %-34s AM10 after %llu schedule(s)\n", mutants[index].name,
                static_cast<unsigned long long>(*caught + 1));
  }
}

TEST(AsyncExecuteConformance, SchedulesReplayToTheSameHash) {
  const lockstep_implementation reference = table_with(&WsAsyncExecute, "reference");
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const AsyncExecuteScheduleResult first =
        run_async_execute_schedule(reference, seed, make_random_walk_strategy(seed));
    const AsyncExecuteScheduleResult again =
        run_async_execute_schedule(reference, seed, make_replay_strategy(first.decisions));
    ASSERT_EQ(first.world.run.trace_hash, again.world.run.trace_hash) << seed;
  }
}

}  // namespace
}  // namespace lockstep::conformance
