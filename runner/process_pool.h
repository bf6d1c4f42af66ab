// Running a run's tasks on J long-lived worker processes (harness/isolation/worker_process.h):
// every schedule of `lockstep run`, and the re-runs of its kept failures, whatever the
// implementation, bundled or plugin. A worker runs task after task; one that crashes, hangs
// (its task outlives the timeout on this machine's clock) or exceeds its memory limit is
// replaced by a new one, and the task it was running ends with that outcome, so that task
// becomes the schedule's `crash-SIG...`, `hang` or `memory-exceeded` failure.
//
// Tasks are handed out in the order the work gives them, up to `tasks_in_flight_per_process`
// at a time per worker (so a worker never waits for the parent between tasks). When a worker
// dies, the task it was running is the first one it had not answered (a worker answers in
// order); the others it held are given out again, before any new task. Results arrive in any
// order and from any worker: the work folds them into results that do not depend on either.
//
// Stopping: when the work has no task left; at the deadline (no new tasks, the ones handed out
// finish); on SIGINT/SIGTERM (interrupt_signals.h: no new tasks; each worker finishes the task
// it is running and is stopped; the tasks it still held, and those to be given out again, are
// reported as not run). A worker whose setup fails, or that dies
// before it is ready three times in a row, ends the pool with an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/isolation/worker_process.h"
#include "runner/schedule_workers.h"

namespace lockstep::runner {

struct ProcessPoolSettings {
  unsigned processes = 1;
  /// Wall-clock time a task may take on its worker before the worker is killed (a hang).
  std::uint64_t task_timeout_ms = 10'000;
  harness::WorkerLimits limits;
  std::optional<double> deadline_seconds;  ///< on real_host_seconds()'s clock
  unsigned tasks_in_flight_per_process = 4;
  /// After a round that brought replies, wait this long before looking again, so that replies
  /// are read in batches instead of waking this process for each one (for short tasks, with
  /// enough of them in flight that no worker runs dry meanwhile); 0: no wait.
  unsigned reply_batch_wait_us = 0;
  /// Run every task even after SIGINT/SIGTERM (a short, bounded piece of work the report needs,
  /// such as re-running the kept failures). A second signal still ends the process.
  bool ignore_interrupts = false;
};

/// How a task ended.
struct TaskEnd {
  /// completed: `result` is the reply. crashed, memory_exceeded, failed: how its worker died.
  /// timed_out: its worker was killed after task_timeout_ms.
  harness::IsolatedOutcome outcome;
  /// When the worker died: the end of what the task printed, and how much it printed in all.
  std::string output_tail;
  std::uint64_t output_bytes = 0;
};

/// Bytes of a dead worker's output kept for its task.
inline constexpr std::size_t kOutputTailBytes = 4096;

class PoolWork {
 public:
  virtual ~PoolWork() = default;
  /// The next task to hand out, or nullopt when there are no more.
  virtual std::optional<std::uint64_t> next_task() = 0;
  /// The request a worker's handler receives for `task`.
  virtual std::string request_of(std::uint64_t task) = 0;
  /// A task ended. False if its reply cannot be read: the pool stops with an error.
  virtual bool task_ended(std::uint64_t task, const TaskEnd& end) = 0;
  /// A task handed out that will not run (the run was interrupted before it could).
  virtual void task_not_run(std::uint64_t /*task*/) {}
};

/// Runs `work` on the pool. False with a one-line `error` if workers cannot be started or a
/// reply is unreadable.
bool run_process_pool(const harness::WorkerSetup& setup, const harness::WorkerHandler& handler,
                      const ProcessPoolSettings& settings, PoolWork& work, const IdleTick& tick,
                      std::string& error);

}  // namespace lockstep::runner
