// The event-based driver: makes MethodAsync calls on an instance of the implementation's
// event_based part (a proxy or a service), with the harness's synchronization context as the
// captured context, and checks rules EV1-EV7.
//
// Checks, each recorded where it is observed:
//   EV1 every accepted call gets exactly one Completed event carrying its userState (a second
//       one, one for a userState with no call, or none by the end of the schedule).
//   EV2 a failed or cancelled Completed event carries no result.
//   EV3 no progress event for a call after its Completed event.
//   EV4 a NULL-userState call while a call is in flight, and a userState already in flight,
//       are refused (attempted only while the first call's underlying operation is still
//       running, so no correct implementation can have finished it); a valid call is
//       accepted; an argument error is refused.
//   EV5 Completed runs on the context's thread, inside a function posted to the context.
//   EV6 CancelAsync returns S_OK: for a call in flight, right after its start, for one long
//       done, and for a userState never used.
//   EV7 IsBusy is TRUE right after a call was accepted and, after each posted function, TRUE
//       exactly while an accepted call has not had its Completed event (seen from the
//       context's thread; an answer counts only if no start or Completed event the driver
//       sees happened while is_busy ran, since it may yield to other threads).
// The outcome of each call (MX1 compares it with its exchange; a cancelled one delivers
// WS_E_OPERATION_ABORTED) goes to the caller's OutcomeSink once.
//
// Invariants: calls live as long as the driver; the handlers' state is the driver, and a
// Completed event is matched to a call by its userState, never trusted blindly.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>

#include "conformance/patterns/fiber_waiters.h"
#include "conformance/patterns/pattern_exchange.h"
#include "conformance/patterns/pattern_plans.h"
#include "harness/host/simulated_host.h"
#include "harness/host/synchronization_context.h"

namespace lockstep::conformance {

class EventDriver {
 public:
  EventDriver(ExchangeLedger& ledger, harness::SimulatedHost& host,
              const lockstep_event_based_functions& part, lockstep_pattern_instance* instance,
              PatternRole role, harness::SynchronizationContext& context);
  ~EventDriver();
  EventDriver(const EventDriver&) = delete;
  EventDriver& operator=(const EventDriver&) = delete;

  /// On the caller's thread (client role: the context's own thread, between posted
  /// functions; service role: a dispatcher fiber): one call, its attempts and cancels.
  void call(PatternCall& call, const EventPlan& plan, OutcomeSink outcome);
  /// Client role, on the context's thread: pumps until every accepted call had its Completed.
  void pump_until_all_completed();
  /// Service role, on a dispatcher fiber: waits until `call` had its Completed (or was refused).
  void wait_for(const PatternCall& call);
  /// End of schedule: accepted calls without a Completed event (EV1).
  void finish();

  struct Call;
  // ---- the C side (public for the trampolines) ----
  void on_completed(const lockstep_completed_event_args& args);
  void on_progress(void* user_state);
  void after_posted_function();

 private:
  Call& add_call(PatternCall& call, const EventPlan& plan, void* user_state);
  HRESULT start(Call& call, bool invalid_request);
  void cancel(Call& call, const char* when);
  bool any_in_flight() const;
  bool any_underlying_running() const;
  Call* match(void* user_state, bool raised_too);

  ExchangeLedger& ledger_;
  harness::SimulatedHost& host_;
  const lockstep_event_based_functions& part_;
  lockstep_pattern_instance* instance_;
  PatternRole role_;
  harness::SynchronizationContext& context_;
  FiberWaiters waiters_;
  std::deque<std::unique_ptr<Call>> calls_;
  std::uint32_t starts_in_progress_ = 0;
  std::uint64_t generation_ = 0;  ///< bumped by every start and Completed event the driver sees
  bool busy_reported_ = false;
  // Completed was raised off the context (EV5): the checks that rely on events being
  // serialised on the context (EV3, EV4's busy, EV7) no longer have their premise.
  bool context_bypassed_ = false;
  char never_used_user_state_ = 0;
};

}  // namespace lockstep::conformance
