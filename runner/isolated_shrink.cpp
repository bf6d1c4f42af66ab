// Shrink probes and re-runs as requests to a worker.
#include "runner/isolated_shrink.h"

#include "runner/interrupt_signals.h"
#include "runner/schedule_service.h"
#include "scheduler/shrinker.h"

namespace lockstep::runner {

namespace {

ShrinkAttempt probe_in_worker(WorkerClient& worker, const ShrinkSubject& subject,
                              const DecisionLog& log, std::uint64_t decision_budget,
                              std::uint64_t timeout_ms) {
  ShrinkAttempt attempt{false, log};
  if (interrupt_signal() != 0) {
    return attempt;  // the shrink's result is thrown away; finish it without running more
  }
  ScheduleRequest request;
  request.mode = ScheduleRequest::Mode::probe;
  request.implementation = subject.implementation;
  request.suite = subject.suite;
  request.schedule_seed = subject.schedule_seed;
  request.rule = subject.rule;
  request.decisions = log.to_text();
  request.decision_budget = decision_budget;
  const TaskEnd end = worker.call(request.encode(), timeout_ms);
  if (end.outcome.kind != harness::IsolatedOutcomeKind::completed) {
    return attempt;  // it crashed, hung or blew up: not the same failure
  }
  std::optional<ScheduleReply> reply = ScheduleReply::decode(end.outcome.result);
  if (!reply) {
    return attempt;
  }
  std::string parse_error;
  std::optional<DecisionLog> consumed = DecisionLog::from_text(reply->decisions, parse_error);
  if (consumed) {
    attempt.still_fails = reply->still_fails;
    attempt.consumed = std::move(*consumed);
  }
  return attempt;
}

}  // namespace

std::optional<IsolatedRerun> rerun_isolated(WorkerClient& worker, const ShrinkSubject& subject,
                                            const DecisionLog& log, bool keep_chrome_trace,
                                            std::uint64_t timeout_ms, std::string& error,
                                            bool guided) {
  ScheduleRequest request;
  request.mode = guided ? ScheduleRequest::Mode::guided : ScheduleRequest::Mode::replay;
  request.implementation = subject.implementation;
  request.suite = subject.suite;
  request.schedule_seed = subject.schedule_seed;
  request.rule = subject.rule;
  request.decisions = log.to_text();
  request.chrome_trace = keep_chrome_trace;
  const TaskEnd end = worker.call(request.encode(), timeout_ms);
  if (end.outcome.kind != harness::IsolatedOutcomeKind::completed) {
    error = "re-running the schedule in a worker process: " + end.outcome.describe();
    return std::nullopt;
  }
  std::optional<ScheduleReply> reply = ScheduleReply::decode(end.outcome.result);
  if (!reply) {
    error = "re-running the schedule in a worker process: it sent back an unreadable result";
    return std::nullopt;
  }
  IsolatedRerun rerun;
  rerun.still_fails = reply->still_fails;
  rerun.trace_hash = reply->record.trace_hash;
  rerun.steps = reply->steps;
  rerun.explanation = std::move(reply->explanation);
  rerun.chrome_trace = std::move(reply->chrome_trace);
  return rerun;
}

std::optional<ShrunkReplay> shrink_replay(WorkerClient& worker, const ShrinkSubject& subject,
                                          const reports::ReplayFile& original,
                                          std::uint64_t max_runs, bool keep_chrome_trace,
                                          std::uint64_t timeout_ms, std::string& error) {
  const ShrinkResult result = shrink_decision_log(
      original.decisions,
      [&](const DecisionLog& log, std::uint64_t decision_budget) {
        return probe_in_worker(worker, subject, log, decision_budget, timeout_ms);
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
      rerun_isolated(worker, subject, result.log, keep_chrome_trace, timeout_ms, error);
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
