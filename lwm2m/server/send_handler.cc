#include "lwm2m/server/send_handler.h"

#include <utility>

#include "lwm2m/formats/format_registry.h"
#include "lwm2m/spare_buckets.h"

namespace lwm2m::server {
namespace {

bool allowedFormat(formats::ContentFormat f, const std::string& version) {
  if (f == formats::kSenmlJson || f == formats::kSenmlCbor) return true;
  return f == formats::kLwm2mCbor && version != "1.0" && version != "1.1";
}

}  // namespace

SendHandler::SendHandler(coap::Scheduler& scheduler, const RegistrationInterface& registrations,
                         const model::ModelSource& models)
    : scheduler_(scheduler), registrations_(registrations), models_(models) {}

void SendHandler::addListener(SendListener* listener) { listeners_.push_back(listener); }

void SendHandler::onRegistered(const Registration& reg, const Registration* replaced) {
  if (replaced) unindex(*replaced);
  index(reg);
}

void SendHandler::index(const Registration& reg) {
  idByPeer_[reg.peer] = reg.id;
  // The address a device moved away from keeps its entry (registrationAt()
  // checks the registration is still there) until the index has grown to
  // twice the registrations: then every such entry goes at once.
  if (idByPeer_.size() > 2 * registrations_.registrations().size() + kSlackEntries) dropMovedAway();
}

void SendHandler::unindex(const Registration& reg) {
  if (auto p = idByPeer_.find(reg.peer); p != idByPeer_.end() && p->second == reg.id) {
    idByPeer_.erase(p);
    releaseSpareBuckets(idByPeer_);
  }
}

void SendHandler::dropMovedAway() {
  const RegistrationStore& store = registrations_.registrations();
  std::erase_if(idByPeer_, [&store](const auto& entry) {
    const Registration* reg = store.findById(entry.second);
    return reg == nullptr || !coap::PeerEqual{}(reg->peer, entry.first);
  });
  releaseSpareBuckets(idByPeer_);
}

const Registration* SendHandler::registrationAt(const coap::Peer& from) const {
  if (auto found = idByPeer_.find(from); found != idByPeer_.end()) {
    const Registration* reg = registrations_.registrations().findById(found->second);
    if (reg && reg->peer == from) return reg;
  }
  // Rebinding (seen on a notification or response) moves a peer without an
  // event; the store has the truth.
  const Registration* match = nullptr;
  registrations_.registrations().forEach([&](const Registration& reg) {
    if (!match && reg.peer == from) match = &reg;
  });
  return match;
}

void SendHandler::handle(const coap::Peer& from, const coap::Message& request,
                         const coap::Endpoint::Responder& respond) {
  if (request.code != coap::codes::Post) {
    respond(coap::Message::reply(coap::codes::MethodNotAllowed, "Send is POST /dp"));
    return;
  }
  if (request.uriPath().size() != 1) {
    respond(coap::Message::reply(coap::codes::NotFound));
    return;
  }
  const Registration* reg = registrationAt(from);
  if (!reg) {
    respond(coap::Message::reply(coap::codes::Forbidden, "Send from an unregistered device"));
    return;
  }
  const auto format = formats::normalizeContentFormat(request.contentFormat().value_or(formats::kText));
  if (!allowedFormat(format, reg->version)) {
    respond(coap::Message::reply(coap::codes::UnsupportedContentFormat,
                  "Send accepts SenML JSON, SenML CBOR and (1.2) LwM2M CBOR"));
    return;
  }
  const formats::FormatRegistry& registry = formats::FormatRegistry::standard();
  const double now = std::chrono::duration<double>(scheduler_.wallNow().time_since_epoch()).count();
  const auto snapshot = models_.current();
  const formats::DecodeContext context{*snapshot, now};
  SendEvent event;
  event.endpoint = reg->endpoint;
  event.registrationId = reg->id;
  event.format = format;
  if (registry.timestampedDecoder(format)) {
    auto values = registry.decodeTimestamped(format, request.payload, context);
    if (!values) {
      respond(coap::Message::reply(coap::codes::BadRequest, values.error().message));
      return;
    }
    event.values = std::move(values.value());
  } else {
    auto nodes = registry.decodeNodes(format, request.payload, nullptr, context);
    if (!nodes) {
      respond(coap::Message::reply(coap::codes::BadRequest, nodes.error().message));
      return;
    }
    event.values.push_back(model::TimestampedNodes{std::nullopt, std::move(nodes.value())});
  }
  respond(coap::Message::reply(coap::codes::Changed));
  for (auto* l : listeners_) l->onSend(event);
}

}  // namespace lwm2m::server
