// The reference service host passes every service schedule, schedules are deterministic, and
// the suite really exercises the service (operations get invoked). A correct host that
// releases heaps as early as SV7 allows passes too (the regression test of SV7's "written").
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
    const ServiceScheduleResult result =
        run_service_schedule(table.base, seed, make_random_walk_strategy(seed));
    ASSERT_TRUE(result.world.passed()) << "seed " << seed << ": " << result.world.summary();
    invoked += result.calls_invoked;
  }
  EXPECT_GT(invoked, 2 * kSchedules) << "most schedules must serve several calls";
}

// SV7's "written" is "the host's send of the reply has returned" (send copies the message):
// a host that releases the heap right then, before the send completes, is correct, and so is
// one that releases a failed call's heap before its fault reply (a fault is not built from the
// heap). The counts prove both early releases happened; none may be flagged.
TEST(ReferenceService, AHostReleasingTheHeapOnceTheReplySendReturnedPasses) {
  const reference_implementation table = testing::reference_service_table(
      REFERENCE_SERVICE_VARIANT_EARLY_HEAP_RELEASE, "reference-early-heap-release");
  std::uint64_t released_in_flight = 0;
  std::uint64_t released_before_fault = 0;
  for (std::uint64_t seed = 0; seed < kSchedules; ++seed) {
    for (const bool pct : {false, true}) {
      const ServiceScheduleResult result = run_service_schedule(
          table.base, seed,
          pct ? make_pct_strategy(seed, 2, 2000) : make_random_walk_strategy(seed));
      ASSERT_TRUE(result.world.passed()) << "seed " << seed << ": " << result.world.summary();
      released_in_flight += result.heaps_released_while_reply_in_flight;
      released_before_fault += result.heaps_released_before_fault_reply;
    }
  }
  EXPECT_GT(released_in_flight, kSchedules / 2);
  EXPECT_GT(released_before_fault, kSchedules / 10);
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
