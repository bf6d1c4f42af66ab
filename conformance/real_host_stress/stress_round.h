// What every real-host stress round shares: its settings, its report, the threads it starts
// (which it may have to abandon), and a few formatting helpers.
//
// A round is one short episode of real concurrency against one implementation: real hosts, a
// network, caller threads and a fault injector, all made and torn down inside the round. When a
// thread is stuck inside the implementation (a lost synchronous completion, a deadlock), the
// round cannot free what that thread may still touch: it reports the calls and leaks itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

#include "conformance/real_host_stress/stress_log.h"
#include "harness/core/hresult_text.h"
#include "lockstep/ws.h"

namespace lockstep::stress {

struct RoundSettings {
  double call_bound_seconds = 2.0;  ///< AM11: a call must complete within this wall time
  /// A round whose threads are all blocked while nothing runs for this long is stuck.
  double stuck_after_quiet_seconds = 0.5;
  double round_bound_seconds = 10.0;  ///< a backstop for a round that never ends
};

struct RoundReport {
  std::uint64_t calls = 0;
  bool leaked = false;  ///< a thread stayed stuck in the implementation; the round was abandoned
  std::string leak_reason;  ///< which threads were stuck, when leaked
};

/// "callers, host" from the names of the parts that did not stop; empty when all did.
std::string stuck_parts(std::initializer_list<std::pair<const char*, bool>> stopped);

/// Threads that can be joined with a timeout, or abandoned (detached) when stuck.
class ThreadGroup {
 public:
  ThreadGroup() = default;
  ~ThreadGroup();
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;

  void start(std::function<void()> body);
  bool all_done() const { return done_.load() == threads_.size(); }
  /// Waits until every thread finished, or until `idle` held continuously for `quiet_seconds`
  /// (everyone left is blocked for good), or `bound_seconds` passed. Joins them all if they
  /// finished, else detaches them all and returns false.
  bool join_or_abandon(const std::function<bool()>& idle, double quiet_seconds,
                       double bound_seconds);

 private:
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> done_{0};
  bool settled_ = false;
};

using harness::hresult_text;
const char* channel_state_name(WS_CHANNEL_STATE state);

}  // namespace lockstep::stress
