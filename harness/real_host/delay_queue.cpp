// The delay queue's thread: sleep until the earliest due action, run it outside the lock.
#include "harness/real_host/delay_queue.h"

#include <chrono>

#include "harness/real_host/real_clock.h"

namespace lockstep::real_host {

DelayQueue::DelayQueue() : thread_([this] { run(); }) {}

DelayQueue::~DelayQueue() {
  stop();
}

DelayQueue::ActionId DelayQueue::schedule_at(std::uint64_t due_ns, Action action) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) {
    return 0;
  }
  const ActionId id = next_id_++;
  waiting_.emplace(std::make_pair(due_ns, id), std::move(action));
  due_by_id_.emplace(id, due_ns);
  changed_.notify_one();
  return id;
}

bool DelayQueue::cancel(ActionId id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = due_by_id_.find(id);
  if (found == due_by_id_.end()) {
    return false;
  }
  waiting_.erase(std::make_pair(found->second, id));
  due_by_id_.erase(found);
  return true;
}

std::size_t DelayQueue::outstanding() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiting_.size() + (running_action_ ? 1 : 0);
}

void DelayQueue::stop() {
  std::map<std::pair<std::uint64_t, ActionId>, Action> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    changed_.notify_one();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  dropped.swap(waiting_);  // destroyed after the lock is released (they may own anything)
  due_by_id_.clear();
}

void DelayQueue::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (waiting_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const auto earliest = waiting_.begin();
    const std::uint64_t now_ns = monotonic_now_ns();
    if (earliest->first.first > now_ns) {
      changed_.wait_for(lock, std::chrono::nanoseconds(earliest->first.first - now_ns));
      continue;
    }
    Action action = std::move(earliest->second);
    due_by_id_.erase(earliest->first.second);
    waiting_.erase(earliest);
    running_action_ = true;
    lock.unlock();
    action();
    action = nullptr;  // whatever it captured goes before the next action runs
    lock.lock();
    running_action_ = false;
  }
}

}  // namespace lockstep::real_host
