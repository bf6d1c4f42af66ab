// CallMonitor: for every check, a tiny correct operation (no violation at all) and a tiny
// broken one (exactly that violation). Operations are lambdas that complete synchronously,
// from an event, or from another fiber, run by a caller fiber of a seeded Simulation.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/monitor/call_monitor.h"

extern "C" void lockstep_test_invoke_callback_with_model(WS_ASYNC_CALLBACK callback,
                                                         HRESULT result, int model, void* state);

namespace lockstep::harness {
namespace {

constexpr std::uint64_t completion_delay_ns = 1'000;

struct World {
  explicit World(std::uint64_t seed = 11)
      : simulation(SimulationConfig{}, make_random_walk_strategy(seed)),
        violations(simulation),
        monitor(simulation, violations) {}

  /// Runs `caller` on a fiber to the end of the schedule.
  void run(std::function<void()> caller) {
    simulation.spawn("caller", std::move(caller));
    const RunResult& result = simulation.run();
    ASSERT_EQ(result.outcome, Outcome::completed) << result.message;
  }

  std::vector<std::string> rules() const {
    std::vector<std::string> ids;
    for (const Violation& violation : violations.all()) {
      ids.push_back(violation.rule);
    }
    return ids;
  }

  std::string report() const {
    std::string text;
    for (const Violation& violation : violations.all()) {
      text += violation.to_text() + "\n";
    }
    return text;
  }

  /// A correct asynchronous operation: copies callback and state, completes from an event.
  MonitoredCall::Invocation completes_later(HRESULT final_result = S_OK) {
    return [this, final_result](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CALLBACK callback = context->callback;
      void* const state = context->callbackState;
      simulation.schedule(
          completion_delay_ns,
          [callback, state, final_result] { callback(final_result, WS_SHORT_CALLBACK, state); },
          "complete");
      return WS_S_ASYNC;
    };
  }

  Simulation simulation;
  ViolationLog violations;
  CallMonitor monitor;
};

#define ASSERT_RULES(world, ...) \
  ASSERT_EQ((world).rules(), (std::vector<std::string>{__VA_ARGS__})) << (world).report()

// ---- AM1 ------------------------------------------------------------------------------------

TEST(CallMonitorAm1, NullContextSynchronousReturnIsFine) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"open", false, false});
    call.invoke([](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      return context == nullptr ? S_OK : E_INVALIDARG;
    });
    EXPECT_TRUE(call.completed_synchronously());
    EXPECT_EQ(call.result(), S_OK);
  });
  ASSERT_RULES(world);
}

TEST(CallMonitorAm1, NullContextReturningAsyncIsAm1) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"open", false, false});
    call.invoke([](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return WS_S_ASYNC; });
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM1");
}

// ---- AM2 ------------------------------------------------------------------------------------

TEST(CallMonitorAm2, SynchronousReturnWithoutCallbackIsFine) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send"});
    EXPECT_EQ(call.invoke([](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return S_OK; }), S_OK);
    world.simulation.sleep_for(10 * completion_delay_ns);
    EXPECT_TRUE(call.completed_synchronously());
    EXPECT_EQ(call.callback_count(), 0u);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

TEST(CallMonitorAm2, CallbackAfterSynchronousReturnIsAm2) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send"});
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      world.completes_later()(context, error);
      return S_OK;
    });
    world.simulation.sleep_for(10 * completion_delay_ns);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM2");
}

// The callback runs on a worker fiber while the calling fiber is still inside the call.
MonitoredCall::Invocation completes_on_worker_before_return(World& world, HRESULT returned) {
  return [&world, returned](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
    const WS_ASYNC_CALLBACK callback = context->callback;
    void* const state = context->callbackState;
    bool worker_done = false;
    world.simulation.spawn("worker", [&worker_done, callback, state] {
      callback(S_OK, WS_LONG_CALLBACK, state);
      worker_done = true;
    });
    while (!worker_done) {
      world.simulation.yield();
    }
    return returned;
  };
}

