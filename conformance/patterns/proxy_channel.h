// The channel a client proxy calls through: the harness's lockstep_channel_functions, in front
// of a real, open channel (the implementation's own, or lockstep's reference).
//
// Why it exists: it is where the harness sees, and steers, what a proxy's call does
// underneath. Every request_reply or send_message is counted for its call (MX1) and completed
// the way the schedule draws (pattern_plans.h UnderlyingMode): synchronously, later from a
// worker, early (the proxy's callback runs on a worker before request_reply has returned,
// AM12), or refused synchronously without sending. It records what the proxy was handed (the
// result, the wire reply, the thread) as the call's client-side UnderlyingOperation, and marks
// the thread delivering each callback as completing (TK5).
//
// A request made from one of the host's own workers with a context never blocks that worker
// (it completes later): the real channel's completion needs the workers.
//
// It is also a correct channel for concurrent request/reply calls: it lets one request/reply
// at a time reach the real channel, in call order (the reference channel gives each reply to
// the request waiting longest, so two in flight could swap replies; one-way sends need no
// reply and pass straight through). A proxy calls only request_reply and send_message;
// anything else is the harness's to do and throws.
//
// Invariants: each request completes exactly once towards the proxy (a return other than
// WS_S_ASYNC, or one callback); the proxy's buffers are handed to the real channel as they
// are (they stay the proxy's until completion, AM6); requests live as long as the channel.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "conformance/patterns/fiber_waiters.h"
#include "conformance/patterns/pattern_exchange.h"
#include "conformance/patterns/pattern_plans.h"
#include "harness/host/simulated_host.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance {

class ProxyChannel {
 public:
  /// How the schedule completes one request of `call` (`with_context`: the proxy passed one).
  using ChooseMode = std::function<UnderlyingMode(const PatternCall& call, bool with_context)>;

  ProxyChannel(ExchangeLedger& ledger, harness::SimulatedHost& host,
               const lockstep_channel_functions& real_functions, lockstep_channel* real_channel,
               ChooseMode choose_mode);
  ~ProxyChannel();
  ProxyChannel(const ProxyChannel&) = delete;
  ProxyChannel& operator=(const ProxyChannel&) = delete;

  /// What create_proxy is given.
  const lockstep_pattern_channel* pattern_channel() const { return &pattern_channel_; }
  /// On a fiber: waits until every request the proxy made has completed towards it (before
  /// the caller closes the real channel, so that no queued request reaches a freed one).
  void wait_idle();

  struct Request;
  // ---- the C side (public for the trampolines) ----
  HRESULT start(bool request_reply, const void* request, std::size_t request_size, void* reply,
                std::size_t reply_capacity, std::size_t* reply_size,
                const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  HRESULT channel_state(WS_CHANNEL_STATE* state, WS_ERROR* error);
  void on_real_completion(Request& request, HRESULT result, WS_CALLBACK_MODEL model);
  void issue_from_worker(Request& request);

 private:
  void record_completion(Request& request, HRESULT result, bool synchronously);
  void release_turn(Request& request);
  FiberId current_thread() const;
  void deliver(Request& request, HRESULT result, WS_CALLBACK_MODEL model);

  ExchangeLedger& ledger_;
  harness::SimulatedHost& host_;
  const lockstep_channel_functions& real_functions_;
  lockstep_channel* real_channel_;
  ChooseMode choose_mode_;
  lockstep_pattern_channel pattern_channel_{};
  FiberWaiters waiters_;
  std::deque<std::unique_ptr<Request>> requests_;
  bool turn_taken_ = false;          ///< a request/reply is at the real channel
  std::deque<Request*> turn_queue_;  ///< request/replies waiting for their turn, in call order
};

}  // namespace lockstep::conformance
