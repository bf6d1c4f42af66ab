/* host.h: everything an implementation under test may use instead of the operating system.
 *
 * An implementation never calls OS threads, clocks, allocators or sockets directly: it calls
 * this table. lockstep's simulated host maps it onto the deterministic scheduler and the fake
 * network (so every interleaving and fault is chosen, logged and replayable); a real host can
 * map the same table onto OS threads and sockets. Every function takes `self` first.
 *
 * Threads: work submitted with submit_work runs later on one of the host's worker threads,
 * never inline. Blocking waits (event_wait, mutex_lock) suspend only the calling simulated
 * thread; they may be called on any simulated thread (a caller's or a worker), never outside
 * one. Network operations are message-oriented and asynchronous: a start function returns
 * S_OK and its completion is later invoked exactly once on a worker thread, or it returns an
 * error and the completion is never invoked. I/O in flight counts against io_limit (rule AM9).
 *
 * Callback models (rule AM8): only a lockstep_work_function learns whether another worker is
 * free (its `allowed_model`). Network completions and timer functions are not told, so a
 * WS_ASYNC_CALLBACK invoked from one of them must use WS_SHORT_CALLBACK; to invoke
 * WS_LONG_CALLBACK, submit_work and use the model that work function is given.
 *
 * The network, as a peer sees it (the simulated network keeps exactly these rules):
 *  - messages on one connection arrive in send order; a send completes once its message is in
 *    the peer's inbox (not when the peer has received it);
 *  - shutdown_session is a graceful end: the peer reads every message already sent, then its
 *    receives end with WS_S_END;
 *  - close_connection is not graceful: to the peer it looks like a drop (its pending
 *    operations fail with WS_E_ENDPOINT_DISCONNECTED) and the peer's unread messages are
 *    discarded; on the closing end pending operations complete with WS_E_OPERATION_ABORTED;
 *  - a drop (a fault of the network) fails every pending operation of both ends with
 *    WS_E_ENDPOINT_DISCONNECTED; later sends and receives on a dropped connection fail at once.
 * Handles: every connection from connect or accept is given back with exactly one
 * close_connection, dropped or not (after a drop it only frees the handle); every listener
 * with exactly one close_listener; every timer with exactly one timer_cancel, also after its
 * function ran (it then returns FALSE); every event and mutex with its destroy function. A
 * handle used after that is a failure of the schedule naming the function.
 *
 * "This instance" (io_limit, rule AM9) is the host: every channel and object an
 * implementation creates on one host table shares the one limit. Per-host state of the
 * implementation's own (such as the count behind that shared bound) belongs in the slot of
 * exchange_implementation_state (version 2), not in a process-wide registry keyed by host.
 *
 * Versioned: abi_version and struct_size come first; a newer host only appends members, so a
 * plugin built against an older version keeps working. A member added in version N is present
 * when LOCKSTEP_HOST_PROVIDES(host, member) holds: test it before calling one. Self-contained;
 * C and C++. */
#ifndef LOCKSTEP_HOST_H
#define LOCKSTEP_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "lockstep/ws.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1: the original table. 2: appends exchange_implementation_state. */
#define LOCKSTEP_HOST_ABI_VERSION 2u
#define LOCKSTEP_WAIT_FOREVER UINT64_MAX

typedef uint64_t lockstep_thread_id; /* never 0 for a real thread */
typedef struct lockstep_event lockstep_event;
typedef struct lockstep_mutex lockstep_mutex;
typedef struct lockstep_timer lockstep_timer;
typedef struct lockstep_listener lockstep_listener;
typedef struct lockstep_connection lockstep_connection;

/* Work run on a worker thread. `allowed_model` is WS_LONG_CALLBACK only when another worker
 * thread is free to dequeue work while this one blocks (rule AM8); else WS_SHORT_CALLBACK. */
typedef void (*lockstep_work_function)(void* state, WS_CALLBACK_MODEL allowed_model);
typedef void (*lockstep_timer_function)(void* state);

/* Network completions, invoked once on a worker thread. */
typedef void (*lockstep_connect_completion)(void* state, HRESULT result,
                                            lockstep_connection* connection);
typedef void (*lockstep_accept_completion)(void* state, HRESULT result,
                                           lockstep_connection* connection);
typedef void (*lockstep_send_completion)(void* state, HRESULT result);
/* result S_OK: `message` holds `size` bytes, valid only during the call. WS_S_END: the peer
 * shut the session down and no message is left (message NULL). Failure: the connection
 * dropped (WS_E_ENDPOINT_DISCONNECTED) or was closed locally (WS_E_OPERATION_ABORTED). */
typedef void (*lockstep_receive_completion)(void* state, HRESULT result, const void* message,
                                            size_t size);

