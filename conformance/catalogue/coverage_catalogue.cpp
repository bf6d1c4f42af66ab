// The clause table and the probes' situations. Keep in step with docs/CONTRACT.md (the clauses),
// harness/core/coverage_probe.h (the probes) and the drivers and monitors (the checks).
#include "conformance/catalogue/coverage_catalogue.h"

#include <utility>

namespace lockstep::conformance {

namespace {

constexpr std::pair<std::string_view, std::string_view> kSituations[] = {
    {"null-context-call", "a call made with a NULL WS_ASYNC_CONTEXT"},
    {"sync-completion-with-context",
     "a call given an async context that completed synchronously anyway"},
    {"async-completion", "a call that returned WS_S_ASYNC and was called back"},
    {"callback-on-other-thread-before-return",
     "a callback that ran on another thread before the call returned"},
    {"failure-with-error-object", "a call that failed asynchronously with a WS_ERROR supplied"},
    {"callback-where-long-offered",
     "a callback on a worker the host offered WS_LONG_CALLBACK (another worker was free)"},
    {"callback-where-short-required",
     "a callback on a worker the host offered only WS_SHORT_CALLBACK"},
    {"io-limit-reached", "the host's I/O operations in flight reached its io_limit"},
    {"call-pending-at-heal", "a call still pending when the network healed"},
    {"misuse-before-open", "send, receive or request-reply on a channel never opened"},
    {"second-open", "open called on a channel already opened"},
    {"abort-with-operations-queued",
     "an abort while more calls were pending than I/O operations were in flight"},
    {"abort-with-io-in-flight", "an abort while the channel had I/O in flight"},
    {"abort-of-open-channel", "an abort of an OPEN channel"},
    {"call-on-faulted-channel", "a call on a FAULTED channel"},
    {"close-with-operations-in-flight", "a close started while other calls were pending"},
    {"close-failed-graceful-shutdown", "a close of an OPEN channel that failed"},
    {"close-of-closed-channel", "a close of a channel already CLOSED"},
    {"open-refused", "an open whose connect the endpoint refused"},
    {"drop-during-send", "the connection dropped while a send was pending"},
    {"drop-during-receive", "the connection dropped while a receive was pending"},
    {"drop-during-request-reply", "the connection dropped while a request-reply was pending"},
    {"drop-during-close", "the connection dropped while a close was pending"},
    {"session-end-during-receive", "an optional receive that ended with WS_S_END"},
    {"receive-over-quota", "a received message larger than the caller's buffer (the quota)"},
    {"service-operation-synchronous", "a service operation that completed synchronously"},
    {"service-operation-asynchronous", "a service operation that returned WS_S_ASYNC"},
    {"fault-under-minimal-disclosure",
     "a failed call's fault read by its client under WS_MINIMAL_FAULT_DISCLOSURE"},
    {"fault-under-full-disclosure",
     "a failed call's fault read by its client under WS_FULL_FAULT_DISCLOSURE"},
    {"operation-returned-end", "a service operation that completed with WS_S_END"},
    {"message-after-end", "a client that sent another request after a WS_S_END reply"},
    {"cancel-on-host-abort", "a cancel callback with WS_SERVICE_HOST_ABORT"},
    {"cancel-on-channel-faulted", "a cancel callback with WS_SERVICE_CHANNEL_FAULTED"},
    {"cancel-during-registration",
     "a cancel callback delivered during WsRegisterOperationForCancel (the reason came first)"},
    {"host-abort-with-calls-in-flight", "WsAbortServiceHost while calls were in flight"},
    {"host-close-with-calls-in-flight", "WsCloseServiceHost started while calls were in flight"},
    {"close-timeout-expired-with-calls-in-flight",
     "the close timeout expired while calls were still in flight"},
    {"connect-after-close", "a client connecting after the host's close started"},
    {"reply-from-heap", "a reply built from the operation's WS_HEAP"},
    {"chain-step-asynchronous", "a WsAsyncExecute step completed later from a worker"},
    {"chain-step-completed-before-return",
     "a WsAsyncExecute step whose completion arrived before the step returned"},
    {"chain-step-after-failure", "a WsAsyncExecute step invoked with a failing hr"},
    {"chain-long-synchronous", "a chain of thousands of synchronously completing steps"},
};

// Checks are named by the part that records them: the call monitor
// (harness/monitor/call_monitor.cpp), the simulated host (harness/host/simulated_host.cpp),
// the world (harness/host/world.cpp), and the channel, service and chain drivers
// (conformance/channel/channel_driver.cpp, conformance/service/service_*.cpp,
// conformance/async_execute/async_chain_driver.cpp).
const std::vector<RuleClause> kClauses = {
    // ---- AM -----------------------------------------------------------------------------
    {"AM1", "with a NULL async context the function never returns WS_S_ASYNC",
     "call monitor: the return of a call made with a NULL context", "null-context-call", ""},
    {"AM1", "with a NULL async context no callback is ever invoked",
     "call monitor: the implementation is handed no callback, and a callbackState the caller "
     "never passed is reported (AM3)",
     "null-context-call",
     "holds by construction of the ABI: no callback exists to call; what can be checked (a "
     "forged callbackState) is"},
    {"AM2", "a synchronous completion with a context returns the final HRESULT",
     "call monitor: a return other than WS_S_ASYNC is the completion",
     "sync-completion-with-context", ""},
    {"AM2", "after a synchronous return the callback is never invoked, before or after",
     "call monitor: a callback counted before a synchronous return, or arriving after it",
     "sync-completion-with-context", ""},
    {"AM3", "after WS_S_ASYNC the callback is invoked, never zero times",
     "call monitor at the end of the schedule: a call still pending when the world is quiet is a "
     "lost callback",
     "async-completion abort-with-io-in-flight open-refused", ""},
    {"AM3", "never twice", "call monitor: a second callback of one call",
     "async-completion abort-with-io-in-flight", ""},
    {"AM3", "with the final HRESULT, never WS_S_ASYNC", "call monitor: the callback's hr",
     "async-completion", ""},
    {"AM3", "with the caller's callbackState unchanged",
     "call monitor: callbackState is an opaque token; an unknown one is reported, never "
     "dereferenced",
     "async-completion", ""},
    {"AM3", "with a callbackModel of 0 or 1", "call monitor: the callback's model",
     "async-completion", ""},
    {"AM4", "the callback never runs on the calling thread before the function returned",
     "call monitor: the callback's thread against the invoking thread while the call has not "
     "returned",
     "async-completion callback-on-other-thread-before-return", ""},
    {"AM5", "the async context is read only during the call",
     "call monitor: the context struct is scribbled with a trap callback and state at return",
     "async-completion", ""},
    {"AM6", "pointer arguments stay caller-owned and are not used after completion",
     "call monitor: caller buffers are page-protected at completion; an access is recorded",
     "async-completion sync-completion-with-context", ""},
    {"AM6", "out-parameters are written before completion is signalled, never after",
     "call monitor: out-parameter buffers are protected at completion",
     "async-completion receive-over-quota", ""},
    {"AM6", "WsOpenChannel's endpoint address is not read after the function returns",
     "call monitor: the address buffer is owned only until return", "async-completion", ""},
    {"AM7", "a failure with a WS_ERROR supplied fills the error before the callback",
     "call monitor: a failing callback whose WS_ERROR holds no string; a string added after "
     "completion",
     "failure-with-error-object open-refused", ""},
    {"AM8", "LONG only when another thread is available to dequeue work",
     "call monitor: a WS_LONG_CALLBACK on a worker the host offered only SHORT",
     "callback-where-short-required callback-where-long-offered", ""},
    {"AM8", "an implementation invoking SHORT does not deadlock when the callback does short work",
     "the drivers' callbacks return at once; a deadlock is reported by the world (AM3/AM11)",
     "callback-where-short-required",
     "callbacks that call back into the implementation are the behaviour space's re-entrant "
     "callbacks"},
    {"AM9", "the peak of I/O operations in flight never exceeds the configured limit",
     "simulated host: in-flight I/O counted per host against io_limit", "io-limit-reached", ""},
    {"AM9", "excess requests are queued or refused with an error, never lost",
     "call monitor: a call never completed (AM3) or not completed after healing (AM11)",
     "io-limit-reached", ""},
    {"AM10", "next->function is NULL on entry to each step",
     "chain driver: every scripted step checks next on entry",
     "chain-step-asynchronous chain-long-synchronous", ""},
    {"AM10", "a step is invoked even after a failed step, with the failing hr",
     "chain driver: each step's input against its predecessor's result; steps skipped",
     "chain-step-after-failure", ""},
    {"AM10", "the chain ends when a step leaves next NULL",
     "chain driver: a step run after the chain ended", "chain-step-asynchronous", ""},
    {"AM10", "the final callback fires exactly once, and only if some step went asynchronous",
     "call monitor (AM2, AM3) on the WsAsyncExecute call; chain driver: completion against the "
     "script",
     "chain-step-asynchronous chain-step-completed-before-return", ""},
    {"AM10", "the WS_ASYNC_STATE is not touched after completion",
     "call monitor: the state is a guarded buffer whose accesses after completion are AM10's",
     "chain-step-asynchronous", ""},
    {"AM10", "a long chain of synchronous steps does not grow the stack without bound",
     "chain driver: the stack depth of the first step against a later one",
     "chain-long-synchronous", ""},
    {"AM11", "once faults stop, every started operation completes",
     "world: after healing, calls still pending after the liveness bound (in steps)",
     "call-pending-at-heal", ""},
    {"AM12", "callers cope with a callback on another thread before the call returns",
     "chain driver: steps completed from a worker while they still run; an implementation that "
     "does not cope completes twice (AM3) or mixes steps up (AM10)",
     "chain-step-completed-before-return callback-on-other-thread-before-return",
     "lockstep's own callers cope by construction; the rule is checked where an implementation "
     "is the caller (WsAsyncExecute's steps)"},
    // ---- CH -----------------------------------------------------------------------------
    {"CH1", "abort completes each pending operation exactly once",
     "channel driver at the end of the schedule: a call pending at the abort that never "
     "completed; call monitor: twice (AM3)",
     "abort-with-operations-queued abort-with-io-in-flight", ""},
    {"CH1", "with WS_E_OPERATION_ABORTED or its earlier real result",
     "channel driver: any completion of a call pending at the abort is accepted",
     "abort-with-io-in-flight",
     "which result an operation racing the abort had already decided cannot be observed; both "
     "are allowed"},
    {"CH2", "after abort on an OPEN channel the state is FAULTED",
     "channel driver: the state right after abort returned", "abort-of-open-channel", ""},
    {"CH2", "new operations on a channel faulted by abort return WS_E_OBJECT_FAULTED",
     "channel driver: the result of a call started on a channel faulted by our abort",
     "call-on-faulted-channel", ""},
    {"CH2", "close is still allowed after abort and ends CLOSED",
     "channel driver: a close after abort must leave the channel CLOSED", "abort-of-open-channel",
     ""},
    {"CH3", "abort does not block on in-flight I/O",
     "channel driver: event waits and virtual time on the aborting thread during the abort",
     "abort-with-io-in-flight", ""},
    {"CH4", "close ends in CLOSED, also when a graceful shutdown fails (returning that error)",
     "channel driver: the state after a close called on CREATED, OPEN or FAULTED completed",
     "close-failed-graceful-shutdown close-with-operations-in-flight drop-during-close", ""},
    {"CH4", "close waits for started I/O",
     "channel driver and call monitor: every call pending across the close completes exactly "
     "once (CH1, CH6, AM3)",
     "close-with-operations-in-flight",
     "the order of the close's completion and of the calls it waited for is not checked: "
     "WWSAPI does not document it"},
    {"CH4", "close returns WS_E_OPERATION_ABORTED if aborted meanwhile",
     "channel driver: a close pending at the abort completes exactly once (CH1)",
     "abort-with-operations-queued",
     "its result may also be its own earlier one (CH1 allows both), so the code is not checked"},
    {"CH5", "an operation in a state that does not allow it returns WS_E_INVALID_OPERATION",
     "channel driver: calls before open, after close, and a second open",
     "misuse-before-open second-open", ""},
    {"CH5", "an operation on a FAULTED channel returns WS_E_OBJECT_FAULTED",
     "channel driver: calls on a channel FAULTED before the call", "call-on-faulted-channel", ""},
    {"CH5", "closing is always allowed: a CREATED, FAULTED or CLOSED channel closes with S_OK",
     "channel driver: the result of a close in those states", "close-of-closed-channel", ""},
    {"CH6", "after a drop every pending operation completes exactly once",
     "channel driver at the end of the schedule: a call pending at the drop that never "
     "completed; call monitor: twice (AM3)",
     "drop-during-send drop-during-receive drop-during-request-reply drop-during-close", ""},
    {"CH6", "with an error, and the channel faults",
     "channel driver: calls after the channel reported FAULTED return WS_E_OBJECT_FAULTED (CH5)",
     "drop-during-receive",
     "a call whose result was decided before the drop may succeed, so the result of a call "
     "pending at the drop is not checked"},
    {"CH7", "after the peer ended the session an optional receive returns WS_S_END",
     "channel driver: out-parameters of a receive ending with WS_S_END",
     "session-end-during-receive", ""},
    {"CH7", "and leaves its out-parameters untouched",
     "channel driver: body and size buffers are filled with a marker and compared",
     "session-end-during-receive", ""},
    // ---- SV -----------------------------------------------------------------------------
    {"SV1",
     "an operation returning WS_S_ASYNC is complete only when it calls back; the host "
     "does not reply before completion",
     "service driver: a reply sent (as it is sent) or received before the operation completed",
     "service-operation-asynchronous", ""},
    {"SV1", "the host does not free the operation context or its heap before completion",
     "service driver: a heap block released before the call completed",
     "service-operation-asynchronous host-close-with-calls-in-flight", ""},
    {"SV1", "exactly one reply per call",
     "service driver: replies counted per call as the host sends them (read or not); a call "
     "left without a reply on a channel that ended",
     "service-operation-synchronous service-operation-asynchronous", ""},
    {"SV2", "a failing HRESULT produces exactly one fault reply",
     "service driver: a failed call answered without a fault", "fault-under-minimal-disclosure",
     ""},
    {"SV2", "under minimal disclosure the fault holds none of the WS_ERROR's strings",
     "service driver: the secret marker in fault text", "fault-under-minimal-disclosure", ""},
    {"SV2", "under full disclosure it holds them",
     "service driver: the fault text against the error's strings, newest first",
     "fault-under-full-disclosure", ""},
    {"SV3",
     "after WS_S_END the server expects no more messages and aborts the channel if one "
     "arrives",
     "service driver: an operation invoked or a reply sent for a message after WS_S_END; the "
     "channel left open",
     "operation-returned-end message-after-end", ""},
    {"SV4", "a registered cancel callback fires at most once per call",
     "service driver: cancels counted per call", "cancel-on-host-abort cancel-on-channel-faulted",
     ""},
    {"SV4", "possibly during the registration call itself",
     "service driver: operations that register only when their completion is due, after the "
     "cancel reason came",
     "cancel-during-registration", ""},
    {"SV4",
     "with WS_SERVICE_HOST_ABORT on host abort, WS_SERVICE_CHANNEL_FAULTED when the "
     "client's connection closes",
     "service driver: the reason's value; CHANNEL_FAULTED while both ends are live and the host "
     "is neither aborted nor closing",
     "cancel-on-host-abort cancel-on-channel-faulted",
     "a host learns that a connection closed only when it reads from it, so a missing "
     "CHANNEL_FAULTED cancel is not reported; a spurious one is"},
    {"SV4", "the free-state callback fires exactly once, at completion, after any cancel",
     "service driver: free-state counted, before completion, before a cancel, never",
     "cancel-on-host-abort service-operation-asynchronous", ""},
    {"SV5", "abort aborts listeners and channels and fires the cancel callbacks",
     "service driver: operations that complete only when cancelled; one in flight at an abort "
     "that was never cancelled, or only when a later close timed out",
     "host-abort-with-calls-in-flight cancel-on-host-abort", ""},
    {"SV5", "completion still comes only from the operation",
     "service driver: after an abort, a heap released or the close completed before the call "
     "completed",
     "host-abort-with-calls-in-flight", ""},
    {"SV6", "after close starts, no new channels are accepted",
     "service driver: a call served on a channel accepted after the close call returned",
     "connect-after-close", ""},
    {"SV6", "in-flight calls complete",
     "service driver: the close completed while a call was in flight (no abort)",
     "host-close-with-calls-in-flight", ""},
    {"SV6", "or after the close timeout they are aborted",
     "service driver: a call in flight when the close timeout expired whose operation completes "
     "only when cancelled and was never cancelled",
     "close-timeout-expired-with-calls-in-flight", ""},
    {"SV7",
     "out-parameter memory comes from the operation's WS_HEAP, valid until the reply is "
     "written",
     "service driver: reply bytes against what the operation wrote into its heap; the heap "
     "released before the reply's send returned",
     "reply-from-heap", ""},
};

}  // namespace

const std::vector<RuleClause>& rule_clauses() {
  return kClauses;
}

std::vector<const RuleClause*> clauses_of(std::string_view rule) {
  std::vector<const RuleClause*> clauses;
  for (const RuleClause& clause : kClauses) {
    if (clause.rule == rule) {
      clauses.push_back(&clause);
    }
  }
  return clauses;
}

std::string_view probe_situation(std::string_view probe) {
  for (const auto& [name, situation] : kSituations) {
    if (name == probe) {
      return situation;
    }
  }
  return {};
}

}  // namespace lockstep::conformance
