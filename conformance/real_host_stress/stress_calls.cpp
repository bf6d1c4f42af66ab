// The caller-side checks of stress_calls.h.
//
// Invariants: a call completes at most once (its final return, or its first callback); at
// completion its until_completion buffers are snapshotted and then poisoned, at return its
// until_return buffers; everything a callback or return touches is under the call's mutex; a
// token is in the registry exactly while its ledger lives.
#include "conformance/real_host_stress/stress_calls.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>

#include "conformance/real_host_stress/process_cpu_time.h"
#include "conformance/real_host_stress/stress_round.h"
#include "harness/real_host/activity_gauge.h"
#include "harness/real_host/real_clock.h"

namespace lockstep::stress {

namespace {

constexpr std::uint64_t kTrapBit = 1;
constexpr int kQuietChecksToGiveUp = 10;  // 10 checks 2 ms apart: 20 ms with nothing running
constexpr auto kWaitSlice = std::chrono::milliseconds(2);

std::mutex registry_mutex;
std::map<std::uint64_t, StressCall*> registry;  // token -> call, for live ledgers only
std::atomic<std::uint64_t> next_token{1};
std::atomic<std::uint64_t> orphan_callbacks{0};

void* state_of(std::uint64_t token, bool trap) {
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>((token << 1) | (trap ? kTrapBit : 0)));
}

}  // namespace

// The two callbacks a caller hands out: the real one, and the trap the context is scribbled
// with after return. Both decode the state, so a context read half-scribbled is still found.
struct CallbackEntry {
  static void dispatch(HRESULT result, WS_CALLBACK_MODEL model, void* state, bool trap_function) {
    const auto value = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(state));
    StressCall* call = nullptr;
    {
      std::lock_guard<std::mutex> lock(registry_mutex);
      auto found = registry.find(value >> 1);
      if (found != registry.end()) {
        call = found->second;
      }
    }
    if (call == nullptr) {
      orphan_callbacks.fetch_add(1);
      return;
    }
    call->on_callback(result, model, trap_function || (value & kTrapBit) != 0);
  }
  static void real(HRESULT result, WS_CALLBACK_MODEL model, void* state) {
    dispatch(result, model, state, false);
  }
  static void trap(HRESULT result, WS_CALLBACK_MODEL model, void* state) {
    dispatch(result, model, state, true);
  }
};

// ---- StressCall ----------------------------------------------------------------------------

StressCall::StressCall(CallLedger& ledger, std::uint64_t token, std::string label, CallShape shape,
                       int owner)
    : ledger_(ledger), token_(token), label_(std::move(label)), shape_(shape), owner_(owner) {}

void StressCall::violation(const char* rule, std::string explanation) {
  ledger_.log_.record(rule, label_, std::move(explanation));
}

unsigned char* StressCall::add_buffer(std::size_t bytes, Ownership ownership, const void* initial,
                                      unsigned char fill) {
  Buffer& buffer = buffers_.emplace_back();
  buffer.size = bytes;
  buffer.ownership = ownership;
  buffer.bytes = std::make_unique<unsigned char[]>(bytes == 0 ? 1 : bytes);
  if (initial != nullptr) {
    std::memcpy(buffer.bytes.get(), initial, bytes);
  } else {
    std::memset(buffer.bytes.get(), fill, bytes);
  }
  return buffer.bytes.get();
}

HRESULT StressCall::invoke(const Invocation& call) {
  const WS_ASYNC_CONTEXT* context = nullptr;
  WS_ERROR* error = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    invoked_ = true;
    calling_thread_ = real_host::current_thread_number();
    if (shape_.with_context) {
      context_.callback = &CallbackEntry::real;
      context_.callbackState = state_of(token_, false);
      context = &context_;
    }
    if (shape_.with_error) {
      error_ = std::make_unique<real_host::RealErrorObject>();
      error = error_->handle();
    }
  }
  const HRESULT returned = [&] {
    const real_host::ForeignCallScope inside;
    return call(context, error);
  }();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    returned_ = true;
    returned_result_ = returned;
    if (shape_.with_context) {
      // The caller's context goes out of scope here: whatever still reads it finds the trap.
      context_.callback = &CallbackEntry::trap;
      context_.callbackState = state_of(token_, true);
    }
    release_locked(Ownership::until_return);
    if (!shape_.with_context && returned == WS_S_ASYNC) {
      violation("AM1", "returned WS_S_ASYNC although the async context was NULL");
      complete_locked(returned);
    } else if (returned != WS_S_ASYNC) {
      if (callbacks_ > 0) {
        violation("AM2", "the callback ran although the function then returned " +
                             hresult_text(returned) + " synchronously");
      } else {
        complete_locked(returned);
      }
    }
  }
  changed_.notify_all();
  return returned;
}

