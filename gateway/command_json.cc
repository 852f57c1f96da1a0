#include "gateway/command_json.h"

#include <algorithm>
#include <iterator>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gateway/command_values.h"
#include "lwm2m/formats/content_format.h"
#include "lwm2m/formats/format_registry.h"
#include "lwm2m/formats/link_format.h"

namespace lwm2m::gateway {
namespace {

Result<model::Path> pathField(const rapidjson::Document& d) {
  if (!d.HasMember("path") || !d["path"].IsString()) return fail("\"path\" is missing or not a string");
  auto path = model::Path::parse(d["path"].GetString());
  if (!path) return fail("\"path\": " + path.error().message);
  return *path;
}

Result<server::NotificationAttributes> attributesField(const rapidjson::Document& d) {
  if (!d.HasMember("attributes") || !d["attributes"].IsObject()) {
    return fail("\"attributes\" is missing or not an object");
  }
  server::NotificationAttributes attrs;
  for (const auto& m : d["attributes"].GetObject()) {
    const std::string name = m.name.GetString();
    const rapidjson::Value& v = m.value;
    auto number = [&]() -> Result<double> {
      if (!v.IsNumber()) return fail("attribute \"" + name + "\" must be a number");
      return v.GetDouble();
    };
    auto seconds = [&]() -> Result<std::uint32_t> {
      if (!v.IsUint()) return fail("attribute \"" + name + "\" must be a whole number of seconds");
      return v.GetUint();
    };
    static const char* const kKnown[] = {"pmin", "pmax", "gt", "lt", "st", "epmin", "epmax", "edge", "con", "hqmax"};
    if (v.IsNull()) {  // null clears the attribute on the device
      if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown)) {
        return fail("unknown attribute \"" + name + "\" (pmin, pmax, gt, lt, st, epmin, epmax, edge, con, hqmax)");
      }
      attrs.clear.push_back(name);
      continue;
    }
    if (name == "edge" || name == "con") {
      if (!v.IsBool() && !(v.IsUint() && v.GetUint() <= 1)) {
        return fail("attribute \"" + name + "\" must be true/false or 0/1");
      }
      const bool on = v.IsBool() ? v.GetBool() : v.GetUint() == 1;
      (name == "edge" ? attrs.edge : attrs.confirmable) = on;
    } else if (name == "hqmax") {
      if (!v.IsUint()) return fail("attribute \"hqmax\" must be a whole number");
      attrs.historicalQueueMax = v.GetUint();
    } else if (name == "pmin" || name == "pmax" || name == "epmin" || name == "epmax") {
      auto s = seconds();
      if (!s) return s.error();
      if (name == "pmin") attrs.minPeriod = *s;
      if (name == "pmax") attrs.maxPeriod = *s;
      if (name == "epmin") attrs.minEvalPeriod = *s;
      if (name == "epmax") attrs.maxEvalPeriod = *s;
    } else if (name == "gt" || name == "lt" || name == "st") {
      auto n = number();
      if (!n) return n.error();
      if (name == "gt") attrs.greaterThan = *n;
      if (name == "lt") attrs.lessThan = *n;
      if (name == "st") attrs.step = *n;
    } else {
      return fail("unknown attribute \"" + name + "\" (pmin, pmax, gt, lt, st, epmin, epmax, edge, con, hqmax)");
    }
  }
  return attrs;
}

Result<std::vector<model::Path>> pathsField(const rapidjson::Document& d) {
  if (!d.HasMember("paths") || !d["paths"].IsArray() || d["paths"].Empty()) {
    return fail("\"paths\" is missing or not a non-empty array of paths");
  }
  std::vector<model::Path> paths;
  for (const auto& v : d["paths"].GetArray()) {
    if (!v.IsString()) return fail("\"paths\": every entry must be a path string");
    auto path = model::Path::parse(v.GetString());
    if (!path) return fail(std::string("\"paths\": ") + v.GetString() + ": " + path.error().message);
    paths.push_back(*path);
  }
  return paths;
}

// write: one resource ("value"), a resource's instances or an instance's
// resources ("values"); PUT replaces, "partial": true updates (POST).
Result<server::DeviceRequest> writeRequest(const rapidjson::Document& d, const model::Path& path,
                                           const model::ObjectModel& model) {
  const bool partial = d.HasMember("partial") && d["partial"].IsBool() && d["partial"].GetBool();
  if (path.isObjectInstance()) {
    if (!d.HasMember("values")) return fail("\"values\" is missing: write on an instance takes {\"<resource id>\": value}");
    auto instance = typedInstance(path.objectId(), path.instanceId(), d["values"], model);
    if (!instance) return instance.error();
    return partial ? server::DeviceRequest::writeUpdate(path, std::move(*instance))
                   : server::DeviceRequest::writeReplace(path, std::move(*instance));
  }
  if (!path.isResource() && !path.isResourceInstance()) {
    return fail("\"path\": write takes an instance /o/i, a resource /o/i/r or a resource instance /o/i/r/ri");
  }
  const char* key = d.HasMember("value") ? "value" : "values";
  if (!d.HasMember(key)) return fail("\"value\" is missing");
  auto node = typedResourceValue(path, d[key], model);
  if (!node) return fail("\"" + std::string(key) + "\": " + node.error().message);
  return partial ? server::DeviceRequest::writeUpdate(path, std::move(*node))
                 : server::DeviceRequest::writeReplace(path, std::move(*node));
}

