// Small deterministic worlds used by the scheduler's tests and benchmarks.
#pragma once

#include <cstdint>

#include "scheduler/simulation.h"

namespace lockstep::toy {

/// Several fibers that yield, sleep, block on a mailbox, schedule timers, cancel some of them
/// and draw chances and integers; ends with every fiber finished.
void build_busy_world(Simulation& simulation, int worker_count, int rounds_per_worker);

/// Runs the busy world under `strategy` and returns its result.
RunResult run_busy_world(std::unique_ptr<Strategy> strategy, DecisionLog* decisions_out = nullptr);

/// A depth-2 ordering bug: `publisher` sets `published`, yields, then sets `initialized`;
/// `consumer` throws if it sees published but not initialized. Only the order
/// publish < check < initialize fails, which needs two ordering constraints. Both fibers
/// first yield `noise_steps` times.
void build_publish_before_initialize_bug(Simulation& simulation, int noise_steps);

/// Steps taken by one bug-free run of that program (PCT's estimate k).
std::uint64_t publish_before_initialize_steps(int noise_steps);

}  // namespace lockstep::toy