void StressCall::on_callback(HRESULT result, WS_CALLBACK_MODEL model, bool through_trap) {
  const std::optional<WS_CALLBACK_MODEL> offered = ledger_.offered_model_();
  const std::uint64_t thread = real_host::current_thread_number();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (through_trap && !trap_reported_) {
      trap_reported_ = true;
      violation("AM5",
                "the callback came through the caller's context after the function returned "
                "(the context was kept by pointer, not copied)");
    }
    if (++callbacks_ > 1) {
      violation("AM3", "callback invoked " + std::to_string(callbacks_) + " times");
      return;
    }
    if (!invoked_ || !shape_.with_context) {
      violation("AM1", "a callback for a call made with a NULL async context");
    }
    if (result == WS_S_ASYNC) {
      violation("AM3", "the callback was given WS_S_ASYNC instead of the final result");
    }
    if (model != WS_SHORT_CALLBACK && model != WS_LONG_CALLBACK) {
      violation("AM3", "callback model " + std::to_string(static_cast<int>(model)));
    }
    if (!returned_ && thread == calling_thread_) {
      violation("AM4", "the callback ran on the calling thread before the function returned");
    }
    if (returned_ && returned_result_ != WS_S_ASYNC) {
      violation("AM2", "callback invoked after the function returned " +
                           hresult_text(returned_result_) + " synchronously");
      return;
    }
    if (FAILED(result) && error_ != nullptr && error_->string_count() == 0) {
      violation("AM7", "the failing callback (" + hresult_text(result) +
                           ") ran before the WS_ERROR was filled in");
    }
    if (model == WS_LONG_CALLBACK && offered == WS_SHORT_CALLBACK) {
      violation("AM8",
                "WS_LONG_CALLBACK on a worker the host offered only WS_SHORT_CALLBACK (no other "
                "worker was free)");
    }
    if (!completed_) {
      complete_locked(result);
    }
  }
  changed_.notify_all();
}

void StressCall::complete_locked(HRESULT result) {
  completed_ = true;
  result_ = result;
  if (error_ != nullptr) {
    error_strings_at_completion_ = error_->string_count();
    error_text_ = error_->text();
  }
  release_locked(Ownership::until_completion);
}

// Ownership is back with the caller: keep what the buffer held, then poison it (a string keeps
// its terminator, so an implementation that still reads it does not run off its end).
void StressCall::release_locked(Ownership ownership) {
  for (Buffer& buffer : buffers_) {
    if (buffer.released || buffer.ownership != ownership) {
      continue;
    }
    buffer.released = true;
    buffer.snapshot.assign(buffer.bytes.get(), buffer.bytes.get() + buffer.size);
    std::memset(buffer.bytes.get(), CallLedger::kPoison, buffer.size);
    if (ownership == Ownership::until_return && buffer.size > 0) {
      buffer.bytes[buffer.size - 1] = 0;
    }
  }
}

bool StressCall::completed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return completed_;
}

bool StressCall::returned() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return returned_;
}

HRESULT StressCall::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

HRESULT StressCall::returned_result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return returned_result_;
}

bool StressCall::went_asynchronous() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return returned_ && returned_result_ == WS_S_ASYNC;
}

std::vector<unsigned char> StressCall::snapshot(std::size_t index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return index < buffers_.size() ? buffers_[index].snapshot : std::vector<unsigned char>{};
}

std::string StressCall::error_text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_text_;
}

// ---- CallLedger ------------------------------------------------------------------------------

CallLedger::CallLedger(StressLog& log, OfferedModel offered_model, std::function<bool()> world_idle,
                       double call_bound_seconds)
    : log_(log),
      offered_model_(std::move(offered_model)),
      world_idle_(std::move(world_idle)),
      call_bound_seconds_(call_bound_seconds) {}

