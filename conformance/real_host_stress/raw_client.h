// A blocking client connection on the in-process network, for service-host rounds: each call
// waits (really) for the network's completion, which runs inline on the delivering thread.
// Every wait gives up once `idle` held for 20 ms (nothing can complete it any more) or the
// bound passed; a completion that comes after that lands harmlessly in shared state.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "harness/real_host/real_network.h"

namespace lockstep::stress {

class RawClient {
 public:
  RawClient(real_host::RealNetwork& network, std::function<bool()> idle, double bound_seconds)
      : network_(network), idle_(std::move(idle)), bound_seconds_(bound_seconds) {}
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  /// WS_E_OPERATION_TIMED_OUT when the wait gave up.
  HRESULT connect(std::string_view address);
  HRESULT send(std::string message);
  struct Received {
    HRESULT result = S_OK;
    std::string message;
    bool given_up = false;  ///< nothing came
  };
  Received receive();
  void close();

  struct Slot;

 private:
  bool wait(Slot& slot);

  real_host::RealNetwork& network_;
  std::function<bool()> idle_;
  const double bound_seconds_;
  real_host::ConnectionId id_ = 0;
  bool closed_ = false;
};

}  // namespace lockstep::stress
