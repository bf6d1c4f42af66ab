// RapidCheck's check of one property, with its reproduce string computed at once.
#include "conformance/properties/property_check.h"

#include <unordered_map>

#include <rapidcheck.h>

namespace lockstep::conformance::properties {

namespace {

// RapidCheck's global listener prints a reproduce string for every failing property when the
// program exits; a mutant's expected failure would read as a suite failure there. The
// reproduce string is given with each failure instead.
class QuietListener final : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

}  // namespace

namespace {

PropertyCheck check_with(const std::string& id, const std::function<void()>& body,
                         const rc::detail::TestParams& params,
                         const std::unordered_map<std::string, rc::detail::Reproduce>& reproduce) {
  rc::detail::TestMetadata metadata;
  metadata.id = id;
  metadata.description = id;
  PropertyCheck check;
  QuietListener listener;
  const rc::detail::TestResult result =
      rc::detail::checkProperty(rc::detail::toProperty(body), metadata, params, listener, reproduce);
  rc::detail::SuccessResult success;
  rc::detail::FailureResult failure;
  rc::detail::GaveUpResult gave_up;
  if (result.match(success)) {
    check.successes = success.numSuccess;
  } else if (result.match(failure)) {
    check.failed = true;
    check.successes = failure.numSuccess;
    check.message = failure.description;
    rc::detail::Configuration reproduce_only;
    reproduce_only.testParams = params;
    reproduce_only.reproduce[id] = failure.reproduce;
    check.reproduce = rc::detail::configToMinimalString(reproduce_only);
  } else if (result.match(gave_up)) {
    check.gave_up = true;
    check.successes = gave_up.numSuccess;
    check.message = gave_up.description;
  }
  return check;
}

}  // namespace

PropertyCheck check_property(const std::string& id, const std::function<void()>& body,
                             std::optional<int> max_success) {
  const rc::detail::Configuration& configuration = rc::detail::configuration();
  rc::detail::TestParams params = configuration.testParams;
  if (max_success.has_value()) {
    params.maxSuccess = *max_success;
  }
  return check_with(id, body, params, configuration.reproduce);
}

PropertyCheck check_property_seeded(const std::string& id, const std::function<void()>& body,
                                    std::uint64_t seed, int max_success, int max_size) {
  rc::detail::TestParams params;
  params.seed = seed;
  params.maxSuccess = max_success;
  params.maxSize = max_size;
  return check_with(id, body, params, {});
}

}  // namespace lockstep::conformance::properties
