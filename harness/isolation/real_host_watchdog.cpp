// The watchdog: poll the pipe and the child's pidfd against a steady-clock deadline.
//
// The child leads a process group of its own (child_setup.h): once it exits, or when its budget
// runs out, the whole group is killed, so nothing the work forked outlives the watch.
//
// The child's exit, not the pipe's end, is what ends the watch: a grandchild may hold the
// pipe open long after the child is gone. Once the child is reaped, everything it wrote is
// already in the pipe, so a non-blocking drain collects the rest without waiting for EOF.
// The pidfd wakes the watch the moment the child exits: a child usually closes the pipe a
// little before it can be reaped, and sleeping through that gap in fixed slices cost about
// 10 ms per child, which is most of the price of a shrink probe. Where pidfd_open is not
// available (kernels before 5.3), the watch falls back to polling in short slices.
#include "harness/isolation/real_host_watchdog.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace lockstep::harness::isolation {
namespace {

using Clock = std::chrono::steady_clock;

// Without a pidfd: long enough to cost nothing, short enough that an exit with the pipe still
// open is noticed promptly. With one, a slice only bounds how long a stray wake-up can wait.
constexpr std::chrono::milliseconds poll_slice{10};
constexpr std::chrono::milliseconds pidfd_poll_slice{1000};

// Appends what can be read now; false once the pipe reached end of file (or failed).
bool read_available(int read_fd, std::string& bytes) {
  char buffer[65536];
  while (true) {
    const ssize_t count = read(read_fd, buffer, sizeof(buffer));
    if (count > 0) {
      bytes.append(buffer, static_cast<std::size_t>(count));
      continue;
    }
    if (count < 0 && errno == EINTR) {
      continue;
    }
    return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

// A descriptor that becomes readable when `child` exits, or -1. Through syscall(): Debian 12's
// <sys/pidfd.h> declares pidfd_open without C linkage, so C++ cannot link against it.
int open_child_descriptor(pid_t child) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, child, 0));
#else
  (void)child;
  return -1;
#endif
}

int wait_blocking(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

ChildReport watch_child(pid_t child, int read_fd, std::uint64_t wall_clock_ms) {
  // Capped, so a budget meaning "practically forever" cannot overflow the clock's arithmetic.
  constexpr std::uint64_t longest_budget_ms = std::uint64_t{365} * 24 * 60 * 60 * 1000;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(std::min(wall_clock_ms, longest_budget_ms));
  fcntl(read_fd, F_SETFL, fcntl(read_fd, F_GETFL) | O_NONBLOCK);
  const int child_fd = open_child_descriptor(child);  // -1: fall back to slices
  ChildReport report;
  bool pipe_open = true;
  while (true) {
    // WNOWAIT: the child stays a zombie, so its process group id cannot be reused while the
    // group's leftovers (whatever the work forked) are killed with it.
    siginfo_t exited{};
    const int waited =
        waitid(P_PID, static_cast<id_t>(child), &exited, WEXITED | WNOHANG | WNOWAIT);
    if (waited == 0 && exited.si_pid == child) {
      kill(-child, SIGKILL);
      report.wait_status = wait_blocking(child);
      if (pipe_open) {
        read_available(read_fd, report.bytes);
      }
      break;
    }
    if (waited < 0 && errno != EINTR) {
      // Someone else reaped the child (SIGCHLD ignored, a stray waitpid(-1)): nothing to wait on.
      report.wait_errno = errno;
      break;
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      kill(-child, SIGKILL);
      kill(child, SIGKILL);
      wait_blocking(child);
      report.timed_out = true;
      break;
    }
    const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    const int slice_ms = static_cast<int>(
        std::min(remaining, child_fd >= 0 ? pidfd_poll_slice : poll_slice).count());
    pollfd watched[2];
    nfds_t count = 0;
    if (pipe_open) {
      watched[count++] = pollfd{read_fd, POLLIN, 0};
    }
    if (child_fd >= 0) {
      watched[count++] = pollfd{child_fd, POLLIN, 0};
    }
    if (poll(count == 0 ? nullptr : watched, count, slice_ms) > 0 && pipe_open &&
        watched[0].revents != 0) {
      pipe_open = read_available(read_fd, report.bytes);
    }
  }
  if (child_fd >= 0) {
    close(child_fd);
  }
  return report;
}

}  // namespace lockstep::harness::isolation