TEST(CallMonitorAm2, EarlyCallbackOnAnotherThreadThenAsyncReturnIsFine) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    EXPECT_EQ(call.invoke(completes_on_worker_before_return(world, WS_S_ASYNC)), WS_S_ASYNC);
    world.monitor.wait(call);
    EXPECT_TRUE(call.completed());
    EXPECT_FALSE(call.completed_synchronously());
    EXPECT_EQ(call.callback_count(), 1u);
    EXPECT_EQ(call.callback_model(), WS_LONG_CALLBACK);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

TEST(CallMonitorAm2, EarlyCallbackOnAnotherThreadThenSynchronousReturnIsAm2) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    call.invoke(completes_on_worker_before_return(world, S_OK));
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM2");
}

// ---- AM3 ------------------------------------------------------------------------------------

TEST(CallMonitorAm3, OneCallbackWithFinalResultIsFine) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    EXPECT_EQ(call.invoke(world.completes_later(WS_E_ENDPOINT_DISCONNECTED)), WS_S_ASYNC);
    EXPECT_FALSE(call.completed());
    ASSERT_EQ(world.monitor.pending().size(), 1u);
    EXPECT_EQ(world.monitor.pending_count(), 1u);
    world.monitor.wait(call);
    EXPECT_EQ(call.result(), WS_E_ENDPOINT_DISCONNECTED);
    EXPECT_EQ(call.callback_count(), 1u);
    EXPECT_EQ(call.label(), "receive#1");
    EXPECT_TRUE(world.monitor.pending().empty());
    EXPECT_EQ(world.monitor.pending_count(), 0u);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

TEST(CallMonitorAm8, LongCallbackWhereTheHostOfferedLongIsFine) {
  World world;
  world.monitor.set_long_callback_policy([](FiberId) { return true; });
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CONTEXT copy = *context;
      world.simulation.schedule(
          completion_delay_ns, [copy] { copy.callback(S_OK, WS_LONG_CALLBACK, copy.callbackState); },
          "complete");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  EXPECT_TRUE(world.violations.empty()) << world.report();
}

TEST(CallMonitorAm8, LongCallbackWhereTheHostOfferedOnlyShortIsAm8) {
  World world;
  world.monitor.set_long_callback_policy([](FiberId) { return false; });
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CONTEXT copy = *context;
      world.simulation.schedule(
          completion_delay_ns, [copy] { copy.callback(S_OK, WS_LONG_CALLBACK, copy.callbackState); },
          "complete");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  EXPECT_EQ(world.rules(), (std::vector<std::string>{"AM8"})) << world.report();
}

TEST(CallMonitorTrace, CallReturnAndCallbackAreAnnotatedInOrder) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    call.invoke(world.completes_later(WS_E_ENDPOINT_DISCONNECTED));
    world.monitor.wait(call);
  });
  std::vector<std::string> labels;
  std::vector<std::uint64_t> values;
  for (const TraceEvent& event : world.simulation.trace().events()) {
    if (event.kind == TraceKind::annotation) {
      labels.push_back(event.label);
      values.push_back(event.value);
    }
  }
  ASSERT_EQ(labels, (std::vector<std::string>{"call receive#1", "return receive#1",
                                              "callback receive#1"}));
  EXPECT_EQ(values[1], static_cast<std::uint32_t>(WS_S_ASYNC));
  EXPECT_EQ(values[2], static_cast<std::uint32_t>(WS_E_ENDPOINT_DISCONNECTED))
      << "SHORT model (0) in the high half, the result in the low half";
}

TEST(CallMonitorAm3, SecondCallbackIsAm3) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CALLBACK callback = context->callback;
      void* const state = context->callbackState;
      world.simulation.schedule(
          completion_delay_ns,
          [callback, state] {
            callback(S_OK, WS_SHORT_CALLBACK, state);
            callback(S_OK, WS_SHORT_CALLBACK, state);
          },
          "complete twice");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM3");
}

TEST(CallMonitorAm3, CallbackWithAsyncResultIsAm3) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    call.invoke(world.completes_later(WS_S_ASYNC));
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM3");
}

