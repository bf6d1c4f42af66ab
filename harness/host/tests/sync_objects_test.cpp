// Events and mutexes: exclusion, FIFO hand-over, timeouts, and misuse reported not fatal.
#include <gtest/gtest.h>

#include <vector>

#include "harness/host/sync_objects.h"

namespace lockstep::harness {
namespace {

TEST(HostMutex, MutualExclusionUnderManySchedules) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Simulation sim(SimulationConfig{}, make_random_walk_strategy(seed));
    HostMutex mutex(sim);
    int inside = 0;
    int max_inside = 0;
    for (int thread = 0; thread < 3; ++thread) {
      sim.spawn("t", [&] {
        for (int round = 0; round < 3; ++round) {
          mutex.lock();
          ++inside;
          max_inside = std::max(max_inside, inside);
          sim.yield();
          --inside;
          mutex.unlock();
        }
      });
    }
    ASSERT_EQ(sim.run().outcome, Outcome::completed) << seed;
    ASSERT_EQ(max_inside, 1) << seed;
  }
}

TEST(HostMutex, WaitersAreServedFirstComeFirstServed) {
  Simulation sim(SimulationConfig{}, make_pct_strategy(2, 1, 100));
  HostMutex mutex(sim);
  std::vector<int> order;
  HostEvent holder_ready(sim, true, false);
  sim.spawn("holder", [&] {
    mutex.lock();
    holder_ready.set();
    sim.sleep_for(1000);  // everyone else queues meanwhile, in spawn order
    mutex.unlock();
  });
  for (int waiter = 0; waiter < 3; ++waiter) {
    sim.spawn("waiter", [&, waiter] {
      holder_ready.wait(UINT64_MAX);
      sim.sleep_for(static_cast<std::uint64_t>(10 * (waiter + 1)));
      mutex.lock();
      order.push_back(waiter);
      mutex.unlock();
    });
  }
  ASSERT_EQ(sim.run().outcome, Outcome::completed);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(HostMutex, UnlockByANonOwnerIsAReportedFailure) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  HostMutex mutex(sim);
  sim.spawn("owner", [&] {
    mutex.lock();
    sim.sleep_for(100);
  });
  sim.spawn("intruder", [&] {
    sim.sleep_for(10);
    mutex.unlock();
  });
  const RunResult& result = sim.run();
  EXPECT_EQ(result.outcome, Outcome::fiber_exception);
  EXPECT_EQ(result.fiber_name, "intruder");
  EXPECT_NE(result.message.find("unlocked a mutex held by thread 1"), std::string::npos)
      << result.message;
}

TEST(HostMutex, RecursiveLockIsAReportedFailure) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  HostMutex mutex(sim);
  sim.spawn("twice", [&] {
    mutex.lock();
    mutex.lock();
  });
  const RunResult& result = sim.run();
  EXPECT_EQ(result.outcome, Outcome::fiber_exception);
  EXPECT_NE(result.message.find("not recursive"), std::string::npos);
}

TEST(HostEvent, AutoResetReleasesOneWaiterManualReleasesAll) {
  for (bool manual : {false, true}) {
    Simulation sim(SimulationConfig{}, make_random_walk_strategy(4));
    HostEvent event(sim, manual, false);
    int released = 0;
    for (int waiter = 0; waiter < 3; ++waiter) {
      sim.spawn("waiter", [&] {
        if (event.wait(1'000'000) == S_OK) {
          ++released;
        }
      });
    }
    sim.spawn("setter", [&] {
      sim.sleep_for(100);
      event.set();
    });
    ASSERT_EQ(sim.run().outcome, Outcome::completed);
    EXPECT_EQ(released, manual ? 3 : 1) << (manual ? "manual" : "auto");
  }
}

TEST(HostEvent, TimedWaitTimesOutAtTheExactVirtualTime) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  HostEvent event(sim, false, false);
  HRESULT result = S_OK;
  std::uint64_t returned_at = 0;
  sim.spawn("waiter", [&] {
    result = event.wait(5000);
    returned_at = sim.now_ns();
  });
  ASSERT_EQ(sim.run().outcome, Outcome::completed);
  EXPECT_EQ(result, WS_E_OPERATION_TIMED_OUT);
  EXPECT_EQ(returned_at, 5000u);
}

TEST(HostEvent, SignalBeforeTimeoutWinsAndCancelsTheTimer) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  HostEvent event(sim, false, false);
  HRESULT result = E_INVALIDARG;
  sim.spawn("waiter", [&] { result = event.wait(1'000'000'000); });
  sim.spawn("setter", [&] {
    sim.sleep_for(10);
    event.set();
  });
  const RunResult& run = sim.run();
  ASSERT_EQ(run.outcome, Outcome::completed);
  EXPECT_EQ(result, S_OK);
  EXPECT_EQ(run.virtual_time_ns, 10u) << "the cancelled timeout must not keep the clock going";
}

}  // namespace
}  // namespace lockstep::harness
