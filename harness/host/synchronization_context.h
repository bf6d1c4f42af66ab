// A single-threaded synchronization context of the simulated host: the "UI thread" an
// event-based caller captures (lockstep_synchronization_context, lockstep/patterns.h).
//
// post() only queues (never runs anything inline); the context's one thread runs the posted
// functions one at a time, in posting order. That thread is either a caller's fiber that binds
// itself and pumps while it waits (a UI thread that also runs the caller's own steps), or a
// daemon fiber that pumps forever (a service's context). The context knows, at every moment,
// whether its thread is inside a posted function, which is how the harness checks where an
// event runs (rule EV5). An optional hook runs on the thread after each posted function (the
// event-based driver checks IsBusy there, rule EV7). Invariant: no draws here; the order of
// posted work is the order of post calls.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>

#include "lockstep/patterns.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

class SynchronizationContext {
 public:
  SynchronizationContext(Simulation& simulation, std::string name);
  SynchronizationContext(const SynchronizationContext&) = delete;
  SynchronizationContext& operator=(const SynchronizationContext&) = delete;

  /// The table handed to implementations (in lockstep_event_handlers.context).
  const lockstep_synchronization_context* table() const { return &table_; }
  const std::string& name() const { return name_; }

  /// On a fiber: makes it the context's thread (once).
  void bind_current_thread();
  /// Spawns a daemon fiber as the context's thread, pumping forever.
  void run_as_daemon();
  /// The context's thread, or 0 before one is bound.
  FiberId thread() const { return thread_; }
  /// On the context's thread: runs posted functions until `done()` holds, blocking while
  /// nothing is queued (forever, if nothing ever comes: the world then ends as a deadlock).
  void pump_until(const std::function<bool()>& done);
  /// On the context's thread: runs posted functions for `duration_ns` of virtual time.
  void pump_for(std::uint64_t duration_ns);
  /// True while the context's thread is inside a posted function.
  bool inside_posted_function() const { return inside_; }
  /// True while the context's thread is blocked in a pump with nothing queued: anything
  /// posted now would run. False while it is busy elsewhere (or stuck there).
  bool pumping() const { return waiting_ && queue_.empty(); }
  /// Anywhere: a pumping thread looks at its `done` condition again (for conditions another
  /// thread changed without posting anything).
  void nudge();
  /// Runs on the context's thread after each posted function.
  void set_after_each(std::function<void()> hook) { after_each_ = std::move(hook); }
  std::uint64_t posted() const { return posted_; }

  // ---- the C side (public for the trampoline) ----
  HRESULT post(lockstep_posted_function function, void* state);

 private:
  struct Item {
    lockstep_posted_function function;
    void* state;
  };
  void require_own_thread(const char* what) const;
  void run_queued();

  Simulation& simulation_;
  std::string name_;
  lockstep_synchronization_context table_{};
  FiberId thread_ = 0;
  bool waiting_ = false;
  bool inside_ = false;
  std::deque<Item> queue_;
  std::uint64_t posted_ = 0;
  std::function<void()> after_each_;
};

}  // namespace lockstep::harness
