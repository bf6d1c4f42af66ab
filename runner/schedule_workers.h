// Running a run's tasks, in this process or in J forked worker processes, until the tasks,
// the time or the user's patience run out. The schedules are such tasks (run_tasks); so are
// the shrinks of a run's kept failures (failure_shrinking.h), through run_line_tasks.
//
// Why processes and not threads: the simulated world is single-threaded by design (guarded
// memory's SIGSEGV handler assumes one OS thread runs fibers), and a worker process isolates
// one schedule's crash from the others. Worker w of J takes tasks w, w + J, w + 2J, ... and
// sends one line per finished task (for a schedule, its ScheduleRecord) through its own pipe.
// The caller folds results in any order into results that do not depend on order (sums,
// minimums, bounded candidate sets, results keyed by task): a run gives the same report for
// every J. With J = 1 the tasks run in this process, through the same lines.
//
// Stopping: after the last task; at the deadline (--time), checked before each task; on
// SIGINT/SIGTERM, after the schedules in progress (the parent forwards one SIGTERM to each
// worker and reads until every pipe closes); when the caller's stop_requested says so
// (--max-failures), checked in this process after each folded result, the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "runner/schedule_tasks.h"

namespace lockstep::runner {

struct WorkerSettings {
  unsigned jobs = 1;
  std::optional<double> deadline_seconds;  ///< on real_host_seconds()'s clock
  /// Asked in the calling process after each result is taken; true stops the run like a
  /// signal does (the tasks in progress finish), without marking it interrupted.
  std::function<bool()> stop_requested;
};

/// A task's result as one line: no newline in it, and not starting with "! " (which reports
/// a worker's failure).
using LineTask = std::function<std::string(std::uint64_t task)>;
/// Takes a task's line; false if it cannot read it.
using LineSink = std::function<bool(const std::string& line)>;
/// Called about ten times a second while waiting for workers (progress display).
using IdleTick = std::function<void()>;

/// Runs tasks 0, 1, ... below `task_count` (nullopt: until the deadline or an interrupt).
/// Returns false with a one-line `error` if a worker failed (crashed, or sent garbage).
bool run_line_tasks(std::optional<std::uint64_t> task_count, const WorkerSettings& settings,
                    const LineTask& run_task, const LineSink& sink, const IdleTick& tick,
                    std::string& error);

using TaskRunner = std::function<ScheduleRecord(std::uint64_t task)>;
using RecordSink = std::function<void(const ScheduleRecord&)>;

/// The schedules of `space`, as run_line_tasks with ScheduleRecord lines.
bool run_tasks(const ScheduleTaskSpace& space, const WorkerSettings& settings,
               const TaskRunner& run_task, const RecordSink& sink, const IdleTick& tick,
               std::string& error);

}  // namespace lockstep::runner
