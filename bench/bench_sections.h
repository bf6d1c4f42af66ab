// The sections of lockstep-bench, each a function that measures and reports into a BenchReport.
//
// Adding a section: write `void run_NAME_section(const BenchSettings&, BenchReport&)` in a
// file of its own under bench/, declare it here and add one line to the section table in
// lockstep_bench.cpp. Sections run in table order and are selectable by name (--section).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_report.h"

namespace lockstep::bench {

struct BenchSettings {
  std::uint64_t suite_schedules = 5000;  ///< per suite and repetition
  std::uint32_t repetitions = 5;         ///< medians are over these
  std::uint64_t kernel_iterations = 2'000'000;
  std::uint64_t memory_fibers = 100'000;
  /// The suites section measures only these (empty: every suite).
  std::vector<std::string> suites;
};

/// The suites the suites section measures, in the order it prints them.
const std::vector<std::string>& bench_suite_names();

/// Step, raw switch, timer event, network delivery (ns per unit, medians).
void run_scheduler_section(const BenchSettings& settings, BenchReport& report);
/// Schedules and steps per CPU-second, user/system split, per suite on its reference.
void run_suites_section(const BenchSettings& settings, BenchReport& report);
/// Time per schedule at 10, 100, 1,000 and 10,000 operations.
void run_growth_section(const BenchSettings& settings, BenchReport& report);
/// Memory and mappings for N simulated threads alive at once.
void run_memory_section(const BenchSettings& settings, BenchReport& report);

}  // namespace lockstep::bench
