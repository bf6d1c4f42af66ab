// The reference service host passes every service schedule, schedules are deterministic, and
// the suite really exercises the service (operations get invoked).
#include <gtest/gtest.h>

#include "conformance/service/service_schedule.h"
#include "service_test_tables.h"

namespace lockstep::conformance {
namespace {

constexpr std::uint64_t kSchedules = 300;

TEST(ReferenceService, PassesEveryScheduleWithDrawnFaultPlans) {
  const reference_implementation table = testing::reference_service_table(0, "reference");
  std::uint64_t invoked = 0;
  for (std::uint64_t seed = 0; seed < kSchedules; ++seed) {
    const ServiceScheduleResult result = run_service_schedule(
        table.base, seed, make_random_walk_strategy(seed));
    ASSERT_TRUE(result.world.passed()) << "seed " << seed << ": " << result.world.summary();
    invoked += result.calls_invoked;
  }
  EXPECT_GT(invoked, 2 * kSchedules) << "most schedules must serve several calls";
}

TEST(ReferenceService, SameSeedSameHashAndReplayReproduces) {
  const reference_implementation table = testing::reference_service_table(0, "reference");
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const ServiceScheduleResult first =
        run_service_schedule(table.base, seed, make_random_walk_strategy(seed));
    const ServiceScheduleResult second =
        run_service_schedule(table.base, seed, make_random_walk_strategy(seed));
    ASSERT_EQ(first.world.run.trace_hash, second.world.run.trace_hash) << seed;
    const ServiceScheduleResult replayed =
        run_service_schedule(table.base, seed, make_replay_strategy(first.decisions));
    ASSERT_EQ(replayed.world.run.trace_hash, first.world.run.trace_hash) << seed;
  }
}

}  // namespace
}  // namespace lockstep::conformance
