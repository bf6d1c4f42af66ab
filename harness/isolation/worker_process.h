// A long-lived child process that runs untrusted work request after request, so that isolation
// costs a pipe round trip per request instead of a fork (DESIGN.md principle 5).
//
// The parent starts a worker with a setup function (run once in the child, e.g. loading a
// plugin there and never in the parent) and a handler; then it sends requests and reads replies,
// each one length-prefixed frame, in order. A worker that crashes, exits or is killed ends its
// pipe; finish() then says how it ended (the signal, a memory blow-up, an exit code) and the
// caller starts a new one. Deciding when a request takes too long is the caller's business: it
// reads the clock and calls finish(kill) (the watchdogs live in runner/, whose names say so).
//
// What the worker is given (child_setup.h): a process group of its own, which finish() always
// kills, so nothing the work forked outlives the worker; death with its parent; default crash
// signals; no core files; an address-space limit; its standard input from /dev/null; and its
// standard output and error both written to a capture file of its own (a memfd, emptied before
// each request and at most `output_bytes_max` long), so that nothing the work prints reaches the
// user's terminal or lockstep's own output. output_tail() reads the end of it: after a reply, or
// after the worker died, it holds what the last request printed. Every file descriptor the parent
// had open is closed in the worker, so a worker never holds another worker's pipes open.
//
// fork() copies only the calling thread: start workers from a single-threaded process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/isolation/run_isolated.h"

namespace lockstep::harness {

struct WorkerLimits {
  /// The worker's address-space limit (RLIMIT_AS); 0 for none. Not applied in AddressSanitizer
  /// builds (see memory_limit_enforced()).
  std::uint64_t memory_bytes = std::uint64_t{2} << 30;
  /// How large the capture of one request's output may grow (RLIMIT_FSIZE: writes past it fail).
  std::uint64_t output_bytes_max = std::uint64_t{16} << 20;
};

/// Runs once in a new worker before its first request. A non-empty result is a one-line error:
/// the worker reports it and exits.
using WorkerSetup = std::function<std::string()>;
/// Turns one request into its reply, in the worker.
using WorkerHandler = std::function<std::string(std::string_view request)>;

/// In a worker's handler only: the last `max_bytes` of what the current request printed so far
/// (standard output and error, flushed first), and how many bytes it printed in all.
std::string worker_output_so_far(std::size_t max_bytes, std::uint64_t* total_bytes = nullptr);

class WorkerProcess {
 public:
  /// Forks a worker. nullptr with a one-line `error` if the fork or its pipes fail.
  static std::unique_ptr<WorkerProcess> start(const WorkerSetup& setup,
                                              const WorkerHandler& handler,
                                              const WorkerLimits& limits, std::string& error);
  /// Kills the worker's group and reaps it if finish() was not called.
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  pid_t process() const { return process_; }
  /// Readable (poll POLLIN) when a reply, the ready signal, or the worker's end can be read.
  int reply_descriptor() const { return reply_fd_; }
  /// Readable once the worker exited (a pidfd), or -1 where the kernel has none: then poll
  /// with a short timeout and ask has_exited(). The reply socket alone does not tell: a process
  /// the work forked may hold it open after the worker died.
  int exit_descriptor() const { return child_fd_; }
  /// True once the worker process has ended (it is not reaped until finish()).
  bool has_exited() const;

  /// Sends one request (blocking while the socket is full). False if the worker is gone.
  bool send(std::string_view request);
  /// Sends several requests in one write, in order.
  bool send_all(const std::vector<std::string_view>& requests);
  /// Reads what is there without blocking and appends every complete reply, in order. Returns
  /// false once the worker's end of the pipe closed (it exited, died, or failed its setup).
  bool read_replies(std::vector<std::string>& replies);
  /// True once the worker finished its setup (a ready signal came before any reply).
  bool ready() const { return ready_; }

  /// Ends the worker: with `kill`, SIGKILL to its whole group at once; without, its request
  /// pipe is closed and it exits on its own (waited for at most `grace_ms`, then killed). Kills
  /// whatever is left of its group, reaps it, and says how it ended: completed (exit code 0),
  /// crashed, memory_exceeded, or failed (another exit code, a setup error, an exception, a
  /// sanitizer's report). Call once.
  IsolatedOutcome finish(bool kill, std::uint64_t grace_ms = 5'000);

  /// The last `max_bytes` of what the work wrote to its standard output and error since the
  /// current (or last) request began, and how many bytes there were in all.
  std::string output_tail(std::size_t max_bytes, std::uint64_t* total_bytes = nullptr) const;

 private:
  WorkerProcess() = default;
  bool parse_frames(std::vector<std::string>& replies);

  pid_t process_ = -1;
  int request_fd_ = -1;
  int reply_fd_ = -1;
  int capture_fd_ = -1;
  int child_fd_ = -1;    // pidfd, or -1
  std::string pending_;  // bytes after the last complete frame
  std::string failure_;  // what a setup error or an exception frame said
  bool ready_ = false;
  bool said_goodbye_ = false;  // the worker ended itself and its group after the last request
  bool finished_ = false;
  WorkerLimits limits_;
};

}  // namespace lockstep::harness
