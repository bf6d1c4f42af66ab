// The digests of a run: a check that two runs (or a run and the merge of its shards) ran the
// same schedules and saw the same traces, bit for bit.
//
// Why a sum: shards and worker processes finish schedules in any order, and a merge must get
// the unsharded run's value. Each schedule contributes a term that mixes its suite, its index
// and its trace hash; an implementation's digest is the sum of its terms modulo 2^64 (an
// additive multiset hash). Addition is commutative and associative, so the digest depends only
// on the set of (suite, index, trace hash) triples, whatever the order or grouping; a changed
// trace, a missing schedule or a schedule counted twice changes it (up to a 2^-64 chance).
// The run digest then folds (name, digest) over implementations in report order.
#pragma once

#include <cstdint>
#include <string_view>

#include "reports/run_report.h"

namespace lockstep::reports {

/// One schedule's contribution to its implementation's digest.
std::uint64_t schedule_digest_term(std::string_view suite, std::uint64_t schedule_index,
                                   std::uint64_t trace_hash);

/// The report's run digest from its implementations' digests.
std::uint64_t compute_run_digest(const RunReport& report);

}  // namespace lockstep::reports
