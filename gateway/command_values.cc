#include "gateway/command_values.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <string>

#include "lwm2m/formats/content_format.h"
#include "lwm2m/formats/format_registry.h"

namespace lwm2m::gateway {
namespace {

// A JSON scalar as LwM2M text.
Result<std::string> scalarText(const model::Path& path, const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return std::string(v.GetBool() ? "1" : "0");
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsNumber()) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.Double(v.GetDouble());
    return std::string(buf.GetString());
  }
  return fail(path.toString() + ": a value must be a string, number or boolean");
}

Result<model::Value> scalarValue(const model::Path& path, const rapidjson::Value& v,
                                 const model::ObjectModel& model) {
  auto text = scalarText(path, v);
  if (!text) return text.error();
  formats::DecodeContext ctx{model, 0};
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text->data());
  auto node = formats::FormatRegistry::standard().decode(formats::kText, {bytes, text->size()}, path, ctx);
  if (!node) return fail(path.toString() + ": " + node.error().message);
  if (const auto* ri = node->resourceInstance()) return ri->value;
  if (const auto* r = node->resource(); r && !r->isMultiple()) return r->value();
  return fail(path.toString() + ": not a single value");
}

template <typename Id>
Result<Id> idKey(const std::string& key, const char* what) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), value);
  if (ec != std::errc() || end != key.data() + key.size() || value >= 65535) {
    return fail(std::string("\"") + key + "\" is not a " + what + " id (0-65534)");
  }
  return static_cast<Id>(value);
}

}  // namespace

Result<model::Node> typedResourceValue(const model::Path& path, const rapidjson::Value& json,
                                       const model::ObjectModel& model) {
  if (!path.isResource() && !path.isResourceInstance()) {
    return fail(path.toString() + ": a value belongs to a resource /o/i/r or resource instance /o/i/r/ri");
  }
  const model::ResourceDefinition* def = model.findResource(path.objectId(), path.resourceId());
  if (!def) return fail(path.toString() + ": resource is not in the object model");
  if (path.isResourceInstance()) {
    if (!def->multiple) return fail(path.toString() + ": " + def->name + " is a single resource");
    auto value = scalarValue(path, json, model);
    if (!value) return value.error();
    return model::Node(model::ResourceInstance{path.resourceInstanceId(), std::move(*value)});
  }
  if (!json.IsObject()) {
    if (def->multiple) {
      return fail(path.toString() + ": " + def->name +
                  " is a multiple resource: give {\"<instance id>\": value, ...}");
    }
    auto value = scalarValue(path, json, model);
    if (!value) return value.error();
    return model::Node(model::Resource::single(path.resourceId(), std::move(*value)));
  }
  if (!def->multiple) return fail(path.toString() + ": " + def->name + " is a single resource, not an object");
  std::map<model::ResourceInstanceId, model::Value> instances;
  for (const auto& member : json.GetObject()) {
    auto id = idKey<model::ResourceInstanceId>(member.name.GetString(), "resource instance");
    if (!id) return fail(path.toString() + ": " + id.error().message);
    auto value = scalarValue(model::Path(path.objectId(), path.instanceId(), path.resourceId(), *id),
                             member.value, model);
    if (!value) return value.error();
    instances.emplace(*id, std::move(*value));
  }
  return model::Node(model::Resource::multiple(path.resourceId(), def->type, std::move(instances)));
}

Result<model::ObjectInstance> typedInstance(model::ObjectId object, model::InstanceId instance,
                                            const rapidjson::Value& json, const model::ObjectModel& model) {
  const model::Path where(object, instance);
  if (!json.IsObject()) return fail(where.toString() + ": \"values\" must be an object keyed by resource id");
  std::vector<model::Resource> resources;
  for (const auto& member : json.GetObject()) {
    const std::string key = member.name.GetString();
    model::ResourceId id = 0;
    if (!key.empty() && key[0] == '/') {
      auto path = model::Path::parse(key);
      if (!path) return fail("\"" + key + "\": " + path.error().message);
      if (!path->isResource() || path->objectId() != object || path->instanceId() != instance) {
        return fail("\"" + key + "\" is not a resource of " + where.toString());
      }
      id = path->resourceId();
    } else {
      auto parsed = idKey<model::ResourceId>(key, "resource");
      if (!parsed) return fail(where.toString() + ": " + parsed.error().message);
      id = *parsed;
    }
    auto node = typedResourceValue(model::Path(object, instance, id), member.value, model);
    if (!node) return node.error();
    resources.push_back(*node->resource());
  }
  if (resources.empty()) return fail(where.toString() + ": \"values\" names no resource");
  return model::ObjectInstance(instance, std::move(resources));
}

Result<model::NodesByPath> typedComposite(const rapidjson::Value& json, const model::ObjectModel& model) {
  if (!json.IsObject() || json.MemberCount() == 0) {
    return fail("\"values\" must be a non-empty object keyed by resource path");
  }
  model::NodesByPath nodes;
  for (const auto& member : json.GetObject()) {
    auto path = model::Path::parse(member.name.GetString());
    if (!path) return fail(std::string("\"") + member.name.GetString() + "\": " + path.error().message);
    auto node = typedResourceValue(*path, member.value, model);
    if (!node) return node.error();
    nodes.emplace(*path, std::move(*node));
  }
  return nodes;
}

}  // namespace lwm2m::gateway
