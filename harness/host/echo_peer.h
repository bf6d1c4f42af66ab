// A scripted peer: listens on an address of the fake network and echoes every message back.
//
// It is the other end of the wire for client-side scenarios. It runs in the scheduler's
// context (its completions run as soon as the network delivers them) and decides through the
// simulation only: in the fault phase, each reply is replaced, with the plan's
// shutdown_per_mille, by a graceful end of the session, which drives the WS_S_END path of the
// implementation under test.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "harness/network/fake_network.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

class EchoPeer {
 public:
  /// Starts listening at once. WS_E_ADDRESS_IN_USE etc. are thrown as std::runtime_error.
  EchoPeer(Simulation& simulation, FakeNetwork& network, std::string address,
           std::uint32_t shutdown_per_mille);
  ~EchoPeer();
  EchoPeer(const EchoPeer&) = delete;
  EchoPeer& operator=(const EchoPeer&) = delete;

  const std::string& address() const { return address_; }
  std::uint64_t messages_echoed() const { return state_->messages_echoed; }
  std::uint64_t sessions_ended() const { return state_->sessions_ended; }

 private:
  struct State {
    Simulation* simulation = nullptr;
    FakeNetwork* network = nullptr;
    ListenerId listener = 0;
    std::uint32_t shutdown_per_mille = 0;
    std::uint64_t messages_echoed = 0;
    std::uint64_t sessions_ended = 0;
    bool alive = true;
  };
  static void accept_next(const std::shared_ptr<State>& state);
  static void receive_next(const std::shared_ptr<State>& state, ConnectionId connection);

  std::string address_;
  std::shared_ptr<State> state_;
};

}  // namespace lockstep::harness
