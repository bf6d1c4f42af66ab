// WorkerProcess: the fork, the worker's loop, the frames both ways, and the end.
//
// Requests and replies share one socket pair (sockets, not pipes: the parent writes with
// MSG_NOSIGNAL, so a worker that died never kills the parent with SIGPIPE). Parent to worker:
// [length: 8 bytes][request]. Worker to parent: [kind: 1 byte][length: 8 bytes][payload], kind
// 'Y' (setup done, empty), 'R' (a reply), 'S' (setup failed, then the worker exits), 'E' (the
// handler threw, then the worker exits) or 'B' (no more requests: the worker kills its own
// process group, itself included, so that its SIGKILL is the normal end). Lengths are in host
// order: both ends are one binary.
#include "harness/isolation/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <system_error>

#include "harness/isolation/child_protocol.h"
#include "harness/isolation/child_setup.h"

namespace lockstep::harness {

namespace {

constexpr char kFrameReady = 'Y';
constexpr char kFrameReply = 'R';
constexpr char kFrameSetupFailed = 'S';
constexpr char kFrameGoodbye = 'B';

// The worker's descriptors, at fixed numbers so that everything above them can be closed.
constexpr int kWorkerSocket = 3;
constexpr int kWorkerCapture = 4;
constexpr int kFirstClosed = 5;

std::string system_message(int error_number) {
  return std::system_category().message(error_number);
}

bool write_all(int descriptor, const char* data, std::size_t size, bool no_signal) {
  while (size > 0) {
    const ssize_t written =
        no_signal ? ::send(descriptor, data, size, MSG_NOSIGNAL) : ::write(descriptor, data, size);
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

// ---- the worker's side ----------------------------------------------------------------------

// One write for a small frame (most replies are a few dozen bytes), two for a large one.
bool write_frame(char kind, std::string_view payload) {
  char header[isolation::frame_header_bytes];
  header[0] = kind;
  const std::uint64_t length = payload.size();
  std::memcpy(header + 1, &length, sizeof(length));
  if (payload.size() <= 4096) {
    char frame[isolation::frame_header_bytes + 4096];
    std::memcpy(frame, header, sizeof(header));
    if (!payload.empty()) {  // an empty view may have no data pointer at all
      std::memcpy(frame + sizeof(header), payload.data(), payload.size());
    }
    return write_all(kWorkerSocket, frame, sizeof(header) + payload.size(), false);
  }
  return write_all(kWorkerSocket, header, sizeof(header), false) &&
         write_all(kWorkerSocket, payload.data(), payload.size(), false);
}

// The requests as the parent sent them, read in as large pieces as are there: a parent that
// hands out many requests at once costs one read for all of them.
class RequestReader {
 public:
  // False at the end of the requests (or a broken socket).
  bool next(std::string& request) {
    std::uint64_t length = 0;
    if (!take(reinterpret_cast<char*>(&length), sizeof(length))) {
      return false;
    }
    request.resize(length);
    return take(request.data(), length);
  }

 private:
  bool take(char* data, std::size_t size) {
    while (size > 0) {
      if (start_ == buffered_.size()) {
        buffered_.resize(65536);
        const ssize_t count = ::read(kWorkerSocket, buffered_.data(), buffered_.size());
        if (count < 0 && errno == EINTR) {
          buffered_.clear();
          start_ = 0;
          continue;
        }
        if (count <= 0) {
          return false;
        }
        buffered_.resize(static_cast<std::size_t>(count));
        start_ = 0;
      }
      const std::size_t taken = std::min(size, buffered_.size() - start_);
      std::memcpy(data, buffered_.data() + start_, taken);
      start_ += taken;
      data += taken;
      size -= taken;
    }
    return true;
  }

  std::string buffered_;
  std::size_t start_ = 0;
};

void flush_output() {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
}

void close_descriptors_from(int first) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, static_cast<unsigned>(first), ~0u, 0u) == 0) {
    return;
  }
#endif
  const long limit = sysconf(_SC_OPEN_MAX);
  for (long descriptor = first; descriptor < (limit > 0 ? limit : 1024); ++descriptor) {
    ::close(static_cast<int>(descriptor));
  }
}

// Standard input from /dev/null, standard output and error into the capture, our two
// descriptors at their fixed numbers, and nothing else open.
void arrange_descriptors(int socket, int capture) {
  const int socket_copy = fcntl(socket, F_DUPFD, 16);
  const int capture_copy = fcntl(capture, F_DUPFD, 16);
  dup2(socket_copy, kWorkerSocket);
  dup2(capture_copy, kWorkerCapture);
  const int null_device = ::open("/dev/null", O_RDONLY);
  if (null_device >= 0) {
    dup2(null_device, STDIN_FILENO);
  }
  dup2(kWorkerCapture, STDOUT_FILENO);
  dup2(kWorkerCapture, STDERR_FILENO);
  close_descriptors_from(kFirstClosed);
}

[[noreturn]] void leave_with_group() {
  char header[isolation::frame_header_bytes] = {kFrameGoodbye};
  ::send(kWorkerSocket, header, sizeof(header), MSG_NOSIGNAL);
  kill(0, SIGKILL);
  _exit(isolation::exit_code_reported);  // not reached
}

[[noreturn]] void worker_main(const WorkerSetup& setup, const WorkerHandler& handler,
                              const WorkerLimits& limits, int socket, int capture, pid_t parent) {
  isolation::lead_own_process_group();
  isolation::restore_default_crash_signals();
  isolation::report_sanitizer_deaths();
  isolation::die_with_parent(parent);
  // The parent's interrupt handlers would keep a worker running after Ctrl-C on its own; the
  // parent decides when a worker stops.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  arrange_descriptors(socket, capture);
  // Line by line, as on a terminal: standard output and error interleave as they were written,
  // and a crash loses at most an unfinished line.
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  isolation::apply_limits(limits.memory_bytes, limits.output_bytes_max);
  try {
    const std::string setup_error = setup ? setup() : std::string();
    flush_output();
    if (!setup_error.empty()) {
      write_frame(kFrameSetupFailed, setup_error);
      _exit(isolation::exit_code_reported);
    }
    if (!write_frame(kFrameReady, {})) {
      _exit(isolation::exit_code_pipe_failed);
    }
    std::string request;
    RequestReader requests;
    while (true) {
      if (!requests.next(request)) {
        // No more requests: the parent is done with this worker, or died (its end of the
        // socket may close before the kernel tells us with the parent-death signal). Either
        // way, what the work forked goes too: the whole group, this worker with it. The
        // goodbye frame tells a living parent that this SIGKILL is the normal end.
        leave_with_group();
      }
      if (ftruncate(kWorkerCapture, 0) != 0) {
        // Nothing to do about it: the capture keeps the previous request's output too.
      }
      const std::string reply = handler(request);
      flush_output();
      if (!write_frame(kFrameReply, reply)) {
        _exit(isolation::exit_code_pipe_failed);
      }
    }
  } catch (const std::bad_alloc&) {
    _exit(isolation::exit_code_memory_exceeded);
  } catch (const std::exception& exception) {
    write_frame(isolation::frame_exception, exception.what());
  } catch (...) {
    write_frame(isolation::frame_exception, "an exception that is not a std::exception");
  }
  flush_output();
  _exit(isolation::exit_code_reported);
}

int open_child_descriptor(pid_t child) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, child, 0));
#else
  (void)child;
  return -1;
