// The WsAsyncExecute round: scripted steps, their completions on real workers, AM10 checks.
#include "conformance/real_host_stress/async_execute_stress.h"

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conformance/real_host_stress/stress_calls.h"
#include "harness/real_host/activity_gauge.h"
#include "harness/real_host/real_clock.h"
#include "harness/real_host/real_host.h"
#include "scheduler/prng.h"

namespace lockstep::stress {

namespace {

using real_host::RealHost;
using real_host::RealHostConfig;
using real_host::RealNetwork;
using real_host::RealNetworkConfig;

constexpr std::uint64_t kLongChainSteps = 3000;
constexpr std::uintptr_t kStackGrowthLimitBytes = 32u << 10;
constexpr HRESULT kStepFailures[] = {WS_E_OTHER, E_INVALIDARG, WS_E_OPERATION_ABORTED};

enum class StepMode : std::uint8_t { synchronous, later, early };

struct Chain {
  std::mutex mutex;
  std::string label;
  std::vector<HRESULT> results;
  std::vector<StepMode> modes;
  bool with_context = false;
  StressCall* call = nullptr;
  std::uint64_t caller_thread = 0;
  std::uint64_t steps_run = 0;
  HRESULT expected_input = S_OK;
  bool ended = false;
  bool cut_short = false;
  bool went_asynchronous = false;
  std::uint64_t first_thread = 0;
  std::uintptr_t first_frame = 0;
};

struct Completion {
  WS_ASYNC_CALLBACK callback = nullptr;
  void* state = nullptr;
  HRESULT result = S_OK;
  WS_ERROR* error = nullptr;
  const lockstep_host* host = nullptr;
  lockstep_event* done = nullptr;  // set after the callback, for "early" completions
};

class AsyncExecuteRound;
// One round at a time per process: the C step function finds its round here.
std::atomic<AsyncExecuteRound*> active_round{nullptr};

HRESULT scripted_step(HRESULT input, WS_CALLBACK_MODEL model, void* callback_state,
                      WS_ASYNC_OPERATION* next, const WS_ASYNC_CONTEXT* context, WS_ERROR* error);

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

class AsyncExecuteRound {
 public:
  AsyncExecuteRound(const lockstep_implementation& implementation, std::uint64_t seed,
                    StressLog& log, const RoundSettings& settings)
      : implementation_(implementation),
        log_(log),
        settings_(settings),
        prng_(seed),
        network_(RealNetworkConfig{}),
        user_host_(network_, RealHostConfig{"step-completions",
                                            static_cast<std::uint32_t>(1 + prng_.below(3)), 16}),
        ledger_(
            log_, user_host_, [this] { return world_idle(); }, settings_.call_bound_seconds) {}

  RoundReport run() {
    active_round = this;
    ThreadGroup callers;
    const std::uint64_t caller_count = 1 + prng_.below(3);
    for (std::uint64_t caller = 0; caller < caller_count; ++caller) {
      const std::uint64_t seed = prng_.next_u64();
      callers.start([this, caller, seed] { caller_script(static_cast<int>(caller), seed); });
    }
    const bool callers_done =
        callers.join_or_abandon([this] { return world_idle(); },
                                settings_.stuck_after_quiet_seconds, settings_.round_bound_seconds);
    const bool host_stopped = user_host_.shut_down();
    active_round = nullptr;
    ledger_.finish([](const StressCall&) -> const char* { return nullptr; });
    for (const auto& chain : chains_) {
      check_chain_end(*chain);
    }
    RoundReport report;
    report.calls = ledger_.calls();
    report.leak_reason = stuck_parts({{"callers", callers_done}, {"user host", host_stopped}});
    report.leaked = !report.leak_reason.empty();
    return report;
  }

  Chain* find(void* state) {
    const auto index = reinterpret_cast<std::uintptr_t>(state);
    std::lock_guard<std::mutex> lock(mutex_);
    return index >= 1 && index <= chains_.size() ? chains_[index - 1].get() : nullptr;
  }