CallLedger::CallLedger(StressLog& log, const real_host::RealHost& implementation_host,
                       std::function<bool()> world_idle, double call_bound_seconds)
    : CallLedger(
          log, [&implementation_host] { return implementation_host.offered_model_here(); },
          std::move(world_idle), call_bound_seconds) {}

CallLedger::~CallLedger() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  for (const auto& call : calls_) {
    registry.erase(call->token_);
  }
}

StressCall& CallLedger::start(std::string operation, CallShape shape, int owner) {
  const std::uint64_t token = next_token.fetch_add(1);
  std::string label =
      "caller " + std::to_string(owner) + " " + operation + "#" + std::to_string(token);
  std::unique_ptr<StressCall> call(new StressCall(*this, token, std::move(label), shape, owner));
  StressCall* raw = call.get();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back(std::move(call));
  }
  std::lock_guard<std::mutex> lock(registry_mutex);
  registry.emplace(token, raw);
  return *raw;
}

WaitOutcome CallLedger::wait(StressCall& call) {
  const double deadline = wall_seconds() + call_bound_seconds_;
  int quiet_checks = 0;
  std::unique_lock<std::mutex> lock(call.mutex_);
  for (;;) {
    if (call.completed_) {
      return WaitOutcome::completed;
    }
    call.changed_.wait_for(lock, kWaitSlice);
    if (call.completed_) {
      return WaitOutcome::completed;
    }
    lock.unlock();
    quiet_checks = world_idle_() ? quiet_checks + 1 : 0;
    const bool past_bound = wall_seconds() > deadline;
    lock.lock();
    if (call.completed_) {
      return WaitOutcome::completed;
    }
    if (quiet_checks >= kQuietChecksToGiveUp) {
      return WaitOutcome::lost;
    }
    if (past_bound) {
      call.gave_up_timed_out_ = true;
      return WaitOutcome::timed_out;
    }
  }
}

std::vector<StressCall*> CallLedger::pending(int owner) const {
  std::vector<StressCall*> found;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& call : calls_) {
    if (call->owner_ != owner) {
      continue;
    }
    std::lock_guard<std::mutex> call_lock(call->mutex_);
    if (call->invoked_ && !call->completed_) {
      found.push_back(call.get());
    }
  }
  return found;
}

std::uint64_t CallLedger::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_.size();
}

void CallLedger::finish(const std::function<const char*(const StressCall&)>& classify) {
  if (const std::uint64_t orphans = orphan_callbacks.exchange(0); orphans > 0) {
    log_.record("AM3", "callback",
                std::to_string(orphans) +
                    " callback(s) with a callbackState the caller never passed, or for a call "
                    "of a run that had ended");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& owned : calls_) {
    StressCall& call = *owned;
    std::lock_guard<std::mutex> call_lock(call.mutex_);
    if (!call.invoked_) {
      continue;
    }
    for (std::size_t index = 0; index < call.buffers_.size(); ++index) {
      const StressCall::Buffer& buffer = call.buffers_[index];
      if (!buffer.released) {
        continue;
      }
      for (std::size_t byte = 0; byte < buffer.size; ++byte) {
        const bool terminator =
            buffer.ownership == Ownership::until_return && byte + 1 == buffer.size;
        if (buffer.bytes[byte] != (terminator ? 0 : kPoison)) {
          call.violation("AM6", "buffer " + std::to_string(index) +
                                    " was written after ownership returned to the caller "
                                    "(byte " +
                                    std::to_string(byte) + ")");
          break;
        }
      }
    }
    if (call.completed_ && call.error_ != nullptr &&
        call.error_->string_count() > call.error_strings_at_completion_) {
      call.violation("AM7", "a string was added to the WS_ERROR after the call completed");
    }
    if (call.completed_) {
      continue;
    }
    if (const char* rule = classify(call)) {
      call.violation(rule,
                     "pending when its channel was aborted or its connection dropped, and "
                     "never completed");
    } else if (!call.returned_) {
      call.violation("AM11", "the function never returned");
    } else if (call.gave_up_timed_out_) {
      call.violation("AM11", "not completed within " + std::to_string(call_bound_seconds_) +
                                 " s of wall-clock time");
    } else {
      call.violation("AM3", "returned WS_S_ASYNC and never called back (the world went quiet)");
    }
  }
}

}  // namespace lockstep::stress
