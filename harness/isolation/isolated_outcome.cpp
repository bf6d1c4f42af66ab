// Outcome texts and the sanitizer question. describe() is one line whatever the child sent:
// an exception's text may span lines, so control characters become spaces.
#include <signal.h>

#include <array>
#include <utility>

#include "harness/isolation/run_isolated.h"
#include "harness/isolation/sanitizer_build.h"

namespace lockstep::harness {
namespace {

std::string one_line(std::string text) {
  for (char& character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f) {
      character = ' ';
    }
  }
  return text;
}

}  // namespace

std::string signal_name(int signal_number) {
  static constexpr std::array<std::pair<int, const char*>, 14> names{{
      {SIGSEGV, "SIGSEGV"},
      {SIGABRT, "SIGABRT"},
      {SIGBUS, "SIGBUS"},
      {SIGFPE, "SIGFPE"},
      {SIGILL, "SIGILL"},
      {SIGTRAP, "SIGTRAP"},
      {SIGSYS, "SIGSYS"},
      {SIGKILL, "SIGKILL"},
      {SIGTERM, "SIGTERM"},
      {SIGINT, "SIGINT"},
      {SIGQUIT, "SIGQUIT"},
      {SIGPIPE, "SIGPIPE"},
      {SIGXCPU, "SIGXCPU"},
      {SIGXFSZ, "SIGXFSZ"},
  }};
  for (const auto& [number, name] : names) {
    if (number == signal_number) {
      return name;
    }
  }
  return "signal " + std::to_string(signal_number);
}

bool memory_limit_enforced() {
  return LOCKSTEP_ISOLATION_ADDRESS_SANITIZER == 0;
}

std::string IsolatedOutcome::describe() const {
  switch (kind) {
    case IsolatedOutcomeKind::completed:
      return "completed: returned " + std::to_string(result.size()) + " bytes";
    case IsolatedOutcomeKind::crashed:
      return "crashed: killed by " + signal_name(signal_number) + " (signal " +
             std::to_string(signal_number) + ")";
    case IsolatedOutcomeKind::timed_out:
      return "timed out: still running after " + std::to_string(limits.wall_clock_ms) +
             " ms of wall-clock time, killed with SIGKILL";
    case IsolatedOutcomeKind::memory_exceeded:
      return "memory exceeded: an allocation failed under the limit of " +
             std::to_string(limits.memory_bytes) + " bytes of address space";
    case IsolatedOutcomeKind::failed:
      return "failed: " + one_line(message);
  }
  return "failed: unknown outcome kind " + std::to_string(static_cast<int>(kind));
}

}  // namespace lockstep::harness
