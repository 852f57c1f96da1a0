#include "lwm2m/server/uplink_dispatcher.h"

#include <algorithm>

namespace lwm2m::server {

bool UplinkDispatcher::refused(UplinkWork work, const coap::Endpoint::Responder& respond) {
  if (!admission_) return false;
  const auto wait = admission_->retryAfter(work);
  if (!wait) return false;
  ++(work == UplinkWork::Register ? shed_.registers : shed_.sends);
  coap::Message unavailable;
  unavailable.code = coap::codes::ServiceUnavailable;
  const auto seconds = std::clamp<std::chrono::seconds::rep>(wait->count(), 0, 0xffffffff);
  unavailable.addUintOption(coap::option::MaxAge, static_cast<std::uint32_t>(seconds));
  respond(std::move(unavailable));
  return true;
}

void UplinkDispatcher::handle(const coap::Peer& from, const coap::Message& request,
                              const coap::Endpoint::Responder& respond) {
  const auto path = request.uriPathViews();
  const bool post = request.code == coap::codes::Post;
  if (!path.empty() && path.front() == "rd") {
    if (post && path.size() == 1 && refused(UplinkWork::Register, respond)) return;
    registration_.handle(from, request, {path.data(), path.size()}, respond);
    return;
  }
  if (send_ && !path.empty() && path.front() == "dp") {
    if (post && refused(UplinkWork::Send, respond)) return;
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
