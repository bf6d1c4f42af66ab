// Cost of the scheduler's hot paths, with the kernels lockstep-bench uses: a raw Boost.Context
// round trip (the floor), one step (pick the next candidate through the strategy, log the
// decision, fold the trace hash, switch into the fiber and back), one timer event (schedule,
// advance the clock, pick, fire) and one fake-network delivery. Goal: a step at most 30 ns
// above the raw switch measured in the same run.
#include <benchmark/benchmark.h>

#include "bench/scheduler_kernels.h"

namespace lockstep::bench {
namespace {

void BM_raw_round_trip(benchmark::State& state) {
  RawSwitchKernel kernel;
  for (auto _ : state) {
    kernel.round_trip();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_raw_round_trip);

void run_steps(benchmark::State& state, const StrategySpec& spec) {
  StepKernel kernel(static_cast<int>(state.range(0)), spec);
  for (auto _ : state) {
    kernel.step();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_scheduler_step_random(benchmark::State& state) {
  run_steps(state, StrategySpec{});
}
BENCHMARK(BM_scheduler_step_random)->Arg(2)->Arg(8)->ArgName("fibers");

void BM_scheduler_step_pct(benchmark::State& state) {
  StrategySpec spec;
  spec.kind = StrategySpec::Kind::pct;
  spec.pct_depth = 3;
  run_steps(state, spec);
}
BENCHMARK(BM_scheduler_step_pct)->Arg(2)->Arg(8)->ArgName("fibers");

// Each iteration is one sleep: an event step plus a fiber step.
void BM_scheduler_timer_event(benchmark::State& state) {
  TimerKernel kernel;
  for (auto _ : state) {
    kernel.sleep_once();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_scheduler_timer_event);

void BM_network_delivery(benchmark::State& state) {
  NetworkDeliveryKernel kernel;
  for (auto _ : state) {
    kernel.deliver_once();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_network_delivery);

}  // namespace
}  // namespace lockstep::bench

BENCHMARK_MAIN();
