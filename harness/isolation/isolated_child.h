// The child's side of run_isolated (internal to harness/isolation): prepare the process, run
// the work, write one frame, leave with _exit.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "harness/isolation/run_isolated.h"

namespace lockstep::harness::isolation {

/// Never returns. `result_fd` is the pipe's write end; `parent` the parent's process id.
[[noreturn]] void run_child(const std::function<std::string()>& work, const IsolationLimits& limits,
                            int result_fd, pid_t parent);

}  // namespace lockstep::harness::isolation
