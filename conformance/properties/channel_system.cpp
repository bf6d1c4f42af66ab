// Building the channel property's world and finishing its schedule.
#include "conformance/properties/channel_system.h"

#include "conformance/properties/property_case.h"

namespace lockstep::conformance::properties {

void ChannelCaller::await_all() {
  const std::vector<harness::MonitoredCall*> calls = std::move(in_flight);
  in_flight.clear();
  for (harness::MonitoredCall* call : calls) {
    driver->wait(*call);
  }
}

ChannelSystem::ChannelSystem(const lockstep_implementation& implementation,
                             std::uint64_t schedule_seed, std::unique_ptr<Strategy> strategy) {
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.fault_plan = property_fault_plan(schedule_seed);
  config.keep_trace_events = false;
  config.liveness_steps = 5'000;
  world_ = std::make_unique<harness::World>(config, strategy != nullptr ? std::move(strategy) : strategy_for_seed(schedule_seed));
  Simulation& simulation = world_->simulation();
  harness::HostConfig host_config;
  host_config.name = implementation.name != nullptr ? implementation.name : "implementation";
  // The smallest limit the channel allows (one receive posted while it sends), so that a
  // few sends left in flight already queue behind it.
  host_config.io_limit = 2;
  host_config.worker_threads = static_cast<std::uint32_t>(1 + simulation.integer(3));
  harness::SimulatedHost& host = world_->add_host(host_config);
  peer_ = std::make_unique<CommandedPeer>(world_->network(), ChannelCaller::kPeerAddress);
  driver_ = std::make_unique<ChannelDriver>(*world_, host, implementation);
  caller_.driver = driver_.get();
  caller_.peer = peer_.get();
  caller_.simulation = &simulation;
  mailbox_ = std::make_unique<CallerMailbox>(*world_);
  mailbox_->issue([this] { driver_->create(); });
}

ChannelSystem::~ChannelSystem() {
  // Fibers and pending events refer to the driver, the peer and the caller state.
  world_->simulation().shutdown();
}

void ChannelSystem::run_on_caller(std::function<void(ChannelCaller&)> action) {
  mailbox_->issue([this, action = std::move(action)] {
    if (driver_->created()) {
      action(caller_);
      // Checked after every command in every property, so replays ask the same questions.
      caller_.observed_faulted =
          caller_.observed_faulted || driver_->state() == WS_CHANNEL_STATE_FAULTED;
    }
  });
}

harness::ScheduleOutcome ChannelSystem::finish(bool closed_by_commands) {
  mailbox_->finish([this, closed_by_commands] {
    if (!driver_->created()) {
      return;
    }
    if (!closed_by_commands) {
      driver_->wait(driver_->close(CallShape{true, false}));
    }
    caller_.await_all();
    driver_->free_channel();
  });
  return world_->outcome();
}

}  // namespace lockstep::conformance::properties
