// Walking a document and a schema together.
#include "reports/tests/json_schema_check.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace lockstep::testing {

namespace {

using Json = nlohmann::json;

class Validator {
 public:
  explicit Validator(const Json& root) : root_(root) {}

  void check(const Json& schema, const Json& value, const std::string& where) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) {
        fail(where, "nothing is allowed here");
      }
      return;
    }
    if (!schema.is_object()) {
      fail(where, "(schema) is not an object");
      return;
    }
    static const std::set<std::string> kKnown = {"$schema",       "$id",
                                                 "title",         "description",
                                                 "type",          "const",
                                                 "enum",          "properties",
                                                 "required",      "additionalProperties",
                                                 "items",         "minItems",
                                                 "minProperties", "maxProperties",
                                                 "minimum",       "minLength",
                                                 "pattern",       "dependentRequired",
                                                 "$ref",          "$defs"};
    for (const auto& [keyword, argument] : schema.items()) {
      if (kKnown.count(keyword) == 0) {
        fail(where, "(schema) uses '" + keyword + "', which this validator does not check");
      }
    }
    if (schema.contains("$ref")) {
      const std::string reference = schema["$ref"];
      const std::string prefix = "#/$defs/";
      if (reference.rfind(prefix, 0) != 0 ||
          !root_["$defs"].contains(reference.substr(prefix.size()))) {
        fail(where, "(schema) unresolvable $ref " + reference);
      } else {
        check(root_["$defs"][reference.substr(prefix.size())], value, where);
      }
    }
    if (schema.contains("type") && !has_type(value, schema["type"].get<std::string>())) {
      fail(where, "is not of type " + schema["type"].get<std::string>() + ": " + value.dump());
      return;
    }
    if (schema.contains("const") && value != schema["const"]) {
      fail(where, "is not " + schema["const"].dump());
    }
    if (schema.contains("enum")) {
      bool found = false;
      for (const Json& option : schema["enum"]) {
        found = found || option == value;
      }
      if (!found) {
        fail(where, value.dump() + " is not one of " + schema["enum"].dump());
      }
    }
    if (value.is_string()) {
      const std::string text = value.get<std::string>();
      if (schema.contains("minLength") && text.size() < schema["minLength"].get<std::size_t>()) {
        fail(where, "is shorter than " + schema["minLength"].dump());
      }
      if (schema.contains("pattern") &&
          !std::regex_search(text, std::regex(schema["pattern"].get<std::string>()))) {
        fail(where, "\"" + text + "\" does not match " + schema["pattern"].dump());
      }
    }
    if (value.is_number() && schema.contains("minimum") &&
        value.get<double>() < schema["minimum"].get<double>()) {
      fail(where, "is below " + schema["minimum"].dump());
    }
    if (value.is_array()) {
      if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>()) {
        fail(where, "has fewer than " + schema["minItems"].dump() + " items");
      }
      if (schema.contains("items")) {
        for (std::size_t index = 0; index < value.size(); ++index) {
          check(schema["items"], value[index], where + "/" + std::to_string(index));
        }
      }
    }
    if (value.is_object()) {
      check_object(schema, value, where);
    }
  }

  std::vector<std::string> errors;

 private:
  static bool has_type(const Json& value, const std::string& type) {
    if (type == "object")
      return value.is_object();
    if (type == "array")
      return value.is_array();
    if (type == "string")
      return value.is_string();
    if (type == "integer")
      return value.is_number_integer();
    if (type == "number")
      return value.is_number();
    if (type == "boolean")
      return value.is_boolean();
    if (type == "null")
      return value.is_null();
    return false;
  }

  void check_object(const Json& schema, const Json& value, const std::string& where) {
    if (schema.contains("minProperties") &&
        value.size() < schema["minProperties"].get<std::size_t>()) {
      fail(where, "has fewer than " + schema["minProperties"].dump() + " properties");
    }
    if (schema.contains("maxProperties") &&
        value.size() > schema["maxProperties"].get<std::size_t>()) {
      fail(where, "has more than " + schema["maxProperties"].dump() + " properties");
    }
    if (schema.contains("required")) {
      for (const Json& name : schema["required"]) {
        if (!value.contains(name.get<std::string>())) {
          fail(where, "lacks required \"" + name.get<std::string>() + "\"");
        }
      }
    }
    if (schema.contains("dependentRequired")) {
      for (const auto& [present, needed] : schema["dependentRequired"].items()) {
        if (!value.contains(present)) {
          continue;
        }
        for (const Json& name : needed) {
          if (!value.contains(name.get<std::string>())) {
            fail(where, "has \"" + present + "\" but not \"" + name.get<std::string>() + "\"");
          }
        }
      }
    }
    const Json properties = schema.value("properties", Json::object());
    for (const auto& [name, member] : value.items()) {
      if (properties.contains(name)) {
        check(properties[name], member, where + "/" + name);
      } else if (schema.contains("additionalProperties")) {
        check(schema["additionalProperties"], member, where + "/" + name);
      }
    }
  }

  void fail(const std::string& where, const std::string& what) {
    errors.push_back((where.empty() ? "/" : where) + ": " + what);
  }

  const Json& root_;
};

}  // namespace

std::vector<std::string> schema_errors(const Json& schema, const Json& document) {
  Validator validator(schema);
  validator.check(schema, document, "");
  return validator.errors;
}

Json report_schema() {
  std::ifstream stream(std::string(LOCKSTEP_SOURCE_DIR) + "/reports/report.schema.json");
  std::stringstream text;
  text << stream.rdbuf();
  return Json::parse(text.str());
}

}  // namespace lockstep::testing
