/* vendor_channel.c: a small asynchronous WWSAPI-style client channel, written as a third party
 * would write one to validate it with lockstep. Read it top to bottom as a walkthrough:
 *
 *   1. the objects: a channel, the operations started on it, the messages it has buffered;
 *   2. completing an operation: decide its result once, then deliver it outside the lock;
 *   3. the network pump: the one pulling receive, the send queue behind the I/O limit, close;
 *   4. the host's completions (connect, send, receive);
 *   5. the entry points (WsCreateChannel ... WsFreeChannel);
 *   6. the exported table.
 *
 * The rules it keeps (CONTRACT.md sections 2 and 3), and where:
 *   - everything goes through the lockstep_host table: threads, time, memory and network;
 *   - one mutex guards all state; no callback ever runs while it is held;
 *   - an operation is finished exactly once (its result decided and its out-parameters written
 *     under the lock); a callback or a waiting caller is told after that, with the WS_ERROR
 *     filled in first (AM3, AM6, AM7);
 *   - the caller's WS_ASYNC_CONTEXT and endpoint address are copied during the call (AM5, AM6);
 *   - host I/O in flight (connect, sends, the pulling receive) never exceeds io_limit; extra
 *     sends wait in FIFO order (AM9);
 *   - abort finishes everything pending with WS_E_OPERATION_ABORTED and returns without waiting
 *     (CH1-CH3); a dropped connection fails everything pending and faults the channel (CH6);
 *   - a received message larger than its receiver's buffer (this ABI's size quota) fails that
 *     receiver with WS_E_QUOTA_EXCEEDED and faults the channel; closing is always allowed, a
 *     closed channel included (CH5, as the real WsReceiveMessage and WsCloseChannel do);
 *   - memory outlives the last host completion or delivery that can name it, even after
 *     WsFreeChannel (operations: a reference count; the channel: an activity count).
 *
 * Completion is synchronous when nothing has to wait (a receive with a message already
 * buffered, every state error) and asynchronous otherwise. Plain C11. */
#include <stdint.h>
#include <string.h>

#include "lockstep/implementation.h"

/* ---- 1. The objects -------------------------------------------------------------------------- */

typedef enum operation_kind {
  OPERATION_OPEN,
  OPERATION_SEND,
  OPERATION_RECEIVE,
  OPERATION_REQUEST_REPLY,
  OPERATION_CLOSE
} operation_kind;

typedef enum operation_stage {
  STAGE_CONNECTING,        /* an open whose host connect is in flight */
  STAGE_QUEUED,            /* a send or request waiting for an I/O slot */
  STAGE_SENDING,           /* its host send is in flight */
  STAGE_AWAITING_MESSAGE,  /* a receive, or a request_reply whose request went out */
  STAGE_CLOSING,           /* a close waiting for the sends to drain */
  STAGE_FINISHED           /* result decided; delivery pending or done */
} operation_stage;

typedef struct operation operation;
struct operation {
  operation* next_pending;   /* the channel's pending list, in start order */
  operation* next_finished;  /* a list of operations to deliver */
  lockstep_channel* channel;
  operation_kind kind;
  operation_stage stage;
  /* The caller's buffers: valid until completion, never touched after it (AM6). */
  const void* request;
  size_t request_size;
  void* reply;
  size_t reply_capacity;
  size_t* reply_size;
  BOOL optional;
  WS_ERROR* error;
  /* Asynchronous callers: copies of their context (AM5). Synchronous: an event to wait on. */
  WS_ASYNC_CALLBACK callback;
  void* callback_state;
  lockstep_event* finished_event;
  HRESULT result;
  /* One for the channel (pending, then until delivered), one per host send naming it, one for
   * a synchronous caller still waiting. Freed at zero. */
  unsigned references;
};

typedef struct message message;
struct message {
  message* next;
  size_t size;
  unsigned char bytes[];
};

