// Replay file writing and strict parsing.
#include "reports/replay_file.h"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "reports/atomic_file.h"

namespace lockstep::reports {

namespace {

constexpr std::string_view kMagic = "lockstep-replay";
constexpr std::size_t kMaxLineBytes = 64u << 20;  // a decision log of millions of decisions

std::string hex64(std::uint64_t value) {
  return fmt::format("{:016x}", value);
}

bool is_sha256(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool parse_decimal(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) {
    return false;
  }
  auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), out);
  return status == std::errc() && end == text.data() + text.size();
}

bool parse_hex(std::string_view text, std::uint64_t& out) {
  if (text.size() != 16) {
    return false;
  }
  auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return status == std::errc() && end == text.data() + text.size();
}

bool printable(std::string_view text) {
  for (unsigned char character : text) {
    if (character < 0x20 || character == 0x7F) {
      return false;
    }
  }
  return true;
}

// Values written into the file stay on one line.
std::string one_line(std::string_view text) {
  std::string line(text);
  for (char& character : line) {
    if (static_cast<unsigned char>(character) < 0x20 || character == 0x7F) {
      character = ' ';
    }
  }
  return line;
}

}  // namespace

std::string to_text(const ReplayFile& replay) {
  std::ostringstream text;
  text << kMagic << ' ' << kReplayFormatVersion << '\n'
       << "implementation " << one_line(replay.implementation) << '\n'
       << "library " << one_line(replay.library) << '\n'
       << "library-sha256 " << one_line(replay.library_sha256) << '\n'
       << "build " << one_line(replay.build) << '\n'
       << "suite " << one_line(replay.suite) << '\n'
       << "run-seed " << replay.run_seed << '\n'
       << "schedule " << replay.schedule_index << '\n'
       << "seed " << replay.schedule_seed << '\n'
       << "strategy " << one_line(replay.strategy) << '\n'
       << "pct-steps " << replay.pct_steps << '\n'
       << "fault-plan " << one_line(replay.fault_plan) << '\n'
       << "rule " << one_line(replay.rule) << '\n';
  if (replay.timeout_ms != 0) {
    text << "timeout-ms " << replay.timeout_ms << '\n';
  }
  text << "trace-hash " << hex64(replay.trace_hash) << '\n'
       << "explanation " << one_line(replay.explanation) << '\n'
       << "decisions " << replay.decisions.to_text() << '\n'
       << "end\n";
  return text.str();
}

