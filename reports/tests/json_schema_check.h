// A validator for the subset of JSON Schema (draft 2020-12) that reports/report.schema.json
// uses, so tests can hold report.json to its published schema without a network or a Python
// package: type, const, enum, properties, required, additionalProperties (false or a schema),
// items, minItems, minProperties, maxProperties, minimum, minLength, pattern (ECMAScript, as the
// standard says), dependentRequired, $ref to "#/$defs/NAME", and the annotations $schema, $id,
// title and description. A keyword outside this list is an error of the schema, never ignored,
// so the schema cannot drift into rules the tests do not check.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lockstep::testing {

/// The errors of `document` against `schema`, each "<JSON pointer>: <what>"; empty if valid.
std::vector<std::string> schema_errors(const nlohmann::json& schema,
                                       const nlohmann::json& document);

/// reports/report.schema.json, parsed.
nlohmann::json report_schema();

}  // namespace lockstep::testing
