#include "mapping/rule_fields.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "mapping/model_names.h"

namespace lwm2m::mapping {

namespace {

Result<double> toNumber(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) {
    return fail("'" + text + "' is not a number");
  }
  return v;
}

}  // namespace

Result<FieldReader> FieldReader::load(std::string_view text, const std::string& fileName) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsNull() && !root.IsMap()) {
      return fail(fileName + ":" + std::to_string(root.Mark().line + 1) +
                  ": the file must hold a map with uplink, observe, downlink and http lists");
    }
    return FieldReader(root, fileName, "");
  } catch (const YAML::Exception& e) {
    return fail(fileName + ":" + std::to_string(e.mark.line < 0 ? 1 : e.mark.line + 1) + ": " + e.msg);
  }
}

std::string FieldReader::lineOf(const YAML::Node& node) const {
  int line = node.Mark().line;
  return std::to_string(line < 0 ? 1 : line + 1);
}

std::string FieldReader::location() const { return file_ + ":" + lineOf(node_); }

Error FieldReader::errorAt(std::string_view key, std::string_view reason) const {
  std::string k(key);
  YAML::Node value = node_.IsMap() ? node_[k] : YAML::Node();
  std::string line = value.IsDefined() && !value.IsNull() ? lineOf(value) : lineOf(node_);
  std::string where = where_.empty() ? k : where_ + "." + k;
  return fail(file_ + ":" + line + ": " + where + ": " + std::string(reason));
}

Result<void> FieldReader::checkKeys(std::initializer_list<std::string_view> known) const {
  if (!node_.IsMap()) return fail(location() + ": " + where_ + ": expected a map");
  for (const auto& entry : node_) {
    std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
    bool ok = false;
    for (auto k : known) ok = ok || k == key;
    if (!ok) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return fail(file_ + ":" + lineOf(entry.first) + ": " + (where_.empty() ? "" : where_ + ": ") +
                  "unknown key '" + key + "' (known: " + list + ")");
    }
  }
  return {};
}

Result<std::optional<std::string>> FieldReader::scalar(const char* key) const {
  YAML::Node value = node_[key];
  if (!value.IsDefined() || value.IsNull()) return std::optional<std::string>();
  if (!value.IsScalar()) return errorAt(key, "expected a single value");
  return std::optional<std::string>(value.Scalar());
}

std::string FieldReader::string(const char* key, std::string fallback) const {
  auto value = scalar(key);
  return value && *value ? **value : fallback;
}

Result<std::string> FieldReader::requiredString(const char* key) const {
  auto value = scalar(key);
  if (!value) return value.error();
  if (!*value || (*value)->empty()) return errorAt(key, "is required");
  return **value;
}

Result<bool> FieldReader::boolean(const char* key, bool fallback) const {
  auto value = scalar(key);
  if (!value) return value.error();
  if (!*value) return fallback;
  if (**value == "true" || **value == "yes" || **value == "on") return true;
  if (**value == "false" || **value == "no" || **value == "off") return false;
  return errorAt(key, "'" + **value + "' is not true or false");
}

Result<int> FieldReader::qos(const char* key) const {
  auto value = scalar(key);
  if (!value) return value.error();
  if (!*value) return 1;  // at least once unless a rule asks for less
  if (**value == "0" || **value == "1" || **value == "2") return (**value)[0] - '0';
  return errorAt(key, "'" + **value + "' is not a QoS (0, 1 or 2)");
}

Result<PayloadStyle> FieldReader::style(const char* key, PayloadStyle fallback) const {
  auto value = scalar(key);
  if (!value) return value.error();
  if (!*value) return fallback;
  auto style = parsePayloadStyle(**value);
  if (!style) return errorAt(key, "unknown style '" + **value + "' (known: value, json, senml, tree, event, emqx)");
  return *style;
}

Result<std::optional<std::uint32_t>> FieldReader::optionalUnsigned(const char* key, std::string_view unit) const {
  auto value = scalar(key);
  if (!value) return value.error();
  if (!*value) return std::optional<std::uint32_t>();
  const std::string& text = **value;
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return errorAt(key, "'" + text + "' is not a whole number of " + std::string(unit));
  }
  return std::optional<std::uint32_t>(v);
}

Result<std::optional<double>> FieldReader::optionalNumber(const char* key) const {
  auto value = scalar(key);
  if (!value) return value.error();
  if (!*value) return std::optional<double>();
  auto number = toNumber(**value);
  if (!number) return errorAt(key, number.error().message);
  return std::optional<double>(*number);
}

Result<std::vector<std::string>> FieldReader::strings(const char* key) const {
  std::vector<std::string> out;
  YAML::Node value = node_[key];
  if (!value.IsDefined() || value.IsNull()) return out;
  if (value.IsScalar()) {
    out.push_back(value.Scalar());
    return out;
  }
  if (!value.IsSequence()) return errorAt(key, "expected a value or a list of values");
  for (const auto& item : value) {
    if (!item.IsScalar()) return errorAt(key, "expected a list of values");
    out.push_back(item.Scalar());
  }
  return out;
}

std::optional<FieldReader> FieldReader::child(const char* key) const {
  YAML::Node value = node_[key];
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  return FieldReader(value, file_, where_.empty() ? key : where_ + "." + key);
}

