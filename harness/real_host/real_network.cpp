// The in-process network: state under one lock, deliveries on the delay queue, completions
// handed to their sinks after the lock is released.
#include "harness/real_host/real_network.h"

#include <algorithm>
#include <utility>

#include "harness/real_host/real_clock.h"

namespace lockstep::real_host {

namespace {

constexpr std::uint32_t kPerMille = 1000;

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

struct InFlightMessage {
  std::string message;
  bool end_of_session = false;  ///< the marker behind the last message; not an operation
  CompletionSink sink;
  SendCompletion completion;
};

struct Listener {
  std::string address;
  bool open = true;
  std::deque<PendingAccept> accepts;
  std::deque<PendingConnect> waiting_connects;
};

enum class EndpointState : std::uint8_t { live, dropped, closed };

struct Endpoint {
  ConnectionId peer = 0;
  EndpointState state = EndpointState::live;
  bool session_shut_down = false;
  bool peer_session_ended = false;
  std::deque<std::string> inbox;
  std::deque<PendingReceive> receives;
  std::deque<InFlightMessage> in_flight;
  std::uint64_t last_delivery_due_ns = 0;
};

// Completions decided under the lock, run once it is released.
class Dispatch {
 public:
  void post(CompletionSink sink, std::function<void()> invoke) {
    posts_.emplace_back(std::move(sink), std::move(invoke));
  }
  void run() {
    for (auto& [sink, invoke] : posts_) {
      sink(std::move(invoke));
    }
    posts_.clear();
  }

 private:
  std::vector<std::pair<CompletionSink, std::function<void()>>> posts_;
};

}  // namespace

struct RealNetwork::State {
  explicit State(RealNetworkConfig configuration)
      : config(configuration), prng(configuration.seed) {}

  mutable std::mutex mutex;
  RealNetworkConfig config;
  Prng prng;
  bool healed = false;
  RealNetworkStats stats;
  DelayQueue* delays = nullptr;
  std::map<ListenerId, Listener> listeners;
  std::map<std::string, ListenerId, std::less<>> open_listener_by_address;
  std::map<ConnectionId, Endpoint> endpoints;
  ListenerId next_listener_id = 1;
  ConnectionId next_connection_id = 1;

  std::uint64_t draw_delay_ns() {
    const std::uint64_t max_ns = healed ? config.healed_delay_max_ns : config.delay_max_ns;
    return max_ns == 0 ? 0 : prng.below(max_ns + 1);
  }
  bool draw_fault(std::uint32_t per_mille) {
    return !healed && per_mille > 0 && prng.chance(per_mille, kPerMille);
  }
  /// An id that existed once and is gone answers like a closed end.
  HRESULT missing_endpoint_result(ConnectionId connection) const {
    return connection != 0 && connection < next_connection_id ? WS_E_INVALID_OPERATION
                                                              : E_INVALIDARG;
  }
  Endpoint* find(ConnectionId connection) {
    auto found = endpoints.find(connection);
    return found == endpoints.end() ? nullptr : &found->second;
  }