struct lockstep_channel {
  const lockstep_host* host;
  lockstep_mutex* mutex;
  WS_CHANNEL_STATE state;
  char* endpoint_address; /* our copy: the caller's string is theirs again after open returns */
  lockstep_connection* connection;
  BOOL connection_closed;
  BOOL receive_posted;
  BOOL session_ended; /* the peer shut its side down: nothing more will arrive (CH7) */
  uint32_t io_limit;
  uint32_t io_in_flight;
  operation* pending;
  operation* close_operation;
  message* messages_head; /* received, not yet claimed by a receive */
  message* messages_tail;
  unsigned activity; /* host I/O in flight plus deliveries not yet run */
  BOOL free_requested;
};

static void lock(lockstep_channel* channel) {
  channel->host->mutex_lock(channel->host->self, channel->mutex);
}

static void unlock(lockstep_channel* channel) {
  channel->host->mutex_unlock(channel->host->self, channel->mutex);
}

static HRESULT fail(WS_ERROR* error, HRESULT result) {
  if (error != NULL && FAILED(result)) {
    const char* text = "vendor channel: the operation failed";
    if (result == WS_E_OPERATION_ABORTED) {
      text = "vendor channel: the channel was aborted";
    } else if (result == WS_E_ENDPOINT_DISCONNECTED) {
      text = "vendor channel: the connection was lost";
    } else if (result == WS_E_QUOTA_EXCEEDED) {
      text = "vendor channel: the message does not fit the buffer";
    } else if (result == WS_E_INVALID_OPERATION) {
      text = "vendor channel: not allowed in the channel's state";
    } else if (result == WS_E_OBJECT_FAULTED) {
      text = "vendor channel: the channel is faulted";
    }
    lockstep_error_add_text(error, text);
  }
  return result;
}

static BOOL connection_usable(const lockstep_channel* channel) {
  return (channel->state == WS_CHANNEL_STATE_OPEN || channel->state == WS_CHANNEL_STATE_CLOSING) &&
         !channel->connection_closed;
}

static void destroy_channel(lockstep_channel* channel) {
  const lockstep_host* host = channel->host;
  while (channel->messages_head != NULL) {
    message* next = channel->messages_head->next;
    host->release(host->self, channel->messages_head);
    channel->messages_head = next;
  }
  if (channel->endpoint_address != NULL) {
    host->release(host->self, channel->endpoint_address);
  }
  host->mutex_destroy(host->self, channel->mutex);
  host->release(host->self, channel);
}

/* Freed by whoever sees the last activity end after WsFreeChannel: decided under the lock,
 * acted on after it. */
static BOOL destroy_due_locked(const lockstep_channel* channel) {
  return channel->free_requested && channel->activity == 0;
}

static operation* operation_create(lockstep_channel* channel, operation_kind kind,
                                   const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  const lockstep_host* host = channel->host;
  operation* created = (operation*)host->allocate(host->self, sizeof(operation));
  if (created == NULL) {
    return NULL;
  }
  memset(created, 0, sizeof(*created));
  created->channel = channel;
  created->kind = kind;
  created->error = error;
  created->references = 1;
  if (async_context != NULL) {
    created->callback = async_context->callback;
    created->callback_state = async_context->callbackState;
  } else {
    created->finished_event = host->event_create(host->self, TRUE, FALSE);
    if (created->finished_event == NULL) {
      host->release(host->self, created);
      return NULL;
    }
    ++created->references; /* the synchronous caller's */
  }
  return created;
}

static void link_pending(lockstep_channel* channel, operation* added, operation_stage stage) {
  operation** link = &channel->pending;
  while (*link != NULL) {
    link = &(*link)->next_pending;
  }
  added->stage = stage;
  *link = added;
}

static void release_locked(lockstep_channel* channel, operation* released) {
  if (--released->references > 0) {
    return;
  }
  const lockstep_host* host = channel->host;
  if (released->finished_event != NULL) {
    host->event_destroy(host->self, released->finished_event);
  }
  host->release(host->self, released);
}

/* ---- 2. Completing an operation ---------------------------------------------------------------- */

/* Decides the result, exactly once, and queues the operation on `finished` for delivery. */
static void finish_locked(lockstep_channel* channel, operation* done, HRESULT result,
                          operation** finished) {
  for (operation** link = &channel->pending; *link != NULL; link = &(*link)->next_pending) {
    if (*link == done) {
      *link = done->next_pending;
      break;
    }
  }
  done->stage = STAGE_FINISHED;
  done->result = result;
  ++channel->activity;
  done->next_finished = *finished;
  *finished = done;
}

