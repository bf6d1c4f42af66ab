// The host table as an implementation sees it: complete, versioned, and every entry doing
// what host.h promises; AM9 accounting; misuse reported as a failure, not a crash.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "harness/host/simulated_host.h"

namespace lockstep::harness {
namespace {

struct Fixture {
  explicit Fixture(std::uint64_t seed = 1, HostConfig config = {})
      : sim(SimulationConfig{}, make_random_walk_strategy(seed)),
        network(sim, FaultPlan::none()),
        violations(sim),
        host(sim, network, violations, std::move(config)),
        table(*host.table()) {}
  Simulation sim;
  FakeNetwork network;
  ViolationLog violations;
  SimulatedHost host;
  const lockstep_host& table;
};

TEST(SimulatedHost, TableIsVersionedAndComplete) {
  Fixture fixture;
  const lockstep_host& table = fixture.table;
  EXPECT_EQ(table.abi_version, LOCKSTEP_HOST_ABI_VERSION);
  EXPECT_EQ(table.struct_size, sizeof(lockstep_host));
  EXPECT_EQ(table.self, &fixture.host);
  // Every member after `self` is a function pointer: none may be missing.
  const auto* first = reinterpret_cast<const char*>(&table.submit_work);
  const auto* end = reinterpret_cast<const char*>(&table) + sizeof(table);
  for (const char* member = first; member < end; member += sizeof(void*)) {
    void* pointer = nullptr;
    std::memcpy(&pointer, member, sizeof(pointer));
    EXPECT_NE(pointer, nullptr) << "host table entry at offset "
                                << (member - reinterpret_cast<const char*>(&table));
  }
}

TEST(SimulatedHost, SubmittedWorkRunsOnAWorkerWithItsState) {
  Fixture fixture;
  struct Seen {
    lockstep_thread_id thread = 0;
    int value = 0;
  } seen;
  lockstep_thread_id caller = 0;
  fixture.sim.spawn("caller", [&] {
    caller = fixture.table.current_thread(fixture.table.self);
    fixture.table.submit_work(
        fixture.table.self,
        [](void* state, WS_CALLBACK_MODEL) {
          auto* record = static_cast<Seen*>(state);
          record->value = 42;
        },
        &seen);
  });
  ASSERT_EQ(fixture.sim.run().outcome, Outcome::completed);
  EXPECT_EQ(seen.value, 42);
  EXPECT_NE(caller, 0u);
  EXPECT_EQ(fixture.table.worker_thread_count(fixture.table.self), 2u);
}

TEST(SimulatedHost, TimersFireAfterTheirDelayAndCancelledOnesNever) {
  Fixture fixture;
  struct Fired {
    std::vector<std::uint64_t> at;
    const lockstep_host* table;
  } fired{{}, &fixture.table};
  BOOL cancelled_before = FALSE;
  BOOL cancelled_after = TRUE;
  fixture.sim.spawn("caller", [&] {
    const lockstep_host& host = fixture.table;
    auto record = [](void* state) {
      auto* fired_record = static_cast<Fired*>(state);
      fired_record->at.push_back(fired_record->table->now_ns(fired_record->table->self));
    };
    lockstep_timer* kept = host.timer_start(host.self, 3000, record, &fired);
    lockstep_timer* dropped = host.timer_start(host.self, 2000, record, &fired);
    fixture.sim.sleep_for(1000);
    cancelled_before = host.timer_cancel(host.self, dropped);
    fixture.sim.sleep_for(5000);
    cancelled_after = host.timer_cancel(host.self, kept);
  });
  ASSERT_EQ(fixture.sim.run().outcome, Outcome::completed);
  EXPECT_TRUE(cancelled_before);
  EXPECT_FALSE(cancelled_after);
  EXPECT_EQ(fired.at, (std::vector<std::uint64_t>{3000}));
}

TEST(SimulatedHost, MemoryIsTrackedAndTheBudgetRefusesRunawayAllocation) {
  HostConfig config;
  config.memory_limit_bytes = 1000;
  Fixture fixture(1, config);
  const lockstep_host& host = fixture.table;
  void* small = host.allocate(host.self, 600);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(host.allocate(host.self, 600), nullptr) << "over the budget";
  EXPECT_EQ(fixture.host.live_bytes(), 600u);
  host.release(host.self, small);
  EXPECT_EQ(fixture.host.live_allocations(), 0u);
  void* again = host.allocate(host.self, 900);
  EXPECT_NE(again, nullptr);
  host.release(host.self, again);
}

// An implementation that floods the work queue without ever yielding grew the process to
// gigabytes: queued work counts against the memory budget, and beyond it is refused.
TEST(SimulatedHost, WorkFloodingTheQueueIsRefusedWithinTheBudget) {
  HostConfig config;
  config.memory_limit_bytes = 64 * kQueuedWorkBytes;
  Fixture fixture(1, config);
  const lockstep_host& host = fixture.table;
  const auto nothing = [](void*, WS_CALLBACK_MODEL) {};
  void* block = host.allocate(host.self, 16 * kQueuedWorkBytes);
  ASSERT_NE(block, nullptr);
  std::uint64_t accepted = 0;
  HRESULT result = S_OK;
  fixture.sim.spawn("flood", [&] {
    while ((result = host.submit_work(host.self, nothing, nullptr)) == S_OK && accepted < 1000) {
      ++accepted;
    }
  });
  while (fixture.sim.step()) {
  }
  EXPECT_EQ(result, E_OUTOFMEMORY);
  EXPECT_EQ(accepted, 48u) << "64 items of budget, 16 of them spent on the allocation";
  host.release(host.self, block);
}

// RS1: what the implementation still holds when its objects are freed is named; what it
// released is not, and nothing held means no violation.
TEST(SimulatedHost, ResourcesStillHeldAfterTheFreeAreAnRs1Violation) {
  Fixture fixture;
  const lockstep_host& host = fixture.table;
  fixture.host.check_released("free_channel");
  EXPECT_TRUE(fixture.violations.all().empty()) << "nothing held";
  void* kept = host.allocate(host.self, 24);
  void* released = host.allocate(host.self, 8);
  host.release(host.self, released);
  lockstep_timer* fired = host.timer_start(
      host.self, 10, [](void*) {}, nullptr);
  lockstep_timer* cancelled = host.timer_start(
      host.self, 10, [](void*) {}, nullptr);
  host.timer_cancel(host.self, cancelled);
  lockstep_event* event = host.event_create(host.self, 1, 0);
  lockstep_listener* listener = nullptr;
  ASSERT_EQ(host.listen(host.self, "echo://rs1", &listener), S_OK);
  while (fixture.sim.step()) {  // the timer fires: it is still held until timer_cancel
  }
  EXPECT_EQ(fixture.host.held_resources(),
            (std::vector<std::string>{"1 block of tracked memory (24 bytes)",
                                      "1 timer (never freed with timer_cancel)",
                                      "1 listener (never closed with close_listener)", "1 event"}));
  fixture.host.check_released("free_channel");
  ASSERT_EQ(fixture.violations.all().size(), 1u);
  const Violation& violation = fixture.violations.all().front();
  EXPECT_EQ(violation.rule, "RS1");
  EXPECT_NE(violation.to_text().find("still held after free_channel freed the implementation's "
                                     "objects: 1 block of tracked memory (24 bytes), 1 timer"),
            std::string::npos)
      << violation.to_text();
  host.release(host.self, kept);
  host.timer_cancel(host.self, fired);
  host.event_destroy(host.self, event);
  host.close_listener(host.self, listener);
  EXPECT_TRUE(fixture.host.held_resources().empty());
}

TEST(SimulatedHost, StaleHandlesAndForeignBlocksAreReportedNotFatal) {
  Fixture fixture;
  fixture.sim.spawn("misuser", [&] {
    const lockstep_host& host = fixture.table;
    lockstep_event* event = host.event_create(host.self, 1, 0);
    host.event_destroy(host.self, event);
    host.event_set(host.self, event);
  });
  const RunResult& result = fixture.sim.run();
  EXPECT_EQ(result.outcome, Outcome::fiber_exception);
  EXPECT_NE(result.message.find("event_set: not a live event handle"), std::string::npos)
      << result.message;

  Fixture second;
  int local = 0;
  second.sim.spawn("misuser", [&] { second.table.release(second.table.self, &local); });
  EXPECT_EQ(second.sim.run().outcome, Outcome::fiber_exception);
}

// Through the table, as an implementation does it: a mutex destroyed while another thread is
// inside mutex_lock on it (at its preemption point, the mutex free) is the schedule's failure,
// naming mutex_destroy; it used to be a use-after-free in the harness.
TEST(SimulatedHost, DestroyingAMutexAThreadIsLockingIsReportedNotFatal) {
  int reported = 0;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    Fixture fixture(seed);
    const lockstep_host& host = fixture.table;
    lockstep_mutex* mutex = host.mutex_create(host.self);
    bool destroyed = false;
    fixture.sim.spawn("locker", [&] {
      fixture.sim.sleep_for(100);
      if (!destroyed) {
        host.mutex_lock(host.self, mutex);
        host.mutex_unlock(host.self, mutex);
      }
    });
    fixture.sim.spawn("destroyer", [&] {
      fixture.sim.sleep_for(100);
      host.mutex_destroy(host.self, mutex);
      destroyed = true;
    });
    const RunResult& result = fixture.sim.run();
    if (result.outcome == Outcome::completed) {
      continue;
    }
    ASSERT_EQ(result.outcome, Outcome::fiber_exception) << seed << ": " << result.message;
    // Either the destroyer found the mutex held ("still locked"), or the locker learnt that
    // it was destroyed under it.
    if (result.message.find("waiting to lock it") != std::string::npos) {
      EXPECT_NE(result.message.find("host mutex_destroy"), std::string::npos) << result.message;
      EXPECT_EQ(result.fiber_name, "locker");
      ++reported;
    } else {
      EXPECT_NE(result.message.find("mutex_destroy: the mutex is still locked"), std::string::npos)
          << seed << ": " << result.message;
    }
  }
  EXPECT_GT(reported, 0);
}

// An echo over the fake network through the table, with completions counted per host.
struct Exchange {
  const lockstep_host* client = nullptr;
  const lockstep_host* server = nullptr;
  lockstep_listener* listener = nullptr;
  lockstep_connection* client_end = nullptr;
  lockstep_connection* server_end = nullptr;
  std::string received_by_server;
  std::string received_by_client;
  int completions = 0;
};

TEST(SimulatedHost, EchoThroughTheTableCountsInFlightIo) {
  Fixture fixture;
  SimulatedHost server(fixture.sim, fixture.network, fixture.violations, HostConfig{"server"});
  Exchange exchange;
  exchange.client = &fixture.table;
  exchange.server = server.table();
  fixture.sim.spawn("script", [&] {
    const lockstep_host& client = *exchange.client;
    const lockstep_host& host_of_server = *exchange.server;
    ASSERT_EQ(host_of_server.listen(host_of_server.self, "echo://a", &exchange.listener), S_OK);
    host_of_server.accept(
        host_of_server.self, exchange.listener,
        [](void* state, HRESULT result, lockstep_connection* connection) {
          auto* record = static_cast<Exchange*>(state);
          ++record->completions;
          ASSERT_EQ(result, S_OK);
          record->server_end = connection;
          record->server->receive(
              record->server->self, connection,
              [](void* inner, HRESULT received, const void* message, size_t size) {
                auto* echo = static_cast<Exchange*>(inner);
                ++echo->completions;
                ASSERT_EQ(received, S_OK);
                echo->received_by_server.assign(static_cast<const char*>(message), size);
                echo->server->send(
                    echo->server->self, echo->server_end, message, size,
                    [](void* done, HRESULT sent) {
                      ++static_cast<Exchange*>(done)->completions;
                      EXPECT_EQ(sent, S_OK);
                    },
                    echo);
              },
              record);
        },
        &exchange);
    client.connect(
        client.self, "echo://a",
        [](void* state, HRESULT result, lockstep_connection* connection) {
          auto* record = static_cast<Exchange*>(state);
          ++record->completions;
          ASSERT_EQ(result, S_OK);
          record->client_end = connection;
          record->client->send(
              record->client->self, connection, "ping", 4,
              [](void* inner, HRESULT sent) {
                auto* echo = static_cast<Exchange*>(inner);
                ++echo->completions;
                EXPECT_EQ(sent, S_OK);
                echo->client->receive(
                    echo->client->self, echo->client_end,
                    [](void* done, HRESULT received, const void* message, size_t size) {
                      auto* last = static_cast<Exchange*>(done);
                      ++last->completions;
                      EXPECT_EQ(received, S_OK);
                      last->received_by_client.assign(static_cast<const char*>(message), size);
                    },
                    echo);
              },
              record);
        },
        &exchange);
  });
  const RunResult& result = fixture.sim.run();
  ASSERT_EQ(result.outcome, Outcome::completed) << result.message;
  EXPECT_EQ(exchange.received_by_server, "ping");
  EXPECT_EQ(exchange.received_by_client, "ping");
  EXPECT_EQ(exchange.completions, 6);
  EXPECT_EQ(fixture.host.in_flight_io(), 0u);
  EXPECT_EQ(server.in_flight_io(), 0u);
  EXPECT_GE(fixture.host.peak_in_flight_io(), 1u);
  EXPECT_TRUE(fixture.violations.empty());
  // RS1 counts what each side opened and never closed: the client's connection, the server's
  // listener and accepted connection.
  EXPECT_EQ(fixture.host.held_resources(),
            (std::vector<std::string>{"1 connection (never closed with close_connection)"}));
  EXPECT_EQ(server.held_resources(),
            (std::vector<std::string>{"1 connection (never closed with close_connection)",
                                      "1 listener (never closed with close_listener)"}));
}

// AM9: receives outstanding at once against io_limit.
void start_receives(Fixture& fixture, SimulatedHost& server, int receives) {
  fixture.sim.spawn("script", [&fixture, &server, receives] {
    const lockstep_host& client = fixture.table;
    const lockstep_host& peer = *server.table();
    lockstep_listener* listener = nullptr;
    peer.listen(peer.self, "echo://limit", &listener);
    peer.accept(
        peer.self, listener, [](void*, HRESULT, lockstep_connection*) {}, nullptr);
    struct Connected {
      lockstep_connection* end = nullptr;
    };
    static Connected connected;
    connected.end = nullptr;
    client.connect(
        client.self, "echo://limit",
        [](void* state, HRESULT, lockstep_connection* connection) {
          static_cast<Connected*>(state)->end = connection;
        },
        &connected);
    while (connected.end == nullptr) {
      fixture.sim.sleep_for(1000);
    }
    for (int receive = 0; receive < receives; ++receive) {
      client.receive(
          client.self, connected.end, [](void*, HRESULT, const void*, size_t) {}, nullptr);
    }
    client.close_connection(client.self, connected.end);
  });
  fixture.sim.run();
}

TEST(SimulatedHost, InFlightIoAboveTheLimitIsAnAm9Violation) {
  HostConfig config;
  config.io_limit = 2;
  Fixture within(1, config);
  SimulatedHost server_a(within.sim, within.network, within.violations, HostConfig{"server"});
  start_receives(within, server_a, 2);
  EXPECT_EQ(within.violations.count("AM9"), 0u);
  EXPECT_EQ(within.host.peak_in_flight_io(), 2u);

  Fixture beyond(1, config);
  SimulatedHost server_b(beyond.sim, beyond.network, beyond.violations, HostConfig{"server"});
  start_receives(beyond, server_b, 3);
  ASSERT_EQ(beyond.violations.count("AM9"), 1u) << "reported once, at the moment it happens";
  EXPECT_NE(beyond.violations.all()[0].explanation.find("3 I/O operations in flight"),
            std::string::npos);
  EXPECT_EQ(beyond.host.in_flight_io(), 0u) << "closing completed them all";
}

}  // namespace
}  // namespace lockstep::harness