#endif
}

// Waits for the worker to exit without reaping it, at most `timeout_ms` (-1: for ever).
bool wait_for_exit(pid_t process, int child_fd, int timeout_ms) {
  for (int waited_ms = 0;;) {
    siginfo_t exited{};
    const int status =
        waitid(P_PID, static_cast<id_t>(process), &exited, WEXITED | WNOHANG | WNOWAIT);
    if (status == 0 && exited.si_pid == process) {
      return true;
    }
    if (status < 0 && errno != EINTR) {
      return true;  // nothing left to wait for (reaped elsewhere)
    }
    if (timeout_ms >= 0 && waited_ms >= timeout_ms) {
      return false;
    }
    // With a pidfd the poll wakes at the exit; without one, short slices.
    const int slice_ms = child_fd >= 0 ? 1000 : 10;
    const int wait_ms = timeout_ms < 0 ? slice_ms : std::min(slice_ms, timeout_ms - waited_ms);
    pollfd watched{child_fd, POLLIN, 0};
    ::poll(child_fd >= 0 ? &watched : nullptr, child_fd >= 0 ? 1 : 0, wait_ms);
    waited_ms += wait_ms;
  }
}

std::string tail_of(int capture, std::size_t max_bytes, std::uint64_t* total_bytes) {
  struct stat status {};
  if (capture < 0 || fstat(capture, &status) != 0) {
    return {};
  }
  const auto size = static_cast<std::uint64_t>(status.st_size);
  if (total_bytes != nullptr) {
    *total_bytes = size;
  }
  const std::uint64_t kept = std::min<std::uint64_t>(size, max_bytes);
  std::string tail(kept, '\0');
  const ssize_t count = pread(capture, tail.data(), kept, static_cast<off_t>(size - kept));
  tail.resize(count > 0 ? static_cast<std::size_t>(count) : 0);
  return tail;
}