/* Tells the caller: WS_ERROR first (AM7), then its event or its callback, outside the lock. */
static void deliver(operation* done, WS_CALLBACK_MODEL model) {
  lockstep_channel* channel = done->channel;
  fail(done->error, done->result);
  if (done->finished_event != NULL) {
    channel->host->event_set(channel->host->self, done->finished_event);
  } else {
    done->callback(done->result, model, done->callback_state);
  }
  lock(channel);
  --channel->activity;
  release_locked(channel, done);
  const BOOL destroy = destroy_due_locked(channel);
  unlock(channel);
  if (destroy) {
    destroy_channel(channel);
  }
}

/* On a host worker (a network completion): deliver right here. SHORT is always allowed. */
static void deliver_now(operation* finished) {
  while (finished != NULL) {
    operation* next = finished->next_finished;
    deliver(finished, WS_SHORT_CALLBACK);
    finished = next;
  }
}

static void deliver_work(void* state, WS_CALLBACK_MODEL allowed_model) {
  deliver((operation*)state, allowed_model);
}

/* On a caller's thread (an entry point, or abort): hand deliveries to workers, so that no
 * callback runs on the calling thread before its function returns (AM4). */
static void deliver_later(operation* finished) {
  while (finished != NULL) {
    operation* next = finished->next_finished;
    const lockstep_host* host = finished->channel->host;
    if (FAILED(host->submit_work(host->self, deliver_work, finished))) {
      deliver(finished, WS_SHORT_CALLBACK); /* late is better than never (AM3) */
    }
    finished = next;
  }
}

/* The end of every entry point that queued an operation. An asynchronous caller gets
 * WS_S_ASYNC and the operation is not touched again (a worker may already have freed it); a
 * synchronous one waits for the delivery and reads the result (AM1). */
static HRESULT wait_or_async(lockstep_channel* channel, operation* started,
                             const WS_ASYNC_CONTEXT* async_context) {
  if (async_context != NULL) {
    return WS_S_ASYNC;
  }
  const lockstep_host* host = channel->host;
  host->event_wait(host->self, started->finished_event, LOCKSTEP_WAIT_FOREVER);
  lock(channel);
  const HRESULT result = started->result;
  release_locked(channel, started);
  unlock(channel);
  return result;
}

/* ---- 3. The network pump ------------------------------------------------------------------------ */

static void on_sent(void* state, HRESULT result);
static void on_received(void* state, HRESULT result, const void* bytes, size_t size);

static void close_connection_locked(lockstep_channel* channel) {
  if (channel->connection != NULL && !channel->connection_closed) {
    channel->connection_closed = TRUE;
    channel->host->close_connection(channel->host->self, channel->connection);
  }
}

/* The connection is gone: everything pending fails, the channel faults (CH6). A closing channel
 * stays CLOSING; its close finishes in close_when_drained_locked and reports the loss. */
static void fault_locked(lockstep_channel* channel, HRESULT result, operation** finished) {
  if (channel->state != WS_CHANNEL_STATE_CLOSING) {
    channel->state = WS_CHANNEL_STATE_FAULTED;
  }
  operation* current = channel->pending;
  while (current != NULL) {
    operation* next = current->next_pending;
    if (current != channel->close_operation) {
      finish_locked(channel, current, result, finished);
    }
    current = next;
  }
  close_connection_locked(channel);
}

/* A message did not fit its receiver's buffer: like the real API, the channel faults (CH5).
 * Whatever else was buffered is dropped; everything still pending fails as on a drop. */
static void quota_fault_locked(lockstep_channel* channel, operation** finished) {
  while (channel->messages_head != NULL) {
    message* next = channel->messages_head->next;
    channel->host->release(channel->host->self, channel->messages_head);
    channel->messages_head = next;
  }
  channel->messages_tail = NULL;
  fault_locked(channel, WS_E_OBJECT_FAULTED, finished);
}

/* Hands buffered messages to the operations awaiting one, oldest start first. A message that
 * does not fit is consumed, fails its receiver with WS_E_QUOTA_EXCEEDED and faults the channel. */
