#include "bridges/mqtt/mapped_event.h"

#include <rapidjson/document.h>

#include "mapping/command_encoding.h"

namespace lwm2m::bridges::mqtt {
namespace api = gateway::api;
namespace {

std::optional<mapping::EventKind> kindOf(api::DeviceEventKind kind) {
  using K = mapping::EventKind;
  switch (kind) {
    case api::DeviceEventKind::Registered: return K::Registered;
    case api::DeviceEventKind::Updated: return K::Updated;
    case api::DeviceEventKind::Deregistered: return K::Deregistered;
    case api::DeviceEventKind::Expired: return K::Expired;
    case api::DeviceEventKind::Awake: return K::Awake;
    case api::DeviceEventKind::Asleep: return K::Asleep;
    case api::DeviceEventKind::Notification: return K::Notification;
    case api::DeviceEventKind::Send: return K::Send;
    case api::DeviceEventKind::Queued: return K::Queued;
    case api::DeviceEventKind::Response: return K::Response;
    case api::DeviceEventKind::RequestExpired: return K::RequestExpired;
    case api::DeviceEventKind::RequestCancelled: return K::RequestCancelled;
  }
  return std::nullopt;
}

mapping::RegistrationFacts registrationFacts(const api::DeviceInfo& d) {
  mapping::RegistrationFacts f;
  f.registrationId = d.registrationId;
  f.address = d.address;
  f.lifetimeSeconds = d.lifetimeSeconds;
  f.lwm2mVersion = d.lwm2mVersion;
  f.binding = d.binding;
  f.queueMode = d.queueMode;
  f.smsNumber = d.smsNumber;
  f.alternatePath = d.rootPath;
  for (const auto& link : d.objectLinks) {
    // The root link and links outside the object tree are not objects.
    if (link.path == "/" || link.path == d.rootPath) continue;
    auto path = model::Path::parse(link.path);
    if (path && !path->isRoot()) f.objectLinks.push_back(*path);
  }
  return f;
}

// The command's target path, for events that carry no parsed request.
model::Path commandPath(const std::string& commandJson) {
  rapidjson::Document doc;
  doc.Parse(commandJson.data(), commandJson.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  const char* key = doc.HasMember("path") ? "path" : "paths";
  if (!doc.HasMember(key)) return {};
  const rapidjson::Value& v = doc[key].IsArray() && !doc[key].Empty() ? doc[key][0] : doc[key];
  if (!v.IsString()) return {};
  auto path = model::Path::parse(v.GetString());
  return path ? *path : model::Path();
}

mapping::ResponseOutcome outcomeOf(const std::string& outcome) {
  if (outcome == "timeout") return mapping::ResponseOutcome::Timeout;
  if (outcome == "reset") return mapping::ResponseOutcome::Reset;
  return mapping::ResponseOutcome::Answered;
}

}  // namespace

std::optional<mapping::DeviceEvent> toMappingEvent(const api::DeviceEvent& e, const std::string& gatewayId) {
  auto kind = kindOf(e.kind);
  if (!kind) return std::nullopt;
  mapping::DeviceEvent out;
  out.kind = *kind;
  out.endpoint = e.device.endpoint;
  out.gateway = gatewayId;
  out.timestamp = std::chrono::duration<double>(e.at.time_since_epoch()).count();
  out.registration = registrationFacts(e.device);
  for (const auto& stamp : e.values) {
    auto records = mapping::toRecords(stamp.nodes, stamp.time);
    out.values.insert(out.values.end(), std::make_move_iterator(records.begin()),
                      std::make_move_iterator(records.end()));
  }
  if (!e.paths.empty()) out.requestPath = e.paths.front();
  out.sequence = e.sequence;
  if (e.command) {
    const api::CommandInfo& c = *e.command;
    out.requestId = c.requestId;
    out.error = c.reason;
    out.operation = mapping::parseOperation(c.operation);
    if (c.operation == "cancel-observe-composite") out.operation = mapping::Operation::CancelObserve;
    out.code = c.code;
    out.outcome = outcomeOf(c.outcome);
    out.links = c.links;
    if (auto route = mapping::replyRouteOf(c.command)) out.reply = std::move(*route);
    if (out.requestPath.isRoot()) out.requestPath = commandPath(c.command);
  }
  return out;
}

}  // namespace lwm2m::bridges::mqtt
