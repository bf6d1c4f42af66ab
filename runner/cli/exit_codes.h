// The exit codes of the `lockstep` command (DESIGN.md's command line), in one place: scripts
// and CI jobs rely on them, and `lockstep --help` lists them.
#pragma once

namespace lockstep::cli {

inline constexpr int kExitPass = 0;            ///< every rule holds (replay: not reproduced)
inline constexpr int kExitViolation = 1;       ///< a violation was found (replay: reproduced)
inline constexpr int kExitUsage = 2;           ///< bad usage or input; one line on stderr
inline constexpr int kExitNondeterminism = 3;  ///< a failure did not reproduce its trace hash

}  // namespace lockstep::cli