std::optional<ReplayFile> parse_replay_file(std::string_view text, std::string& error) {
  if (text.empty()) {
    error = "the replay file is empty";
    return std::nullopt;
  }
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (end - start > kMaxLineBytes) {
      error = "line " + std::to_string(lines.size() + 1) + " is too long";
      return std::nullopt;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  const std::string_view header = lines.front();
  if (!header.starts_with(kMagic) || header.size() < kMagic.size() + 2 ||
      header[kMagic.size()] != ' ') {
    error = "not a lockstep replay file (the first line must be 'lockstep-replay " +
            std::to_string(kReplayFormatVersion) + "')";
    return std::nullopt;
  }
  std::uint64_t version = 0;
  if (!parse_decimal(header.substr(kMagic.size() + 1), version)) {
    error = "malformed version on line 1 (expected 'lockstep-replay " +
            std::to_string(kReplayFormatVersion) + "')";
    return std::nullopt;
  }
  if (version > kReplayFormatVersion) {
    error = "replay file format version " + std::to_string(version) +
            " is newer than this lockstep's (" + std::to_string(kReplayFormatVersion) +
            "): replay it with the lockstep that wrote it";
    return std::nullopt;
  }
  if (version < kOldestReadableReplayFormat) {
    error = "replay file format version " + std::to_string(version) +
            " is older than this lockstep's (" + std::to_string(kOldestReadableReplayFormat) +
            " to " + std::to_string(kReplayFormatVersion) +
            "): the suites have changed since, so its decisions would replay another schedule; "
            "replay it with the lockstep that wrote it, or re-run its schedule with this one";
    return std::nullopt;
  }

  static const char* const kKeys[] = {
      "implementation", "library",  "library-sha256", "build",      "suite",
      "run-seed",       "schedule", "seed",           "strategy",   "pct-steps",
      "fault-plan",     "rule",     "trace-hash",     "explanation", "decisions"};
  ReplayFile replay;
  std::size_t line_index = 1;
  for (const char* key : kKeys) {
    const std::string_view expected_key(key);
    if (version == 2 && (expected_key == "library" || expected_key == "library-sha256")) {
      continue;  // version 2 had neither
    }
    if (line_index >= lines.size() || (line_index + 1 == lines.size() && lines.back().empty())) {
      error = std::string("truncated replay file: missing '") + key + "' (line " +
              std::to_string(line_index + 1) + ")";
      return std::nullopt;
    }
    if (std::string_view(key) == "trace-hash" && lines[line_index].starts_with("timeout-ms ")) {
      if (!parse_decimal(lines[line_index].substr(11), replay.timeout_ms) ||
          replay.timeout_ms == 0) {
        error = "line " + std::to_string(line_index + 1) + ": invalid value for 'timeout-ms'";
        return std::nullopt;
      }
      ++line_index;
      if (line_index >= lines.size()) {
        error = "truncated replay file: missing 'trace-hash' (line " +
                std::to_string(line_index + 1) + ")";
        return std::nullopt;
      }
    }
    const std::string_view line = lines[line_index];
    if (!line.starts_with(expected_key) ||
        (line.size() > expected_key.size() && line[expected_key.size()] != ' ')) {
      error = "line " + std::to_string(line_index + 1) + ": expected '" + std::string(key) + "'";
      return std::nullopt;
    }
    const std::string_view value =
        line.size() > expected_key.size() ? line.substr(expected_key.size() + 1) : "";
    if (!printable(value)) {
      error = "line " + std::to_string(line_index + 1) + ": '" + std::string(key) +
              "' holds control characters";
      return std::nullopt;
    }
    bool ok = true;
    if (expected_key == "implementation") {
      replay.implementation = value;
      ok = !value.empty();
    } else if (expected_key == "library") {
      replay.library = value;
    } else if (expected_key == "library-sha256") {
      replay.library_sha256 = value;
      ok = value.empty() || is_sha256(value);
    } else if (expected_key == "build") {
      replay.build = value;
    } else if (expected_key == "suite") {
      replay.suite = value;
      ok = !value.empty();
    } else if (expected_key == "run-seed") {
      ok = parse_decimal(value, replay.run_seed);
    } else if (expected_key == "schedule") {
      ok = parse_decimal(value, replay.schedule_index);
    } else if (expected_key == "seed") {
      ok = parse_decimal(value, replay.schedule_seed);
    } else if (expected_key == "strategy") {
      replay.strategy = value;
      ok = !value.empty();
    } else if (expected_key == "pct-steps") {
      ok = parse_decimal(value, replay.pct_steps);
    } else if (expected_key == "fault-plan") {
      replay.fault_plan = value;
    } else if (expected_key == "rule") {
      replay.rule = value;
      ok = !value.empty();
    } else if (expected_key == "trace-hash") {
      ok = parse_hex(value, replay.trace_hash);
    } else if (expected_key == "explanation") {
      replay.explanation = value;
    } else {
      std::string decisions_error;
      std::optional<DecisionLog> decisions = DecisionLog::from_text(value, decisions_error);
      if (!decisions) {
        error = "line " + std::to_string(line_index + 1) + ": " + decisions_error;
        return std::nullopt;
      }
      replay.decisions = std::move(*decisions);
    }
    if (!ok) {
      error = "line " + std::to_string(line_index + 1) + ": invalid value for '" +
              std::string(key) + "'";
      return std::nullopt;
    }
    ++line_index;
  }
  if (line_index >= lines.size() || lines[line_index] != "end") {
    error = "truncated replay file: no 'end' line after the decisions";
    return std::nullopt;
  }
  for (std::size_t extra = line_index + 1; extra < lines.size(); ++extra) {
    if (!lines[extra].empty()) {
      error = "line " + std::to_string(extra + 1) + ": unexpected text after 'end'";
      return std::nullopt;
    }
  }
  return replay;
}

std::optional<ReplayFile> read_replay_file(const std::string& path, std::string& error) {
  std::error_code status;
  if (!std::filesystem::is_regular_file(path, status)) {
    error = "no replay file at '" + path + "'";
    return std::nullopt;
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    error = "cannot read the replay file '" + path + "'";
    return std::nullopt;
  }
  std::ostringstream contents;
  contents << stream.rdbuf();
  std::string parse_error;
  std::optional<ReplayFile> replay = parse_replay_file(contents.str(), parse_error);
  if (!replay) {
    error = path + ": " + parse_error;
  }
  return replay;
}

bool write_replay_file(const ReplayFile& replay, const std::string& path, std::string& error) {
  return write_file_atomically(path, to_text(replay), error);
}

std::string build_id() {
  return LOCKSTEP_BUILD_ID;
}

}  // namespace lockstep::reports
