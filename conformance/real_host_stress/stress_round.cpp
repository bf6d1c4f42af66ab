// Thread groups and formatting shared by the stress rounds.
#include "conformance/real_host_stress/stress_round.h"

#include "conformance/real_host_stress/process_cpu_time.h"
#include "harness/real_host/real_clock.h"

namespace lockstep::stress {

ThreadGroup::~ThreadGroup() {
  if (!settled_) {
    join_or_abandon([] { return false; }, 0, 1e9);
  }
}

void ThreadGroup::start(std::function<void()> body) {
  threads_.emplace_back([this, body = std::move(body)] {
    body();
    done_.fetch_add(1);
  });
}

bool ThreadGroup::join_or_abandon(const std::function<bool()>& idle, double quiet_seconds,
                                  double bound_seconds) {
  settled_ = true;
  const double deadline = wall_seconds() + bound_seconds;
  double quiet_since = -1;
  while (!all_done()) {
    const double now = wall_seconds();
    if (now > deadline) {
      break;
    }
    if (idle()) {
      if (quiet_since < 0) {
        quiet_since = now;
      } else if (now - quiet_since > quiet_seconds) {
        break;
      }
    } else {
      quiet_since = -1;
    }
    real_host::sleep_for_ns(500'000);
  }
  const bool finished = all_done();
  for (std::thread& thread : threads_) {
    if (finished) {
      thread.join();
    } else {
      thread.detach();
    }
  }
  threads_.clear();
  return finished;
}

std::string stuck_parts(std::initializer_list<std::pair<const char*, bool>> stopped) {
  std::string text;
  for (const auto& [name, done] : stopped) {
    if (!done) {
      text += (text.empty() ? "" : ", ") + std::string(name);
    }
  }
  return text;
}

const char* channel_state_name(WS_CHANNEL_STATE state) {
  switch (state) {
    case WS_CHANNEL_STATE_CREATED:
      return "CREATED";
    case WS_CHANNEL_STATE_OPENING:
      return "OPENING";
    case WS_CHANNEL_STATE_ACCEPTING:
      return "ACCEPTING";
    case WS_CHANNEL_STATE_OPEN:
      return "OPEN";
    case WS_CHANNEL_STATE_FAULTED:
      return "FAULTED";
    case WS_CHANNEL_STATE_CLOSING:
      return "CLOSING";
    case WS_CHANNEL_STATE_CLOSED:
      return "CLOSED";
  }
  return "unknown";
}

}  // namespace lockstep::stress
