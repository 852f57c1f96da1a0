#include "bridges/http/resource_request.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "mapping/command_codec.h"

namespace lwm2m::bridges::http {
namespace {

using operations::Operation;

constexpr std::array<const char*, 4> kIdNames{"object id", "instance id", "resource id", "resource instance id"};
constexpr unsigned kMaxTimeoutSeconds = 3600;
constexpr unsigned kMaxTtlSeconds = 30 * 86400;

std::optional<ResourceAction> actionNamed(std::string_view word, bool composite) {
  if (composite) {
    if (word == "read") return ResourceAction::CompositeRead;
    if (word == "write") return ResourceAction::CompositeWrite;
    if (word == "observe") return ResourceAction::CompositeObserve;
    return std::nullopt;
  }
  if (word == "discover") return ResourceAction::Discover;
  if (word == "observe") return ResourceAction::Observe;
  if (word == "attributes") return ResourceAction::Attributes;
  return std::nullopt;
}

bool isDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<std::uint16_t> idAt(std::string_view text, int level) {
  if (!isDigits(text)) return fail(std::string(kIdNames[static_cast<std::size_t>(level)]) + " '" + std::string(text) + "' is not a number");
  unsigned long value = 0;
  auto [last, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value >= model::kReservedId) {
    return fail(std::string(kIdNames[static_cast<std::size_t>(level)]) + " " + std::string(text) +
                " is out of range (0 to 65534)");
  }
  return static_cast<std::uint16_t>(value);
}

Operation operationFor(std::string_view method, const ResourceTarget& t) {
  const bool del = method == "DELETE";
  switch (t.action) {
    case ResourceAction::Discover: return Operation::Discover;
    case ResourceAction::Observe: return del ? Operation::CancelObserve : Operation::Observe;
    case ResourceAction::Attributes: return Operation::WriteAttributes;
    case ResourceAction::CompositeRead: return Operation::ReadComposite;
    case ResourceAction::CompositeWrite: return Operation::WriteComposite;
    case ResourceAction::CompositeObserve: return del ? Operation::CancelObserveComposite : Operation::ObserveComposite;
    case ResourceAction::None: break;
  }
  if (method == "PUT") return Operation::WriteReplace;
  if (method == "PATCH") return Operation::WriteUpdate;
  if (method == "POST") return t.path.isObject() ? Operation::Create : Operation::Execute;
  if (del) return Operation::Delete;
  return Operation::Read;
}

bool isControlParameter(std::string_view key) {
  return key == "format" || key == "timeout" || key == "ttl" || key == "async" || key == "cached";
}

// The body as a JSON object; an empty body is an empty object. Execute takes
// plain text as its arguments.
Result<void> bodyDocument(std::string_view body, Operation op, rapidjson::Document& doc) {
  std::size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    doc.SetObject();
    return {};
  }
  if (op == Operation::Execute && body[start] != '{') {
    doc.SetObject();
    doc.AddMember("arguments", rapidjson::Value(body.data(), static_cast<rapidjson::SizeType>(body.size()), doc.GetAllocator()),
                  doc.GetAllocator());
    return {};
  }
  if (auto parsed = mapping::parseCommandJson(body, doc); !parsed) {
    return fail("request body: " + parsed.error().message);
  }
  return {};
}

}  // namespace

Result<ResourceTarget> parseResource(const std::vector<std::string>& resource) {
  ResourceTarget out;
  if (resource.empty()) return fail(ErrorCode::NotFound, "no resource given");
  if (resource.front() == "composite") {
    if (resource.size() != 2) return fail(ErrorCode::NotFound, "composite resources are composite/read, composite/write and composite/observe");
    auto action = actionNamed(resource[1], true);
    if (!action) return fail(ErrorCode::NotFound, "no composite operation '" + resource[1] + "' (read, write, observe)");
    out.action = *action;
    return out;
  }
  if (!isDigits(resource.front())) {
    return fail("'" + resource.front() + "' is neither an object id nor one of commands, requests, values, composite");
  }
  std::array<std::uint16_t, 4> ids{};
  std::size_t depth = 0;
  for (std::size_t k = 0; k < resource.size(); ++k) {
    const std::string& segment = resource[k];
    if (!isDigits(segment) && depth > 0) {
      auto action = actionNamed(segment, false);
      if (!action) return idAt(segment, static_cast<int>(std::min<std::size_t>(depth, 3))).error();
      if (k + 1 != resource.size()) return fail(ErrorCode::NotFound, "nothing lies below /" + segment);
      out.action = *action;
      break;
    }
    if (depth == 4) return fail("path too deep: at most object/instance/resource/resource-instance ids");
    auto id = idAt(segment, static_cast<int>(depth));
    if (!id) return id.error();
    ids[depth++] = *id;
  }
  switch (depth) {
    case 1: out.path = model::Path(ids[0]); break;
    case 2: out.path = model::Path(ids[0], ids[1]); break;
    case 3: out.path = model::Path(ids[0], ids[1], ids[2]); break;
    default: out.path = model::Path(ids[0], ids[1], ids[2], ids[3]); break;
  }
  if (out.action == ResourceAction::Discover && out.path.isResourceInstance()) {
    return fail("discover takes an object, instance or resource path, not a resource instance");
  }
  return out;
}

