// One schedule of a pattern suite: a client pattern against a service pattern, over the
// dispatcher, with the family under test on at least one side (rules AP1-AP5, EV1-EV7,
// TK1-TK5 by family, and MX1 for every exchange).
//
// The scenario draws (through the simulation, so the decision log holds them): which of the
// family's seven combinations runs, the worker threads of the client and service hosts, one
// or two clients with one to four calls each (one in six one-way), every call's plan, how
// each request through the proxy's channel and each run of the service's work completes
// (synchronously, later, early, refused synchronously; the work failing or honouring
// cancellation), and the pauses between calls. The world's fault plan adds delays, refused
// connects and connection drops. A schedule is a pure function of (implementation, family,
// schedule seed, strategy).
#pragma once

#include <cstdint>
#include <memory>

#include "conformance/patterns/pattern_plans.h"
#include "harness/host/world.h"
#include "lockstep/implementation.h"
#include "scheduler/strategy.h"

namespace lockstep::conformance {

struct PatternScheduleResult : harness::ScheduleOutcome {
  PatternCombination combination;
  std::uint64_t calls = 0;  ///< client calls made (attempts that had to be refused included)
};

PatternScheduleResult run_pattern_schedule(const lockstep_implementation& implementation,
                                           PatternFamily family, std::uint64_t schedule_seed,
                                           std::unique_ptr<Strategy> strategy,
                                           const harness::ScheduleOptions& options = {});

/// The same with the combination given instead of drawn (any of the sixteen, the harness's
/// own plain client against its synchronous service included): for tests of the harness.
PatternScheduleResult run_pattern_schedule_with(const lockstep_implementation& implementation,
                                                PatternCombination combination,
                                                std::uint64_t schedule_seed,
                                                std::unique_ptr<Strategy> strategy,
                                                const harness::ScheduleOptions& options = {});

/// Whether `implementation` provides the part of `family` (the suite applies).
bool provides_pattern(const lockstep_implementation& implementation, PatternFamily family);

/// The roles the part of `family` has: a client proxy, a service (both false without the part).
struct PatternRoles {
  bool client = false;
  bool service = false;
};
PatternRoles pattern_roles(const lockstep_implementation& implementation, PatternFamily family);

}  // namespace lockstep::conformance