  void connect_arrives(PendingConnect connect, Dispatch& dispatch);
  void establish(PendingAccept accept, PendingConnect connect, Dispatch& dispatch);
  void schedule_delivery(ConnectionId sender, Endpoint& endpoint);
  void deliver_next(ConnectionId sender, Dispatch& dispatch);
  void serve_receives(Endpoint& endpoint, Dispatch& dispatch);
  void fail_pending(Endpoint& endpoint, HRESULT result, Dispatch& dispatch);
  void drop_connection(ConnectionId connection, Dispatch& dispatch);
  void forget_if_both_closed(ConnectionId connection);
};

void RealNetwork::State::connect_arrives(PendingConnect connect, Dispatch& dispatch) {
  if (draw_fault(config.refuse_per_mille)) {
    ++stats.refused_connects;
    dispatch.post(std::move(connect.sink), [completion = std::move(connect.completion)] {
      completion(WS_E_ENDPOINT_UNREACHABLE, 0);
    });
    return;
  }
  auto found = open_listener_by_address.find(connect.address);
  if (found == open_listener_by_address.end()) {
    dispatch.post(std::move(connect.sink), [completion = std::move(connect.completion)] {
      completion(WS_E_ENDPOINT_NOT_FOUND, 0);
    });
    return;
  }
  Listener& listener = listeners.at(found->second);
  if (listener.accepts.empty()) {
    listener.waiting_connects.push_back(std::move(connect));
    return;
  }
  PendingAccept accept = std::move(listener.accepts.front());
  listener.accepts.pop_front();
  establish(std::move(accept), std::move(connect), dispatch);
}

void RealNetwork::State::establish(PendingAccept accept, PendingConnect connect,
                                   Dispatch& dispatch) {
  const ConnectionId client = next_connection_id++;
  const ConnectionId server = next_connection_id++;
  endpoints[client].peer = server;
  endpoints[server].peer = client;
  dispatch.post(std::move(connect.sink),
                [completion = std::move(connect.completion), client] { completion(S_OK, client); });
  dispatch.post(std::move(accept.sink),
                [completion = std::move(accept.completion), server] { completion(S_OK, server); });
}

void RealNetwork::State::schedule_delivery(ConnectionId sender, Endpoint& endpoint) {
  const std::uint64_t drawn_due_ns = monotonic_now_ns() + draw_delay_ns();
  const std::uint64_t due_ns = std::max(drawn_due_ns, endpoint.last_delivery_due_ns);
  endpoint.last_delivery_due_ns = due_ns;
  delays->schedule_at(due_ns, [this, sender] {
    Dispatch dispatch;
    {
      std::lock_guard<std::mutex> lock(mutex);
      deliver_next(sender, dispatch);
    }
    dispatch.run();
  });
}

void RealNetwork::State::deliver_next(ConnectionId sender_id, Dispatch& dispatch) {
  Endpoint* sender = find(sender_id);
  if (sender == nullptr || sender->in_flight.empty() || sender->state != EndpointState::live) {
    return;  // dropped or closed after this delivery was scheduled: already failed
  }
  Endpoint& receiver = endpoints.at(sender->peer);
  if (sender->in_flight.front().end_of_session) {
    sender->in_flight.pop_front();
    receiver.peer_session_ended = true;
    serve_receives(receiver, dispatch);
    return;
  }
  if (draw_fault(config.drop_per_mille)) {
    drop_connection(sender_id, dispatch);
    return;
  }
  InFlightMessage delivered = std::move(sender->in_flight.front());
  sender->in_flight.pop_front();
  receiver.inbox.push_back(std::move(delivered.message));
  ++stats.messages_delivered;
  dispatch.post(std::move(delivered.sink),
                [completion = std::move(delivered.completion)] { completion(S_OK); });
  serve_receives(receiver, dispatch);
}

void RealNetwork::State::serve_receives(Endpoint& endpoint, Dispatch& dispatch) {
  while (!endpoint.receives.empty() && (!endpoint.inbox.empty() || endpoint.peer_session_ended)) {
    PendingReceive receive = std::move(endpoint.receives.front());
    endpoint.receives.pop_front();
    if (endpoint.inbox.empty()) {
      dispatch.post(std::move(receive.sink),
                    [completion = std::move(receive.completion)] { completion(WS_S_END, {}); });
      continue;
    }
    std::string message = std::move(endpoint.inbox.front());
    endpoint.inbox.pop_front();
    dispatch.post(std::move(receive.sink),
                  [completion = std::move(receive.completion), message = std::move(message)] {
                    completion(S_OK, message);
                  });
  }
}

void RealNetwork::State::fail_pending(Endpoint& endpoint, HRESULT result, Dispatch& dispatch) {
  for (InFlightMessage& send : endpoint.in_flight) {
    if (!send.end_of_session) {
      dispatch.post(std::move(send.sink),
                    [completion = std::move(send.completion), result] { completion(result); });
    }
  }
  endpoint.in_flight.clear();
  for (PendingReceive& receive : endpoint.receives) {
    dispatch.post(std::move(receive.sink),
                  [completion = std::move(receive.completion), result] { completion(result, {}); });
  }
  endpoint.receives.clear();
  endpoint.inbox.clear();
}

void RealNetwork::State::drop_connection(ConnectionId connection, Dispatch& dispatch) {
  Endpoint& endpoint = endpoints.at(connection);
  Endpoint& peer = endpoints.at(endpoint.peer);
  ++stats.drops;
  if (config.on_drop) {
    config.on_drop(connection, endpoint.peer);
  }
  endpoint.state = EndpointState::dropped;
  peer.state = EndpointState::dropped;
  fail_pending(endpoint, WS_E_ENDPOINT_DISCONNECTED, dispatch);
  fail_pending(peer, WS_E_ENDPOINT_DISCONNECTED, dispatch);
}

void RealNetwork::State::forget_if_both_closed(ConnectionId connection) {
  Endpoint* endpoint = find(connection);
  if (endpoint == nullptr) {
    return;
  }
  const ConnectionId peer_id = endpoint->peer;
  Endpoint* peer = find(peer_id);
  if (endpoint->state == EndpointState::closed && peer != nullptr &&
      peer->state == EndpointState::closed) {
    endpoints.erase(connection);
    endpoints.erase(peer_id);
  }
}

// ---- the public calls
// ----------------------------------------------------------------------------

RealNetwork::RealNetwork(RealNetworkConfig config) : state_(std::make_unique<State>(config)) {
  state_->delays = &delays_;
}

RealNetwork::~RealNetwork() {
  delays_.stop();
}

void RealNetwork::stop() {
  delays_.stop();
}

HRESULT RealNetwork::listen(std::string_view address, ListenerId& listener) {
  if (address.empty()) {
    return E_INVALIDARG;
  }
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->open_listener_by_address.contains(address)) {
    return WS_E_ADDRESS_IN_USE;
  }
  const ListenerId id = state_->next_listener_id++;
  state_->listeners[id].address = std::string(address);
  state_->open_listener_by_address.emplace(std::string(address), id);
  listener = id;
  return S_OK;
}