TEST(CallMonitorAm3, CallbackModelSevenIsAm3) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CALLBACK callback = context->callback;
      void* const state = context->callbackState;
      world.simulation.schedule(
          completion_delay_ns,
          [callback, state] { lockstep_test_invoke_callback_with_model(callback, S_OK, 7, state); },
          "complete with model 7");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM3");
}

TEST(CallMonitorAm3, ForgedCallbackStateIsAm3) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CALLBACK callback = context->callback;
      void* const state = context->callbackState;
      world.simulation.schedule(
          completion_delay_ns,
          [callback, state] {
            int forged = 0;
            callback(S_OK, WS_SHORT_CALLBACK, &forged);
            callback(S_OK, WS_SHORT_CALLBACK, state);
          },
          "complete with a forged state first");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM3");
  EXPECT_NE(world.violations.all()[0].explanation.find("never passed"), std::string::npos);
}

MonitoredCall::Invocation never_completes() {
  return [](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return WS_S_ASYNC; };
}

TEST(CallMonitorAm3, MissingCallbackInAQuietWorldIsLost) {
  World world;
  world.run([&] { world.monitor.start({"receive"}).invoke(never_completes()); });
  ASSERT_EQ(world.monitor.pending().size(), 1u);
  EXPECT_EQ(world.monitor.pending_count(), 1u);
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM3");
  EXPECT_NE(world.violations.all()[0].explanation.find("callback lost"), std::string::npos);
}

TEST(CallMonitorAm3, CompletedCallIsNotLost) {
  World world;
  world.run([&] { world.monitor.start({"receive"}).invoke(world.completes_later()); });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

// ---- AM11 -----------------------------------------------------------------------------------

TEST(CallMonitorAm11, PendingCallWhenTheHealedBoundExpiresIsAm11) {
  World world;
  world.run([&] { world.monitor.start({"receive"}).invoke(never_completes()); });
  world.monitor.finish(false);
  world.monitor.finish(false);  // reported once only
  ASSERT_RULES(world, "AM11");
}

TEST(CallMonitorAm11, CompletedCallIsNotAm11) {
  World world;
  world.run([&] { world.monitor.start({"receive"}).invoke(world.completes_later()); });
  world.monitor.finish(false);
  ASSERT_RULES(world);
}

// ---- AM4 ------------------------------------------------------------------------------------

TEST(CallMonitorAm4, CallbackOnTheCallingThreadBeforeReturnIsAm4) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send"});
    call.invoke([](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      context->callback(S_OK, WS_SHORT_CALLBACK, context->callbackState);
      return WS_S_ASYNC;
    });
    EXPECT_TRUE(call.completed());
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM4");
}

TEST(CallMonitorAm4, CallbackOnAnotherThreadBeforeReturnIsNotAm4) {
  World world;
  world.run([&] {
    world.monitor.start({"send"}).invoke(completes_on_worker_before_return(world, WS_S_ASYNC));
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

// ---- AM5 ------------------------------------------------------------------------------------

TEST(CallMonitorAm5, CopiedContextIsFine) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"close"});
    call.invoke(world.completes_later());
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

TEST(CallMonitorAm5, CallbackReadFromContextAfterReturnIsAm5) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"close"});
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      world.simulation.schedule(
          completion_delay_ns,
          [context] { context->callback(S_OK, WS_SHORT_CALLBACK, context->callbackState); },
          "complete through the stale context");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM5");
  EXPECT_EQ(world.violations.all()[0].operation, "close#1");
}

TEST(CallMonitorAm5, StateReadFromContextAfterReturnIsAm5) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"close"});
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CALLBACK callback = context->callback;
      world.simulation.schedule(
          completion_delay_ns,
          [context, callback] { callback(S_OK, WS_SHORT_CALLBACK, context->callbackState); },
          "complete with the stale state");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM5");
  EXPECT_EQ(world.violations.all()[0].operation, "close#1");
}

// ---- AM6 ------------------------------------------------------------------------------------

