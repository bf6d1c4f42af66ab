/* wild_table.c: lockstep_get_implementation returns a pointer to memory that is not mapped. */
#include <stdint.h>

#include "lockstep/implementation.h"

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  (void)host_abi_version;
  return (const lockstep_implementation*)(uintptr_t)0x10;
}