typedef struct lockstep_host {
  uint32_t abi_version; /* LOCKSTEP_HOST_ABI_VERSION */
  uint32_t struct_size; /* sizeof(lockstep_host) as the host was built */
  void* self;

  /* ---- threads ---- */
  /* Queues `work` for a worker thread. E_OUTOFMEMORY if it cannot be queued. */
  HRESULT (*submit_work)(void* self, lockstep_work_function work, void* state);
  /* The calling simulated thread (callers' threads and workers alike). */
  lockstep_thread_id (*current_thread)(void* self);
  uint32_t (*worker_thread_count)(void* self);

  /* ---- events (manual or auto reset) ---- */
  lockstep_event* (*event_create)(void* self, BOOL manual_reset, BOOL initially_set);
  void (*event_set)(void* self, lockstep_event* event);
  void (*event_reset)(void* self, lockstep_event* event);
  /* S_OK when set; WS_E_OPERATION_TIMED_OUT after timeout_ns of virtual time. */
  HRESULT (*event_wait)(void* self, lockstep_event* event, uint64_t timeout_ns);
  void (*event_destroy)(void* self, lockstep_event* event);

  /* ---- mutexes (not recursive) ---- */
  lockstep_mutex* (*mutex_create)(void* self);
  void (*mutex_lock)(void* self, lockstep_mutex* mutex);
  void (*mutex_unlock)(void* self, lockstep_mutex* mutex);
  void (*mutex_destroy)(void* self, lockstep_mutex* mutex);

  /* ---- timers: `function` runs once on a worker thread after delay_ns ---- */
  lockstep_timer* (*timer_start)(void* self, uint64_t delay_ns, lockstep_timer_function function,
                                 void* state);
  /* Frees the timer, fired or not: call it exactly once per timer_start. TRUE if it was
   * cancelled before its function started to run (then it never will). */
  BOOL (*timer_cancel)(void* self, lockstep_timer* timer);

  /* ---- virtual clock ---- */
  uint64_t (*now_ns)(void* self);

  /* ---- tracked memory (NULL when refused) ---- */
  void* (*allocate)(void* self, size_t bytes);
  void (*release)(void* self, void* block);

  /* ---- network: message-oriented connections ---- */
  HRESULT (*listen)(void* self, const char* address, lockstep_listener** listener);
  HRESULT (*accept)(void* self, lockstep_listener* listener, lockstep_accept_completion completion,
                    void* state);
  /* Pending accepts complete with WS_E_OPERATION_ABORTED; the listener is then freed. */
  void (*close_listener)(void* self, lockstep_listener* listener);
  /* `address` is read during the call only. */
  HRESULT (*connect)(void* self, const char* address, lockstep_connect_completion completion,
                     void* state);
  /* `message` is copied during the call. */
  HRESULT (*send)(void* self, lockstep_connection* connection, const void* message, size_t size,
                  lockstep_send_completion completion, void* state);
  HRESULT (*receive)(void* self, lockstep_connection* connection,
                     lockstep_receive_completion completion, void* state);
  /* Graceful end of the session: the peer's receives get WS_S_END once its inbox is empty. */
  HRESULT (*shutdown_session)(void* self, lockstep_connection* connection);
  /* Pending operations complete with WS_E_OPERATION_ABORTED; the peer sees a drop and its
   * unread messages are discarded. Required once per connection, also after a drop. The
   * handle stays valid until close_connection's completions have all run, then it is freed. */
  void (*close_connection)(void* self, lockstep_connection* connection);
  /* The most I/O operations (connects, accepts, sends, receives) that everything on this host
   * may have in flight at once, all of its channels and objects together (rule AM9). */
  uint32_t (*io_limit)(void* self);

  /* ---- rich errors: the host creates WS_ERROR objects for implementations that need one ---- */
  WS_ERROR* (*error_create)(void* self);
  void (*error_free)(void* self, WS_ERROR* error);

  /* ---- diagnostics ---- */
  void (*log)(void* self, const char* message);
  /* Adds a labelled point to the schedule's trace (and to its hash). */
  void (*annotate)(void* self, const char* label, uint64_t value);

  /* ---- since version 2 (LOCKSTEP_HOST_PROVIDES(host, exchange_implementation_state)) ---- */
  /* One pointer-sized slot per host for the implementation's own state, shared by everything
   * it creates on this host (for example the count behind an I/O bound all its channels
   * share). NULL until something is stored. Atomically: if the slot holds `expected`, it now
   * holds `desired`; either way the value it held before is returned. So a first user can
   * allocate its state, exchange(NULL, mine), and on losing the race release its own and use
   * the winner's. The host never reads or frees what the slot points to: the implementation
   * does (memory from allocate is reclaimed with the host at the end of a simulated schedule).
   * Callable on any thread, and outside a simulated thread too. */
  void* (*exchange_implementation_state)(void* self, void* expected, void* desired);
} lockstep_host;

/* True when `host` (a const lockstep_host*) has `member`: its struct_size covers it and it is
 * set. Members of version 1 are always present. */
#define LOCKSTEP_HOST_PROVIDES(host, member)                                                \
  ((host)->struct_size >= offsetof(lockstep_host, member) + sizeof((host)->member) && \
   (host)->member != NULL)

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_HOST_H */
