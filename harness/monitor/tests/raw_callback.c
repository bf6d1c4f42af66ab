/* Invokes a WS_ASYNC_CALLBACK with an arbitrary callback model value.
 *
 * A broken implementation may pass a model that is no WS_CALLBACK_MODEL enumerator. In C an
 * enum holds any value of its compatible integer type, so this helper can produce that call
 * without the undefined behaviour the same conversion would be in C++. */
#include "lockstep/ws.h"

void lockstep_test_invoke_callback_with_model(WS_ASYNC_CALLBACK callback, HRESULT result,
                                              int model, void* state) {
  callback(result, (WS_CALLBACK_MODEL)model, state);
}
