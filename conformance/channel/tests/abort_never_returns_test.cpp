// An abort that never returns is CH3, never a step-budget exhaustion or a deadlock; and a
// caller freeing the channel while an injected abort runs waits without starving it.
//
// Why a mutant-like wrapper instead of a registry mutant: the defect (abort blocks forever on
// an event nobody sets) stops the schedule, which is the point here, and it is the same CH3 the
// registry's abort-waits-for-io mutant is already caught on. The wrapper is the reference
// channel with only abort_channel replaced.
#include <gtest/gtest.h>

#include <string>

#include "channel.h"
#include "conformance/channel/channel_schedule.h"

namespace lockstep::conformance {
namespace {

// One schedule at a time per process: the wrapper finds the host of the channel here.
const lockstep_host* blocking_host = nullptr;
bool block_before_aborting = false;

HRESULT create_remembering_host(const lockstep_implementation* self, const lockstep_host* host,
                                lockstep_channel** channel, WS_ERROR* error) {
  blocking_host = host;
  return reference_channel_functions.create_channel(self, host, channel, error);
}

void block_forever() {
  lockstep_event* never = blocking_host->event_create(blocking_host->self, TRUE, FALSE);
  blocking_host->event_wait(blocking_host->self, never, LOCKSTEP_WAIT_FOREVER);
}

HRESULT abort_that_never_returns(lockstep_channel* channel, WS_ERROR* error) {
  if (block_before_aborting) {
    block_forever();  // waits before cancelling anything: every pending call stays pending
  }
  const HRESULT result = reference_channel_functions.abort_channel(channel, error);
  block_forever();
  return result;
}

lockstep_channel_functions blocking_functions() {
  lockstep_channel_functions functions = reference_channel_functions;
  functions.create_channel = create_remembering_host;
  functions.abort_channel = abort_that_never_returns;
  return functions;
}

bool only_rule(const harness::WorldResult& result, const std::string& rule) {
  for (const harness::Violation& violation : result.violations) {
    if (violation.rule != rule) {
      return false;
    }
  }
  return !result.violations.empty();
}

void expect_every_abort_reported_as_ch3(std::unique_ptr<Strategy> (*strategy)(std::uint64_t)) {
  static const lockstep_channel_functions functions = blocking_functions();
  lockstep_implementation table{};
  table.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION;
  table.struct_size = sizeof(table);
  table.name = "abort-never-returns";
  table.version = "1";
  table.channel = &functions;
  std::uint64_t with_abort = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    block_before_aborting = seed % 2 == 0;
    const ChannelScheduleResult result = run_channel_schedule(table, seed, strategy(seed));
    const Outcome outcome = result.world.run.outcome;
    ASSERT_NE(outcome, Outcome::step_budget_exhausted)
        << "seed " << seed << ": " << result.world.summary();
    ASSERT_NE(outcome, Outcome::deadlock) << "seed " << seed << ": " << result.world.summary();
    if (result.aborts == 0) {
      EXPECT_TRUE(result.world.passed()) << "seed " << seed << ": " << result.world.summary();
      continue;
    }
    ++with_abort;
    EXPECT_EQ(outcome, Outcome::stopped) << "seed " << seed;
    EXPECT_TRUE(only_rule(result.world, "CH3"))
        << "seed " << seed << ": " << result.world.summary()
        << " (the calls the blocked abort left pending are its consequence, not AM3 or AM11)";
  }
  EXPECT_GT(with_abort, 20u) << "aborts, the caller's own and injected ones, must be exercised";
}

TEST(AbortNeverReturns, IsReportedAsCh3UnderRandomWalk) {
  expect_every_abort_reported_as_ch3(
      [](std::uint64_t seed) { return make_random_walk_strategy(seed); });
}

TEST(AbortNeverReturns, IsReportedAsCh3UnderPct) {
  expect_every_abort_reported_as_ch3(
      [](std::uint64_t seed) { return make_pct_strategy(seed, 1 + seed % 3, 2000); });
}

// The PCT starvation this file's wait replaced: the caller freed the channel by yielding while
// an injected abort ran on the fault-injector thread; with the caller's priority above the
// injector's, the injector never ran again and the step budget ran out (271 of 10,000 pct:1
// schedules of the reference). Waiting on a WaitQueue, none does.
TEST(AbortNeverReturns, FreeingWhileAnInjectedAbortRunsNeverStarvesItUnderPct) {
  const reference_implementation reference = reference_channel_table(0);
  for (std::uint64_t seed = 0; seed < 1500; ++seed) {
    const ChannelScheduleResult result =
        run_channel_schedule(reference.base, seed, make_pct_strategy(seed, 1, 2000));
    ASSERT_TRUE(result.world.passed()) << "seed " << seed << ": " << result.world.summary();
  }
}

}  // namespace
}  // namespace lockstep::conformance
