// One schedule of the WsAsyncExecute scenario (rule AM10), run through the monitor.
//
// The caller runs one to three chains, each drawn through the simulation: with or without an
// async context and a WS_ERROR; 1-6 steps (sometimes 3000 synchronous ones); each step
// completing synchronously, later from a worker thread, or early (its completion runs on a
// worker while the step is still running, rule AM12), with S_OK or a failure. The steps are
// the harness's; they check, and record as AM10: next->function is NULL on entry; each step
// receives its predecessor's result, failures included; no step runs after the chain ended;
// the final result is the last step's; a chain of synchronous steps does not grow the stack
// (recursion; the chain is cut short before the stack could overflow); a chain that never went
// asynchronous completes synchronously; every step of the script ran. The monitor adds AM1-AM7
// (the WS_ASYNC_STATE is a guarded caller buffer: touching it after completion is AM6).
#pragma once

#include <cstdint>
#include <memory>

#include "harness/host/world.h"
#include "lockstep/implementation.h"
#include "scheduler/strategy.h"

namespace lockstep::conformance {

struct AsyncExecuteScheduleResult : harness::ScheduleOutcome {
  std::uint64_t chains = 0;
  std::uint64_t steps_run = 0;
};

AsyncExecuteScheduleResult run_async_execute_schedule(
    const lockstep_implementation& implementation, std::uint64_t schedule_seed,
    std::unique_ptr<Strategy> strategy, const harness::ScheduleOptions& options = {});

}  // namespace lockstep::conformance
