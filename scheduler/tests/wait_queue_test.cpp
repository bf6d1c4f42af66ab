// WaitQueue: a waiting fiber is blocked, not runnable, so PCT cannot starve the fiber it waits
// for; notify_all wakes every waiter; a wait nobody ends is a deadlock naming its reason.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "scheduler/simulation.h"
#include "scheduler/wait_queue.h"

namespace lockstep {
namespace {

constexpr std::uint64_t kStepBudget = 2'000;

SimulationConfig small_budget() {
  SimulationConfig config;
  config.max_steps = kStepBudget;
  return config;
}

// A worker that needs a few steps of its own, and a waiter that must not run ahead of it.
// `spin` makes the waiter yield in a loop, as drivers used to.
Outcome run_waiter_and_worker(std::uint64_t seed, bool spin) {
  Simulation simulation(small_budget(), make_pct_strategy(seed, 1, 100));
  WaitQueue done_queue(simulation);
  bool done = false;
  simulation.spawn("waiter", [&] {
    if (spin) {
      while (!done) {
        simulation.yield();
      }
    } else {
      done_queue.wait_until("waiting for the worker", [&] { return done; });
    }
  });
  simulation.spawn("worker", [&] {
    for (int step = 0; step < 5; ++step) {
      simulation.yield();
    }
    done = true;
    done_queue.notify_all();
  });
  return simulation.run().outcome;
}

TEST(WaitQueue, AWaitingFiberNeverStarvesTheOneItWaitsForUnderPct) {
  int spin_starved = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    EXPECT_EQ(run_waiter_and_worker(seed, false), Outcome::completed) << "seed " << seed;
    spin_starved += run_waiter_and_worker(seed, true) == Outcome::step_budget_exhausted ? 1 : 0;
  }
  // The contrast the primitive exists for: some PCT priorities let a yielding waiter run forever.
  EXPECT_GT(spin_starved, 0);
}

TEST(WaitQueue, WakesEveryWaiterAtOnce) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(3));
  WaitQueue queue(simulation);
  std::vector<std::string> woken;
  bool open = false;
  for (const char* name : {"first", "second", "third"}) {
    simulation.spawn(name, [&, name] {
      queue.wait_until("gate", [&] { return open; });
      woken.push_back(name);
    });
  }
  simulation.spawn("opener", [&] {
    while (queue.waiting() < 3) {
      simulation.sleep_for(1);  // lets the waiters reach the gate, whatever the order
    }
    open = true;
    queue.notify_all();
    EXPECT_EQ(queue.waiting(), 0u);
  });
  EXPECT_EQ(simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(woken.size(), 3u);
}

TEST(WaitQueue, AWaitNobodyEndsIsADeadlockNamingItsReason) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(1));
  WaitQueue queue(simulation);
  simulation.spawn("stuck", [&] { queue.wait("waiting for a signal that never comes"); });
  const RunResult& result = simulation.run();
  EXPECT_EQ(result.outcome, Outcome::deadlock);
  EXPECT_NE(result.message.find("waiting for a signal that never comes"), std::string::npos)
      << result.message;
  simulation.shutdown();  // the stuck fiber is unwound while the queue it waits on exists
}

TEST(WaitQueue, SpuriousWakeUpsReCheckTheCondition) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(2));
  WaitQueue queue(simulation);
  bool ready = false;
  int checks = 0;
  const FiberId waiter = simulation.spawn("waiter", [&] {
    queue.wait_until("ready", [&] {
      ++checks;
      return ready;
    });
  });
  simulation.spawn("waker", [&] {
    simulation.sleep_for(10);
    simulation.wake(waiter);  // not through the queue: the condition is still false
    simulation.sleep_for(10);
    EXPECT_EQ(queue.waiting(), 1u) << "the waiter waits again";
    ready = true;
    queue.notify_all();
  });
  EXPECT_EQ(simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(checks, 3);
}

TEST(WaitQueue, WaitOutsideAFiberIsRefused) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(1));
  WaitQueue queue(simulation);
  EXPECT_THROW(queue.wait("nowhere"), std::logic_error);
  queue.notify_all();  // harmless with nobody waiting
}

TEST(WaitQueue, TeardownUnwindsAWaiterAndLeavesTheQueueEmpty) {
  auto simulation = std::make_unique<Simulation>(SimulationConfig{}, make_random_walk_strategy(1));
  WaitQueue queue(*simulation);
  simulation->spawn("stuck", [&] { queue.wait("forever"); });
  simulation->step();
  EXPECT_EQ(queue.waiting(), 1u);
  simulation->shutdown();
  EXPECT_EQ(queue.waiting(), 0u);
}

}  // namespace
}  // namespace lockstep
