// One long-lived worker process asked one request at a time: how the shrinker runs its probes,
// how a kept failure's shrunk schedule is re-run, how `lockstep replay` and `lockstep shrink`
// run a schedule, all without running the implementation in the calling process and without a
// fork per request (process_pool.h is the many-worker form, for a run's schedules).
//
// A call waits for the reply at most `timeout_ms` on this machine's clock; a worker that does
// not answer in time is killed, one that crashed or ran out of memory is reaped, and either way
// the next call starts a new one. A worker whose setup fails is not retried: every later call
// ends with the same failure.
//
// `in_this_process()` is the one exception, for `lockstep replay --in-process` only: setup and
// handler run in the calling process, with no limit, so that a debugger sees the crash where it
// happens (and the crash ends the caller, which the user asked for).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "harness/isolation/worker_process.h"
#include "runner/process_pool.h"

namespace lockstep::runner {

class WorkerClient {
 public:
  WorkerClient(harness::WorkerSetup setup, harness::WorkerHandler handler,
               harness::WorkerLimits limits);
  ~WorkerClient();
  /// Calls run the setup (once) and the handler right here, not in a worker.
  static std::unique_ptr<WorkerClient> in_this_process(harness::WorkerSetup setup,
                                                       harness::WorkerHandler handler);
  WorkerClient(const WorkerClient&) = delete;
  WorkerClient& operator=(const WorkerClient&) = delete;

  /// The reply (outcome completed, `result`), or how the worker ended while it was working.
  TaskEnd call(std::string_view request, std::uint64_t timeout_ms);
  /// Worker processes started so far (the first one included).
  std::uint64_t workers_started() const { return workers_started_; }

 private:
  TaskEnd end_worker(bool kill, std::uint64_t timeout_ms);
  TaskEnd call_here(std::string_view request);

  harness::WorkerSetup setup_;
  harness::WorkerHandler handler_;
  harness::WorkerLimits limits_;
  std::unique_ptr<harness::WorkerProcess> worker_;
  std::string setup_failure_;
  std::uint64_t workers_started_ = 0;
  bool in_this_process_ = false;
  bool set_up_here_ = false;
};

}  // namespace lockstep::runner
