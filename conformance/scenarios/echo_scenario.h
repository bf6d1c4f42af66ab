// The echo scenario: a caller drives an "echo call" implementation over the fake network.
//
// Until the full suites exist this is the scenario `lockstep run` executes. Per schedule the
// caller connects to a scripted echo peer, then makes 2-5 echo calls whose shape is drawn
// through the simulation: a NULL or non-NULL async context, a WS_ERROR or none, waiting at
// once or leaving the call in flight. Injected aborts close the connection under the calls.
// Every call goes through the monitor, so all of AM1-AM7, AM9 and AM11 are checked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/host/world.h"
#include "scheduler/strategy.h"

namespace lockstep::conformance {

/// An implementation of the echo call, with what it is known to do.
struct EchoImplementation {
  std::string name;         ///< stable kebab-case name
  std::string description;  ///< one line
  std::string breaks;       ///< the rule it breaks; empty for a correct implementation
  std::string bug_class;    ///< the kind of real bug it imitates
  unsigned defects = 0;     ///< archetype_defect flags
};

/// The bundled echo implementations: the correct archetype and its single-defect variants.
const std::vector<EchoImplementation>& bundled_echo_implementations();
const EchoImplementation* find_echo_implementation(const std::string& name);

struct EchoScheduleResult : harness::ScheduleOutcome {
  std::uint64_t calls_made = 0;
};

/// Runs one schedule of the echo scenario for `implementation`.
EchoScheduleResult run_echo_schedule(const EchoImplementation& implementation,
                                     std::uint64_t schedule_seed,
                                     std::unique_ptr<Strategy> strategy,
                                     const harness::ScheduleOptions& options = {});

}  // namespace lockstep::conformance