  HRESULT step(Chain& chain, HRESULT input, WS_ASYNC_OPERATION* next,
               const WS_ASYNC_CONTEXT* context, WS_ERROR* error);

 private:
  bool world_idle() const { return user_host_.idle() && real_host::foreign_threads_running() == 0; }

  void violation(const Chain& chain, std::string explanation) {
    log_.record("AM10", chain.label, std::move(explanation));
  }

  void caller_script(int caller, std::uint64_t seed) {
    Prng prng(seed);
    std::vector<StressCall*> in_flight;
    const std::uint64_t chains = 1 + prng.below(3);
    for (std::uint64_t index = 0; index < chains; ++index) {
      StressCall& call = start_chain(caller, prng);
      if (prng.chance(1, 2)) {
        if (ledger_.wait(call) != WaitOutcome::completed) {
          return;
        }
      } else {
        in_flight.push_back(&call);
      }
    }
    for (StressCall* call : in_flight) {
      if (ledger_.wait(*call) != WaitOutcome::completed) {
        return;
      }
    }
  }

  StressCall& start_chain(int caller, Prng& prng) {
    CallShape shape;
    shape.with_context = prng.chance(3, 4);
    shape.with_error = prng.chance(1, 2);
    Chain* chain = nullptr;
    void* token = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      chains_.push_back(std::make_unique<Chain>());
      chain = chains_.back().get();
      token = reinterpret_cast<void*>(static_cast<std::uintptr_t>(chains_.size()));
    }
    chain->label = "caller " + std::to_string(caller) + " chain " +
                   std::to_string(reinterpret_cast<std::uintptr_t>(token));
    chain->with_context = shape.with_context;
    chain->caller_thread = real_host::current_thread_number();
    if (prng.chance(1, 20)) {
      chain->results.assign(kLongChainSteps, S_OK);
      chain->modes.assign(kLongChainSteps, StepMode::synchronous);
    } else {
      const std::uint64_t steps = 1 + prng.below(6);
      for (std::uint64_t step = 0; step < steps; ++step) {
        chain->results.push_back(prng.chance(3, 4) ? S_OK : kStepFailures[prng.below(3)]);
        const std::uint64_t mode = prng.below(6);
        chain->modes.push_back(mode < 3 ? StepMode::synchronous
                                        : (mode < 5 ? StepMode::later : StepMode::early));
      }
    }
    StressCall& call = ledger_.start("async-execute", shape, caller);
    chain->call = &call;
    auto* async_state = reinterpret_cast<WS_ASYNC_STATE*>(
        call.add_buffer(sizeof(WS_ASYNC_STATE), Ownership::until_completion));
    const lockstep_implementation& implementation = implementation_;
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      return implementation.async_execute(async_state, &scripted_step, WS_SHORT_CALLBACK, token,
                                          context, error);
    });
    return call;
  }

  void check_chain_end(Chain& chain) {
    std::lock_guard<std::mutex> lock(chain.mutex);
    const StressCall& call = *chain.call;
    if (!call.completed() || chain.cut_short) {
      return;  // the ledger reported a call never completed; a cut chain was reported
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
      violation(chain,
                "every step completed synchronously, yet WsAsyncExecute returned WS_S_ASYNC");
    }
  }

  const lockstep_implementation& implementation_;
  StressLog& log_;
  const RoundSettings settings_;
  Prng prng_;
  RealNetwork network_;
  RealHost user_host_;
  CallLedger ledger_;
  std::mutex mutex_;
  std::deque<std::unique_ptr<Chain>> chains_;
  std::mutex completions_mutex_;
  std::deque<std::unique_ptr<Completion>> completions_;

  friend HRESULT scripted_step(HRESULT, WS_CALLBACK_MODEL, void*, WS_ASYNC_OPERATION*,
                               const WS_ASYNC_CONTEXT*, WS_ERROR*);
};

