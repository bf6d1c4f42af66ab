// The in-process network through the real host's table: connections, order, session ends,
// drops and closes that complete pending operations exactly once on a worker, and the AM9
// count. Real delays are kept to microseconds so the whole file runs in well under a second.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "harness/real_host/real_clock.h"
#include "harness/real_host/real_host.h"

namespace lockstep::real_host {
namespace {

constexpr const char* kAddress = "test://server";

template <typename Predicate>
bool eventually(Predicate done) {
  const std::uint64_t deadline = monotonic_now_ns() + 5'000'000'000ull;
  while (!done()) {
    if (monotonic_now_ns() > deadline) {
      return false;
    }
    sleep_for_ns(100'000);
  }
  return true;
}

// What one host saw of its completions.
struct Observed {
  RealHost* host = nullptr;
  std::mutex mutex;
  std::vector<HRESULT> results;
  std::vector<std::string> messages;
  lockstep_connection* connection = nullptr;
  int off_worker = 0;

  void note(HRESULT result, std::string message = {}) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!host->on_worker_thread()) {
      ++off_worker;
    }
    results.push_back(result);
    messages.push_back(std::move(message));
  }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mutex);
    return results.size();
  }
};

void on_connected(void* state, HRESULT result, lockstep_connection* connection) {
  auto* observed = static_cast<Observed*>(state);
  {
    std::lock_guard<std::mutex> lock(observed->mutex);
    observed->connection = connection;
  }
  observed->note(result);
}
void on_sent(void* state, HRESULT result) {
  static_cast<Observed*>(state)->note(result);
}
void on_received(void* state, HRESULT result, const void* message, size_t size) {
  static_cast<Observed*>(state)->note(
      result,
      message == nullptr ? std::string() : std::string(static_cast<const char*>(message), size));
}

struct Pair {
  explicit Pair(RealNetworkConfig config = {}, RealHostConfig client_config = {})
      : network(config), server(network, RealHostConfig{"server"}), client(network, client_config) {
    server_seen.host = &server;
    client_seen.host = &client;
  }
  // Connects the client to a listening server; both ends' handles are in the Observed.
  void connect() {
    const lockstep_host* s = server.table();
    const lockstep_host* c = client.table();
    ASSERT_EQ(s->listen(s->self, kAddress, &listener), S_OK);
    ASSERT_EQ(s->accept(s->self, listener, &on_connected, &server_seen), S_OK);
    ASSERT_EQ(c->connect(c->self, kAddress, &on_connected, &client_seen), S_OK);
    ASSERT_TRUE(eventually([&] { return server_seen.count() == 1 && client_seen.count() == 1; }));
    ASSERT_EQ(server_seen.results[0], S_OK);
    ASSERT_EQ(client_seen.results[0], S_OK);
    server_seen.results.clear();
    server_seen.messages.clear();
    client_seen.results.clear();
    client_seen.messages.clear();
  }
  // Workers may still be running completions that name the test's locals: stop them first.
  void stop() {
    server.shut_down();
    client.shut_down();
  }

  RealNetwork network;
  RealHost server;
  RealHost client;
  Observed server_seen;
  Observed client_seen;
  lockstep_listener* listener = nullptr;
};

TEST(RealNetwork, EveryMessageArrivesOnceAndCompletesOnAWorker) {
  Pair pair;
  pair.connect();
  const lockstep_host* c = pair.client.table();
  const lockstep_host* s = pair.server.table();
  constexpr int kMessages = 100;
  Observed receives;
  receives.host = &pair.server;
  for (int index = 0; index < kMessages; ++index) {
    const std::string body = "message " + std::to_string(index);
    ASSERT_EQ(c->send(c->self, pair.client_seen.connection, body.data(), body.size(), &on_sent,
                      &pair.client_seen),
              S_OK);
  }
  for (int index = 0; index < kMessages; ++index) {
    ASSERT_EQ(s->receive(s->self, pair.server_seen.connection, &on_received, &receives), S_OK);
  }
  ASSERT_TRUE(eventually([&] { return receives.count() == kMessages; }));
  ASSERT_TRUE(eventually([&] { return pair.client_seen.count() == kMessages; }));
  // Completions may run on two workers at once, so their order is not the send order, but
  // the receives were served in call order with the messages in send order.
  std::vector<std::string> sorted = receives.messages;
  for (int index = 0; index < kMessages; ++index) {
    EXPECT_NE(std::find(sorted.begin(), sorted.end(), "message " + std::to_string(index)),
              sorted.end());
  }
  EXPECT_EQ(receives.off_worker, 0);
  EXPECT_EQ(pair.client_seen.off_worker, 0);
  EXPECT_EQ(pair.client.in_flight_io(), 0u);
  EXPECT_EQ(pair.server.in_flight_io(), 0u);
  EXPECT_EQ(pair.network.stats().messages_delivered, static_cast<std::uint64_t>(kMessages));
  pair.stop();
}

