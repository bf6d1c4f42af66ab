// When things happen on the fake network: drawn delays, ordered streams of events, the
// hand-off of completions to sinks, connect arrival, message delivery, drops.
//
// Every decision here goes through the Simulation (integer for delays, chance for faults), so a
// schedule is replayable from its decision log. Results are decided at a definite moment and
// then travel in an event; nothing ever runs a completion inside the call that started it.
#include <algorithm>
#include <cassert>
#include <limits>
#include <string>
#include <utility>

#include "harness/network/fake_network_state.h"

namespace lockstep::harness {

namespace {

constexpr std::uint32_t kPerMille = 1000;

}  // namespace

Endpoint* FakeNetwork::Implementation::find_endpoint(ConnectionId connection) {
  auto found = endpoints.find(connection);
  return found == endpoints.end() ? nullptr : &found->second;
}

// ---- time ----------------------------------------------------------------------------------

std::uint64_t FakeNetwork::Implementation::draw_delay_ns() {
  const std::uint64_t max_ns =
      network.healed_ ? network.plan_.healed_delay_max_ns : network.plan_.delay_max_ns;
  if (max_ns == std::numeric_limits<std::uint64_t>::max()) {
    return simulation.integer(max_ns);
  }
  return simulation.integer(max_ns + 1);
}

void FakeNetwork::Implementation::schedule_after_drawn_delay(std::function<void()> action,
                                                             std::string label) {
  const std::uint64_t delay_ns = draw_delay_ns();
  simulation.schedule(
      delay_ns,
      [guard = alive, action = std::move(action)] {
        if (*guard) {
          action();
        }
      },
      std::move(label));
}

void FakeNetwork::Implementation::schedule_in_stream(std::uint64_t& last_due_ns,
                                                     std::function<void()> action,
                                                     std::string label) {
  const std::uint64_t now_ns = simulation.now_ns();
  const std::uint64_t drawn_ns = draw_delay_ns();
  const std::uint64_t drawn_due_ns = drawn_ns > std::numeric_limits<std::uint64_t>::max() - now_ns
                                         ? std::numeric_limits<std::uint64_t>::max()
                                         : now_ns + drawn_ns;
  const std::uint64_t due_ns = std::max(drawn_due_ns, last_due_ns);
  last_due_ns = due_ns;
  simulation.schedule(
      due_ns - now_ns,
      [guard = alive, action = std::move(action)] {
        if (*guard) {
          action();
        }
      },
      std::move(label));
}

// ---- completions -----------------------------------------------------------------------------

void FakeNetwork::Implementation::complete_soon(CompletionSink sink, std::function<void()> invoke,
                                                std::string label) {
  schedule_after_drawn_delay(
      [this, sink = std::move(sink), invoke = std::move(invoke)]() mutable {
        hand_to_sink(sink, std::move(invoke));
      },
      std::move(label));
}

void FakeNetwork::Implementation::complete_in_lane(const std::shared_ptr<CompletionLane>& lane,
                                                   CompletionSink sink,
                                                   std::function<void()> invoke,
                                                   std::string label) {
  lane->posted.push_back([this, sink = std::move(sink), invoke = std::move(invoke)]() mutable {
    hand_to_sink(sink, std::move(invoke));
  });
  // One event per posted completion; each runs the oldest, whichever event fires first.
  schedule_in_stream(
      lane->last_due_ns,
      [lane] {
        assert(!lane->posted.empty());
        std::function<void()> next = std::move(lane->posted.front());
        lane->posted.pop_front();
        next();
      },
      std::move(label));
}

void FakeNetwork::Implementation::hand_to_sink(CompletionSink& sink, std::function<void()> invoke) {
  assert(network.pending_operations_ > 0);
  --network.pending_operations_;
  sink(std::move(invoke));
}

// ---- connections -----------------------------------------------------------------------------

void FakeNetwork::Implementation::connect_arrives(PendingConnect connect) {
  if (!network.healed_ && simulation.chance(network.plan_.refuse_per_mille, kPerMille)) {
    ++network.stats_.refused_connects;
    simulation.annotate("net refuse #" + std::to_string(network.stats_.refused_connects));
    complete_soon(
        std::move(connect.sink),
        [completion = std::move(connect.completion)] { completion(WS_E_ENDPOINT_UNREACHABLE, 0); },
        "net connect refused");
    return;
  }
  auto found = open_listener_by_address.find(connect.address);
  if (found == open_listener_by_address.end()) {
    complete_soon(
        std::move(connect.sink),
        [completion = std::move(connect.completion)] { completion(WS_E_ENDPOINT_NOT_FOUND, 0); },
        "net connect not found");
    return;
  }
  Listener& listener = listeners.at(found->second);
  if (listener.accepts.empty()) {
    listener.waiting_connects.push_back(std::move(connect));
    return;
  }
  PendingAccept accept = std::move(listener.accepts.front());
  listener.accepts.pop_front();
  establish(std::move(accept), std::move(connect));
}

void FakeNetwork::Implementation::establish(PendingAccept accept, PendingConnect connect) {
  const ConnectionId client = next_connection_id++;
  const ConnectionId server = next_connection_id++;
  endpoints[client].id = client;
  endpoints[client].peer = server;
  endpoints[server].id = server;
  endpoints[server].peer = client;
  simulation.annotate("net connected #" + std::to_string(client), server);
  complete_soon(
      std::move(connect.sink),
      [completion = std::move(connect.completion), client] { completion(S_OK, client); },
      "net connect completes");
  complete_soon(
      std::move(accept.sink),
      [completion = std::move(accept.completion), server] { completion(S_OK, server); },
      "net accept completes");
}

void FakeNetwork::Implementation::deliver_next(ConnectionId sender_id) {
  Endpoint& sender = endpoints.at(sender_id);
  if (sender.in_flight.empty()) {
    return;  // the connection dropped or closed after this delivery was scheduled
  }
  assert(sender.state == EndpointState::live);
  Endpoint& receiver = endpoints.at(sender.peer);
  if (sender.in_flight.front().end_of_session) {
    sender.in_flight.pop_front();
    receiver.peer_session_ended = true;
    simulation.annotate("net end of session #" + std::to_string(sender_id));
    serve_receives(receiver);
    return;
  }
  if (!network.healed_ && simulation.chance(network.plan_.drop_per_mille, kPerMille)) {
    drop_connection(sender, "delivery");
    return;
  }
  InFlightMessage delivered = std::move(sender.in_flight.front());
  sender.in_flight.pop_front();
  receiver.inbox.push_back(std::move(delivered.message));
  ++network.stats_.messages_delivered;
  simulation.annotate("net deliver #" + std::to_string(sender_id),
                      network.stats_.messages_delivered);
  complete_in_lane(
      sender.send_lane, std::move(delivered.sink),
      [completion = std::move(delivered.completion)] { completion(S_OK); }, "net send completes");
  serve_receives(receiver);
}

void FakeNetwork::Implementation::serve_receives(Endpoint& endpoint) {
  while (!endpoint.receives.empty() && (!endpoint.inbox.empty() || endpoint.peer_session_ended)) {
    PendingReceive receive = std::move(endpoint.receives.front());
    endpoint.receives.pop_front();
    if (endpoint.inbox.empty()) {
      complete_in_lane(
          endpoint.receive_lane, std::move(receive.sink),
          [completion = std::move(receive.completion)] { completion(WS_S_END, {}); },
          "net receive ends");
      continue;
    }
    std::string message = std::move(endpoint.inbox.front());
    endpoint.inbox.pop_front();
    complete_in_lane(
        endpoint.receive_lane, std::move(receive.sink),
        [completion = std::move(receive.completion), message = std::move(message)] {
          completion(S_OK, message);
        },
        "net receive completes");
  }
}

void FakeNetwork::Implementation::fail_pending(Endpoint& endpoint, HRESULT result) {
  std::deque<InFlightMessage> sends = std::move(endpoint.in_flight);
  endpoint.in_flight.clear();
  for (InFlightMessage& send : sends) {
    if (send.end_of_session) {
      continue;  // the marker is not an operation: nobody waits for it
    }
    complete_in_lane(
        endpoint.send_lane, std::move(send.sink),
        [completion = std::move(send.completion), result] { completion(result); },
        "net send fails");
  }
  std::deque<PendingReceive> receives = std::move(endpoint.receives);
  endpoint.receives.clear();
  for (PendingReceive& receive : receives) {
    complete_in_lane(
        endpoint.receive_lane, std::move(receive.sink),
        [completion = std::move(receive.completion), result] { completion(result, {}); },
        "net receive fails");
  }
  endpoint.inbox.clear();
}

void FakeNetwork::Implementation::drop_connection(Endpoint& endpoint, std::string_view cause) {
  Endpoint& peer = endpoints.at(endpoint.peer);
  assert(endpoint.state == EndpointState::live && peer.state == EndpointState::live);
  ++network.stats_.drops;
  simulation.annotate(
      "net drop #" + std::to_string(network.stats_.drops) + " (" + std::string(cause) + ")",
      std::min(endpoint.id, peer.id));
  endpoint.state = EndpointState::dropped;
  peer.state = EndpointState::dropped;
  // Lower id first, so the order of the failure events does not depend on which end dropped.
  Endpoint& first = endpoint.id < peer.id ? endpoint : peer;
  Endpoint& second = endpoint.id < peer.id ? peer : endpoint;
  fail_pending(first, WS_E_ENDPOINT_DISCONNECTED);
  fail_pending(second, WS_E_ENDPOINT_DISCONNECTED);
}

}  // namespace lockstep::harness
