/* ws.h: the Windows Web Services API (WWSAPI) vocabulary of the async model.
 *
 * Names and values match webservices.h (see CONTRACT.md section 1), so an implementation
 * written against webservices.h names compiles against this header on any platform. Only the
 * part of the API the async model needs is here. WS_ERROR is opaque to implementations: they
 * reach it only through the functions below, which dispatch through the object's own table so
 * that a plugin needs no link-time dependency on lockstep. Self-contained; C and C++. */
#ifndef LOCKSTEP_WS_H
#define LOCKSTEP_WS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t HRESULT;
typedef uint32_t ULONG;
typedef uint16_t WCHAR; /* UTF-16 code unit, as on Windows */
typedef int BOOL;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define LOCKSTEP_HRESULT(value) ((HRESULT)(uint32_t)(value))

#define S_OK LOCKSTEP_HRESULT(0x00000000u)
#define NOERROR S_OK
#define WS_S_ASYNC LOCKSTEP_HRESULT(0x003D0000u)
#define WS_S_END LOCKSTEP_HRESULT(0x003D0001u)
#define WS_E_INVALID_FORMAT LOCKSTEP_HRESULT(0x803D0000u)
#define WS_E_OBJECT_FAULTED LOCKSTEP_HRESULT(0x803D0001u)
#define WS_E_NUMERIC_OVERFLOW LOCKSTEP_HRESULT(0x803D0002u)
#define WS_E_INVALID_OPERATION LOCKSTEP_HRESULT(0x803D0003u)
#define WS_E_OPERATION_ABORTED LOCKSTEP_HRESULT(0x803D0004u)
#define WS_E_ENDPOINT_ACCESS_DENIED LOCKSTEP_HRESULT(0x803D0005u)
#define WS_E_OPERATION_TIMED_OUT LOCKSTEP_HRESULT(0x803D0006u)
#define WS_E_OPERATION_ABANDONED LOCKSTEP_HRESULT(0x803D0007u)
#define WS_E_QUOTA_EXCEEDED LOCKSTEP_HRESULT(0x803D0008u)
#define WS_E_ADDRESS_IN_USE LOCKSTEP_HRESULT(0x803D000Bu)
#define WS_E_ADDRESS_NOT_AVAILABLE LOCKSTEP_HRESULT(0x803D000Cu)
#define WS_E_ENDPOINT_NOT_FOUND LOCKSTEP_HRESULT(0x803D000Du)
#define WS_E_ENDPOINT_NOT_AVAILABLE LOCKSTEP_HRESULT(0x803D000Eu)
#define WS_E_ENDPOINT_FAILURE LOCKSTEP_HRESULT(0x803D000Fu)
#define WS_E_ENDPOINT_UNREACHABLE LOCKSTEP_HRESULT(0x803D0010u)
#define WS_E_ENDPOINT_ACTION_NOT_SUPPORTED LOCKSTEP_HRESULT(0x803D0011u)
#define WS_E_ENDPOINT_TOO_BUSY LOCKSTEP_HRESULT(0x803D0012u)
#define WS_E_ENDPOINT_FAULT_RECEIVED LOCKSTEP_HRESULT(0x803D0013u)
#define WS_E_ENDPOINT_DISCONNECTED LOCKSTEP_HRESULT(0x803D0014u)
#define WS_E_PROXY_FAILURE LOCKSTEP_HRESULT(0x803D0015u)
#define WS_E_NOT_SUPPORTED LOCKSTEP_HRESULT(0x803D0017u)
#define WS_E_INVALID_ENDPOINT_URL LOCKSTEP_HRESULT(0x803D0020u)
#define WS_E_OTHER LOCKSTEP_HRESULT(0x803D0021u)
#define E_INVALIDARG LOCKSTEP_HRESULT(0x80070057u)
#define E_OUTOFMEMORY LOCKSTEP_HRESULT(0x8007000Eu)

#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)

typedef enum { WS_SHORT_CALLBACK = 0, WS_LONG_CALLBACK = 1 } WS_CALLBACK_MODEL;

