// The replay file: everything needed to re-execute one schedule, as versioned text.
//
//   lockstep-replay 2
//   implementation archetype-context-by-pointer
//   library
//   library-sha256
//   build 0.1.0 GNU-12.2.0 RelWithDebInfo
//   suite echo
//   run-seed 1
//   schedule 0
//   seed 11971499181233721091
//   strategy random
//   fault-plan delay<=0ns drop=0/1000 ...
//   rule AM5
//   trace-hash 0123456789abcdef
//   explanation AM5 at step 21 (t=0 ns, thread 3) in echo#1: ...
//   decisions s3:1 c2:0 i100:42
//   end
//
// One key per line, in this order; values run to the end of the line. The final `end` line
// tells a complete file from a truncated one. For a plugin, `implementation` is the table's
// name, `library` the absolute path it was loaded from and `library-sha256` the file's SHA-256:
// a replay that no longer reproduces tells from it whether the implementation changed (a fix)
// or the same build diverged (nondeterminism). For a bundled implementation both are empty and
// `build` identifies the code. Version 1 files (no library lines; a plugin's `implementation`
// was its path) still read; a file of any other version is refused with a message naming both
// versions. Parsing never throws and never crashes on any input
// (a fuzz test holds it to that); every error is one line naming the problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scheduler/decision_log.h"

namespace lockstep::reports {

inline constexpr int kReplayFormatVersion = 2;
inline constexpr int kOldestReadableReplayFormat = 1;

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
  std::string fault_plan;
  std::string rule;
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
/// Writes atomically (temporary file, then rename).
bool write_replay_file(const ReplayFile& replay, const std::string& path, std::string& error);

/// This build's identity, recorded in replay files: version, compiler, build type, sanitizers.
std::string build_id();

}  // namespace lockstep::reports
