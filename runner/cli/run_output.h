// What `lockstep run` prints: a line per implementation as it finishes (PASS/FAIL, coloured on a
// terminal, with what the run expected of it), the shrink phase, the first kept failure of each
// implementation with the commands that reproduce it, and the closing verdict line.
#pragma once

#include <cstddef>
#include <string>

#include "reports/run_report.h"
#include "runner/cli/progress_display.h"
#include "runner/cli/terminal.h"
#include "runner/run_observer.h"
#include "runner/run_schedules.h"

namespace lockstep::cli {

/// Implementation names longer than this push their line's columns to the right.
inline constexpr std::size_t kNameColumnMax = 40;

/// The observer behind the progress bar and the per-implementation lines.
class CommandLineObserver final : public runner::RunObserver {
 public:
  CommandLineObserver(ProgressDisplay& display, const Terminal& terminal, std::size_t name_width,
                      const std::string& verdict_policy);

  void schedule_finished(bool failed) override;
  void tick() override;
  void schedules_finished() override;
  void implementation_done(const reports::ImplementationReport& entry) override;
  void shrinks_started(std::size_t count, std::uint64_t budget) override;
  void shrink_finished(const std::string& stem, const std::string& note) override;
  void shrinks_finished(std::size_t shrunk, std::size_t count) override;

 private:
  std::string line_of(const reports::ImplementationReport& entry) const;

  ProgressDisplay& display_;
  const Terminal& terminal_;
  std::size_t name_width_;
  std::string verdict_policy_;
};

/// "self-check: PASS, 35 of 35 implementation(s) as expected (...)" and what was not, or the
/// plain verdict's line.
std::string self_check_line(const reports::RunReport& report, const Terminal& terminal);

/// Prints the first kept failure of each implementation with the commands that reproduce it.
void print_failures(const reports::RunReport& report, const runner::RunOptions& options);

}  // namespace lockstep::cli
