#pragma once
// Internal to the rule loader: typed reading of YAML fields, where every
// error carries "file:line: where.key: reason".

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/model/object_model.h"
#include "lwm2m/operations/notification_attributes.h"
#include "lwm2m/result.h"
#include "mapping/rule_set.h"

namespace lwm2m::mapping {

class FieldReader {
 public:
  // Parses the text; a syntax error names its line. The root must be a map
  // (or empty).
  static Result<FieldReader> load(std::string_view text, const std::string& fileName);

  bool isNull() const { return node_.IsNull(); }
  std::string location() const;  // "file:line" of this map
  Error errorAt(std::string_view key, std::string_view reason) const;

  Result<void> checkKeys(std::initializer_list<std::string_view> known) const;
  std::string string(const char* key, std::string fallback) const;
  Result<std::string> requiredString(const char* key) const;
  Result<bool> boolean(const char* key, bool fallback) const;
  Result<int> qos(const char* key) const;
  Result<PayloadStyle> style(const char* key, PayloadStyle fallback) const;
  // A whole number of `unit` ("seconds", "decimals"), named in the error.
  Result<std::optional<std::uint32_t>> optionalUnsigned(const char* key, std::string_view unit) const;
  Result<std::optional<double>> optionalNumber(const char* key) const;
  // The text of a scalar; nullopt when the key is absent.
  Result<std::optional<std::string>> scalar(const char* key) const;
  // A scalar or a list of scalars; empty when absent.
  Result<std::vector<std::string>> strings(const char* key) const;
  // A nested map; nullopt when absent (a non-map value is reported by list()/checks).
  std::optional<FieldReader> child(const char* key) const;
  // A list of maps; empty when absent.
  Result<std::vector<FieldReader>> list(const char* key) const;

 private:
  FieldReader(YAML::Node node, std::string file, std::string where)
      : node_(std::move(node)), file_(std::move(file)), where_(std::move(where)) {}
  std::string lineOf(const YAML::Node& node) const;

  YAML::Node node_;
  std::string file_;
  std::string where_;  // "uplink[2].match"
};

Result<RuleMatch> parseMatch(const FieldReader& in, const model::ObjectModel& model);
Result<Transform> parseTransform(const FieldReader& in);
// {max_messages: 2..10000, max_delay_ms: 1..60000}; both required.
Result<Batch> parseBatch(const FieldReader& in);
Result<operations::NotificationAttributes> parseAttributes(const FieldReader& in);
// validate: {type: float, min: 5, max: 30, one_of: [...]}
Result<ValueCheck> parseValueCheck(const FieldReader& in);

}  // namespace lwm2m::mapping
