// The channel scenario's peer: an echo peer that can also end the session or drop the line.
//
// Like harness::EchoPeer it listens on the fake network and echoes every message, and in the
// fault phase it ends the session instead of replying with the plan's shutdown_per_mille
// (driving the WS_S_END path, CH7). It adds one scripted fault: in the fault phase, a message
// starting with kPartingPrefix (the caller sends one just before closing) makes it drop the
// connection with probability 1/2, so that drops land while the channel is CLOSING and the
// graceful shutdown fails (CH4). It decides only through the simulation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "harness/network/fake_network.h"
#include "scheduler/simulation.h"

namespace lockstep::conformance {

class ScriptedPeer {
 public:
  static constexpr std::string_view kPartingPrefix = "parting";

  /// Starts listening at once; throws std::runtime_error if the address is taken.
  ScriptedPeer(Simulation& simulation, harness::FakeNetwork& network, std::string address,
               std::uint32_t shutdown_per_mille);
  ~ScriptedPeer();
  ScriptedPeer(const ScriptedPeer&) = delete;
  ScriptedPeer& operator=(const ScriptedPeer&) = delete;

  std::uint64_t drops() const { return state_->drops; }

 private:
  struct State {
    Simulation* simulation = nullptr;
    harness::FakeNetwork* network = nullptr;
    harness::ListenerId listener = 0;
    std::uint32_t shutdown_per_mille = 0;
    std::uint64_t drops = 0;
    bool alive = true;
  };
  static void accept_next(const std::shared_ptr<State>& state);
  static void receive_next(const std::shared_ptr<State>& state, harness::ConnectionId connection);

  std::shared_ptr<State> state_;
};

}  // namespace lockstep::conformance