static void match_messages_locked(lockstep_channel* channel, operation** finished) {
  while (channel->messages_head != NULL) {
    operation* waiter = channel->pending;
    while (waiter != NULL && waiter->stage != STAGE_AWAITING_MESSAGE) {
      waiter = waiter->next_pending;
    }
    if (waiter == NULL) {
      return;
    }
    message* arrived = channel->messages_head;
    channel->messages_head = arrived->next;
    if (channel->messages_head == NULL) {
      channel->messages_tail = NULL;
    }
    HRESULT result = WS_E_QUOTA_EXCEEDED;
    if (arrived->size <= waiter->reply_capacity) {
      if (arrived->size > 0) {
        memcpy(waiter->reply, arrived->bytes, arrived->size);
      }
      *waiter->reply_size = arrived->size; /* out-parameters before completion (AM6) */
      result = S_OK;
    }
    channel->host->release(channel->host->self, arrived);
    finish_locked(channel, waiter, result, finished);
    if (FAILED(result)) {
      quota_fault_locked(channel, finished);
      return;
    }
  }
}

/* One host receive is kept posted while the connection is usable: it is how messages and the
 * peer's end of session reach us. It holds one of the io_limit slots (hence io_limit >= 2). */
static void post_receive_locked(lockstep_channel* channel, operation** finished) {
  if (!connection_usable(channel) || channel->session_ended || channel->receive_posted ||
      channel->io_in_flight >= channel->io_limit) {
    return;
  }
  const lockstep_host* host = channel->host;
  const HRESULT started = host->receive(host->self, channel->connection, on_received, channel);
  if (FAILED(started)) {
    fault_locked(channel, WS_E_ENDPOINT_DISCONNECTED, finished);
    return;
  }
  channel->receive_posted = TRUE;
  ++channel->io_in_flight;
  ++channel->activity;
}

/* Queued sends start in FIFO order while slots are free (AM9): never more in flight. */
static void start_queued_sends_locked(lockstep_channel* channel, operation** finished) {
  const lockstep_host* host = channel->host;
  for (operation* queued = channel->pending; queued != NULL && connection_usable(channel) &&
                                             channel->io_in_flight < channel->io_limit;
       queued = queued->next_pending) {
    if (queued->stage != STAGE_QUEUED) {
      continue;
    }
    const HRESULT started = host->send(host->self, channel->connection, queued->request,
                                       queued->request_size, on_sent, queued);
    if (FAILED(started)) {
      fault_locked(channel, WS_E_ENDPOINT_DISCONNECTED, finished);
      return;
    }
    queued->stage = STAGE_SENDING;
    ++queued->references; /* the host send names it until on_sent */
    ++channel->io_in_flight;
    ++channel->activity;
  }
}

/* A close waits for every send to drain (CH4), then ends the session gracefully, completes
 * what still waits for a message with WS_E_OPERATION_ABORTED, and ends CLOSED in any case,
 * returning the shutdown's error if it failed. */
static void close_when_drained_locked(lockstep_channel* channel, operation** finished) {
  if (channel->state != WS_CHANNEL_STATE_CLOSING || channel->close_operation == NULL) {
    return;
  }
  for (const operation* current = channel->pending; current != NULL;
       current = current->next_pending) {
    if (current->stage == STAGE_QUEUED || current->stage == STAGE_SENDING) {
      return;
    }
  }
  HRESULT result = WS_E_ENDPOINT_DISCONNECTED;
  if (!channel->connection_closed) {
    result = channel->host->shutdown_session(channel->host->self, channel->connection);
    close_connection_locked(channel);
  }
  operation* current = channel->pending;
  while (current != NULL) {
    operation* next = current->next_pending;
    if (current != channel->close_operation) {
      finish_locked(channel, current, WS_E_OPERATION_ABORTED, finished);
    }
    current = next;
  }
  channel->state = WS_CHANNEL_STATE_CLOSED;
  finish_locked(channel, channel->close_operation, result, finished);
  channel->close_operation = NULL;
}

