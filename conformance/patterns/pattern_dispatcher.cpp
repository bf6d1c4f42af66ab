// The dispatcher's network loops, per-request fibers and in-order replies.
#include "conformance/patterns/pattern_dispatcher.h"

#include <stdexcept>

#include "conformance/patterns/pattern_plans.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance {

namespace {

harness::CompletionSink at_once() {
  return [](std::function<void()> completion) { completion(); };
}

}  // namespace

PatternDispatcher::PatternDispatcher(ExchangeLedger& ledger, std::string address, Invoke invoke)
    : ledger_(ledger), address_(std::move(address)), invoke_(std::move(invoke)) {}

PatternDispatcher::~PatternDispatcher() {
  *alive_ = false;
}

void PatternDispatcher::start() {
  if (FAILED(ledger_.world().network().listen(address_, listener_))) {
    throw std::runtime_error("pattern dispatcher: cannot listen on " + address_);
  }
  accept_next();
}

void PatternDispatcher::accept_next() {
  std::weak_ptr<bool> alive = alive_;
  ledger_.world().network().accept(listener_, at_once(),
                                   [this, alive](HRESULT result, harness::ConnectionId id) {
                                     if (alive.expired() || FAILED(result)) {
                                       return;
                                     }
                                     auto connection = std::make_shared<Connection>();
                                     connection->id = id;
                                     receive_next(connection);
                                     accept_next();
                                   });
}

void PatternDispatcher::receive_next(const std::shared_ptr<Connection>& connection) {
  std::weak_ptr<bool> alive = alive_;
  const HRESULT started = ledger_.world().network().receive(
      connection->id, at_once(),
      [this, alive, connection](HRESULT result, std::string_view message) {
        if (alive.expired()) {
          return;
        }
        if (result != S_OK) {
          // The client ended its session or the line dropped: nothing more will come.
          if (connection->open) {
            connection->open = false;
            ledger_.world().network().close(connection->id);
          }
          return;
        }
        on_request(connection, message);
        receive_next(connection);
      });
  if (FAILED(started) && connection->open) {
    connection->open = false;
    ledger_.world().network().close(connection->id);
  }
}

void PatternDispatcher::on_request(const std::shared_ptr<Connection>& connection,
                                   std::string_view message) {
  ++requests_;
  const std::uint8_t operation = message.empty() ? 0xFF : static_cast<std::uint8_t>(message[0]);
  const std::string_view body = message.empty() ? message : message.substr(1);
  PatternCall* call = ledger_.find_by_body(body);
  ledger_.on_dispatcher_request(call, body);
  const bool one_way = operation == kOneWayOperation;
  if (call == nullptr || call->requests_received > 1) {
    // Recorded (MX1). Not invoked again; a request/reply gets a fault at once, so that its
    // sender is not left waiting for ever (one defect, one verdict).
    if (!one_way) {
      auto slot = std::make_shared<Slot>();
      slot->wire = std::string(1, LOCKSTEP_WIRE_FAULT) + LOCKSTEP_GENERIC_FAULT_TEXT;
      slot->ready = true;
      connection->replies.push_back(slot);
      flush(*connection);
    }
    return;
  }
  if (one_way) {
    ledger_.reach(harness::Probe::one_way_call);
  }
  std::shared_ptr<Slot> slot;
  if (!one_way) {
    slot = std::make_shared<Slot>();
    slot->call = call;
    connection->replies.push_back(slot);
  }
  std::weak_ptr<bool> alive = alive_;
  auto replied = std::make_shared<bool>(false);
  Reply reply = [this, alive, connection, slot, replied](HRESULT result,
                                                         const std::string& reply_body) {
    if (alive.expired() || *replied) {
      return;
    }
    *replied = true;
    if (!slot) {
      return;  // one-way: the outcome stays on the service side
    }
    slot->wire = SUCCEEDED(result)
                     ? std::string(1, LOCKSTEP_WIRE_REPLY) + reply_body
                     : std::string(1, LOCKSTEP_WIRE_FAULT) + LOCKSTEP_GENERIC_FAULT_TEXT;
    slot->ready = true;
    flush(*connection);
  };
  PatternCall* invoked = call;
  ledger_.world().simulation().spawn(
      "dispatch " + call->label,
      [this, invoked, reply = std::move(reply)] { invoke_(*invoked, reply); });
}

void PatternDispatcher::flush(Connection& connection) {
  while (!connection.replies.empty() && connection.replies.front()->ready) {
    const std::shared_ptr<Slot> slot = connection.replies.front();
    connection.replies.pop_front();
    if (!connection.open) {
      continue;
    }
    if (slot->call != nullptr && !slot->call->reply_sent) {
      slot->call->reply_sent = slot->wire;
    }
    ledger_.world().network().send(connection.id, slot->wire, at_once(), [](HRESULT) {});
  }
}

}  // namespace lockstep::conformance
