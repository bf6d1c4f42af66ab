// The service driver's clients and the checks on what reaches them, on the host's memory, and
// at the end of the schedule.
#include <algorithm>
#include <cstring>

#include "conformance/service/raw_client.h"
#include "conformance/service/service_driver.h"

namespace lockstep::conformance {

namespace {

constexpr std::uint64_t kMillisecondNs = 1'000'000;

}  // namespace

void ServiceDriver::run_client(std::uint32_t requests) {
  Simulation& simulation = world_.simulation();
  simulation.sleep_for(simulation.integer(6 * kMillisecondNs));
  RawClient client(simulation, world_.network());
  if (close_started_) {
    world_.violations().reach(harness::Probe::connect_after_close);
  }
  if (FAILED(client.connect(kServiceAddress))) {
    return;  // refused, or nobody listening (not yet, or any more)
  }
  bool ended = false;
  for (std::uint32_t index = 0; index < requests; ++index) {
    if (simulation.chance(1, 4)) {
      simulation.sleep_for(simulation.integer(2 * kMillisecondNs));
    }
    const std::uint32_t token = send_request(client, ended);
    if (token == 0) {
      break;
    }
    if (!ended && simulation.chance(1, 6)) {
      // The client goes away with its call in flight: the host must cancel it (SV4).
      simulation.sleep_for(simulation.integer(2 * kMillisecondNs));
      break;
    }
    const ReplyOutcome outcome = await_reply(client, token);
    if (outcome == ReplyOutcome::session_over) {
      break;
    }
    if (outcome == ReplyOutcome::ended_by_reply) {
      ended = true;
      if (simulation.chance(1, 2)) {
        break;  // a well-behaved client stops; the other one tries once more (SV3)
      }
    }
  }
  client_leaves(client.id());
  client.close();
}

void ServiceDriver::client_leaves(harness::ConnectionId client_connection) {
  const std::uint64_t now_ns = world_.simulation().now_ns();
  for (auto& [token, call] : calls_) {
    if (call.client_connection == client_connection && call.invoked && !call.completed &&
        call.registered) {
      call.client_left_ns = now_ns;
    }
  }
}

// A registered call whose client left while it ran: the host must cancel it with
// WS_SERVICE_CHANNEL_FAULTED once the close can have reached it, unless its own abort or close
// came first (those cancel with WS_SERVICE_HOST_ABORT, or close the channel themselves).
void ServiceDriver::check_client_left_calls(bool world_quiet) {
  constexpr std::uint64_t kNoticeSlackNs = 1'000'000;
  const harness::FaultPlan& plan = world_.fault_plan();
  const std::uint64_t delay_bound_ns = std::max(plan.delay_max_ns, plan.healed_delay_max_ns);
  const std::uint64_t end_ns = world_.simulation().now_ns();
  for (auto& [token, call] : calls_) {
    if (call.client_left_ns == 0) {
      continue;
    }
    const std::uint64_t notice_ns = call.client_left_ns + delay_bound_ns + kNoticeSlackNs;
    const bool host_ended_first = (abort_started_ && abort_started_ns_ <= notice_ns) ||
                                  (close_started_ && close_started_ns_ <= notice_ns);
    const bool ran_past_notice = call.completed ? call.completed_ns > notice_ns
                                                : world_quiet || end_ns > notice_ns;
    const bool cancelled_in_time = call.cancels > 0 && call.first_cancel_ns <= notice_ns;
    if (!host_ended_first && ran_past_notice && !cancelled_in_time) {
      violation("SV4", token,
                "the client closed its connection while this call was in flight, and " +
                    std::to_string(notice_ns - call.client_left_ns) +
                    " ns later the host had not cancelled it (WS_SERVICE_CHANNEL_FAULTED)");
    }
  }
}

std::uint32_t ServiceDriver::send_request(RawClient& client, bool after_end) {
  const std::uint32_t token = next_token_++;
  ServiceCallRecord& call = calls_[token];
  call.token = token;
  call.client_connection = client.id();
  call.after_end = after_end;
  if (after_end) {
    world_.violations().reach(harness::Probe::message_after_end);
  }
  std::string request(1, '\0');  // operation 0
  request.append(reinterpret_cast<const char*>(&token), 4);
  return FAILED(client.send(std::move(request))) ? 0 : token;
}

ServiceDriver::ReplyOutcome ServiceDriver::await_reply(RawClient& client, std::uint32_t token) {
  ServiceCallRecord& call = calls_.at(token);  // std::map: survives other insertions
  call.client_waiting = true;
  const RawClient::Received received = client.receive();
  call.client_waiting = false;
  if (received.result == S_OK) {
    check_reply(call, received.message);
    if (call.after_end) {
      return ReplyOutcome::session_over;
    }
    return call.completed && call.result == WS_S_END ? ReplyOutcome::ended_by_reply
                                                     : ReplyOutcome::go_on;
  }
  if (received.result == WS_S_END) {
    check_missing_reply(call, "the host ended the session");
  }
  return ReplyOutcome::session_over;  // ended or dropped: nothing more on this connection
}

std::string ServiceDriver::expected_fault(const ServiceCallRecord& call) const {
  if (config_.fault_disclosure != WS_FULL_FAULT_DISCLOSURE || call.error_strings.empty()) {
    return LOCKSTEP_GENERIC_FAULT_TEXT;
  }
  std::string text;
  for (auto string = call.error_strings.rbegin(); string != call.error_strings.rend(); ++string) {
    if (!text.empty()) {
      text += "; ";
    }
    text += *string;
  }
  return text;
}

void ServiceDriver::check_reply(ServiceCallRecord& call, const std::string& message) {
  ++call.replies;
  const std::uint32_t token = call.token;
  if (call.after_end) {
    violation("SV3", token, "a message sent after WS_S_END was answered instead of aborting");
    return;
  }
  if (!call.completed) {
    violation("SV1", token, "a reply arrived before the operation completed");
    return;
  }
  if (call.replies > 1) {
    violation("SV1", token, "a second reply for one call");
    return;
  }
  const std::string body = message.empty() ? std::string() : message.substr(1);
  const char kind = message.empty() ? '\0' : message[0];
  if (FAILED(call.result)) {
    if (kind != LOCKSTEP_WIRE_FAULT) {
      violation("SV2", token, "a failed call was answered without a fault");
      return;
    }
    world_.violations().reach(config_.fault_disclosure == WS_FULL_FAULT_DISCLOSURE
                                  ? harness::Probe::fault_under_full_disclosure
                                  : harness::Probe::fault_under_minimal_disclosure);
    if (config_.fault_disclosure == WS_MINIMAL_FAULT_DISCLOSURE &&
        body.find(kSecretMarker) != std::string::npos) {
      violation("SV2", token,
                "the fault discloses the WS_ERROR's strings under minimal disclosure");
      return;
    }
    if (body != expected_fault(call)) {
      violation("SV2", token,
                "fault text \"" + body + "\", expected \"" + expected_fault(call) + "\"");
    }
    return;
  }
  if (kind != LOCKSTEP_WIRE_REPLY) {
    violation("SV2", token, "a successful call was answered with a fault");
    return;
  }
  if (body == call.expected_reply) {
    return;
  }
  // Another call's body here means that call was answered twice, or ours was sent early.
  std::uint32_t other_token = 0;
  if (body.size() >= 4) {
    std::memcpy(&other_token, body.data(), 4);
  }
  const ServiceCallRecord* other = find(other_token);
  if (other != nullptr && other_token != token && body == other->expected_reply) {
    violation("SV1", other_token, "a second reply for one call");
    return;
  }
  violation("SV7", token,
            "the reply's " + std::to_string(body.size()) +
                " bytes differ from what the operation wrote into its heap (" +
                std::to_string(call.expected_reply.size()) + " bytes)");
}

void ServiceDriver::check_missing_reply(ServiceCallRecord& call, const char* how) {
  // A call still waiting for a cancel that never came has no reply yet because of that (SV5,
  // SV6, reported by check_cancel_only_calls).
  const bool hung_uncancelled = call.cancel_only && !call.completed && call.cancels == 0;
  if (!call.invoked || call.after_end || call.replies > 0 || hung_uncancelled) {
    return;
  }
  violation(call.completed && FAILED(call.result) ? "SV2" : "SV1", call.token,
            std::string(how) + " without a reply for a call the operation was invoked for");
}

bool ServiceDriver::server_connection_live(harness::ConnectionId connection) const {
  const std::vector<harness::ConnectionId> live = world_.network().live_connections();
  return std::find(live.begin(), live.end(), connection) != live.end();
}

void ServiceDriver::on_release(const void* block, std::size_t bytes) {
  const auto* begin = static_cast<const unsigned char*>(block);
  for (auto& [token, call] : calls_) {
    if (call.heap_block == nullptr || call.heap_released) {
      continue;
    }
    const auto* heap = static_cast<const unsigned char*>(call.heap_block);
    if (heap < begin || heap >= begin + bytes) {
      continue;
    }
    call.heap_released = true;
    if (!call.completed) {
      violation(abort_started_ ? "SV5" : "SV1", token,
                "the operation's heap was released before the call completed");
    } else if (SUCCEEDED(call.result) && !call.reply_written &&
               server_connection_live(call.server_connection)) {
      // A fault reply is not built from the heap: SV7 speaks only of successful calls.
      violation("SV7", token,
                "the operation's heap was released before its reply was written (before the "
                "host's send of the reply returned)");
    } else if (FAILED(call.result) && !call.reply_written) {
      ++heaps_released_before_fault_reply_;
    } else if (call.reply_send_in_flight) {
      ++heaps_released_while_reply_in_flight_;
    }
  }
}

std::uint64_t ServiceDriver::close_timeout_effective_ns() const {
  return config_.close_timeout_ns != 0 ? config_.close_timeout_ns
                                       : LOCKSTEP_DEFAULT_CLOSE_TIMEOUT_NS;
}

// Calls whose operation completes only when cancelled and that never were: what should have
// cancelled them (the abort, SV5; the close timeout, SV6) did not. Also the close-timeout probe.
void ServiceDriver::check_cancel_only_calls(bool world_quiet) {
  const std::uint64_t end_ns = world_.simulation().now_ns();
  const std::uint64_t deadline_ns = close_started_ns_ + close_timeout_effective_ns();
  bool reported = false;
  for (auto& [token, call] : calls_) {
    if (!call.invoked) {
      continue;
    }
    const bool in_flight_at_deadline =
        call.invoked_ns <= deadline_ns &&
        (call.completed ? call.completed_ns > deadline_ns : end_ns >= deadline_ns);
    if (close_started_ && in_flight_at_deadline) {
      world_.violations().reach(harness::Probe::close_timeout_expired_with_calls_in_flight);
    }
    const bool abort_before_deadline = !close_started_ || abort_started_ns_ < deadline_ns;
    if (call.in_flight_at_abort && call.registered && call.cancels > 0 && close_started_ &&
        abort_before_deadline && call.first_cancel_ns >= deadline_ns) {
      violation("SV5", token,
                "the abort did not fire this call's cancel callback: it fired only when the "
                "close timeout expired, " +
                    std::to_string(call.first_cancel_ns - abort_started_ns_) + " ns later");
      continue;
    }
    if (!call.cancel_only || call.completed || call.cancels > 0) {
      continue;
    }
    if (abort_started_) {
      violation("SV5", token,
                "the host was aborted but never fired this call's cancel callback: its operation, "
                "which completes only when cancelled, is still in flight");
      reported = true;
    } else if (close_started_ && (world_quiet || end_ns >= deadline_ns)) {
      violation("SV6", token,
                "the close timeout (" + std::to_string(close_timeout_effective_ns()) +
                    " ns) passed with this call in flight and the host never aborted it (its "
                    "operation completes only when cancelled)");
      reported = true;
    }
  }
  // The close waits for that call forever: reported above, not again as a lost callback.
  if (reported && close_call_ != nullptr && !close_call_->completed()) {
    world_.monitor().settle(*close_call_);
  }
}

void ServiceDriver::finish(bool world_quiet) {
  check_cancel_only_calls(world_quiet);
  check_client_left_calls(world_quiet);
  if (world_quiet) {
    for (auto& [token, call] : calls_) {
      if (call.client_waiting) {
        if (call.after_end) {
          violation("SV3", token, "the channel was not aborted after a message following WS_S_END");
        } else {
          check_missing_reply(call, "the schedule ended");
        }
      }
      if (call.registered_free_state && call.completed && call.free_states == 0) {
        violation("SV4", token, "the free-state callback never fired");
      }
    }
  }
  observed_.release_quarantine();
  // RS1: once free_service_host returned and nothing is left to run, nothing may be left held.
  if (freed_ && world_quiet) {
    service_host_.check_released("free_service_host");
  }
}

void ServiceDriver::free_host() {
  if (service_ == nullptr || freed_) {
    return;
  }
  // Operations complete on the user host's timers, after a close that timed out or an
  // abort, too: they call back into the host, so it must not be freed before those
  // callbacks have returned.
  progress_.wait_until("waiting for the close and every operation to complete", [this] {
    if (opened_ && !close_completed_) {
      return false;
    }
    return std::none_of(calls_.begin(), calls_.end(), [](const auto& entry) {
      return entry.second.invoked && !entry.second.completion_returned;
    });
  });
  freed_ = true;
  implementation_.service_host->free_service_host(service_);
}

}  // namespace lockstep::conformance
