// One schedule of the channel scenario: a random caller script against a client channel.
//
// The caller creates a channel, sometimes misuses it before open (a send or receive, an open
// without an address), opens it, makes a few sends, receives and request_replies
// (concurrently or one by one; with a NULL or non-NULL async context; with or without a
// WS_ERROR; with buffers large enough or too small, which faults the channel), sometimes
// aborts it itself, closes it, and sometimes sends or closes once more. The fault-injector
// aborts it at drawn moments, the fake network delays, refuses and drops, and the scripted
// peer sometimes ends the session or drops the connection on the parting message sent just
// before close.
// Every decision is drawn through the simulation, so the seed and the decision log replay it.
// Receives are only issued while an echo is owed, so that a correct channel never leaves the
// caller waiting.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/host/world.h"
#include "lockstep/implementation.h"
#include "reference_implementation.h"
#include "scheduler/strategy.h"

namespace lockstep::conformance {

struct ChannelScheduleResult : harness::ScheduleOutcome {
  std::uint64_t calls_made = 0;
  std::uint64_t aborts = 0;
};

/// Runs one schedule of the channel scenario against `implementation`'s channel.
ChannelScheduleResult run_channel_schedule(const lockstep_implementation& implementation,
                                           std::uint64_t schedule_seed,
                                           std::unique_ptr<Strategy> strategy,
                                           const harness::ScheduleOptions& options = {});

/// The table of the reference implementation with `defects` (0: the correct reference).
reference_implementation reference_channel_table(unsigned defects);

}  // namespace lockstep::conformance
