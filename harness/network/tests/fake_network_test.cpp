// The fake network keeps its promises: completions exactly once and never inline, per-direction
// FIFO, the documented error codes, drops and closes that reach both ends, graceful end of
// session, liveness once healed, and schedules that are a pure function of the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/network/fake_network.h"

namespace lockstep::harness {
namespace {

constexpr HRESULT kNotYet = WS_S_ASYNC;  // no final result is ever WS_S_ASYNC

CompletionSink immediate_sink() {
  return [](std::function<void()> completion) { completion(); };
}

CompletionSink fiber_sink(Simulation& simulation) {
  return [&simulation](std::function<void()> completion) {
    simulation.spawn("completion", std::move(completion));
  };
}

FaultPlan quiet_plan(std::uint64_t delay_max_ns) {
  FaultPlan plan;
  plan.delay_max_ns = delay_max_ns;
  plan.healed_delay_max_ns = delay_max_ns;
  return plan;
}

struct World {
  explicit World(std::uint64_t seed, const FaultPlan& plan = quiet_plan(1'000))
      : simulation(SimulationConfig{}, make_random_walk_strategy(seed)),
        network(simulation, plan) {}

  /// Steps until `done` holds; false if the schedule ended first.
  bool run_until(const std::function<bool()>& done) {
    while (!done()) {
      if (!simulation.step()) {
        return false;
      }
    }
    return true;
  }

  bool trace_has_annotation(std::string_view prefix) const {
    const auto& events = simulation.trace().events();
    return std::any_of(events.begin(), events.end(), [&](const TraceEvent& event) {
      return event.kind == TraceKind::annotation && event.label.starts_with(prefix);
    });
  }

  Simulation simulation;  // declared first: it outlives the network
  FakeNetwork network;
};

struct Connection {
  ConnectionId client = 0;
  ConnectionId server = 0;
};

/// Listens on `address`, connects to it and steps until both ends are known.
Connection establish(World& world, std::string_view address = "net://server") {
  ListenerId listener = 0;
  EXPECT_EQ(world.network.listen(address, listener), S_OK);
  Connection connection;
  HRESULT accepted = kNotYet;
  HRESULT connected = kNotYet;
  EXPECT_EQ(world.network.accept(listener, immediate_sink(),
                                 [&](HRESULT result, ConnectionId id) {
                                   accepted = result;
                                   connection.server = id;
                                 }),
            S_OK);
  EXPECT_EQ(world.network.connect(address, immediate_sink(),
                                  [&](HRESULT result, ConnectionId id) {
                                    connected = result;
                                    connection.client = id;
                                  }),
            S_OK);
  EXPECT_TRUE(world.run_until([&] { return accepted != kNotYet && connected != kNotYet; }));
  EXPECT_EQ(accepted, S_OK);
  EXPECT_EQ(connected, S_OK);
  return connection;
}

struct Received {
  HRESULT result = kNotYet;
  std::string message;
  int calls = 0;
};

ReceiveCompletion record_into(Received& received) {
  return [&received](HRESULT result, std::string_view message) {
    received.result = result;
    received.message = std::string(message);
    ++received.calls;
  };
}

struct Sent {
  HRESULT result = kNotYet;
  int calls = 0;
};

SendCompletion record_into(Sent& sent) {
  return [&sent](HRESULT result) {
    sent.result = result;
    ++sent.calls;
  };
}

TEST(FakeNetwork, ConnectAcceptSendReceive) {
  World world(1);
  const Connection connection = establish(world);
  EXPECT_NE(connection.client, connection.server);
  EXPECT_EQ(world.network.peer_of(connection.client), connection.server);
  EXPECT_EQ(world.network.peer_of(connection.server), connection.client);

  Sent hello_sent, world_sent;
  Received at_server, at_client;
  ASSERT_EQ(
      world.network.send(connection.client, "hello", immediate_sink(), record_into(hello_sent)),
      S_OK);
  ASSERT_EQ(world.network.receive(connection.server, immediate_sink(), record_into(at_server)),
            S_OK);
  ASSERT_EQ(
      world.network.send(connection.server, "world", immediate_sink(), record_into(world_sent)),
      S_OK);
  ASSERT_EQ(world.network.receive(connection.client, immediate_sink(), record_into(at_client)),
            S_OK);
  EXPECT_EQ(world.network.pending_operations(), 4u);
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);

  EXPECT_EQ(hello_sent.result, S_OK);
  EXPECT_EQ(world_sent.result, S_OK);
  EXPECT_EQ(at_server.result, S_OK);
  EXPECT_EQ(at_server.message, "hello");
  EXPECT_EQ(at_client.result, S_OK);
  EXPECT_EQ(at_client.message, "world");
  EXPECT_EQ(hello_sent.calls + world_sent.calls + at_server.calls + at_client.calls, 4);
  EXPECT_EQ(world.network.pending_operations(), 0u);
  EXPECT_EQ(world.network.stats().messages_delivered, 2u);
  EXPECT_EQ(world.network.stats().connects, 1u);
  EXPECT_EQ(world.network.live_connections(),
            (std::vector<ConnectionId>{std::min(connection.client, connection.server),
                                       std::max(connection.client, connection.server)}));
}

TEST(FakeNetwork, EachDirectionIsFifoUnderRandomDelays) {
  constexpr int kMessages = 12;
  for (std::uint64_t seed = 0; seed < 150; ++seed) {
    World world(seed, quiet_plan(50'000));
    const Connection connection = establish(world);
    std::vector<std::string> at_server, at_client;
    std::vector<int> send_completion_order;
    for (int index = 0; index < kMessages; ++index) {
      ASSERT_EQ(world.network.send(connection.client, "c" + std::to_string(index), immediate_sink(),
                                   [&, index](HRESULT result) {
                                     EXPECT_EQ(result, S_OK);
                                     send_completion_order.push_back(index);
                                   }),
                S_OK);
      ASSERT_EQ(world.network.send(connection.server, "s" + std::to_string(index), immediate_sink(),
                                   [](HRESULT result) { EXPECT_EQ(result, S_OK); }),
                S_OK);
      // All the server's receives wait together; the client's are issued one at a time below.
      ASSERT_EQ(world.network.receive(connection.server, immediate_sink(),
                                      [&](HRESULT result, std::string_view message) {
                                        EXPECT_EQ(result, S_OK);
                                        at_server.emplace_back(message);
                                      }),
                S_OK);
    }
    std::function<void(HRESULT, std::string_view)> client_receive = [&](HRESULT result,
                                                                        std::string_view message) {
      EXPECT_EQ(result, S_OK);
      at_client.emplace_back(message);
      if (at_client.size() < kMessages) {
        EXPECT_EQ(world.network.receive(connection.client, immediate_sink(), client_receive), S_OK);
      }
    };
    ASSERT_EQ(world.network.receive(connection.client, immediate_sink(), client_receive), S_OK);
    ASSERT_EQ(world.simulation.run().outcome, Outcome::completed);

    std::vector<std::string> expected_at_server, expected_at_client;
    std::vector<int> expected_order;
    for (int index = 0; index < kMessages; ++index) {
      expected_at_server.push_back("c" + std::to_string(index));
      expected_at_client.push_back("s" + std::to_string(index));
      expected_order.push_back(index);
    }
    EXPECT_EQ(at_server, expected_at_server) << "seed " << seed;
    EXPECT_EQ(at_client, expected_at_client) << "seed " << seed;
    EXPECT_EQ(send_completion_order, expected_order) << "seed " << seed;
    EXPECT_EQ(world.network.pending_operations(), 0u);
  }
}

TEST(FakeNetwork, NoCompletionRunsInsideTheCallThatStartedIt) {
  // Zero delays are where running a completion inline would be most tempting.
  World world(7, quiet_plan(0));
  FakeNetwork& network = world.network;
  bool inside_call = false;
  int completions = 0;
  auto guarded = [&](const std::function<HRESULT()>& call) {
    inside_call = true;
    const HRESULT result = call();
    inside_call = false;
    return result;
  };
  auto on_connect = [&](HRESULT, ConnectionId) {
    EXPECT_FALSE(inside_call);
    ++completions;
  };
  auto on_send = [&](HRESULT) {
    EXPECT_FALSE(inside_call);
    ++completions;
  };
  auto on_receive = [&](HRESULT, std::string_view) {
    EXPECT_FALSE(inside_call);
    ++completions;
  };
  ConnectionId client = 0;
  ConnectionId server = 0;
  world.simulation.spawn("script", [&] {
    ListenerId listener = 0;
    ASSERT_EQ(network.listen("net://a", listener), S_OK);
    ASSERT_EQ(guarded([&] {
                return network.connect("net://a", immediate_sink(),
                                       [&](HRESULT result, ConnectionId id) {
                                         on_connect(result, id);
                                         client = id;
                                       });
              }),
              S_OK);
    world.simulation.sleep_for(1);  // the connect arrives and waits for an accept
    ASSERT_EQ(guarded([&] {
                return network.accept(listener, immediate_sink(),
                                      [&](HRESULT result, ConnectionId id) {
                                        on_connect(result, id);
                                        server = id;
                                      });
              }),
              S_OK);
    world.simulation.sleep_for(1);
    ASSERT_NE(client, 0u);
    ASSERT_NE(server, 0u);
    ASSERT_EQ(guarded([&] { return network.send(client, "first", immediate_sink(), on_send); }),
              S_OK);
    world.simulation.sleep_for(1);  // "first" waits in the server's inbox
    ASSERT_EQ(guarded([&] { return network.receive(server, immediate_sink(), on_receive); }), S_OK);
    ASSERT_EQ(guarded([&] { return network.receive(client, immediate_sink(), on_receive); }), S_OK);
    ASSERT_EQ(guarded([&] { return network.accept(listener, immediate_sink(), on_connect); }),
              S_OK);
    ASSERT_EQ(
        guarded([&] { return network.connect("net://nobody", immediate_sink(), on_connect); }),
        S_OK);
    ASSERT_EQ(guarded([&] {
                network.close_listener(listener);  // aborts the accept
                network.close(client);             // aborts the client's receive
                return S_OK;
              }),
              S_OK);
  });
  ASSERT_EQ(world.simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(completions, 7);
  EXPECT_EQ(network.pending_operations(), 0u);
}

TEST(FakeNetwork, ConnectWithoutListenerIsNotFound) {
  World world(3);
  HRESULT connected = kNotYet;
  ConnectionId id = 99;
  ASSERT_EQ(world.network.connect("net://nobody", immediate_sink(),
                                  [&](HRESULT result, ConnectionId connection) {
                                    connected = result;
                                    id = connection;
                                  }),
            S_OK);
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(connected, WS_E_ENDPOINT_NOT_FOUND);
  EXPECT_EQ(id, 0u);
  EXPECT_EQ(world.network.pending_operations(), 0u);
}

TEST(FakeNetwork, RefusesEveryConnectBeforeHealAndNoneAfter) {
  FaultPlan plan = quiet_plan(1'000);
  plan.refuse_per_mille = 1000;
  World world(4, plan);
  ListenerId listener = 0;
  ASSERT_EQ(world.network.listen("net://a", listener), S_OK);
  ConnectionId accepted = 0;
  ASSERT_EQ(world.network.accept(listener, immediate_sink(),
                                 [&](HRESULT result, ConnectionId id) {
                                   EXPECT_EQ(result, S_OK);
                                   accepted = id;
                                 }),
            S_OK);
  HRESULT first = kNotYet;
  ASSERT_EQ(world.network.connect("net://a", immediate_sink(),
                                  [&](HRESULT result, ConnectionId) { first = result; }),
            S_OK);
  ASSERT_TRUE(world.run_until([&] { return first != kNotYet; }));
  EXPECT_EQ(first, WS_E_ENDPOINT_UNREACHABLE);
  EXPECT_EQ(world.network.stats().refused_connects, 1u);
  EXPECT_TRUE(world.trace_has_annotation("net refuse #1"));

  world.network.heal();
  EXPECT_TRUE(world.network.healed());
  HRESULT second = kNotYet;
  ConnectionId client = 0;
  ASSERT_EQ(world.network.connect("net://a", immediate_sink(),
                                  [&](HRESULT result, ConnectionId id) {
                                    second = result;
                                    client = id;
                                  }),
            S_OK);
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(second, S_OK);
  EXPECT_NE(client, 0u);
  EXPECT_EQ(world.network.peer_of(client), accepted);
  EXPECT_EQ(world.network.stats().refused_connects, 1u);
  EXPECT_EQ(world.network.pending_operations(), 0u);
}

TEST(FakeNetwork, AnAddressHasOneOpenListener) {
  World world(5);
  ListenerId first = 0;
  ListenerId second = 0;
  EXPECT_EQ(world.network.listen("", first), E_INVALIDARG);
  ASSERT_EQ(world.network.listen("net://a", first), S_OK);
  EXPECT_EQ(world.network.listen("net://a", second), WS_E_ADDRESS_IN_USE);
  EXPECT_EQ(second, 0u);
  ASSERT_EQ(world.network.listen("net://b", second), S_OK);
  EXPECT_NE(first, second);
  world.network.close_listener(first);
  ListenerId third = 0;
  EXPECT_EQ(world.network.listen("net://a", third), S_OK);
  EXPECT_NE(third, first);
}

TEST(FakeNetwork, DropCompletesEveryPendingOperationOfBothEndsOnce) {
  // Long delays: everything below is still in flight when the drop hits.
  World world(6, quiet_plan(1'000'000));
  const Connection connection = establish(world);
  std::vector<Sent> sends(5);
  std::vector<Received> receives(3);
  for (int index = 0; index < 3; ++index) {
    ASSERT_EQ(
        world.network.send(connection.client, "c", immediate_sink(), record_into(sends[index])),
        S_OK);
  }
  for (int index = 3; index < 5; ++index) {
    ASSERT_EQ(
        world.network.send(connection.server, "s", immediate_sink(), record_into(sends[index])),
        S_OK);
  }
  ASSERT_EQ(world.network.receive(connection.client, immediate_sink(), record_into(receives[0])),
            S_OK);
  ASSERT_EQ(world.network.receive(connection.client, immediate_sink(), record_into(receives[1])),
            S_OK);
  ASSERT_EQ(world.network.receive(connection.server, immediate_sink(), record_into(receives[2])),
            S_OK);
  EXPECT_EQ(world.network.pending_operations(), 8u);

  EXPECT_TRUE(world.network.drop(connection.server));
  EXPECT_FALSE(world.network.drop(connection.client));
  EXPECT_TRUE(world.network.live_connections().empty());
  for (const Sent& sent : sends) {
    EXPECT_EQ(sent.calls, 0);  // completions still travel in events
  }
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);
  for (const Sent& sent : sends) {
    EXPECT_EQ(sent.calls, 1);
    EXPECT_EQ(sent.result, WS_E_ENDPOINT_DISCONNECTED);
  }
  for (const Received& received : receives) {
    EXPECT_EQ(received.calls, 1);
    EXPECT_EQ(received.result, WS_E_ENDPOINT_DISCONNECTED);
  }
  EXPECT_EQ(world.network.pending_operations(), 0u);
  EXPECT_EQ(world.network.stats().drops, 1u);
  EXPECT_EQ(world.network.stats().messages_delivered, 0u);
  EXPECT_TRUE(world.trace_has_annotation("net drop #1"));

  // Later operations on either end fail at once, with no completion.
  for (ConnectionId end : {connection.client, connection.server}) {
    EXPECT_EQ(world.network.send(end, "late", immediate_sink(),
                                 [](HRESULT) { ADD_FAILURE() << "completion after drop"; }),
              WS_E_ENDPOINT_DISCONNECTED);
    EXPECT_EQ(world.network.receive(
                  end, immediate_sink(),
                  [](HRESULT, std::string_view) { ADD_FAILURE() << "completion after drop"; }),
              WS_E_ENDPOINT_DISCONNECTED);
  }
  EXPECT_EQ(world.network.pending_operations(), 0u);
}

TEST(FakeNetwork, FaultPlanDropsAConnectionAtDelivery) {
  FaultPlan plan = quiet_plan(1'000);
  plan.drop_per_mille = 1000;
  World world(8, plan);
  const Connection connection = establish(world);
  Sent sent;
  Received received;
  ASSERT_EQ(world.network.send(connection.client, "x", immediate_sink(), record_into(sent)), S_OK);
  ASSERT_EQ(world.network.receive(connection.server, immediate_sink(), record_into(received)),
            S_OK);
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(sent.calls, 1);
  EXPECT_EQ(sent.result, WS_E_ENDPOINT_DISCONNECTED);
  EXPECT_EQ(received.calls, 1);
  EXPECT_EQ(received.result, WS_E_ENDPOINT_DISCONNECTED);
  EXPECT_EQ(world.network.stats().drops, 1u);
  EXPECT_EQ(world.network.stats().messages_delivered, 0u);
  EXPECT_TRUE(world.trace_has_annotation("net drop #1"));
  EXPECT_EQ(world.network.pending_operations(), 0u);
}

TEST(FakeNetwork, HealedNetworkNeverDrops) {
  FaultPlan plan = quiet_plan(1'000);
  plan.drop_per_mille = 1000;
  World world(9, plan);
  const Connection connection = establish(world);
  world.network.heal();
  Sent sent;
  Received received;
  ASSERT_EQ(world.network.send(connection.client, "x", immediate_sink(), record_into(sent)), S_OK);
  ASSERT_EQ(world.network.receive(connection.server, immediate_sink(), record_into(received)),
            S_OK);
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(sent.result, S_OK);
  EXPECT_EQ(received.result, S_OK);
  EXPECT_EQ(received.message, "x");
  EXPECT_EQ(world.network.stats().drops, 0u);
}

TEST(FakeNetwork, ShutdownSessionDeliversTheRestThenEnd) {
  World world(10, quiet_plan(20'000));
  const Connection connection = establish(world);
  for (const char* message : {"a", "b", "c"}) {
    ASSERT_EQ(world.network.send(connection.client, message, immediate_sink(),
                                 [](HRESULT result) { EXPECT_EQ(result, S_OK); }),
              S_OK);
  }
  ASSERT_EQ(world.network.shutdown_session(connection.client), S_OK);
  EXPECT_EQ(world.network.shutdown_session(connection.client), WS_E_INVALID_OPERATION);
  EXPECT_EQ(world.network.send(connection.client, "late", immediate_sink(),
                               [](HRESULT) { ADD_FAILURE() << "completion of a refused send"; }),
            WS_E_INVALID_OPERATION);
  std::vector<Received> at_server(5);
  for (Received& received : at_server) {
    ASSERT_EQ(world.network.receive(connection.server, immediate_sink(), record_into(received)),
              S_OK);
  }
  // The other direction stays open.
  Received at_client;
  ASSERT_EQ(world.network.send(connection.server, "reply", immediate_sink(),
                               [](HRESULT result) { EXPECT_EQ(result, S_OK); }),
            S_OK);
  ASSERT_EQ(world.network.receive(connection.client, immediate_sink(), record_into(at_client)),
            S_OK);
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);

  const std::vector<std::string> expected_messages = {"a", "b", "c"};
  for (std::size_t index = 0; index < at_server.size(); ++index) {
    EXPECT_EQ(at_server[index].calls, 1);
    if (index < expected_messages.size()) {
      EXPECT_EQ(at_server[index].result, S_OK);
      EXPECT_EQ(at_server[index].message, expected_messages[index]);
    } else {
      EXPECT_EQ(at_server[index].result, WS_S_END);
      EXPECT_EQ(at_server[index].message, "");
    }
  }
  EXPECT_EQ(at_client.result, S_OK);
  EXPECT_EQ(at_client.message, "reply");
  EXPECT_EQ(world.network.stats().session_shutdowns, 1u);
  EXPECT_TRUE(world.trace_has_annotation("net shutdown #"));
  EXPECT_EQ(world.network.pending_operations(), 0u);
}

TEST(FakeNetwork, CloseAbortsLocalOperationsAndDropsThePeer) {
  World world(11, quiet_plan(1'000'000));
  const Connection connection = establish(world);
  Sent client_send;
  Received client_receive, server_receive;
  ASSERT_EQ(world.network.send(connection.client, "x", immediate_sink(), record_into(client_send)),
            S_OK);
  ASSERT_EQ(world.network.receive(connection.client, immediate_sink(), record_into(client_receive)),
            S_OK);
  ASSERT_EQ(world.network.receive(connection.server, immediate_sink(), record_into(server_receive)),
            S_OK);
  world.network.close(connection.client);
  EXPECT_EQ(client_send.calls + client_receive.calls + server_receive.calls, 0);
  EXPECT_TRUE(world.network.live_connections().empty());
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);

  EXPECT_EQ(client_send.calls, 1);
  EXPECT_EQ(client_send.result, WS_E_OPERATION_ABORTED);
  EXPECT_EQ(client_receive.calls, 1);
  EXPECT_EQ(client_receive.result, WS_E_OPERATION_ABORTED);
  EXPECT_EQ(server_receive.calls, 1);
  EXPECT_EQ(server_receive.result, WS_E_ENDPOINT_DISCONNECTED);
  EXPECT_EQ(world.network.stats().messages_delivered, 0u);
  EXPECT_EQ(world.network.pending_operations(), 0u);

  auto no_send_completion = [](HRESULT) { ADD_FAILURE() << "completion of a refused send"; };
  auto no_receive_completion = [](HRESULT, std::string_view) {
    ADD_FAILURE() << "completion of a refused receive";
  };
  EXPECT_EQ(world.network.send(connection.client, "y", immediate_sink(), no_send_completion),
            WS_E_INVALID_OPERATION);
  EXPECT_EQ(world.network.receive(connection.client, immediate_sink(), no_receive_completion),
            WS_E_INVALID_OPERATION);
  EXPECT_EQ(world.network.shutdown_session(connection.client), WS_E_INVALID_OPERATION);
  EXPECT_EQ(world.network.send(connection.server, "y", immediate_sink(), no_send_completion),
            WS_E_ENDPOINT_DISCONNECTED);
  EXPECT_EQ(world.network.receive(connection.server, immediate_sink(), no_receive_completion),
            WS_E_ENDPOINT_DISCONNECTED);
}

// host.h states it for peers: a close looks like a drop to the other end, and what that end had
// not read yet is gone, although each send had completed (it was in the inbox).
TEST(FakeNetwork, CloseDiscardsThePeersUnreadMessages) {
  World world(12, quiet_plan(1'000'000));
  const Connection connection = establish(world);
  Sent first;
  Sent second;
  ASSERT_EQ(world.network.send(connection.client, "one", immediate_sink(), record_into(first)),
            S_OK);
  ASSERT_EQ(world.network.send(connection.client, "two", immediate_sink(), record_into(second)),
            S_OK);
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);
  ASSERT_EQ(first.result, S_OK);  // both are in the server's inbox now
  ASSERT_EQ(second.result, S_OK);
  world.network.close(connection.client);
  Received unread;
  EXPECT_EQ(world.network.receive(connection.server, immediate_sink(), record_into(unread)),
            WS_E_ENDPOINT_DISCONNECTED)
      << "the server end is dropped: its unread messages are discarded";
  EXPECT_EQ(unread.calls, 0);
}

TEST(FakeNetwork, CloseListenerAbortsAcceptsAndTurnsAwayWaitingConnects) {
  World world(12, quiet_plan(1'000));
  std::vector<HRESULT> accepts;
  HRESULT waiting_connect = kNotYet;
  HRESULT refused_accept = kNotYet;
  world.simulation.spawn("script", [&] {
    ListenerId with_accepts = 0;
    ListenerId without_accepts = 0;
    ASSERT_EQ(world.network.listen("net://a", with_accepts), S_OK);
    ASSERT_EQ(world.network.listen("net://b", without_accepts), S_OK);
    for (int index = 0; index < 2; ++index) {
      ASSERT_EQ(world.network.accept(with_accepts, immediate_sink(),
                                     [&](HRESULT result, ConnectionId id) {
                                       accepts.push_back(result);
                                       EXPECT_EQ(id, 0u);
                                     }),
                S_OK);
    }
    ASSERT_EQ(
        world.network.connect("net://b", immediate_sink(),
                              [&](HRESULT result, ConnectionId) { waiting_connect = result; }),
        S_OK);
    world.simulation.sleep_for(10'000);  // the connect has arrived and waits for an accept
    EXPECT_EQ(waiting_connect, kNotYet);
    world.network.close_listener(with_accepts);
    world.network.close_listener(without_accepts);
    refused_accept = world.network.accept(
        with_accepts, immediate_sink(),
        [](HRESULT, ConnectionId) { ADD_FAILURE() << "completion of a refused accept"; });
  });
  EXPECT_EQ(world.simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(accepts, (std::vector<HRESULT>{WS_E_OPERATION_ABORTED, WS_E_OPERATION_ABORTED}));
  EXPECT_EQ(waiting_connect, WS_E_ENDPOINT_NOT_FOUND);
  EXPECT_EQ(refused_accept, WS_E_INVALID_OPERATION);
  EXPECT_EQ(world.network.pending_operations(), 0u);
}

TEST(FakeNetwork, DestroyingTheNetworkWithEventsPendingIsHarmless) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(13));
  int completions = 0;
  {
    FakeNetwork network(simulation, quiet_plan(1'000));
    ListenerId listener = 0;
    ASSERT_EQ(network.listen("net://a", listener), S_OK);
    ASSERT_EQ(
        network.accept(listener, immediate_sink(), [&](HRESULT, ConnectionId) { ++completions; }),
        S_OK);
    ASSERT_EQ(
        network.connect("net://a", immediate_sink(), [&](HRESULT, ConnectionId) { ++completions; }),
        S_OK);
  }
  EXPECT_EQ(simulation.run().outcome, Outcome::completed);
  EXPECT_EQ(completions, 0);
}

// ---- a client/server echo exchange under drawn fault plans ----------------------------------

/// Every operation started with S_OK must complete exactly once; one refused at the call, never.
class OperationLedger {
 public:
  std::size_t open() {
    completions_.push_back(0);
    refused_.push_back(false);
    return completions_.size() - 1;
  }
  void refused(std::size_t operation) { refused_[operation] = true; }
  void completed(std::size_t operation) { ++completions_[operation]; }
  std::size_t size() const { return completions_.size(); }
  /// Empty when every operation kept its promise, else the first that did not.
  std::string first_broken() const {
    for (std::size_t operation = 0; operation < completions_.size(); ++operation) {
      const int expected = refused_[operation] ? 0 : 1;
      if (completions_[operation] != expected) {
        return "operation " + std::to_string(operation) + " completed " +
               std::to_string(completions_[operation]) + " times, expected " +
               std::to_string(expected);
      }
    }
    return "";
  }

 private:
  std::vector<int> completions_;
  std::vector<bool> refused_;
};

/// The client connects, sends three messages, reads the three echoes in order, ends its
/// session, reads the server's end, closes. A failed attempt is retried; once the network has
/// healed, an attempt must succeed (liveness).
class EchoExchange {
 public:
  static constexpr int kMessages = 3;
  static constexpr int kAttemptsBeforeWaitingForHeal = 3;

  EchoExchange(World& world, bool completions_on_fibers)
      : world_(world),
        network_(world.network),
        sink_(completions_on_fibers ? fiber_sink(world.simulation) : immediate_sink()) {}

  void start() {
    ASSERT_EQ(network_.listen("net://echo", listener_), S_OK);
    world_.simulation.schedule(
        network_.plan().fault_phase_ns, [this] { network_.heal(); }, "heal");
    post_accept();
    attempt_connect();
  }

  const OperationLedger& ledger() const { return ledger_; }
  bool succeeded() const { return succeeded_; }
  const std::string& failure() const { return failure_; }

 private:
  struct Attempt {
    ConnectionId client = 0;
    bool failed = false;
    bool started_healed = false;
    int replies = 0;
  };

  // ---- server ----
  void post_accept() {
    const std::size_t operation = ledger_.open();
    const HRESULT result =
        network_.accept(listener_, sink_, [this, operation](HRESULT accepted, ConnectionId end) {
          ledger_.completed(operation);
          if (accepted == S_OK) {
            serve(end);
            post_accept();
          }
        });
    if (result != S_OK) {
      ledger_.refused(operation);  // the client already closed the listener
    }
  }

  void serve(ConnectionId end) {
    const std::size_t operation = ledger_.open();
    const HRESULT result = network_.receive(
        end, sink_, [this, operation, end](HRESULT received, std::string_view message) {
          ledger_.completed(operation);
          if (received == WS_S_END) {
            network_.shutdown_session(end);
          } else if (received == S_OK) {
            echo(end, std::string(message));
            serve(end);
          } else {
            network_.close(end);
          }
        });
    if (result != S_OK) {
      ledger_.refused(operation);
      network_.close(end);
    }
  }

  void echo(ConnectionId end, std::string message) {
    const std::size_t operation = ledger_.open();
    const HRESULT result =
        network_.send(end, std::move(message), sink_,
                      [this, operation](HRESULT) { ledger_.completed(operation); });
    if (result != S_OK) {
      ledger_.refused(operation);
    }
  }

  // ---- client ----
  void attempt_connect() {
    ++attempts_;
    auto attempt = std::make_shared<Attempt>();
    attempt->started_healed = network_.healed();
    const std::size_t operation = ledger_.open();
    const HRESULT result = network_.connect(
        "net://echo", sink_, [this, operation, attempt](HRESULT connected, ConnectionId client) {
          ledger_.completed(operation);
          if (connected != S_OK) {
            fail(attempt, connected);
            return;
          }
          attempt->client = client;
          for (int index = 0; index < kMessages; ++index) {
            client_send(attempt, "m" + std::to_string(index));
          }
          client_receive(attempt);
        });
    if (result != S_OK) {
      ledger_.refused(operation);
      failure_ = "connect refused at the call";
    }
  }

  void client_send(const std::shared_ptr<Attempt>& attempt, std::string message) {
    const std::size_t operation = ledger_.open();
    const HRESULT result = network_.send(attempt->client, std::move(message), sink_,
                                         [this, operation, attempt](HRESULT sent) {
                                           ledger_.completed(operation);
                                           if (sent != S_OK) {
                                             fail(attempt, sent);
                                           }
                                         });
    if (result != S_OK) {
      ledger_.refused(operation);
      fail(attempt, result);
    }
  }

  void client_receive(const std::shared_ptr<Attempt>& attempt) {
    const std::size_t operation = ledger_.open();
    const HRESULT result =
        network_.receive(attempt->client, sink_,
                         [this, operation, attempt](HRESULT received, std::string_view message) {
                           ledger_.completed(operation);
                           if (attempt->failed) {
                             return;
                           }
                           if (received == S_OK && attempt->replies < kMessages) {
                             if (message != "m" + std::to_string(attempt->replies)) {
                               failure_ = "echo out of order: " + std::string(message);
                             }
                             if (++attempt->replies == kMessages) {
                               const HRESULT shutdown = network_.shutdown_session(attempt->client);
                               if (shutdown != S_OK) {
                                 fail(attempt, shutdown);
                                 return;
                               }
                             }
                             client_receive(attempt);
                           } else if (received == WS_S_END && attempt->replies == kMessages) {
                             network_.close(attempt->client);
                             succeeded_ = true;
                             network_.close_listener(listener_);
                           } else {
                             fail(attempt, received);
                           }
                         });
    if (result != S_OK) {
      ledger_.refused(operation);
      fail(attempt, result);
    }
  }

  void fail(const std::shared_ptr<Attempt>& attempt, HRESULT result) {
    if (attempt->failed) {
      return;  // the attempt's other operations report the same failure
    }
    attempt->failed = true;
    if (attempt->client != 0) {
      network_.close(attempt->client);
    }
    if (attempt->started_healed) {
      failure_ = "an attempt started after heal failed with " + std::to_string(result);
      network_.close_listener(listener_);
      return;
    }
    if (attempts_ < kAttemptsBeforeWaitingForHeal || network_.healed()) {
      attempt_connect();
      return;
    }
    // Strictly after the heal event, so the retry starts healed.
    const std::uint64_t heal_ns = network_.plan().fault_phase_ns;
    const std::uint64_t now_ns = world_.simulation.now_ns();
    world_.simulation.schedule(
        heal_ns >= now_ns ? heal_ns - now_ns + 1 : 0, [this] { attempt_connect(); },
        "retry after heal");
  }

  World& world_;
  FakeNetwork& network_;
  CompletionSink sink_;
  OperationLedger ledger_;
  ListenerId listener_ = 0;
  int attempts_ = 0;
  bool succeeded_ = false;
  std::string failure_;
};

TEST(FakeNetwork, EveryOperationCompletesOnceUnderDrawnFaultPlans) {
  std::uint64_t seeds_with_drops = 0;
  std::uint64_t seeds_with_refusals = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const FaultPlan plan = FaultPlan::draw(seed);
    World world(seed, plan);
    EchoExchange exchange(world, seed % 2 == 1);
    exchange.start();
    const RunResult& result = world.simulation.run();
    ASSERT_EQ(result.outcome, Outcome::completed)
        << "seed " << seed << " " << plan.to_text() << ": " << result.message;
    EXPECT_EQ(exchange.ledger().first_broken(), "") << "seed " << seed << " " << plan.to_text();
    EXPECT_EQ(exchange.failure(), "") << "seed " << seed << " " << plan.to_text();
    EXPECT_TRUE(exchange.succeeded()) << "seed " << seed << " " << plan.to_text();
    EXPECT_EQ(world.network.pending_operations(), 0u) << "seed " << seed;
    EXPECT_GT(exchange.ledger().size(), 0u);
    seeds_with_drops += world.network.stats().drops > 0 ? 1 : 0;
    seeds_with_refusals += world.network.stats().refused_connects > 0 ? 1 : 0;
  }
  // The property means little unless the fault paths were reached.
  EXPECT_GT(seeds_with_drops, 10u);
  EXPECT_GT(seeds_with_refusals, 10u);
}

std::uint64_t echo_trace_hash(std::uint64_t seed, const FaultPlan& plan) {
  World world(seed, plan);
  EchoExchange exchange(world, true);
  exchange.start();
  const RunResult& result = world.simulation.run();
  EXPECT_EQ(result.outcome, Outcome::completed) << result.message;
  EXPECT_TRUE(exchange.succeeded());
  return result.trace_hash;
}

TEST(FakeNetwork, SameSeedSameTraceDistinctSeedsDistinctTraces) {
  FaultPlan plan;
  plan.delay_max_ns = 2'000;
  plan.drop_per_mille = 30;
  plan.refuse_per_mille = 30;
  plan.fault_phase_ns = 1'000'000;
  plan.healed_delay_max_ns = 100;
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::uint64_t hash = echo_trace_hash(seed, plan);
    EXPECT_EQ(echo_trace_hash(seed, plan), hash) << "seed " << seed;
    hashes.insert(hash);
  }
  EXPECT_EQ(hashes.size(), 20u);
}

}  // namespace
}  // namespace lockstep::harness