IsolatedOutcome outcome_of(int wait_status, const std::string& failure,
                           const WorkerLimits& limits) {
  IsolatedOutcome outcome;
  outcome.limits.memory_bytes = limits.memory_bytes;
  if (WIFSIGNALED(wait_status)) {
    outcome.kind = IsolatedOutcomeKind::crashed;
    outcome.signal_number = WTERMSIG(wait_status);
    return outcome;
  }
  const int exit_code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  if (exit_code == isolation::exit_code_memory_exceeded) {
    outcome.kind = IsolatedOutcomeKind::memory_exceeded;
    return outcome;
  }
  outcome.kind = IsolatedOutcomeKind::failed;
  if (exit_code == isolation::exit_code_sanitizer_report) {
    outcome.message = "a sanitizer reported an error in the work (its report is in the output)";
  } else if (!failure.empty()) {
    outcome.message = failure;
  } else if (exit_code == isolation::exit_code_reported) {
    outcome.kind = IsolatedOutcomeKind::completed;
  } else if (exit_code == isolation::exit_code_pipe_failed) {
    outcome.message = "the worker lost its connection to the parent";
  } else {
    outcome.message = "the worker exited with code " + std::to_string(exit_code);
  }
  return outcome;
}

}  // namespace

std::unique_ptr<WorkerProcess> WorkerProcess::start(const WorkerSetup& setup,
                                                    const WorkerHandler& handler,
                                                    const WorkerLimits& limits,
                                                    std::string& error) {
  int sockets[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    error = "cannot create a socket pair for a worker process: " + system_message(errno);
    return nullptr;
  }
  const int capture = static_cast<int>(syscall(SYS_memfd_create, "lockstep-worker-output", 1u));
  if (capture < 0) {
    error = "cannot create the output capture of a worker process: " + system_message(errno);
    ::close(sockets[0]);
    ::close(sockets[1]);
    return nullptr;
  }
  fcntl(capture, F_SETFD, FD_CLOEXEC);
  fcntl(capture, F_SETFL, fcntl(capture, F_GETFL) | O_APPEND);
  // Whatever is buffered now would otherwise be written twice: by the parent and by the worker.
  flush_output();
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) {
    error = "cannot start a worker process (fork failed: " + system_message(errno) + ")";
    ::close(sockets[0]);
    ::close(sockets[1]);
    ::close(capture);
    return nullptr;
  }
  if (child == 0) {
    ::close(sockets[0]);
    worker_main(setup, handler, limits, sockets[1], capture, parent);
  }
  setpgid(child, child);  // also here: the group exists before the parent may have to kill it
  ::close(sockets[1]);
  std::unique_ptr<WorkerProcess> worker(new WorkerProcess());
  worker->process_ = child;
  worker->request_fd_ = sockets[0];
  worker->reply_fd_ = sockets[0];
  worker->capture_fd_ = capture;
  worker->child_fd_ = open_child_descriptor(child);
  worker->limits_ = limits;
  fcntl(worker->reply_fd_, F_SETFL, fcntl(worker->reply_fd_, F_GETFL) | O_NONBLOCK);
  return worker;
}

WorkerProcess::~WorkerProcess() {
  if (!finished_) {
    finish(/*kill=*/true);
  }
  ::close(capture_fd_);
}

bool WorkerProcess::has_exited() const {
  if (finished_) {
    return true;
  }
  siginfo_t exited{};
  const int status =
      waitid(P_PID, static_cast<id_t>(process_), &exited, WEXITED | WNOHANG | WNOWAIT);
  return (status == 0 && exited.si_pid == process_) || (status < 0 && errno != EINTR);
}

