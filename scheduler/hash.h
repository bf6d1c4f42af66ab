// The 64-bit hash that trace hashes, run digests and replay checks are built from.
//
// Why our own: the value is part of the product (it is printed in reports and stored in replay
// files), so it must never change with a library upgrade. Invariants: pure functions of their
// inputs; no pointer values or addresses are ever fed in.
#pragma once

#include <cstdint>
#include <string_view>

namespace lockstep {

inline constexpr std::uint64_t kHashSeed = 0x6C6F636B73746570ull;  // "lockstep"

/// Folds one 64-bit value into a running hash (splitmix64 finaliser over xor-then-add).
inline std::uint64_t hash_mix(std::uint64_t hash, std::uint64_t value) {
  std::uint64_t z = hash ^ (value + 0x9E3779B97F4A7C15ull + (hash << 6) + (hash >> 2));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// FNV-1a over the bytes, then mixed: stable across platforms for the same bytes.
inline std::uint64_t hash_bytes(std::string_view bytes) {
  std::uint64_t fnv = 0xCBF29CE484222325ull;
  for (unsigned char byte : bytes) {
    fnv ^= byte;
    fnv *= 0x100000001B3ull;
  }
  return hash_mix(fnv, bytes.size());
}

}  // namespace lockstep
