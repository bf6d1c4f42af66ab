// Hands RapidCheck's commands, one at a time, to the caller thread of a live World.
//
// Why it exists: a stateful property runs its commands from the test, but the calls must be
// made on a simulated thread, and asynchronous work must keep running between commands. The
// caller fiber loops: it waits in the mailbox, runs the action it is handed, and comes back.
// issue() posts an action and steps the simulation (one scheduler step at a time) until the
// caller is back in the mailbox, so callbacks and deliveries interleave with the commands as
// the strategy decides. Invariants: at most one action is posted at a time; once the
// schedule has ended (deadlock, budget) further actions are not run and are counted.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "harness/host/world.h"

namespace lockstep::conformance::properties {

class CallerMailbox {
 public:
  /// Spawns the caller fiber; `world` must outlive the mailbox's use.
  explicit CallerMailbox(harness::World& world);
  CallerMailbox(const CallerMailbox&) = delete;
  CallerMailbox& operator=(const CallerMailbox&) = delete;

  /// Runs `action` on the caller fiber; returns once the caller waits for the next one (or the
  /// schedule ended). False if the schedule had already ended and the action was not run.
  bool issue(std::function<void()> action);
  /// Runs `action` as the caller's last one (the caller fiber then ends), then runs the World
  /// to its end: the healed phase and the liveness bound.
  const harness::WorldResult& finish(std::function<void()> action);

  std::uint64_t actions_not_run() const { return actions_not_run_; }

 private:
  void caller_loop();
  bool schedule_running() const;
  void step_until_waiting();

  harness::World& world_;
  std::optional<std::function<void()>> posted_;
  bool last_posted_ = false;
  bool waiting_ = false;
  FiberId caller_fiber_ = 0;
  std::uint64_t actions_not_run_ = 0;
};

}  // namespace lockstep::conformance::properties
