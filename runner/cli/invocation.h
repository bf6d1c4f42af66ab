// How the user started lockstep, so that every command it prints (reproduce lines, the debugger
// line of a crash replay) runs as printed: `./lockstep` in a clone (the wrapper script says so
// in LOCKSTEP_INVOKED_AS), `lockstep` when it was found on PATH, or the path it was started by.
#pragma once

#include <string>
#include <vector>

namespace lockstep::cli {

/// The words that start a printed lockstep command (unquoted).
std::vector<std::string> invocation_words(const char* argv0);

/// Set once in main(); what the commands use.
void set_invocation(std::vector<std::string> words);
const std::vector<std::string>& invocation();

}  // namespace lockstep::cli