TEST(CallMonitorAm6, BufferUsedBeforeCompletionIsFine) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    auto* out = static_cast<volatile char*>(call.add_buffer("out", 8));
    call.invoke([&world, out](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CALLBACK callback = context->callback;
      void* const state = context->callbackState;
      world.simulation.schedule(
          completion_delay_ns,
          [callback, state, out] {
            out[0] = static_cast<char>(out[1] + 1);
            callback(S_OK, WS_SHORT_CALLBACK, state);
          },
          "fill then complete");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

MonitoredCall::Invocation touches_after_callback(World& world, volatile char* buffer, bool write) {
  return [&world, buffer, write](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
    const WS_ASYNC_CALLBACK callback = context->callback;
    void* const state = context->callbackState;
    world.simulation.schedule(
        completion_delay_ns,
        [callback, state, buffer, write] {
          callback(S_OK, WS_SHORT_CALLBACK, state);
          if (write) {
            buffer[3] = 'x';
          } else {
            static_cast<void>(buffer[3]);
          }
        },
        "complete then touch");
    return WS_S_ASYNC;
  };
}

TEST(CallMonitorAm6, ReadAfterCompletionIsAm6) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send"});
    auto* message = static_cast<volatile char*>(call.add_buffer("message", 8));
    call.invoke(touches_after_callback(world, message, false));
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM6");
  const std::string& explanation = world.violations.all()[0].explanation;
  EXPECT_NE(explanation.find("read of caller buffer 'message' at offset 3 after completion"),
            std::string::npos)
      << explanation;
  EXPECT_NE(explanation.find("(step "), std::string::npos);
  EXPECT_EQ(world.violations.all()[0].operation, "send#1");
}

TEST(CallMonitorAm6, WriteAfterCallbackIsAm6) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    auto* out = static_cast<volatile char*>(call.add_buffer("out", 8));
    call.invoke(touches_after_callback(world, out, true));
    world.monitor.wait(call);
  });
  world.monitor.collect_access_faults();
  ASSERT_RULES(world, "AM6");
  EXPECT_NE(world.violations.all()[0].explanation.find("write to caller buffer 'out'"),
            std::string::npos);
}

// Reads the buffer between return and completion, then completes.
MonitoredCall::Invocation reads_while_pending(World& world, volatile char* buffer) {
  return [&world, buffer](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
    const WS_ASYNC_CALLBACK callback = context->callback;
    void* const state = context->callbackState;
    world.simulation.schedule(
        completion_delay_ns,
        [callback, state, buffer] {
          static_cast<void>(buffer[0]);
          callback(S_OK, WS_SHORT_CALLBACK, state);
        },
        "read then complete");
    return WS_S_ASYNC;
  };
}

TEST(CallMonitorAm6, UntilReturnBufferReadAfterReturnIsAm6) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"open"});
    auto* address = static_cast<volatile char*>(
        call.add_buffer("address", 16, BufferOwnership::until_return, "net.tcp://peer/x"));
    call.invoke(reads_while_pending(world, address));
    world.monitor.wait(call);
    EXPECT_EQ(call.buffer_snapshot("address"), "net.tcp://peer/x");
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM6");
  EXPECT_NE(world.violations.all()[0].explanation.find("after the call returned"),
            std::string::npos);
}

TEST(CallMonitorAm6, UntilCompletionBufferReadBetweenReturnAndCompletionIsFine) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send"});
    auto* message = static_cast<volatile char*>(call.add_buffer("message", 16));
    call.invoke(reads_while_pending(world, message));
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

