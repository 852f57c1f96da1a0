#include "mapping/payload_styles.h"

#include "mapping/json_values.h"
#include "mapping/model_names.h"

namespace lwm2m::mapping {

namespace {

std::string finish(const rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

double timeOf(const StyleInput& in, const std::vector<const Record*>& records) {
  for (const auto* r : records) {
    if (r->time) return *r->time;
  }
  return in.event.timestamp;
}

// A single value, or {"ri": value} for a multiple resource's instances.
void writeResourceValue(JsonWriter& out, const StyleInput& in, const std::vector<const Record*>& resource) {
  if (resource.size() == 1 && resource.front()->path.isResource()) {
    writeJsonValue(out, applyTransform(resource.front()->value, in.transform));
    return;
  }
  out.StartObject();
  for (const auto* r : resource) {
    out.Key(std::to_string(r->path.resourceInstanceId()).c_str());
    writeJsonValue(out, applyTransform(r->value, in.transform));
  }
  out.EndObject();
}

std::string displayName(const StyleInput& in, const model::Path& path) {
  if (!in.transform.rename.empty()) return in.transform.rename;
  return resourceName(in.model, path);
}

void writeValueList(JsonWriter& out, const StyleInput& in, const std::vector<const Record*>& records) {
  out.Key("values");
  out.StartArray();
  for (const auto* r : records) {
    out.StartObject();
    writeKeyString(out, "path", r->path.toString());
    out.Key("value");
    const model::Value value = applyTransform(r->value, in.transform);
    writeJsonValue(out, value);
    // Without a definition the type says how to read the value (base64 for
    // the raw bytes of an Opaque one).
    if (!in.model.findResource(r->path.objectId(), r->path.resourceId())) {
      writeKeyString(out, "type", model::toString(value.type()));
    }
    if (r->time) {
      out.Key("timestamp");
      out.Double(*r->time);
    }
    out.EndObject();
  }
  out.EndArray();
}

void writeRequestFacts(JsonWriter& out, const DeviceEvent& event) {
  if (!event.reply.requestId.empty()) writeKeyString(out, "id", event.reply.requestId);
  if (!event.requestId.empty()) writeKeyString(out, "requestId", event.requestId);
  if (!event.reply.correlationId.empty()) writeKeyString(out, "correlation", event.reply.correlationId);
  if (event.operation) writeKeyString(out, "operation", operations::commandName(*event.operation));
  if (!event.requestPath.isRoot() || event.operation) writeKeyString(out, "path", event.requestPath.toString());
}

}  // namespace

void writeTransfer(JsonWriter& out, const gateway::api::TransferProgress& t) {
  writeKeyString(out, "mode", gateway::api::toString(t.mode));
  writeKeyString(out, "state", gateway::api::toString(t.state));
  writeKeyString(out, "sha256", t.package.sha256);
  out.Key("size");
  out.Uint64(t.package.size);
  out.Key("bytes");
  out.Uint64(t.bytes);
  out.Key("blocks");
  out.Uint(t.blocks);
  out.Key("totalBlocks");
  out.Uint(t.totalBlocks);
  if (!t.error.empty()) writeKeyString(out, "error", t.error);
}

void writeStorage(JsonWriter& out, const gateway::api::StorageCondition& s) {
  writeKeyString(out, "state", gateway::api::toString(s.state));
  if (!s.reason.empty()) writeKeyString(out, "reason", s.reason);
  if (s.freeBytes) {
    out.Key("free");
    out.Uint64(*s.freeBytes);
  }
  out.Key("reserve");
  out.Uint64(s.reserveBytes);
  if (!s.movedTo.empty()) writeKeyString(out, "movedTo", s.movedTo);
}

namespace {

// How a command ended: "code" and "status" (the code's name), or "status"
// "timeout" / "reset" / "failed", and "error" when there is a reason.
void writeOutcome(JsonWriter& out, const DeviceEvent& event) {
  switch (event.outcome) {
    case operations::Outcome::Timeout: writeKeyString(out, "status", "timeout"); break;
    case operations::Outcome::Reset: writeKeyString(out, "status", "reset"); break;
    default:
      if (!event.code.empty()) {
        writeKeyString(out, "code", event.code);
        writeKeyString(out, "status", coapCodeName(event.code));
      } else {
        writeKeyString(out, "status", "failed");
      }
      break;
  }
  if (!event.error.empty()) writeKeyString(out, "error", event.error);
}

}  // namespace

std::string contentTypeOf(PayloadStyle style) {
  switch (style) {
    case PayloadStyle::Value: return "text/plain";
    case PayloadStyle::Senml: return "application/senml+json";
    default: return "application/json";
  }
}

std::vector<std::vector<const Record*>> groupBy(const std::vector<const Record*>& records, int depth) {
  std::vector<std::vector<const Record*>> groups;
  for (const auto* r : records) {
    if (groups.empty() || groups.back().front()->path.prefix(depth) != r->path.prefix(depth)) groups.emplace_back();
    groups.back().push_back(r);
  }
  return groups;
}

std::string valuesByPathPayload(const StyleInput& in, const std::vector<std::vector<const Record*>>& resources) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  for (const auto& resource : resources) {
    out.Key(resource.front()->path.prefix(3).toString().c_str());
    writeResourceValue(out, in, resource);
  }
  out.EndObject();
  return finish(buffer);
}

std::string valuePayload(const StyleInput& in, const std::vector<const Record*>& resource) {
  if (resource.size() == 1 && resource.front()->path.isResource()) {
    model::Value v = applyTransform(resource.front()->value, in.transform);
    if (v.type() == model::DataType::Float) return model::formatFloat(v.asFloat());
    return v.toDisplayString();
  }
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  writeResourceValue(out, in, resource);
  return finish(buffer);
}

std::string jsonPayload(const StyleInput& in, const std::vector<const Record*>& resource) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  model::Path path = resource.front()->path.prefix(3);
  out.StartObject();
  writeKeyString(out, "endpoint", in.event.endpoint);
  writeKeyString(out, "path", path.toString());
  if (auto name = displayName(in, path); !name.empty()) writeKeyString(out, "name", name);
  out.Key("value");
  writeResourceValue(out, in, resource);
  model::DataType type = resource.front()->value.type();
  if (const auto* def = in.model.findResource(path.objectId(), path.resourceId())) {
    type = def->type;
    if (!def->units.empty()) writeKeyString(out, "unit", def->units);
  }
  if (in.transform.numeric() && (type == model::DataType::Integer || type == model::DataType::UnsignedInteger)) {
    type = applyTransform(resource.front()->value, in.transform).type();
  }
  writeKeyString(out, "type", model::toString(type));
  out.Key("timestamp");
  out.Double(timeOf(in, resource));
  out.EndObject();
  return finish(buffer);
}

