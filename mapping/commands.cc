#include "mapping/commands.h"

#include <cmath>

#include "mapping/command_parts.h"

namespace lwm2m::mapping {

namespace {

// The operation ({op} of the topic, else the rule's) and path (the rule's
// template) a json command falls back on.
Result<CommandDefaults> defaultsOf(const CommandInput& in) {
  CommandDefaults d;
  d.operation = in.rule.operation;
  if (auto it = in.captures.find("op"); it != in.captures.end()) {
    d.operation = operations::parseOperation(it->second);
    if (!d.operation) return fail("unknown operation '" + it->second + "'");
    d.operationFixed = true;
  } else if (in.rule.operation) {
    d.operationFixed = true;
  }
  if (!in.rule.pathTemplate.empty()) {
    Placeholders values(in.captures.begin(), in.captures.end());
    d.pathText = renderText(in.rule.pathTemplate, values);
  }
  return d;
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

// The ids a reply echoes, checked; a bad one is dropped from the route (and
// the EMQX echo) so that the reply never carries it.
Result<void> checkReplyIds(ReplyRoute& route, const CommandLimits& limits) {
  const std::pair<std::string*, const char*> ids[] = {
      {&route.requestId, route.style == ReplyStyle::Emqx ? "reqID" : "id"},
      {&route.correlationId, "correlation"}};
  Result<void> correlationData;
  if (route.correlationData.size() > limits.idBytes) {
    correlationData = fail("Correlation Data: " + std::to_string(route.correlationData.size()) +
                           " bytes, longer than the " + std::to_string(limits.idBytes) +
                           " allowed (queue.max_id_bytes)");
    route.correlationData.clear();
  }
  for (const auto& [id, field] : ids) {
    if (auto r = correlationData ? checkCommandId(field, *id, limits) : correlationData; !r) {
      route.requestId.clear();
      route.correlationId.clear();
      route.echo.clear();
      return r;
    }
  }
  return {};
}

std::optional<CommandOutcome> decodeCommand(const RuleSet& rules, const InboundMessage& message,
                                            const model::ObjectModel& model, const CommandLimits& limits) {
  for (const auto& rule : rules.downlink()) {
    if (!rule.enabled) continue;
    auto captures = rule.topic.match(message.topic);
    if (!captures) continue;
    CommandInput in{rule, *captures, message, model};
    const std::string& endpoint = (*captures)["endpoint"];

    ReplyRoute route;
    route.style = rule.style == PayloadStyle::Emqx ? ReplyStyle::Emqx : ReplyStyle::Json;
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
    Result<CommandParts> parts = fail("");
    if (rule.style == PayloadStyle::Value) {
      parts = decodeValueCommand(in);
    } else if (auto syntax = parseCommandJson(message.payload, doc); !syntax) {
      parts = syntax.error();
    } else {
      parsed = true;
      if (rule.style == PayloadStyle::Emqx) {
        route.requestId = member(doc, "reqID");
        route.echo = message.payload;
        parts = decodeEmqxCommand(in, doc);
      } else {
        route.requestId = member(doc, "id");
        route.correlationId = member(doc, "correlation");
        auto defaults = defaultsOf(in);
        parts = defaults ? readCommandParts(doc, model, *defaults) : Result<CommandParts>(defaults.error());
      }
    }
    if (auto ids = checkReplyIds(route, limits); !ids) {
      parts = ids.error();
      parsed = false;  // the EMQX error reply would copy the payload's reqID
    }
    Result<operations::DeviceRequest> request = parts ? Result<operations::DeviceRequest>(fail(""))
                                                      : Result<operations::DeviceRequest>(parts.error());
    if (parts) {
      if (!parts->ttl && rule.ttlSeconds) parts->ttl = std::chrono::seconds(*rule.ttlSeconds);
      auto valid = rule.validate ? checkValues(*rule.validate, parts->values) : Result<void>();
      request = valid ? toDeviceRequest(std::move(*parts), model) : Result<operations::DeviceRequest>(valid.error());
    }
    CommandOutcome outcome;
    if (request) {
      outcome.command = Command{endpoint, std::move(*request), std::move(route)};
      return outcome;
    }
    outcome.problem = request.error().message;
    if (!route.topic.empty()) {
      OutboundMessage reply;
      reply.topic = route.topic;
      reply.qos = route.qos;
      reply.correlationData = route.correlationData;
      reply.contentType = "application/json";
      reply.payload = route.style == ReplyStyle::Emqx ? emqxErrorPayload(parsed ? &doc : nullptr)
                                                        : jsonErrorPayload(endpoint, route, outcome.problem);
      outcome.reply = std::move(reply);
    }
    return outcome;
  }
  return std::nullopt;
}

std::optional<OutboundMessage> rejectionReply(const Command& command, const std::string& code,
                                              const std::string& status, const std::string& problem) {
  const ReplyRoute& route = command.reply;
  if (route.topic.empty()) return std::nullopt;
  OutboundMessage reply;
  reply.topic = route.topic;
  reply.qos = route.qos;
  reply.correlationData = route.correlationData;
  reply.contentType = "application/json";
  if (route.style == ReplyStyle::Emqx) {
    rapidjson::Document doc;
    doc.Parse(route.echo.data(), route.echo.size());
    reply.payload = emqxErrorPayload(doc.HasParseError() ? nullptr : &doc, code);
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

Result<model::Record> typedRecord(const model::Path& path, const rapidjson::Value& json,
                                  const model::ObjectModel& model, OpaqueText opaque,
                                  const rapidjson::Value* declaredType) {
  if (path.depth() < 3) return fail("path " + path.toString() + " does not name a resource");
  model::DataType type = model::DataType::None;
  if (const auto* def = model.findResource(path.objectId(), path.resourceId())) {
    if (path.isResourceInstance() && !def->multiple) {
      return fail("path " + path.toString() + " is an instance of a single resource");
    }
    type = def->type;  // the model's declaration wins over the command's "type"
  } else {
    auto declared = typeOfUnknown(path, json, declaredType);
    if (!declared) return declared.error();
    type = *declared;
  }
  auto value = valueFromJson(json, path, type, opaque);
  if (!value) return value.error();
  return model::Record{path, std::move(*value), std::nullopt};
}

Result<model::Record> textRecord(const model::Path& path, std::string_view text, const model::ObjectModel& model) {
  if (path.depth() < 3) return fail("path " + path.toString() + " does not name a resource");
  const auto* def = model.findResource(path.objectId(), path.resourceId());
  auto value = valueFromText(text, path, def ? def->type : typeOfUnknownText(text), OpaqueText::Base64);
  if (!value) return value.error();
  return model::Record{path, std::move(*value), std::nullopt};
}

Result<CommandParts> decodeValueCommand(const CommandInput& in) {
  CommandParts c;
  std::optional<Operation> op = in.rule.operation;
  if (auto it = in.captures.find("op"); it != in.captures.end()) {
    op = operations::parseOperation(it->second);
    if (!op) return fail("unknown operation '" + it->second + "'");
  }
  if (!op) return fail("the rule names no operation");
  c.operation = *op;
  Placeholders values(in.captures.begin(), in.captures.end());
  auto path = commandPath(renderText(in.rule.pathTemplate, values));
  if (!path) return path.error();
  c.paths.push_back(*path);
  const std::string& text = in.message.payload;
  if (c.operation == Operation::WriteReplace) {
    auto record = textRecord(*path, text, in.model);
    if (!record) return record.error();
    c.values.push_back(std::move(*record));
  } else if (c.operation == Operation::Execute) {
    c.arguments = text;
  }
  return c;
}

}  // namespace lwm2m::mapping
