// Running tasks of a run, in this process or in J forked processes, until the tasks, the time
// or the user's patience run out: the shrinks of a run's kept failures (failure_shrinking.h),
// each of which drives its own worker process for its probes. (The schedules themselves run on
// the process pool, process_pool.h, because they run an implementation's code.)
//
// Why processes and not threads: the simulated world is single-threaded by design (guarded
// memory's SIGSEGV handler assumes one OS thread runs fibers). Process w of J takes tasks w,
// w + J, w + 2J, ... and sends one line per finished task through its own pipe. The caller
// folds results in any order into results that do not depend on order (results keyed by
// task): a run gives the same report for every J. With J = 1 the tasks run in this process,
// through the same lines. The forked processes die with their parent (PR_SET_PDEATHSIG).
//
// Stopping: after the last task; at the deadline, checked before each task; on SIGINT/SIGTERM,
// after the tasks in progress (the parent forwards one SIGTERM to each process and reads until
// every pipe closes).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace lockstep::runner {

struct WorkerSettings {
  unsigned jobs = 1;
  std::optional<double> deadline_seconds;  ///< on real_host_seconds()'s clock
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

}  // namespace lockstep::runner
