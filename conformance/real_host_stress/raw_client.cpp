// Blocking client calls on the in-process network.
#include "conformance/real_host_stress/raw_client.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "conformance/real_host_stress/process_cpu_time.h"
#include "harness/real_host/activity_gauge.h"

namespace lockstep::stress {

// Shared with the completion, which may outlive a wait the client gave up on.
struct RawClient::Slot {
  std::mutex mutex;
  std::condition_variable done_changed;
  bool done = false;
  HRESULT result = S_OK;
  real_host::ConnectionId connection = 0;
  std::string message;

  void finish(HRESULT outcome) {
    std::lock_guard<std::mutex> lock(mutex);
    result = outcome;
    done = true;
    done_changed.notify_all();
  }
};

namespace {
real_host::CompletionSink inline_sink() {
  return [](std::function<void()> completion) { completion(); };
}
}  // namespace

bool RawClient::wait(Slot& slot) {
  const double deadline = wall_seconds() + bound_seconds_;
  int quiet_checks = 0;
  std::unique_lock<std::mutex> lock(slot.mutex);
  while (!slot.done) {
    slot.done_changed.wait_for(lock, std::chrono::milliseconds(2));
    if (slot.done) {
      break;
    }
    lock.unlock();
    quiet_checks = idle_() ? quiet_checks + 1 : 0;
    const bool give_up = quiet_checks >= 10 || wall_seconds() > deadline;
    lock.lock();
    if (give_up && !slot.done) {
      return false;
    }
  }
  return true;
}

HRESULT RawClient::connect(std::string_view address) {
  auto slot = std::make_shared<Slot>();
  const HRESULT started = [&] {
    const real_host::ForeignCallScope inside;
    return network_.connect(address, inline_sink(),
                            [slot](HRESULT result, real_host::ConnectionId connection) {
                              {
                                std::lock_guard<std::mutex> lock(slot->mutex);
                                slot->connection = connection;
                              }
                              slot->finish(result);
                            });
  }();
  if (FAILED(started)) {
    return started;
  }
  if (!wait(*slot)) {
    return WS_E_OPERATION_TIMED_OUT;
  }
  std::lock_guard<std::mutex> lock(slot->mutex);
  id_ = slot->connection;
  return slot->result;
}

HRESULT RawClient::send(std::string message) {
  auto slot = std::make_shared<Slot>();
  const HRESULT started = [&] {
    const real_host::ForeignCallScope inside;
    return network_.send(id_, std::move(message), inline_sink(),
                         [slot](HRESULT result) { slot->finish(result); });
  }();
  if (FAILED(started)) {
    return started;
  }
  if (!wait(*slot)) {
    return WS_E_OPERATION_TIMED_OUT;
  }
  std::lock_guard<std::mutex> lock(slot->mutex);
  return slot->result;
}

RawClient::Received RawClient::receive() {
  auto slot = std::make_shared<Slot>();
  const HRESULT started = [&] {
    const real_host::ForeignCallScope inside;
    return network_.receive(id_, inline_sink(), [slot](HRESULT result, std::string_view message) {
      {
        std::lock_guard<std::mutex> lock(slot->mutex);
        slot->message = std::string(message);
      }
      slot->finish(result);
    });
  }();
  if (FAILED(started)) {
    return Received{started, {}, false};
  }
  if (!wait(*slot)) {
    return Received{S_OK, {}, true};
  }
  std::lock_guard<std::mutex> lock(slot->mutex);
  return Received{slot->result, slot->message, false};
}

void RawClient::close() {
  if (!closed_ && id_ != 0) {
    closed_ = true;
    const real_host::ForeignCallScope inside;  // the close hands completions to the host
    network_.close(id_);
  }
}

}  // namespace lockstep::stress
