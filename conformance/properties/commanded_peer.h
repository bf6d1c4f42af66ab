// The channel property's peer: an echo peer that ends the session or drops the connection
// only when a command tells it to.
//
// Why not ScriptedPeer: that one faults at random (per the fault plan), which a shrinker
// cannot remove; here every fault is a command in the case, so the minimal case shows it.
// Invariant: it decides nothing by itself (no draws), it only echoes and obeys.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/network/fake_network.h"

namespace lockstep::conformance::properties {

class CommandedPeer {
 public:
  /// Starts listening at once; throws std::runtime_error if the address is taken.
  CommandedPeer(harness::FakeNetwork& network, std::string address);
  ~CommandedPeer();
  CommandedPeer(const CommandedPeer&) = delete;
  CommandedPeer& operator=(const CommandedPeer&) = delete;

  /// Ends the session on every connection the peer still echoes on, and on any it accepts
  /// later (the channel's connect may not have reached the peer yet); returns how many now.
  std::size_t end_sessions();
  /// Drops every connection the peer still echoes on, and any it accepts later; returns how
  /// many now.
  std::size_t drop_connections();

 private:
  struct State {
    harness::FakeNetwork* network = nullptr;
    harness::ListenerId listener = 0;
    std::vector<harness::ConnectionId> echoing;  ///< in accept order
    bool alive = true;
    bool ending_sessions = false;
    bool dropping = false;
  };
  static void accept_next(const std::shared_ptr<State>& state);
  static void receive_next(const std::shared_ptr<State>& state, harness::ConnectionId connection);
  static void forget(State& state, harness::ConnectionId connection);

  std::shared_ptr<State> state_;
};

}  // namespace lockstep::conformance::properties
