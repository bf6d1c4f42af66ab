// Drawing the bar with \r and the "erase line" escape.
#include "runner/cli/progress_display.h"

#include <algorithm>
#include <cstdio>

#include "runner/real_host_clock.h"

namespace lockstep::cli {

namespace {
constexpr int kBarWidth = 30;
constexpr double kRedrawSeconds = 0.1;
}  // namespace

ProgressDisplay::ProgressDisplay(bool terminal, std::optional<std::uint64_t> total,
                                 std::optional<std::uint64_t> time_budget_seconds)
    : terminal_(terminal),
      total_(total),
      time_budget_seconds_(time_budget_seconds),
      started_seconds_(runner::real_host_seconds()) {}

void ProgressDisplay::schedule_finished(bool failed) {
  ++done_;
  failed_ += failed ? 1 : 0;
}

void ProgressDisplay::print_line(const std::string& line) {
  if (terminal_ && bar_shown_) {
    std::fputs("\r\033[K", stdout);
    bar_shown_ = false;
  }
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
  tick();
}

void ProgressDisplay::tick() {
  if (!terminal_) {
    return;
  }
  const double now = runner::real_host_seconds();
  if (bar_shown_ && now - drawn_seconds_ < kRedrawSeconds) {
    return;
  }
  drawn_seconds_ = now;
  draw();
}

void ProgressDisplay::draw() {
  const double elapsed = std::max(1e-3, runner::real_host_seconds() - started_seconds_);
  double fraction = 0;
  char amount[96];
  if (total_) {
    fraction = *total_ == 0 ? 1.0 : static_cast<double>(done_) / static_cast<double>(*total_);
    std::snprintf(amount, sizeof(amount), "%llu/%llu schedules",
                  static_cast<unsigned long long>(done_), static_cast<unsigned long long>(*total_));
  } else {
    const double budget = static_cast<double>(time_budget_seconds_.value_or(1));
    fraction = elapsed / budget;
    std::snprintf(amount, sizeof(amount), "%llu schedules, %.0f/%.0f s",
                  static_cast<unsigned long long>(done_), std::min(elapsed, budget), budget);
  }
  const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * kBarWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kBarWidth, '.');
  std::printf("\r\033[K  [%s] %s, %llu failed, %.0f schedules/s", bar.c_str(), amount,
              static_cast<unsigned long long>(failed_), static_cast<double>(done_) / elapsed);
  std::fflush(stdout);
  bar_shown_ = true;
}

void ProgressDisplay::finish() {
  if (terminal_ && bar_shown_) {
    std::fputs("\r\033[K", stdout);
    std::fflush(stdout);
    bar_shown_ = false;
  }
}

}  // namespace lockstep::cli
