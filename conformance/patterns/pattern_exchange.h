// The calls of a pattern schedule and the message exchange under them (rule MX1).
//
// Why it exists: every pattern driver, both roles, needs the same ground truth about a call:
// what the implementation's underlying operation really did (the proxy's request through the
// channel, the service's work), as the harness's channel and work saw it, and what went over
// the wire (the dispatcher's side). The drivers judge the pattern rules against it; this file
// judges the exchange itself:
//   MX1 a proxy sends one request per call (a second one, a one-way call sent as a request
//       that waits for a reply, or a request/reply call sent one-way, is a violation); the
//       dispatcher receives at most one request per call, and none that no call made; a
//       service's work runs at most once per call; the outcome a pattern delivers is the one
//       its exchange produced (the call's own reply, or its failure), never another call's.
// It also knows which threads are inside a harness completion callback into the
// implementation right now (the "completing thread" of rule TK5).
//
// Invariants: calls live as long as the ledger (stable addresses, a deque); a request body is
// "call <id>" and the service's reply body "reply <id>", so correlation is checked by content;
// nothing here draws a decision.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/coverage_probe.h"
#include "harness/core/hresult_text.h"
#include "harness/host/world.h"
#include "lockstep/patterns.h"

namespace lockstep::conformance {

enum class PatternRole : std::uint8_t { client, service };

/// What one underlying operation of a call did, as the harness's channel or work saw it.
struct UnderlyingOperation {
  std::uint32_t starts = 0;  ///< times the implementation started it (MX1: at most one)
  FiberId started_on = 0;
  bool completed = false;  ///< its outcome was handed to the implementation
  bool completed_synchronously = false;
  FiberId completed_on = 0;
  HRESULT result = S_OK;                 ///< as handed to the implementation
  std::string reply;                     ///< client: the wire reply; service: the reply body
  bool stopped_by_cancellation = false;  ///< the work stopped because its token was cancelled
};

/// What a pattern call's caller learns, once: its outcome (result, and the reply body).
using OutcomeSink = std::function<void(HRESULT result, const std::string& body)>;

/// The outcome a pattern call should deliver, given what its underlying operation did.
struct ExpectedOutcome {
  HRESULT result = S_OK;
  std::string body;
};

struct PatternCall {
  std::uint32_t id = 0;
  std::string label;  ///< "client 1 call 2 (task-based)"
  bool one_way = false;
  std::string body;                       ///< the request body: "call <id>"
  UnderlyingOperation client;             ///< the proxy's request through the channel
  UnderlyingOperation service;            ///< the service's work
  std::uint32_t requests_received = 0;    ///< by the dispatcher
  std::optional<std::string> reply_sent;  ///< the wire reply the dispatcher sent

  const UnderlyingOperation& underlying(PatternRole role) const {
    return role == PatternRole::client ? client : service;
  }
  UnderlyingOperation& underlying(PatternRole role) {
    return role == PatternRole::client ? client : service;
  }
};

class ExchangeLedger {
 public:
  explicit ExchangeLedger(harness::World& world) : world_(world) {}
  ExchangeLedger(const ExchangeLedger&) = delete;
  ExchangeLedger& operator=(const ExchangeLedger&) = delete;

  harness::World& world() { return world_; }
  PatternCall& new_call(std::string label, bool one_way);
  /// The call whose request body is `body`, or nullptr.
  PatternCall* find_by_body(std::string_view body);
  const std::deque<PatternCall>& calls() const { return calls_; }

  // ---- the exchange, as it happens (MX1) ----
  /// The proxy started a request for `call` through the channel (request_reply or one-way).
  void on_proxy_request(PatternCall& call, bool as_request_reply);
  /// A request reached the dispatcher; `call` is nullptr when its body names no call.
  void on_dispatcher_request(PatternCall* call, std::string_view body);
  /// The service's work was started for `call`.
  void on_work_started(PatternCall& call);
  /// The outcome the pattern in `role` delivered for `call` must be what its exchange produced.
  /// False (and MX1 recorded) when it is not.
  bool check_outcome(const PatternCall& call, PatternRole role, HRESULT result,
                     std::string_view body, std::string_view where);
  /// A call that was refused at the start (argument error, busy, duplicate userState) must
  /// have sent nothing.
  void check_refused(const PatternCall& call);
  /// What `call`'s pattern in `role` should deliver (meaningful once underlying completed).
  ExpectedOutcome expected(const PatternCall& call, PatternRole role) const;

  // ---- completing threads (TK5) ----
  void enter_completion(FiberId thread) { ++completing_[thread]; }
  void leave_completion(FiberId thread);
  /// True while `thread` is inside a harness completion callback into the implementation.
  bool completing(FiberId thread) const;

  void violation(const char* rule, const PatternCall& call, std::string explanation);
  /// The schedule reached a situation of the pattern rules (a coverage probe; no decision).
  void reach(harness::Probe probe) { world_.violations().reach(probe); }

 private:
  harness::World& world_;
  std::deque<PatternCall> calls_;
  std::map<FiberId, std::uint32_t> completing_;
};

using harness::hresult_text;  // "0x803D0021"

}  // namespace lockstep::conformance