TEST(RealNetwork, ReceivesAreServedInCallOrder) {
  // One worker on the receiving side: the completions also run in the order they were decided.
  RealNetwork network(RealNetworkConfig{});
  RealHost server(network, RealHostConfig{"server", 1});
  RealHost client(network, RealHostConfig{"client", 1});
  Observed server_seen;
  server_seen.host = &server;
  Observed client_seen;
  client_seen.host = &client;
  const lockstep_host* s = server.table();
  const lockstep_host* c = client.table();
  lockstep_listener* listener = nullptr;
  ASSERT_EQ(s->listen(s->self, kAddress, &listener), S_OK);
  ASSERT_EQ(s->accept(s->self, listener, &on_connected, &server_seen), S_OK);
  ASSERT_EQ(c->connect(c->self, kAddress, &on_connected, &client_seen), S_OK);
  ASSERT_TRUE(eventually([&] { return server_seen.count() == 1 && client_seen.count() == 1; }));
  Observed receives;
  receives.host = &server;
  for (int index = 0; index < 20; ++index) {
    ASSERT_EQ(s->receive(s->self, server_seen.connection, &on_received, &receives), S_OK);
  }
  for (int index = 0; index < 20; ++index) {
    const std::string body = std::to_string(index);
    ASSERT_EQ(
        c->send(c->self, client_seen.connection, body.data(), body.size(), &on_sent, &client_seen),
        S_OK);
  }
  ASSERT_TRUE(eventually([&] { return receives.count() == 20; }));
  for (int index = 0; index < 20; ++index) {
    EXPECT_EQ(receives.messages[index], std::to_string(index));
  }
  server.shut_down();  // sends may still complete: stop the workers before the locals go
  client.shut_down();
}

TEST(RealNetwork, SessionShutdownEndsTheReceivesAfterTheLastMessage) {
  Pair pair;
  pair.connect();
  const lockstep_host* c = pair.client.table();
  const lockstep_host* s = pair.server.table();
  ASSERT_EQ(c->send(c->self, pair.client_seen.connection, "last", 4, &on_sent, &pair.client_seen),
            S_OK);
  ASSERT_EQ(c->shutdown_session(c->self, pair.client_seen.connection), S_OK);
  EXPECT_EQ(c->send(c->self, pair.client_seen.connection, "x", 1, &on_sent, &pair.client_seen),
            WS_E_INVALID_OPERATION);
  Observed receives;
  receives.host = &pair.server;
  s->receive(s->self, pair.server_seen.connection, &on_received, &receives);
  ASSERT_TRUE(eventually([&] { return receives.count() == 1; }));
  s->receive(s->self, pair.server_seen.connection, &on_received, &receives);
  ASSERT_TRUE(eventually([&] { return receives.count() == 2; }));
  EXPECT_EQ(receives.results[0], S_OK);
  EXPECT_EQ(receives.messages[0], "last");
  EXPECT_EQ(receives.results[1], WS_S_END);
  pair.stop();
}

TEST(RealNetwork, DropCompletesEveryPendingOperationOfBothEndsOnce) {
  Pair pair;
  pair.connect();
  const lockstep_host* c = pair.client.table();
  const lockstep_host* s = pair.server.table();
  Observed server_receives;
  server_receives.host = &pair.server;
  Observed client_receives;
  client_receives.host = &pair.client;
  for (int index = 0; index < 3; ++index) {
    s->receive(s->self, pair.server_seen.connection, &on_received, &server_receives);
    c->receive(c->self, pair.client_seen.connection, &on_received, &client_receives);
  }
  ASSERT_TRUE(pair.network.drop(RealHost::connection_id(pair.client_seen.connection)));
  ASSERT_TRUE(
      eventually([&] { return server_receives.count() == 3 && client_receives.count() == 3; }));
  sleep_for_ns(2'000'000);
  EXPECT_EQ(server_receives.count(), 3u) << "exactly once";
  for (HRESULT result : server_receives.results) {
    EXPECT_EQ(result, WS_E_ENDPOINT_DISCONNECTED);
  }
  EXPECT_EQ(c->send(c->self, pair.client_seen.connection, "x", 1, &on_sent, &pair.client_seen),
            WS_E_ENDPOINT_DISCONNECTED);
  EXPECT_FALSE(pair.network.drop(RealHost::connection_id(pair.client_seen.connection)));
  pair.stop();
}

