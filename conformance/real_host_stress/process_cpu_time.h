// CPU time of the whole process (every thread), the budget unit of a real-host stress run.
//
// Real threads spend their time in the implementation, in the host and in the kernel; the
// stress loop is held to a CPU budget (not wall time) so that it can be compared with the
// simulated suites for the same cost.
#pragma once

namespace lockstep::stress {

/// User plus system CPU seconds of this process so far (CLOCK_PROCESS_CPUTIME_ID).
double process_cpu_seconds();

/// Seconds on the monotonic clock (for wall-clock caps and AM11 bounds).
double wall_seconds();

}  // namespace lockstep::stress
