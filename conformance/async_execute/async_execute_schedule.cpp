// The WsAsyncExecute scenario's schedules: chain scripts drawn through the simulation, run by
// the AsyncChainDriver.
#include "conformance/async_execute/async_execute_schedule.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "conformance/async_execute/async_chain_driver.h"

namespace lockstep::conformance {

namespace {

// The draws, in this order, are part of every schedule's decision log: keep them stable.
AsyncChainScript draw_chain(Simulation& simulation) {
  AsyncChainScript script;
  script.long_synchronous = simulation.chance(1, 8);
  if (!script.long_synchronous) {
    const std::uint64_t length = 1 + simulation.integer(6);
    for (std::uint64_t step = 0; step < length; ++step) {
      AsyncChainStep drawn;
      drawn.result = simulation.chance(1, 4) ? WS_E_OTHER : S_OK;
      const std::uint64_t draw = simulation.integer(3);
      drawn.mode = draw == 0 ? AsyncStepMode::synchronous
                             : (draw == 1 ? AsyncStepMode::later : AsyncStepMode::early);
      script.steps.push_back(drawn);
    }
  }
  script.with_context = simulation.chance(3, 4);
  script.with_error = simulation.chance(1, 2);
  return script;
}

}  // namespace

AsyncExecuteScheduleResult run_async_execute_schedule(const lockstep_implementation& implementation,
                                                      std::uint64_t schedule_seed,
                                                      std::unique_ptr<Strategy> strategy,
                                                      const harness::ScheduleOptions& options) {
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.keep_trace_events = options.keep_trace_events;
  config.stack_pool = options.stack_pool;
  // A scaled schedule (options.operation_count) gets a step budget in proportion.
  config.max_steps = 400'000 + 400 * options.operation_count;
  harness::World world(config, std::move(strategy));
  Simulation& simulation = world.simulation();
  harness::HostConfig host_config;
  host_config.name = implementation.name != nullptr ? implementation.name : "implementation";
  host_config.worker_threads = static_cast<std::uint32_t>(1 + simulation.integer(3));
  harness::SimulatedHost& host = world.add_host(host_config);
  AsyncChainDriver driver(world, host, implementation);

  const std::uint64_t chain_count =
      options.operation_count > 0 ? options.operation_count : 1 + simulation.integer(3);
  world.spawn_caller("caller", [&] {
    std::vector<harness::MonitoredCall*> in_flight;
    for (std::uint64_t index = 0; index < chain_count; ++index) {
      harness::MonitoredCall& call = driver.start(draw_chain(simulation));
      if (simulation.chance(1, 2)) {
        driver.wait(call);
      } else {
        in_flight.push_back(&call);
      }
    }
    for (harness::MonitoredCall* call : in_flight) {
      driver.wait(*call);
    }
  });
  world.run();
  AsyncExecuteScheduleResult result;
  static_cast<harness::ScheduleOutcome&>(result) = world.outcome();
  result.chains = driver.chains();
  result.steps_run = driver.steps_run();
  world.simulation().shutdown();  // fibers refer to the driver, which goes before the world
  return result;
}

}  // namespace lockstep::conformance
