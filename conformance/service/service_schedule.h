// One schedule of the service suite: a service host under test, 1-3 clients making requests,
// operations whose behaviour is drawn per call, an abort (injected by the world's fault plan
// or drawn by the scenario), and a close at a drawn moment. Every SV check of ServiceDriver
// runs; open, close and abort also go through the monitor (AM rules, liveness).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "harness/host/world.h"
#include "lockstep/implementation.h"
#include "scheduler/strategy.h"

namespace lockstep::conformance {

struct ServiceScheduleResult : harness::ScheduleOutcome {
  std::uint64_t calls_invoked = 0;
  /// See ServiceDriver: early heap releases SV7 allows, counted so tests can see them happen.
  std::uint64_t heaps_released_while_reply_in_flight = 0;
  std::uint64_t heaps_released_before_fault_reply = 0;
};

/// Runs one schedule for `implementation` (its service_host must not be NULL). The fault plan
/// is FaultPlan::draw(schedule_seed).
ServiceScheduleResult run_service_schedule(const lockstep_implementation& implementation,
                                           std::uint64_t schedule_seed,
                                           std::unique_ptr<Strategy> strategy,
                                           const harness::ScheduleOptions& options = {});

}  // namespace lockstep::conformance
