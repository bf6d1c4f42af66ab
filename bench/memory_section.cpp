// lockstep-bench's memory section: what N simulated threads alive at once cost.
//
// Every fiber is spawned, run until it blocks (so its stack is touched the way a blocked
// simulated thread's is) and kept alive; then the process's resident memory and its number
// of memory mappings are read (/proc/self/statm and /proc/self/maps) against the figures
// before. A run that cannot create them all reports how far it got and why.
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <string>

#include "bench/bench_sections.h"
#include "scheduler/simulation.h"

namespace lockstep::bench {

namespace {

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  double size_pages = 0;
  double resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double mapping_count() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  double count = 0;
  while (std::getline(maps, line)) {
    ++count;
  }
  return count;
}

}  // namespace

void run_memory_section(const BenchSettings& settings, BenchReport& report) {
  const std::uint64_t fibers = settings.memory_fibers;
  report.begin_section("memory", std::to_string(fibers) +
                                     " simulated threads alive at once, each blocked after its "
                                     "first step; default stack size");
  const double resident_before = resident_bytes();
  const double mappings_before = mapping_count();
  StackPool pool(StackPool::default_usable_bytes());
  SimulationConfig config;
  config.keep_trace_events = false;
  config.stack_pool = &pool;
  config.max_steps = UINT64_MAX;
  std::uint64_t blocked = 0;
  std::string failure;
  double resident_after = resident_before;
  double mappings_after = mappings_before;
  {
    Simulation simulation(config, make_random_walk_strategy(1));
    try {
      // In batches, so that the ready list stays short (a step looks at every ready fiber).
      for (std::uint64_t spawned = 0; spawned < fibers; spawned += 1000) {
        for (std::uint64_t index = spawned; index < spawned + 1000 && index < fibers; ++index) {
          simulation.spawn("parked", [&simulation, &blocked] {
            ++blocked;
            simulation.block("parked");
          });
        }
        while (blocked < std::min(spawned + 1000, fibers) && simulation.step()) {
        }
      }
      if (blocked < fibers) {
        failure = std::string(outcome_name(simulation.result().outcome)) + ": " +
                  simulation.result().message;
      }
    } catch (const std::exception& error) {
      failure = std::string("exception: ") + error.what();
    }
    resident_after = resident_bytes();
    mappings_after = mapping_count();
  }
  report.add("fibers alive", static_cast<double>(blocked), "fibers",
             failure.empty() ? "all blocked at once" : failure.substr(0, 160));
  report.add("resident memory", (resident_after - resident_before) / (1 << 20), "MiB",
             "growth of the process's RSS");
  report.add("per fiber", blocked == 0 ? 0 : (resident_after - resident_before) / blocked, "bytes",
             "resident, stack pages touched and bookkeeping");
  report.add("mappings", mappings_after - mappings_before, "mappings",
             "growth of /proc/self/maps (vm.max_map_count is usually 65530)");
}

}  // namespace lockstep::bench
