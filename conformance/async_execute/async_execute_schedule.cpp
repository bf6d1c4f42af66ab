// The scripted steps and the chain checks of the WsAsyncExecute scenario.
#include "conformance/async_execute/async_execute_schedule.h"

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace lockstep::conformance {

namespace {

enum class StepMode : std::uint8_t { synchronous, later, early };

constexpr std::uint64_t kLongChainSteps = 3000;
constexpr std::uintptr_t kStackGrowthLimitBytes = 32u << 10;
constexpr std::uintptr_t kTokenTag = 0x5A5E000000000000ull;  // marks the steps' callbackState
constexpr std::uint64_t kStepsAfterEndTolerated = 16;

struct ChainScript {
  std::string label;
  std::vector<HRESULT> results;
  std::vector<StepMode> modes;
  bool with_context = true;
  std::uint64_t steps_run = 0;
  HRESULT expected_input = S_OK;
  bool went_asynchronous = false;
  bool cut_short = false;          // recursion detected: the chain was ended on purpose
  bool ended = false;              // the last scripted step has run
  std::uint64_t first_thread = 0;
  std::uintptr_t first_frame = 0;
  harness::MonitoredCall* call = nullptr;
};

// The schedule the steps report to. One schedule runs at a time in a process (the runner is
// single-threaded), so the step function, a plain C function pointer, finds it here.
struct Completion;

struct ActiveSchedule {
  harness::World* world = nullptr;
  const lockstep_host* host = nullptr;
  std::uint64_t caller_thread = 0;
  std::deque<ChainScript> chains;  // stable addresses
  // Completions handed to workers; owned here, because a schedule may stop (a bound, a stopped
  // chain) with some of them still queued and never run.
  std::deque<std::unique_ptr<Completion>> completions;
};
ActiveSchedule* active = nullptr;

void* token_of(std::size_t chain_index) {
  return reinterpret_cast<void*>(kTokenTag | (chain_index + 1));
}

ChainScript* chain_of(void* token) {
  const auto value = reinterpret_cast<std::uintptr_t>(token);
  if (active == nullptr || (value & ~std::uintptr_t{0xFFFF}) != kTokenTag) {
    return nullptr;
  }
  const std::size_t index = (value & 0xFFFF) - 1;
  return index < active->chains.size() ? &active->chains[index] : nullptr;
}

std::string hresult_text(HRESULT result) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "0x%08X", static_cast<unsigned>(result));
  return buffer;
}

void violation(const ChainScript& chain, std::string explanation) {
  active->world->violations().record("AM10", chain.label, std::move(explanation));
}

struct Completion {
  WS_ASYNC_CALLBACK callback;
  void* state;
  HRESULT result;
  WS_ERROR* error;
  const lockstep_host* host;
  lockstep_event* done;  // set after the callback, for "early" completions
};

// A failing step fills the WS_ERROR before it reports the failure (rule AM7 binds the steps).
void fill_error(WS_ERROR* error, HRESULT result) {
  if (error != nullptr && FAILED(result)) {
    lockstep_error_add_text(error, "scripted step failed");
  }
}

void complete_on_worker(void* state, WS_CALLBACK_MODEL model) {
  auto* completion = static_cast<Completion*>(state);
  fill_error(completion->error, completion->result);
  completion->callback(completion->result, model, completion->state);
  if (completion->done != nullptr) {
    completion->host->event_set(completion->host->self, completion->done);
  }
}