/* Called after anything that may have freed a slot or changed the state. */
static void pump_locked(lockstep_channel* channel, operation** finished) {
  post_receive_locked(channel, finished);
  start_queued_sends_locked(channel, finished);
  close_when_drained_locked(channel, finished);
}

/* ---- 4. The host's completions (on worker threads) ---------------------------------------------- */

/* Shared tail of every completion: pump, unlock, deliver, and free a freed channel once its
 * last activity ended. */
static void end_completion(lockstep_channel* channel, operation* finished) {
  pump_locked(channel, &finished);
  const BOOL destroy = destroy_due_locked(channel);
  unlock(channel);
  deliver_now(finished);
  if (destroy) {
    destroy_channel(channel);
  }
}

static void io_ended_locked(lockstep_channel* channel) {
  --channel->io_in_flight;
  --channel->activity;
}

static void on_connected(void* state, HRESULT result, lockstep_connection* connection) {
  lockstep_channel* channel = (lockstep_channel*)state;
  operation* finished = NULL;
  lock(channel);
  io_ended_locked(channel);
  if (channel->state == WS_CHANNEL_STATE_OPENING) {
    operation* open = channel->pending; /* while OPENING, the open is the only one pending */
    if (SUCCEEDED(result)) {
      channel->connection = connection;
      channel->state = WS_CHANNEL_STATE_OPEN;
      finish_locked(channel, open, S_OK, &finished);
    } else {
      channel->state = WS_CHANNEL_STATE_FAULTED;
      finish_locked(channel, open, result, &finished);
    }
  } else if (SUCCEEDED(result)) {
    /* Aborted while connecting: nobody wants this connection any more. */
    channel->host->close_connection(channel->host->self, connection);
  }
  end_completion(channel, finished);
}

static void on_sent(void* state, HRESULT result) {
  operation* sent = (operation*)state;
  lockstep_channel* channel = sent->channel;
  operation* finished = NULL;
  lock(channel);
  io_ended_locked(channel);
  if (sent->stage != STAGE_FINISHED) { /* else an abort or a fault already decided it */
    if (FAILED(result)) {
      fault_locked(channel, WS_E_ENDPOINT_DISCONNECTED, &finished);
    } else if (sent->kind == OPERATION_SEND) {
      finish_locked(channel, sent, S_OK, &finished);
    } else if (channel->session_ended) {
      finish_locked(channel, sent, WS_E_ENDPOINT_DISCONNECTED, &finished); /* no reply will come */
    } else {
      sent->stage = STAGE_AWAITING_MESSAGE;
      match_messages_locked(channel, &finished);
    }
  }
  release_locked(channel, sent);
  end_completion(channel, finished);
}

static void on_received(void* state, HRESULT result, const void* bytes, size_t size) {
  lockstep_channel* channel = (lockstep_channel*)state;
  const lockstep_host* host = channel->host;
  operation* finished = NULL;
  lock(channel);
  io_ended_locked(channel);
  channel->receive_posted = FALSE;
  if (!connection_usable(channel)) {
    /* Aborted, faulted or closed meanwhile: whatever arrived is nobody's. */
  } else if (result == S_OK) {
    message* arrived = (message*)host->allocate(host->self, sizeof(message) + size);
    if (arrived == NULL) {
      fault_locked(channel, E_OUTOFMEMORY, &finished);
    } else {
      arrived->next = NULL;
      arrived->size = size;
      if (size > 0) {
        memcpy(arrived->bytes, bytes, size);
      }
      if (channel->messages_tail != NULL) {
        channel->messages_tail->next = arrived;
      } else {
        channel->messages_head = arrived;
      }
      channel->messages_tail = arrived;
      match_messages_locked(channel, &finished);
    }
  } else if (result == WS_S_END) {
    /* End of session (CH7): optional receives end with WS_S_END and untouched out-parameters;
     * anything else that awaited a message cannot get one. */
    channel->session_ended = TRUE;
    operation* current = channel->pending;
    while (current != NULL) {
      operation* next = current->next_pending;
      if (current->stage == STAGE_AWAITING_MESSAGE) {
        const BOOL optional = current->kind == OPERATION_RECEIVE && current->optional;
        finish_locked(channel, current, optional ? WS_S_END : WS_E_ENDPOINT_DISCONNECTED,
                      &finished);
      }
      current = next;
    }
  } else {
    fault_locked(channel, WS_E_ENDPOINT_DISCONNECTED, &finished);
  }
  end_completion(channel, finished);
}

