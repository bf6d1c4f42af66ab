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
    {"callback-starts-next-operation",
     "a callback that started the next send on its own channel before returning"},
    {"callback-aborts-its-channel", "a callback that aborted its own channel before returning"},
    {"callback-closes-its-channel",
     "a callback that started the close of its own channel before returning"},
    {"long-callback-blocks-until-another-completes",
     "a WS_LONG_CALLBACK that blocked until another call on its channel had completed"},
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
    {"begin-completed-synchronously",
     "a Begin whose operation completed on Begin's thread before Begin returned"},
    {"begin-callback-on-other-thread-before-return",
     "a Begin/End callback that ran on another thread while Begin had not returned"},
    {"callback-after-begin-returned", "a Begin/End callback that ran after Begin returned"},
    {"wait-handle-before-completion",
     "a caller waiting on the wait handle of a call whose operation was still running"},
    {"end-before-completion", "End called while the call's operation was still running"},
    {"end-in-callback", "End called inside the call's callback"},
    {"end-of-failed-operation", "End of a call whose operation failed"},
    {"second-end", "End called a second time on one async result"},
    {"completed-of-synchronous-start",
     "an event-based call whose operation completed inside MethodAsync"},
    {"completed-posted-from-worker",
     "a Completed event of a call whose operation completed on another thread than the "
     "captured context's"},
    {"progress-event", "a progress event of a call still in flight"},
    {"failed-completed-event", "a Completed event of a failed call"},
    {"cancelled-completed-event", "a Completed event that reported the call cancelled"},
    {"cancel-racing-completion",
     "CancelAsync of a call whose outcome was decided but whose Completed event had not run"},
    {"cancel-after-completed-event", "CancelAsync of a call whose Completed event had run"},
    {"cancel-of-unknown-user-state", "CancelAsync of a userState never used"},
    {"single-invocation-call-while-busy",
     "a NULL-userState (single-invocation) call made while another call was in flight"},
    {"duplicate-user-state-while-in-flight",
     "a call made with the userState of a call still in flight"},
    {"is-busy-while-in-flight", "IsBusy asked while an accepted call had no Completed event"},
    {"is-busy-after-completed",
     "IsBusy asked on the context after calls completed, none in flight"},
    {"task-left-alone", "a task nobody waited on or continued for a while after it was started"},
    {"task-precancelled-token", "a task started with a token already cancelled"},
    {"task-cancelled-while-running", "a task's token cancelled while its operation was running"},
    {"task-stopped-by-cancellation",
     "a task whose service work stopped because its token was cancelled"},
    {"task-completed-despite-cancellation",
     "a task whose operation ran to its end although cancellation was requested"},
    {"task-synchronous-failure", "a task whose operation failed inside the start call"},
    {"asynchronous-continuation-before-completion",
     "a continuation asking to run asynchronously, added before the task's operation "
     "completed"},
    {"continuation-after-completion", "a continuation added to a task already completed"},
    {"start-argument-error", "Begin, MethodAsync or a task's start called with an argument error"},
    {"one-way-call", "a one-way call's request reached the service"},
    {"call-failed-in-exchange",
     "a call whose request the channel refused or failed, or whose service work failed"},
    {"async-result-client-to-begin-end-service",
     "a schedule of an IAsyncResult client against a Begin/End service"},
    {"async-result-client-to-event-based-service",
     "a schedule of an IAsyncResult client against an event-based service"},
    {"async-result-client-to-task-based-service",
     "a schedule of an IAsyncResult client against a task-returning service"},
    {"async-result-client-to-synchronous-service",
     "a schedule of an IAsyncResult client against a synchronous service"},
    {"event-based-client-to-begin-end-service",
     "a schedule of an event-based client against a Begin/End service"},
    {"event-based-client-to-event-based-service",
     "a schedule of an event-based client against an event-based service"},
    {"event-based-client-to-task-based-service",
     "a schedule of an event-based client against a task-returning service"},
    {"event-based-client-to-synchronous-service",
     "a schedule of an event-based client against a synchronous service"},
    {"task-based-client-to-begin-end-service",
     "a schedule of a task-based client against a Begin/End service"},
    {"task-based-client-to-event-based-service",
     "a schedule of a task-based client against an event-based service"},
    {"task-based-client-to-task-based-service",
     "a schedule of a task-based client against a task-returning service"},
    {"task-based-client-to-synchronous-service",
     "a schedule of a task-based client against a synchronous service"},
    {"channel-client-to-begin-end-service",
     "a schedule of the plain channel client against a Begin/End service"},
    {"channel-client-to-event-based-service",
     "a schedule of the plain channel client against an event-based service"},
    {"channel-client-to-task-based-service",
     "a schedule of the plain channel client against a task-returning service"},
};

