// Building the service property's world, its client fibers, and finishing its schedule.
#include "conformance/properties/service_system.h"

#include "conformance/properties/property_case.h"

namespace lockstep::conformance::properties {

namespace {

constexpr std::uint64_t kClientGraceNs = 100'000'000;

}  // namespace

std::string host_call_shape_text(const HostCallShape& shape) {
  return std::string(shape.with_context ? "context" : "null-context") + ", " +
         (shape.with_error ? "error" : "no-error");
}

std::string ServiceCaseSettings::to_text() const {
  return std::string(full_fault_disclosure ? "full" : "minimal") +
         " fault disclosure, close timeout " + std::to_string(close_timeout_ns) + " ns, open(" +
         host_call_shape_text(open_shape) + "), final close(" +
         host_call_shape_text(final_close_shape) + ")";
}

void ServiceCaller::connect_client() {
  ServiceClientSlot& slot = clients.emplace_back();
  slot.index = clients.size() - 1;
  harness::World* owner = world;
  ServiceCaller* owner_caller = this;
  world->spawn_caller("client-" + std::to_string(slot.index), [&slot, owner, owner_caller] {
    Simulation& simulation = owner->simulation();
    slot.fiber = simulation.current_fiber();
    slot.client = std::make_unique<RawClient>(simulation, owner->network());
    slot.session_over = FAILED(slot.client->connect(kServiceAddress));
    while (!slot.leaving) {
      while (slot.actions.empty()) {
        slot.idle = true;
        simulation.block("client waiting for a command");
      }
      slot.idle = false;
      std::function<void(ServiceClientSlot&)> action = std::move(slot.actions.front());
      slot.actions.pop_front();
      action(slot);
    }
    owner_caller->driver->client_leaves(slot.client->id());
    slot.client->close();
    owner_caller->clients_ended->notify_all();
  });
}

bool ServiceCaller::clients_finished() const {
  for (const ServiceClientSlot& slot : clients) {
    if (slot.fiber == 0 || !world->simulation().fiber_finished(slot.fiber)) {
      return false;
    }
  }
  return true;
}

void ServiceCaller::post(std::size_t index, std::function<void(ServiceClientSlot&)> action) {
  ServiceClientSlot& slot = clients.at(index);
  slot.actions.push_back(std::move(action));
  if (slot.idle) {
    slot.idle = false;
    world->simulation().wake(slot.fiber);
  }
}

void ServiceCaller::request(std::size_t index, bool await_reply) {
  ServiceDriver* service = driver;
  post(index, [service, await_reply](ServiceClientSlot& slot) {
    if (slot.session_over) {
      return;
    }
    const std::uint32_t token = service->send_request(*slot.client, slot.ended_by_reply);
    if (token == 0) {
      slot.session_over = true;
      return;
    }
    if (!await_reply) {
      slot.leaving = true;  // away with the call in flight
      return;
    }
    switch (service->await_reply(*slot.client, token)) {
      case ServiceDriver::ReplyOutcome::go_on:
        break;
      case ServiceDriver::ReplyOutcome::ended_by_reply:
        slot.ended_by_reply = true;
        break;
      case ServiceDriver::ReplyOutcome::session_over:
        slot.session_over = true;
        break;
    }
  });
}

void ServiceCaller::leave(std::size_t index) {
  post(index, [](ServiceClientSlot& slot) { slot.leaving = true; });
}

void ServiceCaller::drop(std::size_t index) {
  const ServiceClientSlot& slot = clients.at(index);
  if (slot.client != nullptr && slot.client->id() != 0) {
    world->network().drop(slot.client->id());
  }
}

void ServiceCaller::start_close(HostCallShape shape) {
  if (close_started) {
    return;
  }
  close_started = true;
  ServiceDriver* service = driver;
  world->spawn_caller("closer", [service, shape] { service->close(shape); });
}

ServiceSystem::ServiceSystem(const lockstep_implementation& implementation,
                             std::uint64_t schedule_seed, const ServiceCaseSettings& settings,
                             std::unique_ptr<Strategy> strategy) {
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.fault_plan = property_fault_plan(schedule_seed);
  config.keep_trace_events = false;
  config.liveness_steps = 5'000;
  world_ = std::make_unique<harness::World>(
      config, strategy != nullptr ? std::move(strategy) : strategy_for_seed(schedule_seed));
  harness::SimulatedHost& service_host = world_->add_host(harness::HostConfig{"service-host"});
  harness::SimulatedHost& user_host = world_->add_host(harness::HostConfig{"service-operations"});
  ServiceDriverConfig driver_config;
  driver_config.fault_disclosure =
      settings.full_fault_disclosure ? WS_FULL_FAULT_DISCLOSURE : WS_MINIMAL_FAULT_DISCLOSURE;
  driver_config.close_timeout_ns = settings.close_timeout_ns;
  driver_ = std::make_unique<ServiceDriver>(*world_, service_host, user_host, implementation,
                                            driver_config);
  world_->on_schedule_end([this](bool world_quiet) { driver_->finish(world_quiet); });
  caller_.driver = driver_.get();
  caller_.world = world_.get();
  caller_.clients_ended = std::make_unique<WaitQueue>(world_->simulation());
  mailbox_ = std::make_unique<CallerMailbox>(*world_);
  final_close_shape_ = settings.final_close_shape;
  const HostCallShape open_shape = settings.open_shape;
  // A host that fails to open leaves every later command without effect; the driver's
  // checks still run at the end.
  mailbox_->issue([this, open_shape] { driver_->create_and_open(open_shape); });
}

ServiceSystem::~ServiceSystem() {
  // Fibers and pending events refer to the driver and the client slots.
  world_->simulation().shutdown();
}

void ServiceSystem::run_on_caller(std::function<void(ServiceCaller&)> action) {
  mailbox_->issue([this, action = std::move(action)] { action(caller_); });
}

harness::ScheduleOutcome ServiceSystem::finish() {
  mailbox_->finish([this] {
    for (std::size_t index = 0; index < caller_.clients.size(); ++index) {
      caller_.leave(index);
    }
    // The clients' queued requests get their replies before the close, so that a case's
    // requests reach the operation; a client still waiting after the grace period is left to
    // the close (and to the end-of-schedule checks). A blocking wait, woken when a client
    // ends or the grace period is over: never a poll.
    Simulation& simulation = world_->simulation();
    bool grace_over = false;
    const EventId grace = simulation.schedule(
        kClientGraceNs,
        [this, &grace_over] {
          grace_over = true;
          caller_.clients_ended->notify_all();
        },
        "client grace period");
    caller_.clients_ended->wait_until("waiting for the clients to finish",
                                      [&] { return grace_over || caller_.clients_finished(); });
    simulation.cancel(grace);
    if (!caller_.close_started) {
      caller_.close_started = true;
      driver_->close(final_close_shape_);
    }
    driver_->free_host();
  });
  return world_->outcome();
}

}  // namespace lockstep::conformance::properties
