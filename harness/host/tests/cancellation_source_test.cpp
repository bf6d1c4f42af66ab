// Cancellation tokens: callbacks run once, inline on the cancelling thread or inside a late
// registration; unregister tells whether the callback can still run; stale handles throw.
#include <gtest/gtest.h>

#include <vector>

#include "harness/host/cancellation_source.h"

namespace lockstep::harness {
namespace {

struct Counter {
  std::vector<int>* order;
  int id;
};

void record(void* state) {
  auto* counter = static_cast<Counter*>(state);
  counter->order->push_back(counter->id);
}

TEST(CancellationSource, CallbacksRunOnceInRegistrationOrderOnTheCancellingThread) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(1));
  CancellationSource source(simulation);
  lockstep_cancellation_token* token = source.token();
  std::vector<int> order;
  Counter first{&order, 1};
  Counter second{&order, 2};
  lockstep_cancellation_registration* first_registration = nullptr;
  lockstep_cancellation_registration* second_registration = nullptr;
  EXPECT_FALSE(lockstep_token_is_cancellation_requested(token));
  ASSERT_EQ(token->ops->register_callback(token, record, &first, &first_registration), S_OK);
  ASSERT_EQ(token->ops->register_callback(token, record, &second, &second_registration), S_OK);
  source.cancel();
  source.cancel();  // a second request changes nothing
  EXPECT_TRUE(lockstep_token_is_cancellation_requested(token));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_FALSE(token->ops->unregister(token, first_registration));  // it ran
  EXPECT_FALSE(token->ops->unregister(token, second_registration));
  EXPECT_EQ(source.live_registrations(), 0u);
}

TEST(CancellationSource, ARegistrationAfterCancellationRunsInline) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(1));
  CancellationSource source(simulation);
  source.cancel();
  std::vector<int> order;
  Counter late{&order, 7};
  lockstep_cancellation_registration* registration = nullptr;
  lockstep_cancellation_token* token = source.token();
  ASSERT_EQ(token->ops->register_callback(token, record, &late, &registration), S_OK);
  EXPECT_EQ(order, (std::vector<int>{7}));
  EXPECT_FALSE(token->ops->unregister(token, registration));
}

TEST(CancellationSource, UnregisterBeforeCancellationMeansNeverAndStaleHandlesThrow) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(1));
  CancellationSource source(simulation);
  std::vector<int> order;
  Counter never{&order, 3};
  lockstep_cancellation_registration* registration = nullptr;
  lockstep_cancellation_token* token = source.token();
  ASSERT_EQ(token->ops->register_callback(token, record, &never, &registration), S_OK);
  EXPECT_TRUE(token->ops->unregister(token, registration));
  source.cancel();
  EXPECT_TRUE(order.empty());
  EXPECT_THROW(token->ops->unregister(token, registration), std::logic_error);
  EXPECT_EQ(token->ops->register_callback(token, nullptr, nullptr, &registration), E_INVALIDARG);
}

}  // namespace
}  // namespace lockstep::harness
