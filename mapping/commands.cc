#include "mapping/commands.h"

#include <rapidjson/error/en.h>

#include <cmath>

#include "mapping/command_parts.h"

namespace lwm2m::mapping {

namespace {

constexpr int kMaxJsonDepth = 8;

bool withinDepth(const rapidjson::Value& v, int depth) {
  if (depth > kMaxJsonDepth) return false;
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (!withinDepth(it->value, depth + 1)) return false;
    }
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (!withinDepth(item, depth + 1)) return false;
    }
  }
  return true;
}

std::string idText(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsNumber() || v.IsBool()) return toJsonText(v);
  return "";
}

std::string member(const rapidjson::Document& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it == doc.MemberEnd() ? "" : idText(it->value);
}

void writeKeyString(JsonWriter& out, const char* key, std::string_view value) {
  out.Key(key);
  writeString(out, value);
}

std::string jsonErrorPayload(const std::string& endpoint, const ReplyRoute& route, const std::string& problem,
                             std::string_view code = "4.00", std::string_view status = "bad_request") {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  if (!route.requestId.empty()) writeKeyString(out, "id", route.requestId);
  if (!route.correlationId.empty()) writeKeyString(out, "correlation", route.correlationId);
  writeKeyString(out, "endpoint", endpoint);
  writeKeyString(out, "code", code);
  writeKeyString(out, "status", status);
  writeKeyString(out, "error", problem);
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::optional<CommandOutcome> decodeCommand(const RuleSet& rules, const InboundMessage& message,
                                            const model::ObjectModel& model) {
  for (const auto& rule : rules.downlink()) {
    if (!rule.enabled) continue;
    auto captures = rule.topic.match(message.topic);
    if (!captures) continue;
    CommandInput in{rule, *captures, message, model};
    const std::string& endpoint = (*captures)["endpoint"];

    ReplyRoute route;
    route.style = rule.style == PayloadStyle::Emqx ? PayloadStyle::Emqx : PayloadStyle::Json;
    route.qos = rule.responseQos;
    route.correlationData = message.correlationData;
    if (!message.responseTopic.empty()) {
      route.topic = message.responseTopic;
    } else if (!rule.responseTopic.empty()) {
      Placeholders values(captures->begin(), captures->end());
      route.topic = renderTopic(rule.responseTopic, values);
    }

    rapidjson::Document doc;
    bool parsed = false;
    Result<DeviceCommand> command = fail("");
    if (rule.style == PayloadStyle::Value) {
      command = decodeValueCommand(in);
    } else {
      doc.Parse<rapidjson::kParseIterativeFlag>(message.payload.data(), message.payload.size());
      if (doc.HasParseError()) {
        command = fail("bad JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                       rapidjson::GetParseError_En(doc.GetParseError()));
      } else if (!doc.IsObject()) {
        command = fail("bad JSON: a command is a JSON object");
      } else if (!withinDepth(doc, 0)) {
        command = fail("bad JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      } else {
        parsed = true;
        if (rule.style == PayloadStyle::Emqx) {
          route.requestId = member(doc, "reqID");
          route.echo = message.payload;
          command = decodeEmqxCommand(in, doc);
        } else {
          route.requestId = member(doc, "id");
          route.correlationId = member(doc, "correlation");
          command = decodeJsonCommand(in, doc);
        }
      }
    }
    if (command) {
      command->endpoint = endpoint;
      if (!command->ttlSeconds) command->ttlSeconds = rule.ttlSeconds;
      if (auto r = checkCommand(*command, model); !r) command = r.error();
    }
    CommandOutcome outcome;
    if (command) {
      command->reply = std::move(route);
      outcome.command = std::move(*command);
      return outcome;
    }
    outcome.problem = command.error().message;
    if (!route.topic.empty()) {
      OutboundMessage reply;
      reply.topic = route.topic;
      reply.qos = route.qos;
      reply.correlationData = route.correlationData;
      reply.contentType = "application/json";
      reply.payload = route.style == PayloadStyle::Emqx ? emqxErrorPayload(parsed ? &doc : nullptr)
                                                        : jsonErrorPayload(endpoint, route, outcome.problem);
      outcome.reply = std::move(reply);
    }
    return outcome;
  }
  return std::nullopt;
}

std::optional<OutboundMessage> rejectionReply(const DeviceCommand& command, const std::string& code,
                                              const std::string& status, const std::string& problem) {
  const ReplyRoute& route = command.reply;
  if (route.topic.empty()) return std::nullopt;
  OutboundMessage reply;
  reply.topic = route.topic;
  reply.qos = route.qos;
  reply.correlationData = route.correlationData;
  reply.contentType = "application/json";
  if (route.style == PayloadStyle::Emqx) {
    rapidjson::Document doc;
    doc.Parse(route.echo.data(), route.echo.size());
    reply.payload = emqxErrorPayload(doc.HasParseError() ? nullptr : &doc);
  } else {
    reply.payload = jsonErrorPayload(command.endpoint, route, problem, code, status);
  }
  return reply;
}

Result<model::Path> commandPath(std::string_view text) {
  auto path = model::Path::parse(text);
  if (!path) return fail("bad path '" + std::string(text) + "': " + path.error().message);
  return *path;
}

Result<ValueRecord> typedRecord(const model::Path& path, const rapidjson::Value& json,
                                const model::ObjectModel& model, OpaqueText opaque) {
  auto def = definitionFor(path, model);
  if (!def) return def.error();
  if (path.isResourceInstance() && !(*def)->multiple) {
    return fail("path " + path.toString() + " is an instance of a single resource");
  }
  auto value = valueFromJson(json, path, (*def)->type, opaque);
  if (!value) return value.error();
  return ValueRecord{path, std::move(*value), std::nullopt};
}

Result<void> checkCommand(const DeviceCommand& c, const model::ObjectModel& model) {
  std::string op(toString(c.operation));
  if (c.paths.empty()) return fail(op + " needs a path");
  for (const auto& path : c.paths) {
    if (auto r = checkPathInModel(path, model); !r) return r;
  }
  const model::Path& path = c.paths.front();
  switch (c.operation) {
    case Operation::Write:
      if (path.depth() < 2) return fail("write needs an object instance, resource or resource instance path");
      if (c.values.empty()) return fail("write needs a value");
      for (const auto& r : c.values) {
        if (!path.covers(r.path)) return fail("value path " + r.path.toString() + " is outside " + path.toString());
      }
      return {};
    case Operation::WriteComposite:
      if (c.values.empty()) return fail("write-composite needs values");
      return {};
    case Operation::Execute: {
      if (!path.isResource()) return fail("execute needs a resource path");
      const auto* def = model.findResource(path.objectId(), path.resourceId());
      if (def->operations != model::Operations::Execute) {
        return fail("resource " + path.toString() + " (" + def->name + ") is not executable");
      }
      return {};
    }
    case Operation::Create:
      if (!path.isObject()) return fail("create needs an object path");
      for (const auto& r : c.values) {
        if (!path.covers(r.path)) return fail("value path " + r.path.toString() + " is outside " + path.toString());
      }
      return {};
    case Operation::Delete:
      if (!path.isObjectInstance()) return fail("delete needs an object instance path");
      return {};
    case Operation::WriteAttributes:
      if (c.attributes.empty()) return fail("write-attributes needs at least one attribute");
      return {};
    default: return {};
  }
}

Result<DeviceCommand> decodeValueCommand(const CommandInput& in) {
  DeviceCommand c;
  std::optional<Operation> op = in.rule.operation;
  if (auto it = in.captures.find("op"); it != in.captures.end()) {
    op = parseOperation(it->second);
    if (!op) return fail("unknown operation '" + it->second + "'");
  }
  if (!op) return fail("the rule names no operation");
  c.operation = *op;
  Placeholders values(in.captures.begin(), in.captures.end());
  auto path = commandPath(renderText(in.rule.pathTemplate, values));
  if (!path) return path.error();
  c.paths.push_back(*path);
  const std::string& text = in.message.payload;
  if (c.operation == Operation::Write) {
    auto def = definitionFor(*path, in.model);
    if (!def) return def.error();
    auto value = valueFromText(text, *path, (*def)->type, OpaqueText::Base64);
    if (!value) return value.error();
    c.values.push_back(ValueRecord{*path, std::move(*value), std::nullopt});
  } else if (c.operation == Operation::Execute) {
    c.executeArgs = text;
  }
  return c;
}

// The json command style (see commands.h).

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