std::string_view allowedMethods(const ResourceTarget& t) {
  switch (t.action) {
    case ResourceAction::Discover: return "GET";
    case ResourceAction::Observe: return "POST, DELETE";
    case ResourceAction::Attributes: return "PUT";
    case ResourceAction::CompositeRead:
    case ResourceAction::CompositeWrite: return "POST";
    case ResourceAction::CompositeObserve: return "POST, DELETE";
    case ResourceAction::None: break;
  }
  switch (t.path.depth()) {
    case 1: return "GET, POST";
    case 2: return "GET, PUT, PATCH, DELETE";
    case 3: return "GET, PUT, PATCH, POST, DELETE";
    default: return "GET, PUT, DELETE";
  }
}

Result<ResourceCall> resourceCall(std::string_view method, const ResourceTarget& target, const RestTarget& url,
                                  std::string_view body, const model::ObjectModel& model) {
  const Operation op = operationFor(method, target);
  rapidjson::Document doc;
  if (auto r = bodyDocument(body, op, doc); !r) return r.error();
  auto& alloc = doc.GetAllocator();
  const bool composite = operations::isComposite(op);
  for (const char* key : {"operation", "path", "partial"}) {
    if (doc.HasMember(key)) {
      return fail(std::string("request body: \"") + key + "\" is given by the method and the URL; leave it out");
    }
  }
  if (op == Operation::WriteAttributes) {
    // The body is the attributes themselves; the query may add (or clear) more.
    rapidjson::Value attributes(rapidjson::kObjectType);
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      attributes.AddMember(rapidjson::Value(it->name, alloc), rapidjson::Value(it->value, alloc), alloc);
    }
    for (const auto& [key, value] : url.query) {
      if (isControlParameter(key)) continue;
      rapidjson::Value name(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), alloc);
      rapidjson::Value v;
      if (!value.empty()) v.SetString(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), alloc);
      attributes.RemoveMember(key.c_str());
      attributes.AddMember(name, v, alloc);
    }
    doc.SetObject();
    doc.AddMember("attributes", attributes, alloc);
  }
  if (const std::string* format = url.param("format")) {
    if (auto known = mapping::contentFormatByName(*format); !known) return fail("query parameter format: " + known.error().message);
    doc.RemoveMember("format");
    doc.AddMember("format", rapidjson::Value(format->c_str(), static_cast<rapidjson::SizeType>(format->size()), alloc), alloc);
  }
  for (auto [key, max] : {std::pair<const char*, unsigned>{"timeout", kMaxTimeoutSeconds}, {"ttl", kMaxTtlSeconds}}) {
    if (const std::string* value = url.param(key)) {
      auto seconds = secondsValue(key, *value, max);
      if (!seconds) return seconds.error();
      doc.RemoveMember(key);
      if (std::string_view(key) == "timeout") doc.RemoveMember("timeout_ms");
      doc.AddMember(rapidjson::StringRef(key), rapidjson::Value(*seconds), alloc);
    }
  }
  auto async = flagValue("async", url.param("async"));
  if (!async) return async.error();

  mapping::CommandDefaults defaults;
  defaults.operation = op;
  defaults.operationFixed = true;
  if (!composite) defaults.pathText = target.path.toString();
  auto parts = mapping::readCommandParts(doc, model, defaults);
  if (!parts) return fail("request body: " + parts.error().message);
  if (op == Operation::WriteReplace || op == Operation::WriteUpdate) parts->partial = op == Operation::WriteUpdate;
  ResourceCall call{operations::DeviceRequest{}, *async, parts->timeout};
  auto request = mapping::toDeviceRequest(std::move(*parts), model);
  if (!request) return request.error();
  call.request = std::move(*request);
  return call;
}

}  // namespace lwm2m::bridges::http