/* ---- 5. The entry points ------------------------------------------------------------------------ */

static BOOL context_valid(const WS_ASYNC_CONTEXT* async_context) {
  return async_context == NULL || async_context->callback != NULL;
}

/* What a message operation gets in a state other than OPEN (CH5). */
static HRESULT state_error_locked(const lockstep_channel* channel) {
  if (channel->state == WS_CHANNEL_STATE_OPEN) {
    return S_OK;
  }
  return channel->state == WS_CHANNEL_STATE_FAULTED ? WS_E_OBJECT_FAULTED
                                                    : WS_E_INVALID_OPERATION;
}

static HRESULT create_channel(const lockstep_implementation* self, const lockstep_host* host,
                              lockstep_channel** channel, WS_ERROR* error) {
  (void)self;
  if (host == NULL || channel == NULL) {
    return fail(error, E_INVALIDARG);
  }
  /* The pulling receive keeps one slot; with fewer than two, sends could never go out. Refusing
   * is the clear error AM9 allows. */
  if (host->io_limit(host->self) < 2u) {
    return fail(error, WS_E_QUOTA_EXCEEDED);
  }
  lockstep_channel* created = (lockstep_channel*)host->allocate(host->self, sizeof(*created));
  if (created == NULL) {
    return fail(error, E_OUTOFMEMORY);
  }
  memset(created, 0, sizeof(*created));
  created->host = host;
  created->mutex = host->mutex_create(host->self);
  if (created->mutex == NULL) {
    host->release(host->self, created);
    return fail(error, E_OUTOFMEMORY);
  }
  created->state = WS_CHANNEL_STATE_CREATED;
  created->io_limit = host->io_limit(host->self);
  *channel = created;
  return S_OK;
}

static HRESULT open_channel(lockstep_channel* channel, const char* endpoint_address,
                            const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  if (channel == NULL || endpoint_address == NULL || !context_valid(async_context)) {
    return fail(error, E_INVALIDARG);
  }
  const lockstep_host* host = channel->host;
  lock(channel);
  if (channel->state != WS_CHANNEL_STATE_CREATED) {
    const HRESULT result = channel->state == WS_CHANNEL_STATE_FAULTED ? WS_E_OBJECT_FAULTED
                                                                      : WS_E_INVALID_OPERATION;
    unlock(channel);
    return fail(error, result);
  }
  /* The address is the caller's only during this call (AM6's exception): keep a copy. */
  const size_t length = strlen(endpoint_address);
  char* address = (char*)host->allocate(host->self, length + 1);
  operation* open = address != NULL
                        ? operation_create(channel, OPERATION_OPEN, async_context, error)
                        : NULL;
  if (open == NULL) {
    if (address != NULL) {
      host->release(host->self, address);
    }
    unlock(channel);
    return fail(error, E_OUTOFMEMORY);
  }
  memcpy(address, endpoint_address, length + 1);
  channel->endpoint_address = address;
  link_pending(channel, open, STAGE_CONNECTING);
  channel->state = WS_CHANNEL_STATE_OPENING;
  operation* finished = NULL;
  const HRESULT started =
      host->connect(host->self, channel->endpoint_address, on_connected, channel);
  if (FAILED(started)) {
    channel->state = WS_CHANNEL_STATE_FAULTED;
    finish_locked(channel, open, started, &finished);
  } else {
    ++channel->io_in_flight;
    ++channel->activity;
  }
  unlock(channel);
  deliver_later(finished);
  return wait_or_async(channel, open, async_context);
}

