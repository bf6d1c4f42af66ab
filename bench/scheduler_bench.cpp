// Cost of the scheduler's hot paths: one step (pick the next candidate through the strategy,
// log the decision, fold the trace hash, switch into the fiber and back) and one timer event
// (schedule, advance the clock, pick, fire). Bar: a step at most 100 ns median on the 2-core
// reference machine, goal 50 ns; a raw Boost.Context switch is about 5.5 ns.
#include <benchmark/benchmark.h>

#include <memory>

#include "scheduler/simulation.h"

namespace lockstep {
namespace {

constexpr int kYieldsPerFiber = 1 << 20;

std::unique_ptr<Simulation> make_yielding_world(StackPool& pool, int fibers,
                                                const StrategySpec& spec) {
  SimulationConfig config;
  config.keep_trace_events = false;
  config.stack_pool = &pool;
  config.max_steps = UINT64_MAX;
  auto simulation = std::make_unique<Simulation>(config, make_strategy(spec, 1, 1000));
  Simulation* sim = simulation.get();
  for (int fiber = 0; fiber < fibers; ++fiber) {
    sim->spawn("yielder", [sim] {
      for (int round = 0; round < kYieldsPerFiber; ++round) {
        sim->yield();
      }
    });
  }
  return simulation;
}

void run_steps(benchmark::State& state, const StrategySpec& spec) {
  StackPool pool(64 << 10);
  const int fibers = static_cast<int>(state.range(0));
  auto simulation = make_yielding_world(pool, fibers, spec);
  for (auto _ : state) {
    if (!simulation->step()) {
      state.PauseTiming();
      simulation = make_yielding_world(pool, fibers, spec);
      state.ResumeTiming();
    }
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

// One timer event: a fiber sleeps (schedules a wake event, blocks), the clock advances, the
// event fires and wakes it. Each iteration is one sleep: an event step plus a fiber step.
void BM_scheduler_timer_event(benchmark::State& state) {
  StackPool pool(64 << 10);
  auto make_world = [&pool] {
    SimulationConfig config;
    config.keep_trace_events = false;
    config.stack_pool = &pool;
    config.max_steps = UINT64_MAX;
    auto simulation = std::make_unique<Simulation>(config, make_random_walk_strategy(1));
    Simulation* sim = simulation.get();
    sim->spawn("sleeper", [sim] {
      for (int round = 0; round < kYieldsPerFiber; ++round) {
        sim->sleep_for(1000);
      }
    });
    return simulation;
  };
  auto simulation = make_world();
  for (auto _ : state) {
    // Two steps per sleep: the wake event, then the fiber.
    if (!simulation->step() || !simulation->step()) {
      state.PauseTiming();
      simulation = make_world();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_scheduler_timer_event);

}  // namespace
}  // namespace lockstep

BENCHMARK_MAIN();
