// The task-based driver: starts tasks on an instance of the implementation's task_based part
// (a proxy or a service), with cancellation tokens of the simulated host, awaits them by
// continuation or wait, and checks rules TK1-TK5.
//
// Checks, each recorded where it is observed:
//   TK1 a task left alone after start (nobody waits, no continuation) has its work started
//       within kStartWindowNs of virtual time.
//   TK2 start fails only for an argument error (and does fail for one); a FAULTED task stores
//       the failure its work ended with.
//   TK3 a token cancelled before the call gives a CANCELED task.
//   TK4 a CANCELED task had cancellation requested and its work either never started or
//       stopped because of the request (the harness's work says which).
//   TK5 a continuation added with LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY does not run inline on
//       a thread that is inside the completion (a harness completion callback).
// The outcome (MX1 compares it with the exchange; a CANCELED task delivers
// WS_E_OPERATION_ABORTED) goes to the caller's OutcomeSink once.
//
// A continuation that never runs leaves its awaiting thread blocked: the schedule then ends as
// a deadlock, which fails it. Invariants: calls and their token sources live as long as the
// driver (the token outlives the task); a task is released once, after its continuation ran or
// its wait returned.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>

#include "conformance/patterns/fiber_waiters.h"
#include "conformance/patterns/pattern_exchange.h"
#include "conformance/patterns/pattern_plans.h"
#include "harness/host/simulated_host.h"

namespace lockstep::conformance {

class TaskDriver {
 public:
  /// How long a task may be left alone before its work must have started (TK1).
  static constexpr std::uint64_t kStartWindowNs = 1'000'000;

  TaskDriver(ExchangeLedger& ledger, harness::SimulatedHost& host,
             const lockstep_task_based_functions& part, lockstep_pattern_instance* instance,
             PatternRole role);
  ~TaskDriver();
  TaskDriver(const TaskDriver&) = delete;
  TaskDriver& operator=(const TaskDriver&) = delete;

  /// On a fiber: starts the task for `call` (and cancels, registers a continuation, by plan).
  void call(PatternCall& call, const TaskPlan& plan, OutcomeSink outcome);
  /// On a fiber: awaits every task started so far (by plan) and releases it.
  void wait_all();
  /// On a fiber: awaits the task of `call` and releases it.
  void wait_for(const PatternCall& call);

  struct Call;
  // ---- the C side (public for the trampoline) ----
  void on_continuation(lockstep_task* task, Call& call);

 private:
  void await(Call& call);
  void read_outcome(Call& call, const char* where);

  ExchangeLedger& ledger_;
  harness::SimulatedHost& host_;
  const lockstep_task_based_functions& part_;
  lockstep_pattern_instance* instance_;
  PatternRole role_;
  FiberWaiters waiters_;
  std::deque<std::unique_ptr<Call>> calls_;
};

}  // namespace lockstep::conformance
