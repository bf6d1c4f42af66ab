// lockstep-bench's growth section: cost per schedule as the scenario grows.
//
// The async-execute scenario is run with its chain count fixed (ScheduleOptions::
// operation_count) at 10, 100, 1,000 and 10,000 WsAsyncExecute calls on the reference; each
// chain's script is still drawn. Linear cost means a flat "per operation" column.
#include <algorithm>
#include <string>

#include "bench/bench_sections.h"
#include "conformance/async_execute/async_execute_schedule.h"
#include "conformance/registry/implementations.h"
#include "scheduler/hash.h"

namespace lockstep::bench {

void run_growth_section(const BenchSettings& settings, BenchReport& report) {
  report.begin_section("growth",
                       "async-execute on the reference with N chains per schedule (random "
                       "walk); CPU time per schedule and per operation, median of the "
                       "repetitions");
  const conformance::Implementation* reference =
      conformance::find_bundled_implementation("reference");
  StackPool pool(StackPool::default_usable_bytes());
  harness::ScheduleOptions options;
  options.stack_pool = &pool;
  for (std::uint64_t operations : {10u, 100u, 1'000u, 10'000u}) {
    // About the same work per size: many small schedules, a few big ones.
    const std::uint64_t schedules =
        std::max<std::uint64_t>(2, settings.suite_schedules * 4 / operations);
    options.operation_count = operations;
    std::vector<double> per_schedule_ms;
    std::vector<double> steps;
    for (std::uint32_t repetition = 0; repetition < settings.repetitions; ++repetition) {
      std::uint64_t steps_total = 0;
      const CpuTime before = process_cpu_time();
      for (std::uint64_t index = 0; index < schedules; ++index) {
        const std::uint64_t seed = hash_mix(hash_mix(kHashSeed, repetition), index);
        const conformance::AsyncExecuteScheduleResult result =
            conformance::run_async_execute_schedule(*reference->table, seed,
                                                    make_random_walk_strategy(seed), options);
        steps_total += result.world.run.steps;
      }
      const double spent = (process_cpu_time() - before).total();
      per_schedule_ms.push_back(1000.0 * spent / static_cast<double>(schedules));
      steps.push_back(static_cast<double>(steps_total) / static_cast<double>(schedules));
    }
    const double milliseconds = median(per_schedule_ms);
    report.add(
        std::to_string(operations) + " operations", milliseconds, "ms per schedule",
        std::to_string(1000.0 * milliseconds / static_cast<double>(operations)).substr(0, 6) +
            " us per operation, " + std::to_string(static_cast<long long>(median(steps))) +
            " steps per schedule");
  }
}

}  // namespace lockstep::bench