TEST(RealNetwork, CloseAbortsThisEndAndDropsThePeer) {
  Pair pair;
  pair.connect();
  const lockstep_host* c = pair.client.table();
  const lockstep_host* s = pair.server.table();
  Observed server_receives;
  server_receives.host = &pair.server;
  Observed client_receives;
  client_receives.host = &pair.client;
  s->receive(s->self, pair.server_seen.connection, &on_received, &server_receives);
  c->receive(c->self, pair.client_seen.connection, &on_received, &client_receives);
  c->close_connection(c->self, pair.client_seen.connection);
  ASSERT_TRUE(
      eventually([&] { return server_receives.count() == 1 && client_receives.count() == 1; }));
  EXPECT_EQ(client_receives.results[0], WS_E_OPERATION_ABORTED);
  EXPECT_EQ(server_receives.results[0], WS_E_ENDPOINT_DISCONNECTED);
  EXPECT_EQ(c->receive(c->self, pair.client_seen.connection, &on_received, &client_receives),
            WS_E_INVALID_OPERATION);
  s->close_connection(s->self, pair.server_seen.connection);
  // Both ends closed and forgotten: the ids still answer as closed, never reused.
  EXPECT_EQ(s->receive(s->self, pair.server_seen.connection, &on_received, &server_receives),
            WS_E_INVALID_OPERATION);
  pair.stop();
}

TEST(RealNetwork, ConnectWithoutListenerIsNotFoundAndClosingAListenerAbortsItsAccepts) {
  Pair pair;
  const lockstep_host* c = pair.client.table();
  const lockstep_host* s = pair.server.table();
  ASSERT_EQ(c->connect(c->self, "test://nobody", &on_connected, &pair.client_seen), S_OK);
  ASSERT_TRUE(eventually([&] { return pair.client_seen.count() == 1; }));
  EXPECT_EQ(pair.client_seen.results[0], WS_E_ENDPOINT_NOT_FOUND);
  lockstep_listener* listener = nullptr;
  ASSERT_EQ(s->listen(s->self, kAddress, &listener), S_OK);
  lockstep_listener* second = nullptr;
  EXPECT_EQ(s->listen(s->self, kAddress, &second), WS_E_ADDRESS_IN_USE);
  ASSERT_EQ(s->accept(s->self, listener, &on_connected, &pair.server_seen), S_OK);
  s->close_listener(s->self, listener);
  ASSERT_TRUE(eventually([&] { return pair.server_seen.count() == 1; }));
  EXPECT_EQ(pair.server_seen.results[0], WS_E_OPERATION_ABORTED);
  EXPECT_EQ(s->accept(s->self, listener, &on_connected, &pair.server_seen), WS_E_INVALID_OPERATION);
  pair.stop();
}

TEST(RealNetwork, RefusalsAndDropsFollowTheConfigurationUntilHealed) {
  RealNetworkConfig faulty;
  faulty.refuse_per_mille = 1000;
  Pair pair(faulty);
  const lockstep_host* c = pair.client.table();
  const lockstep_host* s = pair.server.table();
  lockstep_listener* listener = nullptr;
  ASSERT_EQ(s->listen(s->self, kAddress, &listener), S_OK);
  ASSERT_EQ(c->connect(c->self, kAddress, &on_connected, &pair.client_seen), S_OK);
  ASSERT_TRUE(eventually([&] { return pair.client_seen.count() == 1; }));
  EXPECT_EQ(pair.client_seen.results[0], WS_E_ENDPOINT_UNREACHABLE);
  pair.network.heal();
  ASSERT_EQ(s->accept(s->self, listener, &on_connected, &pair.server_seen), S_OK);
  ASSERT_EQ(c->connect(c->self, kAddress, &on_connected, &pair.client_seen), S_OK);
  ASSERT_TRUE(eventually([&] { return pair.client_seen.count() == 2; }));
  EXPECT_EQ(pair.client_seen.results[1], S_OK);
  EXPECT_EQ(pair.network.stats().refused_connects, 1u);
  pair.stop();
}

TEST(RealNetwork, InFlightIoAboveTheLimitIsRecordedAsAm9) {
  RealHostConfig limited;
  limited.name = "client";
  limited.io_limit = 2;
  Pair pair(RealNetworkConfig{}, limited);
  pair.connect();
  const lockstep_host* c = pair.client.table();
  for (int index = 0; index < 2; ++index) {
    c->receive(c->self, pair.client_seen.connection, &on_received, &pair.client_seen);
  }
  EXPECT_TRUE(pair.client.observations().empty()) << "at the limit is allowed";
  c->receive(c->self, pair.client_seen.connection, &on_received, &pair.client_seen);
  const std::vector<HostObservation> observations = pair.client.observations();
  ASSERT_EQ(observations.size(), 1u);
  EXPECT_EQ(observations[0].rule, "AM9");
  EXPECT_EQ(pair.client.peak_in_flight_io(), 3u);
  pair.stop();
}

}  // namespace
}  // namespace lockstep::real_host
