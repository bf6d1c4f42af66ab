// Encoding requests and replies, and carrying a request out in the worker.
#include "runner/schedule_service.h"

#include <optional>
#include <stdexcept>

#include "conformance/registry/suites.h"
#include "harness/isolation/worker_process.h"
#include "reports/schedule_trace.h"
#include "runner/message_fields.h"
#include "runner/process_pool.h"
#include "runner/run_schedules.h"
#include "scheduler/stack_pool.h"

namespace lockstep::runner {

namespace {

bool fails_on(const harness::WorldResult& result, const std::string& rule) {
  for (const harness::Violation& violation : result.violations) {
    if (violation.rule == rule) {
      return true;
    }
  }
  return result.abnormal_end() && std::string(outcome_name(result.run.outcome)) == rule;
}

// One per worker process: the first request makes it (never the parent, which runs none).
StackPool& worker_stack_pool() {
  static std::optional<StackPool> pool;
  if (!pool) {
    pool.emplace(StackPool::default_usable_bytes());
  }
  return *pool;
}

}  // namespace

std::string ScheduleRequest::encode() const {
  FieldWriter fields;
  const char mode_letter = static_cast<char>(mode);
  fields.add(std::string_view(&mode_letter, 1))
      .add(static_cast<std::uint64_t>(implementation))
      .add(static_cast<std::uint64_t>(suite))
      .add(schedule_seed)
      .add(std::string_view(strategy))
      .add(std::string_view(rule))
      .add(decision_budget)
      .add(chrome_trace)
      .add(readable_trace)
      .add(verbose)
      .add(std::string_view(decisions));
  return fields.take();
}

std::optional<ScheduleRequest> ScheduleRequest::decode(std::string_view text) {
  FieldReader fields(text);
  ScheduleRequest request;
  const std::string_view mode = fields.text();
  request.implementation = static_cast<std::size_t>(fields.number());
  request.suite = static_cast<std::size_t>(fields.number());
  request.schedule_seed = fields.number();
  request.strategy = fields.text();
  request.rule = fields.text();
  request.decision_budget = fields.number();
  request.chrome_trace = fields.flag();
  request.readable_trace = fields.flag();
  request.verbose = fields.flag();
  request.decisions = fields.text();
  if (!fields.finished() || mode.size() != 1 ||
      std::string_view("rkpyg").find(mode[0]) == std::string_view::npos) {
    return std::nullopt;
  }
  request.mode = static_cast<Mode>(mode[0]);
  return request;
}

std::string ScheduleReply::encode() const {
  FieldWriter fields;
  fields.add(std::string_view(record.to_line()))
      .add(still_fails)
      .add(steps)
      .add(std::string_view(decisions))
      .add(std::string_view(explanation))
      .add(std::string_view(fault_plan))
      .add(static_cast<std::uint64_t>(violations.size()));
  for (const std::string& violation : violations) {
    fields.add(std::string_view(violation));
  }
  fields.add(std::string_view(chrome_trace))
      .add(std::string_view(readable_trace))
      .add(std::string_view(output_tail))
      .add(output_bytes);
  return fields.take();
}

std::optional<ScheduleReply> ScheduleReply::decode(std::string_view text) {
  FieldReader fields(text);
  ScheduleReply reply;
  std::optional<ScheduleRecord> record = ScheduleRecord::parse(std::string(fields.text()));
  reply.still_fails = fields.flag();
  reply.steps = fields.number();
  reply.decisions = fields.text();
  reply.explanation = fields.text();
  reply.fault_plan = fields.text();
  const std::uint64_t violations = fields.number();
  for (std::uint64_t index = 0; index < violations && fields.ok(); ++index) {
    reply.violations.emplace_back(fields.text());
  }
  reply.chrome_trace = fields.text();
  reply.readable_trace = fields.text();
  reply.output_tail = fields.text();
  reply.output_bytes = fields.number();
  if (!record || !fields.finished()) {
    return std::nullopt;
  }
  reply.record = std::move(*record);
  return reply;
}

std::string serve_schedule_request(
    const std::vector<const conformance::Implementation*>& implementations, std::string_view text) {
  const std::optional<ScheduleRequest> request = ScheduleRequest::decode(text);
  const std::vector<conformance::Suite>& registry = conformance::suites();
  if (!request || request->implementation >= implementations.size() ||
      request->suite >= registry.size()) {
    throw std::runtime_error("the worker received a request it cannot read");
  }
  using Mode = ScheduleRequest::Mode;
  std::unique_ptr<Strategy> strategy;
  std::optional<DecisionLog> log;
  if (request->mode == Mode::probe || request->mode == Mode::replay ||
      request->mode == Mode::guided) {
    std::string error;
    log = DecisionLog::from_text(request->decisions, error);
    if (!log) {
      throw std::runtime_error("the worker received an unreadable decision log: " + error);
    }
    strategy = request->mode == Mode::replay
                   ? make_replay_strategy(std::move(*log))
                   : make_guided_strategy(std::move(*log), request->decision_budget);
  } else {
    std::string error;
    const std::optional<StrategySpec> spec = parse_strategy_spec(request->strategy, error);
    if (!spec) {
      throw std::runtime_error("the worker received an unknown strategy: " + error);
    }
    strategy = make_strategy(*spec, strategy_seed(request->schedule_seed),
                             registry[request->suite].pct_estimated_steps);
  }
  harness::ScheduleOptions options;
  options.stack_pool = &worker_stack_pool();
  options.keep_trace_events =
      request->mode == Mode::keep || request->readable_trace || request->chrome_trace;
  const harness::ScheduleOutcome outcome =
      registry[request->suite].run(*implementations[request->implementation],
                                   request->schedule_seed, std::move(strategy), options);
  ScheduleReply reply;
  reply.record = ScheduleRecord::from(0, outcome.world);
  reply.steps = outcome.world.run.steps;
  if (request->mode != Mode::run) {
    reply.decisions = outcome.decisions.to_text();
  }
  if (request->mode == Mode::probe) {
    reply.still_fails = fails_on(outcome.world, request->rule);
    return reply.encode();
  }
  if (request->mode == Mode::run) {
    return reply.record.to_line();  // a run's reply is its record line alone (one per schedule)
  }
  reply.still_fails = !request->rule.empty() && fails_on(outcome.world, request->rule);
  reply.explanation = outcome.world.summary();
  reply.fault_plan = outcome.world.fault_plan.to_text();
  if (request->mode == Mode::replay || request->mode == Mode::guided) {
    for (const harness::Violation& violation : outcome.world.violations) {
      reply.violations.push_back(violation.to_text());
    }
  }
  if (request->chrome_trace) {
    reports::TraceContext context;
    context.process_name = "lockstep: " + implementations[request->implementation]->name +
                           ", suite " + registry[request->suite].name;
    for (const harness::Violation& violation : outcome.world.violations) {
      context.violation_texts.push_back(violation.to_text());
    }
    reply.chrome_trace = reports::chrome_trace_json(outcome.trace, context);
  }
  if (request->readable_trace) {
    reply.readable_trace = reports::readable_trace(outcome.trace, request->verbose);
  }
  if (request->mode == Mode::replay || request->mode == Mode::guided || !outcome.world.passed()) {
    reply.output_tail = harness::worker_output_so_far(kOutputTailBytes, &reply.output_bytes);
  }
  return reply.encode();
}

}  // namespace lockstep::runner

namespace lockstep::runner {

std::function<std::string(std::string_view)> schedule_handler(
    const std::vector<const conformance::Implementation*>& implementations) {
  return [&implementations](std::string_view request) {
    return serve_schedule_request(implementations, request);
  };
}

}  // namespace lockstep::runner
