// The isolated child: crash signals back to their default action, no core files, the memory
// limit, death with the parent; then the work, one frame to the parent, and _exit.
//
// Default signal actions matter because the child inherits whatever handlers the parent
// installed (AddressSanitizer's SEGV handler, for one, would turn a crash into an ordinary exit
// code 1); with the default action the kernel ends the child by the signal itself, which is what
// the parent reports, and a stack overflow needs no alternate signal stack to be reported.
#include "harness/isolation/isolated_child.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <string_view>

#include "harness/isolation/child_protocol.h"
#include "harness/isolation/sanitizer_build.h"
#if LOCKSTEP_ISOLATION_ADDRESS_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

namespace lockstep::harness::isolation {
namespace {

void restore_default_crash_signals() {
  for (const int signal_number : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, nullptr);
  }
  // A crash signal arriving while blocked is fatal anyway; unblocking keeps abort() and raise()
  // behaving the same whatever mask the parent had.
  sigset_t crash_signals;
  sigemptyset(&crash_signals);
  for (const int signal_number : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) {
    sigaddset(&crash_signals, signal_number);
  }
  pthread_sigmask(SIG_UNBLOCK, &crash_signals, nullptr);
}

// Sanitizer builds: an error a sanitizer finds in the work ends the child with its own code, so
// the parent can tell it from an ordinary exit(1).
void report_sanitizer_deaths() {
#if LOCKSTEP_ISOLATION_ADDRESS_SANITIZER
  __sanitizer_set_death_callback([] { _exit(exit_code_sanitizer_report); });
#endif
}

void apply_limits(const IsolationLimits& limits) {
  // Expected crashes must not fill the disk with core files or wait on a core-dump handler.
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (limits.memory_bytes != 0 && memory_limit_enforced()) {
    const rlimit address_space{static_cast<rlim_t>(limits.memory_bytes),
                               static_cast<rlim_t>(limits.memory_bytes)};
    setrlimit(RLIMIT_AS, &address_space);
  }
}

// If the parent dies (Ctrl-C, its own crash), an endless child must not outlive it.
void die_with_parent(pid_t parent) {
#ifdef __linux__
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  if (getppid() != parent) {
    _exit(exit_code_pipe_failed);
  }
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

// A string_view, so reporting an exception's text allocates nothing.
[[noreturn]] void report_and_exit(int result_fd, char kind, std::string_view payload) {
  char header[frame_header_bytes];
  header[0] = kind;
  const std::uint64_t length = payload.size();
  std::memcpy(header + 1, &length, sizeof(length));
  const bool written = write_all(result_fd, header, sizeof(header)) &&
                       write_all(result_fd, payload.data(), payload.size());
  // Only what the work itself printed is in these buffers: the parent flushed before the fork.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  _exit(written ? exit_code_reported : exit_code_pipe_failed);
}

}  // namespace

void run_child(const std::function<std::string()>& work, const IsolationLimits& limits,
               int result_fd, pid_t parent) {
  restore_default_crash_signals();
  report_sanitizer_deaths();
  die_with_parent(parent);
  apply_limits(limits);
  try {
    const std::string result = work();
    report_and_exit(result_fd, frame_result, result);
  } catch (const std::bad_alloc&) {
    _exit(exit_code_memory_exceeded);
  } catch (const std::exception& exception) {
    report_and_exit(result_fd, frame_exception, exception.what());
  } catch (...) {
    report_and_exit(result_fd, frame_exception, "an exception that is not a std::exception");
  }
}

}  // namespace lockstep::harness::isolation
