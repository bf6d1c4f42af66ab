// The service's own work, as the harness provides it to create_service (lockstep_service_work):
// what a service implementation runs once per call, whatever its pattern.
//
// Why it exists: it is the service-side twin of ProxyChannel. Each run is counted for its call
// (MX1: at most once) and completes the way the schedule draws (WorkChoice): synchronously,
// later from a worker of the backend host, early (the implementation's callback runs on a
// worker before run has returned, AM12), with the reply "reply <id>" or a failure
// (WS_E_OTHER and an error string). Given a token, work that honours cancellation stops when
// it is cancelled: it completes with WS_E_OPERATION_ABORTED, and only then (the ground truth
// of rule TK4). It records what it handed the implementation as the call's service-side
// UnderlyingOperation, and marks the delivering thread as completing (TK5).
//
// Invariants: each run completes exactly once; the implementation's buffers are written
// before its callback runs and never after; every token registration is unregistered when the
// run completes; runs live as long as the work.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "conformance/patterns/fiber_waiters.h"
#include "conformance/patterns/pattern_exchange.h"
#include "conformance/patterns/pattern_plans.h"
#include "harness/host/simulated_host.h"

namespace lockstep::conformance {

class ServiceWork {
 public:
  using Choose =
      std::function<WorkChoice(const PatternCall& call, bool with_context, bool with_token)>;

  ServiceWork(ExchangeLedger& ledger, harness::SimulatedHost& backend, Choose choose);
  ~ServiceWork();
  ServiceWork(const ServiceWork&) = delete;
  ServiceWork& operator=(const ServiceWork&) = delete;

  /// What create_service is given (and what the synchronous service calls directly).
  const lockstep_service_work* table() const { return &table_; }

  struct Run;
  // ---- the C side (public for the trampolines) ----
  HRESULT run(const void* request, std::size_t request_size, lockstep_cancellation_token* token,
              void* reply, std::size_t reply_capacity, std::size_t* reply_size,
              const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  void finish(Run& run, bool by_cancellation, WS_CALLBACK_MODEL model);
  void request_stop(Run& run);

 private:
  HRESULT decide(Run& run, bool by_cancellation);

  ExchangeLedger& ledger_;
  harness::SimulatedHost& backend_;
  Choose choose_;
  lockstep_service_work table_{};
  FiberWaiters waiters_;
  std::deque<std::unique_ptr<Run>> runs_;
};

}  // namespace lockstep::conformance