TEST(CallMonitorAm6, SnapshotHoldsTheOutParameterWrittenBeforeCompletion) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive"});
    auto* out = static_cast<char*>(call.add_buffer("out", 5));
    call.invoke([&world, out](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CALLBACK callback = context->callback;
      void* const state = context->callbackState;
      world.simulation.schedule(
          completion_delay_ns,
          [callback, state, out] {
            std::memcpy(out, "hello", 5);
            callback(S_OK, WS_SHORT_CALLBACK, state);
          },
          "write out then complete");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
    EXPECT_EQ(call.buffer_snapshot("out"), "hello");
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

// ---- AM7 ------------------------------------------------------------------------------------

MonitoredCall::Invocation fails_later(World& world, bool string_before, bool string_after) {
  return [&world, string_before, string_after](const WS_ASYNC_CONTEXT* context,
                                               WS_ERROR* error) {
    const WS_ASYNC_CALLBACK callback = context->callback;
    void* const state = context->callbackState;
    world.simulation.schedule(
        completion_delay_ns,
        [callback, state, error, string_before, string_after] {
          if (string_before) {
            lockstep_error_add_text(error, "peer reset the connection");
          }
          callback(WS_E_ENDPOINT_DISCONNECTED, WS_SHORT_CALLBACK, state);
          if (string_after) {
            lockstep_error_add_text(error, "too late");
          }
        },
        "fail");
    return WS_S_ASYNC;
  };
}

TEST(CallMonitorAm7, ErrorFilledBeforeFailingCallbackIsFine) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive", true, true});
    call.invoke(fails_later(world, true, false));
    world.monitor.wait(call);
    EXPECT_EQ(call.result(), WS_E_ENDPOINT_DISCONNECTED);
    EXPECT_EQ(call.error_text(), "peer reset the connection");
  });
  world.monitor.finish(true);
  ASSERT_RULES(world);
}

TEST(CallMonitorAm7, FailingCallbackWithEmptyErrorIsAm7) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive", true, true});
    call.invoke(fails_later(world, false, false));
    world.monitor.wait(call);
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM7");
}

TEST(CallMonitorAm7, StringAddedAfterCompletionIsAm7) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"receive", true, true});
    call.invoke(fails_later(world, true, true));
    world.monitor.wait(call);
    EXPECT_EQ(call.error_text(), "peer reset the connection");
  });
  world.monitor.finish(true);
  ASSERT_RULES(world, "AM7");
}

// ---- the caller's work inside a callback (set_callback_action) ----------------------------

TEST(CallMonitorCallbackAction, RunsOnceInsideTheCallbackWithItsModelAfterCompletion) {
  World world;
  std::vector<std::string> seen;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send", true, false});
    call.set_callback_action([&](WS_CALLBACK_MODEL model) {
      seen.push_back(std::string(call.completed() ? "completed" : "pending") + " model " +
                     std::to_string(model));
      // A re-entrant call from inside the callback is monitored like any other.
      MonitoredCall& next = world.monitor.start({"send", false, false});
      next.invoke([](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return S_OK; });
      seen.push_back(next.completed_synchronously() ? "next completed" : "next pending");
    });
    call.invoke(world.completes_later());
    world.monitor.wait(call);
  });
  ASSERT_RULES(world);
  EXPECT_EQ(seen, (std::vector<std::string>{"completed model 0", "next completed"}));
}

TEST(CallMonitorCallbackAction, DoesNotRunForASynchronousCompletion) {
  World world;
  int runs = 0;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send", true, false});
    call.set_callback_action([&](WS_CALLBACK_MODEL) { ++runs; });
    call.invoke([](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return S_OK; });
  });
  ASSERT_RULES(world);
  EXPECT_EQ(runs, 0);
}

TEST(CallMonitorCallbackAction, DoesNotRunAgainOnASecondCallback) {
  World world;
  int runs = 0;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send", true, false});
    call.set_callback_action([&](WS_CALLBACK_MODEL) { ++runs; });
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR*) {
      const WS_ASYNC_CALLBACK callback = context->callback;
      void* const state = context->callbackState;
      world.simulation.schedule(
          completion_delay_ns,
          [callback, state] {
            callback(S_OK, WS_SHORT_CALLBACK, state);
            callback(S_OK, WS_SHORT_CALLBACK, state);
          },
          "complete twice");
      return WS_S_ASYNC;
    });
    world.monitor.wait(call);
  });
  ASSERT_RULES(world, "AM3");
  EXPECT_EQ(runs, 1);
}

TEST(CallMonitorCallbackAction, CannotBeSetAfterInvoke) {
  World world;
  world.run([&] {
    MonitoredCall& call = world.monitor.start({"send", false, false});
    call.invoke([](const WS_ASYNC_CONTEXT*, WS_ERROR*) { return S_OK; });
    EXPECT_THROW(call.set_callback_action([](WS_CALLBACK_MODEL) {}), std::logic_error);
  });
}

}  // namespace
}  // namespace lockstep::harness
