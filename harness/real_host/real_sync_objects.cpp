// Events and mutexes of the real host.
#include "harness/real_host/real_sync_objects.h"

#include <chrono>

#include "harness/real_host/real_clock.h"

namespace lockstep::real_host {

void RealEvent::set() {
  std::lock_guard<std::mutex> lock(mutex_);
  set_ = true;
  if (manual_reset_) {
    signalled_.notify_all();
  } else {
    signalled_.notify_one();
  }
}

void RealEvent::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  set_ = false;
}

HRESULT RealEvent::wait(std::uint64_t timeout_ns) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto is_set = [this] { return set_; };
  if (timeout_ns == UINT64_MAX) {
    signalled_.wait(lock, is_set);
  } else if (!signalled_.wait_for(lock, std::chrono::nanoseconds(timeout_ns), is_set)) {
    return WS_E_OPERATION_TIMED_OUT;
  }
  if (!manual_reset_) {
    set_ = false;
  }
  return S_OK;
}

// The mutex is a small monitor rather than a bare std::mutex so that the owner is known:
// a recursive lock or a foreign unlock is reported, never undefined behaviour.
bool RealMutex::lock(std::string& misuse) {
  const std::uint64_t self = current_thread_number();
  std::unique_lock<std::mutex> lock(state_mutex_);
  if (owner_ == self) {
    misuse = "mutex_lock: the calling thread already holds this (non-recursive) mutex";
    return false;
  }
  released_.wait(lock, [this] { return owner_ == 0; });
  owner_ = self;
  return true;
}

bool RealMutex::unlock(std::string& misuse) {
  const std::uint64_t self = current_thread_number();
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (owner_ != self) {
    misuse = owner_ == 0 ? "mutex_unlock: the mutex is not locked"
                         : "mutex_unlock: the mutex is held by another thread";
    return false;
  }
  owner_ = 0;
  released_.notify_one();
  return true;
}

bool RealMutex::held() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return owner_ != 0;
}

}  // namespace lockstep::real_host
