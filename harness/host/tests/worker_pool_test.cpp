// Worker threads: work never runs inline, FIFO with one worker, and the AM8 model offered.
#include <gtest/gtest.h>

#include <vector>

#include "harness/host/sync_objects.h"
#include "harness/host/worker_pool.h"

namespace lockstep::harness {
namespace {

Simulation make_simulation(std::uint64_t seed) {
  return Simulation(SimulationConfig{}, make_random_walk_strategy(seed));
}

TEST(WorkerPool, WorkRunsLaterOnAWorkerNeverInline) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Simulation sim(SimulationConfig{}, make_random_walk_strategy(seed));
    WorkerPool pool(sim, "pool", 2);
    bool ran = false;
    FiberId ran_on = 0;
    sim.spawn("caller", [&] {
      pool.submit([&](WS_CALLBACK_MODEL) {
        ran = true;
        ran_on = sim.current_fiber();
      });
      EXPECT_FALSE(ran) << "submit() must not run work inline";
    });
    EXPECT_EQ(sim.run().outcome, Outcome::completed);
    EXPECT_TRUE(ran);
    EXPECT_TRUE(pool.is_worker(ran_on));
  }
}

TEST(WorkerPool, OneWorkerServesInSubmissionOrder) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(3));
  WorkerPool pool(sim, "pool", 1);
  std::vector<int> order;
  sim.spawn("caller", [&] {
    for (int item = 0; item < 10; ++item) {
      pool.submit([&order, item](WS_CALLBACK_MODEL) { order.push_back(item); });
      sim.yield();
    }
  });
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(WorkerPool, LongIsOfferedOnlyWhenAnotherWorkerIsIdle) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  WorkerPool single(sim, "single", 1);
  WorkerPool pair(sim, "pair", 2);
  std::vector<WS_CALLBACK_MODEL> single_models;
  std::vector<WS_CALLBACK_MODEL> pair_models;
  HostEvent release(sim, true, false);
  sim.spawn("caller", [&] {
    single.submit([&](WS_CALLBACK_MODEL model) { single_models.push_back(model); });
    // Let both pair workers reach idle before submitting.
    for (int i = 0; i < 20; ++i) {
      sim.yield();
    }
    pair.submit([&](WS_CALLBACK_MODEL model) {
      pair_models.push_back(model);
      release.wait(UINT64_MAX);  // keeps this worker busy
    });
    for (int i = 0; i < 20; ++i) {
      sim.yield();
    }
    pair.submit([&](WS_CALLBACK_MODEL model) { pair_models.push_back(model); });
    for (int i = 0; i < 20; ++i) {
      sim.yield();
    }
    release.set();
  });
  EXPECT_EQ(sim.run().outcome, Outcome::completed);
  EXPECT_EQ(single_models, (std::vector<WS_CALLBACK_MODEL>{WS_SHORT_CALLBACK}));
  ASSERT_EQ(pair_models.size(), 2u);
  EXPECT_EQ(pair_models[0], WS_LONG_CALLBACK) << "the other worker was idle";
  EXPECT_EQ(pair_models[1], WS_SHORT_CALLBACK) << "the other worker was blocked in a callback";
}

TEST(WorkerPool, ABlockingLongCallbackDoesNotStopOtherWorkWithTwoWorkers) {
  for (std::uint32_t workers : {1u, 2u}) {
    Simulation sim = make_simulation(9);
    WorkerPool pool(sim, "pool", workers);
    HostEvent second_done(sim, true, false);
    bool first_finished = false;
    sim.spawn("caller", [&] {
      pool.submit([&](WS_CALLBACK_MODEL) {
        second_done.wait(UINT64_MAX);  // a LONG callback that blocks on other work
        first_finished = true;
      });
      pool.submit([&](WS_CALLBACK_MODEL) { second_done.set(); });
      while (!first_finished) {
        sim.sleep_for(1000);
        if (sim.now_ns() > 1'000'000) {
          break;
        }
      }
    });
    sim.run();
    EXPECT_EQ(first_finished, workers == 2) << workers << " worker(s)";
  }
}

}  // namespace
}  // namespace lockstep::harness
