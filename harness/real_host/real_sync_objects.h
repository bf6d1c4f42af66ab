// Events and mutexes of the real host, on std::mutex and std::condition_variable.
//
// They keep host.h's semantics and turn misuse into a report instead of undefined behaviour:
// locking a mutex the calling thread already holds (host mutexes are not recursive), unlocking
// one it does not hold, or destroying one that is held is refused and described in `misuse`
// (the host records it as a failure of the run). Waits are FIFO only as far as the OS makes
// them: with real threads, who wins a race is the machine's choice, which is the point.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "lockstep/ws.h"

namespace lockstep::real_host {

class RealEvent {
 public:
  RealEvent(bool manual_reset, bool initially_set)
      : manual_reset_(manual_reset), set_(initially_set) {}
  void set();
  void reset();
  /// S_OK once set (an auto-reset event is reset by the wait it releases);
  /// WS_E_OPERATION_TIMED_OUT after timeout_ns of real time (UINT64_MAX: never).
  HRESULT wait(std::uint64_t timeout_ns);

 private:
  std::mutex mutex_;
  std::condition_variable signalled_;
  const bool manual_reset_;
  bool set_;
};

class RealMutex {
 public:
  /// False, with `misuse` set, if the calling thread already holds it.
  bool lock(std::string& misuse);
  /// False, with `misuse` set, if the calling thread does not hold it.
  bool unlock(std::string& misuse);
  /// True while some thread holds it.
  bool held();

 private:
  std::mutex state_mutex_;
  std::condition_variable released_;
  std::uint64_t owner_ = 0;  ///< current_thread_number of the holder, 0 when free
};

}  // namespace lockstep::real_host