Result<std::vector<FieldReader>> FieldReader::list(const char* key) const {
  std::vector<FieldReader> out;
  YAML::Node value = node_[key];
  if (!value.IsDefined() || value.IsNull()) return out;
  if (!value.IsSequence()) return errorAt(key, "expected a list of rules");
  size_t index = 0;
  for (const auto& item : value) {
    std::string where = (where_.empty() ? key : where_ + "." + key) + "[" + std::to_string(index++) + "]";
    FieldReader reader(item, file_, where);
    if (!item.IsMap()) return fail(reader.location() + ": " + where + ": expected a map");
    out.push_back(std::move(reader));
  }
  return out;
}

Result<RuleMatch> parseMatch(const FieldReader& in, const model::ObjectModel& model) {
  RuleMatch match;
  if (auto r = in.checkKeys({"endpoint", "path", "object", "resource", "events"}); !r) return r.error();
  match.endpoint = in.string("endpoint", "*");
  auto paths = in.strings("path");
  if (!paths) return paths.error();
  for (const auto& text : *paths) {
    auto pattern = PathPattern::parse(text);
    if (!pattern) return in.errorAt("path", pattern.error().message);
    match.paths.push_back(std::move(*pattern));
  }
  match.objectName = in.string("object", "");
  match.resourceName = in.string("resource", "");
  if (!match.objectName.empty() && !findObjectByName(model, match.objectName)) {
    return in.errorAt("object", "no object named '" + match.objectName + "' in the object model");
  }
  if (!match.resourceName.empty() && !resourceNameExists(model, match.objectName, match.resourceName)) {
    return in.errorAt("resource", "no resource named '" + match.resourceName + "' in the object model");
  }
  auto events = in.strings("events");
  if (!events) return events.error();
  for (const auto& name : *events) {
    auto kind = gateway::api::parseDeviceEventKind(name);
    if (!kind) return in.errorAt("events", "unknown event '" + name + "'");
    match.events.push_back(*kind);
  }
  return match;
}

Result<Transform> parseTransform(const FieldReader& in) {
  Transform t;
  if (auto r = in.checkKeys({"scale", "offset", "round", "rename"}); !r) return r.error();
  auto scale = in.optionalNumber("scale");
  if (!scale) return scale.error();
  t.scale = scale->value_or(1);
  auto offset = in.optionalNumber("offset");
  if (!offset) return offset.error();
  t.offset = offset->value_or(0);
  auto round = in.optionalUnsigned("round", "decimals");
  if (!round) return round.error();
  if (*round) {
    if (**round > 12) return in.errorAt("round", "at most 12 decimals");
    t.round = static_cast<int>(**round);
  }
  t.rename = in.string("rename", "");
  return t;
}

namespace {

// A required whole number within [low, high], named by `what` in errors.
Result<std::uint32_t> boundedWhole(const FieldReader& in, const char* key, std::uint32_t low, std::uint32_t high,
                                   std::string_view what) {
  auto value = in.scalar(key);
  if (!value) return value.error();
  const std::string range = std::to_string(low) + " to " + std::to_string(high) + " " + std::string(what);
  if (!*value) return in.errorAt(key, "required: " + range);
  const std::string& text = **value;
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < low || v > high) {
    return in.errorAt(key, "'" + text + "' is not " + range);
  }
  return v;
}

}  // namespace

Result<Batch> parseBatch(const FieldReader& in) {
  if (auto r = in.checkKeys({"max_messages", "max_delay_ms"}); !r) return r.error();
  auto count = boundedWhole(in, "max_messages", 2, kMaxBatchMessages, "messages");
  if (!count) return count.error();
  auto delay = boundedWhole(in, "max_delay_ms", 1, static_cast<std::uint32_t>(kMaxBatchDelay.count()), "ms");
  if (!delay) return delay.error();
  return Batch{*count, std::chrono::milliseconds(*delay)};
}

Result<operations::NotificationAttributes> parseAttributes(const FieldReader& in) {
  operations::NotificationAttributes a;
  static const char* const kNames[] = {"pmin", "pmax", "gt", "lt", "st", "epmin", "epmax", "edge", "con", "hqmax"};
  if (auto r = in.checkKeys({"pmin", "pmax", "gt", "lt", "st", "epmin", "epmax", "edge", "con", "hqmax"}); !r) {
    return r.error();
  }
  for (const char* name : kNames) {
    auto text = in.scalar(name);
    if (!text) return text.error();
    if (!*text) continue;
    if (text->value().empty()) return in.errorAt(name, "needs a value");
    if (auto r = operations::setAttribute(a, name, **text); !r) return in.errorAt(name, r.error().message);
  }
  if (auto r = operations::checkAttributes(a); !r) return in.errorAt("pmax", r.error().message);
  return a;
}

Result<ValueCheck> parseValueCheck(const FieldReader& in) {
  ValueCheck check;
  if (auto r = in.checkKeys({"type", "min", "max", "one_of"}); !r) return r.error();
  auto type = in.scalar("type");
  if (!type) return type.error();
  if (*type) {
    auto parsed = model::parseDataType(**type);
    if (!parsed || *parsed == model::DataType::None || *parsed == model::DataType::Corelnk) {
      return in.errorAt("type", "unknown type '" + **type +
                                    "' (known: string, integer, unsigned, float, boolean, opaque, time, objlnk)");
    }
    check.type = *parsed;
  }
  auto min = in.optionalNumber("min");
  if (!min) return min.error();
  check.min = *min;
  auto max = in.optionalNumber("max");
  if (!max) return max.error();
  check.max = *max;
  if (check.min && check.max && *check.min > *check.max) return in.errorAt("max", "is below min");
  auto oneOf = in.strings("one_of");
  if (!oneOf) return oneOf.error();
  check.oneOf = std::move(*oneOf);
  return check;
}

}  // namespace lwm2m::mapping
