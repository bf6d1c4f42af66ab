// Many simulated threads: 100,000 alive at once fit in 1 GiB and a few thousand mappings, and
// an unbounded number ends the schedule as fiber-limit-exceeded (never bad_alloc or terminate).
// Memory is checked by counting (resident bytes, mappings), never by timing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "scheduler/simulation.h"

namespace lockstep {
namespace {

std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

std::uint64_t mapping_count() {
  std::ifstream maps("/proc/self/maps");
  std::uint64_t count = 0;
  for (std::string line; std::getline(maps, line);) {
    ++count;
  }
  return count;
}

TEST(FiberLimits, HundredThousandBlockedFibersFitInOneGibibyte) {
#if defined(LOCKSTEP_SANITIZED_BUILD)
  GTEST_SKIP() << "sanitizer builds use 1 MiB stacks and shadow memory; measured in normal builds";
#endif
  constexpr std::uint64_t kFibers = 100'000;
  StackPool pool(StackPool::default_usable_bytes());
  SimulationConfig config;
  config.keep_trace_events = false;
  config.stack_pool = &pool;
  const std::uint64_t resident_before = resident_bytes();
  const std::uint64_t mappings_before = mapping_count();
  std::uint64_t blocked = 0;
  {
    Simulation simulation(config, make_random_walk_strategy(1));
    // In batches, so that the ready list stays short (a step looks at every ready fiber).
    for (std::uint64_t spawned = 0; spawned < kFibers; spawned += 1000) {
      for (std::uint64_t index = spawned; index < spawned + 1000 && index < kFibers; ++index) {
        simulation.spawn("parked", [&simulation, &blocked] {
          ++blocked;
          simulation.block("parked");
        });
      }
      while (blocked < std::min(spawned + 1000, kFibers) && simulation.step()) {
      }
    }
    ASSERT_EQ(blocked, kFibers) << outcome_name(simulation.result().outcome) << ": "
                                << simulation.result().message;
    const std::uint64_t resident_growth = resident_bytes() - resident_before;
    EXPECT_LT(resident_growth, std::uint64_t{1} << 30)
        << resident_growth / kFibers << " bytes per fiber";
    const std::uint64_t mapping_growth = mapping_count() - mappings_before;
    if (StackPool::lightweight_guards()) {
      // One mapping per slab of stacks (plus the allocator's own), not two per stack.
      EXPECT_LT(mapping_growth, kFibers / StackPool::kStacksPerSlab + 200) << mapping_growth;
    }
  }
}

TEST(FiberLimits, UnboundedSpawningEndsAsFiberLimitExceededAtTheSameStep) {
  const auto run_once = [] {
    SimulationConfig config;
    config.max_live_fibers = 3000;
    auto simulation = std::make_unique<Simulation>(config, make_random_walk_strategy(5));
    Simulation* sim = simulation.get();
    // Every fiber spawns two more and blocks: the count doubles without bound.
    std::function<void()> breed = [sim, &breed] {
      sim->spawn("child", breed);
      sim->spawn("child", breed);
      sim->block("breeding");
    };
    sim->spawn("root", breed);
    const RunResult result = sim->run();
    return result;
  };
  const RunResult first = run_once();
  EXPECT_EQ(first.outcome, Outcome::fiber_limit_exceeded);
  EXPECT_EQ(outcome_name(first.outcome), "fiber-limit-exceeded");
  EXPECT_NE(first.message.find("3000 simulated threads alive (the limit is 3000)"),
            std::string::npos)
      << first.message;
  const RunResult second = run_once();
  EXPECT_EQ(second.steps, first.steps);
  EXPECT_EQ(second.trace_hash, first.trace_hash);
}

TEST(FiberLimits, SpawnsFromTheSchedulerSideThrowPastTheLimit) {
  SimulationConfig config;
  config.max_live_fibers = 2;
  Simulation simulation(config, make_random_walk_strategy(6));
  simulation.spawn("one", [] {});
  simulation.spawn("two", [] {});
  EXPECT_THROW(simulation.spawn("three", [] {}), FiberLimitExceeded);
  EXPECT_EQ(simulation.run().outcome, Outcome::fiber_limit_exceeded);
}

TEST(FiberLimits, AStackTheSystemRefusesEndsTheScheduleCleanly) {
  SimulationConfig config;
  // A slab of these cannot fit in any 64-bit process's address space.
  config.fiber_stack_bytes = std::size_t{4} << 40;
  Simulation simulation(config, make_random_walk_strategy(7));
  bool ran = false;
  simulation.spawn("unlucky", [&ran] { ran = true; });
  const RunResult& result = simulation.run();
  EXPECT_EQ(result.outcome, Outcome::fiber_limit_exceeded);
  EXPECT_NE(result.message.find("no stack for fiber #1 'unlucky'"), std::string::npos)
      << result.message;
  EXPECT_FALSE(ran);
}

TEST(FiberLimitsDeathTest, TheByteBelowEverySlabStackIsAGuard) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  StackPool pool(64 << 10);
  std::string error;
  const std::optional<FiberStack> first = pool.try_acquire(error);
  const std::optional<FiberStack> second = pool.try_acquire(error);
  ASSERT_TRUE(first && second) << error;
  // Usable bytes are writable up to the bottom...
  static_cast<volatile char*>(second->bottom)[0] = 1;
  static_cast<volatile char*>(first->top())[-1] = 1;
  // ...and one byte lower a stack overflow faults instead of reaching the neighbour below.
  EXPECT_DEATH(static_cast<volatile char*>(second->bottom)[-1] = 1, "");
  EXPECT_DEATH(static_cast<volatile char*>(first->bottom)[-1] = 1, "");
}

}  // namespace
}  // namespace lockstep
