// Isolated shrink probes and re-runs, and what their children send back.
#include "runner/isolated_shrink.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>

#include "reports/schedule_trace.h"
#include "runner/interrupt_signals.h"
#include "scheduler/shrinker.h"
#include "scheduler/strategy.h"

namespace lockstep::runner {

namespace {

bool fails_on(const harness::WorldResult& result, const std::string& rule) {
  for (const harness::Violation& violation : result.violations) {
    if (violation.rule == rule) {
      return true;
    }
  }
  return !result.passed() && std::string(outcome_name(result.run.outcome)) == rule;
}

// In a probe's child: an edited log that steers a defective implementation into a crash is
// an expected answer ("not the same failure"), not news for the user, so what the sanitizers
// or the implementation would print about it goes nowhere.
void silence_output() {
  const int null_device = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_device >= 0) {
    ::dup2(null_device, STDOUT_FILENO);
    ::dup2(null_device, STDERR_FILENO);
    ::close(null_device);
  }
}

// The child's answer to a probe: "1 " or "0 " (still fails), then the log it consumed.
ShrinkAttempt probe_isolated(const ShrinkSubject& subject, const DecisionLog& log,
                             std::uint64_t decision_budget,
                             const harness::IsolationLimits& limits) {
  ShrinkAttempt attempt{false, log};
  if (interrupt_signal() != 0) {
    return attempt;  // the shrink's result is thrown away; finish it without forking
  }
  const harness::IsolatedOutcome isolated = harness::run_isolated(
      [&] {
        silence_output();
        const harness::ScheduleOutcome outcome =
            subject.suite->run(*subject.implementation, subject.schedule_seed,
                               make_guided_strategy(log, decision_budget), {});
        return std::string(fails_on(outcome.world, subject.rule) ? "1 " : "0 ") +
               outcome.decisions.to_text();
      },
      limits);
  if (isolated.kind == harness::IsolatedOutcomeKind::completed && isolated.result.size() >= 2) {
    std::string parse_error;
    std::optional<DecisionLog> consumed =
        DecisionLog::from_text(std::string_view(isolated.result).substr(2), parse_error);
    if (consumed) {
      attempt.still_fails = isolated.result[0] == '1';
      attempt.consumed = std::move(*consumed);
    }
  }
  return attempt;
}

// "<fails> <trace hash> <steps> <explanation bytes>\n<explanation><chrome trace>"
std::string encode(const IsolatedRerun& rerun) {
  return std::to_string(rerun.still_fails ? 1 : 0) + " " + std::to_string(rerun.trace_hash) + " " +
         std::to_string(rerun.steps) + " " + std::to_string(rerun.explanation.size()) + "\n" +
         rerun.explanation + rerun.chrome_trace;
}

std::optional<IsolatedRerun> decode(const std::string& text) {
  IsolatedRerun rerun;
  std::uint64_t fails = 0;
  std::uint64_t explanation_bytes = 0;
  const char* cursor = text.data();
  const char* const end = text.data() + text.size();
  for (std::uint64_t* field : {&fails, &rerun.trace_hash, &rerun.steps, &explanation_bytes}) {
    const std::from_chars_result parsed = std::from_chars(cursor, end, *field);
    if (parsed.ec != std::errc() || parsed.ptr == end) {
      return std::nullopt;
    }
    cursor = parsed.ptr + 1;  // past the space, or the newline after the last field
  }
  if (fails > 1 || static_cast<std::uint64_t>(end - cursor) < explanation_bytes) {
    return std::nullopt;
  }
  rerun.still_fails = fails == 1;
  rerun.explanation.assign(cursor, explanation_bytes);
  rerun.chrome_trace.assign(cursor + explanation_bytes, end);
  return rerun;
}

}  // namespace

std::optional<IsolatedRerun> rerun_isolated(const ShrinkSubject& subject, const DecisionLog& log,
                                            bool keep_chrome_trace,
                                            const harness::IsolationLimits& limits,
                                            std::string& error, bool guided) {
  const harness::IsolatedOutcome isolated = harness::run_isolated(
      [&] {
        harness::ScheduleOptions options;
        options.keep_trace_events = keep_chrome_trace;
        const harness::ScheduleOutcome outcome = subject.suite->run(
            *subject.implementation, subject.schedule_seed,
            guided ? make_guided_strategy(log) : make_replay_strategy(log), options);
        IsolatedRerun rerun;
        rerun.still_fails = fails_on(outcome.world, subject.rule);
        rerun.trace_hash = outcome.world.run.trace_hash;
        rerun.steps = outcome.world.run.steps;
        rerun.explanation = outcome.world.summary();
        if (keep_chrome_trace) {
          reports::TraceContext context;
          context.process_name = "lockstep: " + subject.implementation->name + ", suite " +
                                 subject.suite->name + " (" + subject.rule + ", shrunk)";
          for (const harness::Violation& violation : outcome.world.violations) {
            context.violation_texts.push_back(violation.to_text());
          }
          rerun.chrome_trace = reports::chrome_trace_json(outcome.trace, context);
        }
        return encode(rerun);
      },
      limits);
  if (isolated.kind != harness::IsolatedOutcomeKind::completed) {
    error = "re-running the schedule in a child process: " + isolated.describe();
    return std::nullopt;
  }
  std::optional<IsolatedRerun> rerun = decode(isolated.result);
  if (!rerun) {
    error = "re-running the schedule in a child process: it sent back an unreadable result";
  }
  return rerun;
}

std::optional<ShrunkReplay> shrink_replay(const ShrinkSubject& subject,
                                          const reports::ReplayFile& original,
                                          std::uint64_t max_runs, bool keep_chrome_trace,
                                          const harness::IsolationLimits& limits,
                                          std::string& error) {
  const ShrinkResult result = shrink_decision_log(
      original.decisions,
      [&](const DecisionLog& log, std::uint64_t decision_budget) {
        return probe_isolated(subject, log, decision_budget, limits);
      },
      max_runs);
  if (interrupt_signal() != 0) {
    error = "interrupted before the shrink finished";
    return std::nullopt;
  }
  if (!result.reproduced) {
    error = "it does not break " + original.rule + " when re-run: nothing to shrink";
    return std::nullopt;
  }
  std::optional<IsolatedRerun> shrunk =
      rerun_isolated(subject, result.log, keep_chrome_trace, limits, error);
  if (!shrunk) {
    return std::nullopt;
  }
  if (!shrunk->still_fails) {
    error = "the shrunk schedule no longer breaks " + original.rule + " when replayed";
    return std::nullopt;
  }
  ShrunkReplay shrunk_replay;
  shrunk_replay.replay = original;
  shrunk_replay.replay.decisions = result.log;
  shrunk_replay.replay.trace_hash = shrunk->trace_hash;
  shrunk_replay.replay.explanation = shrunk->explanation;
  shrunk_replay.replay.build = reports::build_id();
  shrunk_replay.probes = result.runs;
  shrunk_replay.steps = shrunk->steps;
  shrunk_replay.chrome_trace = std::move(shrunk->chrome_trace);
  return shrunk_replay;
}

}  // namespace lockstep::runner
