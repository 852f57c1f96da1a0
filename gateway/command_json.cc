#include "gateway/command_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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

// A JSON scalar as LwM2M text, to be typed by the object model.
Result<std::string> scalarText(const rapidjson::Value& v) {
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
  return fail("\"value\" must be a string, number or boolean");
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
    if (name == "pmin" || name == "pmax" || name == "epmin" || name == "epmax") {
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
      return fail("unknown attribute \"" + name + "\" (pmin, pmax, gt, lt, st, epmin, epmax)");
    }
  }
  return attrs;
}

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
  auto path = pathField(d);
  if (!path) return path.error();
  const std::string& op = out.operation;
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
    if (!path->isResource()) return fail("\"path\": write takes one resource path /o/i/r");
    if (!d.HasMember("value")) return fail("\"value\" is missing");
    const model::ResourceDefinition* def = model.findResource(path->objectId(), path->resourceId());
    if (!def) return fail("\"path\": resource " + path->toString() + " is not in the object model");
    auto text = scalarText(d["value"]);
    if (!text) return text.error();
    formats::DecodeContext ctx{model, 0};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(text->data());
    auto node = formats::FormatRegistry::standard().decode(formats::kText, {bytes, text->size()}, *path, ctx);
    if (!node) return fail("\"value\": " + node.error().message);
    out.request = server::DeviceRequest::writeReplace(*path, std::move(*node));
  } else if (op == "write-attributes") {
    auto attrs = attributesField(d);
    if (!attrs) return attrs.error();
    out.request = server::DeviceRequest::writeAttributes(*path, *attrs);
  } else {
    return fail("unknown operation \"" + op +
                "\" (read, discover, write, write-attributes, execute, delete, observe, cancel-observe)");
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