// create: "path" /o (the device picks the id) or /o/i, "values" by resource id.
Result<server::DeviceRequest> createRequest(const rapidjson::Document& d, const model::Path& path,
                                            const model::ObjectModel& model) {
  if (!path.isObject() && !path.isObjectInstance()) return fail("\"path\": create takes an object /o or /o/i");
  model::InstanceId id = path.isObjectInstance() ? path.instanceId() : 0;
  if (d.HasMember("instance")) {
    if (!d["instance"].IsUint() || d["instance"].GetUint() >= 65535) {
      return fail("\"instance\" must be an instance id (0-65534)");
    }
    id = static_cast<model::InstanceId>(d["instance"].GetUint());
  }
  if (!d.HasMember("values")) return fail("\"values\" is missing: create takes {\"<resource id>\": value}");
  auto instance = typedInstance(path.objectId(), id, d["values"], model);
  if (!instance) return instance.error();
  return server::DeviceRequest::create(path.objectId(), std::move(*instance));
}

constexpr const char* kOperations =
    "read, discover, write, write-attributes, execute, create, delete, observe, cancel-observe, "
    "read-composite, write-composite, observe-composite, cancel-observe-composite";

}  // namespace

Result<ParsedCommand> parseCommand(std::string_view json, const model::ObjectModel& model) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) return fail("the command is not valid JSON");
  if (!d.IsObject()) return fail("the command must be a JSON object");
  if (!d.HasMember("operation") || !d["operation"].IsString()) {
    return fail("\"operation\" is missing or not a string");
  }
  ParsedCommand out;
  out.operation = d["operation"].GetString();
  const std::string& op = out.operation;
  if (op == "read-composite" || op == "observe-composite" || op == "cancel-observe-composite") {
    auto paths = pathsField(d);
    if (!paths) return paths.error();
    out.request = op == "read-composite"      ? server::DeviceRequest::readComposite(std::move(*paths))
                  : op == "observe-composite" ? server::DeviceRequest::observeComposite(std::move(*paths))
                                              : server::DeviceRequest::cancelObserveComposite(std::move(*paths));
  } else if (op == "write-composite") {
    if (!d.HasMember("values")) return fail("\"values\" is missing: write-composite takes {\"/o/i/r\": value}");
    auto nodes = typedComposite(d["values"], model);
    if (!nodes) return nodes.error();
    out.request = server::DeviceRequest::writeComposite(std::move(*nodes));
  } else {
    auto path = pathField(d);
    if (!path) return path.error();
    if (op == "read") {
      out.request = server::DeviceRequest::read(*path);
    } else if (op == "discover") {
      out.request = server::DeviceRequest::discover(*path);
    } else if (op == "observe") {
      out.request = server::DeviceRequest::observe(*path);
    } else if (op == "cancel-observe") {
      out.request = server::DeviceRequest::cancelObserve(*path);
    } else if (op == "delete") {
      out.request = server::DeviceRequest::remove(*path);
    } else if (op == "execute") {
      if (!path->isResource()) return fail("\"path\": execute needs a resource path /o/i/r");
      std::string args;
      if (d.HasMember("arguments")) {
        if (!d["arguments"].IsString()) return fail("\"arguments\" must be a string");
        args = d["arguments"].GetString();
      }
      out.request = server::DeviceRequest::execute(*path, std::move(args));
    } else if (op == "write") {
      auto request = writeRequest(d, *path, model);
      if (!request) return request.error();
      out.request = std::move(*request);
    } else if (op == "create") {
      auto request = createRequest(d, *path, model);
      if (!request) return request.error();
      out.request = std::move(*request);
    } else if (op == "write-attributes") {
      auto attrs = attributesField(d);
      if (!attrs) return attrs.error();
      out.request = server::DeviceRequest::writeAttributes(*path, *attrs);
    } else {
      return fail("unknown operation \"" + op + "\" (" + kOperations + ")");
    }
  }
  if (d.HasMember("timeout_ms")) {
    if (!d["timeout_ms"].IsUint() || d["timeout_ms"].GetUint() == 0) {
      return fail("\"timeout_ms\" must be a positive whole number");
    }
    out.request.timeout = std::chrono::milliseconds(d["timeout_ms"].GetUint());
  }
  if (d.HasMember("ttl")) {
    if (!d["ttl"].IsUint() || d["ttl"].GetUint() == 0) return fail("\"ttl\" must be a positive number of seconds");
    out.ttl = std::chrono::seconds(d["ttl"].GetUint());
  }
  return out;
}

std::string resultToJson(const server::DeviceResponse& response, const model::Path& path,
                         const model::ObjectModel& model) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("outcome");
  const auto outcome = server::outcomeName(response.outcome);
  w.String(outcome.data(), static_cast<rapidjson::SizeType>(outcome.size()));
  w.Key("code");
  w.String(response.code.c_str());
  w.Key("codeName");
  w.String(response.codeName.c_str());
  w.Key("reason");
  w.String(response.reason.c_str());
  if (response.node) {
    auto senml = formats::FormatRegistry::standard().encode(formats::kSenmlJson, *response.node, path, model);
    if (senml) {
      w.Key("value");
      w.RawValue(reinterpret_cast<const char*>(senml->data()), senml->size(), rapidjson::kArrayType);
    }
  }
  if (!response.node && !response.nodes.empty()) {
    auto senml = formats::FormatRegistry::standard().encodeNodes(formats::kSenmlJson, response.nodes, model);
    if (senml) {
      w.Key("value");
      w.RawValue(reinterpret_cast<const char*>(senml->data()), senml->size(), rapidjson::kArrayType);
    }
  }
  if (!response.links.empty()) {
    w.Key("links");
    w.StartArray();
    for (const auto& link : response.links) w.String(formats::encodeLinkFormat({link}).c_str());
    w.EndArray();
  }
  if (response.createdPath) {
    w.Key("createdPath");
    w.String(response.createdPath->toString().c_str());
  }
  w.EndObject();
  return buf.GetString();
}

}  // namespace lwm2m::gateway
