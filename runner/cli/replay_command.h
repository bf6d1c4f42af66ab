// `lockstep replay FILE|STRING` and `lockstep shrink FILE`.
//
// Replay re-executes the recorded schedule with the replay strategy and compares trace hashes.
// Three cases, told apart by the library's SHA-256 (or, for bundled code, the build id) that the
// file records:
//   - the same trace hash: the failure reproduced bit for bit (exit 1);
//   - another hash from the same implementation: the build is not deterministic (exit 3);
//   - another hash because the implementation changed (a rebuilt or fixed library): the schedule
//     is run again as near to the recorded one as the changed code allows (guided by the log),
//     and the recorded rule either still breaks (exit 1) or now holds (exit 0, said so).
// A crash, hang or memory blow-up is replayed in a child process under the same limits, or with
// --in-process in this one, for a debugger (the command to do that is printed).
// `--impl PATH` points the replay at a moved or rebuilt plugin library.
//
// A reproduce string (reports/reproduce_token.h) instead of a file regenerates the schedule from
// the run's seed and the schedule's index and runs it (exit 1 when it breaks a rule, 0 when
// every rule holds).
//
// Shrink minimises the decision log while the same rule still breaks, and writes the smaller
// replay file.
#pragma once

#include <cstdint>
#include <string>

#include "runner/cli/exit_codes.h"

namespace lockstep::cli {

struct ReplayOptions {
  std::string replay_path;        ///< a .replay file, or a reproduce string
  std::string chrome_trace_path;  ///< empty: none
  bool verbose = false;
  std::uint64_t schedule_timeout_ms = 0;  ///< for schedules replayed in a child; 0: 10 s
  std::string implementation;             ///< --impl: replay on this library instead
  bool in_process = false;                ///< --in-process: no child process, for a debugger
};

int replay_command(const ReplayOptions& options);

struct ShrinkOptions {
  std::string replay_path;
  std::string output_path;        ///< empty: FILE with ".shrunk.replay"
  std::uint64_t max_runs = 2000;  ///< edited schedules to try (run --report uses --shrink-runs)
};

int shrink_command(const ShrinkOptions& options);

}  // namespace lockstep::cli
