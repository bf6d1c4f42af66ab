/* never_creates.c: a channel whose create_channel always fails, so no schedule gets past it:
 * nothing is tested, which lockstep must not call a pass. */
#include "hostile_plugin.h"

static HRESULT create_channel(const lockstep_implementation* self, const lockstep_host* host,
                              lockstep_channel** channel, WS_ERROR* error) {
  (void)self, (void)host, (void)error;
  *channel = NULL;
  return E_OUTOFMEMORY;
}

static lockstep_channel_functions functions;
HOSTILE_TABLE(table, "never-creates", functions, 0u);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  (void)host_abi_version;
  functions = hostile_channel_functions(create_channel);
  return &table.base;
}
