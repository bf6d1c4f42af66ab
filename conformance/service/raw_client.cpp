// RawClient: blocking client calls on the fake network.
#include "conformance/service/raw_client.h"

#include <functional>

namespace lockstep::conformance {

namespace {

harness::CompletionSink immediate_sink() {
  return [](std::function<void()> completion) { completion(); };
}

}  // namespace

RawClient::RawClient(Simulation& simulation, harness::FakeNetwork& network)
    : simulation_(simulation), network_(network) {}

void RawClient::wait_for(const bool& done, std::string_view reason) {
  while (!done) {
    simulation_.block(reason);
  }
}

HRESULT RawClient::connect(std::string_view address) {
  bool done = false;
  HRESULT outcome = S_OK;
  const FiberId fiber = simulation_.current_fiber();
  const HRESULT started = network_.connect(
      address, immediate_sink(), [&, fiber](HRESULT result, harness::ConnectionId connection) {
        outcome = result;
        id_ = connection;
        done = true;
        simulation_.wake(fiber);
      });
  if (FAILED(started)) {
    return started;
  }
  wait_for(done, "client connect");
  return outcome;
}

HRESULT RawClient::send(std::string message) {
  bool done = false;
  HRESULT outcome = S_OK;
  const FiberId fiber = simulation_.current_fiber();
  const HRESULT started =
      network_.send(id_, std::move(message), immediate_sink(), [&, fiber](HRESULT result) {
        outcome = result;
        done = true;
        simulation_.wake(fiber);
      });
  if (FAILED(started)) {
    return started;
  }
  wait_for(done, "client send");
  return outcome;
}

RawClient::Received RawClient::receive() {
  bool done = false;
  Received received;
  const FiberId fiber = simulation_.current_fiber();
  const HRESULT started =
      network_.receive(id_, immediate_sink(), [&, fiber](HRESULT result, std::string_view message) {
        received.result = result;
        received.message = std::string(message);
        done = true;
        simulation_.wake(fiber);
      });
  if (FAILED(started)) {
    return Received{started, {}};
  }
  wait_for(done, "client receive");
  return received;
}

void RawClient::close() {
  if (!closed_ && id_ != 0) {
    closed_ = true;
    network_.close(id_);
  }
}

}  // namespace lockstep::conformance
