/* aborting_constructor.c: a library whose constructor aborts the process that loads it. */
#include <stdlib.h>

#include "lockstep/implementation.h"

__attribute__((constructor)) static void on_load(void) {
  abort();
}

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  (void)host_abi_version;
  return NULL;
}
