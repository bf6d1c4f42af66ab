// Worker fibers and the AM8 model they offer.
#include "harness/host/worker_pool.h"

#include <stdexcept>

namespace lockstep::harness {

WorkerPool::WorkerPool(Simulation& simulation, const std::string& name,
                       std::uint32_t worker_count)
    : simulation_(simulation) {
  if (worker_count == 0) {
    throw std::invalid_argument("a worker pool needs at least one worker");
  }
  workers_.resize(worker_count);
  for (std::size_t index = 0; index < workers_.size(); ++index) {
    workers_[index].fiber = simulation_.spawn_daemon(name + "-worker-" + std::to_string(index),
                                                     [this, index] { serve(index); });
  }
}

bool WorkerPool::is_worker(FiberId fiber) const {
  for (const Worker& worker : workers_) {
    if (worker.fiber == fiber) {
      return true;
    }
  }
  return false;
}

std::optional<WS_CALLBACK_MODEL> WorkerPool::offered_model(FiberId fiber) const {
  for (const Worker& worker : workers_) {
    if (worker.fiber == fiber) {
      return worker.offered;
    }
  }
  return std::nullopt;
}

void WorkerPool::submit(Work work) {
  queue_.push_back(std::move(work));
  for (Worker& worker : workers_) {
    if (worker.idle) {
      worker.idle = false;
      simulation_.wake(worker.fiber);
      return;
    }
  }
}

WS_CALLBACK_MODEL WorkerPool::model_for(std::size_t worker_index) const {
  for (std::size_t index = 0; index < workers_.size(); ++index) {
    if (index != worker_index && workers_[index].idle) {
      return WS_LONG_CALLBACK;
    }
  }
  return WS_SHORT_CALLBACK;
}

void WorkerPool::serve(std::size_t worker_index) {
  for (;;) {
    while (queue_.empty()) {
      workers_[worker_index].idle = true;
      // No local of this loop is alive here: a schedule ending now has nothing to unwind.
      simulation_.park("idle worker");
    }
    workers_[worker_index].idle = false;
    Work work = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    const WS_CALLBACK_MODEL model = model_for(worker_index);
    workers_[worker_index].offered = model;
    work(model);
    workers_[worker_index].offered.reset();
    --running_;
  }
}

}  // namespace lockstep::harness
