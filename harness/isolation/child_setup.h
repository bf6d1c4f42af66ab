// Preparing a forked child that runs untrusted work (internal to harness/isolation): what the
// one-shot child of run_isolated and a long-lived worker process both do before the work.
//
// Each step is there for a reason the parent relies on: default crash signals (the kernel then
// ends the child by the signal itself, which is what the parent reports, whatever handlers the
// parent had installed); a sanitizer's death gets its own exit code; its own process group (the
// parent kills the group, so whatever the work forked goes with it); the group dies with the
// parent (PR_SET_PDEATHSIG, and a check of getppid() in case the parent was already gone when it
// was set); no core files; the memory limit.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>

namespace lockstep::harness::isolation {

/// SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGSYS back to their default action and
/// unblocked.
void restore_default_crash_signals();
/// In sanitizer builds: an error a sanitizer reports ends the child with
/// exit_code_sanitizer_report (child_protocol.h).
void report_sanitizer_deaths();
/// The signal the kernel sends the child when its parent dies (PR_SET_PDEATHSIG). Its handler
/// kills the child's whole process group with SIGKILL. SIGHUP: the child leads a group of its
/// own, so no terminal sends it one.
inline constexpr int kParentDeathSignal = SIGHUP;

/// Arranges for the child's process group to die with its parent, then does so at once if the
/// parent is no longer `parent`. Call after lead_own_process_group().
void die_with_parent(pid_t parent);
/// Makes the calling process the leader of a process group of its own.
void lead_own_process_group();
/// No core files; RLIMIT_AS at `memory_bytes` (0: none; never in AddressSanitizer builds);
/// RLIMIT_FSIZE at `file_bytes` (0: none) with SIGXFSZ ignored, so a write past it fails with
/// EFBIG instead of killing the child.
void apply_limits(std::uint64_t memory_bytes, std::uint64_t file_bytes);

}  // namespace lockstep::harness::isolation
