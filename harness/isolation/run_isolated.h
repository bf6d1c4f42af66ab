// Running untrusted work where it cannot take the harness down (DESIGN.md principle 5).
//
// run_isolated() forks, runs `work` in the child, and turns whatever happens there into an
// IsolatedOutcome: the string it returned, the signal that killed it (segfault, abort, bus
// error, stack overflow), a wall-clock timeout (the child is killed with SIGKILL), an exhausted
// memory limit, or an exception, an unexpected exit, or (in AddressSanitizer builds) a
// sanitizer's report. Invariants: the child is always reaped and the pipe always closed before
// run_isolated returns, so the parent can run any number of them in a row; the child leaves with _exit, never running atexit handlers or flushing stdio the
// parent had buffered (both are flushed before the fork); every describe() is one line.
//
// fork() copies only the calling thread: call this from a process whose other threads (if any)
// hold no locks the work needs. The test binaries and the runner are single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace lockstep::harness {

struct IsolationLimits {
  /// Wall-clock budget of the child, from fork to exit.
  std::uint64_t wall_clock_ms = 10'000;
  /// The child's address-space limit (RLIMIT_AS), including what it inherits from the parent;
  /// 0 for none. Not applied in AddressSanitizer builds (see memory_limit_enforced()).
  std::uint64_t memory_bytes = std::uint64_t{1} << 30;
};

enum class IsolatedOutcomeKind { completed, crashed, timed_out, memory_exceeded, failed };

struct IsolatedOutcome {
  IsolatedOutcomeKind kind = IsolatedOutcomeKind::failed;
  std::string result;      ///< completed: the string `work` returned
  int signal_number = 0;   ///< crashed: the signal that ended the child
  std::string message;     ///< failed: one line, what went wrong
  IsolationLimits limits;  ///< the limits the child ran under

  /// One line: "completed: returned 12 bytes", "crashed: killed by SIGSEGV (signal 11)", ...
  std::string describe() const;
};

/// "SIGSEGV" for the signals a crash or a kill is made of, "signal 42" for others.
std::string signal_name(int signal_number);

/// False in AddressSanitizer builds: ASan reserves terabytes of address space up front, so an
/// address-space limit would fail every child. A memory blow-up there is left to ASan itself.
bool memory_limit_enforced();

/// Runs `work` in a forked child under `limits` and reports what happened.
IsolatedOutcome run_isolated(const std::function<std::string()>& work,
                             const IsolationLimits& limits);

}  // namespace lockstep::harness
