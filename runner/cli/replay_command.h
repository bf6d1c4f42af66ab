// `lockstep replay FILE` and `lockstep shrink FILE`.
//
// Replay re-executes the recorded schedule with the replay strategy and compares trace hashes:
// the same hash means the failure reproduced bit for bit (exit 1); another hash means the
// build or the implementation is not deterministic (exit 3). Shrink minimises the decision log
// while the same rule still breaks, and writes the smaller replay file.
#pragma once

#include <cstdint>
#include <string>

#include "runner/cli/exit_codes.h"

namespace lockstep::cli {

struct ReplayOptions {
  std::string replay_path;
  std::string chrome_trace_path;  ///< empty: none
  bool verbose = false;
  std::uint64_t schedule_timeout_ms = 0;  ///< for schedules replayed in a child; 0: 10 s
};

int replay_command(const ReplayOptions& options);

struct ShrinkOptions {
  std::string replay_path;
  std::string output_path;        ///< empty: FILE with ".shrunk.replay"
  std::uint64_t max_runs = 2000;  ///< edited schedules to try (run --report uses --shrink-runs)
};

int shrink_command(const ShrinkOptions& options);

}  // namespace lockstep::cli
