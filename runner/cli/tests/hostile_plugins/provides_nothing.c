/* provides_nothing.c: a valid table that provides no part at all (no channel, no
 * WsAsyncExecute, no service host): no suite applies, nothing is tested. */
#include "lockstep/implementation.h"

static const lockstep_implementation table = {.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION,
                                              .struct_size = sizeof(lockstep_implementation),
                                              .name = "provides-nothing",
                                              .version = "1"};

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  (void)host_abi_version;
  return &table;
}