bool WorkerProcess::send(std::string_view request) {
  return send_all(std::vector<std::string_view>{request});
}

bool WorkerProcess::send_all(const std::vector<std::string_view>& requests) {
  if (finished_) {
    return false;
  }
  // One write for all of them: a run hands out dozens of small requests at a time.
  std::string frames;
  for (const std::string_view request : requests) {
    const std::uint64_t length = request.size();
    frames.append(reinterpret_cast<const char*>(&length), sizeof(length));
    frames.append(request);
  }
  // The socket is non-blocking for reads; the requests are written whole, waiting while it is
  // full.
  const char* data = frames.data();
  std::size_t size = frames.size();
  while (size > 0) {
    const ssize_t written = ::send(request_fd_, data, size, MSG_NOSIGNAL);
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd watched{request_fd_, POLLOUT, 0};
      ::poll(&watched, 1, 100);
      continue;
    }
    if (written <= 0) {
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

bool WorkerProcess::parse_frames(std::vector<std::string>& replies) {
  std::size_t offset = 0;
  while (pending_.size() - offset >= isolation::frame_header_bytes) {
    std::uint64_t length = 0;
    std::memcpy(&length, pending_.data() + offset + 1, sizeof(length));
    if (pending_.size() - offset - isolation::frame_header_bytes < length) {
      break;
    }
    const char kind = pending_[offset];
    std::string payload = pending_.substr(offset + isolation::frame_header_bytes, length);
    offset += isolation::frame_header_bytes + length;
    if (kind == kFrameReady) {
      ready_ = true;
    } else if (kind == kFrameReply) {
      replies.push_back(std::move(payload));
    } else if (kind == kFrameSetupFailed) {
      failure_ = "the worker could not start: " + payload;
    } else if (kind == isolation::frame_exception) {
      failure_ = "the work threw: " + payload;
    } else if (kind == kFrameGoodbye) {
      said_goodbye_ = true;
    }
  }
  pending_.erase(0, offset);
  return true;
}

bool WorkerProcess::read_replies(std::vector<std::string>& replies) {
  if (reply_fd_ < 0) {
    return false;
  }
  char buffer[65536];
  while (true) {
    const ssize_t count = ::read(reply_fd_, buffer, sizeof(buffer));
    if (count > 0) {
      pending_.append(buffer, static_cast<std::size_t>(count));
      continue;
    }
    if (count < 0 && errno == EINTR) {
      continue;
    }
    parse_frames(replies);
    return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

IsolatedOutcome WorkerProcess::finish(bool kill, std::uint64_t grace_ms) {
  finished_ = true;
  bool exited = false;
  if (!kill) {
    ::shutdown(request_fd_, SHUT_WR);  // the worker reads the end of its requests and exits
    exited = wait_for_exit(process_, child_fd_,
                           static_cast<int>(std::min<std::uint64_t>(grace_ms, 3'600'000)));
  }
  if (!exited) {
    ::kill(-process_, SIGKILL);
    ::kill(process_, SIGKILL);
    wait_for_exit(process_, child_fd_, -1);
  }
  // The worker is a zombie now, so its group id cannot have been reused: end what it forked.
  ::kill(-process_, SIGKILL);
  int status = 0;
  while (::waitpid(process_, &status, 0) < 0 && errno == EINTR) {
  }
  std::vector<std::string> late_replies;
  read_replies(late_replies);
  if (said_goodbye_ && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
    status = 0;  // the worker ended its own group after its last request: a normal end
  }
  ::close(reply_fd_);
  reply_fd_ = -1;
  request_fd_ = -1;
  if (child_fd_ >= 0) {
    ::close(child_fd_);
    child_fd_ = -1;
  }
  return outcome_of(status, failure_, limits_);
}

std::string WorkerProcess::output_tail(std::size_t max_bytes, std::uint64_t* total_bytes) const {
  return tail_of(capture_fd_, max_bytes, total_bytes);
}

std::string worker_output_so_far(std::size_t max_bytes, std::uint64_t* total_bytes) {
  flush_output();
  return tail_of(kWorkerCapture, max_bytes, total_bytes);
}

}  // namespace lockstep::harness
