// What a caller of the runner sees while a run goes on: the command line draws a progress bar
// and prints a line per implementation; tests and the CTest integration watch nothing.
//
// Every call comes from the process that called run_schedules (never from a worker process),
// in a deterministic order for the per-implementation calls; schedule_finished and tick come as
// results arrive, so their timing (never their totals) depends on the machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "reports/run_report.h"

namespace lockstep::runner {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// One schedule's record was folded in.
  virtual void schedule_finished(bool /*failed*/) {}
  /// About ten times a second while the runner waits for workers.
  virtual void tick() {}
  /// All schedules of the run have finished (before kept failures are re-run and shrunk).
  virtual void schedules_finished() {}
  /// An implementation's schedules have all finished (failures not yet attached); called once
  /// per implementation, in the run's implementation order.
  virtual void implementation_done(const reports::ImplementationReport& /*entry*/) {}
  /// The shrinks of kept failures begin: `count` of them, at most `budget` schedules each.
  virtual void shrinks_started(std::size_t /*count*/, std::uint64_t /*budget*/) {}
  /// One shrink ended; `note` says why it did not shrink (empty when it did).
  virtual void shrink_finished(const std::string& /*stem*/, const std::string& /*note*/) {}
  /// Every shrink ended: `shrunk` of `count` succeeded.
  virtual void shrinks_finished(std::size_t /*shrunk*/, std::size_t /*count*/) {}
};

/// Watches nothing: for tests and callers that only want the report.
class SilentRunObserver final : public RunObserver {};

}  // namespace lockstep::runner
