// The service schedule's script: who runs, when, and what the world does at its end.
#include "conformance/service/service_schedule.h"

#include <string>

#include "conformance/service/service_driver.h"

namespace lockstep::conformance {

namespace {

constexpr std::uint64_t kMillisecondNs = 1'000'000;

}  // namespace

ServiceScheduleResult run_service_schedule(const lockstep_implementation& implementation,
                                           std::uint64_t schedule_seed,
                                           std::unique_ptr<Strategy> strategy,
                                           const harness::ScheduleOptions& options) {
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.keep_trace_events = options.keep_trace_events;
  config.stack_pool = options.stack_pool;
  harness::World world(config, std::move(strategy));
  harness::SimulatedHost& service_host = world.add_host(harness::HostConfig{"service-host"});
  harness::SimulatedHost& user_host = world.add_host(harness::HostConfig{"service-operations"});
  Simulation& simulation = world.simulation();

  ServiceDriverConfig driver_config;
  driver_config.fault_disclosure =
      simulation.chance(1, 2) ? WS_FULL_FAULT_DISCLOSURE : WS_MINIMAL_FAULT_DISCLOSURE;
  static constexpr std::uint64_t kCloseTimeoutChoicesNs[] = {0, kMillisecondNs, 4 * kMillisecondNs};
  driver_config.close_timeout_ns = kCloseTimeoutChoicesNs[simulation.integer(3)];
  ServiceDriver driver(world, service_host, user_host, implementation, driver_config);

  // An injected abort matters while calls are in flight (SV4, SV5); before any, it would only
  // end the schedule's service before it began.
  world.on_injected_abort([&driver] {
    if (driver.calls_in_flight() > 0) {
      driver.abort();
    }
  });
  world.on_schedule_end([&driver](bool world_quiet) { driver.finish(world_quiet); });
  world.spawn_caller("service-owner", [&] {
    if (!driver.create_and_open()) {
      driver.free_host();
      return;
    }
    const std::uint64_t clients = 1 + simulation.integer(3);
    for (std::uint64_t client = 0; client < clients; ++client) {
      const auto requests = static_cast<std::uint32_t>(2 + simulation.integer(4));
      world.spawn_caller("client-" + std::to_string(client),
                         [&driver, requests] { driver.run_client(requests); });
    }
    if (simulation.chance(1, 4)) {
      world.spawn_caller("aborter", [&] {
        // An abort while calls are in flight, if one comes within a few tries (SV4, SV5).
        for (int attempt = 0; attempt < 5; ++attempt) {
          simulation.sleep_for(1 + simulation.integer(3 * kMillisecondNs));
          if (driver.calls_in_flight() > 0) {
            driver.abort();
            return;
          }
        }
      });
    }
    // Sometimes while the clients are still busy (SV6), mostly once they are about done.
    simulation.sleep_for(2 * kMillisecondNs + simulation.integer(simulation.chance(1, 3)
                                                                     ? 8 * kMillisecondNs
                                                                     : 40 * kMillisecondNs));
    driver.close();
    driver.free_host();  // on this simulated thread, once nothing can call into the host
  });

  world.run();
  ServiceScheduleResult result;
  static_cast<harness::ScheduleOutcome&>(result) = world.outcome();
  result.calls_invoked = driver.calls_invoked();
  result.heaps_released_while_reply_in_flight = driver.heaps_released_while_reply_in_flight();
  result.heaps_released_before_fault_reply = driver.heaps_released_before_fault_reply();
  simulation.shutdown();  // unwind the fibers while the driver they refer to still exists
  return result;
}

}  // namespace lockstep::conformance