HRESULT RealNetwork::accept(ListenerId listener, CompletionSink sink,
                            ConnectCompletion completion) {
  if (!sink || !completion) {
    return E_INVALIDARG;
  }
  Dispatch dispatch;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto found = state_->listeners.find(listener);
    if (found == state_->listeners.end()) {
      return E_INVALIDARG;
    }
    Listener& open_listener = found->second;
    if (!open_listener.open) {
      return WS_E_INVALID_OPERATION;
    }
    PendingAccept accept{std::move(sink), std::move(completion)};
    if (open_listener.waiting_connects.empty()) {
      open_listener.accepts.push_back(std::move(accept));
      return S_OK;
    }
    PendingConnect connect = std::move(open_listener.waiting_connects.front());
    open_listener.waiting_connects.pop_front();
    state_->establish(std::move(accept), std::move(connect), dispatch);
  }
  dispatch.run();
  return S_OK;
}

void RealNetwork::close_listener(ListenerId listener) {
  Dispatch dispatch;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto found = state_->listeners.find(listener);
    if (found == state_->listeners.end() || !found->second.open) {
      return;
    }
    Listener& closing = found->second;
    closing.open = false;
    state_->open_listener_by_address.erase(closing.address);
    for (PendingAccept& accept : closing.accepts) {
      dispatch.post(std::move(accept.sink), [completion = std::move(accept.completion)] {
        completion(WS_E_OPERATION_ABORTED, 0);
      });
    }
    for (PendingConnect& connect : closing.waiting_connects) {
      dispatch.post(std::move(connect.sink), [completion = std::move(connect.completion)] {
        completion(WS_E_ENDPOINT_NOT_FOUND, 0);
      });
    }
    closing.accepts.clear();
    closing.waiting_connects.clear();
  }
  dispatch.run();
}

HRESULT RealNetwork::connect(std::string_view address, CompletionSink sink,
                             ConnectCompletion completion) {
  if (address.empty() || !sink || !completion) {
    return E_INVALIDARG;
  }
  std::lock_guard<std::mutex> lock(state_->mutex);
  ++state_->stats.connects;
  State* state = state_.get();
  const std::uint64_t due_ns = monotonic_now_ns() + state->draw_delay_ns();
  // Whether anybody listens is decided on arrival: a listener may open or close meanwhile.
  state->delays->schedule_at(due_ns,
                             [state, connect = PendingConnect{std::string(address), std::move(sink),
                                                              std::move(completion)}]() mutable {
                               Dispatch dispatch;
                               {
                                 std::lock_guard<std::mutex> arrival_lock(state->mutex);
                                 state->connect_arrives(std::move(connect), dispatch);
                               }
                               dispatch.run();
                             });
  return S_OK;
}

