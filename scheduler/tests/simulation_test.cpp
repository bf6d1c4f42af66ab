// Behaviour of the Simulation: fibers, clock, events, budgets, failure reporting, teardown.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "scheduler/simulation.h"

namespace lockstep {
namespace {

std::unique_ptr<Simulation> make_simulation(std::uint64_t seed = 1, SimulationConfig config = {}) {
  return std::make_unique<Simulation>(config, make_random_walk_strategy(seed));
}

TEST(Simulation, RunsFibersToCompletion) {
  auto sim = make_simulation();
  std::vector<std::string> log;
  sim->spawn("a", [&] {
    log.push_back("a1");
    sim->yield();
    log.push_back("a2");
  });
  sim->spawn("b", [&] { log.push_back("b1"); });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::completed) << result.message;
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(result.steps, 3u);
}

TEST(Simulation, SleepAdvancesVirtualClockOnly) {
  auto sim = make_simulation();
  std::uint64_t woke_at = 0;
  sim->spawn("sleeper", [&] {
    sim->sleep_for(5'000'000'000ull);
    woke_at = sim->now_ns();
  });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::completed);
  EXPECT_EQ(woke_at, 5'000'000'000ull);
  EXPECT_EQ(result.virtual_time_ns, 5'000'000'000ull);
}

TEST(Simulation, EventsFireInTimeOrderAndCancelledOnesNever) {
  auto sim = make_simulation();
  std::vector<int> fired;
  sim->schedule(300, [&] { fired.push_back(3); }, "third");
  sim->schedule(100, [&] { fired.push_back(1); }, "first");
  const EventId cancelled = sim->schedule(200, [&] { fired.push_back(2); }, "cancelled");
  EXPECT_TRUE(sim->cancel(cancelled));
  EXPECT_FALSE(sim->cancel(cancelled));
  sim->run();
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
}

TEST(Simulation, SameTimeEventsAreAllCandidatesSoOrderIsChosen) {
  std::set<std::vector<int>> orders;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    auto sim = make_simulation(seed);
    std::vector<int> fired;
    for (int event = 0; event < 3; ++event) {
      sim->schedule(10, [&fired, event] { fired.push_back(event); }, "tie");
    }
    sim->run();
    orders.insert(fired);
  }
  EXPECT_EQ(orders.size(), 6u) << "all 3! orders of simultaneous events should be reachable";
}

TEST(Simulation, DeadlockIsReportedWithBlockedFibers) {
  auto sim = make_simulation();
  sim->spawn("waiter", [&] { sim->block("waiting for a reply that never comes"); });
  sim->spawn("bystander", [&] { sim->yield(); });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::deadlock);
  EXPECT_NE(result.message.find("'waiter' (waiting for a reply that never comes)"),
            std::string::npos)
      << result.message;
  EXPECT_EQ(result.message.find("bystander"), std::string::npos) << result.message;
}

TEST(Simulation, BlockedDaemonsDoNotKeepTheScheduleAliveOrDeadlockIt) {
  auto sim = make_simulation();
  int served = 0;
  const FiberId worker = sim->spawn_daemon("worker", [&] {
    for (;;) {
      sim->block("idle");
      ++served;
    }
  });
  sim->spawn("client", [&] {
    while (!sim->wake(worker)) {
      sim->yield();
    }
  });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::completed) << result.message;
  EXPECT_EQ(served, 1);
}

TEST(Simulation, DeadlockReportNamesBlockedDaemonsToo) {
  auto sim = make_simulation();
  sim->spawn_daemon("worker", [&] { sim->block("holding the lock"); });
  sim->spawn("client", [&] { sim->block("waiting for the worker"); });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::deadlock);
  EXPECT_NE(result.message.find("'worker' daemon (holding the lock)"), std::string::npos)
      << result.message;
}

TEST(Simulation, WakeMakesABlockedFiberRunnable) {
  auto sim = make_simulation();
  bool resumed = false;
  const FiberId waiter = sim->spawn("waiter", [&] {
    sim->block("signal");
    resumed = true;
  });
  sim->schedule(50, [&] { EXPECT_TRUE(sim->wake(waiter)); }, "signal");
  EXPECT_EQ(sim->run().outcome, Outcome::completed);
  EXPECT_TRUE(resumed);
  EXPECT_FALSE(sim->wake(waiter));
}

TEST(Simulation, ExceptionOnFiberIsAReportedFailureNotACrash) {
  auto sim = make_simulation();
  sim->spawn("calm", [&] {
    for (int i = 0; i < 3; ++i) {
      sim->yield();
    }
  });
  sim->spawn("thrower", [&] {
    sim->yield();
    throw std::runtime_error("boom on a fiber");
  });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::fiber_exception);
  EXPECT_EQ(result.fiber, 2u);
  EXPECT_EQ(result.fiber_name, "thrower");
  EXPECT_NE(result.message.find("boom on a fiber"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("at step "), std::string::npos) << result.message;
}

TEST(Simulation, NonStandardExceptionOnFiberIsReported) {
  auto sim = make_simulation();
  sim->spawn("odd", [] { throw 42; });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::fiber_exception);
  EXPECT_NE(result.message.find("not a std::exception"), std::string::npos);
}

TEST(Simulation, ExceptionInEventIsReported) {
  auto sim = make_simulation();
  sim->schedule(5, [] { throw std::logic_error("bad event"); }, "bad");
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::event_exception);
  EXPECT_NE(result.message.find("bad event"), std::string::npos);
}