HRESULT AsyncExecuteRound::step(Chain& chain, HRESULT input, WS_ASYNC_OPERATION* next,
                                const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
  const std::uint64_t thread = real_host::current_thread_number();
  const auto frame = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  StepMode mode = StepMode::synchronous;
  HRESULT result = S_OK;
  {
    std::lock_guard<std::mutex> lock(chain.mutex);
    const std::uint64_t index = chain.steps_run++;
    const std::string step = "step " + std::to_string(index + 1);
    if (chain.ended || index >= chain.results.size()) {
      if (chain.steps_run == chain.results.size() + 1 || chain.cut_short) {
        violation(chain, step + " ran after the chain ended (the last step left next empty)");
      }
      if (next != nullptr) {
        next->function = nullptr;  // end it, whatever was handed in
      }
      return input;
    }
    if (next == nullptr || next->function != nullptr) {
      violation(chain, "next->function was not NULL on entry to " + step);
    }
    if (input != chain.expected_input) {
      violation(chain, step + " received " + hresult_text(input) +
                           " but its predecessor's result was " +
                           hresult_text(chain.expected_input));
    }
    if (index == 0) {
      chain.first_thread = thread;
      chain.first_frame = frame;
    } else if (!chain.went_asynchronous && thread == chain.first_thread &&
               chain.first_frame > frame && chain.first_frame - frame > kStackGrowthLimitBytes) {
      violation(chain, "the stack grew by " + std::to_string(chain.first_frame - frame) +
                           " bytes over " + std::to_string(index) +
                           " synchronous steps: the chain recurses instead of iterating");
      chain.cut_short = true;
      chain.ended = true;
      if (next != nullptr) {
        next->function = nullptr;
      }
      return S_OK;
    }
    result = chain.results[index];
    chain.expected_input = result;
    const bool more = index + 1 < chain.results.size();
    if (next != nullptr) {
      next->function = more ? &scripted_step : nullptr;
    }
    chain.ended = !more;
    mode = context == nullptr ? StepMode::synchronous : chain.modes[index];
    if (mode == StepMode::early && thread != chain.caller_thread) {
      // Waiting on a worker for work queued to the same workers could starve the pool (AM8
      // binds the harness too): early completions are staged from the caller's thread only.
      mode = StepMode::later;
    }
    if (mode != StepMode::synchronous) {
      chain.went_asynchronous = true;
    }
  }
  if (mode == StepMode::synchronous) {
    fill_error(error, result);
    return result;
  }
  const lockstep_host& host = *user_host_.table();
  Completion* completion = nullptr;
  {
    std::lock_guard<std::mutex> lock(completions_mutex_);
    completion = completions_
                     .emplace_back(std::make_unique<Completion>(Completion{
                         context->callback, context->callbackState, result, error, &host, nullptr}))
                     .get();
  }
  if (mode == StepMode::early) {
    lockstep_event* done = host.event_create(host.self, 1, 0);
    completion->done = done;
    host.submit_work(host.self, &complete_on_worker, completion);
    host.event_wait(host.self, done, LOCKSTEP_WAIT_FOREVER);  // its completion ran meanwhile
    host.event_destroy(host.self, done);
  } else {
    host.submit_work(host.self, &complete_on_worker, completion);
  }
  return WS_S_ASYNC;
}

HRESULT scripted_step(HRESULT input, WS_CALLBACK_MODEL, void* callback_state,
                      WS_ASYNC_OPERATION* next, const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
  AsyncExecuteRound* round = active_round.load();
  Chain* chain = round == nullptr ? nullptr : round->find(callback_state);
  if (chain == nullptr) {
    if (round != nullptr) {
      round->log_.record("AM10", "async-execute",
                         "a step received a callbackState the caller never passed");
    }
    if (next != nullptr) {
      next->function = nullptr;
    }
    return S_OK;
  }
  return round->step(*chain, input, next, context, error);
}

}  // namespace

RoundReport run_async_execute_round(const lockstep_implementation& implementation,
                                    std::uint64_t seed, StressLog& log,
                                    const RoundSettings& settings) {
  auto round = std::make_unique<AsyncExecuteRound>(implementation, seed, log, settings);
  const RoundReport report = round->run();
  if (report.leaked) {
    static_cast<void>(round.release());  // a stuck thread may still use it: never freed
  }
  return report;
}

}  // namespace lockstep::stress
