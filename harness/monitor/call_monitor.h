// The harness as the caller: every call into an implementation goes through a monitor.
//
// The monitor owns what a caller owns: the WS_ASYNC_CONTEXT (handed over in a monitor slot and
// scribbled with a trap callback and trap state right after the call returns), the WS_ERROR,
// and every caller-owned buffer (guarded: protected when ownership returns). It knows which
// simulated thread is inside which call and counts every callback. It checks, and records as
// violations instead of crashing:
//   AM1  NULL context: never WS_S_ASYNC.
//   AM2  non-NULL context and a synchronous return: no callback, before or after the return.
//   AM3  after WS_S_ASYNC: exactly one callback, hr != WS_S_ASYNC, the caller's callbackState,
//        a model of 0 or 1; a callback still missing when the world is quiet is lost.
//   AM4  no callback on the calling thread before the call returned.
//   AM5  the context is not used after return (the trap callback or trap state is detected).
//   AM6  no access to a caller buffer after completion (or after return for buffers owned
//        only until return, such as WsOpenChannel's endpoint address); a buffer may name a
//        more specific rule (set_buffer_rule: the WS_ASYNC_STATE of WsAsyncExecute, AM10).
//   AM8  a WS_LONG_CALLBACK only where the host offered LONG (with a policy installed).
//   AM7  on a failing callback with a WS_ERROR supplied, the error already holds a string; no
//        string is added after completion.
//   AM11 a call still pending when the healed phase's bound expires.
// callbackState values are opaque tokens the monitor looks up; a forged or foreign state is a
// violation, never a dereference.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/monitor/guarded_memory.h"
#include "harness/core/violation.h"
#include "lockstep/ws.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

enum class BufferOwnership {
  until_completion,  ///< the usual case (AM6)
  until_return,      ///< not needed after the function returns (WsOpenChannel's address)
};

struct CallOptions {
  std::string operation;     ///< "send", "receive", "open", ...
  bool with_context = true;  ///< false: the implementation gets a NULL WS_ASYNC_CONTEXT*
  bool with_error = false;   ///< true: the implementation gets a WS_ERROR*
};

/// One monitored call. Owned by its CallMonitor; the reference stays valid for its lifetime.
class MonitoredCall {
 public:
  using Invocation = std::function<HRESULT(const WS_ASYNC_CONTEXT* context, WS_ERROR* error)>;
  /// What the caller does inside its callback, given the model the implementation chose.
  using CallbackAction = std::function<void(WS_CALLBACK_MODEL model)>;

  /// Before invoke(): a guarded caller-owned buffer, filled from `initial` when given.
  void* add_buffer(std::string name, std::size_t bytes,
                   BufferOwnership ownership = BufferOwnership::until_completion,
                   const void* initial = nullptr);
  /// The rule an access to buffer `name` after its ownership ended breaks: AM6 unless a more
  /// specific rule owns that memory (a WsAsyncExecute WS_ASYNC_STATE is AM10's). Before invoke().
  void set_buffer_rule(std::string_view name, std::string rule);
  /// Before invoke(): work the caller does inside the call's callback, on the implementation's
  /// thread before the callback returns (rule AM8: starting the next operation, aborting, or
  /// under LONG blocking). Runs once, after the callback was checked, only for a call completed
  /// by its callback; a synchronous completion has no callback to run it in.
  void set_callback_action(CallbackAction action);
  /// Calls the implementation once, on the current simulated thread, and checks the return.
  HRESULT invoke(const Invocation& call);

  const std::string& label() const;        ///< "receive#4": operation and call number
  bool returned() const;
  HRESULT returned_result() const;        ///< what the function returned
  bool completed() const;                 ///< synchronously, or by its (first) callback
  bool completed_synchronously() const;
  HRESULT result() const;                 ///< the final HRESULT (return value or callback's)
  std::uint32_t callback_count() const;
  WS_CALLBACK_MODEL callback_model() const;  ///< of the first callback
  /// A buffer's bytes as they were at completion (or return, for until_return buffers).
  std::string buffer_snapshot(std::string_view name) const;
  /// The WS_ERROR's strings at completion, narrowed to ASCII, joined by "; ".
  std::string error_text() const;

 private:
  friend class CallMonitor;
  struct State;
  explicit MonitoredCall(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;

 public:
  ~MonitoredCall();
};

class CallMonitor {
 public:
  CallMonitor(Simulation& simulation, ViolationLog& violations);
  ~CallMonitor();
  CallMonitor(const CallMonitor&) = delete;
  CallMonitor& operator=(const CallMonitor&) = delete;

  MonitoredCall& start(CallOptions options);
  /// On a fiber: blocks until `call` has completed (returns at once if it has).
  void wait(MonitoredCall& call);
  /// Calls started and not completed, in start order.
  std::vector<const MonitoredCall*> pending() const;
  /// How many calls pending() would list, without building the list (the world asks after
  /// every step).
  std::size_t pending_count() const;
  /// Rule AM8: answers whether a WS_LONG_CALLBACK may run on `thread` now (false when the
  /// host offered that worker only SHORT). Without a policy, LONG is not checked.
  void set_long_callback_policy(std::function<bool(FiberId thread)> long_allowed);
  /// A driver that knows more about a call that never completed (for example: it was pending
  /// when the channel was aborted, rule CH1) reports it under its own rule and settles it, so
  /// that finish() does not report it again as AM3 or AM11.
  void settle(const MonitoredCall& call);
  /// Turns accesses recorded by the guard into AM6 violations (also done by finish()).
  void collect_access_faults();
  /// End of schedule. Pending calls become AM3 "callback lost" when `world_quiet` (nothing
  /// left that could ever complete them), else AM11 "not completed within the healed bound".
  void finish(bool world_quiet);

 private:
  struct Implementation;
  std::unique_ptr<Implementation> implementation_;
};

}  // namespace lockstep::harness
