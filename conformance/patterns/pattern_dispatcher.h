// The harness's service dispatcher: a server on the fake network that turns each request into
// one invocation of the service under test, whatever its pattern, and its outcome into the
// reply (the wire format of implementation.h: ['R'][body] or ['F'][fault text]).
//
// Why it exists: WCF's dispatcher is what makes the service's pattern invisible on the wire
// (seed 003: "exposed as a single operation with a request message and a correlated response
// message"). This one is the harness's, so the exchange is observed where it happens: every
// request is counted for its call (MX1), every reply is the call's own. Each request runs on a
// fiber of its own (the dispatcher's thread for that call, free to block in End or wait), so
// the service implementation's threads are never starved by the harness. Replies leave in
// request order per connection (the client's channel pairs replies with requests by order);
// a one-way request gets none. Failures, cancellations included, are answered with
// LOCKSTEP_GENERIC_FAULT_TEXT (minimal disclosure).
//
// A second request for a call, or one no call made, is recorded (MX1), not invoked, and
// answered with a fault at once (its sender is not left waiting for ever).
//
// Invariants: at most one reply per request, exactly one for each request/reply whose
// invocation delivered an outcome while its connection lived; the dispatcher decides nothing
// through the simulation (its network completions run at once on the scheduler).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "conformance/patterns/pattern_exchange.h"
#include "harness/network/fake_network.h"

namespace lockstep::conformance {

class PatternDispatcher {
 public:
  /// The outcome of one invocation: call it once (later calls are ignored).
  using Reply = std::function<void(HRESULT result, const std::string& body)>;
  /// Invokes the service for `call` on the calling fiber (a fresh one per request).
  using Invoke = std::function<void(PatternCall& call, Reply reply)>;

  PatternDispatcher(ExchangeLedger& ledger, std::string address, Invoke invoke);
  ~PatternDispatcher();
  PatternDispatcher(const PatternDispatcher&) = delete;
  PatternDispatcher& operator=(const PatternDispatcher&) = delete;

  /// Listens and accepts; throws std::runtime_error if the address is taken.
  void start();
  const std::string& address() const { return address_; }
  std::uint64_t requests() const { return requests_; }

 private:
  struct Slot {
    PatternCall* call = nullptr;
    bool ready = false;
    std::string wire;
  };
  struct Connection {
    harness::ConnectionId id = 0;
    bool open = true;
    std::deque<std::shared_ptr<Slot>> replies;  // request order
  };
  void accept_next();
  void receive_next(const std::shared_ptr<Connection>& connection);
  void on_request(const std::shared_ptr<Connection>& connection, std::string_view message);
  void flush(Connection& connection);

  ExchangeLedger& ledger_;
  std::string address_;
  Invoke invoke_;
  harness::ListenerId listener_ = 0;
  std::uint64_t requests_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lockstep::conformance
