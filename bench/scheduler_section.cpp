// lockstep-bench's scheduler section: the per-unit cost of the simulator's hot paths.
#include <functional>
#include <string>

#include "bench/bench_sections.h"
#include "bench/scheduler_kernels.h"

namespace lockstep::bench {

namespace {

// CPU ns per call of `unit`, median over repetitions of `iterations` calls each.
double ns_per_unit(const BenchSettings& settings, std::uint64_t iterations,
                   const std::function<void()>& unit) {
  std::vector<double> samples;
  for (std::uint32_t repetition = 0; repetition < settings.repetitions; ++repetition) {
    const double start = process_cpu_ns();
    for (std::uint64_t index = 0; index < iterations; ++index) {
      unit();
    }
    samples.push_back((process_cpu_ns() - start) / static_cast<double>(iterations));
  }
  return median(samples);
}

}  // namespace

void run_scheduler_section(const BenchSettings& settings, BenchReport& report) {
  report.begin_section("scheduler", "CPU ns per unit of work, median of the repetitions");
  const std::uint64_t iterations = settings.kernel_iterations;
  RawSwitchKernel raw;
  const double round_trip_ns = ns_per_unit(settings, iterations, [&] { raw.round_trip(); });
  report.add("raw switch", round_trip_ns / 2, "ns", "one jump_fcontext");
  report.add("raw round trip", round_trip_ns, "ns",
             "scheduler -> fiber -> scheduler: the two switches inside every fiber step");
  StrategySpec random;
  StrategySpec pct;
  pct.kind = StrategySpec::Kind::pct;
  pct.pct_depth = 3;
  for (int fibers : {2, 8}) {
    StepKernel random_steps(fibers, random);
    const double step_ns = ns_per_unit(settings, iterations, [&] { random_steps.step(); });
    report.add(
        "step random, " + std::to_string(fibers) + " fibers", step_ns, "ns",
        "above the round trip: " + std::to_string(step_ns - round_trip_ns).substr(0, 5) + " ns");
    StepKernel pct_steps(fibers, pct);
    const double pct_ns = ns_per_unit(settings, iterations, [&] { pct_steps.step(); });
    report.add(
        "step pct:3, " + std::to_string(fibers) + " fibers", pct_ns, "ns",
        "above the round trip: " + std::to_string(pct_ns - round_trip_ns).substr(0, 5) + " ns");
  }
  TimerKernel timer;
  report.add("timer event", ns_per_unit(settings, iterations / 2, [&] { timer.sleep_once(); }),
             "ns", "a sleep: the wake event's step and the fiber's step");
  NetworkDeliveryKernel network;
  report.add("network delivery",
             ns_per_unit(settings, iterations / 8, [&] { network.deliver_once(); }), "ns",
             "send, drawn delay, delivery, receive and send completions");
}

}  // namespace lockstep::bench
