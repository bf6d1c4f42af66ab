// The real host's clock and thread identities: the two facts of the machine that the real host
// (and only the real host: the folder name carries "real_host", which the banned-API scan
// exempts) reads from the operating system.
//
// Invariants: monotonic_now_ns never goes backwards (CLOCK_MONOTONIC through steady_clock);
// current_thread_number is stable for the life of a thread, never 0, and never reused within
// the process (a counter, not the OS thread id, so it is small and readable in messages).
#pragma once

#include <cstdint>

namespace lockstep::real_host {

/// Nanoseconds on the machine's monotonic clock (an arbitrary epoch shared by every thread).
std::uint64_t monotonic_now_ns();

/// 1, 2, 3... in the order threads first ask; the same number for the life of the thread.
std::uint64_t current_thread_number();

/// Sleeps the calling thread for about `duration_ns` (0 only yields).
void sleep_for_ns(std::uint64_t duration_ns);

}  // namespace lockstep::real_host
