// Determinism is the product: the same seed gives the same trace hash, bit for bit, and
// different seeds explore different schedules.
#include <gtest/gtest.h>

#include <set>

#include "scheduler/simulation.h"
#include "toy_scenarios.h"

namespace lockstep {
namespace {

TEST(Determinism, SameSeedSameTraceHashForAThousandSeeds) {
  std::set<std::uint64_t> distinct;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    const RunResult first = toy::run_busy_world(make_random_walk_strategy(seed));
    const RunResult second = toy::run_busy_world(make_random_walk_strategy(seed));
    ASSERT_EQ(first.outcome, Outcome::completed) << "seed " << seed << ": " << first.message;
    ASSERT_EQ(first.trace_hash, second.trace_hash) << "seed " << seed;
    ASSERT_EQ(first.steps, second.steps) << "seed " << seed;
    ASSERT_EQ(first.virtual_time_ns, second.virtual_time_ns) << "seed " << seed;
    distinct.insert(first.trace_hash);
  }
  EXPECT_GE(distinct.size(), 990u) << "distinct seeds should give distinct schedules";
}

TEST(Determinism, PctIsDeterministicToo) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const RunResult first = toy::run_busy_world(make_pct_strategy(seed, 3, 200));
    const RunResult second = toy::run_busy_world(make_pct_strategy(seed, 3, 200));
    ASSERT_EQ(first.trace_hash, second.trace_hash) << "seed " << seed;
  }
}

TEST(Determinism, TraceHashDoesNotDependOnKeepingEvents) {
  SimulationConfig kept;
  kept.keep_trace_events = true;
  SimulationConfig hashed_only;
  hashed_only.keep_trace_events = false;
  Simulation with_events(kept, make_random_walk_strategy(5));
  Simulation without_events(hashed_only, make_random_walk_strategy(5));
  toy::build_busy_world(with_events, 3, 8);
  toy::build_busy_world(without_events, 3, 8);
  EXPECT_EQ(with_events.run().trace_hash, without_events.run().trace_hash);
  EXPECT_FALSE(with_events.trace().events().empty());
  EXPECT_TRUE(without_events.trace().events().empty());
}

}  // namespace
}  // namespace lockstep