HRESULT scripted_step(HRESULT input, WS_CALLBACK_MODEL, void* callback_state,
                      WS_ASYNC_OPERATION* next, const WS_ASYNC_CONTEXT* context,
                      WS_ERROR* error) {
  ChainScript* chain = chain_of(callback_state);
  if (chain == nullptr) {
    active->world->violations().record("AM10", "async-execute",
                                       "a step received a callbackState the caller never passed");
    return S_OK;
  }
  const std::uint64_t index = chain->steps_run++;
  const std::string step = "step " + std::to_string(index + 1);
  if (chain->ended || index >= chain->results.size()) {
    const std::uint64_t extra = chain->steps_run - chain->results.size();
    if (extra == 1 || (chain->cut_short && chain->steps_run == chain->results.size() + 1)) {
      violation(*chain, step + " ran after the chain ended (the last step left next empty)");
    }
    if (extra > kStepsAfterEndTolerated) {
      // The implementation would loop forever inside one call: stop the schedule here (the
      // scheduler reports the exception as the schedule's failure; the violation is recorded).
      throw std::runtime_error(chain->label + ": WsAsyncExecute keeps invoking steps after the "
                               "chain ended; schedule stopped");
    }
    return input;
  }
  if (next == nullptr || next->function != nullptr) {
    violation(*chain, "next->function was not NULL on entry to " + step);
  }
  if (input != chain->expected_input) {
    violation(*chain, step + " received " + hresult_text(input) + " but its predecessor's result was " +
                          hresult_text(chain->expected_input));
  }
  const std::uint64_t thread = active->host->current_thread(active->host->self);
  const auto frame = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (index == 0) {
    chain->first_thread = thread;
    chain->first_frame = frame;
  } else if (!chain->went_asynchronous && thread == chain->first_thread &&
             chain->first_frame > frame && chain->first_frame - frame > kStackGrowthLimitBytes) {
    violation(*chain, "the stack grew by " + std::to_string(chain->first_frame - frame) +
                          " bytes over " + std::to_string(index) +
                          " synchronous steps: the chain recurses instead of iterating");
    chain->cut_short = true;
    chain->ended = true;
    chain->expected_input = S_OK;
    return S_OK;  // leave next empty: end the chain before the stack overflows
  }
  const HRESULT result = chain->results[index];
  chain->expected_input = result;
  if (next != nullptr && index + 1 < chain->results.size()) {
    next->function = &scripted_step;
  } else {
    chain->ended = true;
  }
  StepMode mode = context == nullptr ? StepMode::synchronous : chain->modes[index];
  if (mode == StepMode::early && thread != active->caller_thread) {
    // Waiting on a worker for work queued to the same workers can starve the pool (rule AM8
    // binds the harness too): early completions are only staged from the caller's thread.
    mode = StepMode::later;
  }
  if (mode == StepMode::synchronous) {
    fill_error(error, result);
    return result;
  }
  chain->went_asynchronous = true;
  const lockstep_host& host = *active->host;
  Completion* completion =
      active->completions
          .emplace_back(std::make_unique<Completion>(Completion{
              context->callback, context->callbackState, result, error, &host, nullptr}))
          .get();
  if (mode == StepMode::early) {
    lockstep_event* done = host.event_create(host.self, 1, 0);
    completion->done = done;
    host.submit_work(host.self, &complete_on_worker, completion);
    host.event_wait(host.self, done, LOCKSTEP_WAIT_FOREVER);  // its completion ran meanwhile
    host.event_destroy(host.self, done);
    completion->done = nullptr;
  } else {
    host.submit_work(host.self, &complete_on_worker, completion);
  }
  return WS_S_ASYNC;
}

ChainScript draw_chain(Simulation& simulation, std::size_t index) {
  ChainScript chain;
  chain.label = "async-execute chain " + std::to_string(index + 1);
  const bool long_chain = simulation.chance(1, 8);
  const std::uint64_t length = long_chain ? kLongChainSteps : 1 + simulation.integer(6);
  for (std::uint64_t step = 0; step < length; ++step) {
    const bool fails = !long_chain && simulation.chance(1, 4);
    chain.results.push_back(fails ? WS_E_OTHER : S_OK);
    StepMode mode = StepMode::synchronous;
    if (!long_chain) {
      const std::uint64_t draw = simulation.integer(3);
      mode = draw == 0 ? StepMode::synchronous : (draw == 1 ? StepMode::later : StepMode::early);
    }
    chain.modes.push_back(mode);
  }
  return chain;
}

