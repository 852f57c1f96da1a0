#include "tools/lwm2m-sim/dm_interface.h"

#include <cstdio>

#include "lwm2m/formats/content_format.h"
#include "lwm2m/formats/format_registry.h"
#include "lwm2m/formats/link_format.h"
#include "tools/lwm2m-sim/crc32.h"

namespace lwm2m::sim {
namespace {

using formats::FormatRegistry;
using model::Path;

coap::Message reply(coap::Code code, std::string_view diagnostic = {}) {
  coap::Message m;
  m.code = code;
  m.setPayload(diagnostic);
  return m;
}

coap::Message reply(const Outcome& outcome) { return reply(outcome.code, outcome.diagnostic); }

coap::Message content(std::uint16_t format, std::vector<std::uint8_t> body) {
  coap::Message m = reply(coap::codes::Content);
  m.setContentFormat(format);
  m.payload = std::move(body);
  return m;
}

std::optional<Path> pathOf(const coap::Message& request) {
  std::string text;
  for (const auto& segment : request.uriPath()) text += "/" + segment;
  auto path = Path::parse(text.empty() ? "/" : text);
  if (!path) return std::nullopt;
  return *path;
}

std::optional<double> numberOf(const model::Node& node) {
  const auto* r = node.resource();
  if (!r || r->isMultiple()) return std::nullopt;
  const auto& v = r->value();
  switch (v.type()) {
    case model::DataType::Float: return v.asFloat();
    case model::DataType::Integer: return static_cast<double>(v.asInteger());
    case model::DataType::UnsignedInteger: return static_cast<double>(v.asUnsigned());
    default: return std::nullopt;
  }
}

std::string attributeText(const Attributes* a) {
  std::string out;
  if (!a) return out;
  if (a->pmin) out += ";pmin=" + std::to_string(*a->pmin);
  if (a->pmax) out += ";pmax=" + std::to_string(*a->pmax);
  if (a->gt) out += ";gt=" + model::formatFloat(*a->gt);
  if (a->lt) out += ";lt=" + model::formatFloat(*a->lt);
  if (a->st) out += ";st=" + model::formatFloat(*a->st);
  return out;
}

}  // namespace

DmInterface::DmInterface(DeviceObjects& objects, Observers& observers, std::string version,
                         std::string endpoint, EventLog& log)
    : objects_(objects), observers_(observers), version_(std::move(version)), endpoint_(std::move(endpoint)), log_(log) {}

std::uint16_t DmInterface::defaultFormat() const {
  if (version_.empty() || version_ == "1.0") return formats::kTlv;
  return version_ == "1.2" ? formats::kLwm2mCbor : formats::kSenmlJson;
}

coap::Message DmInterface::handle(const coap::Peer& from, const coap::Message& request,
                                  std::chrono::steady_clock::time_point now) {
  const auto path = pathOf(request);
  if (!path) return reply(coap::codes::BadRequest, "bad path");
  const coap::Code method = request.code;
  if (method == coap::codes::Fetch) return fetch(from, request, now);
  if (method == coap::codes::IPatch) return patch(request);
  if (path->isRoot()) return reply(coap::codes::MethodNotAllowed);
  if (method == coap::codes::Get) {
    if (request.accept() == formats::kLinkFormat) return discover(*path);
    if (auto obs = request.observe(); obs && *obs == 0) return observe(from, *path, request, now);
    if (auto obs = request.observe(); obs && *obs == 1) {
      observers_.removeByToken(from, request.token);
      log_.activity("cancel-observe", endpoint_, path->toString());
    }
    return read(*path, request);
  }
  if (method == coap::codes::Put) {
    if (request.payload.empty() && !request.uriQuery().empty()) {
      if (!objects_.exists(*path)) return reply(coap::codes::NotFound);
      if (!observers_.writeAttributes(*path, request.uriQuery())) return reply(coap::codes::BadRequest, "bad attribute");
      log_.activity("write-attributes", endpoint_, path->toString());
      return reply(coap::codes::Changed);
    }
    return write(*path, request, true);
  }
  if (method == coap::codes::Post) {
    if (path->isObject()) return create(*path, request);
    if (path->isObjectInstance()) return write(*path, request, false);
    Outcome done = objects_.execute(*path, request.payloadString());
    if (done.code == coap::codes::Changed) {
      log_.activity("execute", endpoint_, path->toString());
      if (path->objectId() == 5 && onFirmwareUpdate) onFirmwareUpdate();
    }
    return reply(done);
  }
  if (method == coap::codes::Delete) {
    Outcome done = objects_.remove(*path);
    if (done.code == coap::codes::Deleted) log_.activity("deleted", endpoint_, path->toString());
    return reply(done);
  }
  return reply(coap::codes::MethodNotAllowed);
}

coap::Message DmInterface::read(const Path& path, const coap::Message& request) {
  auto node = objects_.read(path);
  if (!node) return reply(coap::codes::NotFound, node.error().message);
  const std::uint16_t format = formats::normalizeContentFormat(request.accept().value_or(defaultFormat()));
  auto body = FormatRegistry::standard().encode(format, *node, path, objects_.model());
  if (!body) return reply(coap::codes::NotAcceptable, body.error().message);
  log_.activity("read", endpoint_, path.toString());
  return content(format, std::move(body.value()));
}

coap::Message DmInterface::observe(const coap::Peer& from, const Path& path, const coap::Message& request,
                                   std::chrono::steady_clock::time_point now) {
  coap::Message answer = read(path, request);
  if (answer.code != coap::codes::Content) return answer;
  Observer o;
  o.peer = from;
  o.token = request.token;
  o.paths = {path};
  o.format = answer.contentFormat().value_or(defaultFormat());
  o.lastSentAt = now;
  o.lastBody = answer.payload;
  if (auto node = objects_.read(path)) o.lastNumber = numberOf(*node);
  answer.setObserve(observers_.add(std::move(o)).sequence);
  log_.activity("observe", endpoint_, path.toString());
  return answer;
}

std::optional<DmInterface::Snapshot> DmInterface::snapshot(const Observer& o) const {
  const FormatRegistry& registry = FormatRegistry::standard();
  if (o.composite) {
    model::NodesByPath nodes;
    for (const Path& p : o.paths) {
      if (auto node = objects_.read(p)) nodes.emplace(p, *node);
    }
    auto body = registry.encodeNodes(o.format, nodes, objects_.model());
    if (!body) return std::nullopt;
    return Snapshot{std::move(body.value()), std::nullopt};
  }
  auto node = objects_.read(o.paths.front());
  if (!node) return std::nullopt;
  auto body = registry.encode(o.format, *node, o.paths.front(), objects_.model());
  if (!body) return std::nullopt;
  return Snapshot{std::move(body.value()), numberOf(*node)};
}

coap::Message DmInterface::discover(const Path& path) {
  if (!objects_.exists(path)) return reply(coap::codes::NotFound);
  std::string out;
  auto add = [&](const std::string& link) { out += (out.empty() ? "" : ",") + link; };
  auto addNode = [&](const Path& p) {
    std::string link = "<" + p.toString() + ">";
    if (p.isResource()) {
      if (auto node = objects_.read(p); node && node->resource()->isMultiple()) {
        link += ";dim=" + std::to_string(node->resource()->instances().size());
      }
    }
    add(link + attributeText(observers_.ownAttributes(p)));
  };
  auto addInstance = [&](const Path& instance) {
    addNode(instance);
    auto node = objects_.read(instance);
    for (const auto& [id, r] : node->objectInstance()->resources()) addNode(instance.child(id));
  };
  if (path.isObject()) {
    addNode(path);
    auto node = objects_.read(path);
    for (const auto& [id, inst] : node->object()->instances()) addInstance(path.child(id));
  } else if (path.isObjectInstance()) {
    addInstance(path);
  } else {
    addNode(path);
  }
  log_.activity("discover", endpoint_, path.toString());
  coap::Message m = reply(coap::codes::Content);
  m.setContentFormat(formats::kLinkFormat);
  m.setPayload(out);
  return m;
}

coap::Message DmInterface::write(const Path& path, const coap::Message& request, bool replace) {
  const auto format = formats::normalizeContentFormat(request.contentFormat().value_or(formats::kText));
  const formats::DecodeContext context{objects_.model(), 0};
  auto node = FormatRegistry::standard().decode(format, request.payload, path, context);
  if (!node) return reply(coap::codes::BadRequest, node.error().message);
  Outcome done = objects_.write(path, *node, replace);
  if (done.code == coap::codes::Changed) {
    log_.activity("write", endpoint_, path.toString());
    logFirmwarePackage(path, *node);
    const model::Resource* uri = node->resource();
    if (onPackageUri && path.objectId() == 5 && path.isResource() && path.resourceId() == 1 && uri &&
        !uri->isMultiple() && uri->value().type() == model::DataType::String) {
      onPackageUri(path.instanceId(), uri->value().asString());
    }
  }
  return reply(done);
}

// "firmware-received sim-0001 bytes=262144 crc=1c291ca3": proof of what arrived.
void DmInterface::logFirmwarePackage(const Path& path, const model::Node& node) {
  if (path.objectId() != 5 || !path.isResource() || path.resourceId() != 0) return;
  const auto* resource = node.resource();
  if (!resource || resource->isMultiple() || resource->value().type() != model::DataType::Opaque) return;
  log_.lifecycle("firmware-received", endpoint_, packageSummary(resource->value().asOpaque()));
}

coap::Message DmInterface::create(const Path& path, const coap::Message& request) {
  const auto format = formats::normalizeContentFormat(request.contentFormat().value_or(defaultFormat()));
  const formats::DecodeContext context{objects_.model(), 0};
  auto node = FormatRegistry::standard().decode(format, request.payload, path, context);
  if (!node || !node->object()) return reply(coap::codes::BadRequest, node ? "expected an object" : node.error().message);
  Path created;
  Outcome done = objects_.create(*node->object(), created);
  if (done.code != coap::codes::Created) return reply(done);
  log_.activity("created", endpoint_, created.toString());
  coap::Message m = reply(coap::codes::Created);
  m.setLocationPath(created.toString());
  return m;
}

coap::Message DmInterface::fetch(const coap::Peer& from, const coap::Message& request,
                                 std::chrono::steady_clock::time_point now) {
  const FormatRegistry& registry = FormatRegistry::standard();
  const auto listFormat = formats::normalizeContentFormat(request.contentFormat().value_or(formats::kSenmlJson));
  const formats::PathCodec* codec = registry.pathCodec(listFormat);
  if (!codec) return reply(coap::codes::UnsupportedContentFormat);
  auto paths = codec->decodePaths(request.payload);
  if (!paths || paths->empty()) return reply(coap::codes::BadRequest, paths ? "no paths" : paths.error().message);
  const auto observe = request.observe();
  if (observe && *observe == 1) {
    observers_.removeByToken(from, request.token);
    log_.activity("cancel-observe-composite", endpoint_);
  }
  Observer o;
  o.peer = from;
  o.token = request.token;
  o.paths = *paths;
  o.composite = true;
  o.format = formats::normalizeContentFormat(request.accept().value_or(listFormat));
  auto snap = snapshot(o);
  if (!snap) return reply(coap::codes::NotAcceptable);
  coap::Message m = content(o.format, snap->body);
  if (observe && *observe == 0) {
    o.lastSentAt = now;
    o.lastBody = snap->body;
    m.setObserve(observers_.add(std::move(o)).sequence);
    log_.activity("observe-composite", endpoint_);
  } else {
    log_.activity("read-composite", endpoint_);
  }
  return m;
}

coap::Message DmInterface::patch(const coap::Message& request) {
  const auto format = formats::normalizeContentFormat(request.contentFormat().value_or(formats::kSenmlJson));
  const formats::DecodeContext context{objects_.model(), 0};
  auto nodes = FormatRegistry::standard().decodeNodes(format, request.payload, nullptr, context);
  if (!nodes) return reply(coap::codes::BadRequest, nodes.error().message);
  for (const auto& [path, node] : *nodes) {
    Outcome done = objects_.write(path, node, false);
    if (done.code != coap::codes::Changed) return reply(done);
  }
  log_.activity("write-composite", endpoint_);
  return reply(coap::codes::Changed);
}

}  // namespace lwm2m::sim
