#include "tools/lwm2m-sim/notifying_transport.h"

#include <algorithm>

#include "lwm2m/coap/codec.h"

namespace lwm2m::sim {

namespace {
constexpr std::size_t kRemembered = 16;
}

NotifyingTransport::NotifyingTransport(boost::asio::io_context& io, const coap::Peer& bindTo,
                                       std::uint16_t firstMessageId)
    : io_(io),
      udp_(std::make_unique<coap::UdpTransport>(io, bindTo)),
      nextMessageId_(static_cast<std::uint16_t>(firstMessageId | 0x8000u)) {}

void NotifyingTransport::start(ReceiveHandler handler) {
  handler_ = std::move(handler);
  startReceiving();
}

coap::Peer NotifyingTransport::rebind() {
  const coap::Peer old = udp_->localEndpoint();
  auto fresh = std::make_unique<coap::UdpTransport>(io_, coap::Peer(old.address(), 0));
  udp_->close();
  udp_ = std::move(fresh);
  recent_.clear();  // RSTs to the old port can no longer arrive
  if (handler_) startReceiving();
  return udp_->localEndpoint();
}

void NotifyingTransport::startReceiving() {
  udp_->start([this](const coap::Peer& from, std::span<const std::uint8_t> datagram) {
    auto header = coap::peekHeader(datagram);
    if (header && header->type == coap::MessageType::Reset) {
      auto sent = std::find_if(recent_.begin(), recent_.end(), [&](const Sent& s) {
        return s.messageId == header->messageId && s.peer == from;
      });
      if (sent != recent_.end()) {
        auto token = sent->token;
        recent_.erase(sent);
        if (onReset_) onReset_(from, token);
        return;
      }
    }
    handler_(from, datagram);
  });
}

void NotifyingTransport::sendNotification(const coap::Peer& to, coap::Message notification) {
  notification.type = coap::MessageType::NonConfirmable;
  notification.messageId = nextMessageId_;
  nextMessageId_ = static_cast<std::uint16_t>((nextMessageId_ + 1) | 0x8000u);
  recent_.push_back(Sent{notification.messageId, to, notification.token});
  if (recent_.size() > kRemembered) recent_.pop_front();
  const auto bytes = coap::encode(notification);
  udp_->send(to, bytes);
}

}  // namespace lwm2m::sim
