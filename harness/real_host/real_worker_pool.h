// The real host's worker threads: a FIFO of work items served by OS threads.
//
// Work never runs inside submit(): it waits for a worker, as an I/O completion port would
// deliver it. The model offered with each item follows rule AM8 exactly as host.h says:
// WS_LONG_CALLBACK only when another worker of this pool is idle (waiting for work, free to
// dequeue while this one blocks) at the moment the item is taken, else WS_SHORT_CALLBACK.
//
// Invariants: each submitted item runs exactly once, on a worker, unless the pool is shut down
// first (then submit refuses it, or it is destroyed unrun); `unfinished` counts items queued or
// running; the offered model of a thread is set exactly while it runs an item.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "lockstep/ws.h"

namespace lockstep::real_host {

class RealWorkerPool {
 public:
  using Work = std::function<void(WS_CALLBACK_MODEL allowed_model)>;

  explicit RealWorkerPool(std::uint32_t worker_count);
  /// Requires shut_down() to have returned true (the owner leaks the pool otherwise).
  ~RealWorkerPool();
  RealWorkerPool(const RealWorkerPool&) = delete;
  RealWorkerPool& operator=(const RealWorkerPool&) = delete;

  /// Queues `work`; false (and `work` dropped) once shutting down.
  bool submit(Work work);
  std::uint32_t worker_count() const { return static_cast<std::uint32_t>(threads_.size()); }
  /// True when the calling thread is one of this pool's workers.
  bool on_worker_thread() const;
  /// The model offered to the item the calling thread runs now; nullopt on any other thread.
  std::optional<WS_CALLBACK_MODEL> offered_model_here() const;
  /// Items queued or running.
  std::uint64_t unfinished() const;
  /// Stops accepting work, lets the workers finish what is queued, and joins them. False when
  /// some worker was still busy after `timeout_ns` (stuck in the implementation): the threads
  /// are then detached and this pool must never be destroyed (its owner leaks it).
  bool shut_down(std::uint64_t timeout_ns);

 private:
  struct WorkerSlot {
    std::thread::id id;
    std::optional<WS_CALLBACK_MODEL> offered;
    bool idle = false;
  };
  void serve(std::size_t index);

  mutable std::mutex mutex_;
  std::condition_variable work_or_stop_;
  std::condition_variable exited_;
  std::deque<Work> queue_;
  std::vector<WorkerSlot> slots_;
  std::vector<std::thread> threads_;
  std::uint64_t running_ = 0;
  std::uint32_t idle_workers_ = 0;
  std::uint32_t exited_workers_ = 0;
  bool stopping_ = false;
  bool shut_down_ = false;
};

}  // namespace lockstep::real_host
