// The echo peer's accept and receive loops.
#include "harness/host/echo_peer.h"

#include <stdexcept>

namespace lockstep::harness {

namespace {
void run_now(std::function<void()> completion) { completion(); }
}  // namespace

EchoPeer::EchoPeer(Simulation& simulation, FakeNetwork& network, std::string address,
                   std::uint32_t shutdown_per_mille)
    : address_(std::move(address)), state_(std::make_shared<State>()) {
  state_->simulation = &simulation;
  state_->network = &network;
  state_->shutdown_per_mille = shutdown_per_mille;
  const HRESULT result = network.listen(address_, state_->listener);
  if (FAILED(result)) {
    throw std::runtime_error("echo peer cannot listen on '" + address_ + "'");
  }
  accept_next(state_);
}

EchoPeer::~EchoPeer() { state_->alive = false; }

void EchoPeer::accept_next(const std::shared_ptr<State>& state) {
  state->network->accept(state->listener, run_now,
                         [state](HRESULT result, ConnectionId connection) {
                           if (!state->alive || FAILED(result)) {
                             return;
                           }
                           receive_next(state, connection);
                           accept_next(state);
                         });
}

void EchoPeer::receive_next(const std::shared_ptr<State>& state, ConnectionId connection) {
  state->network->receive(
      connection, run_now, [state, connection](HRESULT result, std::string_view message) {
        if (!state->alive || result != S_OK) {
          return;  // session ended, dropped or closed: nothing more to echo
        }
        if (!state->network->healed() &&
            state->simulation->chance(state->shutdown_per_mille, 1000)) {
          ++state->sessions_ended;
          state->simulation->annotate("peer ends session", connection);
          state->network->shutdown_session(connection);
          return;
        }
        state->network->send(connection, std::string(message), run_now,
                             [state](HRESULT sent) {
                               if (state->alive && sent == S_OK) {
                                 ++state->messages_echoed;
                               }
                             });
        receive_next(state, connection);
      });
}

}  // namespace lockstep::harness
