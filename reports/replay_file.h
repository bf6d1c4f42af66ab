// The replay file: everything needed to re-execute one schedule, as versioned text.
//
//   lockstep-replay 3
//   implementation archetype-context-by-pointer
//   library
//   library-sha256
//   build 0.1.0 GNU-12.2.0 RelWithDebInfo
//   suite echo
//   run-seed 1
//   schedule 0
//   seed 11971499181233721091
//   strategy pct:3
//   pct-steps 65
//   fault-plan delay<=0ns drop=0/1000 ...
//   rule AM5
//   timeout-ms 300            (only in the files of crashes, hangs and memory blow-ups)
//   trace-hash 0123456789abcdef
//   explanation AM5 at step 21 (t=0 ns, thread 3) in echo#1: ...
//   decisions s3:1 c2:0 i100:42
//   end
//
// One key per line, in this order; values run to the end of the line. For a plugin,
// `implementation` is the table's name, `library` the absolute path it was loaded from and
// `library-sha256` the file's SHA-256: a replay that no longer reproduces tells from them
// whether the implementation changed (a fix, a rebuild) or the same code diverged
// (nondeterminism); for a bundled implementation both are empty and `build` names the code.
// `pct-steps` is PCT's k, the step count its change points were drawn over (0 under random
// walk). `timeout-ms` is optional: the wall-clock limit the schedule ran under when it did not
// come back from its worker, so that replaying a hang waits as long. The final `end` line
// tells a complete file from a truncated one. Version 2 files (the same without the two
// library lines; a plugin's `implementation` was its path) still read. A file of another
// version is refused with a message naming both versions (version 1 files decided
// differently: the suites have changed since). Parsing never throws and never crashes on any
// input
// (a fuzz test holds it to that); every error is one line naming the problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scheduler/decision_log.h"

namespace lockstep::reports {

/// 3: the plugin's library and its SHA-256 are recorded. 2: the channel and service suites
/// decide differently from version 1 (closing is always allowed, the size quota faults the
/// channel, drivers wait on WaitQueues, the service host is freed on a simulated thread,
/// operations that complete only when cancelled), so a version-1 decision log no longer
/// replays the schedule it recorded; and PCT's k is recorded (pct-steps).
inline constexpr int kReplayFormatVersion = 3;
/// The oldest version read: 2 (no library lines), which decides exactly as 3 does.
inline constexpr int kOldestReadableReplayFormat = 2;

struct ReplayFile {
  std::string implementation;
  std::string library;         ///< a plugin's absolute path; empty for bundled code
  std::string library_sha256;  ///< of that file; empty for bundled code
  std::string build;
  std::string suite;
  std::uint64_t run_seed = 0;
  std::uint64_t schedule_index = 0;
  std::uint64_t schedule_seed = 0;
  std::string strategy;
  std::uint64_t pct_steps = 0;  ///< PCT's k for the strategy; 0 when it is not PCT
  std::string fault_plan;
  std::string rule;
  std::uint64_t timeout_ms = 0;  ///< 0: not recorded
  std::uint64_t trace_hash = 0;
  std::string explanation;
  DecisionLog decisions;

  friend bool operator==(const ReplayFile&, const ReplayFile&) = default;
};

std::string to_text(const ReplayFile& replay);
/// Parses a replay file's text. On failure returns nullopt and sets `error` to one line.
std::optional<ReplayFile> parse_replay_file(std::string_view text, std::string& error);
/// Reads and parses `path`; a missing, unreadable or empty file is a one-line error too.
std::optional<ReplayFile> read_replay_file(const std::string& path, std::string& error);
/// Writes atomically (a temporary file beside it, then rename; the temporary file is removed
/// on any failure). A `path` that is a directory is refused.
bool write_replay_file(const ReplayFile& replay, const std::string& path, std::string& error);

/// This build's identity, recorded in replay files: version, compiler, build type, sanitizers.
std::string build_id();

}  // namespace lockstep::reports
