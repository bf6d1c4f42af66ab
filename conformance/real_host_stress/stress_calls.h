// The harness as the caller on real threads: every call into the implementation goes through a
// CallLedger, which owns what a caller owns and checks the AM rules that real threads let one
// observe.
//
// Each call gets its WS_ASYNC_CONTEXT (scribbled with a trap callback and trap state right
// after the function returns), its WS_ERROR (thread-safe) and its buffers. Checks, recorded in
// the run's StressLog, never crashing:
//   AM1  NULL context and WS_S_ASYNC returned.
//   AM2  a callback although the function returned a final result (before or after it).
//   AM3  a second callback; WS_S_ASYNC or a model other than 0/1 given to the callback; a call
//        that returned WS_S_ASYNC and never called back although the world went quiet.
//   AM4  the callback ran on the calling thread before the function returned.
//   AM5  the callback came through the scribbled context (the context was kept by pointer).
//   AM6  a buffer changed after ownership came back (every buffer is poisoned then, and checked
//        once the hosts have stopped). Reads after completion are not observable here.
//   AM7  a failing callback with a WS_ERROR that holds no string yet; a string added later.
//   AM8  WS_LONG_CALLBACK where the real host offered that worker only WS_SHORT_CALLBACK.
//   AM11 a call not completed within the wall-clock bound.
// callbackState values are tokens looked up in a process-wide registry: a forged or stale
// state is a violation, never a dereference.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conformance/real_host_stress/stress_log.h"
#include "harness/real_host/real_error.h"
#include "harness/real_host/real_host.h"

namespace lockstep::stress {

enum class Ownership : std::uint8_t {
  until_completion,  ///< the usual case (AM6)
  until_return,      ///< needed only during the call (WsOpenChannel's endpoint address)
};

struct CallShape {
  bool with_context = true;
  bool with_error = false;
};

enum class WaitOutcome : std::uint8_t { completed, lost, timed_out };

class CallLedger;
struct CallbackEntry;

/// One call. Owned by its ledger; stays valid (buffers included) as long as the ledger.
class StressCall {
 public:
  using Invocation = std::function<HRESULT(const WS_ASYNC_CONTEXT* context, WS_ERROR* error)>;

  /// Before invoke(): a caller-owned buffer, filled from `initial` or with `fill`.
  unsigned char* add_buffer(std::size_t bytes, Ownership ownership, const void* initial = nullptr,
                            unsigned char fill = 0);
  /// Calls the implementation once on the calling thread and checks the return.
  HRESULT invoke(const Invocation& call);

  const std::string& label() const { return label_; }
  int owner() const { return owner_; }
  bool completed() const;
  bool returned() const;
  HRESULT result() const;           ///< the final HRESULT (return value or first callback's)
  HRESULT returned_result() const;  ///< what the function returned
  bool went_asynchronous() const;   ///< returned WS_S_ASYNC
  /// Buffer `index`'s bytes at completion (or return, for until_return buffers).
  std::vector<unsigned char> snapshot(std::size_t index) const;
  /// The WS_ERROR's text at completion ("" without one).
  std::string error_text() const;

  // ---- the driver's notes on this call (set by the driver's own threads) ----
  std::uint64_t drops_at_start = 0;           ///< set before invoke, by the calling thread
  std::atomic<bool> pending_at_abort{false};  ///< set by whichever thread aborted

 private:
  friend class CallLedger;
  friend struct CallbackEntry;
  struct Buffer {
    std::unique_ptr<unsigned char[]> bytes;
    std::size_t size = 0;
    Ownership ownership = Ownership::until_completion;
    std::vector<unsigned char> snapshot;
    bool released = false;
  };

  StressCall(CallLedger& ledger, std::uint64_t token, std::string label, CallShape shape,
             int owner);
  void on_callback(HRESULT result, WS_CALLBACK_MODEL model, bool through_trap);
  void complete_locked(HRESULT result);
  void release_locked(Ownership ownership);
  void violation(const char* rule, std::string explanation);

  CallLedger& ledger_;
  const std::uint64_t token_;
  const std::string label_;
  const CallShape shape_;
  const int owner_;
  std::unique_ptr<real_host::RealErrorObject> error_;
  std::deque<Buffer> buffers_;
  WS_ASYNC_CONTEXT context_{};

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool invoked_ = false;
  bool returned_ = false;
  bool completed_ = false;
  bool trap_reported_ = false;
  bool gave_up_timed_out_ = false;
  std::uint64_t calling_thread_ = 0;
  HRESULT returned_result_ = S_OK;
  HRESULT result_ = S_OK;
  std::uint32_t callbacks_ = 0;
  std::size_t error_strings_at_completion_ = 0;
  std::string error_text_;
};

class CallLedger {
 public:
  /// The model the implementation's host offered the calling worker thread, nullopt off its
  /// workers (RealHost::offered_model_here, over every host of the implementation).
  using OfferedModel = std::function<std::optional<WS_CALLBACK_MODEL>()>;

  /// `offered_model` answers for AM8; `world_idle` tells whether anything (hosts, network)
  /// could still complete a call.
  CallLedger(StressLog& log, OfferedModel offered_model, std::function<bool()> world_idle,
             double call_bound_seconds);
  /// The common case: one host runs the implementation.
  CallLedger(StressLog& log, const real_host::RealHost& implementation_host,
             std::function<bool()> world_idle, double call_bound_seconds);
  ~CallLedger();
  CallLedger(const CallLedger&) = delete;
  CallLedger& operator=(const CallLedger&) = delete;

  /// A new call of `owner` (a caller index, for the driver's bookkeeping).
  StressCall& start(std::string operation, CallShape shape, int owner);
  /// Blocks until `call` completed; gives up when the world stayed idle (the completion can no
  /// longer come) or the bound passed.
  WaitOutcome wait(StressCall& call);
  /// Calls of `owner` started and not completed.
  std::vector<StressCall*> pending(int owner) const;
  /// Once the hosts have stopped: AM6 and late AM7 checks, and every call never completed
  /// reported under `classify`'s rule (nullptr: AM3 if it went asynchronous, else AM11).
  /// `classify` runs with the call's lock held: it may read only the driver's notes.
  void finish(const std::function<const char*(const StressCall&)>& classify);
  std::uint64_t calls() const;

  static constexpr unsigned char kPoison = 0xDD;

 private:
  friend class StressCall;
  StressLog& log_;
  OfferedModel offered_model_;
  std::function<bool()> world_idle_;
  const double call_bound_seconds_;
  mutable std::mutex mutex_;
  std::deque<std::unique_ptr<StressCall>> calls_;
};

}  // namespace lockstep::stress
