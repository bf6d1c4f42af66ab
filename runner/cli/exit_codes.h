// The exit codes of the `lockstep` command (DESIGN.md's command line), in one place: scripts
// and CI jobs rely on them, and `lockstep --help` lists them.
#pragma once

namespace lockstep::cli {

/// Every rule holds on schedules that exercised something (replay: not reproduced).
inline constexpr int kExitPass = 0;
/// A violation was found, or nothing was exercised (no part provided, nothing past creation,
/// nothing applicable ran) (replay: reproduced).
inline constexpr int kExitViolation = 1;
/// Bad usage or input, one line on stderr; a replay file that does not match this build.
inline constexpr int kExitUsage = 2;
/// A kept failure did not reproduce when re-run (the report is still written); replay: two
/// replays of the file gave different trace hashes.
inline constexpr int kExitNondeterminism = 3;

}  // namespace lockstep::cli
