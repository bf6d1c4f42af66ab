// The monotonic clock and the per-thread numbers of real_clock.h.
#include "harness/real_host/real_clock.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace lockstep::real_host {

std::uint64_t monotonic_now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

std::uint64_t current_thread_number() {
  static std::atomic<std::uint64_t> next_number{1};
  thread_local const std::uint64_t number = next_number.fetch_add(1, std::memory_order_relaxed);
  return number;
}

void sleep_for_ns(std::uint64_t duration_ns) {
  if (duration_ns == 0) {
    std::this_thread::yield();
    return;
  }
  std::this_thread::sleep_for(std::chrono::nanoseconds(duration_ns));
}

}  // namespace lockstep::real_host
