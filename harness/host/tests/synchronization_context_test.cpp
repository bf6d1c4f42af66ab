// The single-threaded context: posted functions run on its thread only, in posting order,
// never inline; pump_for returns at its deadline; the after-each hook sees every function.
#include <gtest/gtest.h>

#include <vector>

#include "harness/host/synchronization_context.h"

namespace lockstep::harness {
namespace {

struct Posted {
  SynchronizationContext* context;
  Simulation* simulation;
  std::vector<int>* order;
  int id;
  bool on_thread = false;
  bool inside = false;
};

void run_posted(void* state) {
  auto* posted = static_cast<Posted*>(state);
  posted->order->push_back(posted->id);
  posted->on_thread = posted->simulation->current_fiber() == posted->context->thread();
  posted->inside = posted->context->inside_posted_function();
}

TEST(SynchronizationContext, RunsPostedWorkOnItsThreadInPostingOrder) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Simulation simulation(SimulationConfig{}, make_random_walk_strategy(seed));
    SynchronizationContext context(simulation, "ui");
    std::vector<int> order;
    std::vector<Posted> items(6);
    int hooks = 0;
    context.set_after_each([&] { ++hooks; });
    simulation.spawn("ui", [&] {
      context.bind_current_thread();
      context.pump_until([&] { return order.size() == items.size(); });
    });
    for (int poster = 0; poster < 2; ++poster) {
      simulation.spawn("poster", [&, poster] {
        for (int index = 0; index < 3; ++index) {
          Posted& item = items[static_cast<std::size_t>(poster * 3 + index)];
          item = Posted{&context, &simulation, &order, poster * 3 + index};
          const std::size_t before = order.size();
          ASSERT_EQ(context.table()->post(context.table()->self, run_posted, &item), S_OK);
          EXPECT_EQ(order.size(), before) << "post ran the function inline";
          simulation.yield();
        }
      });
    }
    ASSERT_EQ(simulation.run().outcome, Outcome::completed) << seed;
    ASSERT_EQ(order.size(), 6u);
    // Each poster's items keep their order; every item ran on the context, inside a post.
    std::vector<int> first;
    std::vector<int> second;
    for (const int id : order) {
      (id < 3 ? first : second).push_back(id);
    }
    EXPECT_EQ(first, (std::vector<int>{0, 1, 2})) << seed;
    EXPECT_EQ(second, (std::vector<int>{3, 4, 5})) << seed;
    for (const Posted& item : items) {
      EXPECT_TRUE(item.on_thread);
      EXPECT_TRUE(item.inside);
    }
    EXPECT_EQ(hooks, 6);
    EXPECT_FALSE(context.inside_posted_function());
  }
}

TEST(SynchronizationContext, PumpForReturnsAtItsDeadlineAndADaemonPumpsForever) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(3));
  SynchronizationContext ui(simulation, "ui");
  SynchronizationContext service(simulation, "service");
  service.run_as_daemon();
  std::vector<int> order;
  Posted late{&service, &simulation, &order, 9};
  std::uint64_t returned_at_ns = 0;
  simulation.spawn("ui", [&] {
    ui.bind_current_thread();
    ui.pump_for(5000);
    returned_at_ns = simulation.now_ns();
    service.table()->post(service.table()->self, run_posted, &late);
  });
  ASSERT_EQ(simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(returned_at_ns, 5000u);
  EXPECT_EQ(order, (std::vector<int>{9}));
  EXPECT_TRUE(late.on_thread);
}

}  // namespace
}  // namespace lockstep::harness
