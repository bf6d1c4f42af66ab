// Running a run's tasks, in this process or in J forked worker processes, until the tasks,
// the time or the user's patience run out.
//
// Why processes and not threads: the simulated world is single-threaded by design (guarded
// memory's SIGSEGV handler assumes one OS thread runs fibers), and a worker process isolates
// one schedule's crash from the others. Worker w of J takes tasks w, w + J, w + 2J, ... and
// sends one ScheduleRecord line per finished schedule through a pipe (one write per line, well
// under PIPE_BUF, so lines never interleave). The caller folds records in any order into
// results that do not depend on order (sums, minimums, bounded candidate sets): a run gives
// the same report for every J.
//
// Stopping: after the last task; at the deadline (--time), checked before each task; on
// SIGINT/SIGTERM, after the schedules in progress (the parent forwards one SIGTERM to each
// worker and reads until every pipe closes).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "harness/cli/schedule_tasks.h"

namespace lockstep::cli {

struct WorkerSettings {
  unsigned jobs = 1;
  std::optional<double> deadline_seconds;  ///< on real_host_seconds()'s clock
};

using TaskRunner = std::function<ScheduleRecord(std::uint64_t task)>;
using RecordSink = std::function<void(const ScheduleRecord&)>;
/// Called about ten times a second while waiting for workers (progress display).
using IdleTick = std::function<void()>;

/// Returns false with a one-line `error` if a worker failed (crashed, or sent garbage).
bool run_tasks(const ScheduleTaskSpace& space, const WorkerSettings& settings,
               const TaskRunner& run_task, const RecordSink& sink, const IdleTick& tick,
               std::string& error);

}  // namespace lockstep::cli
