// The service side of a pattern schedule: the service instance of the chosen pattern (the
// implementation's Begin/End, event-based or task-returning service over the harness's work,
// or the harness's own synchronous method), invoked once per request by the dispatcher.
//
// Why it exists: it is what the dispatcher calls, on the request's own fiber, to get the
// outcome of one call, whatever the service's pattern: it makes the call through the family's
// driver (the same checks as on the client side, in the service role), hands the outcome to
// the dispatcher's reply, and waits until the call is over. Invariant: the instance is created
// before the schedule runs and freed after it ended (nothing of the implementation runs then).
#pragma once

#include <memory>

#include "conformance/patterns/async_result_driver.h"
#include "conformance/patterns/event_driver.h"
#include "conformance/patterns/pattern_dispatcher.h"
#include "conformance/patterns/pattern_parts.h"
#include "conformance/patterns/pattern_scenario.h"
#include "conformance/patterns/service_work.h"
#include "conformance/patterns/task_driver.h"
#include "harness/host/synchronization_context.h"

namespace lockstep::conformance {

class PatternServiceSide {
 public:
  PatternServiceSide(ExchangeLedger& ledger, PatternScenario& scenario, ServicePattern pattern,
                     const PatternParts& parts, harness::SimulatedHost& host, ServiceWork& work);
  ~PatternServiceSide();
  PatternServiceSide(const PatternServiceSide&) = delete;
  PatternServiceSide& operator=(const PatternServiceSide&) = delete;

  /// False if create_service failed (recorded as the schedule's failure by the caller).
  bool created() const { return pattern_ == ServicePattern::synchronous || instance_ != nullptr; }
  /// The dispatcher's invocation: on the request's fiber.
  void invoke(PatternCall& call, const PatternDispatcher::Reply& reply);
  /// End of schedule: the drivers' last checks.
  void finish();
  /// After the schedule: frees the instance.
  void free_instance();

 private:
  ExchangeLedger& ledger_;
  PatternScenario& scenario_;
  ServicePattern pattern_;
  const PatternParts& parts_;
  harness::SimulatedHost& host_;
  ServiceWork& work_;
  lockstep_pattern_instance* instance_ = nullptr;
  std::unique_ptr<harness::SynchronizationContext> context_;
  std::unique_ptr<AsyncResultDriver> async_result_;
  std::unique_ptr<EventDriver> event_based_;
  std::unique_ptr<TaskDriver> task_based_;
};

}  // namespace lockstep::conformance
