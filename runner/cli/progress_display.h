// What `lockstep run` shows while it runs.
//
// On a terminal (Terminal::progress_bar): a one-line bar on stderr, redrawn in place at most ten
// times a second and never wider than the terminal (so a redraw never leaves a line behind),
// with schedules done (of how many, or seconds of the --time budget), failures, the rate and an
// estimate of the time left; during the shrinks of kept failures, the shrinks done of how many.
// Otherwise (CI logs, pipes, TERM=dumb): nothing but the lines the caller prints. Caller lines go
// to stdout above the bar, which is erased first and redrawn after them, so redirecting stdout
// keeps the lines and the bar stays on the terminal. The rate and the estimate come from the
// wall clock and are shown only, never stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runner/cli/terminal.h"

namespace lockstep::cli {

class ProgressDisplay {
 public:
  /// `total`: schedules the run owes (nullopt for --time); `time_budget_seconds` for --time.
  ProgressDisplay(const Terminal& terminal, std::optional<std::uint64_t> total,
                  std::optional<std::uint64_t> time_budget_seconds);

  void schedule_finished(bool failed);
  /// Prints a line (with its newline) on stdout, above the bar.
  void print_line(const std::string& line);
  /// The same on stderr (a note, "lockstep: ..."), so it never lands inside the bar.
  void print_note(const std::string& line);
  /// Redraws if a tenth of a second has passed since the last drawing.
  void tick();
  /// Erases the bar (the schedules are done).
  void finish();
  /// The shrink phase: `count` shrinks to do; shrink_done() after each.
  void start_shrinks(std::size_t count);
  void shrink_done();

  /// The bar's text for `columns` columns (for the test): never longer than columns - 1.
  static std::string bar_text(int columns, double fraction, const std::string& status);

 private:
  void draw();
  void erase();

  Terminal terminal_;
  std::optional<std::uint64_t> total_;
  std::optional<std::uint64_t> time_budget_seconds_;
  std::uint64_t done_ = 0;
  std::uint64_t failed_ = 0;
  std::size_t shrinks_total_ = 0;
  std::size_t shrinks_done_ = 0;
  bool shrinking_ = false;
  double phase_started_seconds_;  // of the schedules, then of the shrinks
  double drawn_seconds_ = 0;
  bool bar_shown_ = false;
};

}  // namespace lockstep::cli
