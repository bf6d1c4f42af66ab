// Cancellation tokens of the simulated host: what a task-based caller hands an implementation
// (lockstep_cancellation_token, lockstep/patterns.h) and what the harness cancels.
//
// One source, one token. cancel() runs every registered callback inline, on the cancelling
// thread, in registration order; a registration made after cancellation runs its callback
// inline inside register_callback. unregister answers TRUE only if the callback had not
// started; a registration handle is checked on every use (a stale or foreign handle throws,
// which the scheduler reports as the schedule's failure naming the thread). Invariants:
// callbacks run at most once each; nothing here decides anything (no draws), so a token adds
// no decisions of its own to a schedule.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "lockstep/patterns.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

class CancellationSource {
 public:
  explicit CancellationSource(Simulation& simulation);
  ~CancellationSource();
  CancellationSource(const CancellationSource&) = delete;
  CancellationSource& operator=(const CancellationSource&) = delete;

  /// The token handed to the implementation; valid as long as the source.
  lockstep_cancellation_token* token() { return &token_.base; }
  bool cancellation_requested() const { return cancelled_; }
  /// Requests cancellation (once; later calls do nothing): runs the callbacks here and now.
  void cancel();
  /// Registrations not yet unregistered (an implementation should unregister each one).
  std::size_t live_registrations() const { return registrations_.size(); }

  // ---- the C side (public for the trampolines) ----
  HRESULT register_callback(lockstep_cancellation_callback callback, void* state,
                            lockstep_cancellation_registration** registration);
  bool unregister(lockstep_cancellation_registration* registration);

 private:
  struct Token {
    lockstep_cancellation_token base;  // first: a Token* is a lockstep_cancellation_token*
    CancellationSource* source;
  };
  struct Registration {
    lockstep_cancellation_callback callback = nullptr;
    void* state = nullptr;
    bool started = false;
  };

  Simulation& simulation_;
  Token token_{};
  bool cancelled_ = false;
  std::uint64_t next_registration_ = 1;
  std::map<std::uint64_t, Registration> registrations_;
};

}  // namespace lockstep::harness
