// The bundled implementations: the reference (client channel, WsAsyncExecute, service host, the
// three .NET patterns), the independent implementations, the reference's mutants, the archetype
// echo call and its defective variants.
#include "conformance/registry/implementations.h"

#include <deque>
#include <string_view>

#include "async_execute.h"
#include "channel.h"
#include "channel_defects.h"
#include "conformance/scenarios/echo_scenario.h"
#include "dispatcher_service_host.h"
#include "eager_channel.h"
#include "queued_channel.h"
#include "reference_implementation.h"
#include "reference_patterns.h"
#include "reference_service_host.h"

namespace lockstep::conformance {

namespace {

// Tables live as long as the process: implementations point into this deque.
reference_implementation& new_reference_table(
    const char* name, unsigned channel_defects,
    reference_async_execute_function async_execute = &WsAsyncExecute,
    unsigned service_defects = 0) {
  static std::deque<reference_implementation> tables;
  reference_implementation& table = tables.emplace_back();
  table.base.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION;
  table.base.struct_size = sizeof(reference_implementation);
  table.base.name = name;
  table.base.version = "1";
  table.base.channel = &reference_channel_functions;
  table.base.async_execute = async_execute;
  table.base.service_host = &reference_service_host_functions;
  // The pattern parts only where they are tested (the reference, the pattern mutants): the
  // pattern suites put the channel under their proxies, and a channel mutant's defect would
  // only repeat there what the channel suite reports.
  table.base.async_result = nullptr;
  table.base.event_based = nullptr;
  table.base.task_based = nullptr;
  table.channel_defects = channel_defects;
  table.service_defects = service_defects;
  return table;
}

// A pattern mutant provides only the pattern part its defect is in: the pattern suites take the
// other side of each exchange, and the channel, from the reference (so a mutant runs one suite,
// not seven; the other parts would only repeat the reference's verdicts).
reference_implementation& new_pattern_mutant_table(const reference_pattern_mutant& mutant) {
  reference_implementation& table = new_reference_table(mutant.name, 0);
  table.pattern_defects = mutant.defect;
  table.base.channel = nullptr;
  table.base.async_execute = nullptr;
  table.base.service_host = nullptr;
  const std::string_view part = mutant.part;
  if (part == "async-result") {
    table.base.async_result = &reference_async_result_functions;
  } else if (part == "event-based") {
    table.base.event_based = &reference_event_based_functions;
  } else if (part == "task-based") {
    table.base.task_based = &reference_task_based_functions;
  }
  return table;
}

// A mutant of the reference, from its fixture entry (any of the three mutant tables: each has
// name, description, rule and bug_class) and the table that carries its defect.
template <typename FixtureMutant>
Implementation reference_mutant(const FixtureMutant& entry, const char* defective_part,
                                reference_implementation& table) {
  Implementation mutant;
  mutant.name = entry.name;
  mutant.kind = "mutant";
  mutant.description = entry.description;
  mutant.breaks = entry.rule;
  mutant.bug_class = entry.bug_class;
  mutant.defective_part = defective_part;
  mutant.table = &table.base;
  return mutant;
}

// Correct implementations written apart from the reference (fixtures/independent/), each of
// its own design: false-positive guards.
std::vector<Implementation> independent_implementations() {
  struct Entry {
    const lockstep_implementation* table;
    const char* description;
  };
  const Entry entries[] = {
      {queued_channel_implementation(),
       "independent client channel: every operation through one per-channel FIFO drained by "
       "host work items, completions told from them"},
      {eager_channel_implementation(),
       "independent client channel: synchronous whenever it can (read-ahead, sends the host "
       "took, close with nothing in flight), asynchronous only when it must"},
      {dispatcher_service_host_implementation(),
       "independent service host: one dispatcher per accepted channel, one request at a time, "
       "its own cancel and free-state bookkeeping"},
  };
  std::vector<Implementation> all;
  for (const Entry& entry : entries) {
    Implementation implementation;
    implementation.name = entry.table->name;
    implementation.kind = "independent";
    implementation.description = entry.description;
    implementation.table = entry.table;
    all.push_back(std::move(implementation));
  }
  return all;
}

std::vector<Implementation> build_bundled() {
  std::vector<Implementation> all;
  Implementation reference;
  reference.name = "reference";
  reference.kind = "reference";
  reference.description =
      "the reference implementation: client channel, WsAsyncExecute, service host and the "
      "IAsyncResult, event-based and task-based patterns, correct against every rule";
  reference_implementation& reference_table = new_reference_table("reference", 0);
  reference_table.base.async_result = &reference_async_result_functions;
  reference_table.base.event_based = &reference_event_based_functions;
  reference_table.base.task_based = &reference_task_based_functions;
  reference.table = &reference_table.base;
  all.push_back(std::move(reference));
  for (Implementation& independent : independent_implementations()) {
    all.push_back(std::move(independent));
  }
  std::size_t count = 0;
  const reference_channel_mutant* mutants = reference_channel_mutants(&count);
  for (std::size_t index = 0; index < count; ++index) {
    all.push_back(
        reference_mutant(mutants[index], "channel",
                         new_reference_table(mutants[index].name, mutants[index].defect)));
  }
  const reference_async_execute_mutant* async_mutants = reference_async_execute_mutants(&count);
  for (std::size_t index = 0; index < count; ++index) {
    all.push_back(reference_mutant(
        async_mutants[index], "async-execute",
        new_reference_table(async_mutants[index].name, 0, async_mutants[index].function)));
  }
  const reference_service_mutant* service_mutants = reference_service_mutants(&count);
  for (std::size_t index = 0; index < count; ++index) {
    all.push_back(
        reference_mutant(service_mutants[index], "service-host",
                         new_reference_table(service_mutants[index].name, 0, &WsAsyncExecute,
                                             service_mutants[index].defect)));
  }
  const reference_pattern_mutant* pattern_mutants = reference_pattern_mutants(&count);
  for (std::size_t index = 0; index < count; ++index) {
    all.push_back(reference_mutant(pattern_mutants[index], pattern_mutants[index].part,
                                   new_pattern_mutant_table(pattern_mutants[index])));
  }
  for (const EchoImplementation& echo : bundled_echo_implementations()) {
    Implementation implementation;
    implementation.name = echo.name;
    implementation.kind = echo.breaks.empty() ? "reference" : "mutant";
    implementation.description = echo.description;
    implementation.breaks = echo.breaks;
    implementation.bug_class = echo.bug_class;
    implementation.defective_part = echo.breaks.empty() ? "" : "echo-call";
    implementation.archetype_defects = echo.defects;
    all.push_back(std::move(implementation));
  }
  return all;
}

}  // namespace

const std::vector<Implementation>& bundled_implementations() {
  static const std::vector<Implementation> all = build_bundled();
  return all;
}

const Implementation* find_bundled_implementation(std::string_view name) {
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.name == name) {
      return &implementation;
    }
  }
  return nullptr;
}

}  // namespace lockstep::conformance
