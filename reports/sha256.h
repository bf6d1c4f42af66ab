// SHA-256 (FIPS 180-4), for naming exactly which library a report or a replay file was made
// from: a replay after a rebuild can then tell "the implementation changed" from "the same
// build gave another trace" (nondeterminism), and report.json says what was tested.
//
// A plain one-pass implementation of the published algorithm; the test holds it to the FIPS
// example vectors. Not used for anything secret, and nothing here depends on the machine's
// byte order (words are assembled from bytes).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lockstep::reports {

/// Incremental SHA-256: update() any number of times, then hex_digest() once.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  /// The digest as 64 lowercase hex digits. Call once; the object is spent afterwards.
  std::string hex_digest();

 private:
  void compress(const unsigned char* block);

  std::array<std::uint32_t, 8> state_;
  std::array<unsigned char, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_bytes_ = 0;
};

/// SHA-256 of `bytes`, 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

/// SHA-256 of the file at `path`; nullopt with a one-line `error` when it cannot be read.
std::optional<std::string> sha256_of_file(const std::string& path, std::string& error);

}  // namespace lockstep::reports
