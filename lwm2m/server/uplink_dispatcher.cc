#include "lwm2m/server/uplink_dispatcher.h"

namespace lwm2m::server {

void UplinkDispatcher::handle(const coap::Peer& from, const coap::Message& request,
                              const coap::Endpoint::Responder& respond) {
  const auto path = request.uriPath();
  if (!path.empty() && path.front() == "rd") {
    registration_.handle(from, request, respond);
    return;
  }
  if (send_ && !path.empty() && path.front() == "dp") {
    send_->handle(from, request, respond);
    return;
  }
  if (packages_ && !path.empty() && path.front() == PackageResource::kPathSegment) {
    packages_->handle(from, request, respond);
    return;
  }
  coap::Message notFound;
  notFound.code = coap::codes::NotFound;
  respond(std::move(notFound));
}

}  // namespace lwm2m::server