typedef enum {
  WS_CHANNEL_STATE_CREATED = 0,
  WS_CHANNEL_STATE_OPENING = 1,
  WS_CHANNEL_STATE_ACCEPTING = 2,
  WS_CHANNEL_STATE_OPEN = 3,
  WS_CHANNEL_STATE_FAULTED = 4,
  WS_CHANNEL_STATE_CLOSING = 5,
  WS_CHANNEL_STATE_CLOSED = 6
} WS_CHANNEL_STATE;

typedef enum { WS_SERVICE_HOST_ABORT = 0, WS_SERVICE_CHANNEL_FAULTED = 1 } WS_SERVICE_CANCEL_REASON;

typedef enum { WS_MINIMAL_FAULT_DISCLOSURE = 0, WS_FULL_FAULT_DISCLOSURE = 1 } WS_FAULT_DISCLOSURE;

#define WS_OPERATION_CONTEXT_PROPERTY_HEAP 6

typedef struct WS_ERROR WS_ERROR;

typedef void (*WS_ASYNC_CALLBACK)(HRESULT errorCode, WS_CALLBACK_MODEL callbackModel,
                                  void* callbackState);

typedef struct _WS_ASYNC_CONTEXT {
  WS_ASYNC_CALLBACK callback;
  void* callbackState;
} WS_ASYNC_CONTEXT;

typedef struct _WS_ASYNC_OPERATION WS_ASYNC_OPERATION;

typedef HRESULT (*WS_ASYNC_FUNCTION)(HRESULT hr, WS_CALLBACK_MODEL callbackModel,
                                     void* callbackState, WS_ASYNC_OPERATION* next,
                                     const WS_ASYNC_CONTEXT* asyncContext, WS_ERROR* error);

struct _WS_ASYNC_OPERATION {
  WS_ASYNC_FUNCTION function;
};

typedef struct _WS_ASYNC_STATE {
  void* internal0;
  void* internal1;
  void* internal2;
  void* internal3;
  void* internal4;
} WS_ASYNC_STATE;

typedef struct _WS_STRING {
  ULONG length;
  WCHAR* chars;
} WS_STRING;

/* ---- WS_ERROR ---------------------------------------------------------------------------- */

/* The table every WS_ERROR object starts with. Implementations never fill one in; the harness
 * (the caller) creates the errors. */
typedef struct lockstep_error_ops {
  uint32_t abi_version;
  uint32_t struct_size;
  HRESULT (*add_string)(WS_ERROR* error, const WS_STRING* string);
  HRESULT (*get_string)(WS_ERROR* error, ULONG index, WS_STRING* string);
  ULONG (*string_count)(WS_ERROR* error);
  HRESULT (*reset)(WS_ERROR* error);
} lockstep_error_ops;

#define LOCKSTEP_ERROR_ABI_VERSION 1u

struct WS_ERROR {
  const lockstep_error_ops* ops; /* the only visible member */
};

/* Adds a string (copied) to the error, as WsAddErrorString does. */
static inline HRESULT WsAddErrorString(WS_ERROR* error, const WS_STRING* string) {
  if (error == NULL || string == NULL) {
    return E_INVALIDARG;
  }
  return error->ops->add_string(error, string);
}

/* Reads string `index` (0 is the most recently added), as WsGetErrorString does. The
 * characters stay owned by the error until it is reset or freed. */
static inline HRESULT WsGetErrorString(WS_ERROR* error, ULONG index, WS_STRING* string) {
  if (error == NULL || string == NULL) {
    return E_INVALIDARG;
  }
  return error->ops->get_string(error, index, string);
}

static inline HRESULT WsResetError(WS_ERROR* error) {
  if (error == NULL) {
    return E_INVALIDARG;
  }
  return error->ops->reset(error);
}

/* Number of strings in the error (WsGetErrorProperty with WS_ERROR_PROPERTY_STRING_COUNT). */
static inline ULONG lockstep_error_string_count(WS_ERROR* error) {
  return error == NULL ? 0u : error->ops->string_count(error);
}

/* Adds an ASCII/Latin-1 text as a UTF-16 error string. Texts longer than 511 characters are
 * cut. Convenience for implementations written in plain C. */
