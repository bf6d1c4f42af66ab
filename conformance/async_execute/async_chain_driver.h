// WsAsyncExecute chains with given scripts, run through the monitor on a caller thread of a
// World, with the harness's scripted steps and the end-of-schedule checks (rule AM10).
//
// Why it exists: the WsAsyncExecute suite draws each chain's script through the simulation,
// while the stateful property generates it with RapidCheck (so that shrinking removes steps
// and chains); both run the same steps and checks through this driver. The steps check, and
// record as AM10: next->function is NULL on entry; each step receives its predecessor's
// result, failures included; no step runs after the chain ended; a chain of synchronous
// steps does not grow the stack (recursion; the chain is cut short before the stack could
// overflow). At the end of the schedule: the final result is the last step's; a chain that
// never went asynchronous completes synchronously; every step of the script ran. The monitor
// adds AM1-AM7 (the WS_ASYNC_STATE is a guarded caller buffer: touching it after completion
// is AM6).
//
// Invariants: one driver exists at a time in a process (the step function, a plain C
// function pointer, finds it through a process-wide pointer); the simulation is shut down
// before the driver is destroyed, since fibers and queued completions refer to it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "harness/host/world.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance {

/// How one step of a chain completes. `early`: its completion runs on a worker while the step
/// is still running (the caller must cope, rule AM12); only staged from the caller's thread.
enum class AsyncStepMode : std::uint8_t { synchronous, later, early };

struct AsyncChainStep {
  AsyncStepMode mode = AsyncStepMode::synchronous;
  HRESULT result = S_OK;

  /// "sync S_OK", "later 0x803D0021".
  std::string to_text() const;
};

/// What the caller asks of one chain.
struct AsyncChainScript {
  static constexpr std::uint64_t kLongChainSteps = 3000;

  bool with_context = true;
  bool with_error = false;
  std::vector<AsyncChainStep> steps;  ///< 1 or more; ignored for a long synchronous chain
  /// kLongChainSteps synchronous S_OK steps (a recursing implementation overflows its stack).
  bool long_synchronous = false;

  /// The steps the chain runs: `steps`, or the long synchronous chain.
  std::vector<AsyncChainStep> expanded_steps() const;
  /// "context, error, [sync S_OK, later 0x803D0000]" or "context, no-error, 3000 sync S_OK".
  std::string to_text() const;
};

class AsyncChainDriver {
 public:
  /// Registers the end-of-schedule checks with `world`; `host` runs the completions.
  AsyncChainDriver(harness::World& world, harness::SimulatedHost& host,
                   const lockstep_implementation& implementation);
  ~AsyncChainDriver();
  AsyncChainDriver(const AsyncChainDriver&) = delete;
  AsyncChainDriver& operator=(const AsyncChainDriver&) = delete;

  /// On the caller's thread: calls WsAsyncExecute through the monitor for a new chain; the
  /// call is left in flight (its steps may still run on workers).
  harness::MonitoredCall& start(const AsyncChainScript& script);
  /// On the caller's thread: waits until `call` completed (or the schedule ends).
  void wait(harness::MonitoredCall& call);

  std::uint64_t chains() const;
  std::uint64_t steps_run() const;

  struct State;

 private:
  void check_end() const;

  std::unique_ptr<State> state_;
};

}  // namespace lockstep::conformance
