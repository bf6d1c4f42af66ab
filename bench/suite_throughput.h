// Schedules and steps per CPU-second of each suite, in process, on its correct implementation.
//
// Why it exists: the harness is worth what it finds per CPU-second, and the schedules of the
// suites are where that CPU goes. Schedules run one after another on one thread with a shared
// stack pool (as a `lockstep run --jobs 1` worker runs them); CPU time is the process's user
// and system time over the batch, so kernel work (page protection, faults) counts too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/strategy.h"

namespace lockstep::bench {

struct SuiteThroughput {
  std::string suite;
  std::string implementation;
  std::uint64_t schedules = 0;
  std::uint64_t steps = 0;  ///< scheduler steps over the batch
  std::uint64_t schedule_decisions = 0;  ///< steps with more than one ready candidate
  double user_seconds = 0;
  double system_seconds = 0;

  double cpu_seconds() const { return user_seconds + system_seconds; }
  double schedules_per_cpu_second() const { return schedules / cpu_seconds(); }
  double steps_per_cpu_second() const { return steps / cpu_seconds(); }
};

/// The implementation a suite is measured on: the reference, or the correct echo archetype.
std::string reference_for_suite(const std::string& suite);

/// Runs `count` schedules of `suite` with seeds derived from `run_seed` (fixed seeds of the
/// bench's own, not those `lockstep run` draws) and measures them.
SuiteThroughput measure_suite(const std::string& suite, std::uint64_t count,
                              const StrategySpec& strategy, std::uint64_t run_seed = 1);

}  // namespace lockstep::bench
