// The steps of child_setup.h.
#include "harness/isolation/child_setup.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "harness/isolation/child_protocol.h"
#include "harness/isolation/run_isolated.h"
#include "harness/isolation/sanitizer_build.h"
#if LOCKSTEP_ISOLATION_ADDRESS_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

namespace lockstep::harness::isolation {

namespace {

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGSYS};

}  // namespace

void restore_default_crash_signals() {
  for (const int signal_number : kCrashSignals) {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, nullptr);
  }
  // A crash signal arriving while blocked is fatal anyway; unblocking keeps abort() and raise()
  // behaving the same whatever mask the parent had.
  sigset_t crash_signals;
  sigemptyset(&crash_signals);
  for (const int signal_number : kCrashSignals) {
    sigaddset(&crash_signals, signal_number);
  }
  pthread_sigmask(SIG_UNBLOCK, &crash_signals, nullptr);
}

void report_sanitizer_deaths() {
#if LOCKSTEP_ISOLATION_ADDRESS_SANITIZER
  __sanitizer_set_death_callback([] { _exit(exit_code_sanitizer_report); });
#endif
}

namespace {

// The parent is gone: take the whole process group down, whatever the work forked included.
extern "C" void end_group_with_parent(int) {
  kill(0, SIGKILL);
  _exit(exit_code_pipe_failed);
}

}  // namespace

void die_with_parent(pid_t parent) {
#ifdef __linux__
  // Not SIGKILL itself: the handler kills the child's process group, so processes the work
  // forked die too, not only the child (a group nobody is left to kill would linger).
  struct sigaction action {};
  action.sa_handler = end_group_with_parent;
  sigemptyset(&action.sa_mask);
  sigaction(kParentDeathSignal, &action, nullptr);
  sigset_t death_signal;
  sigemptyset(&death_signal);
  sigaddset(&death_signal, kParentDeathSignal);
  pthread_sigmask(SIG_UNBLOCK, &death_signal, nullptr);
  prctl(PR_SET_PDEATHSIG, kParentDeathSignal);
#endif
  if (getppid() != parent) {
    end_group_with_parent(0);
  }
}

void lead_own_process_group() {
  setpgid(0, 0);
}

void apply_limits(std::uint64_t memory_bytes, std::uint64_t file_bytes) {
  // Expected crashes must not fill the disk with core files or wait on a core-dump handler.
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (memory_bytes != 0 && memory_limit_enforced()) {
    const rlimit address_space{static_cast<rlim_t>(memory_bytes),
                               static_cast<rlim_t>(memory_bytes)};
    setrlimit(RLIMIT_AS, &address_space);
  }
  if (file_bytes != 0) {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit file_size{static_cast<rlim_t>(file_bytes), static_cast<rlim_t>(file_bytes)};
    setrlimit(RLIMIT_FSIZE, &file_size);
  }
}

}  // namespace lockstep::harness::isolation
