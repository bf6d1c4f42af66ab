// The world of one schedule: phases, injected aborts, the liveness bound (AM11), lost
// callbacks (AM3), and determinism of the whole world with the network and faults in play.
#include <gtest/gtest.h>

#include <set>

#include "harness/host/echo_peer.h"
#include "harness/host/world.h"

namespace lockstep::harness {
namespace {

WorldConfig config_with(std::uint64_t seed, FaultPlan plan) {
  WorldConfig config;
  config.seed = seed;
  config.fault_plan = plan;
  config.liveness_steps = 2000;
  return config;
}

FaultPlan quiet_plan() {
  FaultPlan plan = FaultPlan::none();
  plan.fault_phase_ns = 1000;
  return plan;
}

// A tiny correct operation: completes later from a worker, exactly once.
HRESULT complete_later(const lockstep_host& host, const WS_ASYNC_CONTEXT* context) {
  if (context == nullptr) {
    return S_OK;
  }
  auto* copy = new WS_ASYNC_CONTEXT(*context);
  host.submit_work(
      host.self,
      [](void* state, WS_CALLBACK_MODEL model) {
        auto* saved = static_cast<WS_ASYNC_CONTEXT*>(state);
        const WS_ASYNC_CONTEXT context_copy = *saved;
        delete saved;
        context_copy.callback(S_OK, model, context_copy.callbackState);
      },
      copy);
  return WS_S_ASYNC;
}

TEST(World, ACorrectOperationPassesAndTheNetworkHeals) {
  World world(config_with(3, quiet_plan()), make_random_walk_strategy(3));
  SimulatedHost& host = world.add_host(HostConfig{});
  world.spawn_caller("caller", [&] {
    for (int call = 0; call < 5; ++call) {
      MonitoredCall& monitored = world.monitor().start(CallOptions{"later", true, false});
      monitored.invoke(
          [&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) { return complete_later(*host.table(), context); });
      world.monitor().wait(monitored);
    }
  });
  const WorldResult& result = world.run();
  EXPECT_TRUE(result.passed()) << result.summary();
  EXPECT_GT(result.healed_at_step, 0u);
  EXPECT_TRUE(world.network().healed());
}

TEST(World, ACallbackThatNeverComesInAQuietWorldIsLost) {
  World world(config_with(1, quiet_plan()), make_random_walk_strategy(1));
  world.add_host(HostConfig{});
  world.spawn_caller("caller", [&] {
    MonitoredCall& monitored = world.monitor().start(CallOptions{"forgetful", true, false});
    monitored.invoke([](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return WS_S_ASYNC; });
  });
  const WorldResult& result = world.run();
  ASSERT_EQ(result.violations.size(), 1u) << result.summary();
  EXPECT_EQ(result.violations[0].rule, "AM3");
  EXPECT_FALSE(result.liveness_expired);
}

TEST(World, ADriverCanSettleAPendingCallUnderItsOwnRule) {
  World world(config_with(1, quiet_plan()), make_random_walk_strategy(1));
  world.add_host(HostConfig{});
  MonitoredCall* stuck = nullptr;
  world.spawn_caller("caller", [&] {
    stuck = &world.monitor().start(CallOptions{"receive", true, false});
    stuck->invoke([](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return WS_S_ASYNC; });
  });
  bool checked_quiet = false;
  world.on_schedule_end([&](bool world_quiet) {
    checked_quiet = world_quiet;
    world.violations().record("CH1", stuck->label(), "pending at abort and never completed");
    world.monitor().settle(*stuck);
  });
  const WorldResult& result = world.run();
  EXPECT_TRUE(checked_quiet);
  ASSERT_EQ(result.violations.size(), 1u) << result.summary();
  EXPECT_EQ(result.violations[0].rule, "CH1");
}

TEST(World, ACallbackThatNeverComesInABusyWorldBreaksLiveness) {
  World world(config_with(1, quiet_plan()), make_random_walk_strategy(1));
  SimulatedHost& host = world.add_host(HostConfig{});
  world.spawn_caller("caller", [&] {
    // A keep-alive timer that re-arms forever keeps the world busy.
    struct Ticker {
      const lockstep_host* host;
      static void tick(void* state) {
        auto* ticker = static_cast<Ticker*>(state);
        ticker->host->timer_start(ticker->host->self, 1000, &Ticker::tick, ticker);
      }
    };
    static Ticker ticker;
    ticker.host = host.table();
    Ticker::tick(&ticker);
    MonitoredCall& monitored = world.monitor().start(CallOptions{"stuck", true, false});
    monitored.invoke([](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return WS_S_ASYNC; });
  });
  const WorldResult& result = world.run();
  EXPECT_TRUE(result.liveness_expired);
  ASSERT_FALSE(result.violations.empty());
  EXPECT_EQ(result.violations[0].rule, "AM11") << result.summary();
}

TEST(World, InjectedAbortsFollowThePlanAndStopAtHealing) {
  for (std::uint32_t ratio : {0u, 1000u}) {
    FaultPlan plan = FaultPlan::none();
    plan.abort_per_mille = ratio;
    plan.fault_phase_ns = 1'000'000;
    World world(config_with(5, plan), make_random_walk_strategy(5));
    int aborts = 0;
    std::uint64_t last_abort_ns = 0;
    world.on_injected_abort([&] {
      ++aborts;
      last_abort_ns = world.simulation().now_ns();
    });
    world.spawn_caller("caller", [&] { world.simulation().sleep_for(2'000'000); });
    const WorldResult& result = world.run();
    EXPECT_TRUE(result.passed()) << result.summary();
    EXPECT_EQ(static_cast<std::uint64_t>(aborts), result.injected_aborts);
    if (ratio == 0) {
      EXPECT_EQ(aborts, 0);
    } else {
      EXPECT_GT(aborts, 0);
      EXPECT_LE(last_abort_ns, plan.fault_phase_ns);
    }
  }
}

// Echo traffic through a host with the schedule's own fault plan; returns the world's result.
WorldResult run_echo_world(std::uint64_t seed) {
  WorldConfig config;
  config.seed = seed;
  config.keep_trace_events = false;
  World world(config, make_random_walk_strategy(seed));
  SimulatedHost& host = world.add_host(HostConfig{"client"});
  EchoPeer peer(world.simulation(), world.network(), "echo://peer",
                world.fault_plan().shutdown_per_mille);
  struct Traffic {
    const lockstep_host* host = nullptr;
    lockstep_connection* connection = nullptr;
    HRESULT connect_result = S_OK;
    bool connected = false;
    int replies = 0;
  } traffic;
  traffic.host = host.table();
  world.spawn_caller("caller", [&] {
    const lockstep_host& table = *traffic.host;
    table.connect(
        table.self, "echo://peer",
        [](void* state, HRESULT result, lockstep_connection* connection) {
          auto* record = static_cast<Traffic*>(state);
          record->connect_result = result;
          record->connection = connection;
          record->connected = true;
        },
        &traffic);
    while (!traffic.connected) {
      world.simulation().sleep_for(1000);
    }
    if (FAILED(traffic.connect_result)) {
      return;
    }
    for (int message = 0; message < 4; ++message) {
      table.send(table.self, traffic.connection, "hello", 5, [](void*, HRESULT) {}, nullptr);
      table.receive(
          table.self, traffic.connection,
          [](void* state, HRESULT result, const void*, size_t) {
            if (result == S_OK) {
              ++static_cast<Traffic*>(state)->replies;
            }
          },
          &traffic);
    }
    world.simulation().sleep_for(100'000'000);
    table.close_connection(table.self, traffic.connection);
  });
  return world.run();
}

TEST(World, WholeWorldIsDeterministicWithNetworkAndFaults) {
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const WorldResult first = run_echo_world(seed);
    const WorldResult second = run_echo_world(seed);
    ASSERT_EQ(first.run.trace_hash, second.run.trace_hash) << "seed " << seed;
    ASSERT_EQ(first.violations.size(), second.violations.size()) << "seed " << seed;
    EXPECT_TRUE(first.passed()) << "seed " << seed << ": " << first.summary();
    hashes.insert(first.run.trace_hash);
  }
  EXPECT_GE(hashes.size(), 190u);
}

}  // namespace
}  // namespace lockstep::harness
