// One client of a pattern schedule: a channel to the dispatcher, and calls through it in the
// chosen client pattern (the implementation's IAsyncResult, event-based or task-based proxy,
// or the harness's plain request_reply calls).
//
// Why it exists: it is the caller's side of every exchange, run on the client's own fiber (for
// the event-based pattern that fiber is also the captured context's thread: the "UI thread").
// It opens the channel (the implementation's, or the reference), puts the ProxyChannel in
// front of it, creates the proxy, makes its calls with plans drawn by the scenario, waits for
// all of them, then closes the channel. The plain client checks nothing of a pattern: it is
// the baseline every pattern is compared with, and its outcomes still go through MX1.
// Invariant: everything the implementation may call back into (channel, context, drivers)
// lives as long as the client, which lives as long as the schedule.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "conformance/patterns/async_result_driver.h"
#include "conformance/patterns/event_driver.h"
#include "conformance/patterns/pattern_parts.h"
#include "conformance/patterns/pattern_scenario.h"
#include "conformance/patterns/proxy_channel.h"
#include "conformance/patterns/task_driver.h"
#include "harness/host/synchronization_context.h"

namespace lockstep::conformance {

class PatternClient {
 public:
  PatternClient(ExchangeLedger& ledger, PatternScenario& scenario, ClientPattern pattern,
                const PatternParts& parts, harness::SimulatedHost& host, std::string address,
                std::uint32_t index);
  ~PatternClient();
  PatternClient(const PatternClient&) = delete;
  PatternClient& operator=(const PatternClient&) = delete;

  /// The client's fiber.
  void run();
  /// End of schedule: the drivers' last checks.
  void finish();
  /// After the schedule: frees the proxy (nothing of the implementation runs any more).
  void free_instance();

 private:
  bool open_channel();
  void close_channel();
  void plain_call(PatternCall& call);
  std::string label(std::uint32_t call) const;

  ExchangeLedger& ledger_;
  PatternScenario& scenario_;
  ClientPattern pattern_;
  const PatternParts& parts_;
  harness::SimulatedHost& host_;
  std::string address_;
  std::uint32_t index_;
  lockstep_channel* channel_ = nullptr;
  std::unique_ptr<ProxyChannel> proxy_channel_;
  lockstep_pattern_instance* instance_ = nullptr;
  std::unique_ptr<harness::SynchronizationContext> context_;
  std::unique_ptr<AsyncResultDriver> async_result_;
  std::unique_ptr<EventDriver> event_based_;
  std::unique_ptr<TaskDriver> task_based_;
  std::unique_ptr<FiberWaiters> waiters_;
};

}  // namespace lockstep::conformance
