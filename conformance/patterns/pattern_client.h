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
  /// `channel_mode` says how the ProxyChannel completes each request.
  PatternClient(ExchangeLedger& ledger, PatternScenario& scenario, ClientPattern pattern,
                const PatternParts& parts, harness::SimulatedHost& host, std::string address,
                std::uint32_t index, ProxyChannel::ChooseMode channel_mode);
  ~PatternClient();
  PatternClient(const PatternClient&) = delete;
  PatternClient& operator=(const PatternClient&) = delete;

  /// The client's fiber, with everything drawn by the scenario: open, one to four calls with
  /// pauses between them, await them all, close.
  void run();

  // ---- the same, piece by piece (on the client's fiber) ----
  /// Opens the channel and creates the proxy; false if the channel could not be opened (a
  /// refused connect: the client then makes no call).
  bool open();
  bool opened() const { return proxy_channel_ != nullptr; }
  /// A new call of this client (in the ledger); one-way or request/reply.
  PatternCall& new_call(bool one_way);
  /// Makes `call` with `plan` (the plan of the client's pattern is used).
  void call(PatternCall& call, const ClientCallPlan& plan);
  /// Waits for every call made so far.
  void await_all();
  /// Waits for every call and the channel's requests, then closes and frees the channel.
  void close();
  /// A pause of the client (pumping its captured context, for the event-based pattern).
  void pause(std::uint64_t duration_ns);
  /// End of schedule: the drivers' last checks.
  void finish();
  /// After the schedule: frees the proxy (nothing of the implementation runs any more).
  void free_instance();

 private:
  void create_proxy();
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
  ProxyChannel::ChooseMode channel_mode_;
  std::uint32_t calls_ = 0;
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
