// The fake network: message-oriented connections between simulated endpoints, with faults.
//
// Every delivery and completion is a scheduler event whose delay is drawn through the
// strategy (Simulation::integer), so its time and its order relative to other ready work are
// chosen, logged and replayable. Faults come from the schedule's FaultPlan while the network
// is in its fault phase: delays up to delay_max_ns, refused connects, and connection drops
// that hit operations already in flight (every pending operation on both ends completes once,
// with WS_E_ENDPOINT_DISCONNECTED). After heal() only healed_delay_max_ns delays remain.
//
// Invariants (tested): every started operation completes exactly once; messages on one
// connection arrive in send order; no completion runs inline inside the call that started it;
// a drop completes every pending operation of both ends; the network decides nothing except
// through the Simulation.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/fault_plan.h"
#include "lockstep/ws.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

using ConnectionId = std::uint32_t;  ///< 1, 2, 3... ; 0 is "none"
using ListenerId = std::uint32_t;    ///< 1, 2, 3... ; 0 is "none"

/// Where a completion runs. The network calls the sink from the scheduler (an event), handing
/// it the completion to run; the simulated host's sink queues it on that endpoint's worker
/// threads. Tests may use a sink that runs it at once.
using CompletionSink = std::function<void(std::function<void()>)>;

using ConnectCompletion = std::function<void(HRESULT, ConnectionId)>;
using SendCompletion = std::function<void(HRESULT)>;
/// S_OK with the message (valid during the call), WS_S_END with an empty view, or an error.
using ReceiveCompletion = std::function<void(HRESULT, std::string_view)>;

struct NetworkStats {
  std::uint64_t connects = 0;
  std::uint64_t refused_connects = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t drops = 0;
  std::uint64_t session_shutdowns = 0;
};

class FakeNetwork {
 public:
  FakeNetwork(Simulation& simulation, const FaultPlan& plan);
  ~FakeNetwork();
  FakeNetwork(const FakeNetwork&) = delete;
  FakeNetwork& operator=(const FakeNetwork&) = delete;

  // ---- listeners ----------------------------------------------------------------------
  /// WS_E_ADDRESS_IN_USE if another open listener has the address; E_INVALIDARG if empty.
  HRESULT listen(std::string_view address, ListenerId& listener);
  /// Completes when a connect arrives (S_OK, the server end's id) or the listener closes
  /// (WS_E_OPERATION_ABORTED). Several accepts may be pending; they are served in order.
  HRESULT accept(ListenerId listener, CompletionSink sink, ConnectCompletion completion);
  /// Pending accepts complete with WS_E_OPERATION_ABORTED. Later calls with the id fail with
  /// WS_E_INVALID_OPERATION.
  void close_listener(ListenerId listener);

  // ---- connections ----------------------------------------------------------------------
  /// After a drawn delay: S_OK with the client end's id once a pending accept (or the next
  /// accept) takes it; WS_E_ENDPOINT_NOT_FOUND if nobody listens on `address` when it arrives;
  /// WS_E_ENDPOINT_UNREACHABLE when the fault plan refuses it. A connect waiting for an accept
  /// stays pending until one comes or the listener closes (then WS_E_ENDPOINT_NOT_FOUND).
  HRESULT connect(std::string_view address, CompletionSink sink, ConnectCompletion completion);
  /// Completes S_OK once the message is in the peer's inbox. On a dropped connection the
  /// call fails at once with WS_E_ENDPOINT_DISCONNECTED (no completion); after the local end
  /// shut down its session, WS_E_INVALID_OPERATION.
  HRESULT send(ConnectionId connection, std::string message, CompletionSink sink,
               SendCompletion completion);
  /// Completes with the oldest message in the inbox (receives are served in call order), or
  /// WS_S_END when the peer shut its session down and the inbox is empty, or an error when
  /// the connection drops (WS_E_ENDPOINT_DISCONNECTED) or is closed locally
  /// (WS_E_OPERATION_ABORTED). On an already dropped connection it fails at once.
  HRESULT receive(ConnectionId connection, CompletionSink sink, ReceiveCompletion completion);
  /// Graceful end of this end's session (the peer's receives end with WS_S_END).
  HRESULT shutdown_session(ConnectionId connection);
  /// Closes this end: its pending operations complete with WS_E_OPERATION_ABORTED; the peer
  /// sees the connection as dropped. Later calls with the id fail with WS_E_INVALID_OPERATION.
  void close(ConnectionId connection);

  // ---- fault injection and phases ----------------------------------------------------------
  /// Drops a live connection now (both ends). False if it was not live.
  bool drop(ConnectionId connection);
  /// Ends the fault phase: no more drops or refusals; delays drawn from healed_delay_max_ns.
  void heal();
  bool healed() const { return healed_; }
  ConnectionId peer_of(ConnectionId connection) const;
  /// Live (not dropped, not closed) connection ends, in id order.
  std::vector<ConnectionId> live_connections() const;
  /// Operations started and not yet completed, over all endpoints.
  std::uint64_t pending_operations() const { return pending_operations_; }
  const NetworkStats& stats() const { return stats_; }
  const FaultPlan& plan() const { return plan_; }

 private:
  struct Implementation;
  Simulation& simulation_;
  FaultPlan plan_;
  bool healed_ = false;
  std::uint64_t pending_operations_ = 0;
  NetworkStats stats_;
  std::unique_ptr<Implementation> implementation_;
};

}  // namespace lockstep::harness
