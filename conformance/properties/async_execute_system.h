// The system under test of the async-execute chains property: one live World with a host of
// an implementation, the AsyncChainDriver that runs WsAsyncExecute chains with the harness's
// scripted steps (AM10), and the caller's mailbox.
//
// Why a mailbox: the chains' completions run on the host's worker threads between commands,
// so a chain the caller leaves in flight completes while later chains start, interleaved as
// the strategy decides. Commands reach the caller fiber only through run_on_caller; what the
// caller keeps between commands (chains left in flight) lives in AsyncExecuteCaller.
// Invariant: the objects fibers and queued completions refer to (driver, caller state) are
// unwound by the simulation's shutdown before they are destroyed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "conformance/async_execute/async_chain_driver.h"
#include "conformance/properties/caller_mailbox.h"
#include "harness/host/world.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// What the generated caller chooses for the whole case, before any command.
struct AsyncExecuteCaseSettings {
  std::uint32_t worker_threads = 1;  ///< of the host that runs the completions, 1-3

  std::string to_text() const;
};

/// What the caller fiber holds across commands.
struct AsyncExecuteCaller {
  AsyncChainDriver* driver = nullptr;
  Simulation* simulation = nullptr;
  std::vector<harness::MonitoredCall*> in_flight;  ///< chains not yet awaited, oldest first

  /// Starts a chain; waits for it at once with `await`, else leaves it in flight.
  void start_chain(const AsyncChainScript& script, bool await);
  /// Waits for every chain left in flight, oldest first.
  void await_all();
};

class AsyncExecuteSystem {
 public:
  /// `strategy` null: the one the seed stands for (strategy_for_seed); a replay passes its own.
  AsyncExecuteSystem(const lockstep_implementation& implementation, std::uint64_t schedule_seed,
                     const AsyncExecuteCaseSettings& settings,
                     std::unique_ptr<Strategy> strategy = nullptr);
  ~AsyncExecuteSystem();
  AsyncExecuteSystem(const AsyncExecuteSystem&) = delete;
  AsyncExecuteSystem& operator=(const AsyncExecuteSystem&) = delete;

  /// Runs `action` on the caller fiber, stepping the world until the caller waits again.
  void run_on_caller(std::function<void(AsyncExecuteCaller&)> action);
  /// Waits for every chain left in flight, then runs the world to its end (the driver's
  /// end-of-chain checks, the monitor's pending calls). Call once.
  harness::ScheduleOutcome finish();
  std::uint64_t steps_run() const { return driver_->steps_run(); }

 private:
  std::unique_ptr<harness::World> world_;
  std::unique_ptr<AsyncChainDriver> driver_;
  AsyncExecuteCaller caller_;
  std::unique_ptr<CallerMailbox> mailbox_;
};

}  // namespace lockstep::conformance::properties
