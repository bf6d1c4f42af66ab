// What `lockstep run` shows while it runs.
//
// On a terminal: a one-line bar redrawn in place at most ten times a second, with schedules
// done (of how many, or seconds of the --time budget), failures and the rate. Otherwise (CI
// logs, pipes): nothing but the lines the caller prints, one per finished implementation.
// Caller lines are printed above the bar, which is redrawn after them and erased at the end.
// The rate comes from the wall clock and is shown only, never stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lockstep::cli {

class ProgressDisplay {
 public:
  /// `total`: schedules the run owes (nullopt for --time); `time_budget_seconds` for --time.
  ProgressDisplay(bool terminal, std::optional<std::uint64_t> total,
                  std::optional<std::uint64_t> time_budget_seconds);

  void schedule_finished(bool failed);
  /// Prints a line (with its newline) above the bar.
  void print_line(const std::string& line);
  /// Redraws if a tenth of a second has passed since the last drawing.
  void tick();
  /// Erases the bar.
  void finish();

 private:
  void draw();

  bool terminal_;
  std::optional<std::uint64_t> total_;
  std::optional<std::uint64_t> time_budget_seconds_;
  std::uint64_t done_ = 0;
  std::uint64_t failed_ = 0;
  double started_seconds_;
  double drawn_seconds_ = 0;
  bool bar_shown_ = false;
};

}  // namespace lockstep::cli
