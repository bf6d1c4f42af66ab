// The ways a schedule can fail to come back from its worker process, as rule ids of their own,
// and the limits a worker runs schedules under.
//
// When a worker does not answer a schedule, the schedule's abnormal outcome names why:
// "crash-SIGSEGV" (the signal's name), "hang" (the worker was killed after the wall-clock
// timeout), "memory-exceeded", or "isolation-failed" (anything else: an exit in the middle of a
// schedule, a sanitizer's report). Those ids are what replay files and reports carry; replaying
// such a file runs the schedule in a worker again and expects the same id.
#pragma once

#include <cstdint>
#include <string>

#include "harness/isolation/run_isolated.h"
#include "harness/isolation/worker_process.h"

namespace lockstep::runner {

/// --timeout-ms by default: the wall-clock time one schedule may take in its worker.
inline constexpr std::uint64_t kDefaultScheduleTimeoutMs = 10'000;

/// `requested` (0: the default).
std::uint64_t schedule_timeout_ms(std::uint64_t requested);
/// The limits of a worker process that runs schedules: 2 GiB of address space.
harness::WorkerLimits schedule_worker_limits();

/// True for the ids above.
bool is_isolation_rule(const std::string& rule);

/// The id for a worker that ended while running a schedule (not for a completed one).
std::string isolation_rule_of(const harness::IsolatedOutcome& outcome);
/// One line for reports: why the schedule did not come back.
std::string isolation_explanation(const harness::IsolatedOutcome& outcome);

}  // namespace lockstep::runner
