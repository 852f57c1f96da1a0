#include "mapping/command_encoding.h"

#include <map>
#include <variant>

#include "mapping/json_values.h"

namespace lwm2m::mapping {
namespace {

void key(JsonWriter& out, std::string_view name) {
  out.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

// The gateway's operation names; a cancel of several paths is the composite one.
std::string operationName(const DeviceCommand& c) {
  if (c.operation == Operation::CancelObserve && c.paths.size() > 1) return "cancel-observe-composite";
  return std::string(toString(c.operation));
}

// Values grouped the way gateway/command_values.h reads them below `base`:
// resource id -> value, or resource id -> {instance id -> value}.
void writeInstanceValues(JsonWriter& out, const std::vector<ValueRecord>& values) {
  std::map<model::ResourceId, std::vector<const ValueRecord*>> byResource;
  for (const auto& v : values) byResource[v.path.resourceId()].push_back(&v);
  out.StartObject();
  for (const auto& [id, records] : byResource) {
    key(out, std::to_string(id));
    if (records.size() == 1 && !records.front()->path.isResourceInstance()) {
      writeJsonValue(out, records.front()->value);
      continue;
    }
    out.StartObject();
    for (const ValueRecord* r : records) {
      key(out, std::to_string(r->path.resourceInstanceId()));
      writeJsonValue(out, r->value);
    }
    out.EndObject();
  }
  out.EndObject();
}

void writeValues(JsonWriter& out, const DeviceCommand& c) {
  if (c.values.empty()) return;
  const model::Path& target = c.paths.empty() ? model::Path() : c.paths.front();
  switch (c.operation) {
    case Operation::WriteComposite:
      key(out, "values");
      out.StartObject();
      for (const auto& v : c.values) {
        key(out, v.path.toString());
        writeJsonValue(out, v.value);
      }
      out.EndObject();
      return;
    case Operation::Create:
      key(out, "instance");
      out.Uint(c.values.front().path.instanceId());
      key(out, "values");
      writeInstanceValues(out, c.values);
      return;
    default:
      break;
  }
  if (target.isResource() && c.values.size() == 1 && c.values.front().path == target) {
    key(out, "value");
    writeJsonValue(out, c.values.front().value);
  } else if (target.isResource()) {
    key(out, "values");
    out.StartObject();
    for (const auto& v : c.values) {
      key(out, std::to_string(v.path.resourceInstanceId()));
      writeJsonValue(out, v.value);
    }
    out.EndObject();
  } else {
    key(out, "values");
    writeInstanceValues(out, c.values);
  }
}

void writeAttributes(JsonWriter& out, const NotificationAttributes& a) {
  if (a.empty()) return;
  key(out, "attributes");
  out.StartObject();
  auto whole = [&](const char* name, const std::optional<std::uint32_t>& v) {
    if (v) (key(out, name), out.Uint(*v));
  };
  auto number = [&](const char* name, const std::optional<double>& v) {
    if (v) (key(out, name), out.Double(*v));
  };
  whole("pmin", a.pmin);
  whole("pmax", a.pmax);
  number("gt", a.gt);
  number("lt", a.lt);
  number("st", a.st);
  whole("epmin", a.epmin);
  whole("epmax", a.epmax);
  out.EndObject();
}

void writeReply(JsonWriter& out, const ReplyRoute& r) {
  key(out, "reply");
  out.StartObject();
  key(out, "topic");
  writeString(out, r.topic);
  key(out, "style");
  writeString(out, toString(r.style));
  key(out, "qos");
  out.Int(r.qos);
  if (!r.correlationData.empty()) {
    // Correlation Data is binary: kept as base64.
    key(out, "correlationData");
    writeString(out, model::encodeBase64(std::vector<std::uint8_t>(r.correlationData.begin(), r.correlationData.end())));
  }
  if (!r.correlationId.empty()) (key(out, "correlationId"), writeString(out, r.correlationId));
  if (!r.requestId.empty()) (key(out, "requestId"), writeString(out, r.requestId));
  if (!r.echo.empty()) (key(out, "echo"), writeString(out, r.echo));
  out.EndObject();
}

std::string text(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                          : std::string();
}

}  // namespace

std::string toCommandJson(const DeviceCommand& c) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  key(out, "operation");
  writeString(out, operationName(c));
  const bool many = c.operation == Operation::ReadComposite || c.operation == Operation::ObserveComposite ||
                    (c.operation == Operation::CancelObserve && c.paths.size() > 1);
  if (many) {
    key(out, "paths");
    out.StartArray();
    for (const auto& p : c.paths) writeString(out, p.toString());
    out.EndArray();
  } else if (c.operation != Operation::WriteComposite && !c.paths.empty()) {
    key(out, "path");
    writeString(out, c.operation == Operation::Create ? model::Path(c.paths.front().objectId()).toString()
                                                      : c.paths.front().toString());
  }
  writeValues(out, c);
  if (c.operation == Operation::Write && c.partialUpdate) (key(out, "partial"), out.Bool(true));
  if (c.operation == Operation::Execute && !c.executeArgs.empty()) {
    key(out, "arguments");
    writeString(out, c.executeArgs);
  }
  writeAttributes(out, c.attributes);
  if (c.ttlSeconds) (key(out, "ttl"), out.Uint(*c.ttlSeconds));
  if (!c.reply.topic.empty()) writeReply(out, c.reply);
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<ReplyRoute> replyRouteOf(std::string_view commandJson) {
  rapidjson::Document doc;
  doc.Parse(commandJson.data(), commandJson.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  if (!doc.HasMember("reply") || !doc["reply"].IsObject()) return std::nullopt;
  const rapidjson::Value& r = doc["reply"];
  ReplyRoute route;
  route.topic = text(r, "topic");
  if (route.topic.empty()) return std::nullopt;
  route.style = parsePayloadStyle(text(r, "style")).value_or(PayloadStyle::Json);
  auto qos = r.FindMember("qos");
  if (qos != r.MemberEnd() && qos->value.IsInt()) route.qos = qos->value.GetInt();
  if (auto data = model::decodeBase64(text(r, "correlationData"))) {
    route.correlationData.assign(data->begin(), data->end());
  }
  route.correlationId = text(r, "correlationId");
  route.requestId = text(r, "requestId");
  route.echo = text(r, "echo");
  return route;
}

}  // namespace lwm2m::mapping