/* Send and request_reply: queue the request, let the pump start what the limit allows. */
static HRESULT start_request(lockstep_channel* channel, operation_kind kind, const void* request,
                             size_t request_size, void* reply, size_t reply_capacity,
                             size_t* reply_size, const WS_ASYNC_CONTEXT* async_context,
                             WS_ERROR* error) {
  lock(channel);
  const HRESULT state_error = state_error_locked(channel);
  operation* started =
      SUCCEEDED(state_error) ? operation_create(channel, kind, async_context, error) : NULL;
  if (started == NULL) {
    unlock(channel);
    return fail(error, FAILED(state_error) ? state_error : E_OUTOFMEMORY);
  }
  started->request = request;
  started->request_size = request_size;
  started->reply = reply;
  started->reply_capacity = reply_capacity;
  started->reply_size = reply_size;
  link_pending(channel, started, STAGE_QUEUED);
  operation* finished = NULL;
  pump_locked(channel, &finished);
  unlock(channel);
  deliver_later(finished);
  return wait_or_async(channel, started, async_context);
}

static HRESULT send_message(lockstep_channel* channel, const void* body, size_t body_size,
                            const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  if (channel == NULL || (body == NULL && body_size > 0) || !context_valid(async_context)) {
    return fail(error, E_INVALIDARG);
  }
  return start_request(channel, OPERATION_SEND, body, body_size, NULL, 0, NULL, async_context,
                       error);
}

static HRESULT request_reply(lockstep_channel* channel, const void* request, size_t request_size,
                             void* reply, size_t reply_capacity, size_t* reply_size,
                             const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  if (channel == NULL || (request == NULL && request_size > 0) ||
      (reply == NULL && reply_capacity > 0) || reply_size == NULL ||
      !context_valid(async_context)) {
    return fail(error, E_INVALIDARG);
  }
  return start_request(channel, OPERATION_REQUEST_REPLY, request, request_size, reply,
                       reply_capacity, reply_size, async_context, error);
}

static HRESULT receive_message(lockstep_channel* channel, BOOL optional, void* body,
                               size_t body_capacity, size_t* body_size,
                               const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  if (channel == NULL || (body == NULL && body_capacity > 0) || body_size == NULL ||
      !context_valid(async_context)) {
    return fail(error, E_INVALIDARG);
  }
  lock(channel);
  const HRESULT state_error = state_error_locked(channel);
  if (FAILED(state_error)) {
    unlock(channel);
    return fail(error, state_error);
  }
  if (channel->messages_head != NULL) {
    /* Synchronous completion: the message is already here, so there is nothing to wait for.
     * The result is returned and the callback is never invoked (AM2). */
    message* arrived = channel->messages_head;
    channel->messages_head = arrived->next;
    if (channel->messages_head == NULL) {
      channel->messages_tail = NULL;
    }
    HRESULT result = WS_E_QUOTA_EXCEEDED;
    if (arrived->size <= body_capacity) {
      if (arrived->size > 0) {
        memcpy(body, arrived->bytes, arrived->size);
      }
      *body_size = arrived->size;
      result = S_OK;
    }
    channel->host->release(channel->host->self, arrived);
    operation* finished = NULL;
    if (FAILED(result)) {
      quota_fault_locked(channel, &finished); /* before the caller hears of it */
    }
    unlock(channel);
    deliver_later(finished);
    return fail(error, result);
  }
  if (channel->session_ended) {
    unlock(channel);
    /* CH7: WS_S_END leaves *body and *body_size as they were. */
    return optional ? WS_S_END : fail(error, WS_E_ENDPOINT_DISCONNECTED);
  }
  operation* started = operation_create(channel, OPERATION_RECEIVE, async_context, error);
  if (started == NULL) {
    unlock(channel);
    return fail(error, E_OUTOFMEMORY);
  }
  started->optional = optional;
  started->reply = body;
  started->reply_capacity = body_capacity;
  started->reply_size = body_size;
  link_pending(channel, started, STAGE_AWAITING_MESSAGE);
  operation* finished = NULL;
  pump_locked(channel, &finished);
  unlock(channel);
  deliver_later(finished);
  return wait_or_async(channel, started, async_context);
}

