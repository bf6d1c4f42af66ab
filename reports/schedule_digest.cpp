// Digest terms and the run digest fold.
#include "reports/schedule_digest.h"

#include "scheduler/hash.h"

namespace lockstep::reports {

std::uint64_t schedule_digest_term(std::string_view suite, std::uint64_t schedule_index,
                                   std::uint64_t trace_hash) {
  return hash_mix(hash_mix(hash_mix(kHashSeed, hash_bytes(suite)), schedule_index), trace_hash);
}

std::uint64_t compute_run_digest(const RunReport& report) {
  std::uint64_t digest = kHashSeed;
  for (const ImplementationReport& implementation : report.implementations) {
    digest = hash_mix(hash_mix(digest, hash_bytes(implementation.name)), implementation.digest);
  }
  return digest;
}

}  // namespace lockstep::reports
