// std::chrono::steady_clock is monotonic and system-wide on Linux (CLOCK_MONOTONIC), so a
// deadline computed before fork means the same instant in every worker.
#include "runner/real_host_clock.h"

#include <chrono>

namespace lockstep::runner {

double real_host_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace lockstep::runner
