// The channel scenario's caller script.
#include "conformance/channel/channel_schedule.h"

#include "channel.h"
#include "conformance/channel/channel_driver.h"
#include "conformance/channel/scripted_peer.h"

namespace lockstep::conformance {

using harness::MonitoredCall;

namespace {

constexpr const char* kPeerAddress = "echo://channel-peer";

CallShape draw_shape(Simulation& simulation) {
  CallShape shape;
  shape.with_context = simulation.chance(3, 4);
  shape.with_error = simulation.chance(1, 2);
  if (shape.with_context) {
    shape.callback = callback_behaviour_at(simulation.integer(callback_behaviour_choices()));
  }
  return shape;
}

std::string draw_body(Simulation& simulation, std::uint64_t index) {
  std::string body = "m" + std::to_string(index) + "-";
  const std::uint64_t padding = simulation.integer(12);
  body.append(padding, 'x');
  return body;
}

// Mostly large enough; now and then too small, so that the size quota's path runs
// (WS_E_QUOTA_EXCEEDED, and the channel faults: rarely enough that most schedules go on to
// close an open channel).
std::size_t draw_capacity(Simulation& simulation) {
  return simulation.chance(1, 16) ? 1 + simulation.integer(3) : 32;
}

void caller_script(harness::World& world, ChannelDriver& driver, std::uint64_t& calls_made) {
  Simulation& simulation = world.simulation();
  if (!driver.create()) {
    return;
  }
  std::vector<MonitoredCall*> in_flight;
  auto keep_or_wait = [&](MonitoredCall& call) {
    ++calls_made;
    if (simulation.chance(1, 2)) {
      driver.wait(call);
    } else {
      in_flight.push_back(&call);
    }
  };
  if (simulation.chance(1, 6)) {  // misuse before open (CH5)
    if (simulation.chance(1, 2)) {
      driver.wait(driver.send("early", draw_shape(simulation)));
    } else {
      driver.wait(driver.receive(simulation.chance(1, 2), 8, draw_shape(simulation)));
    }
    ++calls_made;
  }
  if (simulation.chance(1, 8)) {  // an open without an address: E_INVALIDARG, still CREATED
    driver.wait(driver.open_without_address(draw_shape(simulation)));
    ++calls_made;
  }
  MonitoredCall& open = driver.open(kPeerAddress, draw_shape(simulation));
  ++calls_made;
  driver.wait(open);
  if (simulation.chance(1, 8)) {  // a second open (CH5)
    driver.wait(driver.open(kPeerAddress, draw_shape(simulation)));
    ++calls_made;
  }
  // Messages the peer will echo minus messages already claimed by a receive: a receive is
  // only issued while one is owed, so a correct channel never strands it.
  std::int64_t echoes_owed = 0;
  const std::uint64_t operations = 2 + simulation.integer(6);
  for (std::uint64_t index = 0; index < operations; ++index) {
    std::uint64_t kind = simulation.integer(3);
    if (kind == 1 && echoes_owed <= 0) {
      kind = 0;
    }
    if (kind == 0 && simulation.chance(1, 3)) {
      // A burst of sends left in flight: more than the I/O limit queue inside the channel. One
      // send in three: the queue's rare paths (the session ending while sends wait for a
      // slot) stay within a few hundred schedules even when a size-quota fault ends some
      // schedules early.
      const std::uint64_t burst = 2 + simulation.integer(4);
      for (std::uint64_t sent = 0; sent < burst; ++sent) {
        CallShape shape = draw_shape(simulation);
        shape.with_context = true;
        in_flight.push_back(&driver.send(draw_body(simulation, index), shape));
        ++calls_made;
        ++echoes_owed;
      }
    } else if (kind == 0) {
      keep_or_wait(driver.send(draw_body(simulation, index), draw_shape(simulation)));
      ++echoes_owed;
    } else if (kind == 1) {
      const bool optional = simulation.chance(1, 2);
      keep_or_wait(driver.receive(optional, draw_capacity(simulation), draw_shape(simulation)));
      --echoes_owed;
    } else {
      const std::string request = draw_body(simulation, index);
      keep_or_wait(
          driver.request_reply(request, draw_capacity(simulation), draw_shape(simulation)));
    }
    const std::uint64_t yields = simulation.chance(1, 3) ? simulation.integer(4) : 0;
    for (std::uint64_t yield = 0; yield < yields; ++yield) {
      simulation.yield();
    }
    if (simulation.chance(1, 10)) {
      driver.abort();  // the caller's own abort, racing the completions on the workers
    }
  }
  if (simulation.chance(1, 3)) {
    // A parting message still in flight when close starts: close must wait for it, and the
    // peer may drop the connection on it (a failed graceful shutdown, CH4).
    std::string parting(ScriptedPeer::kPartingPrefix);
    CallShape shape = draw_shape(simulation);
    shape.with_context = true;
    in_flight.push_back(&driver.send(parting, shape));
    ++calls_made;
  }
  // An optional receive left waiting across close: it ends with WS_S_END if the peer ended
  // the session (CH7), else close completes it. Asynchronous, or the caller could not close.
  const bool trailing_receive = simulation.chance(1, 3);
  if (trailing_receive) {
    CallShape shape = draw_shape(simulation);
    shape.with_context = true;
    in_flight.push_back(&driver.receive(true, draw_capacity(simulation), shape));
    ++calls_made;
  }
  const bool close_with_calls_in_flight =
      trailing_receive || (!in_flight.empty() && simulation.chance(1, 2));
  if (!close_with_calls_in_flight) {
    for (MonitoredCall* call : in_flight) {
      driver.wait(*call);
    }
  }
  MonitoredCall& close = driver.close(draw_shape(simulation));
  ++calls_made;
  driver.wait(close);
  for (MonitoredCall* call : in_flight) {
    driver.wait(*call);
  }
  if (simulation.chance(1, 6)) {  // after close: a send is refused, a second close succeeds (CH5)
    driver.wait(simulation.chance(1, 2) ? driver.send("late", draw_shape(simulation))
                                        : driver.close(draw_shape(simulation)));
    ++calls_made;
  }
  driver.free_channel();
}

}  // namespace

reference_implementation reference_channel_table(unsigned defects) {
  reference_implementation table{};
  table.base.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION;
  table.base.struct_size = sizeof(reference_implementation);
  table.base.name = defects == 0 ? "reference" : "reference-mutant";
  table.base.version = "1";
  table.base.channel = &reference_channel_functions;
  table.channel_defects = defects;
  return table;
}

ChannelScheduleResult run_channel_schedule(const lockstep_implementation& implementation,
                                           std::uint64_t schedule_seed,
                                           std::unique_ptr<Strategy> strategy,
                                           const harness::ScheduleOptions& options) {
  std::uint64_t calls_made = 0;
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.keep_trace_events = options.keep_trace_events;
  config.stack_pool = options.stack_pool;
  config.liveness_steps = 20'000;
  harness::World world(config, std::move(strategy));
  Simulation& simulation = world.simulation();
  harness::HostConfig host_config;
  host_config.name = implementation.name != nullptr ? implementation.name : "implementation";
  // At least 2: the channel keeps one receive posted while it sends.
  host_config.io_limit = static_cast<std::uint32_t>(2 + simulation.integer(3));
  host_config.worker_threads = static_cast<std::uint32_t>(1 + simulation.integer(3));
  harness::SimulatedHost& host = world.add_host(host_config);
  ScriptedPeer peer(simulation, world.network(), kPeerAddress,
                    world.fault_plan().shutdown_per_mille);
  ChannelDriver driver(world, host, implementation);
  world.on_injected_abort([&driver] { driver.abort(); });
  world.spawn_caller("caller", [&] { caller_script(world, driver, calls_made); });
  world.run();
  ChannelScheduleResult result;
  static_cast<harness::ScheduleOutcome&>(result) = world.outcome();
  result.calls_made = calls_made;
  result.aborts = driver.aborts();
  // Fibers and pending events refer to the driver and the peer, which go before the world.
  world.simulation().shutdown();
  return result;
}

}  // namespace lockstep::conformance
