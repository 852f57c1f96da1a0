#include "tools/lwm2m-sim/notifying_transport.h"

#include <algorithm>

#include "lwm2m/coap/codec.h"

namespace lwm2m::sim {

namespace {
constexpr std::size_t kRemembered = 16;
}

NotifyingTransport::NotifyingTransport(boost::asio::io_context& io, coap::Scheduler& scheduler,
                                       const coap::Peer& bindTo, std::uint16_t firstMessageId,
                                       std::optional<coap::DtlsSettings> dtls)
    : io_(io),
      socket_(std::make_unique<coap::UdpTransport>(io, bindTo)),
      nextMessageId_(static_cast<std::uint16_t>(firstMessageId | 0x8000u)) {
  if (dtls) {
    dtls->role = coap::DtlsSettings::Role::Client;
    dtls_ = std::make_unique<coap::DtlsTransport>(socket_, scheduler, std::move(*dtls));
  }
}

void NotifyingTransport::Socket::start(ReceiveHandler handler) {
  handler_ = std::move(handler);
  udp_->start(handler_);
}

void NotifyingTransport::Socket::replace(std::unique_ptr<coap::UdpTransport> fresh) {
  udp_->close();
  udp_ = std::move(fresh);
  if (handler_) udp_->start(handler_);
}

coap::Peer NotifyingTransport::rebind() {
  const coap::Peer old = socket_.localEndpoint();
  socket_.replace(std::make_unique<coap::UdpTransport>(io_, coap::Peer(old.address(), 0)));
  recent_.clear();  // RSTs to the old port can no longer arrive
  // The server knows the session by the old address: resume from the new one.
  if (dtls_) dtls_->forgetAll();
  return socket_.localEndpoint();
}

void NotifyingTransport::start(ReceiveHandler handler) {
  handler_ = std::move(handler);
  top().start([this](const coap::Peer& from, std::span<const std::uint8_t> datagram) {
    if (radioOff_) return;
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
  top().send(to, bytes);
}

}  // namespace lwm2m::sim