std::string treePayload(const StyleInput& in, const model::Path& instance,
                        const std::vector<const Record*>& records) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  writeKeyString(out, "endpoint", in.event.endpoint);
  writeKeyString(out, "path", instance.toString());
  if (auto name = objectName(in.model, instance); !name.empty()) writeKeyString(out, "object", name);
  out.Key("timestamp");
  out.Double(timeOf(in, records));
  out.Key("resources");
  out.StartObject();
  size_t i = 0;
  while (i < records.size()) {
    model::Path resource = records[i]->path.prefix(3);
    std::vector<const Record*> group;
    while (i < records.size() && records[i]->path.prefix(3) == resource) group.push_back(records[i++]);
    out.Key(std::to_string(resource.resourceId()).c_str());
    writeResourceValue(out, in, group);
  }
  out.EndObject();
  out.EndObject();
  return finish(buffer);
}

std::string senmlPayload(const StyleInput& in, const std::vector<const Record*>& records) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartArray();
  bool first = true;
  for (const auto* r : records) {
    out.StartObject();
    if (first) writeKeyString(out, "bn", "/");
    first = false;
    writeKeyString(out, "n", r->path.toString().substr(1));
    model::Value v = applyTransform(r->value, in.transform);
    switch (v.type()) {
      case model::DataType::Integer:
      case model::DataType::Time:
      case model::DataType::UnsignedInteger:
      case model::DataType::Float: out.Key("v"); writeJsonValue(out, v); break;
      case model::DataType::Boolean: out.Key("vb"); out.Bool(v.asBoolean()); break;
      case model::DataType::Opaque: writeKeyString(out, "vd", model::encodeBase64(v.asOpaque())); break;
      case model::DataType::Objlnk: writeKeyString(out, "vlo", v.asObjectLink().toString()); break;
      case model::DataType::None: break;
      default: writeKeyString(out, "vs", model::toValidUtf8(v.asString())); break;
    }
    if (r->time) {
      out.Key("t");
      out.Double(*r->time);
    }
    out.EndObject();
  }
  out.EndArray();
  return finish(buffer);
}

