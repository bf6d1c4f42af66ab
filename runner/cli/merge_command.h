// `lockstep report merge DIR... -o OUT`: one report from the report directories of a run's
// shards (run with the same command and --shard 1/N ... N/N, possibly on other machines).
//
// OUT gets the merged report.json (reports/report_merge.h), the kept failures' replay and
// trace files copied from their shards, with the shrunk ones of the failures the merge still
// counts as shrunk (the replay commands now name OUT), and junit.xml and index.html
// regenerated. Shards that do not belong together (another seed, strategy, budget,
// shard count or implementation list, or one shard twice) are refused with one line, exit 2.
#pragma once

#include <string>
#include <vector>

namespace lockstep::cli {

struct MergeOptions {
  std::vector<std::string> shard_directories;
  std::string output_directory;
};

int merge_command(const MergeOptions& options);

}  // namespace lockstep::cli
