// The client side of service schedules: a raw connection on the fake network, used from a
// caller fiber. Each call blocks the fiber until the network completes it; completions run at
// once on the scheduler (no worker threads), so the client adds no decisions of its own.
#pragma once

#include <string>
#include <string_view>

#include "harness/network/fake_network.h"
#include "scheduler/simulation.h"

namespace lockstep::conformance {

class RawClient {
 public:
  RawClient(Simulation& simulation, harness::FakeNetwork& network);
  HRESULT connect(std::string_view address);
  /// Waits until the message is in the peer's inbox (or the send failed).
  HRESULT send(std::string message);
  struct Received {
    HRESULT result = S_OK;
    std::string message;
  };
  Received receive();
  void close();
  harness::ConnectionId id() const { return id_; }

 private:
  void wait_for(const bool& done, std::string_view reason);
  Simulation& simulation_;
  harness::FakeNetwork& network_;
  harness::ConnectionId id_ = 0;
  bool closed_ = false;
};

}  // namespace lockstep::conformance
