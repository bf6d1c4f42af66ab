// The process CPU clock and the wall clock of a stress run.
#include "conformance/real_host_stress/process_cpu_time.h"

#include <time.h>

namespace lockstep::stress {

namespace {
double seconds_of(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}
}  // namespace

double process_cpu_seconds() {
  return seconds_of(CLOCK_PROCESS_CPUTIME_ID);
}
double wall_seconds() {
  return seconds_of(CLOCK_MONOTONIC);
}

}  // namespace lockstep::stress
