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
  client.close();
}

std::uint32_t ServiceDriver::send_request(RawClient& client, bool after_end) {
  const std::uint32_t token = next_token_++;
  ServiceCallRecord& call = calls_[token];
  call.token = token;
  call.client_connection = client.id();
  call.after_end = after_end;
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
  if (!call.invoked || call.after_end || call.replies > 0) {
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
      violation("SV7", token, "the operation's heap was released before its reply was written");
    }
  }
}

void ServiceDriver::finish(bool world_quiet) {
  if (world_quiet) {
    for (auto& [token, call] : calls_) {
      if (call.client_waiting) {
        if (call.after_end) {
          violation("SV3", token, "the channel was not aborted after a message following WS_S_END");
        } else {
          check_missing_reply(call, "the schedule ended");
        }
      }
      if (call.registered && call.completed && call.free_states == 0) {
        violation("SV4", token, "the free-state callback never fired");
      }
    }
  }
  // Free only what finished closing (or never opened): anything else may still be in use.
  bool freed = false;
  if (service_ != nullptr && (close_completed_ || !opened_)) {
    implementation_.service_host->free_service_host(service_);
    service_ = nullptr;
    freed = true;
  }
  observed_.release_quarantine();
  // RS1: once free_service_host returned and nothing is left to run, nothing may be left held.
  if (freed && world_quiet) {
    service_host_.check_released("free_service_host");
  }
}

}  // namespace lockstep::conformance