namespace lockstep::harness {
namespace {

// Host ABI version 2: one slot per host for the implementation's own state, compare-and-swap.
TEST(SimulatedHost, TheImplementationStateSlotIsPerHostAndCompareAndSwap) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  FakeNetwork network(sim, FaultPlan::none());
  ViolationLog violations(sim);
  SimulatedHost first(sim, network, violations, HostConfig{"first"});
  SimulatedHost second(sim, network, violations, HostConfig{"second"});
  const lockstep_host& table = *first.table();
  ASSERT_TRUE(LOCKSTEP_HOST_PROVIDES(&table, exchange_implementation_state));
  int mine = 1;
  int theirs = 2;
  EXPECT_EQ(table.exchange_implementation_state(table.self, nullptr, &mine), nullptr);
  // A second first-user loses the race: it gets the winner's state and stores nothing.
  EXPECT_EQ(table.exchange_implementation_state(table.self, nullptr, &theirs), &mine);
  EXPECT_EQ(first.implementation_state(), &mine);
  // Another host has its own slot.
  EXPECT_EQ(second.implementation_state(), nullptr);
  const lockstep_host& other = *second.table();
  EXPECT_EQ(other.exchange_implementation_state(other.self, nullptr, &theirs), nullptr);
  EXPECT_EQ(first.implementation_state(), &mine);
  // Given back: the slot is empty again, and a stale expectation changes nothing.
  EXPECT_EQ(table.exchange_implementation_state(table.self, &theirs, nullptr), &mine);
  EXPECT_EQ(table.exchange_implementation_state(table.self, &mine, nullptr), &mine);
  EXPECT_EQ(first.implementation_state(), nullptr);
}

// A plugin built against version 1 sees a shorter struct; LOCKSTEP_HOST_PROVIDES tells a
// version-2 plugin whether the host it got is older.
TEST(SimulatedHost, ProvidesTellsAVersionOneTableFromAVersionTwoOne) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(1));
  FakeNetwork network(sim, FaultPlan::none());
  ViolationLog violations(sim);
  SimulatedHost host(sim, network, violations, HostConfig{});
  lockstep_host version_one = *host.table();
  version_one.abi_version = 1;
  version_one.struct_size =
      static_cast<std::uint32_t>(offsetof(lockstep_host, exchange_implementation_state));
  EXPECT_FALSE(LOCKSTEP_HOST_PROVIDES(&version_one, exchange_implementation_state));
  EXPECT_TRUE(LOCKSTEP_HOST_PROVIDES(&version_one, annotate));
  EXPECT_TRUE(LOCKSTEP_HOST_PROVIDES(host.table(), exchange_implementation_state));
}

}  // namespace
}  // namespace lockstep::harness

