// The pool's loop: hand out, poll, collect, watch the clock, replace the dead.
#include "runner/process_pool.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <set>
#include <vector>

#include "runner/interrupt_signals.h"
#include "runner/real_host_clock.h"

namespace lockstep::runner {

namespace {

constexpr unsigned kStartFailuresAllowed = 3;

struct Slot {
  std::unique_ptr<harness::WorkerProcess> worker;
  std::deque<std::uint64_t> outstanding;  // handed out, not answered, in order
  double started_seconds = 0;             // when the first outstanding task began
};

class Pool {
 public:
  Pool(const harness::WorkerSetup& setup, const harness::WorkerHandler& handler,
       const ProcessPoolSettings& settings, PoolWork& work, std::string& error)
      : setup_(setup),
        handler_(handler),
        settings_(settings),
        work_(work),
        error_(error),
        slots_(std::max(1u, settings.processes)) {}

  bool run(const IdleTick& tick) {
    while (true) {
      for (Slot& slot : slots_) {
        if (!fill(slot)) {
          return stop();
        }
      }
      std::vector<Slot*> active;
      for (Slot& slot : slots_) {
        if (!slot.outstanding.empty()) {
          active.push_back(&slot);
        }
      }
      if (active.empty()) {
        break;
      }
      if (replies_last_round_ && settings_.reply_batch_wait_us > 0) {
        ::usleep(settings_.reply_batch_wait_us);
      }
      wait_for(active);
      tick();
      replies_last_round_ = false;
      for (Slot* slot : active) {
        if (!collect(*slot)) {
          return stop();
        }
      }
    }
    stop();
    return error_.empty();
  }

 private:
  bool interrupted() const { return !settings_.ignore_interrupts && interrupt_signal() != 0; }

  std::optional<std::uint64_t> take() {
    if (!requeued_.empty()) {
      const std::uint64_t task = *requeued_.begin();
      requeued_.erase(requeued_.begin());
      return task;
    }
    if (exhausted_ || interrupted() ||
        (settings_.deadline_seconds && real_host_seconds() >= *settings_.deadline_seconds)) {
      return std::nullopt;
    }
    const std::optional<std::uint64_t> task = work_.next_task();
    exhausted_ = !task;
    return task;
  }

  bool fill(Slot& slot) {
    if (interrupted()) {
      for (const std::uint64_t task : requeued_) {
        work_.task_not_run(task);
      }
      requeued_.clear();
    }
    std::vector<std::string> requests;
    while (slot.outstanding.size() < std::max(1u, settings_.tasks_in_flight_per_process)) {
      const std::optional<std::uint64_t> task = take();
      if (!task) {
        break;
      }
      if (!slot.worker) {
        slot.worker = harness::WorkerProcess::start(setup_, handler_, settings_.limits, error_);
        if (!slot.worker) {
          work_.task_not_run(*task);
          return false;
        }
      }
      if (slot.outstanding.empty()) {
        slot.started_seconds = real_host_seconds();
      }
      slot.outstanding.push_back(*task);
      requests.push_back(work_.request_of(*task));
    }
    if (requests.empty()) {
      return true;
    }
    const std::vector<std::string_view> views(requests.begin(), requests.end());
    if (!slot.worker->send_all(views)) {
      return end_worker(slot, /*kill=*/false);  // it died: its tasks go back or end with it
    }
    return true;
  }

  double hang_deadline(const Slot& slot) const {
    return slot.started_seconds + static_cast<double>(settings_.task_timeout_ms) / 1000.0;
  }

  void wait_for(const std::vector<Slot*>& active) {
    std::vector<pollfd> watched;
    double earliest = hang_deadline(*active.front());
    bool exits_watched = true;
    for (const Slot* slot : active) {
      watched.push_back(pollfd{slot->worker->reply_descriptor(), POLLIN, 0});
      if (slot->worker->exit_descriptor() >= 0) {
        watched.push_back(pollfd{slot->worker->exit_descriptor(), POLLIN, 0});
      } else {
        exits_watched = false;
      }
      earliest = std::min(earliest, hang_deadline(*slot));
    }
    const double until_hang_ms = std::max(0.0, (earliest - real_host_seconds()) * 1000.0);
    const int timeout_ms =
        static_cast<int>(std::min(exits_watched ? 100.0 : 10.0, std::ceil(until_hang_ms)));
    ::poll(watched.data(), watched.size(), timeout_ms);  // EINTR: everything is re-checked
  }

