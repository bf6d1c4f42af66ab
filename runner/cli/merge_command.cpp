// Reading shards, merging, copying failure files, writing OUT.
#include "runner/cli/merge_command.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <vector>

#include "reports/report_merge.h"
#include "reports/shell_command.h"
#include "runner/cli/invocation.h"
#include "runner/cli/replay_command.h"
#include "runner/report_directory.h"

namespace lockstep::cli {

int merge_command(const MergeOptions& options) {
  std::string error;
  std::vector<reports::ShardReport> shards;
  // Where each kept failure's files come from: (implementation, stem) -> shard directory.
  std::map<std::string, std::string> origin_of_stem;
  for (const std::string& directory : options.shard_directories) {
    std::optional<reports::RunReport> report = reports::read_report(directory, error);
    if (!report) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    for (const reports::ImplementationReport& implementation : report->implementations) {
      for (const reports::Failure& failure : implementation.failures) {
        origin_of_stem[failure.file_stem(implementation.file_name())] = directory;
      }
    }
    shards.push_back(reports::ShardReport{directory, std::move(*report)});
  }
  std::optional<reports::RunReport> merged = reports::merge_reports(shards, error);
  if (!merged) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  if (!runner::prepare_report_directory(options.output_directory, error)) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  const std::filesystem::path output(options.output_directory);
  for (reports::ImplementationReport& implementation : merged->implementations) {
    for (reports::Failure& failure : implementation.failures) {
      if (failure.replay_file.empty()) {
        continue;
      }
      const std::string origin = origin_of_stem[failure.file_stem(implementation.file_name())];
      const std::filesystem::path from = std::filesystem::path(origin) / failure.replay_file;
      if (!std::filesystem::exists(from)) {
        std::fprintf(stderr, "lockstep: %s lists a failure whose replay file %s is missing\n",
                     origin.c_str(), from.c_str());
        return kExitUsage;
      }
      // The original's files, and the shrunk one's when the merge kept the shrink.
      std::vector<std::string> files = {failure.replay_file};
      if (failure.shrunk()) {
        files.push_back(failure.shrunk_replay_file);
      }
      std::error_code status;
      std::filesystem::create_directories(output / "failures", status);
      for (const std::string& replay_file : files) {
        const std::string trace_file =
            "failures/" + reports::Failure::stem_of(replay_file) + ".trace.json";
        for (const std::string& file : {replay_file, trace_file}) {
          const std::filesystem::path source = std::filesystem::path(origin) / file;
          if (!status && std::filesystem::exists(source)) {
            std::filesystem::copy_file(source, output / file,
                                       std::filesystem::copy_options::overwrite_existing, status);
          }
        }
      }
      if (status) {
        std::fprintf(stderr, "lockstep: cannot copy the files of %s into %s: %s\n",
                     failure.replay_file.c_str(), options.output_directory.c_str(),
                     status.message().c_str());
        return kExitUsage;
      }
      const auto replay_command_of = [](const std::filesystem::path& path) {
        std::vector<std::string> words = invocation();
        words.insert(words.end(), {"replay", path.string()});
        return reports::shell_command(words);
      };
      failure.reproduce = replay_command_of(output / failure.replay_file);
      if (failure.shrunk()) {
        failure.shrunk_reproduce = replay_command_of(output / failure.shrunk_replay_file);
      }
    }
  }
  if (!runner::write_report_directory(*merged, options.output_directory, error)) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  std::uint64_t schedules = 0;
  for (const reports::ImplementationReport& implementation : merged->implementations) {
    schedules += implementation.schedules;
  }
  std::printf("merged %zu report(s): %llu schedules, run digest %016llx, %s%s\n", shards.size(),
              static_cast<unsigned long long>(schedules),
              static_cast<unsigned long long>(merged->run_digest),
              merged->verdict_passed() ? "pass" : "fail",
              merged->shard_count > 1 ? " (not every shard yet)" : "");
  std::printf("report written to %s/report.json\n", options.output_directory.c_str());
  return merged->verdict_passed() ? kExitPass : kExitViolation;
}

}  // namespace lockstep::cli
