#include "mapping/command_codec.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "lwm2m/formats/json_numbers.h"
#include "lwm2m/formats/records.h"
#include "mapping/command_parts.h"
#include "mapping/json_values.h"

namespace lwm2m::mapping {
namespace {

using operations::DeviceRequest;
using operations::Operation;

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

Result<std::string> stringField(const rapidjson::Value& object, const char* key) {
  const auto* v = findMember(object, key);
  if (!v) return std::string();
  if (!v->IsString()) return fail(std::string("\"") + key + "\" must be a string");
  return std::string(v->GetString(), v->GetStringLength());
}

Result<std::optional<std::uint32_t>> positiveField(const rapidjson::Value& object, const char* key,
                                                   const char* unit) {
  const auto* v = findMember(object, key);
  if (!v) return std::optional<std::uint32_t>();
  if (!v->IsUint() || v->GetUint() == 0) {
    return fail(std::string("\"") + key + "\" must be a positive whole number of " + unit);
  }
  return std::optional<std::uint32_t>(v->GetUint());
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

// A value as the command gives it: bare (`3`, `"text"`), or typed
// ({"value": 3, "type": "Float"}) for a resource the model does not know.
bool isTypedValue(const rapidjson::Value& v) { return v.IsObject() && v.HasMember("value"); }

Result<void> addValue(const model::Path& path, const rapidjson::Value& json, const model::ObjectModel& model,
                      std::vector<model::Record>& out) {
  const bool typed = isTypedValue(json);
  auto record = typedRecord(path, typed ? json["value"] : json, model, OpaqueText::Base64,
                            typed ? findMember(json, "type") : nullptr);
  if (!record) return record.error();
  out.push_back(std::move(*record));
  return {};
}

Result<void> covered(const model::Path& target, const std::vector<model::Record>& values) {
  for (const auto& r : values) {
    if (!target.covers(r.path)) return fail("value path " + r.path.toString() + " is outside " + target.toString());
  }
  return {};
}

Result<model::Node> nodeAt(const model::Path& path, const std::vector<model::Record>& values,
                           const model::ObjectModel& model) {
  auto node = formats::recordsToNode(values, path, model);
  if (!node) return fail(path.toString() + ": " + node.error().message);
  return node;
}

Result<DeviceRequest> writeRequest(CommandParts& c, const model::ObjectModel& model) {
  const model::Path& path = c.paths.front();
  if (c.package) {
    if (!c.values.empty()) return fail("a package write takes \"file\", \"url\" or \"package\", not values");
    if (!path.isResource() || c.partial) return fail("a package is written (replace) to one resource, not " + path.toString());
    return DeviceRequest::writePackage(path, std::move(*c.package));
  }
  if (path.depth() < 2) return fail("write needs an object instance, resource or resource instance path");
  if (c.values.empty()) return fail("write needs a value");
  if (auto r = covered(path, c.values); !r) return r.error();
  auto node = nodeAt(path, c.values, model);
  if (!node) return node.error();
  const bool update = c.partial || c.operation == Operation::WriteUpdate;
  // A partial update is a CoAP POST, which on a single resource means Execute:
  // it only targets an instance or a multiple-instance resource.
  if (update && (path.isResourceInstance() || (path.isResource() && node->resource() && !node->resource()->isMultiple()))) {
    return fail("a partial update (PATCH, \"partial\": true) targets an object instance or a multiple-instance "
                "resource; write " + path.toString() + " with a replace (PUT) instead");
  }
  return update ? DeviceRequest::writeUpdate(path, std::move(*node))
                : DeviceRequest::writeReplace(path, std::move(*node));
}

Result<DeviceRequest> createRequest(CommandParts& c, const model::ObjectModel& model) {
  const model::Path& target = c.paths.front();
  if (!target.isObject() && !target.isObjectInstance()) return fail("create needs an object path /o (or /o/i)");
  model::InstanceId id = target.isObjectInstance() ? target.instanceId() : c.instance.value_or(0);
  if (!target.isObjectInstance() && !c.instance && !c.values.empty() && c.values.front().path.depth() >= 2) {
    id = c.values.front().path.instanceId();  // values given with full paths
  }
  const model::Path instancePath(target.objectId(), id);
  if (auto r = covered(instancePath, c.values); !r) return r.error();
  std::vector<model::Resource> none;
  model::ObjectInstance instance(id, none);
  if (!c.values.empty()) {
    auto node = nodeAt(instancePath, c.values, model);
    if (!node) return node.error();
    instance = *node->objectInstance();
  }
  return DeviceRequest::create(target.objectId(), std::move(instance));
}

Result<DeviceRequest> requestFor(CommandParts& c, const model::ObjectModel& model) {
  const std::string op(operations::commandName(c.operation));
  const bool composite = operations::isComposite(c.operation);
  if (c.operation == Operation::WriteComposite) {
    if (c.values.empty()) return fail("write-composite needs values");
    auto nodes = formats::recordsToNodes(c.values, nullptr, model);
    if (!nodes) return nodes.error();
    return DeviceRequest::writeComposite(std::move(*nodes));
  }
  if (c.paths.empty()) return fail(op + " needs a path");
  if (composite) {
    switch (c.operation) {
      case Operation::ReadComposite: return DeviceRequest::readComposite(c.paths);
      case Operation::ObserveComposite: return DeviceRequest::observeComposite(c.paths);
      default: return DeviceRequest::cancelObserveComposite(c.paths);
    }
  }
  if (c.paths.size() > 1) {
    // A cancel of several paths is the cancel of their composite observation.
    if (c.operation == Operation::CancelObserve) return DeviceRequest::cancelObserveComposite(c.paths);
    return fail(op + " takes one path, not " + std::to_string(c.paths.size()));
  }
  const model::Path& path = c.paths.front();
  switch (c.operation) {
    case Operation::Read: return DeviceRequest::read(path);
    case Operation::Discover: return DeviceRequest::discover(path);
    case Operation::Observe: return DeviceRequest::observe(path);
    case Operation::CancelObserve: return DeviceRequest::cancelObserve(path);
    case Operation::Delete:
      if (!path.isObjectInstance()) return fail("delete needs an object instance path");
      return DeviceRequest::remove(path);
    case Operation::Execute: {
      if (!path.isResource()) return fail("execute needs a resource path /o/i/r");
      const auto* def = model.findResource(path.objectId(), path.resourceId());
      if (def && def->operations != model::Operations::Execute) {
        return fail("resource " + path.toString() + " (" + def->name + ") is not executable");
      }
      return DeviceRequest::execute(path, c.arguments);
    }
    case Operation::WriteAttributes:
      if (c.attributes.empty()) return fail("write-attributes needs at least one attribute");
      if (auto r = operations::checkAttributes(c.attributes); !r) return r.error();
      return DeviceRequest::writeAttributes(path, c.attributes);
    case Operation::WriteReplace:
    case Operation::WriteUpdate: return writeRequest(c, model);
    case Operation::Create: return createRequest(c, model);
    default: return fail("unsupported operation " + op);
  }
}

// A value as readCommandParts() reads it back also for a resource the model
// does not know: bare when its JSON form implies its type, else typed.
void writeCommandValue(JsonWriter& out, const model::Value& value) {
  using model::DataType;
  const DataType type = value.type();
  const bool implied = type == DataType::String || type == DataType::Boolean || type == DataType::Float ||
                       type == DataType::Integer ||
                       (type == DataType::UnsignedInteger && value.asUnsigned() > std::uint64_t(INT64_MAX));
  if (implied) {
    writeJsonValue(out, value);
    return;
  }
  out.StartObject();
  out.Key("value");
  writeJsonValue(out, value);
  out.Key("type");
  writeString(out, model::toString(type));
  out.EndObject();
}

}  // namespace

Result<DeviceRequest> toDeviceRequest(CommandParts parts, const model::ObjectModel& model) {
  auto request = requestFor(parts, model);
  if (!request) return request;
  request->ttl = parts.ttl;
  request->format = parts.format;
  if (parts.timeout) request->timeout = *parts.timeout;
  return request;
}

Result<operations::NotificationAttributes> readAttributes(const rapidjson::Value& object) {
  operations::NotificationAttributes a;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    const rapidjson::Value& v = it->value;
    std::string text;
    if (v.IsNull()) {
      text.clear();
    } else if (v.IsBool()) {
      text = v.GetBool() ? "1" : "0";
    } else if (v.IsNumber() || v.IsString()) {
      text = v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : toJsonText(v);
      if (text.empty()) return fail("attribute \"" + std::string(name) + "\" has an empty value (null clears it)");
    } else {
      return fail("attribute \"" + std::string(name) + "\" must be a number, true/false or null");
    }
    if (auto r = operations::setAttribute(a, name, text); !r) return r.error();
  }
  return a;
}

namespace {

// "file", "url" or "package" of a package write; nullopt when none is given.
Result<std::optional<operations::PackageReference>> readPackage(const rapidjson::Value& doc) {
  std::optional<operations::PackageReference> out;
  for (const char* key : {"file", "url"}) {
    auto source = stringField(doc, key);
    if (!source) return source.error();
    if (source->empty()) continue;
    if (out) return fail("give one of \"file\", \"url\" and \"package\"");
    out = operations::PackageReference{std::move(*source), {}, 0};
  }
  if (const auto* stored = findMember(doc, "package")) {
    if (out) return fail("give one of \"file\", \"url\" and \"package\"");
    const auto* sha = stored->IsObject() ? findMember(*stored, "sha256") : nullptr;
    const auto* size = stored->IsObject() ? findMember(*stored, "size") : nullptr;
    if (!sha || !sha->IsString() || !operations::isSha256Name(std::string_view(sha->GetString(), sha->GetStringLength())) ||
        !size || !size->IsUint64()) {
      return fail("\"package\" must be {\"sha256\": 64 lowercase hex digits, \"size\": bytes}");
    }
    out = operations::PackageReference{{}, std::string(sha->GetString(), sha->GetStringLength()), size->GetUint64()};
  }
  return out;
}

}  // namespace

Result<CommandParts> readCommandParts(const rapidjson::Value& doc, const model::ObjectModel& model,
                                      const CommandDefaults& defaults) {
  CommandParts c;
  std::optional<Operation> op = defaults.operationFixed ? defaults.operation : std::nullopt;
  if (!op) {
    auto name = stringField(doc, "operation");
    if (!name) return name.error();
    if (!name->empty()) {
      op = operations::parseOperation(*name);
      if (!op) return fail("unknown operation '" + *name + "' (" + std::string(operations::operationNames()) + ")");
    } else {
      op = defaults.operation;
    }
  }
  if (!op) return fail("the command names no \"operation\"");
  c.operation = *op;

  auto pathText = stringField(doc, "path");
  if (!pathText) return pathText.error();
  if (pathText->empty()) *pathText = defaults.pathText;
  model::Path base;
  if (!pathText->empty()) {
    auto path = commandPath(*pathText);
    if (!path) return path.error();
    base = *path;
    c.paths.push_back(base);
  }
  if (const auto* paths = findMember(doc, "paths")) {
    if (!paths->IsArray()) return fail("\"paths\" must be a list of paths");
    for (const auto& item : paths->GetArray()) {
      if (!item.IsString()) return fail("\"paths\" must be a list of paths");
      auto path = commandPath(std::string_view(item.GetString(), item.GetStringLength()));
      if (!path) return path.error();
      c.paths.push_back(*path);
    }
  }
  model::Path valueBase = base;
  if (const auto* instance = findMember(doc, "instance")) {
    if (!instance->IsUint() || instance->GetUint() >= model::kReservedId) {
      return fail("\"instance\" must be an instance id (0-65534)");
    }
    if (!base.isObject()) return fail("\"instance\" goes with an object path");
    c.instance = static_cast<model::InstanceId>(instance->GetUint());
    valueBase = base.child(*c.instance);
  }
  if (c.operation == Operation::Create && base.isObject() && !c.instance) valueBase = base.child(0);
  if (const auto* value = findMember(doc, "value")) {
    if (c.paths.empty()) return fail("\"value\" needs a path");
    auto record = typedRecord(base, *value, model, OpaqueText::Base64, findMember(doc, "type"));
    if (!record) return record.error();
    c.values.push_back(std::move(*record));
  }
  if (const auto* values = findMember(doc, "values")) {
    if (!values->IsObject()) return fail("\"values\" must be an object of path: value");
    for (auto it = values->MemberBegin(); it != values->MemberEnd(); ++it) {
      auto path = valuePath(std::string_view(it->name.GetString(), it->name.GetStringLength()), valueBase);
      if (!path) return path.error();
      if (it->value.IsObject() && !isTypedValue(it->value)) {  // a multiple resource: {"0": v, "1": v}
        for (auto ri = it->value.MemberBegin(); ri != it->value.MemberEnd(); ++ri) {
          auto inner = valuePath(std::string_view(ri->name.GetString(), ri->name.GetStringLength()), *path);
          if (!inner) return inner.error();
          if (auto added = addValue(*inner, ri->value, model, c.values); !added) return added.error();
        }
        continue;
      }
      if (auto added = addValue(*path, it->value, model, c.values); !added) return added.error();
    }
  }
  if (auto package = readPackage(doc); !package) {
    return package.error();
  } else if (*package) {
    if (c.operation != Operation::WriteReplace) return fail("a package goes with \"write\"");
    c.package = std::move(*package);
  }
  if (const auto* attributes = findMember(doc, "attributes")) {
    if (!attributes->IsObject()) return fail("\"attributes\" must be an object");
    auto a = readAttributes(*attributes);
    if (!a) return a.error();
    c.attributes = std::move(*a);
  }
  for (const char* key : {"arguments", "args"}) {
    auto args = stringField(doc, key);
    if (!args) return args.error();
    if (!args->empty()) c.arguments = std::move(*args);
  }
  if (const auto* partial = findMember(doc, "partial")) {
    if (!partial->IsBool()) return fail("\"partial\" must be true or false");
    c.partial = partial->GetBool();
  }
  auto ttl = positiveField(doc, "ttl", "seconds");
  if (!ttl) return ttl.error();
  if (*ttl) c.ttl = std::chrono::seconds(**ttl);
  auto timeout = positiveField(doc, "timeout", "seconds");
  if (!timeout) return timeout.error();
  if (*timeout) c.timeout = std::chrono::seconds(**timeout);
  auto timeoutMs = positiveField(doc, "timeout_ms", "milliseconds");
  if (!timeoutMs) return timeoutMs.error();
  if (*timeoutMs) c.timeout = std::chrono::milliseconds(**timeoutMs);
  if (const auto* format = findMember(doc, "format")) {
    if (!format->IsString()) return fail("\"format\" must be a string, e.g. \"senml-cbor\"");
    auto f = contentFormatByName(std::string_view(format->GetString(), format->GetStringLength()));
    if (!f) return f.error();
    c.format = *f;
  }
  return c;
}

Result<void> parseCommandJson(std::string_view json, rapidjson::Document& doc) {
  formats::parseFullPrecision<rapidjson::kParseIterativeFlag>(doc, json);
  if (doc.HasParseError()) {
    return fail("bad JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return fail("bad JSON: a command is a JSON object");
  if (!withinDepth(doc, 0)) return fail("bad JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  return {};
}

Result<DeviceRequest> decodeCommand(std::string_view json, const model::ObjectModel& model) {
  rapidjson::Document doc;
  if (auto parsed = parseCommandJson(json, doc); !parsed) return parsed.error();
  auto parts = readCommandParts(doc, model);
  if (!parts) return parts.error();
  return toDeviceRequest(std::move(*parts), model);
}

std::string encodeCommand(const DeviceRequest& r) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  out.Key("operation");
  writeString(out, operations::commandName(r.operation));
  if (operations::isComposite(r.operation)) {
    if (r.operation != Operation::WriteComposite) {
      out.Key("paths");
      out.StartArray();
      for (const auto& p : r.paths) writeString(out, p.toString());
      out.EndArray();
    }
  } else {
    out.Key("path");
    writeString(out, r.path.toString());
  }
  if (r.operation == Operation::WriteUpdate) (out.Key("partial"), out.Bool(true));
  std::vector<model::Record> values;
  if (r.node) model::appendRecords(*r.node, r.path, std::nullopt, values);
  for (const auto& [path, node] : r.nodes) model::appendRecords(node, path, std::nullopt, values);
  if (r.operation == Operation::Create && r.node && r.node->object()) {
    const auto& instances = r.node->object()->instances();
    if (!instances.empty()) (out.Key("instance"), out.Uint(instances.begin()->first));
  }
  if (!values.empty()) {
    out.Key("values");
    out.StartObject();
    for (const auto& v : values) {
      out.Key(v.path.toString().c_str());
      writeCommandValue(out, v.value);
    }
    out.EndObject();
  }
  if (r.operation == Operation::WriteAttributes) {
    out.Key("attributes");
    out.StartObject();
    for (const std::string& q : operations::toQueries(r.attributes)) {
      const auto eq = q.find('=');
      out.Key(q.substr(0, eq).c_str());
      if (eq == std::string::npos) {
        out.Null();
      } else {
        out.RawValue(q.c_str() + eq + 1, q.size() - eq - 1, rapidjson::kNumberType);
      }
    }
    out.EndObject();
  }
  if (r.package && r.package->stored()) {
    out.Key("package");
    out.StartObject();
    out.Key("sha256");
    writeString(out, r.package->sha256);
    out.Key("size");
    out.Uint64(r.package->size);
    out.EndObject();
  } else if (r.package) {
    out.Key(r.package->source.rfind("http", 0) == 0 ? "url" : "file");
    writeString(out, r.package->source);
  }
  if (r.operation == Operation::Execute && !r.arguments.empty()) {
    out.Key("arguments");
    writeString(out, r.arguments);
  }
  if (r.ttl) (out.Key("ttl"), out.Uint64(static_cast<std::uint64_t>(r.ttl->count())));
  if (r.format) (out.Key("format"), writeString(out, contentFormatKey(*r.format)));
  if (r.timeout) {
    out.Key("timeout_ms");
    out.Uint64(static_cast<std::uint64_t>(r.timeout->count()));
  }
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lwm2m::mapping