  bool collect(Slot& slot) {
    std::vector<std::string> replies;
    const bool open = slot.worker->read_replies(replies);
    replies_last_round_ = replies_last_round_ || !replies.empty();
    for (std::string& reply : replies) {
      if (slot.outstanding.empty()) {
        error_ = "a worker process sent a reply nobody asked for";
        return false;
      }
      const std::uint64_t task = slot.outstanding.front();
      slot.outstanding.pop_front();
      slot.started_seconds = real_host_seconds();
      start_failures_in_a_row_ = 0;
      TaskEnd end;
      end.outcome.kind = harness::IsolatedOutcomeKind::completed;
      end.outcome.result = std::move(reply);
      if (!work_.task_ended(task, end)) {
        if (error_.empty()) {
          error_ = "a worker process sent an unreadable result for task " + std::to_string(task);
        }
        return false;
      }
    }
    if (!open || slot.worker->has_exited()) {
      return end_worker(slot, /*kill=*/false);
    }
    if (!slot.outstanding.empty() && real_host_seconds() >= hang_deadline(slot)) {
      return end_worker(slot, /*kill=*/true);
    }
    if (interrupted() && !replies.empty() && !slot.outstanding.empty()) {
      abandon(slot);  // it finished a task since the interrupt: the rest it holds are not run
    }
    return true;
  }

  void abandon(Slot& slot) {
    for (const std::uint64_t task : slot.outstanding) {
      work_.task_not_run(task);
    }
    slot.outstanding.clear();
    slot.worker->finish(/*kill=*/true);
    slot.worker.reset();
  }

  // The worker is gone, or is killed now: the task it was running ends with it, the others it
  // held are handed out again.
  bool end_worker(Slot& slot, bool kill) {
    std::vector<std::string> late;
    slot.worker->read_replies(late);  // answers that came just before the end still count
    for (std::string& reply : late) {
      if (slot.outstanding.empty()) {
        break;
      }
      TaskEnd end;
      end.outcome.kind = harness::IsolatedOutcomeKind::completed;
      end.outcome.result = std::move(reply);
      const std::uint64_t task = slot.outstanding.front();
      slot.outstanding.pop_front();
      if (!work_.task_ended(task, end)) {
        error_ = "a worker process sent an unreadable result for task " + std::to_string(task);
        return false;
      }
    }
    TaskEnd end;
    end.output_tail = slot.worker->output_tail(kOutputTailBytes, &end.output_bytes);
    end.outcome = slot.worker->finish(kill);
    const bool was_ready = slot.worker->ready();
    slot.worker.reset();
    end.outcome.limits.wall_clock_ms = settings_.task_timeout_ms;
    if (kill) {
      end.outcome.kind = harness::IsolatedOutcomeKind::timed_out;
    } else if (end.outcome.kind == harness::IsolatedOutcomeKind::completed) {
      end.outcome.kind = harness::IsolatedOutcomeKind::failed;
      end.outcome.message = "the worker exited with code 0 in the middle of a task";
    }
    if (!was_ready) {
      // Nothing ran: the tasks go back. A setup that says what failed ends the pool now.
      for (const std::uint64_t task : slot.outstanding) {
        requeued_.insert(task);
      }
      slot.outstanding.clear();
      const bool setup_said_why = end.outcome.kind == harness::IsolatedOutcomeKind::failed &&
                                  end.outcome.message.rfind("the worker could not start", 0) == 0;
      if (setup_said_why || ++start_failures_in_a_row_ >= kStartFailuresAllowed) {
        error_ = setup_said_why ? end.outcome.message
                                : "worker processes die while starting: " + end.outcome.describe();
        return false;
      }
      return true;
    }
    if (slot.outstanding.empty()) {
      return true;  // it died between tasks (killed from outside): nothing was lost
    }
    const std::uint64_t culprit = slot.outstanding.front();
    slot.outstanding.pop_front();
    for (const std::uint64_t task : slot.outstanding) {
      requeued_.insert(task);
    }
    slot.outstanding.clear();
    if (!work_.task_ended(culprit, end)) {
      if (error_.empty()) {
        error_ = "task " + std::to_string(culprit) + " could not be recorded";
      }
      return false;
    }
    return true;
  }

  bool stop() {
    for (Slot& slot : slots_) {
      for (const std::uint64_t task : slot.outstanding) {
        work_.task_not_run(task);
      }
      slot.outstanding.clear();
      if (slot.worker) {
        slot.worker->finish(/*kill=*/!error_.empty());
        slot.worker.reset();
      }
    }
    for (const std::uint64_t task : requeued_) {
      work_.task_not_run(task);
    }
    requeued_.clear();
    return false;
  }

  const harness::WorkerSetup& setup_;
  const harness::WorkerHandler& handler_;
  const ProcessPoolSettings& settings_;
  PoolWork& work_;
  std::string& error_;
  std::vector<Slot> slots_;
  std::set<std::uint64_t> requeued_;
  bool exhausted_ = false;
  bool replies_last_round_ = false;
  unsigned start_failures_in_a_row_ = 0;
};

}  // namespace

bool run_process_pool(const harness::WorkerSetup& setup, const harness::WorkerHandler& handler,
                      const ProcessPoolSettings& settings, PoolWork& work, const IdleTick& tick,
                      std::string& error) {
  error.clear();
  Pool pool(setup, handler, settings, work, error);
  return pool.run(tick);
}

}  // namespace lockstep::runner
