// The wall clock of the machine running `lockstep`, for the command line only: the --time
// budget, the progress rate. It never reaches a simulation (schedules run on virtual time),
// and nothing it returns is written to report.json. The file name carries "real_host" so
// that the banned-API scan (scheduler/tests/banned_api_scan.cpp), which keeps real clocks out
// of scheduler/ and harness/, knows this is the one sanctioned place.
#pragma once

namespace lockstep::runner {

/// Seconds on a monotonic clock shared by this process and its forked workers.
double real_host_seconds();

}  // namespace lockstep::runner
