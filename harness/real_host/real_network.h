// The in-process network of the real host: message-oriented connections between real hosts of
// one process, with real delays, drops, refused connects and session shutdowns.
//
// The same semantics as the fake network (harness/network/fake_network.h), but in real time:
// every delivery and connect travels for a delay drawn uniformly from [0, delay_max_ns] on a
// delay-queue thread; while not healed, a delivery drops the connection with drop_per_mille
// and a connect is refused with refuse_per_mille. Nothing here is replayable: the draws come
// from a seeded generator, but which thread wins each race is the machine's choice.
//
// Invariants (tested): every started operation completes exactly once, through its sink, never
// inside the call that started it and never with the network's lock held (a sink may call back
// into the network); messages on one connection arrive in send order (a delivery is never due
// before the previous one of its direction); a drop or close completes every pending operation
// of the ends it hits; a call that fails synchronously started nothing. Ids are never reused: an
// id that once existed and is gone answers as closed (WS_E_INVALID_OPERATION).
//
// Lifetime: every host using the network must be destroyed (or leaked) before it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "harness/real_host/delay_queue.h"
#include "lockstep/ws.h"
#include "scheduler/prng.h"

namespace lockstep::real_host {

using ConnectionId = std::uint64_t;  ///< 1, 2, 3...; 0 is "none"
using ListenerId = std::uint64_t;    ///< 1, 2, 3...; 0 is "none"

/// Where a completion runs: a host hands it to its worker threads; a test may run it at once.
using CompletionSink = std::function<void(std::function<void()>)>;
using ConnectCompletion = std::function<void(HRESULT, ConnectionId)>;
using SendCompletion = std::function<void(HRESULT)>;
/// S_OK with the message (valid during the call), WS_S_END with an empty view, or an error.
using ReceiveCompletion = std::function<void(HRESULT, std::string_view)>;

struct RealNetworkConfig {
  std::uint64_t seed = 1;                     ///< for the delay and fault draws
  std::uint64_t delay_max_ns = 50'000;        ///< until heal()
  std::uint64_t healed_delay_max_ns = 5'000;  ///< after heal()
  std::uint32_t drop_per_mille = 0;           ///< per delivery, until heal()
  std::uint32_t refuse_per_mille = 0;         ///< per connect, until heal()
  /// Told of every drop (injected or drawn) with both ends' ids, under the network's lock:
  /// it must not call back into the network.
  std::function<void(ConnectionId first, ConnectionId second)> on_drop;
};

struct RealNetworkStats {
  std::uint64_t connects = 0;
  std::uint64_t refused_connects = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t drops = 0;
  std::uint64_t session_shutdowns = 0;
};

class RealNetwork {
 public:
  explicit RealNetwork(RealNetworkConfig config);
  ~RealNetwork();
  RealNetwork(const RealNetwork&) = delete;
  RealNetwork& operator=(const RealNetwork&) = delete;

  // ---- listeners ----
  /// WS_E_ADDRESS_IN_USE if an open listener has the address; E_INVALIDARG if empty.
  HRESULT listen(std::string_view address, ListenerId& listener);
  /// Completes with S_OK and the server end once a connect arrives, or WS_E_OPERATION_ABORTED
  /// when the listener closes.
  HRESULT accept(ListenerId listener, CompletionSink sink, ConnectCompletion completion);
  void close_listener(ListenerId listener);

  // ---- connections ----
  /// After a drawn delay: S_OK with the client end once accepted; WS_E_ENDPOINT_NOT_FOUND if
  /// nobody listens there on arrival (or the listener closes first); WS_E_ENDPOINT_UNREACHABLE
  /// when refused.
  HRESULT connect(std::string_view address, CompletionSink sink, ConnectCompletion completion);
  /// Completes S_OK once the message is in the peer's inbox. Fails at once with
  /// WS_E_ENDPOINT_DISCONNECTED on a dropped connection, WS_E_INVALID_OPERATION after this end
  /// closed or shut its session down.
  HRESULT send(ConnectionId connection, std::string message, CompletionSink sink,
               SendCompletion completion);
  /// The oldest message of the inbox (receives served in call order), WS_S_END once the peer
  /// shut down and the inbox is empty, or WS_E_ENDPOINT_DISCONNECTED / WS_E_OPERATION_ABORTED.
  HRESULT receive(ConnectionId connection, CompletionSink sink, ReceiveCompletion completion);
  HRESULT shutdown_session(ConnectionId connection);
  /// Pending operations of this end complete with WS_E_OPERATION_ABORTED; the peer is dropped.
  void close(ConnectionId connection);

  // ---- faults and phases ----
  /// Drops a live connection now (both ends). False if it was not live.
  bool drop(ConnectionId connection);
  /// No more drops or refusals from now on; delays from healed_delay_max_ns.
  void heal();
  ConnectionId peer_of(ConnectionId connection) const;
  /// Live connection ends, in id order.
  std::vector<ConnectionId> live_connections() const;
  /// Nothing in transit: no delivery or connect waiting on the delay queue.
  bool idle() const;
  RealNetworkStats stats() const;
  /// Stops the delivery thread: nothing in transit arrives any more (what is pending stays
  /// pending). The destructor does it too; idempotent.
  void stop();

  struct State;

 private:
  std::unique_ptr<State> state_;
  DelayQueue delays_;  // last: its thread stops (in ~RealNetwork) before the state goes
};

}  // namespace lockstep::real_host
