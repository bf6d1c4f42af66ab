// Implementation tables for the service suite's tests: the reference service host with a
// chosen set of defect bits.
#pragma once

#include "reference_implementation.h"
#include "reference_service_host.h"

namespace lockstep::conformance::testing {

inline reference_implementation reference_service_table(unsigned defects, const char* name) {
  reference_implementation table{};
  table.base.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION;
  table.base.struct_size = sizeof(reference_implementation);
  table.base.name = name;
  table.base.version = "1";
  table.base.service_host = &reference_service_host_functions;
  table.service_defects = defects;
  return table;
}

}  // namespace lockstep::conformance::testing
