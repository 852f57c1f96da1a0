#pragma once
// A UDP transport that can also send Observe notifications (NON, RFC 7641
// §4.2) beside the CoAP endpoint that sits on it, and reports when the
// observer answers one with RST (it forgot the observation: passive cancel).
// Notification message IDs come from their own counter; a clash with one of
// the endpoint's recent request IDs is improbable and would cost the server's
// duplicate filter one notification, never a wrong value.
//
// rebind() imitates a NAT that gave the device a new public port (after a
// sleep): the socket is closed and a new one opened on another port of the
// same address; everything above the transport (CoAP state, registration,
// observers) stays as it was.
//
// With DTLS settings, CoAP goes over a DTLS client session (PSK or
// certificate) on the same socket; after rebind() the session is resumed
// from the new port with an abbreviated handshake.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/message.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/udp_transport.h"

namespace lwm2m::sim {

class NotifyingTransport : public coap::Transport {
 public:
  using ResetHandler = std::function<void(const coap::Peer&, const coap::Token& token)>;

  // Throws std::runtime_error if the socket cannot be opened or the DTLS
  // settings are unusable (a key or certificate file).
  NotifyingTransport(boost::asio::io_context& io, coap::Scheduler& scheduler, const coap::Peer& bindTo,
                     std::uint16_t firstMessageId, std::optional<coap::DtlsSettings> dtls = std::nullopt);

  void start(ReceiveHandler handler) override;
  void send(const coap::Peer& to, std::span<const std::uint8_t> datagram) override { top().send(to, datagram); }
  coap::Peer localEndpoint() const override { return socket_.localEndpoint(); }
  void close() override { top().close(); }

  // Moves to a new socket (new port); returns the new local address. Throws
  // std::runtime_error if no socket can be opened.
  coap::Peer rebind();

  // Sends `notification` as NON with a fresh message ID.
  void sendNotification(const coap::Peer& to, coap::Message notification);
  void onReset(ResetHandler handler) { onReset_ = std::move(handler); }
  // A sleeping device's radio: while off, every datagram that arrives is lost.
  void setRadioOff(bool off) { radioOff_ = off; }

 private:
  struct Sent {
    std::uint16_t messageId;
    coap::Peer peer;
    coap::Token token;
  };
  // The current socket, replaceable under the DTLS layer.
  class Socket : public coap::Transport {
   public:
    explicit Socket(std::unique_ptr<coap::UdpTransport> udp) : udp_(std::move(udp)) {}
    void start(ReceiveHandler handler) override;
    void send(const coap::Peer& to, std::span<const std::uint8_t> datagram) override { udp_->send(to, datagram); }
    coap::Peer localEndpoint() const override { return udp_->localEndpoint(); }
    void close() override { udp_->close(); }
    void replace(std::unique_ptr<coap::UdpTransport> fresh);

   private:
    std::unique_ptr<coap::UdpTransport> udp_;
    ReceiveHandler handler_;
  };

  coap::Transport& top() { return dtls_ ? static_cast<coap::Transport&>(*dtls_) : socket_; }

  boost::asio::io_context& io_;
  Socket socket_;
  std::unique_ptr<coap::DtlsTransport> dtls_;
  ReceiveHandler handler_;
  std::uint16_t nextMessageId_;
  std::deque<Sent> recent_;  // bounded: the last few notifications
  ResetHandler onReset_;
  bool radioOff_ = false;
};

}  // namespace lwm2m::sim
