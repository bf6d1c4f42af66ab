// The exit codes of the `lockstep` command (DESIGN.md's command line), in one place: scripts
// and CI jobs rely on them, and `lockstep --help` lists them (kExitCodesHelp).
#pragma once

namespace lockstep::cli {

/// run: every expectation held (self-check: correct implementations pass, each bundled mutant
/// is caught on its rule) or every rule held (--plain-verdict), on schedules that exercised
/// something; replay: not reproduced; shrink: the shrunk file was written.
inline constexpr int kExitPass = 0;
/// run: an unexpected failure (an implementation broke a rule it should hold, a mutant was not
/// caught on its rule), or nothing was exercised (no part provided, nothing past creation,
/// nothing applicable ran); replay: reproduced.
inline constexpr int kExitViolation = 1;
/// Bad usage or input, one line on stderr; a replay file that does not match this build.
inline constexpr int kExitUsage = 2;
/// A kept failure did not reproduce when re-run (the report is still written); replay: two
/// replays of the file gave different trace hashes.
inline constexpr int kExitNondeterminism = 3;

/// The footer of `lockstep --help`.
inline constexpr const char* kExitCodesHelp =
    "Exit codes:\n"
    "  0      run: every expectation held (references pass, each bundled mutant is caught on\n"
    "         the rule it declares; with --plain-verdict: every rule held on every schedule);\n"
    "         replay: not reproduced\n"
    "  1      run: an unexpected failure (a rule broken by an implementation that should hold\n"
    "         it, a plugin's failure, a mutant not caught on its rule), or nothing exercised;\n"
    "         replay: reproduced\n"
    "  2      bad usage or input (one line on stderr); a replay file that does not match\n"
    "         this build\n"
    "  3      nondeterminism: a failure did not reproduce its trace hash on the same build\n"
    "  128+N  run: interrupted by signal N before any unexpected failure\n";

}  // namespace lockstep::cli
