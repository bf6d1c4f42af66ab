// A thread that runs short actions at given instants of the monotonic clock: the real host's
// timers and the in-process network's deliveries both sit on one.
//
// Invariants: actions run one at a time on the queue's own thread, in (due time, schedule
// order) order, never inside schedule(); an action cancelled before it started never runs; once
// stop() returns, the thread has ended and no action runs again (those still queued are
// destroyed unrun). Actions must be short and must not call stop() on their own queue.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace lockstep::real_host {

class DelayQueue {
 public:
  using Action = std::function<void()>;
  using ActionId = std::uint64_t;

  DelayQueue();
  ~DelayQueue();
  DelayQueue(const DelayQueue&) = delete;
  DelayQueue& operator=(const DelayQueue&) = delete;

  /// Runs `action` at `due_ns` (monotonic_now_ns scale; a past instant means as soon as
  /// possible). Returns its id; 0 once the queue is stopped (the action is dropped).
  ActionId schedule_at(std::uint64_t due_ns, Action action);
  /// True if the action was still waiting and will now never run.
  bool cancel(ActionId id);
  /// Actions waiting plus the one running, if any.
  std::size_t outstanding() const;
  /// Ends the thread; waiting actions are destroyed unrun. Idempotent.
  void stop();

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::pair<std::uint64_t, ActionId>, Action> waiting_;
  std::map<ActionId, std::uint64_t> due_by_id_;
  ActionId next_id_ = 1;
  bool running_action_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace lockstep::real_host
