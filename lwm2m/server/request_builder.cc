#include "lwm2m/server/request_builder.h"

#include <type_traits>
#include <utility>

#include "lwm2m/formats/format_registry.h"

namespace lwm2m::server {
namespace {

using formats::ContentFormat;
using formats::FormatRegistry;

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

// True when the model defines the object of `path` and, for a resource
// path, the resource.
bool modelKnows(const model::Path& path, const model::ObjectModel& model) {
  if (path.isRoot()) return true;
  if (path.depth() < 3) return model.find(path.objectId()) != nullptr;
  return model.findResource(path.objectId(), path.resourceId()) != nullptr;
}

// The format of a tree (Read, Observe, Write, Create) nobody chose.
ContentFormat treeFormatFor(const model::Path& path, const ClientProfile& client, const model::ObjectModel& model) {
  return modelKnows(path, model) ? client.treeFormat() : client.typedFormat();
}

// The format of a Write body nobody chose: a single Opaque resource (a
// firmware image) goes as raw bytes to clients that must read Opaque (1.1+),
// instead of base64 inside SenML or wrapped in TLV; anything else in the
// format a tree of that path takes.
ContentFormat defaultBodyFormat(const operations::DeviceRequest& request, const ClientProfile& client,
                                const model::ObjectModel& model) {
  const bool version10 = client.version == "1.0" || client.version.rfind("1.0.", 0) == 0;
  const model::Resource* resource = request.node ? request.node->resource() : nullptr;
  if (!version10 && request.path.isResource() && resource && !resource->isMultiple() &&
      resource->value().type() == model::DataType::Opaque) {
    return formats::kOpaque;
  }
  return treeFormatFor(request.path, client, model);
}

Result<void> addSingleBody(const operations::DeviceRequest& request, const ClientProfile& client,
                           const model::ObjectModel& model, coap::Message& message) {
  if (request.package) {
    if (request.operation != operations::Operation::WriteReplace || !request.path.isResource()) {
      return fail("a package is written (replace) to one resource, not " + request.path.toString());
    }
    if (!request.package->stored()) return fail("the package from " + request.package->source + " is not stored yet");
    message.setContentFormat(formats::kOpaque);  // the body is the package's bytes, read by the sender
    return {};
  }
  if (!request.node) return fail(std::string(operations::operationName(request.operation)) + " needs a value");
  if (request.node->depth() != request.path.depth()) {
    return fail("the value does not live at " + request.path.toString());
  }
  const ContentFormat format = request.format.value_or(defaultBodyFormat(request, client, model));
  return setBody(message, format, FormatRegistry::standard().encode(format, *request.node, request.path, model));
}

Result<void> checkTarget(const operations::DeviceRequest& request) {
  const model::Path& p = request.path;
  switch (request.operation) {
    case operations::Operation::Read:
    case operations::Operation::Observe:
    case operations::Operation::CancelObserve:
      if (p.isRoot()) return fail(std::string(operations::operationName(request.operation)) + " needs an object path");
      return {};
    case operations::Operation::WriteReplace:
    case operations::Operation::WriteUpdate:
      if (p.depth() < 2) return fail("write needs an instance, resource or resource instance path");
      return {};
    case operations::Operation::Execute:
      if (!p.isResource()) return fail("execute needs a resource path, not " + p.toString());
      return {};
    case operations::Operation::Create:
      if (!p.isObject()) return fail("create needs an object path, not " + p.toString());
      return {};
    case operations::Operation::Delete:
      if (!p.isObjectInstance()) return fail("delete needs an instance path, not " + p.toString());
      return {};
    case operations::Operation::WriteAttributes:
    case operations::Operation::Discover:
      if (p.isRoot()) return fail(std::string(operations::operationName(request.operation)) + " needs an object path");
      return {};
    case operations::Operation::ReadComposite:
    case operations::Operation::ObserveComposite:
    case operations::Operation::CancelObserveComposite:
      if (request.paths.empty()) return fail(std::string(operations::operationName(request.operation)) + " needs paths");
      return {};
    case operations::Operation::WriteComposite:
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

ContentFormat ClientProfile::typedFormat() const {
  return formats::typedContentFormat(version, advertised);
}

Result<ContentFormat> ClientProfile::compositeFormat() const {
  auto f = formats::compositeContentFormat(version, advertised);
  if (!f) return fail("composite operations need an LwM2M 1.1 or later client, this one is " + version);
  return *f;
}

Result<coap::Message> buildRequest(const operations::DeviceRequest& request, const ClientProfile& client,
                                   const model::ObjectModel& model,
                                   const coap::Token& token) {
  if (auto target = checkTarget(request); !target) return target.error();
  coap::Message m;
  m.type = coap::MessageType::Confirmable;
  m.token = token;
  const bool composite = operations::isComposite(request.operation);
  m.setUriPath(uriPathOf(client, composite ? model::Path() : request.path));
  const ContentFormat tree = request.format.value_or(treeFormatFor(request.path, client, model));

  if (composite) {
    auto format = client.compositeFormat();
    if (!format) return format.error();
    const ContentFormat cf = request.format.value_or(*format);
    if (request.operation == operations::Operation::WriteComposite) {
      m.code = coap::codes::IPatch;
      if (auto body = setBody(m, cf, FormatRegistry::standard().encodeNodes(cf, request.nodes, model)); !body) {
        return body.error();
      }
      return m;
    }
    m.code = coap::codes::Fetch;
    if (request.operation != operations::Operation::ReadComposite) {
      m.setObserve(request.operation == operations::Operation::ObserveComposite ? 0 : 1);
    }
    const ContentFormat listFormat = pathListFormat(cf);
    const formats::PathCodec* codec = FormatRegistry::standard().pathCodec(listFormat);
    if (auto body = setBody(m, listFormat, codec->encodePaths(request.paths)); !body) return body.error();
    m.setAccept(cf);
    return m;
  }

  switch (request.operation) {
    case operations::Operation::Read:
      m.code = coap::codes::Get;
      m.setAccept(tree);
      break;
    case operations::Operation::Observe:
    case operations::Operation::CancelObserve:
      m.code = coap::codes::Get;
      m.setObserve(request.operation == operations::Operation::Observe ? 0 : 1);
      m.setAccept(tree);
      break;
    case operations::Operation::Discover:
      m.code = coap::codes::Get;
      m.setAccept(formats::kLinkFormat);
      break;
    case operations::Operation::WriteReplace:
    case operations::Operation::WriteUpdate:
      m.code = request.operation == operations::Operation::WriteReplace ? coap::codes::Put : coap::codes::Post;
      if (auto body = addSingleBody(request, client, model, m); !body) return body.error();
      break;
    case operations::Operation::Create: {
      m.code = coap::codes::Post;
      if (!request.node || !request.node->object()) return fail("create needs an object instance");
      if (auto body = addSingleBody(request, client, model, m); !body) return body.error();
      break;
    }
    case operations::Operation::WriteAttributes: {
      m.code = coap::codes::Put;
      const auto queries = operations::toQueries(request.attributes);
      if (queries.empty()) return fail("write-attributes needs at least one attribute to set or clear");
      for (const std::string& q : queries) m.addUriQuery(q);
      break;
    }
    case operations::Operation::Execute:
      m.code = coap::codes::Post;
      if (!request.arguments.empty()) {
        m.setContentFormat(formats::kText);
        m.setPayload(request.arguments);
      }
      break;
    case operations::Operation::Delete:
      m.code = coap::codes::Delete;
      break;
    default:
      break;
  }
  return m;
}

}  // namespace lwm2m::server