TEST(Simulation, BlockingOutsideAFiberIsReportedNotFatal) {
  auto sim = make_simulation();
  sim->schedule(5, [&] { sim->yield(); }, "misuse");
  EXPECT_EQ(sim->run().outcome, Outcome::event_exception);
}

TEST(Simulation, StepBudgetStopsAnInfiniteLoop) {
  SimulationConfig config;
  config.max_steps = 500;
  auto sim = make_simulation(1, config);
  sim->spawn("spinner", [&] {
    for (;;) {
      sim->yield();
    }
  });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::step_budget_exhausted);
  EXPECT_EQ(result.steps, 500u);
}

TEST(Simulation, VirtualTimeBudgetStopsAnEndlessTimer) {
  SimulationConfig config;
  config.max_virtual_time_ns = 1'000'000;
  auto sim = make_simulation(1, config);
  sim->spawn("ticker", [&] {
    for (;;) {
      sim->sleep_for(1000);
    }
  });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::time_budget_exhausted);
  EXPECT_LE(result.virtual_time_ns, 1'000'000u);
}

TEST(Simulation, StopEndsTheScheduleWithItsReason) {
  auto sim = make_simulation();
  sim->spawn("stopper", [&] {
    sim->stop("violation found");
    sim->yield();
    ADD_FAILURE() << "the fiber should not run again after stop()";
  });
  const RunResult& result = sim->run();
  EXPECT_EQ(result.outcome, Outcome::stopped);
  EXPECT_EQ(result.message, "violation found");
}

TEST(Simulation, TeardownUnwindsSuspendedFibers) {
  struct Guard {
    int* destroyed;
    ~Guard() { ++*destroyed; }
  };
  int destroyed = 0;
  {
    auto sim = make_simulation();
    sim->spawn("stuck", [&] {
      Guard guard{&destroyed};
      sim->block("forever");
    });
    sim->step();
    sim->spawn("never-started", [guard = std::shared_ptr<Guard>(new Guard{&destroyed})] {});
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, 2) << "both the suspended fiber's frame and the unstarted body are destroyed";
}

TEST(Simulation, TeardownAbandonsParkedFibersWithoutUnwindingButDestroysTheirBodies) {
  struct Guard {
    int* destroyed;
    ~Guard() { ++*destroyed; }
  };
  int frame_destroyed = 0;
  auto capture = std::make_shared<int>(0);
  int woken_rounds = 0;
  {
    auto sim = make_simulation();
    FiberId worker = 0;
    worker = sim->spawn("worker", [&, capture] {
      for (;;) {
        {
          Guard guard{&frame_destroyed};  // destroyed each round, before parking again
        }
        sim->park("idle");
        ++woken_rounds;
      }
    });
    sim->spawn("waker", [&] {
      while (!sim->wake(worker)) {
        sim->yield();
      }
    });
    while (sim->step()) {
    }
    EXPECT_EQ(woken_rounds, 1) << "a parked fiber wakes like a blocked one";
    EXPECT_EQ(capture.use_count(), 2);
    frame_destroyed = 0;
  }
  EXPECT_EQ(capture.use_count(), 1) << "the body's captures are destroyed";
  EXPECT_EQ(frame_destroyed, 0) << "no exception ran through the parked frames";
}

TEST(Simulation, SharedStackPoolIsReused) {
  StackPool pool(64 << 10);
  for (int round = 0; round < 3; ++round) {
    SimulationConfig config;
    config.stack_pool = &pool;
    Simulation sim(config, make_random_walk_strategy(round));
    for (int fiber = 0; fiber < 4; ++fiber) {
      sim.spawn("f", [&sim] { sim.yield(); });
    }
    EXPECT_EQ(sim.run().outcome, Outcome::completed);
  }
  // One slab served every round: the stacks came back and were handed out again.
  EXPECT_EQ(pool.slabs(), 1u);
  EXPECT_EQ(pool.pooled(), StackPool::kStacksPerSlab);
}

TEST(Simulation, DeepRecursionFitsInTheDefaultStack) {
  auto sim = make_simulation();
  std::function<int(int)> depth = [&](int n) -> int {
    volatile char pad[256];
    pad[0] = static_cast<char>(n);
    return n == 0 ? pad[0] : depth(n - 1) + 1;
  };
  int reached = 0;
  sim->spawn("deep", [&] { reached = depth(200); });
  EXPECT_EQ(sim->run().outcome, Outcome::completed);
  EXPECT_EQ(reached, 200);
}

TEST(Simulation, TraceRecordsSequentialEventsWithVirtualTimes) {
  auto sim = make_simulation();
  sim->spawn("a", [&] {
    sim->sleep_for(10);
    sim->annotate("hello", 7);
  });
  sim->run();
  const auto& events = sim->trace().events();
  ASSERT_FALSE(events.empty());
  for (std::size_t index = 0; index < events.size(); ++index) {
    EXPECT_EQ(events[index].id, index);
    if (index > 0) {
      EXPECT_GE(events[index].time_ns, events[index - 1].time_ns);
    }
  }
  bool found = false;
  for (const TraceEvent& event : events) {
    if (event.kind == TraceKind::annotation && event.label == "hello") {
      found = true;
      EXPECT_EQ(event.value, 7u);
      EXPECT_EQ(event.time_ns, 10u);
      EXPECT_EQ(event.fiber, 1u);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(events.back().kind, TraceKind::outcome);
}

}  // namespace
}  // namespace lockstep
