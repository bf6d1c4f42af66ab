// argv[0] and the wrapper's LOCKSTEP_INVOKED_AS.
#include "runner/cli/invocation.h"

#include <cstdlib>

namespace lockstep::cli {

namespace {
std::vector<std::string>& stored() {
  static std::vector<std::string> words{"lockstep"};
  return words;
}
}  // namespace

std::vector<std::string> invocation_words(const char* argv0) {
  if (const char* wrapper = std::getenv("LOCKSTEP_INVOKED_AS");
      wrapper != nullptr && wrapper[0] != '\0') {
    return {wrapper};
  }
  // Without a '/', the shell found it on PATH: the same name finds it again. With one, the path
  // as typed works from the same directory, where the printed lines are meant to be run.
  return {argv0 != nullptr && argv0[0] != '\0' ? argv0 : "lockstep"};
}

void set_invocation(std::vector<std::string> words) {
  stored() = std::move(words);
}

const std::vector<std::string>& invocation() {
  return stored();
}

}  // namespace lockstep::cli
