// The commanded peer's accept and echo loops.
#include "conformance/properties/commanded_peer.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace lockstep::conformance::properties {

namespace {
void run_now(std::function<void()> completion) { completion(); }
}  // namespace

CommandedPeer::CommandedPeer(harness::FakeNetwork& network, std::string address)
    : state_(std::make_shared<State>()) {
  state_->network = &network;
  if (FAILED(network.listen(address, state_->listener))) {
    throw std::runtime_error("commanded peer cannot listen on '" + address + "'");
  }
  accept_next(state_);
}

CommandedPeer::~CommandedPeer() { state_->alive = false; }

std::size_t CommandedPeer::end_sessions() {
  state_->ending_sessions = true;
  const std::vector<harness::ConnectionId> connections = state_->echoing;
  state_->echoing.clear();
  for (harness::ConnectionId connection : connections) {
    state_->network->shutdown_session(connection);
  }
  return connections.size();
}

std::size_t CommandedPeer::drop_connections() {
  state_->dropping = true;
  const std::vector<harness::ConnectionId> connections = state_->echoing;
  state_->echoing.clear();
  for (harness::ConnectionId connection : connections) {
    state_->network->drop(connection);
  }
  return connections.size();
}

void CommandedPeer::forget(State& state, harness::ConnectionId connection) {
  state.echoing.erase(std::remove(state.echoing.begin(), state.echoing.end(), connection),
                      state.echoing.end());
}

void CommandedPeer::accept_next(const std::shared_ptr<State>& state) {
  state->network->accept(state->listener, run_now,
                         [state](HRESULT result, harness::ConnectionId connection) {
                           if (!state->alive || FAILED(result)) {
                             return;
                           }
                           accept_next(state);
                           if (state->dropping) {
                             state->network->drop(connection);
                             return;
                           }
                           if (state->ending_sessions) {
                             state->network->shutdown_session(connection);
                             return;
                           }
                           state->echoing.push_back(connection);
                           receive_next(state, connection);
                         });
}

void CommandedPeer::receive_next(const std::shared_ptr<State>& state,
                                 harness::ConnectionId connection) {
  state->network->receive(connection, run_now,
                          [state, connection](HRESULT result, std::string_view message) {
                            if (!state->alive) {
                              return;
                            }
                            const bool still_echoing =
                                std::find(state->echoing.begin(), state->echoing.end(),
                                          connection) != state->echoing.end();
                            if (result != S_OK || !still_echoing) {
                              forget(*state, connection);
                              return;  // ended, dropped or closed: nothing more to echo
                            }
                            state->network->send(connection, std::string(message), run_now,
                                                 [](HRESULT) {});
                            receive_next(state, connection);
                          });
}

}  // namespace lockstep::conformance::properties