// Checks are named by the part that records them: the call monitor
// (harness/monitor/call_monitor.cpp), the simulated host (harness/host/simulated_host.cpp),
// the world (harness/host/world.cpp), the channel, service and chain drivers
// (conformance/channel/channel_driver.cpp, conformance/service/service_*.cpp,
// conformance/async_execute/async_chain_driver.cpp), and the pattern drivers and exchange
// ledger (conformance/patterns/async_result_driver.cpp, event_driver.cpp, task_driver.cpp,
// pattern_exchange.cpp, with the proxy's channel, the service's work and the dispatcher). The
// pattern drivers are the same code in both roles (a client proxy, a service the dispatcher
// invokes), so each pattern clause is checked in both.
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
     "channel driver: callbacks that start the next send, abort or close their own channel; a "
     "re-entrant call that locks a mutex its thread already holds, or that never returns",
     "callback-starts-next-operation callback-aborts-its-channel callback-closes-its-channel",
     "an abort from a callback that blocks is CH3, as any blocking abort"},
    {"AM8", "LONG: the callback may block",
     "channel driver: a LONG callback that waits for another call on its channel; one still "
     "waiting when nothing else can run means that call's completion waited for this callback",
     "long-callback-blocks-until-another-completes",
     "the wait is for a call already started: an implementation may not make one call's "
     "completion wait for another call's callback to return (a lock held, or an I/O slot "
     "kept, across the callback); reached only by an implementation that invokes "
     "WS_LONG_CALLBACK while another call is pending, so not expected of every one (an "
     "implementation that only invokes SHORT never reaches it): counted when reached"},
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
    // ---- AP -----------------------------------------------------------------------------
    {"AP1",
     "CompletedSynchronously is TRUE when the operation completed on Begin's thread before "
     "Begin returned (the callback then runs inside Begin)",
     "IAsyncResult driver: the flag after Begin against where the first callback ran (inside "
     "Begin on Begin's thread, or not); TRUE while IsCompleted was FALSE when Begin returned",
     "begin-completed-synchronously",
     "without a callback only 'TRUE implies IsCompleted when Begin returned' is checked: where "
     "the completion ran is seen through the callback"},
    {"AP1", "FALSE when the completion came from another thread, also before Begin returned",
     "IAsyncResult driver: a TRUE flag whose callback ran on another thread, or after Begin "
     "returned",
     "begin-callback-on-other-thread-before-return callback-after-begin-returned", ""},
    {"AP1", "it never changes",
     "IAsyncResult driver: the flag read after Begin, in the callback and after End must agree",
     "begin-completed-synchronously callback-after-begin-returned",
     "read at those three moments; a change undone between two readings is not seen"},
    {"AP2", "the callback of a Begin that succeeded runs exactly once",
     "IAsyncResult driver: callbacks counted per result; a second one, or none by the end of "
     "the schedule",
     "callback-after-begin-returned begin-completed-synchronously",
     "a callback missing because the operation below never completed (the harness's channel or "
     "work still running) is not blamed on the pattern"},
    {"AP2",
     "also on synchronous completion: then on the calling thread, inside Begin, with "
     "CompletedSynchronously TRUE",
     "IAsyncResult driver: the callback of a synchronous completion that ran elsewhere or later "
     "disagrees with the flag (AP1); one that never ran is AP2",
     "begin-completed-synchronously",
     "a synchronous completion whose callback runs elsewhere with the flag FALSE is reported as "
     "AP1, not AP2: the flag is what says which completion it was"},
    {"AP3", "when the callback runs, IsCompleted is TRUE and the wait handle is signalled",
     "IAsyncResult driver: inside the callback, is_completed and the state of the host event "
     "the wait handle is (a handle that is no event of the host is reported)",
     "callback-after-begin-returned begin-completed-synchronously "
     "begin-callback-on-other-thread-before-return",
     ""},
    {"AP4", "End blocks until completion",
     "IAsyncResult driver: End returning before the harness's channel or work handed over the "
     "outcome, or while IsCompleted is FALSE",
     "end-before-completion wait-handle-before-completion end-in-callback", ""},
    {"AP4", "End surfaces the operation's error",
     "exchange ledger: End's result and reply against the call's own exchange",
     "end-of-failed-operation",
     "a wrong outcome from End is recorded as MX1 (the ledger compares every pattern's outcome "
     "with its exchange), not as AP4"},
    {"AP4", "a second End is refused",
     "IAsyncResult driver: a second End must fail and leave the reply buffer and size untouched",
     "second-end",
     "refused means failing with any error; lockstep's ABI names WS_E_INVALID_OPERATION, which "
     "is not required"},
    {"AP5", "if Begin fails, the callback never runs",
     "IAsyncResult driver: a callback during or after a Begin that failed", "start-argument-error",
     "Begin fails in the suites for argument errors; a failure the channel or work reports "
     "synchronously may be returned by Begin or stored in the result (lockstep's ABI allows "
     "both)"},
    {"AP5", "a Begin with an argument error fails",
     "IAsyncResult driver: a Begin that accepted an operation above 255", "start-argument-error",
     "the argument error drawn is an operation no wire byte can carry; lockstep's ABI makes "
     "argument errors fail the start call"},
    // ---- EV -----------------------------------------------------------------------------
    {"EV1", "exactly one Completed event per accepted call",
     "event-based driver: Completed events counted per call; a second one, or none by the end "
     "of the schedule",
     "completed-posted-from-worker completed-of-synchronous-start cancel-after-completed-event "
     "cancel-racing-completion",
     "a missing event is not reported when the operation below never completed, or when the "
     "context's thread was stuck elsewhere (posted events could not run)"},
    {"EV1", "carrying that call's userState",
     "event-based driver: events matched to calls by userState; one with a userState no call "
     "has in flight is reported",
     "completed-posted-from-worker completed-of-synchronous-start",
     "the NULL userState of the single-invocation form names the one call in flight"},
    {"EV1", "a call its start refused raises no event",
     "event-based driver: a Completed event for a call whose start failed",
     "start-argument-error single-invocation-call-while-busy "
     "duplicate-user-state-while-in-flight",
     ""},
    {"EV2", "a cancelled or failed completion has no usable result",
     "event-based driver: a cancelled or failed Completed event whose result is not NULL or "
     "whose result_size is not 0",
     "cancelled-completed-event failed-completed-event",
     "'no usable result' is checked as result NULL and result_size 0 (lockstep's ABI)"},
    {"EV3", "no progress event after Completed",
     "event-based driver: a progress event for a call whose Completed event ran", "progress-event",
     "not checked once a Completed event bypassed the context (EV5 reported): the order of "
     "events is the context's"},
    {"EV4", "a second call while busy (single-invocation form) is refused",
     "event-based driver: a NULL-userState call accepted while a call is in flight",
     "single-invocation-call-while-busy",
     "the extra attempt is made only while an earlier call's operation is still running, so "
     "no correct implementation can have finished that call"},
    {"EV4", "a duplicate in-flight userState is refused",
     "event-based driver: a call with the userState of a call in flight accepted",
     "duplicate-user-state-while-in-flight",
     "attempted only while the first call's operation is still running, as above"},
    {"EV4", "a valid call is accepted, a call with an argument error refused",
     "event-based driver: a valid call refused; an operation above 255 accepted",
     "start-argument-error", ""},
    {"EV5", "Completed is raised on the caller's captured context",
     "event-based driver: the handler's thread must be the context's, inside a function posted "
     "to it (never inline in MethodAsync or from a worker)",
     "completed-posted-from-worker completed-of-synchronous-start",
     "where progress events run is not checked, only their order (EV3)"},
    {"EV6", "CancelAsync never fails",
     "event-based driver: CancelAsync's result for a call in flight, right after its start, "
     "after its Completed event, and for a userState never used",
     "cancel-racing-completion cancel-after-completed-event cancel-of-unknown-user-state", ""},
    {"EV6", "it may race completion",
     "event-based driver and exchange ledger: a cancelled event, or the call's own outcome",
     "cancel-racing-completion cancelled-completed-event",
     "which of the cancel and the outcome wins is not checked: both are allowed"},
    {"EV7", "IsBusy is TRUE exactly between the call and its Completed event",
     "event-based driver: IsBusy right after a call was accepted and after each posted "
     "function on the context's thread, against the calls in flight; an answer counts only if "
     "no start or Completed event happened while IsBusy ran",
     "is-busy-while-in-flight is-busy-after-completed",
     "checked at those moments, as seen from the context's thread (lockstep's ABI), and "
     "reported once per schedule"},
    // ---- TK -----------------------------------------------------------------------------
    {"TK1", "the returned task is already started",
     "task-based driver: a task left alone (no wait, no continuation) must have sent its "
     "request or run its work within 1 ms of virtual time",
     "task-left-alone", "'started' is checked as the operation below started within 1 ms"},
    {"TK2", "only argument errors are raised synchronously",
     "task-based driver: start failing for anything but an argument error, or accepting an "
     "operation above 255",
     "start-argument-error task-synchronous-failure", ""},
    {"TK2", "every other failure is stored in the task",
     "task-based driver: a FAULTED task's error against its operation's failure; exchange "
     "ledger: the task's outcome against its exchange",
     "task-synchronous-failure call-failed-in-exchange", ""},
    {"TK3", "a token cancelled before the call gives a cancelled task",
     "task-based driver: a pre-cancelled token's task ending RAN_TO_COMPLETION or FAULTED",
     "task-precancelled-token", "that nothing is sent or run for it is MX1's refused-call check"},
    {"TK4", "a task ends cancelled only if the work stopped because of the request",
     "task-based driver: a CANCELED task with no request, or whose operation ran to its end or "
     "was still running; the harness's work says whether it stopped because of its token",
     "task-stopped-by-cancellation task-completed-despite-cancellation "
     "task-cancelled-while-running",
     "a proxy's channel never takes the token (lockstep's ABI), so a proxy's task whose request "
     "went out never ends CANCELED"},
    {"TK5",
     "with asynchronous continuations requested, no continuation runs inline on the "
     "completing thread",
     "task-based driver: such a continuation running on a thread that is inside the completion "
     "callback the harness's channel or work invoked",
     "asynchronous-continuation-before-completion continuation-after-completion",
     "'the completing thread' is a thread inside that completion callback; the same thread "
     "running the continuation after the callback returned is allowed"},
    // ---- MX -----------------------------------------------------------------------------
    {"MX1", "one request per call: never a second request, no retry",
     "exchange ledger: a second request through the proxy's channel; a second request for one "
     "call at the dispatcher; a request no call made",
     "call-failed-in-exchange", ""},
    {"MX1", "a one-way call makes one request and no reply",
     "exchange ledger: a one-way call sent with request_reply (waiting for a reply), a "
     "request/reply call sent one-way",
     "one-way-call", ""},
    {"MX1", "the service receives at most one request per call and runs its work once",
     "exchange ledger: requests counted per call at the dispatcher, runs of the work per call",
     "call-failed-in-exchange one-way-call", ""},
    {"MX1", "each side delivers its own call's exchange: its reply, or its failure",
     "exchange ledger: every outcome a pattern delivers in either role (End, the Completed "
     "event, the task) and the plain call's against its call's exchange, by content (request "
     "'call <id>', reply 'reply <id>')",
     "call-failed-in-exchange end-of-failed-operation failed-completed-event",
     "a reply lost to a dropped connection fails that call and is not a violation; a cancelled "
     "event-based call or a CANCELED task delivers the cancellation instead"},
    {"MX1", "a call refused at its start sends nothing",
     "exchange ledger: a request sent or work run for a call whose start failed",
     "start-argument-error single-invocation-call-while-busy "
     "duplicate-user-state-while-in-flight task-precancelled-token",
     ""},
    {"MX1", "whatever the patterns on either side",
     "every pattern schedule runs one client x service combination; the checks above hold in "
     "each",
     "async-result-client-to-begin-end-service async-result-client-to-event-based-service "
     "async-result-client-to-task-based-service async-result-client-to-synchronous-service "
     "event-based-client-to-begin-end-service event-based-client-to-event-based-service "
     "event-based-client-to-task-based-service event-based-client-to-synchronous-service "
     "task-based-client-to-begin-end-service task-based-client-to-event-based-service "
     "task-based-client-to-task-based-service task-based-client-to-synchronous-service "
     "channel-client-to-begin-end-service channel-client-to-event-based-service "
     "channel-client-to-task-based-service",
     "the sixteenth pair, the harness's plain client against its synchronous service, "
     "involves no pattern of the implementation: no suite runs it (the pattern tests of "
     "conformance/patterns/tests/ run all sixteen)"},
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