void check_chain_end(const ChainScript& chain) {
  const harness::MonitoredCall& call = *chain.call;
  if (!call.completed() || chain.cut_short) {
    return;  // the monitor reports calls that never completed; a cut chain was reported
  }
  if (chain.steps_run < chain.results.size()) {
    violation(chain, "the chain completed after " + std::to_string(chain.steps_run) + " of " +
                         std::to_string(chain.results.size()) +
                         " steps: a step that set next was never invoked");
    return;
  }
  const HRESULT last = chain.results.back();
  if (call.result() != last) {
    violation(chain, "the chain's final result was " + hresult_text(call.result()) +
                         " but its last step returned " + hresult_text(last));
  }
  if (chain.with_context && !chain.went_asynchronous && call.returned_result() == WS_S_ASYNC) {
    violation(chain, "every step completed synchronously, yet WsAsyncExecute returned WS_S_ASYNC");
  }
}

}  // namespace

AsyncExecuteScheduleResult run_async_execute_schedule(
    const lockstep_implementation& implementation, std::uint64_t schedule_seed,
    std::unique_ptr<Strategy> strategy, const harness::ScheduleOptions& options) {
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.keep_trace_events = options.keep_trace_events;
  config.stack_pool = options.stack_pool;
  config.max_steps = 400'000;
  ActiveSchedule schedule;
  harness::World world(config, std::move(strategy));
  Simulation& simulation = world.simulation();
  harness::HostConfig host_config;
  host_config.name = implementation.name != nullptr ? implementation.name : "implementation";
  host_config.worker_threads = static_cast<std::uint32_t>(1 + simulation.integer(3));
  harness::SimulatedHost& host = world.add_host(host_config);
  schedule.world = &world;
  schedule.host = host.table();
  active = &schedule;

  const std::uint64_t chain_count = 1 + simulation.integer(3);
  world.spawn_caller("caller", [&] {
    schedule.caller_thread = host.table()->current_thread(host.table()->self);
    std::vector<harness::MonitoredCall*> in_flight;
    for (std::uint64_t index = 0; index < chain_count; ++index) {
      ChainScript& chain = schedule.chains.emplace_back(draw_chain(simulation, index));
      harness::CallOptions call_options;
      call_options.operation = "async-execute";
      call_options.with_context = simulation.chance(3, 4);
      call_options.with_error = simulation.chance(1, 2);
      chain.with_context = call_options.with_context;
      harness::MonitoredCall& call = world.monitor().start(call_options);
      chain.call = &call;
      auto* state = static_cast<WS_ASYNC_STATE*>(call.add_buffer("WS_ASYNC_STATE",
                                                                 sizeof(WS_ASYNC_STATE)));
      void* token = token_of(index);
      call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
        return implementation.async_execute(state, &scripted_step, WS_SHORT_CALLBACK, token,
                                            context, error);
      });
      if (simulation.chance(1, 2)) {
        world.monitor().wait(call);
      } else {
        in_flight.push_back(&call);
      }
    }
    for (harness::MonitoredCall* call : in_flight) {
      world.monitor().wait(*call);
    }
  });
  world.on_schedule_end([&schedule](bool) {
    for (const ChainScript& chain : schedule.chains) {
      check_chain_end(chain);
    }
  });
  world.run();
  AsyncExecuteScheduleResult result;
  static_cast<harness::ScheduleOutcome&>(result) = world.outcome();
  result.chains = schedule.chains.size();
  for (const ChainScript& chain : schedule.chains) {
    result.steps_run += chain.steps_run;
  }
  world.simulation().shutdown();  // fibers refer to `schedule`, which goes before the world
  active = nullptr;
  return result;
}

}  // namespace lockstep::conformance
