// WorkerClient: start on demand, send, wait with a deadline, end a worker that failed.
#include "runner/worker_client.h"

#include <poll.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <vector>

#include "runner/real_host_clock.h"

namespace lockstep::runner {

WorkerClient::WorkerClient(harness::WorkerSetup setup, harness::WorkerHandler handler,
                           harness::WorkerLimits limits)
    : setup_(std::move(setup)), handler_(std::move(handler)), limits_(limits) {}

std::unique_ptr<WorkerClient> WorkerClient::in_this_process(harness::WorkerSetup setup,
                                                            harness::WorkerHandler handler) {
  auto client =
      std::make_unique<WorkerClient>(std::move(setup), std::move(handler), harness::WorkerLimits{});
  client->in_this_process_ = true;
  return client;
}

// What a worker would have answered, computed here; a crash is this process's own.
TaskEnd WorkerClient::call_here(std::string_view request) {
  TaskEnd end;
  end.outcome.kind = harness::IsolatedOutcomeKind::failed;
  if (!set_up_here_) {
    const std::string error = setup_ ? setup_() : std::string();
    if (!error.empty()) {
      setup_failure_ = "the worker could not start: " + error;
      end.outcome.message = setup_failure_;
      return end;
    }
    set_up_here_ = true;
  }
  try {
    end.outcome.result = handler_(request);
    end.outcome.kind = harness::IsolatedOutcomeKind::completed;
  } catch (const std::exception& exception) {
    end.outcome.message = std::string("the work threw: ") + exception.what();
  }
  return end;
}

WorkerClient::~WorkerClient() {
  if (worker_) {
    worker_->finish(/*kill=*/false);
  }
}

TaskEnd WorkerClient::end_worker(bool kill, std::uint64_t timeout_ms) {
  TaskEnd end;
  end.output_tail = worker_->output_tail(kOutputTailBytes, &end.output_bytes);
  end.outcome = worker_->finish(kill);
  end.outcome.limits.wall_clock_ms = timeout_ms;
  if (kill) {
    end.outcome.kind = harness::IsolatedOutcomeKind::timed_out;
  } else if (end.outcome.kind == harness::IsolatedOutcomeKind::completed) {
    end.outcome.kind = harness::IsolatedOutcomeKind::failed;
    end.outcome.message = "the worker exited with code 0 in the middle of a task";
  }
  if (!worker_->ready() && end.outcome.kind == harness::IsolatedOutcomeKind::failed &&
      end.outcome.message.rfind("the worker could not start", 0) == 0) {
    setup_failure_ = end.outcome.message;
  }
  worker_.reset();
  return end;
}

TaskEnd WorkerClient::call(std::string_view request, std::uint64_t timeout_ms) {
  TaskEnd end;
  if (!setup_failure_.empty()) {
    end.outcome.kind = harness::IsolatedOutcomeKind::failed;
    end.outcome.message = setup_failure_;
    return end;
  }
  if (in_this_process_) {
    return call_here(request);
  }
  if (!worker_) {
    std::string error;
    worker_ = harness::WorkerProcess::start(setup_, handler_, limits_, error);
    if (!worker_) {
      end.outcome.kind = harness::IsolatedOutcomeKind::failed;
      end.outcome.message = error;
      return end;
    }
    ++workers_started_;
  }
  if (!worker_->send(request)) {
    return end_worker(/*kill=*/false, timeout_ms);
  }
  const double deadline = real_host_seconds() + static_cast<double>(timeout_ms) / 1000.0;
  std::vector<std::string> replies;
  while (true) {
    const bool open = worker_->read_replies(replies);
    if (!replies.empty()) {
      end.outcome.kind = harness::IsolatedOutcomeKind::completed;
      end.outcome.result = std::move(replies.front());
      return end;
    }
    if (!open || worker_->has_exited()) {
      return end_worker(/*kill=*/false, timeout_ms);
    }
    const double now = real_host_seconds();
    if (now >= deadline) {
      return end_worker(/*kill=*/true, timeout_ms);
    }
    pollfd watched[2] = {{worker_->reply_descriptor(), POLLIN, 0},
                         {worker_->exit_descriptor(), POLLIN, 0}};
    const bool exit_watched = worker_->exit_descriptor() >= 0;
    const int wait_ms = static_cast<int>(
        std::min(exit_watched ? 1000.0 : 10.0, std::ceil((deadline - now) * 1000.0)));
    ::poll(watched, exit_watched ? 2 : 1, wait_ms);
  }
}

}  // namespace lockstep::runner
