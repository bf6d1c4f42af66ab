// The fake network's private state and the machinery that turns decisions into events.
//
// Kept apart from fake_network.cpp (the public calls and their synchronous checks) so that the
// rules for *when* things happen live in one place (fake_network_delivery.cpp).
//
// Invariants:
// - Every started operation sits in exactly one place until its result is decided: a pending
//   connect (in flight or waiting in a listener), a pending accept, an in-flight send, or a
//   waiting receive. Deciding the result removes it from there and posts exactly one
//   completion event; that event decrements the pending count and hands the completion to the
//   operation's sink. So each operation completes exactly once.
// - Both ends of a connection are live, or neither is: a drop marks both dropped, a close marks
//   the closing end closed and its peer dropped. Dropped and closed are final.
// - Each delivery event delivers the oldest in-flight message of its direction, and each
//   completion-lane event runs the oldest posted completion of its lane; so send order and
//   receive call order survive whatever order the strategy picks for same-time events.
// - Every event holds the shared `alive` flag and does nothing once the network is destroyed.
// - Endpoints and listeners are never erased, so ids are never reused and stay answerable.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "harness/network/fake_network.h"

namespace lockstep::harness {

/// A queue of decided completions that run in the order they were posted.
struct CompletionLane {
  std::deque<std::function<void()>> posted;
  std::uint64_t last_due_ns = 0;
};

struct PendingConnect {
  std::string address;
  CompletionSink sink;
  ConnectCompletion completion;
};

struct PendingAccept {
  CompletionSink sink;
  ConnectCompletion completion;
};

struct PendingReceive {
  CompletionSink sink;
  ReceiveCompletion completion;
};

/// A message on its way to the peer's inbox, or the end-of-session marker after the last one.
struct InFlightMessage {
  std::string message;
  bool end_of_session = false;
  CompletionSink sink;  ///< empty for the end-of-session marker (it is not an operation)
  SendCompletion completion;
};

struct Listener {
  std::string address;
  bool open = true;
  std::deque<PendingAccept> accepts;
  std::deque<PendingConnect> waiting_connects;  ///< arrived, no accept yet
};

enum class EndpointState : std::uint8_t { live, dropped, closed };

/// One end of a connection.
struct Endpoint {
  ConnectionId id = 0;
  ConnectionId peer = 0;
  EndpointState state = EndpointState::live;
  bool session_shut_down = false;   ///< this end ended its session: it sends no more
  bool peer_session_ended = false;  ///< the peer's end-of-session marker reached our inbox
  std::deque<std::string> inbox;
  std::deque<PendingReceive> receives;    ///< waiting for a message, in call order
  std::deque<InFlightMessage> in_flight;  ///< sent by this end, not yet in the peer's inbox
  std::uint64_t last_delivery_due_ns = 0;
  std::shared_ptr<CompletionLane> send_lane = std::make_shared<CompletionLane>();
  std::shared_ptr<CompletionLane> receive_lane = std::make_shared<CompletionLane>();
};

struct FakeNetwork::Implementation {
  explicit Implementation(FakeNetwork& owner) : network(owner), simulation(owner.simulation_) {}

  FakeNetwork& network;
  Simulation& simulation;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  std::map<ListenerId, Listener> listeners;
  std::map<std::string, ListenerId, std::less<>> open_listener_by_address;
  std::map<ConnectionId, Endpoint> endpoints;
  ListenerId next_listener_id = 1;
  ConnectionId next_connection_id = 1;

  Endpoint* find_endpoint(ConnectionId connection);

  // ---- time --------------------------------------------------------------------------
  /// A delay in [0, max], max depending on the phase, drawn through the strategy.
  std::uint64_t draw_delay_ns();
  /// Schedules `action` after a drawn delay; it does nothing once the network is gone.
  void schedule_after_drawn_delay(std::function<void()> action, std::string label);
  /// Like schedule_after_drawn_delay, but never due before the previous event of the same
  /// stream (`last_due_ns`), so a stream's events are not reordered by their delays.
  void schedule_in_stream(std::uint64_t& last_due_ns, std::function<void()> action,
                          std::string label);

  // ---- completions ---------------------------------------------------------------------
  /// Posts an operation's completion as its own event (no order to keep).
  void complete_soon(CompletionSink sink, std::function<void()> invoke, std::string label);
  /// Posts an operation's completion behind the earlier ones of `lane`.
  void complete_in_lane(const std::shared_ptr<CompletionLane>& lane, CompletionSink sink,
                        std::function<void()> invoke, std::string label);
  /// The one place an operation stops being pending. Must be an event's last step: the sink
  /// may run the completion at once, and the completion may call back into the network.
  void hand_to_sink(CompletionSink& sink, std::function<void()> invoke);

  // ---- connections -----------------------------------------------------------------------
  void connect_arrives(PendingConnect connect);
  void establish(PendingAccept accept, PendingConnect connect);
  void deliver_next(ConnectionId sender);
  /// Matches waiting receives with the inbox (or the end of session), oldest first.
  void serve_receives(Endpoint& endpoint);
  /// Completes every pending send and receive of `endpoint` with `result`.
  void fail_pending(Endpoint& endpoint, HRESULT result);
  /// Both ends become dropped; their pending operations fail with DISCONNECTED.
  void drop_connection(Endpoint& endpoint, std::string_view cause);
};

}  // namespace lockstep::harness
