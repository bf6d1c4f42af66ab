// One schedule of the WsAsyncExecute scenario (rule AM10), run through the monitor.
//
// The caller runs one to three chains, each drawn through the simulation: with or without an
// async context and a WS_ERROR; 1-6 steps (sometimes 3000 synchronous ones); each step
// completing synchronously, later from a worker thread, or early (its completion runs on a
// worker while the step is still running, rule AM12), with S_OK or a failure. It waits for
// each chain at once or leaves it in flight until the end. The AsyncChainDriver runs the
// chains with the harness's steps and checks AM10 (async_chain_driver.h); the monitor adds
// AM1-AM7. The draws and their order are part of every schedule's decision log. With
// ScheduleOptions::operation_count set, the caller runs exactly that many chains (the growth
// benchmark's scaled scenario).
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

AsyncExecuteScheduleResult run_async_execute_schedule(const lockstep_implementation& implementation,
                                                      std::uint64_t schedule_seed,
                                                      std::unique_ptr<Strategy> strategy,
                                                      const harness::ScheduleOptions& options = {});

}  // namespace lockstep::conformance
