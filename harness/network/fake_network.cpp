// The fake network's public calls: argument and state checks that fail synchronously, and the
// start of each asynchronous operation. What happens later lives in fake_network_delivery.cpp.
//
// Invariant: a call that returns a failure started nothing (no pending operation, no event
// carrying its completion); a call that returns S_OK counted exactly one pending operation
// (except shutdown_session, which is not an operation) and posted nothing that runs inline.
#include "harness/network/fake_network.h"

#include <string>
#include <utility>

#include "harness/network/fake_network_state.h"

namespace lockstep::harness {

FakeNetwork::FakeNetwork(Simulation& simulation, const FaultPlan& plan)
    : simulation_(simulation),
      plan_(plan),
      implementation_(std::make_unique<Implementation>(*this)) {}

// Events still pending in the simulation hold the flag and become no-ops.
FakeNetwork::~FakeNetwork() {
  *implementation_->alive = false;
}

// ---- listeners ---------------------------------------------------------------------------------

HRESULT FakeNetwork::listen(std::string_view address, ListenerId& listener) {
  if (address.empty()) {
    return E_INVALIDARG;
  }
  Implementation& state = *implementation_;
  if (state.open_listener_by_address.contains(address)) {
    return WS_E_ADDRESS_IN_USE;
  }
  const ListenerId id = state.next_listener_id++;
  state.listeners[id].address = std::string(address);
  state.open_listener_by_address.emplace(std::string(address), id);
  listener = id;
  return S_OK;
}

HRESULT FakeNetwork::accept(ListenerId listener, CompletionSink sink,
                            ConnectCompletion completion) {
  if (!sink || !completion) {
    return E_INVALIDARG;
  }
  Implementation& state = *implementation_;
  auto found = state.listeners.find(listener);
  if (found == state.listeners.end()) {
    return E_INVALIDARG;
  }
  Listener& open_listener = found->second;
  if (!open_listener.open) {
    return WS_E_INVALID_OPERATION;
  }
  ++pending_operations_;
  PendingAccept accept{std::move(sink), std::move(completion)};
  if (open_listener.waiting_connects.empty()) {
    open_listener.accepts.push_back(std::move(accept));
    return S_OK;
  }
  PendingConnect connect = std::move(open_listener.waiting_connects.front());
  open_listener.waiting_connects.pop_front();
  state.establish(std::move(accept), std::move(connect));
  return S_OK;
}

void FakeNetwork::close_listener(ListenerId listener) {
  Implementation& state = *implementation_;
  auto found = state.listeners.find(listener);
  if (found == state.listeners.end() || !found->second.open) {
    return;
  }
  Listener& closing = found->second;
  closing.open = false;
  state.open_listener_by_address.erase(closing.address);
  simulation_.annotate("net listener closed #" + std::to_string(listener));
  for (PendingAccept& accept : closing.accepts) {
    state.complete_soon(
        std::move(accept.sink),
        [completion = std::move(accept.completion)] { completion(WS_E_OPERATION_ABORTED, 0); },
        "net accept aborted");
  }
  closing.accepts.clear();
  for (PendingConnect& connect : closing.waiting_connects) {
    state.complete_soon(
        std::move(connect.sink),
        [completion = std::move(connect.completion)] { completion(WS_E_ENDPOINT_NOT_FOUND, 0); },
        "net connect not found");
  }
  closing.waiting_connects.clear();
}

// ---- connections
// ---------------------------------------------------------------------------------

HRESULT FakeNetwork::connect(std::string_view address, CompletionSink sink,
                             ConnectCompletion completion) {
  if (address.empty() || !sink || !completion) {
    return E_INVALIDARG;
  }
  ++pending_operations_;
  ++stats_.connects;
  Implementation& state = *implementation_;
  // Whether anybody listens is decided on arrival, not now: a listener may open or close
  // while the connect travels.
  state.schedule_after_drawn_delay(
      [&state, connect = PendingConnect{std::string(address), std::move(sink),
                                        std::move(completion)}]() mutable {
        state.connect_arrives(std::move(connect));
      },
      "net connect arrives");
  return S_OK;
}

HRESULT FakeNetwork::send(ConnectionId connection, std::string message, CompletionSink sink,
                          SendCompletion completion) {
  if (!sink || !completion) {
    return E_INVALIDARG;
  }
  Implementation& state = *implementation_;
  Endpoint* endpoint = state.find_endpoint(connection);
  if (endpoint == nullptr) {
    return E_INVALIDARG;
  }
  if (endpoint->state == EndpointState::closed || endpoint->session_shut_down) {
    return WS_E_INVALID_OPERATION;
  }
  if (endpoint->state == EndpointState::dropped) {
    return WS_E_ENDPOINT_DISCONNECTED;
  }
  ++pending_operations_;
  endpoint->in_flight.push_back(
      InFlightMessage{std::move(message), false, std::move(sink), std::move(completion)});
  state.schedule_in_stream(
      endpoint->last_delivery_due_ns, [&state, connection] { state.deliver_next(connection); },
      "net delivery #" + std::to_string(connection));
  return S_OK;
}

HRESULT FakeNetwork::receive(ConnectionId connection, CompletionSink sink,
                             ReceiveCompletion completion) {
  if (!sink || !completion) {
    return E_INVALIDARG;
  }
  Implementation& state = *implementation_;
  Endpoint* endpoint = state.find_endpoint(connection);
  if (endpoint == nullptr) {
    return E_INVALIDARG;
  }
  if (endpoint->state == EndpointState::closed) {
    return WS_E_INVALID_OPERATION;
  }
  if (endpoint->state == EndpointState::dropped) {
    return WS_E_ENDPOINT_DISCONNECTED;
  }
  ++pending_operations_;
  endpoint->receives.push_back(PendingReceive{std::move(sink), std::move(completion)});
  state.serve_receives(*endpoint);
  return S_OK;
}

HRESULT FakeNetwork::shutdown_session(ConnectionId connection) {
  Implementation& state = *implementation_;
  Endpoint* endpoint = state.find_endpoint(connection);
  if (endpoint == nullptr) {
    return E_INVALIDARG;
  }
  if (endpoint->state == EndpointState::closed || endpoint->session_shut_down) {
    return WS_E_INVALID_OPERATION;
  }
  if (endpoint->state == EndpointState::dropped) {
    return WS_E_ENDPOINT_DISCONNECTED;
  }
  endpoint->session_shut_down = true;
  ++stats_.session_shutdowns;
  simulation_.annotate("net shutdown #" + std::to_string(connection));
  // The marker travels behind the messages already sent, so the peer reads them all first.
  endpoint->in_flight.push_back(InFlightMessage{{}, true, {}, {}});
  state.schedule_in_stream(
      endpoint->last_delivery_due_ns, [&state, connection] { state.deliver_next(connection); },
      "net delivery #" + std::to_string(connection));
  return S_OK;
}

void FakeNetwork::close(ConnectionId connection) {
  Implementation& state = *implementation_;
  Endpoint* endpoint = state.find_endpoint(connection);
  if (endpoint == nullptr || endpoint->state == EndpointState::closed) {
    return;
  }
  simulation_.annotate("net close #" + std::to_string(connection));
  if (endpoint->state == EndpointState::live) {
    Endpoint& peer = state.endpoints.at(endpoint->peer);
    peer.state = EndpointState::dropped;
    state.fail_pending(peer, WS_E_ENDPOINT_DISCONNECTED);
  }
  endpoint->state = EndpointState::closed;
  state.fail_pending(*endpoint, WS_E_OPERATION_ABORTED);
}

// ---- fault injection and phases
// ------------------------------------------------------------------

bool FakeNetwork::drop(ConnectionId connection) {
  Implementation& state = *implementation_;
  Endpoint* endpoint = state.find_endpoint(connection);
  if (endpoint == nullptr || endpoint->state != EndpointState::live) {
    return false;
  }
  state.drop_connection(*endpoint, "injected");
  return true;
}

void FakeNetwork::heal() {
  if (healed_) {
    return;
  }
  healed_ = true;
  simulation_.annotate("net heal");
}

ConnectionId FakeNetwork::peer_of(ConnectionId connection) const {
  auto found = implementation_->endpoints.find(connection);
  return found == implementation_->endpoints.end() ? 0 : found->second.peer;
}

std::vector<ConnectionId> FakeNetwork::live_connections() const {
  std::vector<ConnectionId> live;
  for (const auto& [id, endpoint] : implementation_->endpoints) {
    if (endpoint.state == EndpointState::live) {
      live.push_back(id);
    }
  }
  return live;
}

}  // namespace lockstep::harness
