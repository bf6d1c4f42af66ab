// lockstep-bench's suites section: schedules and steps per CPU-second of every suite.
#include <algorithm>
#include <string>
#include <vector>

#include "bench/bench_sections.h"
#include "bench/suite_throughput.h"

namespace lockstep::bench {

const std::vector<std::string>& bench_suite_names() {
  static const std::vector<std::string> names = {
      "channel", "service", "async-execute", "echo", "async-result", "event-based", "task-based"};
  return names;
}

void run_suites_section(const BenchSettings& settings, BenchReport& report) {
  report.begin_section("suites",
                       "in process, --jobs 1 equivalent, random walk, " +
                           std::to_string(settings.suite_schedules) +
                           " schedules per repetition on the suite's correct implementation; "
                           "medians of the repetitions");
  for (const std::string& suite : bench_suite_names()) {
    if (!settings.suites.empty() &&
        std::find(settings.suites.begin(), settings.suites.end(), suite) == settings.suites.end()) {
      continue;
    }
    measure_suite(suite, settings.suite_schedules / 10 + 1, StrategySpec{});  // warm the pools
    std::vector<double> schedules_rate;
    std::vector<double> steps_rate;
    std::vector<double> user_share;
    std::vector<double> steps_per_schedule;
    std::vector<double> decisions_per_schedule;
    for (std::uint32_t repetition = 0; repetition < settings.repetitions; ++repetition) {
      const SuiteThroughput measured =
          measure_suite(suite, settings.suite_schedules, StrategySpec{}, 1 + repetition);
      schedules_rate.push_back(measured.schedules_per_cpu_second());
      steps_rate.push_back(measured.steps_per_cpu_second());
      user_share.push_back(100.0 * measured.user_seconds / measured.cpu_seconds());
      steps_per_schedule.push_back(static_cast<double>(measured.steps) /
                                   static_cast<double>(measured.schedules));
      decisions_per_schedule.push_back(static_cast<double>(measured.schedule_decisions) /
                                       static_cast<double>(measured.schedules));
    }
    const std::string on = " (" + reference_for_suite(suite) + ")";
    report.add(suite + " schedules", median(schedules_rate), "per CPU-s", on);
    report.add(suite + " steps", median(steps_rate), "per CPU-s", on);
    const double user = median(user_share);
    report.add(suite + " user share", user, "%",
               "system " + std::to_string(100.0 - user).substr(0, 4) + "%");
    report.add(suite + " steps per schedule", median(steps_per_schedule), "steps",
               "mean; the suite's PCT k is this, measured");
    report.add(suite + " schedule decisions", median(decisions_per_schedule), "per schedule",
               "steps with more than one ready candidate");
  }
}

}  // namespace lockstep::bench
