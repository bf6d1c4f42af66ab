// Worker threads, their FIFO, and the AM8 model each item is offered.
#include "harness/real_host/real_worker_pool.h"

#include <chrono>
#include <stdexcept>

namespace lockstep::real_host {

RealWorkerPool::RealWorkerPool(std::uint32_t worker_count) {
  if (worker_count == 0) {
    throw std::invalid_argument("a worker pool needs at least one worker");
  }
  slots_.resize(worker_count);
  std::lock_guard<std::mutex> lock(mutex_);  // slots_ ids are written before any worker reads
  for (std::size_t index = 0; index < worker_count; ++index) {
    threads_.emplace_back([this, index] { serve(index); });
    slots_[index].id = threads_.back().get_id();
  }
}

RealWorkerPool::~RealWorkerPool() {
  if (!shut_down_) {
    shut_down(UINT64_MAX);
  }
}

bool RealWorkerPool::submit(Work work) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) {
    return false;
  }
  queue_.push_back(std::move(work));
  work_or_stop_.notify_one();
  return true;
}

bool RealWorkerPool::on_worker_thread() const {
  const std::thread::id self = std::this_thread::get_id();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const WorkerSlot& slot : slots_) {
    if (slot.id == self) {
      return true;
    }
  }
  return false;
}

std::optional<WS_CALLBACK_MODEL> RealWorkerPool::offered_model_here() const {
  const std::thread::id self = std::this_thread::get_id();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const WorkerSlot& slot : slots_) {
    if (slot.id == self) {
      return slot.offered;
    }
  }
  return std::nullopt;
}

std::uint64_t RealWorkerPool::unfinished() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size() + running_;
}

void RealWorkerPool::serve(std::size_t index) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    while (queue_.empty() && !stopping_) {
      slots_[index].idle = true;
      ++idle_workers_;
      work_or_stop_.wait(lock);
      --idle_workers_;
      slots_[index].idle = false;
    }
    if (queue_.empty()) {
      break;  // stopping, and everything queued has been taken
    }
    Work work = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    // This worker is not idle now, so idle_workers_ counts only the others (rule AM8).
    const WS_CALLBACK_MODEL model = idle_workers_ > 0 ? WS_LONG_CALLBACK : WS_SHORT_CALLBACK;
    slots_[index].offered = model;
    lock.unlock();
    work(model);
    work = nullptr;  // what the item captured goes before the next item is taken
    lock.lock();
    slots_[index].offered.reset();
    --running_;
  }
  ++exited_workers_;
  exited_.notify_all();
}

bool RealWorkerPool::shut_down(std::uint64_t timeout_ns) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (shut_down_) {
    return true;
  }
  stopping_ = true;
  work_or_stop_.notify_all();
  const auto all_exited = [this] { return exited_workers_ == threads_.size(); };
  bool finished = true;
  if (timeout_ns == UINT64_MAX) {
    exited_.wait(lock, all_exited);
  } else {
    finished = exited_.wait_for(lock, std::chrono::nanoseconds(timeout_ns), all_exited);
  }
  lock.unlock();
  for (std::thread& thread : threads_) {
    if (finished) {
      thread.join();
    } else {
      thread.detach();
    }
  }
  shut_down_ = true;
  return finished;
}

}  // namespace lockstep::real_host