static inline HRESULT lockstep_error_add_text(WS_ERROR* error, const char* text) {
  WCHAR buffer[512];
  WS_STRING string;
  ULONG length = 0;
  if (error == NULL || text == NULL) {
    return E_INVALIDARG;
  }
  while (text[length] != '\0' && length < 511u) {
    buffer[length] = (WCHAR)(unsigned char)text[length];
    ++length;
  }
  string.length = length;
  string.chars = buffer;
  return WsAddErrorString(error, &string);
}

/* ---- WS_HEAP and WS_OPERATION_CONTEXT (server side) --------------------------------------
 * Both are created by the service host under test and handed to service operations (which the
 * harness writes). Like WS_ERROR, each object starts with its table, so the functions below
 * work whoever created the object. */

typedef struct WS_HEAP WS_HEAP;
typedef struct WS_OPERATION_CONTEXT WS_OPERATION_CONTEXT;

typedef void (*WS_OPERATION_CANCEL_CALLBACK)(WS_SERVICE_CANCEL_REASON reason, void* state);
typedef void (*WS_OPERATION_FREE_STATE_CALLBACK)(void* state);

typedef struct lockstep_heap_ops {
  uint32_t abi_version;
  uint32_t struct_size;
  /* Memory valid until the heap is reset or freed (for an operation's heap: until the reply
   * has been written). */
  HRESULT (*alloc)(WS_HEAP* heap, size_t size, void** block, WS_ERROR* error);
} lockstep_heap_ops;

struct WS_HEAP {
  const lockstep_heap_ops* ops; /* the only visible member */
};

typedef struct lockstep_operation_context_ops {
  uint32_t abi_version;
  uint32_t struct_size;
  WS_HEAP* (*heap)(const WS_OPERATION_CONTEXT* context);
  HRESULT (*register_for_cancel)(const WS_OPERATION_CONTEXT* context,
                                 WS_OPERATION_CANCEL_CALLBACK cancel_callback,
                                 WS_OPERATION_FREE_STATE_CALLBACK free_state_callback,
                                 void* user_state, WS_ERROR* error);
} lockstep_operation_context_ops;

#define LOCKSTEP_HEAP_ABI_VERSION 1u
#define LOCKSTEP_OPERATION_CONTEXT_ABI_VERSION 1u

struct WS_OPERATION_CONTEXT {
  const lockstep_operation_context_ops* ops; /* the only visible member */
};

static inline HRESULT WsAlloc(WS_HEAP* heap, size_t size, void** block, WS_ERROR* error) {
  if (heap == NULL || block == NULL) {
    return E_INVALIDARG;
  }
  return heap->ops->alloc(heap, size, block, error);
}

/* Only WS_OPERATION_CONTEXT_PROPERTY_HEAP is supported: `value` receives a WS_HEAP*. */
static inline HRESULT WsGetOperationContextProperty(const WS_OPERATION_CONTEXT* context, int id,
                                                    void* value, ULONG value_size,
                                                    WS_ERROR* error) {
  (void)error;
  if (context == NULL || value == NULL || id != WS_OPERATION_CONTEXT_PROPERTY_HEAP ||
      value_size != sizeof(WS_HEAP*)) {
    return E_INVALIDARG;
  }
  *(WS_HEAP**)value = context->ops->heap(context);
  return S_OK;
}

/* Registers callbacks for one service call: `cancel_callback` fires at most once (maybe during
 * this call) if the host aborts or the client's connection closes; `free_state_callback` fires
 * exactly once, when the call completes, after any cancel callback (rule SV4). */
static inline HRESULT WsRegisterOperationForCancel(const WS_OPERATION_CONTEXT* context,
                                                   WS_OPERATION_CANCEL_CALLBACK cancel_callback,
                                                   WS_OPERATION_FREE_STATE_CALLBACK
                                                       free_state_callback,
                                                   void* user_state, WS_ERROR* error) {
  if (context == NULL || cancel_callback == NULL) {
    return E_INVALIDARG;
  }
  return context->ops->register_for_cancel(context, cancel_callback, free_state_callback,
                                           user_state, error);
}

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_WS_H */