static HRESULT close_channel(lockstep_channel* channel, const WS_ASYNC_CONTEXT* async_context,
                             WS_ERROR* error) {
  if (channel == NULL || !context_valid(async_context)) {
    return fail(error, E_INVALIDARG);
  }
  lock(channel);
  if (channel->state == WS_CHANNEL_STATE_CREATED || channel->state == WS_CHANNEL_STATE_FAULTED ||
      channel->state == WS_CHANNEL_STATE_CLOSED) {
    /* Closing is always allowed (CH5). Nothing can be in flight that a caller waits for: a
     * fault completed it all, and a closed channel has nothing left. */
    channel->state = WS_CHANNEL_STATE_CLOSED;
    unlock(channel);
    return S_OK;
  }
  operation* close = channel->state == WS_CHANNEL_STATE_OPEN
                         ? operation_create(channel, OPERATION_CLOSE, async_context, error)
                         : NULL;
  if (close == NULL) {
    const HRESULT result =
        channel->state == WS_CHANNEL_STATE_OPEN ? E_OUTOFMEMORY : WS_E_INVALID_OPERATION;
    unlock(channel);
    return fail(error, result);
  }
  channel->state = WS_CHANNEL_STATE_CLOSING;
  channel->close_operation = close;
  link_pending(channel, close, STAGE_CLOSING);
  operation* finished = NULL;
  pump_locked(channel, &finished);
  unlock(channel);
  deliver_later(finished);
  return wait_or_async(channel, close, async_context);
}

/* Never waits (CH3): decides every pending result now and lets workers deliver them (CH1). */
static HRESULT abort_channel(lockstep_channel* channel, WS_ERROR* error) {
  if (channel == NULL) {
    return fail(error, E_INVALIDARG);
  }
  lock(channel);
  const WS_CHANNEL_STATE state = channel->state;
  operation* finished = NULL;
  if (state == WS_CHANNEL_STATE_OPENING || state == WS_CHANNEL_STATE_OPEN ||
      state == WS_CHANNEL_STATE_CLOSING) {
    while (channel->pending != NULL) {
      finish_locked(channel, channel->pending, WS_E_OPERATION_ABORTED, &finished);
    }
    channel->close_operation = NULL;
    /* An abort during close still ends CLOSED (CH4); otherwise the channel faults (CH2). */
    channel->state =
        state == WS_CHANNEL_STATE_CLOSING ? WS_CHANNEL_STATE_CLOSED : WS_CHANNEL_STATE_FAULTED;
    close_connection_locked(channel); /* host I/O in flight completes later, aborted */
  }
  unlock(channel);
  deliver_later(finished);
  return S_OK;
}

static HRESULT get_channel_state(lockstep_channel* channel, WS_CHANNEL_STATE* state,
                                 WS_ERROR* error) {
  if (channel == NULL || state == NULL) {
    return fail(error, E_INVALIDARG);
  }
  lock(channel);
  *state = channel->state;
  unlock(channel);
  return S_OK;
}

static void free_channel(lockstep_channel* channel) {
  if (channel == NULL) {
    return;
  }
  lock(channel);
  channel->free_requested = TRUE; /* host completions may still name it: the last one frees */
  const BOOL destroy = destroy_due_locked(channel);
  unlock(channel);
  if (destroy) {
    destroy_channel(channel);
  }
}

/* ---- 6. The exported table ---------------------------------------------------------------------- */

static const lockstep_channel_functions vendor_channel_functions = {
    sizeof(lockstep_channel_functions),
    create_channel,
    open_channel,
    send_message,
    receive_message,
    request_reply,
    close_channel,
    abort_channel,
    get_channel_state,
    free_channel,
};

static const lockstep_implementation vendor_implementation = {
    LOCKSTEP_IMPLEMENTATION_ABI_VERSION,
    sizeof(lockstep_implementation),
    "vendor-channel",
    "1.0",
    &vendor_channel_functions,
    NULL, /* no WsAsyncExecute: its suite is reported as not applicable */
    NULL, /* no service host */
    NULL, /* no IAsyncResult, event-based or task-based part (lockstep/patterns.h) */
    NULL,
    NULL,
};

/* The one exported symbol (the library is built with hidden visibility otherwise). */
__attribute__((visibility("default"))) const lockstep_implementation* lockstep_get_implementation(
    uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  /* Built against host ABI 1: an older host would lack functions this code calls. */
  return host_abi_version >= LOCKSTEP_HOST_ABI_VERSION ? &vendor_implementation : NULL;
}
