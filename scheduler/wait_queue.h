// WaitQueue: simulated threads waiting for a condition another thread or event will make true.
//
// Why it exists: a fiber that waits by yielding in a loop stays runnable, so under PCT (where
// the highest-priority runnable candidate always runs) it can starve the very fiber it waits
// for until the step budget is gone. A fiber waiting here is blocked: it is not a candidate
// until notify_all() makes it runnable again. Waiters are woken in the order they started to
// wait, never by address. Spurious wake-ups (a fiber woken by someone else) are harmless for
// wait_until(), which re-checks its predicate; wait() returns after any wake-up.
// Invariant: a fiber is on the queue exactly while it is blocked in wait(). Like everything a
// fiber refers to, a queue must outlive the simulation's shutdown(), which unwinds its waiters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/simulation.h"

namespace lockstep {

class WaitQueue {
 public:
  /// `simulation` must outlive the queue.
  explicit WaitQueue(Simulation& simulation) : simulation_(simulation) {}
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  /// On a fiber: blocks the calling fiber (it is not runnable) until it is woken; `reason` is
  /// shown in deadlock reports.
  void wait(std::string_view reason);
  /// On a fiber: blocks until `condition()` holds, checking it before every wait.
  template <typename Condition>
  void wait_until(std::string_view reason, Condition condition) {
    while (!condition()) {
      wait(reason);
    }
  }
  /// Callable anywhere (fibers, events): makes every waiting fiber runnable, oldest first.
  void notify_all();
  /// Fibers blocked in wait() now.
  std::size_t waiting() const { return waiters_.size(); }

 private:
  Simulation& simulation_;
  std::vector<FiberId> waiters_;
};

}  // namespace lockstep
