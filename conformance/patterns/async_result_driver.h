// The IAsyncResult driver: makes Begin/End calls on an instance of the implementation's
// async_result part (a proxy or a service, the same code) and checks rules AP1-AP5 against
// what the underlying operation really did (ExchangeLedger).
//
// Checks, each recorded where it is observed:
//   AP1 CompletedSynchronously read after Begin, in the callback and after End must agree; it
//       is TRUE exactly when the callback ran inside Begin on Begin's thread (and TRUE implies
//       IsCompleted when Begin returned).
//   AP2 the callback runs exactly once for a Begin that succeeded (twice, or never by the end
//       of the schedule, is a violation).
//   AP3 inside the callback IsCompleted is TRUE and the wait handle is set.
//   AP4 End returns only after the underlying operation completed, with IsCompleted TRUE, and
//       its outcome (MX1 compares it with the exchange); a second End fails and writes nothing.
//   AP5 a Begin that failed never has its callback run (before or after it returned); a Begin
//       with an argument error must fail.
// The outcome (End's, or Begin's failure) goes to the caller's OutcomeSink once.
//
// Invariants: each call's state lives as long as the driver; results are released exactly
// once, after End returned and the callback (if any) returned; the async_state handed to
// Begin is the driver's per-call record, looked up, never trusted blindly.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "conformance/patterns/fiber_waiters.h"
#include "conformance/patterns/pattern_exchange.h"
#include "conformance/patterns/pattern_plans.h"
#include "harness/host/simulated_host.h"

namespace lockstep::conformance {

class AsyncResultDriver {
 public:
  AsyncResultDriver(ExchangeLedger& ledger, harness::SimulatedHost& host,
                    const lockstep_async_result_functions& part,
                    lockstep_pattern_instance* instance, PatternRole role);
  ~AsyncResultDriver();
  AsyncResultDriver(const AsyncResultDriver&) = delete;
  AsyncResultDriver& operator=(const AsyncResultDriver&) = delete;

  /// On a fiber: Begin for `call`; with End from this thread (by the plan), End too.
  void call(PatternCall& call, const AsyncResultPlan& plan, OutcomeSink outcome);
  /// On a fiber: waits until every call made so far is over (End done, callback returned),
  /// releasing the results.
  void wait_all();
  /// On a fiber: the same for the call of `call` alone.
  void wait_for(const PatternCall& call);
  /// End of schedule: a callback never invoked (AP2).
  void finish();

  struct Call;
  // ---- the C side (public for the trampoline) ----
  void on_callback(lockstep_async_result* result);

 private:
  void end_call(Call& call, const char* where);
  void check_synchronous_flag(Call& call);
  bool over(const Call& call) const;
  void settle(Call& call);

  ExchangeLedger& ledger_;
  harness::SimulatedHost& host_;
  const lockstep_async_result_functions& part_;
  lockstep_pattern_instance* instance_;
  PatternRole role_;
  FiberWaiters waiters_;
  std::deque<std::unique_ptr<Call>> calls_;
};

}  // namespace lockstep::conformance
