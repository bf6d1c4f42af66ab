// Building the async-execute property's world and finishing its schedule.
#include "conformance/properties/async_execute_system.h"

#include "conformance/properties/property_case.h"

namespace lockstep::conformance::properties {

namespace {

// As the WsAsyncExecute suite: a long synchronous chain over a recursing implementation
// takes many steps before the stack check cuts it short.
constexpr std::uint64_t kMaxSteps = 400'000;

}  // namespace

std::string AsyncExecuteCaseSettings::to_text() const {
  return std::to_string(worker_threads) + " worker thread" + (worker_threads == 1 ? "" : "s");
}

void AsyncExecuteCaller::start_chain(const AsyncChainScript& script, bool await) {
  harness::MonitoredCall& call = driver->start(script);
  if (await) {
    driver->wait(call);
  } else {
    in_flight.push_back(&call);
  }
}

void AsyncExecuteCaller::await_all() {
  for (harness::MonitoredCall* call : in_flight) {
    driver->wait(*call);
  }
  in_flight.clear();
}

AsyncExecuteSystem::AsyncExecuteSystem(const lockstep_implementation& implementation,
                                       std::uint64_t schedule_seed,
                                       const AsyncExecuteCaseSettings& settings,
                                       std::unique_ptr<Strategy> strategy) {
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.fault_plan = property_fault_plan(schedule_seed);
  config.keep_trace_events = false;
  config.max_steps = kMaxSteps;
  world_ = std::make_unique<harness::World>(
      config, strategy != nullptr ? std::move(strategy) : strategy_for_seed(schedule_seed));
  harness::HostConfig host_config;
  host_config.name = implementation.name != nullptr ? implementation.name : "implementation";
  host_config.worker_threads = settings.worker_threads;
  harness::SimulatedHost& host = world_->add_host(host_config);
  driver_ = std::make_unique<AsyncChainDriver>(*world_, host, implementation);
  caller_.driver = driver_.get();
  caller_.simulation = &world_->simulation();
  mailbox_ = std::make_unique<CallerMailbox>(*world_);
}

AsyncExecuteSystem::~AsyncExecuteSystem() {
  // Fibers and queued completions refer to the driver and the caller's calls.
  world_->simulation().shutdown();
}

void AsyncExecuteSystem::run_on_caller(std::function<void(AsyncExecuteCaller&)> action) {
  mailbox_->issue([this, action = std::move(action)] { action(caller_); });
}

harness::ScheduleOutcome AsyncExecuteSystem::finish() {
  mailbox_->finish([this] { caller_.await_all(); });
  return world_->outcome();
}

}  // namespace lockstep::conformance::properties
