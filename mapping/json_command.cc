// The json command style: one JSON object per command (see commands.h).
#include <cmath>

#include "mapping/command_parts.h"

namespace lwm2m::mapping {

namespace {

const rapidjson::Value* find(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

Result<std::string> stringField(const rapidjson::Value& object, const char* key) {
  const auto* v = find(object, key);
  if (!v) return std::string();
  if (!v->IsString()) return fail(std::string("\"") + key + "\" must be a string");
  return std::string(v->GetString(), v->GetStringLength());
}

Result<std::optional<std::uint32_t>> secondsField(const rapidjson::Value& object, const char* key) {
  const auto* v = find(object, key);
  if (!v) return std::optional<std::uint32_t>();
  if (!v->IsUint()) return fail(std::string("\"") + key + "\" must be a whole number of seconds");
  return std::optional<std::uint32_t>(v->GetUint());
}

Result<std::optional<double>> numberField(const rapidjson::Value& object, const char* key) {
  const auto* v = find(object, key);
  if (!v) return std::optional<double>();
  if (v->IsNumber() && std::isfinite(v->GetDouble())) return std::optional<double>(v->GetDouble());
  if (v->IsString()) {
    std::string text(v->GetString(), v->GetStringLength());
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(d)) return std::optional<double>(d);
  }
  return fail(std::string("attribute \"") + key + "\" must be a number");
}

// The key of a "values" entry: a full path, or a resource (or resource
// instance) id below `base`.
Result<model::Path> valuePath(std::string_view key, const model::Path& base) {
  if (!key.empty() && key.front() == '/') return commandPath(key);
  std::string text = base.isRoot() ? "" : base.toString();
  auto path = commandPath(text + "/" + std::string(key));
  if (!path) return fail("bad value key '" + std::string(key) + "' below " + base.toString());
  return path;
}

}  // namespace

Result<NotificationAttributes> parseJsonAttributes(const rapidjson::Value& object) {
  NotificationAttributes a;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (key != "pmin" && key != "pmax" && key != "gt" && key != "lt" && key != "st" && key != "epmin" &&
        key != "epmax") {
      return fail("unknown attribute \"" + std::string(key) + "\" (known: pmin, pmax, gt, lt, st, epmin, epmax)");
    }
  }
  auto seconds = [&](const char* key, std::optional<std::uint32_t>& out) -> Result<void> {
    auto n = numberField(object, key);
    if (!n) return n.error();
    if (*n) {
      if (**n < 0 || **n > 4294967295.0 || **n != std::trunc(**n)) {
        return fail(std::string("attribute \"") + key + "\" must be a whole number of seconds");
      }
      out = static_cast<std::uint32_t>(**n);
    }
    return {};
  };
  auto number = [&](const char* key, std::optional<double>& out) -> Result<void> {
    auto n = numberField(object, key);
    if (!n) return n.error();
    out = *n;
    return {};
  };
  for (auto r : {seconds("pmin", a.pmin), seconds("pmax", a.pmax), seconds("epmin", a.epmin),
                 seconds("epmax", a.epmax), number("gt", a.gt), number("lt", a.lt), number("st", a.st)}) {
    if (!r) return r.error();
  }
  return a;
}

Result<DeviceCommand> decodeJsonCommand(const CommandInput& in, const rapidjson::Document& doc) {
  DeviceCommand c;
  std::optional<Operation> op;
  if (auto it = in.captures.find("op"); it != in.captures.end()) {
    op = parseOperation(it->second);
    if (!op) return fail("unknown operation '" + it->second + "'");
  } else if (in.rule.operation) {
    op = in.rule.operation;
  } else {
    auto name = stringField(doc, "operation");
    if (!name) return name.error();
    if (name->empty()) return fail("the command names no \"operation\"");
    op = parseOperation(*name);
    if (!op) return fail("unknown operation '" + *name + "'");
  }
  c.operation = *op;

  auto pathText = stringField(doc, "path");
  if (!pathText) return pathText.error();
  if (pathText->empty() && !in.rule.pathTemplate.empty()) {
    Placeholders values(in.captures.begin(), in.captures.end());
    *pathText = renderText(in.rule.pathTemplate, values);
  }
  model::Path base;
  if (!pathText->empty()) {
    auto path = commandPath(*pathText);
    if (!path) return path.error();
    base = *path;
    c.paths.push_back(base);
  }
  if (const auto* paths = find(doc, "paths")) {
    if (!paths->IsArray()) return fail("\"paths\" must be a list of paths");
    for (const auto& item : paths->GetArray()) {
      if (!item.IsString()) return fail("\"paths\" must be a list of paths");
      auto path = commandPath(std::string_view(item.GetString(), item.GetStringLength()));
      if (!path) return path.error();
      c.paths.push_back(*path);
    }
  }
  if (const auto* instance = find(doc, "instance")) {
    if (!instance->IsUint() || instance->GetUint() >= model::kReservedId) return fail("\"instance\" must be an id");
    if (!base.isObject()) return fail("\"instance\" goes with an object path");
  }
  model::Path valueBase = base;
  if (const auto* instance = find(doc, "instance")) valueBase = base.child(static_cast<std::uint16_t>(instance->GetUint()));

  if (const auto* value = find(doc, "value")) {
    if (c.paths.empty()) return fail("\"value\" needs a path");
    auto record = typedRecord(base, *value, in.model, OpaqueText::Base64);
    if (!record) return record.error();
    c.values.push_back(std::move(*record));
  }
  if (const auto* values = find(doc, "values")) {
    if (!values->IsObject()) return fail("\"values\" must be an object of path: value");
    for (auto it = values->MemberBegin(); it != values->MemberEnd(); ++it) {
      auto path = valuePath(std::string_view(it->name.GetString(), it->name.GetStringLength()), valueBase);
      if (!path) return path.error();
      auto record = typedRecord(*path, it->value, in.model, OpaqueText::Base64);
      if (!record) return record.error();
      c.values.push_back(std::move(*record));
    }
    if (c.operation == Operation::WriteComposite && c.paths.empty()) {
      for (const auto& r : c.values) c.paths.push_back(r.path);
    }
  }
  if (const auto* attributes = find(doc, "attributes")) {
    if (!attributes->IsObject()) return fail("\"attributes\" must be an object");
    auto a = parseJsonAttributes(*attributes);
    if (!a) return a.error();
    c.attributes = *a;
  }
  auto args = stringField(doc, "args");
  if (!args) return args.error();
  c.executeArgs = *args;
  if (const auto* partial = find(doc, "partial")) {
    if (!partial->IsBool()) return fail("\"partial\" must be true or false");
    c.partialUpdate = partial->GetBool();
  }
  auto ttl = secondsField(doc, "ttl");
  if (!ttl) return ttl.error();
  c.ttlSeconds = *ttl;
  return c;
}

}  // namespace lwm2m::mapping
