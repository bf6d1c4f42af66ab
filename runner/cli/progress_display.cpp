// Drawing the bar on stderr with "\r" and the erase-line escape.
#include "runner/cli/progress_display.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "runner/real_host_clock.h"

namespace lockstep::cli {

namespace {

constexpr double kRedrawSeconds = 0.1;

std::string duration_text(double seconds) {
  const auto whole = static_cast<std::uint64_t>(std::max(0.0, seconds) + 0.5);
  return whole >= 60 ? fmt::format("{}m{:02}s", whole / 60, whole % 60) : fmt::format("{}s", whole);
}

}  // namespace

ProgressDisplay::ProgressDisplay(const Terminal& terminal, std::optional<std::uint64_t> total,
                                 std::optional<std::uint64_t> time_budget_seconds)
    : terminal_(terminal),
      total_(total),
      time_budget_seconds_(time_budget_seconds),
      phase_started_seconds_(runner::real_host_seconds()) {}

void ProgressDisplay::schedule_finished(bool failed) {
  ++done_;
  failed_ += failed ? 1 : 0;
}

void ProgressDisplay::erase() {
  if (terminal_.progress_bar && bar_shown_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    bar_shown_ = false;
  }
}

void ProgressDisplay::print_line(const std::string& line) {
  erase();
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
  tick();
}

void ProgressDisplay::print_note(const std::string& line) {
  erase();
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  tick();
}

void ProgressDisplay::tick() {
  if (!terminal_.progress_bar) {
    return;
  }
  const double now = runner::real_host_seconds();
  if (bar_shown_ && now - drawn_seconds_ < kRedrawSeconds) {
    return;
  }
  drawn_seconds_ = now;
  draw();
}

std::string ProgressDisplay::bar_text(int columns, double fraction, const std::string& status) {
  // "  [####....] status": the bar takes what the status leaves, between 10 and 30 cells; on a
  // terminal too narrow for both, the status alone, cut to fit.
  const int width = std::max(columns - 1, 1);
  const int status_width = static_cast<int>(status.size());
  const int cells = std::clamp(width - status_width - 5, 0, 30);
  std::string line;
  if (cells >= 10) {
    const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * cells);
    line = "  [" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(cells - filled), '.') + "] " + status;
  } else {
    line = status;
  }
  if (static_cast<int>(line.size()) > width) {
    line.resize(static_cast<std::size_t>(width));
  }
  return line;
}

void ProgressDisplay::draw() {
  const double now = runner::real_host_seconds();
  const double elapsed = std::max(1e-3, now - phase_started_seconds_);
  double fraction = 0;
  std::string status;
  if (shrinking_) {
    fraction = shrinks_total_ == 0
                   ? 1.0
                   : static_cast<double>(shrinks_done_) / static_cast<double>(shrinks_total_);
    status = fmt::format("shrinking failures: {}/{}", shrinks_done_, shrinks_total_);
    if (shrinks_done_ > 0 && shrinks_done_ < shrinks_total_) {
      status += ", about " + duration_text(elapsed / fraction - elapsed) + " left";
    }
  } else if (total_) {
    fraction = *total_ == 0 ? 1.0 : static_cast<double>(done_) / static_cast<double>(*total_);
    status = fmt::format("{}/{} schedules, {} failed, {:.0f}/s", done_, *total_, failed_,
                         static_cast<double>(done_) / elapsed);
    if (done_ > 0 && done_ < *total_) {
      status += ", about " + duration_text(elapsed / fraction - elapsed) + " left";
    }
  } else {
    const double budget = static_cast<double>(time_budget_seconds_.value_or(1));
    fraction = elapsed / budget;
    status = fmt::format("{} schedules, {} failed, {:.0f}/{:.0f} s", done_, failed_,
                         std::min(elapsed, budget), budget);
  }
  std::fputs(("\r\033[K" + bar_text(terminal_.columns, fraction, status)).c_str(), stderr);
  std::fflush(stderr);
  bar_shown_ = true;
}

void ProgressDisplay::finish() {
  erase();
}

void ProgressDisplay::start_shrinks(std::size_t count) {
  shrinking_ = true;
  shrinks_total_ = count;
  shrinks_done_ = 0;
  phase_started_seconds_ = runner::real_host_seconds();
  bar_shown_ = false;
  tick();
}

void ProgressDisplay::shrink_done() {
  ++shrinks_done_;
  tick();
  if (shrinks_done_ == shrinks_total_) {
    erase();
  }
}

}  // namespace lockstep::cli
