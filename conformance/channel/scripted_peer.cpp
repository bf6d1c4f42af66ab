// The scripted peer's accept and receive loops.
#include "conformance/channel/scripted_peer.h"

#include <functional>
#include <stdexcept>

namespace lockstep::conformance {

namespace {
void run_now(std::function<void()> completion) { completion(); }
}  // namespace

ScriptedPeer::ScriptedPeer(Simulation& simulation, harness::FakeNetwork& network,
                           std::string address, std::uint32_t shutdown_per_mille)
    : state_(std::make_shared<State>()) {
  state_->simulation = &simulation;
  state_->network = &network;
  state_->shutdown_per_mille = shutdown_per_mille;
  if (FAILED(network.listen(address, state_->listener))) {
    throw std::runtime_error("scripted peer cannot listen on '" + address + "'");
  }
  accept_next(state_);
}

ScriptedPeer::~ScriptedPeer() { state_->alive = false; }

void ScriptedPeer::accept_next(const std::shared_ptr<State>& state) {
  state->network->accept(state->listener, run_now,
                         [state](HRESULT result, harness::ConnectionId connection) {
                           if (!state->alive || FAILED(result)) {
                             return;
                           }
                           receive_next(state, connection);
                           accept_next(state);
                         });
}

void ScriptedPeer::receive_next(const std::shared_ptr<State>& state,
                                harness::ConnectionId connection) {
  state->network->receive(
      connection, run_now,
      [state, connection](HRESULT result, std::string_view message) {
        if (!state->alive || result != S_OK) {
          return;  // session ended, dropped or closed: nothing more to echo
        }
        Simulation& simulation = *state->simulation;
        const bool faults = !state->network->healed();
        if (faults && message.starts_with(kPartingPrefix) && simulation.chance(1, 2)) {
          ++state->drops;
          simulation.annotate("peer drops the connection", connection);
          state->network->drop(connection);
          return;
        }
        if (faults && simulation.chance(state->shutdown_per_mille, 1000)) {
          simulation.annotate("peer ends session", connection);
          state->network->shutdown_session(connection);
          return;
        }
        state->network->send(connection, std::string(message), run_now, [](HRESULT) {});
        receive_next(state, connection);
      });
}

}  // namespace lockstep::conformance
