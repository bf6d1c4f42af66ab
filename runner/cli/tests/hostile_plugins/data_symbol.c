/* data_symbol.c: exports lockstep_get_implementation as data (a table), not as the function that
 * returns one: calling it would jump into the data. */
#include "lockstep/implementation.h"

const lockstep_implementation lockstep_get_implementation = {
    .abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION,
    .struct_size = sizeof(lockstep_implementation),
    .name = "data-symbol",
    .version = "1"};
