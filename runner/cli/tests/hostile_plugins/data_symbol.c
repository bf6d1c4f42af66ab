/* data_symbol.c: exports lockstep_get_implementation as data (a table), not as the function that
 * returns one: calling it would jump into the data. */
#include "lockstep/implementation.h"

const lockstep_implementation lockstep_get_implementation = {LOCKSTEP_IMPLEMENTATION_ABI_VERSION,
                                                             sizeof(lockstep_implementation),
                                                             "data-symbol",
                                                             "1",
                                                             NULL,
                                                             NULL,
                                                             NULL};
