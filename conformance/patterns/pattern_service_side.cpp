// The service instance and its invocation per request.
#include "conformance/patterns/pattern_service_side.h"

#include <algorithm>

namespace lockstep::conformance {

PatternServiceSide::PatternServiceSide(ExchangeLedger& ledger, PatternScenario& scenario,
                                       ServicePattern pattern, const PatternParts& parts,
                                       harness::SimulatedHost& host, ServiceWork& work)
    : ledger_(ledger),
      scenario_(scenario),
      pattern_(pattern),
      parts_(parts),
      host_(host),
      work_(work) {
  const lockstep_host* table = host.table();
  switch (pattern) {
    case ServicePattern::begin_end:
      if (SUCCEEDED(parts.async_result_service.functions->create_service(
              parts.async_result_service.self, table, work.table(), &instance_, nullptr))) {
        async_result_ = std::make_unique<AsyncResultDriver>(
            ledger, host, *parts.async_result_service.functions, instance_, PatternRole::service);
      }
      break;
    case ServicePattern::event_based:
      if (SUCCEEDED(parts.event_based_service.functions->create_service(
              parts.event_based_service.self, table, work.table(), &instance_, nullptr))) {
        context_ = std::make_unique<harness::SynchronizationContext>(ledger.world().simulation(),
                                                                     "service-context");
        context_->run_as_daemon();
        event_based_ =
            std::make_unique<EventDriver>(ledger, host, *parts.event_based_service.functions,
                                          instance_, PatternRole::service, *context_);
      }
      break;
    case ServicePattern::task_based:
      if (SUCCEEDED(parts.task_based_service.functions->create_service(
              parts.task_based_service.self, table, work.table(), &instance_, nullptr))) {
        task_based_ = std::make_unique<TaskDriver>(
            ledger, host, *parts.task_based_service.functions, instance_, PatternRole::service);
      }
      break;
    case ServicePattern::synchronous:
      break;
  }
}

PatternServiceSide::~PatternServiceSide() = default;

void PatternServiceSide::invoke(PatternCall& call, const PatternDispatcher::Reply& reply) {
  const OutcomeSink outcome = [reply](HRESULT result, const std::string& body) {
    reply(result, body);
  };
  switch (pattern_) {
    case ServicePattern::begin_end:
      async_result_->call(call, scenario_.async_result_plan(PatternRole::service), outcome);
      async_result_->wait_for(call);
      return;
    case ServicePattern::event_based:
      event_based_->call(call, scenario_.event_plan(PatternRole::service), outcome);
      event_based_->wait_for(call);
      return;
    case ServicePattern::task_based:
      task_based_->call(call, scenario_.task_plan(PatternRole::service), outcome);
      task_based_->wait_for(call);
      return;
    case ServicePattern::synchronous:
      break;
  }
  // The harness's synchronous method: the work with no context, on this thread.
  char buffer[LOCKSTEP_PATTERN_REPLY_CAPACITY];
  std::size_t size = 0;
  const lockstep_service_work* work = work_.table();
  const HRESULT result = work->run(
      work->state, call.one_way ? kOneWayOperation : kRequestReplyOperation, call.body.data(),
      call.body.size(), nullptr, buffer, sizeof(buffer), &size, nullptr, nullptr);
  reply(result, SUCCEEDED(result) ? std::string(buffer, std::min(size, sizeof(buffer))) : "");
}

void PatternServiceSide::finish() {
  if (async_result_) {
    async_result_->finish();
  }
  if (event_based_) {
    event_based_->finish();
  }
}

void PatternServiceSide::free_instance() {
  if (instance_ == nullptr) {
    return;
  }
  switch (pattern_) {
    case ServicePattern::begin_end:
      parts_.async_result_service.functions->free_instance(instance_);
      break;
    case ServicePattern::event_based:
      parts_.event_based_service.functions->free_instance(instance_);
      break;
    case ServicePattern::task_based:
      parts_.task_based_service.functions->free_instance(instance_);
      break;
    case ServicePattern::synchronous:
      break;
  }
  instance_ = nullptr;
}

}  // namespace lockstep::conformance
