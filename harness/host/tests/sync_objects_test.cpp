// Events and mutexes: exclusion, FIFO hand-over, timeouts, and misuse reported not fatal,
// destroying one while a thread is inside it included (run under ASan, these also show that
// nothing reads the freed object).
#include <gtest/gtest.h>

#include <memory>
#include <string>
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

// ---- destroyed while a thread is inside --------------------------------------------------

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(HostMutex, DestroyedWhileAThreadWaitsToLockItIsAReportedFailure) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  auto mutex = std::make_unique<HostMutex>(sim);
  sim.spawn("holder", [&] {
    mutex->lock();
    sim.sleep_for(100);  // the waiter queues meanwhile
    mutex.reset();
  });
  sim.spawn("waiter", [&] {
    sim.sleep_for(10);
    mutex->lock();
    ADD_FAILURE() << "lock() returned on a destroyed mutex";
  });
  const RunResult& result = sim.run();
  EXPECT_EQ(result.outcome, Outcome::fiber_exception);
  EXPECT_EQ(result.fiber_name, "waiter");
  EXPECT_TRUE(mentions(result.message, "host mutex_destroy: the mutex was destroyed by thread 1"))
      << result.message;
  EXPECT_TRUE(mentions(result.message, "while thread 2 was waiting to lock it")) << result.message;
}

// The crash this guards against: a thread at lock()'s preemption point (not yet queued, the
// mutex free) while another destroys the mutex. Which of the two runs first at t=100 is the
// schedule's choice, so every seed must end cleanly or with the report, and some must report.
TEST(HostMutex, DestroyedWhileAThreadIsEnteringLockIsReportedOnEverySchedule) {
  int reported = 0;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    Simulation sim(SimulationConfig{}, make_random_walk_strategy(seed));
    auto mutex = std::make_unique<HostMutex>(sim);
    sim.spawn("locker", [&] {
      sim.sleep_for(100);
      if (mutex != nullptr) {  // no yield between this check and lock()'s entry
        mutex->lock();
      }
    });
    sim.spawn("destroyer", [&] {
      sim.sleep_for(100);
      mutex.reset();
    });
    const RunResult& result = sim.run();
    if (result.outcome == Outcome::completed) {
      continue;  // destroyed before lock() began, or after it returned
    }
    ASSERT_EQ(result.outcome, Outcome::fiber_exception) << seed << ": " << result.message;
    EXPECT_EQ(result.fiber_name, "locker") << seed;
    EXPECT_TRUE(mentions(result.message, "mutex_destroy: the mutex was destroyed by thread 2"))
        << seed << ": " << result.message;
    ++reported;
  }
  EXPECT_GT(reported, 0) << "no seed destroyed the mutex while a thread was entering lock()";
}

TEST(HostEvent, DestroyedWhileAThreadWaitsOnItIsAReportedFailure) {
  for (const std::uint64_t timeout_ns : {UINT64_MAX, std::uint64_t{1'000'000}}) {
    Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
    auto event = std::make_unique<HostEvent>(sim, false, false);
    sim.spawn("waiter", [&] {
      event->wait(timeout_ns);
      ADD_FAILURE() << "wait() returned on a destroyed event";
    });
    sim.spawn("destroyer", [&] {
      sim.sleep_for(100);
      event.reset();
    });
    const RunResult& result = sim.run();
    EXPECT_EQ(result.outcome, Outcome::fiber_exception) << timeout_ns;
    EXPECT_EQ(result.fiber_name, "waiter");
    EXPECT_TRUE(mentions(result.message, "host event_destroy: the event was destroyed by thread 2"))
        << result.message;
    EXPECT_TRUE(mentions(result.message, "while thread 1 was waiting on it")) << result.message;
    EXPECT_EQ(result.virtual_time_ns, 100u) << "reported when destroyed, not at the timeout";
  }
}

// Allowed: the waiter was released before the destruction, it only has not run yet.
TEST(HostEvent, DestroyedAfterReleasingItsWaiterIsFine) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  auto event = std::make_unique<HostEvent>(sim, false, false);
  HRESULT waited = E_INVALIDARG;
  sim.spawn("waiter", [&] { waited = event->wait(1'000'000); });
  sim.spawn("setter", [&] {
    sim.sleep_for(100);
    event->set();
    event.reset();  // set() does not yield after releasing the waiter: it has not run yet
  });
  const RunResult& run = sim.run();
  ASSERT_EQ(run.outcome, Outcome::completed) << run.message;
  EXPECT_EQ(waited, S_OK);
  EXPECT_EQ(run.virtual_time_ns, 100u) << "the released waiter's timeout was cancelled";
}

TEST(HostEvent, DestroyedWhileAThreadIsInsideSetIsReportedOnEverySchedule) {
  int reported = 0;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    Simulation sim(SimulationConfig{}, make_random_walk_strategy(seed));
    auto event = std::make_unique<HostEvent>(sim, true, false);
    sim.spawn("setter", [&] {
      sim.sleep_for(100);
      if (event != nullptr) {
        event->set();
      }
    });
    sim.spawn("destroyer", [&] {
      sim.sleep_for(100);
      event.reset();
    });
    const RunResult& result = sim.run();
    if (result.outcome == Outcome::completed) {
      continue;
    }
    ASSERT_EQ(result.outcome, Outcome::fiber_exception) << seed << ": " << result.message;
    EXPECT_EQ(result.fiber_name, "setter") << seed;
    EXPECT_TRUE(mentions(result.message, "event_destroy: the event was destroyed by thread 2"))
        << seed << ": " << result.message;
    EXPECT_TRUE(mentions(result.message, "inside event_set on it")) << result.message;
    ++reported;
  }
  EXPECT_GT(reported, 0) << "no seed destroyed the event while a thread was inside set()";
}

}  // namespace
}  // namespace lockstep::harness
