// How many threads other than the hosts' own workers are running inside an implementation or
// the network right now: what a driver needs, besides idle hosts and an idle network, to know
// that nothing can still complete a call.
//
// A driver wraps each call its own threads make into the implementation (or the network) in a
// ForeignCallScope. While such a thread blocks in a host wait (event_wait, mutex_lock), the
// real host takes it off the count, so a caller blocked for good does not look busy. A thread
// preempted by the OS in the middle of a call stays counted: the gauge is never fooled into
// "quiet" by scheduling.
//
// Invariants: the count is exact for properly nested scopes; nesting on one thread counts once.
#pragma once

#include <cstdint>

namespace lockstep::real_host {

class ForeignCallScope {
 public:
  ForeignCallScope();
  ~ForeignCallScope();
  ForeignCallScope(const ForeignCallScope&) = delete;
  ForeignCallScope& operator=(const ForeignCallScope&) = delete;
};

/// Threads inside a ForeignCallScope and not blocked in a host wait, process-wide.
std::uint64_t foreign_threads_running();

/// Used by the real host around its blocking waits.
class BlockedInHostScope {
 public:
  BlockedInHostScope();
  ~BlockedInHostScope();
  BlockedInHostScope(const BlockedInHostScope&) = delete;
  BlockedInHostScope& operator=(const BlockedInHostScope&) = delete;

 private:
  bool counted_;
};

}  // namespace lockstep::real_host
