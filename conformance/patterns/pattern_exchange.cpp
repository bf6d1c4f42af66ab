// The ledger of a pattern schedule's calls and the exchange checks (MX1).
#include "conformance/patterns/pattern_exchange.h"

#include <charconv>
#include <cstdio>

#include "lockstep/implementation.h"

namespace lockstep::conformance {

PatternCall& ExchangeLedger::new_call(std::string label, bool one_way) {
  PatternCall& call = calls_.emplace_back();
  call.id = static_cast<std::uint32_t>(calls_.size());
  call.label = std::move(label);
  call.one_way = one_way;
  call.body = "call " + std::to_string(call.id);
  return call;
}

PatternCall* ExchangeLedger::find_by_body(std::string_view body) {
  constexpr std::string_view kPrefix = "call ";
  if (!body.starts_with(kPrefix)) {
    return nullptr;
  }
  const std::string_view digits = body.substr(kPrefix.size());
  std::uint32_t id = 0;
  const auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (status != std::errc() || end != digits.data() + digits.size() || id == 0 ||
      id > calls_.size()) {
    return nullptr;
  }
  return &calls_[id - 1];
}

void ExchangeLedger::violation(const char* rule, const PatternCall& call, std::string explanation) {
  world_.violations().record(rule, call.label, std::move(explanation));
}

void ExchangeLedger::on_proxy_request(PatternCall& call, bool as_request_reply) {
  UnderlyingOperation& request = call.client;
  ++request.starts;
  if (request.starts == 1) {
    request.started_on = world_.simulation().current_fiber();
  }
  if (request.starts == 2) {
    violation("MX1", call, "a second request was sent for one call");
  }
  if (call.one_way && as_request_reply) {
    violation("MX1", call,
              "a one-way call was sent as a request that waits for a reply (request_reply)");
  } else if (!call.one_way && !as_request_reply) {
    violation("MX1", call, "a request/reply call was sent one-way (send_message): no reply");
  }
}

void ExchangeLedger::on_dispatcher_request(PatternCall* call, std::string_view body) {
  if (call == nullptr) {
    world_.violations().record(
        "MX1", "dispatcher",
        "a request no call made reached the service: '" + std::string(body.substr(0, 40)) + "'");
    return;
  }
  ++call->requests_received;
  if (call->requests_received == 2) {
    violation("MX1", *call, "the service received a second request for one call");
  }
}

void ExchangeLedger::on_work_started(PatternCall& call) {
  UnderlyingOperation& work = call.service;
  ++work.starts;
  if (work.starts == 1) {
    work.started_on = world_.simulation().current_fiber();
  }
  if (work.starts == 2) {
    violation("MX1", call, "the service's work ran a second time for one call");
  }
}

ExpectedOutcome ExchangeLedger::expected(const PatternCall& call, PatternRole role) const {
  const UnderlyingOperation& underlying = call.underlying(role);
  ExpectedOutcome outcome;
  outcome.result = underlying.result;
  if (FAILED(underlying.result)) {
    return outcome;
  }
  if (role == PatternRole::service) {
    outcome.body = underlying.reply;
    return outcome;
  }
  if (call.one_way) {
    return outcome;
  }
  const std::string& wire = underlying.reply;
  if (!wire.empty() && wire[0] == LOCKSTEP_WIRE_REPLY) {
    outcome.body = wire.substr(1);
  } else if (!wire.empty() && wire[0] == LOCKSTEP_WIRE_FAULT) {
    outcome.result = WS_E_ENDPOINT_FAULT_RECEIVED;
  } else {
    outcome.result = WS_E_INVALID_FORMAT;
  }
  return outcome;
}

bool ExchangeLedger::check_outcome(const PatternCall& call, PatternRole role, HRESULT result,
                                   std::string_view body, std::string_view where) {
  const UnderlyingOperation& underlying = call.underlying(role);
  if (underlying.starts == 0) {
    if (SUCCEEDED(result)) {
      violation("MX1", call,
                std::string(where) + " reported success although no request was ever sent");
      return false;
    }
    return true;  // a failure before anything was sent: nothing to compare with
  }
  if (!underlying.completed) {
    violation("MX1", call,
              std::string(where) + " delivered " + hresult_text(result) +
                  " before the call's exchange completed");
    return false;
  }
  const ExpectedOutcome expected_outcome = expected(call, role);
  if (result != expected_outcome.result) {
    violation("MX1", call,
              std::string(where) + " delivered " + hresult_text(result) +
                  " but the call's exchange ended with " + hresult_text(expected_outcome.result));
    return false;
  }
  if (SUCCEEDED(result) && body != expected_outcome.body) {
    violation("MX1", call,
              std::string(where) + " delivered the reply '" + std::string(body.substr(0, 40)) +
                  "' but the call's own reply is '" + expected_outcome.body + "'");
    return false;
  }
  return true;
}

void ExchangeLedger::check_refused(const PatternCall& call) {
  if (call.client.starts > 0 || call.service.starts > 0) {
    violation("MX1", call, "a call refused at its start still sent a request or ran its work");
  }
}

void ExchangeLedger::leave_completion(FiberId thread) {
  auto position = completing_.find(thread);
  if (position != completing_.end() && --position->second == 0) {
    completing_.erase(position);
  }
}

bool ExchangeLedger::completing(FiberId thread) const {
  return completing_.count(thread) > 0;
}

}  // namespace lockstep::conformance
