#include <iterator>

#include "lwm2m/formats/link_format.h"
#include "mapping/device_event.h"

namespace lwm2m::mapping {
namespace api = gateway::api;
namespace {

// The kinds whose JSON or auto-observe read the registration's facts: the
// others (a notification, a command's response) need not copy them.
bool describesRegistration(api::DeviceEventKind kind) {
  using Kind = api::DeviceEventKind;
  switch (kind) {
    case Kind::Registered:
    case Kind::Updated:
    case Kind::Deregistered:
    case Kind::Expired:
    case Kind::BootstrapStarted:
    case Kind::BootstrapFinished:
    case Kind::BootstrapFailed: return true;
    default: return false;
  }
}

void commandFacts(const api::CommandInfo& c, DeviceEvent& out);

}  // namespace

RegistrationFacts registrationFactsOf(const api::DeviceInfo& d) {
  RegistrationFacts f;
  f.registrationId = d.registrationId;
  f.address = d.address;
  f.lifetimeSeconds = d.lifetimeSeconds;
  f.lwm2mVersion = d.lwm2mVersion;
  f.binding = d.binding;
  f.queueMode = d.queueMode;
  f.smsNumber = d.smsNumber;
  f.alternatePath = d.rootPath;
  f.objectLinks.reserve(d.objectLinks.size());
  for (const auto& link : d.objectLinks) {
    // The root link and links outside the object tree are not objects.
    if (link.path == "/" || link.path == d.rootPath) continue;
    auto path = model::Path::parse(link.path);
    if (path && !path->isRoot()) f.objectLinks.push_back(*path);
  }
  return f;
}

namespace {

void commandFacts(const api::CommandInfo& c, DeviceEvent& out) {
  out.requestId = c.requestId;
  out.reply = c.reply;
  out.error = c.reason;
  out.operation = c.request.operation;
  if (out.requestPath.isRoot()) {
    const auto targets = c.request.targets();
    if (!targets.empty()) out.requestPath = targets.front();
  }
  if (!c.response) return;
  const operations::DeviceResponse& r = *c.response;
  out.outcome = r.outcome;
  out.code = r.code;
  if (!r.ok()) out.error = r.reason;
  for (const auto& link : r.links) out.links.push_back(formats::encodeLinkFormat({link}));
  out.createdPath = r.createdPath;
}

}  // namespace

DeviceEvent viewOf(const api::DeviceEvent& e, const std::string& gatewayId) {
  DeviceEvent out;
  out.kind = e.kind;
  out.endpoint = e.device.endpoint;
  out.gateway = gatewayId;
  out.timestamp = std::chrono::duration<double>(e.at.time_since_epoch()).count();
  if (describesRegistration(e.kind)) out.registration = registrationFactsOf(e.device);
  for (const auto& stamp : e.values) model::appendRecords(stamp.nodes, stamp.time, out.values);
  if (!e.paths.empty()) out.requestPath = e.paths.front();
  out.sequence = e.sequence;
  out.transfer = e.transfer;
  out.storage = e.storage;
  if (e.command) commandFacts(*e.command, out);
  if (e.kind == api::DeviceEventKind::BootstrapFailed) out.error = e.reason;
  return out;
}

bool answered(const DeviceEvent& event) {
  return event.outcome != operations::Outcome::Timeout && event.outcome != operations::Outcome::Reset &&
         !event.code.empty();
}

}  // namespace lwm2m::mapping