namespace lockstep::harness {
namespace {

// AM9's "this instance" is the host (docs/CONTRACT.md): two channels' worth of I/O on two
// connections of one host add up against the one io_limit; the same I/O on two hosts does not.
std::uint64_t am9_violations_with_two_connections(bool one_host) {
  Simulation sim(SimulationConfig{}, make_random_walk_strategy(5));
  FakeNetwork network(sim, FaultPlan::none());
  ViolationLog violations(sim);
  HostConfig limited;
  limited.io_limit = 2;
  SimulatedHost first(sim, network, violations, limited);
  SimulatedHost second(sim, network, violations, limited);
  SimulatedHost server(sim, network, violations, HostConfig{"server"});
  const lockstep_host* users[2] = {first.table(), one_host ? first.table() : second.table()};
  sim.spawn("script", [&] {
    const lockstep_host& peer = *server.table();
    lockstep_listener* listener = nullptr;
    peer.listen(peer.self, "echo://shared-limit", &listener);
    for (int accept = 0; accept < 2; ++accept) {
      peer.accept(
          peer.self, listener, [](void*, HRESULT, lockstep_connection*) {}, nullptr);
    }
    lockstep_connection* ends[2] = {nullptr, nullptr};
    for (int user = 0; user < 2; ++user) {
      const lockstep_host& host = *users[user];
      host.connect(
          host.self, "echo://shared-limit",
          [](void* state, HRESULT, lockstep_connection* connection) {
            *static_cast<lockstep_connection**>(state) = connection;
          },
          &ends[user]);
    }
    while (ends[0] == nullptr || ends[1] == nullptr) {
      sim.sleep_for(1000);
    }
    // Two receives on the first connection, one on the second: 3 in flight together.
    for (int user : {0, 0, 1}) {
      const lockstep_host& host = *users[user];
      host.receive(
          host.self, ends[user], [](void*, HRESULT, const void*, size_t) {}, nullptr);
    }
    for (int user = 0; user < 2; ++user) {
      users[user]->close_connection(users[user]->self, ends[user]);
    }
  });
  sim.run();
  return violations.count("AM9");
}

TEST(SimulatedHost, TheIoLimitIsSharedByEverythingOnOneHost) {
  EXPECT_EQ(am9_violations_with_two_connections(true), 1u);
  EXPECT_EQ(am9_violations_with_two_connections(false), 0u);
}

}  // namespace
}  // namespace lockstep::harness
