// The parent's side of run_isolated (internal to harness/isolation): collect what the child
// writes while it runs, stop it when its wall-clock budget is spent, reap it.
//
// This is the one place in harness/ that reads a real clock: it measures the runner, not the
// simulated world, so the name carries `real_host` and the banned-API scan exempts it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace lockstep::harness::isolation {

struct ChildReport {
  std::string bytes;       ///< everything the child wrote to the pipe
  int wait_status = 0;     ///< waitpid's status; meaningless when timed_out or wait_errno
  bool timed_out = false;  ///< the budget ran out and the child was killed with SIGKILL
  int wait_errno = 0;      ///< nonzero: waitpid failed, the child's fate is unknown
};

/// Reads `read_fd` while `child` runs (so a payload larger than the pipe cannot block it),
/// kills it with SIGKILL at `wall_clock_ms`, and always reaps it. Does not close `read_fd`.
ChildReport watch_child(pid_t child, int read_fd, std::uint64_t wall_clock_ms);

}  // namespace lockstep::harness::isolation
