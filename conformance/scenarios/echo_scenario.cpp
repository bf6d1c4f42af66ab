// The echo scenario's caller script and the bundled echo implementations.
#include "conformance/scenarios/echo_scenario.h"

#include <cstring>
#include <string>

#include "echo_call.h"
#include "harness/host/echo_peer.h"

namespace lockstep::conformance {

using harness::BufferOwnership;
using harness::CallOptions;
using harness::MonitoredCall;

const std::vector<EchoImplementation>& bundled_echo_implementations() {
  static const std::vector<EchoImplementation> implementations = {
      {"archetype", "correct archetype echo call (copies the context, fills errors first)", "",
       "", ARCHETYPE_CORRECT},
      {"archetype-context-by-pointer",
       "keeps the caller's WS_ASYNC_CONTEXT by pointer and reads it at completion", "AM5",
       "dangling pointer to a caller's stack struct", ARCHETYPE_DEFECT_CONTEXT_BY_POINTER},
      {"archetype-read-after-completion",
       "reads the caller's request buffer again after invoking the callback", "AM6",
       "use after ownership transfer (logging a request after completing it)",
       ARCHETYPE_DEFECT_READ_AFTER_COMPLETION},
      {"archetype-error-after-callback",
       "invokes the callback first and fills the WS_ERROR afterwards", "AM7",
       "ordering bug: notification before the state it reports",
       ARCHETYPE_DEFECT_ERROR_AFTER_CALLBACK},
  };
  return implementations;
}

const EchoImplementation* find_echo_implementation(const std::string& name) {
  for (const EchoImplementation& implementation : bundled_echo_implementations()) {
    if (implementation.name == name) {
      return &implementation;
    }
  }
  return nullptr;
}

namespace {

constexpr std::size_t kReplyCapacity = 64;
constexpr const char* kPeerAddress = "echo://peer";

struct Connection {
  lockstep_connection* handle = nullptr;
  HRESULT result = S_OK;
  bool done = false;
  bool closed = false;
};

// Connects through the host table like an implementation would, waiting on a host event.
void connect_to_peer(const lockstep_host& host, Connection& connection) {
  struct Waiter {
    Connection* connection;
    const lockstep_host* host;
    lockstep_event* done;
  };
  Waiter waiter{&connection, &host, host.event_create(host.self, 1, 0)};
  const HRESULT started = host.connect(
      host.self, kPeerAddress,
      [](void* state, HRESULT result, lockstep_connection* handle) {
        auto* record = static_cast<Waiter*>(state);
        record->connection->result = result;
        record->connection->handle = handle;
        record->host->event_set(record->host->self, record->done);
      },
      &waiter);
  if (FAILED(started)) {
    connection.result = started;
  } else {
    host.event_wait(host.self, waiter.done, LOCKSTEP_WAIT_FOREVER);
  }
  host.event_destroy(host.self, waiter.done);
  connection.done = true;
}

}  // namespace

EchoScheduleResult run_echo_schedule(const EchoImplementation& implementation,
                                     std::uint64_t schedule_seed,
                                     std::unique_ptr<Strategy> strategy,
                                     const harness::ScheduleOptions& options) {
  // Declared before the world: its fibers refer to them until the world is torn down.
  Connection connection;
  std::uint64_t calls_made = 0;
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.keep_trace_events = options.keep_trace_events;
  config.stack_pool = options.stack_pool;
  harness::World world(config, std::move(strategy));
  harness::SimulatedHost& host = world.add_host(harness::HostConfig{implementation.name});
  harness::EchoPeer peer(world.simulation(), world.network(), kPeerAddress,
                         world.fault_plan().shutdown_per_mille);
  Simulation& sim = world.simulation();
  const lockstep_host& table = *host.table();

  world.on_injected_abort([&] {
    if (connection.handle != nullptr && !connection.closed) {
      connection.closed = true;
      table.close_connection(table.self, connection.handle);
    }
  });
  world.spawn_caller("caller", [&] {
    connect_to_peer(table, connection);
    if (FAILED(connection.result)) {
      return;  // refused or not found: nothing to call
    }
    std::vector<MonitoredCall*> in_flight;
    const std::uint64_t calls = 2 + sim.integer(4);
    for (std::uint64_t index = 0; index < calls && !connection.closed; ++index) {
      CallOptions options;
      options.operation = "echo";
      options.with_context = sim.chance(3, 4);
      options.with_error = sim.chance(1, 2);
      MonitoredCall& call = world.monitor().start(options);
      const std::string message = "message-" + std::to_string(index);
      auto* request = static_cast<char*>(call.add_buffer(
          "request", message.size(), BufferOwnership::until_completion, message.data()));
      auto* reply = static_cast<char*>(call.add_buffer("reply", kReplyCapacity));
      auto* reply_size = static_cast<std::size_t*>(call.add_buffer("reply_size", sizeof(std::size_t)));
      ++calls_made;
      call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
        return archetype_echo_call(&table, connection.handle, request, message.size(), reply,
                                   kReplyCapacity, reply_size, context, error,
                                   implementation.defects);
      });
      if (sim.chance(1, 2)) {
        world.monitor().wait(call);
      } else {
        in_flight.push_back(&call);
      }
    }
    for (MonitoredCall* call : in_flight) {
      world.monitor().wait(*call);
    }
    if (!connection.closed) {
      connection.closed = true;
      table.close_connection(table.self, connection.handle);
    }
  });
  world.run();
  EchoScheduleResult result;
  static_cast<harness::ScheduleOutcome&>(result) = world.outcome();
  result.calls_made = calls_made;
  return result;
}

}  // namespace lockstep::conformance
