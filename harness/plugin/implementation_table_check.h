// The checks a plugin's implementation table must pass before lockstep calls anything in it.
//
// Pure functions of the table, apart from dlopen and the path, so each refusal can be tested on
// a table built in memory as well as through real plugins. Invariant: a field is read only after
// struct_size has shown the plugin's struct contains it, and a part's table only after its own
// struct_size has been checked.
#pragma once

#include <optional>
#include <string>

#include "lockstep/implementation.h"

namespace lockstep::harness {

/// The first problem with `table` as one line without the plugin's path ("implementation ABI
/// version 2 is newer than this lockstep's (1)"), or nullopt when lockstep can use it.
std::optional<std::string> check_implementation_table(const lockstep_implementation& table);

}  // namespace lockstep::harness