std::string eventPayload(const StyleInput& in, const std::vector<const Record*>& records) {
  const DeviceEvent& e = in.event;
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  writeKeyString(out, "event", toString(e.kind));
  if (e.kind != DeviceEventKind::Storage) writeKeyString(out, "endpoint", e.endpoint);  // a gateway event
  if (!e.gateway.empty()) writeKeyString(out, "gateway", e.gateway);
  out.Key("timestamp");
  out.Double(e.timestamp);
  switch (e.kind) {
    case DeviceEventKind::Registered:
    case DeviceEventKind::Updated:
    case DeviceEventKind::Deregistered:
    case DeviceEventKind::Expired: {
      const RegistrationFacts& r = e.registration;
      if (!r.registrationId.empty()) writeKeyString(out, "registrationId", r.registrationId);
      if (!r.address.empty()) writeKeyString(out, "address", r.address);
      out.Key("lifetime");
      out.Uint(r.lifetimeSeconds);
      writeKeyString(out, "lwm2m", r.lwm2mVersion);
      writeKeyString(out, "binding", r.binding);
      out.Key("queueMode");
      out.Bool(r.queueMode);
      out.Key("objects");
      out.StartArray();
      for (const auto& link : r.objectLinks) writeString(out, link.toString());
      out.EndArray();
      break;
    }
    case DeviceEventKind::Queued:
    case DeviceEventKind::RequestCancelled: writeRequestFacts(out, e); break;
    case DeviceEventKind::RequestExpired:
      writeRequestFacts(out, e);
      if (!e.error.empty()) writeKeyString(out, "error", e.error);
      break;
    case DeviceEventKind::Response:
      writeRequestFacts(out, e);
      writeOutcome(out, e);
      break;
    case DeviceEventKind::BootstrapStarted:
    case DeviceEventKind::BootstrapFinished:
    case DeviceEventKind::BootstrapFailed:
      if (!e.registration.address.empty()) writeKeyString(out, "address", e.registration.address);
      if (!e.error.empty()) writeKeyString(out, "reason", e.error);
      break;
    case DeviceEventKind::Progress:
      writeRequestFacts(out, e);
      if (e.transfer) writeTransfer(out, *e.transfer);
      break;
    case DeviceEventKind::Storage:
      if (e.storage) writeStorage(out, *e.storage);
      break;
    default: break;
  }
  if (carriesValues(e.kind)) writeValueList(out, in, records);
  out.EndObject();
  return finish(buffer);
}

std::string jsonResultPayload(const DeviceEvent& event, const model::ObjectModel& model) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  static const Transform kNoTransform;
  StyleInput in{event, model, kNoTransform};
  out.StartObject();
  writeRequestFacts(out, event);
  writeKeyString(out, "endpoint", event.endpoint);
  if (event.kind == DeviceEventKind::Queued || event.kind == DeviceEventKind::RequestExpired ||
      event.kind == DeviceEventKind::RequestCancelled) {
    writeKeyString(out, "status", event.kind == DeviceEventKind::Queued           ? "queued"
                                  : event.kind == DeviceEventKind::RequestExpired ? "expired"
                                                                            : "cancelled");
    if (!event.error.empty()) writeKeyString(out, "error", event.error);
    out.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
  }
  writeOutcome(out, event);
  if (!event.values.empty()) {
    std::vector<const Record*> records;
    for (const auto& r : event.values) records.push_back(&r);
    writeValueList(out, in, records);
  }
  if (!event.links.empty()) {
    out.Key("links");
    out.StartArray();
    for (const auto& link : event.links) writeString(out, link);
    out.EndArray();
  }
  if (event.createdPath) writeKeyString(out, "location", event.createdPath->toString());
  out.EndObject();
  return finish(buffer);
}

}  // namespace lwm2m::mapping
