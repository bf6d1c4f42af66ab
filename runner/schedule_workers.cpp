// In-process loop, fork, pipes, poll.
#include "runner/schedule_workers.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <vector>

#include "runner/interrupt_signals.h"
#include "runner/real_host_clock.h"

namespace lockstep::runner {

namespace {

bool should_stop(const WorkerSettings& settings) {
  return interrupt_signal() != 0 ||
         (settings.deadline_seconds && real_host_seconds() >= *settings.deadline_seconds);
}

bool caller_stops(const WorkerSettings& settings) {
  return settings.stop_requested && settings.stop_requested();
}

bool write_all(int descriptor, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t count = ::write(descriptor, text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count <= 0) {
      return false;
    }
    written += static_cast<std::size_t>(count);
  }
  return true;
}

// The body of worker `worker`: never returns.
[[noreturn]] void worker_main(std::optional<std::uint64_t> task_count,
                              const WorkerSettings& settings, unsigned worker,
                              const LineTask& run_task, int output) {
  install_interrupt_handlers(/*second_signal_kills=*/false);
  int status = 0;
  try {
    for (std::uint64_t task = worker; !task_count || task < *task_count; task += settings.jobs) {
      if (should_stop(settings)) {
        break;
      }
      if (!write_all(output, run_task(task) + "\n")) {
        status = 1;
        break;
      }
    }
  } catch (const std::exception& exception) {
    write_all(output, std::string("! ") + exception.what() + "\n");
    status = 1;
  }
  ::close(output);
  // _exit: the parent's buffered stdout was copied into this process and must not be
  // flushed twice; nor may static destructors run twice.
  ::_exit(status);
}

struct Worker {
  pid_t process = -1;
  int input = -1;
  std::string pending;  // bytes after the last complete line
};

bool run_in_process(std::optional<std::uint64_t> task_count, const WorkerSettings& settings,
                    const LineTask& run_task, const LineSink& sink, const IdleTick& tick,
                    std::string& error) {
  for (std::uint64_t task = 0; !task_count || task < *task_count; ++task) {
    if (should_stop(settings) || caller_stops(settings)) {
      break;
    }
    if (!sink(run_task(task))) {
      error = "task " + std::to_string(task) + " gave an unreadable result";
      return false;
    }
    tick();
  }
  return true;
}

}  // namespace

bool run_line_tasks(std::optional<std::uint64_t> task_count, const WorkerSettings& settings,
                    const LineTask& run_task, const LineSink& sink, const IdleTick& tick,
                    std::string& error) {
  if (settings.jobs <= 1) {
    return run_in_process(task_count, settings, run_task, sink, tick, error);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  std::vector<Worker> workers;
  for (unsigned worker = 0; worker < settings.jobs; ++worker) {
    int channel[2];
    if (::pipe(channel) != 0) {
      error = "cannot create a pipe for worker processes";
      break;
    }
    const pid_t process = ::fork();
    if (process == 0) {
      ::close(channel[0]);
      for (const Worker& other : workers) {
        ::close(other.input);
      }
      worker_main(task_count, settings, worker, run_task, channel[1]);
    }
    ::close(channel[1]);
    if (process < 0) {
      ::close(channel[0]);
      error = "cannot start worker processes (fork failed)";
      break;
    }
    workers.push_back(Worker{process, channel[0], {}});
  }
  if (!error.empty()) {
    for (Worker& worker : workers) {
      ::kill(worker.process, SIGKILL);
    }
  }

  bool forwarded = false;
  std::size_t open_pipes = workers.size();
  while (open_pipes > 0) {
    if ((interrupt_signal() != 0 || caller_stops(settings)) && !forwarded) {
      for (const Worker& worker : workers) {
        ::kill(worker.process, SIGTERM);
      }
      forwarded = true;
    }
    std::vector<pollfd> watched;
    for (const Worker& worker : workers) {
      watched.push_back(pollfd{worker.input, POLLIN, 0});
    }
    const int ready = ::poll(watched.data(), watched.size(), 100);
    tick();
    if (ready <= 0) {
      continue;  // timeout, or EINTR from a signal: both re-check and poll again
    }
    for (std::size_t position = 0; position < workers.size(); ++position) {
      Worker& worker = workers[position];
      if (worker.input < 0 || watched[position].revents == 0) {
        continue;
      }
      char buffer[8192];
      const ssize_t count = ::read(worker.input, buffer, sizeof(buffer));
      if (count < 0 && errno == EINTR) {
        continue;
      }
      if (count <= 0) {
        ::close(worker.input);
        worker.input = -1;
        --open_pipes;
        continue;
      }
      worker.pending.append(buffer, static_cast<std::size_t>(count));
      std::size_t line_end;
      while ((line_end = worker.pending.find('\n')) != std::string::npos) {
        const std::string line = worker.pending.substr(0, line_end);
        worker.pending.erase(0, line_end + 1);
        if (line.rfind("! ", 0) == 0) {
          if (error.empty()) {
            error = "worker " + std::to_string(position + 1) + " failed: " + line.substr(2);
          }
          continue;
        }
        if (!sink(line) && error.empty()) {
          error = "worker " + std::to_string(position + 1) + " sent an unreadable result";
        }
      }
    }
  }
  for (std::size_t position = 0; position < workers.size(); ++position) {
    int status = 0;
    while (::waitpid(workers[position].process, &status, 0) < 0 && errno == EINTR) {
    }
    if (error.empty() && WIFSIGNALED(status)) {
      error = "worker " + std::to_string(position + 1) + " was killed by signal " +
              std::to_string(WTERMSIG(status));
    } else if (error.empty() && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      error = "worker " + std::to_string(position + 1) + " exited with status " +
              std::to_string(WEXITSTATUS(status));
    }
  }
  return error.empty();
}

bool run_tasks(const ScheduleTaskSpace& space, const WorkerSettings& settings,
               const TaskRunner& run_task, const RecordSink& sink, const IdleTick& tick,
               std::string& error) {
  return run_line_tasks(
      space.size(), settings, [&](std::uint64_t task) { return run_task(task).to_line(); },
      [&](const std::string& line) {
        const std::optional<ScheduleRecord> record = ScheduleRecord::parse(line);
        if (record) {
          sink(*record);
        }
        return record.has_value();
      },
      tick, error);
}

}  // namespace lockstep::runner
