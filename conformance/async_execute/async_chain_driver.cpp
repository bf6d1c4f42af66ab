// The scripted steps of WsAsyncExecute chains and their end-of-chain checks.
#include "conformance/async_execute/async_chain_driver.h"

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/core/hresult_text.h"

namespace lockstep::conformance {

using harness::hresult_text;

namespace {

constexpr std::uintptr_t kStackGrowthLimitBytes = 32u << 10;
constexpr std::uintptr_t kTokenTag = 0x5A5E000000000000ull;  // marks the steps' callbackState
constexpr std::uint64_t kStepsAfterEndTolerated = 16;

struct ChainScript {
  std::string label;
  std::vector<HRESULT> results;
  std::vector<AsyncStepMode> modes;
  bool with_context = true;
  std::uint64_t steps_run = 0;
  HRESULT expected_input = S_OK;
  bool went_asynchronous = false;
  bool cut_short = false;  // recursion detected: the chain was ended on purpose
  bool ended = false;      // the last scripted step has run
  std::uint64_t first_thread = 0;
  std::uintptr_t first_frame = 0;
  harness::MonitoredCall* call = nullptr;
};

struct Completion;

}  // namespace

struct AsyncChainDriver::State {
  harness::World* world = nullptr;
  const lockstep_host* host = nullptr;
  const lockstep_implementation* implementation = nullptr;
  std::uint64_t caller_thread = 0;
  std::deque<ChainScript> chains;  // stable addresses
  // Completions handed to workers; owned here, because a schedule may stop (a bound, a stopped
  // chain) with some of them still queued and never run.
  std::deque<std::unique_ptr<Completion>> completions;
};

namespace {

// The driver the steps report to (see the invariant in the header).
AsyncChainDriver::State* active = nullptr;

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

void violation(harness::World& world, const ChainScript& chain, std::string explanation) {
  world.violations().record("AM10", chain.label, std::move(explanation));
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
                      WS_ASYNC_OPERATION* next, const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
  ChainScript* chain = chain_of(callback_state);
  if (chain == nullptr) {
    active->world->violations().record("AM10", "async-execute",
                                       "a step received a callbackState the caller never passed");
    return S_OK;
  }
  harness::World& world = *active->world;
  const std::uint64_t index = chain->steps_run++;
  // Built only for a violation's text: this runs on every step of every chain.
  const auto step = [index] { return "step " + std::to_string(index + 1); };
  if (chain->ended || index >= chain->results.size()) {
    const std::uint64_t extra = chain->steps_run - chain->results.size();
    if (extra == 1 || (chain->cut_short && chain->steps_run == chain->results.size() + 1)) {
      violation(world, *chain,
                step() + " ran after the chain ended (the last step left next empty)");
    }
    if (extra > kStepsAfterEndTolerated) {
      // The implementation would loop forever inside one call: stop the schedule here (the
      // scheduler reports the exception as the schedule's failure; the violation is recorded).
      throw std::runtime_error(chain->label +
                               ": WsAsyncExecute keeps invoking steps after the "
                               "chain ended; schedule stopped");
    }
    return input;
  }
  if (next == nullptr || next->function != nullptr) {
    violation(world, *chain, "next->function was not NULL on entry to " + step());
  }
  if (input != chain->expected_input) {
    violation(world, *chain,
              step() + " received " + hresult_text(input) + " but its predecessor's result was " +
                  hresult_text(chain->expected_input));
  }
  const std::uint64_t thread = active->host->current_thread(active->host->self);
  const auto frame = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (index == 0) {
    chain->first_thread = thread;
    chain->first_frame = frame;
  } else if (!chain->went_asynchronous && thread == chain->first_thread &&
             chain->first_frame > frame && chain->first_frame - frame > kStackGrowthLimitBytes) {
    violation(world, *chain,
              "the stack grew by " + std::to_string(chain->first_frame - frame) + " bytes over " +
                  std::to_string(index) +
                  " synchronous steps: the chain recurses instead of iterating");
    chain->cut_short = true;
    chain->ended = true;
    chain->expected_input = S_OK;
    return S_OK;  // leave next empty: end the chain before the stack overflows
  }
  if (index > 0 && FAILED(input)) {
    world.violations().reach(harness::Probe::chain_step_after_failure);
  }
  if (index == AsyncChainScript::kLongChainSteps / 2 && !chain->went_asynchronous) {
    world.violations().reach(harness::Probe::chain_long_synchronous);
  }
  const HRESULT result = chain->results[index];
  chain->expected_input = result;
  if (next != nullptr && index + 1 < chain->results.size()) {
    next->function = &scripted_step;
  } else {
    chain->ended = true;
  }
  AsyncStepMode mode = context == nullptr ? AsyncStepMode::synchronous : chain->modes[index];
  if (mode == AsyncStepMode::early && thread != active->caller_thread) {
    // Waiting on a worker for work queued to the same workers can starve the pool (rule AM8
    // binds the harness too): early completions are only staged from the caller's thread.
    mode = AsyncStepMode::later;
  }
  if (mode == AsyncStepMode::synchronous) {
    fill_error(error, result);
    return result;
  }
  chain->went_asynchronous = true;
  world.violations().reach(mode == AsyncStepMode::early
                               ? harness::Probe::chain_step_completed_before_return
                               : harness::Probe::chain_step_asynchronous);
  const lockstep_host& host = *active->host;
  Completion* completion =
      active->completions
          .emplace_back(std::make_unique<Completion>(
              Completion{context->callback, context->callbackState, result, error, &host, nullptr}))
          .get();
  if (mode == AsyncStepMode::early) {
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

void check_chain_end(harness::World& world, const ChainScript& chain) {
  const harness::MonitoredCall& call = *chain.call;
  if (!call.completed() || chain.cut_short) {
    return;  // the monitor reports calls that never completed; a cut chain was reported
  }
  if (chain.steps_run < chain.results.size()) {
    violation(world, chain,
              "the chain completed after " + std::to_string(chain.steps_run) + " of " +
                  std::to_string(chain.results.size()) +
                  " steps: a step that set next was never invoked");
    return;
  }
  const HRESULT last = chain.results.back();
  if (call.result() != last) {
    violation(world, chain,
              "the chain's final result was " + hresult_text(call.result()) +
                  " but its last step returned " + hresult_text(last));
  }
  if (chain.with_context && !chain.went_asynchronous && call.returned_result() == WS_S_ASYNC) {
    violation(world, chain,
              "every step completed synchronously, yet WsAsyncExecute returned WS_S_ASYNC");
  }
}

const char* mode_text(AsyncStepMode mode) {
  switch (mode) {
    case AsyncStepMode::synchronous:
      return "sync";
    case AsyncStepMode::later:
      return "later";
    case AsyncStepMode::early:
      return "early";
  }
  return "?";
}

}  // namespace

std::string AsyncChainStep::to_text() const {
  return std::string(mode_text(mode)) + " " + (result == S_OK ? "S_OK" : hresult_text(result));
}

std::vector<AsyncChainStep> AsyncChainScript::expanded_steps() const {
  if (long_synchronous) {
    return std::vector<AsyncChainStep>(kLongChainSteps, AsyncChainStep{});
  }
  return steps;
}

std::string AsyncChainScript::to_text() const {
  std::string text = std::string(with_context ? "context" : "null-context") + ", " +
                     (with_error ? "error" : "no-error") + ", ";
  if (long_synchronous) {
    return text + std::to_string(kLongChainSteps) + " sync S_OK";
  }
  text += "[";
  for (std::size_t index = 0; index < steps.size(); ++index) {
    text += (index == 0 ? "" : ", ") + steps[index].to_text();
  }
  return text + "]";
}

AsyncChainDriver::AsyncChainDriver(harness::World& world, harness::SimulatedHost& host,
                                   const lockstep_implementation& implementation)
    : state_(std::make_unique<State>()) {
  if (active != nullptr) {
    throw std::logic_error("AsyncChainDriver: another driver is active in this process");
  }
  state_->world = &world;
  state_->host = host.table();
  state_->implementation = &implementation;
  active = state_.get();
  world.on_schedule_end([this](bool) { check_end(); });
}

AsyncChainDriver::~AsyncChainDriver() {
  if (active == state_.get()) {
    active = nullptr;
  }
}

harness::MonitoredCall& AsyncChainDriver::start(const AsyncChainScript& script) {
  State& state = *state_;
  state.caller_thread = state.host->current_thread(state.host->self);
  const std::size_t index = state.chains.size();
  ChainScript& chain = state.chains.emplace_back();
  chain.label = "async-execute chain " + std::to_string(index + 1);
  for (const AsyncChainStep& step : script.expanded_steps()) {
    chain.results.push_back(step.result);
    chain.modes.push_back(step.mode);
  }
  if (chain.results.empty()) {
    throw std::invalid_argument("AsyncChainDriver: a chain needs at least one step");
  }
  chain.with_context = script.with_context;
  harness::CallOptions call_options;
  call_options.operation = "async-execute";
  call_options.with_context = script.with_context;
  call_options.with_error = script.with_error;
  harness::MonitoredCall& call = state.world->monitor().start(call_options);
  chain.call = &call;
  auto* async_state =
      static_cast<WS_ASYNC_STATE*>(call.add_buffer("WS_ASYNC_STATE", sizeof(WS_ASYNC_STATE)));
  call.set_buffer_rule("WS_ASYNC_STATE", "AM10");  // "not touched after completion" is AM10
  void* token = token_of(index);
  const lockstep_implementation& implementation = *state.implementation;
  call.invoke(
      [&implementation, async_state, token](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
        return implementation.async_execute(async_state, &scripted_step, WS_SHORT_CALLBACK, token,
                                            context, error);
      });
  return call;
}

void AsyncChainDriver::wait(harness::MonitoredCall& call) {
  state_->world->monitor().wait(call);
}

std::uint64_t AsyncChainDriver::chains() const {
  return state_->chains.size();
}

std::uint64_t AsyncChainDriver::steps_run() const {
  std::uint64_t steps = 0;
  for (const ChainScript& chain : state_->chains) {
    steps += chain.steps_run;
  }
  return steps;
}

void AsyncChainDriver::check_end() const {
  for (const ChainScript& chain : state_->chains) {
    check_chain_end(*state_->world, chain);
  }
}

}  // namespace lockstep::conformance
