#include "lwm2m/server/request_builder.h"

#include <type_traits>
#include <utility>

#include "lwm2m/formats/format_registry.h"

namespace lwm2m::server {
namespace {

using formats::ContentFormat;
using formats::FormatRegistry;

bool isCompositeOperation(Operation op) {
  return op == Operation::ReadComposite || op == Operation::WriteComposite ||
         op == Operation::ObserveComposite || op == Operation::CancelObserveComposite;
}

// Uri-Path of `path` below the client's root path ("/lwm2m" + "/3/0").
std::string uriPathOf(const ClientProfile& client, const model::Path& path) {
  std::string root = client.rootPath;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return path.isRoot() ? root : root + path.toString();
}

// The body format of a path list: the composite format when it has a path
// codec, otherwise SenML CBOR (LwM2M CBOR carries no path lists).
ContentFormat pathListFormat(ContentFormat composite) {
  return FormatRegistry::standard().pathCodec(composite) ? composite : formats::kSenmlCbor;
}

Result<void> setBody(coap::Message& message, ContentFormat format, Result<model::Bytes> body) {
  if (!body) return fail(std::string(formats::contentFormatName(format)) + ": " + body.error().message);
  message.setContentFormat(format);
  message.payload = std::move(body.value());
  return {};
}

// The format of a Write body nobody chose: a single Opaque resource (a
// firmware image) goes as raw bytes to clients that must read Opaque (1.1+),
// instead of base64 inside SenML or wrapped in TLV; anything else in the
// client's tree format.
ContentFormat defaultBodyFormat(const DeviceRequest& request, const ClientProfile& client) {
  const bool version10 = client.version == "1.0" || client.version.rfind("1.0.", 0) == 0;
  const model::Resource* resource = request.node ? request.node->resource() : nullptr;
  if (!version10 && request.path.isResource() && resource && !resource->isMultiple() &&
      resource->value().type() == model::DataType::Opaque) {
    return formats::kOpaque;
  }
  return client.treeFormat();
}

Result<void> addSingleBody(const DeviceRequest& request, const ClientProfile& client,
                           const model::ObjectModel& model, coap::Message& message) {
  if (!request.node) return fail(std::string(operationName(request.operation)) + " needs a value");
  if (request.node->depth() != request.path.depth()) {
    return fail("the value does not live at " + request.path.toString());
  }
  const ContentFormat format = request.format.value_or(defaultBodyFormat(request, client));
  return setBody(message, format, FormatRegistry::standard().encode(format, *request.node, request.path, model));
}

Result<void> checkTarget(const DeviceRequest& request) {
  const model::Path& p = request.path;
  switch (request.operation) {
    case Operation::Read:
    case Operation::Observe:
    case Operation::CancelObserve:
      if (p.isRoot()) return fail(std::string(operationName(request.operation)) + " needs an object path");
      return {};
    case Operation::WriteReplace:
    case Operation::WriteUpdate:
      if (p.depth() < 2) return fail("write needs an instance, resource or resource instance path");
      return {};
    case Operation::Execute:
      if (!p.isResource()) return fail("execute needs a resource path, not " + p.toString());
      return {};
    case Operation::Create:
      if (!p.isObject()) return fail("create needs an object path, not " + p.toString());
      return {};
    case Operation::Delete:
      if (!p.isObjectInstance()) return fail("delete needs an instance path, not " + p.toString());
      return {};
    case Operation::WriteAttributes:
    case Operation::Discover:
      if (p.isRoot()) return fail(std::string(operationName(request.operation)) + " needs an object path");
      return {};
    case Operation::ReadComposite:
    case Operation::ObserveComposite:
    case Operation::CancelObserveComposite:
      if (request.paths.empty()) return fail(std::string(operationName(request.operation)) + " needs paths");
      return {};
    case Operation::WriteComposite:
      if (request.nodes.empty()) return fail("write-composite needs values");
      return {};
  }
  return {};
}

}  // namespace

ClientProfile ClientProfile::of(const Registration& registration) {
  ClientProfile p;
  p.version = registration.version.empty() ? "1.0" : registration.version;
  p.rootPath = registration.rootPath.empty() ? "/" : registration.rootPath;
  for (const formats::Link& link : registration.objectLinks) {
    const formats::LinkAttribute* rt = link.find("rt");
    const bool isRoot = (rt && rt->value && *rt->value == "oma.lwm2m") || link.target == "/";
    if (!isRoot) continue;
    for (const formats::LinkAttribute& a : link.attributes) {
      if (a.name != "ct" || !a.value) continue;
      for (ContentFormat f : formats::parseContentFormatList(*a.value)) p.advertised.push_back(f);
    }
  }
  return p;
}

ContentFormat ClientProfile::treeFormat() const {
  return formats::preferredContentFormat(version, advertised);
}

Result<ContentFormat> ClientProfile::compositeFormat() const {
  auto f = formats::compositeContentFormat(version, advertised);
  if (!f) return fail("composite operations need an LwM2M 1.1 or later client, this one is " + version);
  return *f;
}

std::vector<std::string> attributeQueries(const NotificationAttributes& a) {
  std::vector<std::string> q;
  auto number = [&q](const char* name, const auto& v) {
    if (!v) return;
    if constexpr (std::is_same_v<std::decay_t<decltype(*v)>, double>) {
      q.push_back(std::string(name) + "=" + model::formatFloat(*v));
    } else {
      q.push_back(std::string(name) + "=" + std::to_string(*v));
    }
  };
  number("pmin", a.minPeriod);
  number("pmax", a.maxPeriod);
  number("gt", a.greaterThan);
  number("lt", a.lessThan);
  number("st", a.step);
  number("epmin", a.minEvalPeriod);
  number("epmax", a.maxEvalPeriod);
  if (a.edge) q.push_back(*a.edge ? "edge=1" : "edge=0");
  if (a.confirmable) q.push_back(*a.confirmable ? "con=1" : "con=0");
  number("hqmax", a.historicalQueueMax);
  for (const std::string& name : a.clear) q.push_back(name);
  return q;
}

Result<coap::Message> buildRequest(const DeviceRequest& request, const ClientProfile& client,
                                   const model::ObjectModel& model,
                                   const std::vector<std::uint8_t>& token) {
  if (auto target = checkTarget(request); !target) return target.error();
  coap::Message m;
  m.type = coap::MessageType::Confirmable;
  m.token = token;
  const bool composite = isCompositeOperation(request.operation);
  m.setUriPath(uriPathOf(client, composite ? model::Path() : request.path));
  const ContentFormat tree = request.format.value_or(client.treeFormat());

  if (composite) {
    auto format = client.compositeFormat();
    if (!format) return format.error();
    const ContentFormat cf = request.format.value_or(*format);
    if (request.operation == Operation::WriteComposite) {
      m.code = coap::codes::IPatch;
      if (auto body = setBody(m, cf, FormatRegistry::standard().encodeNodes(cf, request.nodes, model)); !body) {
        return body.error();
      }
      return m;
    }
    m.code = coap::codes::Fetch;
    if (request.operation != Operation::ReadComposite) {
      m.setObserve(request.operation == Operation::ObserveComposite ? 0 : 1);
    }
    const ContentFormat listFormat = pathListFormat(cf);
    const formats::PathCodec* codec = FormatRegistry::standard().pathCodec(listFormat);
    if (auto body = setBody(m, listFormat, codec->encodePaths(request.paths)); !body) return body.error();
    m.setAccept(cf);
    return m;
  }

  switch (request.operation) {
    case Operation::Read:
      m.code = coap::codes::Get;
      m.setAccept(tree);
      break;
    case Operation::Observe:
    case Operation::CancelObserve:
      m.code = coap::codes::Get;
      m.setObserve(request.operation == Operation::Observe ? 0 : 1);
      m.setAccept(tree);
      break;
    case Operation::Discover:
      m.code = coap::codes::Get;
      m.setAccept(formats::kLinkFormat);
      break;
    case Operation::WriteReplace:
    case Operation::WriteUpdate:
      m.code = request.operation == Operation::WriteReplace ? coap::codes::Put : coap::codes::Post;
      if (auto body = addSingleBody(request, client, model, m); !body) return body.error();
      break;
    case Operation::Create: {
      m.code = coap::codes::Post;
      if (!request.node || !request.node->object()) return fail("create needs an object instance");
      if (auto body = addSingleBody(request, client, model, m); !body) return body.error();
      break;
    }
    case Operation::WriteAttributes: {
      m.code = coap::codes::Put;
      const auto queries = attributeQueries(request.attributes);
      if (queries.empty()) return fail("write-attributes needs at least one attribute to set or clear");
      for (const std::string& q : queries) m.addUriQuery(q);
      break;
    }
    case Operation::Execute:
      m.code = coap::codes::Post;
      if (!request.arguments.empty()) {
        m.setContentFormat(formats::kText);
        m.setPayload(request.arguments);
      }
      break;
    case Operation::Delete:
      m.code = coap::codes::Delete;
      break;
    default:
      break;
  }
  return m;
}

}  // namespace lwm2m::server
