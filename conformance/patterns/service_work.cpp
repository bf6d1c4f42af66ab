// The service's work: drawn completions, cancellation, and the record of what it handed over.
#include "conformance/patterns/service_work.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace lockstep::conformance {

struct ServiceWork::Run {
  ServiceWork* owner = nullptr;
  PatternCall* call = nullptr;
  WorkChoice choice;
  void* reply = nullptr;
  std::size_t reply_capacity = 0;
  std::size_t* reply_size = nullptr;
  WS_ERROR* error = nullptr;
  WS_ASYNC_CALLBACK callback = nullptr;  // copied (AM5)
  void* callback_state = nullptr;
  lockstep_cancellation_token* token = nullptr;
  lockstep_cancellation_registration* registration = nullptr;
  bool finished = false;
  bool delivered = false;
};

namespace {

HRESULT run_trampoline(void* state, uint32_t operation, const void* request, size_t request_size,
                       lockstep_cancellation_token* token, void* reply, size_t reply_capacity,
                       size_t* reply_size, const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  (void)operation;  // the dispatcher decides one-way or not; the work is the same
  return static_cast<ServiceWork*>(state)->run(request, request_size, token, reply, reply_capacity,
                                               reply_size, async_context, error);
}

void on_cancellation(void* state) {
  auto* run = static_cast<ServiceWork::Run*>(state);
  run->owner->request_stop(*run);
}

}  // namespace

ServiceWork::ServiceWork(ExchangeLedger& ledger, harness::SimulatedHost& backend, Choose choose)
    : ledger_(ledger),
      backend_(backend),
      choose_(std::move(choose)),
      waiters_(ledger.world().simulation()) {
  table_.struct_size = sizeof(table_);
  table_.state = this;
  table_.run = &run_trampoline;
}

HRESULT ServiceWork::decide(Run& run, bool by_cancellation) {
  run.finished = true;
  PatternCall& call = *run.call;
  HRESULT result = S_OK;
  std::string reply;
  if (by_cancellation) {
    result = WS_E_OPERATION_ABORTED;
    lockstep_error_add_text(run.error, "the work stopped: cancellation was requested");
  } else if (run.choice.fails) {
    result = WS_E_OTHER;
    lockstep_error_add_text(run.error, ("the work failed for " + call.body).c_str());
  } else {
    reply = "reply " + std::to_string(call.id);
    const std::size_t size = std::min(reply.size(), run.reply_capacity);
    std::memcpy(run.reply, reply.data(), size);
    *run.reply_size = size;
  }
  if (run.registration != nullptr) {
    run.token->ops->unregister(run.token, run.registration);
    run.registration = nullptr;
  }
  if (FAILED(result)) {
    ledger_.reach(harness::Probe::call_failed_in_exchange);  // its reply will be a fault
  }
  UnderlyingOperation& work = call.service;
  work.completed = true;
  work.result = result;
  work.reply = reply;
  work.stopped_by_cancellation = by_cancellation;
  work.completed_on = ledger_.world().simulation().current_fiber();
  return result;
}

void ServiceWork::finish(Run& run, bool by_cancellation, WS_CALLBACK_MODEL model) {
  if (run.finished) {
    return;  // the other of (its delay, its cancellation) came first
  }
  const HRESULT result = decide(run, by_cancellation);
  run.call->service.completed_synchronously = false;
  const FiberId thread = ledger_.world().simulation().current_fiber();
  ledger_.enter_completion(thread);
  run.callback(result, model, run.callback_state);
  ledger_.leave_completion(thread);
  run.delivered = true;
  waiters_.notify();
}

void ServiceWork::request_stop(Run& run) {
  // On the cancelling thread: stop soon, from a worker (not inside the caller's cancel).
  Run* stopped = &run;
  backend_.workers().submit(
      [this, stopped](WS_CALLBACK_MODEL model) { finish(*stopped, true, model); });
}

HRESULT ServiceWork::run(const void* request, std::size_t request_size,
                         lockstep_cancellation_token* token, void* reply,
                         std::size_t reply_capacity, std::size_t* reply_size,
                         const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  if ((request == nullptr && request_size > 0) || reply == nullptr || reply_size == nullptr ||
      (async_context != nullptr && async_context->callback == nullptr)) {
    return E_INVALIDARG;
  }
  const std::string_view body(static_cast<const char*>(request), request_size);
  PatternCall* call = ledger_.find_by_body(body);
  if (call == nullptr) {
    ledger_.world().violations().record(
        "MX1", "service work",
        "the work ran for a request no call made: '" + std::string(body.substr(0, 40)) + "'");
    return WS_E_INVALID_FORMAT;
  }
  ledger_.on_work_started(*call);
  Run& run = *runs_.emplace_back(std::make_unique<Run>());
  run.owner = this;
  run.call = call;
  run.choice = choose_(*call, async_context != nullptr, token != nullptr);
  run.reply = reply;
  run.reply_capacity = reply_capacity;
  run.reply_size = reply_size;
  run.error = error;
  run.token = token;
  UnderlyingMode mode = run.choice.mode;
  if (mode == UnderlyingMode::synchronous_failure) {
    mode = UnderlyingMode::synchronous;
    run.choice.fails = true;
  }
  if (async_context == nullptr) {
    mode = UnderlyingMode::synchronous;
  } else if (mode == UnderlyingMode::early &&
             backend_.workers().is_worker(ledger_.world().simulation().current_fiber())) {
    mode = UnderlyingMode::later;  // an early completion needs a free backend worker
  }
  const bool stops = token != nullptr && run.choice.honours_cancellation;
  if (mode == UnderlyingMode::synchronous) {
    const bool cancelled = stops && lockstep_token_is_cancellation_requested(token);
    const HRESULT result = decide(run, cancelled);
    call->service.completed_synchronously = true;
    return result;
  }
  run.callback = async_context->callback;
  run.callback_state = async_context->callbackState;
  if (stops) {
    // May run on_cancellation inline (already cancelled): it only queues the stop.
    token->ops->register_callback(token, &on_cancellation, &run, &run.registration);
  }
  Simulation& simulation = ledger_.world().simulation();
  Run* started = &run;
  if (mode == UnderlyingMode::early) {
    backend_.workers().submit(
        [this, started](WS_CALLBACK_MODEL model) { finish(*started, false, model); });
    waiters_.wait_until([started] { return started->delivered; }, "service work: early completion");
    return WS_S_ASYNC;
  }
  simulation.schedule(
      run.choice.delay_ns,
      [this, started] {
        backend_.workers().submit(
            [this, started](WS_CALLBACK_MODEL model) { finish(*started, false, model); });
      },
      "service work done");
  return WS_S_ASYNC;
}

ServiceWork::~ServiceWork() = default;

}  // namespace lockstep::conformance