HRESULT RealNetwork::send(ConnectionId connection, std::string message, CompletionSink sink,
                          SendCompletion completion) {
  if (!sink || !completion) {
    return E_INVALIDARG;
  }
  std::lock_guard<std::mutex> lock(state_->mutex);
  Endpoint* endpoint = state_->find(connection);
  if (endpoint == nullptr) {
    return state_->missing_endpoint_result(connection);
  }
  if (endpoint->state == EndpointState::closed || endpoint->session_shut_down) {
    return WS_E_INVALID_OPERATION;
  }
  if (endpoint->state == EndpointState::dropped) {
    return WS_E_ENDPOINT_DISCONNECTED;
  }
  endpoint->in_flight.push_back(
      InFlightMessage{std::move(message), false, std::move(sink), std::move(completion)});
  state_->schedule_delivery(connection, *endpoint);
  return S_OK;
}

HRESULT RealNetwork::receive(ConnectionId connection, CompletionSink sink,
                             ReceiveCompletion completion) {
  if (!sink || !completion) {
    return E_INVALIDARG;
  }
  Dispatch dispatch;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    Endpoint* endpoint = state_->find(connection);
    if (endpoint == nullptr) {
      return state_->missing_endpoint_result(connection);
    }
    if (endpoint->state == EndpointState::closed) {
      return WS_E_INVALID_OPERATION;
    }
    if (endpoint->state == EndpointState::dropped) {
      return WS_E_ENDPOINT_DISCONNECTED;
    }
    endpoint->receives.push_back(PendingReceive{std::move(sink), std::move(completion)});
    state_->serve_receives(*endpoint, dispatch);
  }
  dispatch.run();  // the sink decides where it runs; a host's sink queues it for a worker
  return S_OK;
}

HRESULT RealNetwork::shutdown_session(ConnectionId connection) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  Endpoint* endpoint = state_->find(connection);
  if (endpoint == nullptr) {
    return state_->missing_endpoint_result(connection);
  }
  if (endpoint->state == EndpointState::closed || endpoint->session_shut_down) {
    return WS_E_INVALID_OPERATION;
  }
  if (endpoint->state == EndpointState::dropped) {
    return WS_E_ENDPOINT_DISCONNECTED;
  }
  endpoint->session_shut_down = true;
  ++state_->stats.session_shutdowns;
  // The marker travels behind the messages already sent, so the peer reads them all first.
  endpoint->in_flight.push_back(InFlightMessage{{}, true, {}, {}});
  state_->schedule_delivery(connection, *endpoint);
  return S_OK;
}

void RealNetwork::close(ConnectionId connection) {
  Dispatch dispatch;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    Endpoint* endpoint = state_->find(connection);
    if (endpoint == nullptr || endpoint->state == EndpointState::closed) {
      return;
    }
    if (endpoint->state == EndpointState::live) {
      Endpoint& peer = state_->endpoints.at(endpoint->peer);
      peer.state = EndpointState::dropped;
      state_->fail_pending(peer, WS_E_ENDPOINT_DISCONNECTED, dispatch);
    }
    endpoint->state = EndpointState::closed;
    state_->fail_pending(*endpoint, WS_E_OPERATION_ABORTED, dispatch);
    state_->forget_if_both_closed(connection);
  }
  dispatch.run();
}

bool RealNetwork::drop(ConnectionId connection) {
  Dispatch dispatch;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    Endpoint* endpoint = state_->find(connection);
    if (endpoint == nullptr || endpoint->state != EndpointState::live) {
      return false;
    }
    state_->drop_connection(connection, dispatch);
  }
  dispatch.run();
  return true;
}

void RealNetwork::heal() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->healed = true;
}

ConnectionId RealNetwork::peer_of(ConnectionId connection) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto found = state_->endpoints.find(connection);
  return found == state_->endpoints.end() ? 0 : found->second.peer;
}

std::vector<ConnectionId> RealNetwork::live_connections() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  std::vector<ConnectionId> live;
  for (const auto& [id, endpoint] : state_->endpoints) {
    if (endpoint.state == EndpointState::live) {
      live.push_back(id);
    }
  }
  return live;
}

bool RealNetwork::idle() const {
  return delays_.outstanding() == 0;
}

RealNetworkStats RealNetwork::stats() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->stats;
}

}  // namespace lockstep::real_host
