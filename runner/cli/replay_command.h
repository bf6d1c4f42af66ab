// `lockstep replay FILE` and `lockstep shrink FILE`.
//
// Both check the file against this build before anything runs (a known rule, a seed that is the
// one its run seed and schedule give, a strategy, an implementation and a suite that applies to
// it: one line and exit 2 otherwise), and run the schedule only in a worker process. Replay
// re-executes the recorded schedule with the replay strategy and compares trace hashes: the
// same hash means the failure reproduced bit for bit (exit 1). A file that does not fit this
// build's schedule (its log diverges or is not used up, its fault plan differs, or this build
// gives another hash every time it is replayed) is exit 2 saying what differs; a build that
// gives two different hashes for the same file is not deterministic (exit 3). A crash, hang or
// memory blow-up is re-run under the timeout the file records. Shrink minimises the decision
// log while the same rule still breaks, and writes the smaller replay file (-o FILE, or into
// -o DIR).
//
// A plugin's file records its library's SHA-256: when the library under replay differs (a fix,
// a rebuild; `--impl PATH` points at another one), the schedule is run as near to the recorded
// one as the changed code allows (guided by the log) and the recorded rule either still breaks
// (exit 1) or now holds (exit 0), said so.
//
// A reproduce string (reports/reproduce_token.h) instead of a file regenerates the schedule from
// the run's seed and the schedule's index and runs it in a worker (exit 1 when it breaks a
// rule, 0 when every rule holds).
#pragma once

#include <cstdint>
#include <string>

#include "runner/cli/exit_codes.h"

namespace lockstep::cli {

struct ReplayOptions {
  std::string replay_path;
  std::string chrome_trace_path;  ///< empty: none
  bool verbose = false;
  /// The worker's wall-clock limit; 0: the file's timeout-ms, else 10 s.
  std::uint64_t schedule_timeout_ms = 0;
  std::string implementation;  ///< --impl: replay on this plugin library instead
  /// --in-process: run the schedule here, not in a worker, for a debugger (the one command in
  /// which an implementation's code runs in lockstep's own process, because the user asks).
  bool in_process = false;
};

int replay_command(const ReplayOptions& options);

struct ShrinkOptions {
  std::string replay_path;
  std::string output_path;        ///< empty: FILE with ".shrunk.replay"; a directory: in it
  std::uint64_t max_runs = 2000;  ///< edited schedules to try (run --report uses --shrink-runs)
};

int shrink_command(const ShrinkOptions& options);

}  // namespace lockstep::cli
