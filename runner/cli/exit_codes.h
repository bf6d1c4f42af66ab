// The exit codes of the `lockstep` command (DESIGN.md's command line), in one place: scripts
// and CI jobs rely on them, and `lockstep --help` lists them (kExitCodesHelp).
#pragma once

namespace lockstep::cli {

/// run: every expectation held (self-check) or every rule held (--plain-verdict); replay: the
/// changed implementation now holds the rule; shrink: the shrunk file was written.
inline constexpr int kExitPass = 0;
/// run: an unexpected failure (an implementation broke a rule it should hold, or a mutant was
/// not caught on its rule); replay: the failure reproduced.
inline constexpr int kExitViolation = 1;
inline constexpr int kExitUsage = 2;           ///< bad usage or input; one line on stderr
inline constexpr int kExitNondeterminism = 3;  ///< a failure did not reproduce its trace hash

/// The footer of `lockstep --help`.
inline constexpr const char* kExitCodesHelp =
    "Exit codes:\n"
    "  0      run: every expectation held (references pass, each bundled mutant is caught on\n"
    "         the rule it declares; with --plain-verdict: every rule held on every schedule);\n"
    "         replay: the implementation changed and the recorded rule now holds\n"
    "  1      run: an unexpected failure (a rule broken by an implementation that should hold\n"
    "         it, a plugin's failure, a mutant not caught on its rule); replay: reproduced\n"
    "  2      bad usage or input (one line on stderr)\n"
    "  3      nondeterminism: a failure did not reproduce its trace hash on the same build\n"
    "  128+N  run: interrupted by signal N before any unexpected failure\n";

}  // namespace lockstep::cli
