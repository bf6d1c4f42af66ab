// The simulated host's worker threads: a FIFO of work items served by daemon fibers.
//
// Work never runs inline in submit(): it waits for a worker, so callbacks reach the
// implementation the way an I/O completion port would deliver them. The model offered with
// each item follows rule AM8: WS_LONG_CALLBACK only when another worker is idle and could
// dequeue work while this one blocks, else WS_SHORT_CALLBACK. Idle workers are daemon fibers,
// so a quiet pool never counts as a deadlock. Which idle worker takes an item is fixed (the
// first idle one in creation order); when the item runs relative to everything else is the
// strategy's choice.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lockstep/ws.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

class WorkerPool {
 public:
  using Work = std::function<void(WS_CALLBACK_MODEL allowed_model)>;

  WorkerPool(Simulation& simulation, const std::string& name, std::uint32_t worker_count);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(Work work);
  std::uint32_t worker_count() const { return static_cast<std::uint32_t>(workers_.size()); }
  bool is_worker(FiberId fiber) const;
  std::size_t queued() const { return queue_.size(); }
  /// The model offered to the work `fiber` is running now; nullopt if `fiber` is not one of
  /// this pool's workers or is idle. Rule AM8 holds callbacks to it.
  std::optional<WS_CALLBACK_MODEL> offered_model(FiberId fiber) const;
  /// Items submitted and not yet finished (queued or running).
  std::uint64_t unfinished() const { return queue_.size() + running_; }

 private:
  struct Worker {
    FiberId fiber = 0;
    bool idle = false;  // blocked waiting for work, and not yet handed any
    std::optional<WS_CALLBACK_MODEL> offered;  // while running a work item
  };
  void serve(std::size_t worker_index);
  WS_CALLBACK_MODEL model_for(std::size_t worker_index) const;

  Simulation& simulation_;
  std::vector<Worker> workers_;
  std::deque<Work> queue_;
  std::uint64_t running_ = 0;
};

}  // namespace lockstep::harness
