#include "lwm2m/server/response_parser.h"

#include <string>
#include <utility>

#include "lwm2m/formats/format_registry.h"

namespace lwm2m::server {
namespace {

using formats::ContentFormat;
using formats::FormatRegistry;

// Composite reads and observations answer with nodes by path.
bool answersByPath(operations::Operation op) {
  return op == operations::Operation::ReadComposite || op == operations::Operation::ObserveComposite ||
         op == operations::Operation::CancelObserveComposite;
}

// The instance path in Location-Path ("3311", "2" after any root path segments).
std::optional<model::Path> createdPathOf(const coap::Message& response, model::ObjectId object) {
  const auto segments = response.locationPath();
  if (segments.size() < 2) return std::nullopt;
  auto parsed = model::Path::parse("/" + segments[segments.size() - 2] + "/" + segments.back());
  if (!parsed || parsed->objectId() != object) return std::nullopt;
  return *parsed;
}

operations::DeviceResponse invalid(operations::DeviceResponse r, ContentFormat format, const std::string& what) {
  r.outcome = operations::Outcome::InvalidResponse;
  r.reason = std::string(formats::contentFormatName(format)) + " body: " + what;
  return r;
}

// Decodes the body of a Read/Observe (single path or composite) answer into `r`.
operations::DeviceResponse decodeValues(operations::DeviceResponse r, const operations::DeviceRequest& request,
                            const coap::Message& response, const model::ObjectModel& model,
                            double now) {
  if (response.payload.empty()) return r;
  const ContentFormat format = formats::normalizeContentFormat(response.contentFormat().value_or(formats::kText));
  r.contentFormat = format;
  const FormatRegistry& registry = FormatRegistry::standard();
  const formats::DecodeContext context{model, now};
  const formats::Payload payload(response.payload);
  if (answersByPath(request.operation)) {
    auto nodes = registry.decodeNodes(format, payload, &request.paths, context);
    if (!nodes) return invalid(std::move(r), format, nodes.error().message);
    r.nodes = std::move(nodes.value());
  } else {
    auto node = registry.decode(format, payload, request.path, context);
    if (!node) return invalid(std::move(r), format, node.error().message);
    r.node = std::move(node.value());
  }
  if (const auto* timestamped = registry.timestampedDecoder(format)) {
    auto values = timestamped->decodeTimestamped(payload, context);
    if (values) r.timestamped = std::move(values.value());
  }
  return r;
}

}  // namespace

operations::DeviceResponse parseResponse(const operations::DeviceRequest& request, const coap::Message& response,
                             const ClientProfile&, const model::ObjectModel& model, double now) {
  operations::DeviceResponse r;
  r.code = response.code.toString();
  r.codeName = std::string(coap::codeName(response.code));
  r.observeSequence = response.observe();
  if (!response.code.isSuccess()) {
    r.outcome = operations::Outcome::DeviceError;
    r.reason = model::toValidUtf8(response.payloadString());
    return r;
  }
  switch (request.operation) {
    case operations::Operation::Read:
    case operations::Operation::Observe:
    case operations::Operation::CancelObserve:
    case operations::Operation::ReadComposite:
    case operations::Operation::ObserveComposite:
    case operations::Operation::CancelObserveComposite:
      return decodeValues(std::move(r), request, response, model, now);
    case operations::Operation::Discover: {
      r.contentFormat = response.contentFormat().value_or(formats::kLinkFormat);
      auto links = formats::parseLinkFormat(response.payloadString());
      if (!links) return invalid(std::move(r), formats::kLinkFormat, links.error().message);
      r.links = std::move(links.value());
      return r;
    }
    case operations::Operation::Create:
      r.createdPath = createdPathOf(response, request.path.objectId());
      if (!r.createdPath && request.node && request.node->object() &&
          request.node->object()->instances().size() == 1) {
        // No Location-Path: the device took the id the server proposed.
        r.createdPath = model::Path(request.path.objectId(),
                                    request.node->object()->instances().begin()->first);
      }
      return r;
    default:
      return r;
  }
}

operations::DeviceResponse parseNotification(const operations::DeviceRequest& request, const coap::Message& notification,
                                 const ClientProfile& client, const model::ObjectModel& model,
                                 double now) {
  return parseResponse(request, notification, client, model, now);
}

}  // namespace lwm2m::server
