// The short reproduce string of a failure (RapidCheck's `reproduce=`, Shuttle's schedule
// string): one word that re-runs a failing schedule without its replay file, since schedule i
// of a run with seed S is regenerated from (S, i) alone.
//
//   callback-on-sync-path:channel:1:5          implementation, suite, run seed, schedule index
//   archetype-context-by-pointer:echo:7:12:pct:3   ... and the strategy, when not "random"
//
// `lockstep replay TOKEN` runs that schedule again with the run's strategy and reports what it
// breaks. For a plugin the first field is its table's name and `--impl PATH` says where the
// library is. Parsing never throws; every error is one line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lockstep::reports {

struct ReproduceToken {
  std::string implementation;
  std::string suite;
  std::uint64_t run_seed = 0;
  std::uint64_t schedule_index = 0;
  std::string strategy = "random";

  friend bool operator==(const ReproduceToken&, const ReproduceToken&) = default;
};

std::string to_text(const ReproduceToken& token);
/// nullopt with a one-line `error` when `text` is not a token (a ':' in the implementation's
/// name is written as '_', so the first four fields never hold one).
std::optional<ReproduceToken> parse_reproduce_token(std::string_view text, std::string& error);

}  // namespace lockstep::reports
