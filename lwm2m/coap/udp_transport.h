#pragma once
// Transport over a plain UDP socket (IPv4 or IPv6; an IPv6 wildcard bind also
// accepts IPv4, v6_only off). Receive buffer 64 KiB; send is a non-blocking
// send_to without allocation. The socket lives in shared state held by the
// pending receive, so destroying the transport with a receive in flight is safe.

#include <cstdint>
#include <memory>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "lwm2m/coap/transport.h"
#include "lwm2m/result.h"

namespace lwm2m::coap {

class UdpTransport : public Transport {
 public:
  // Opens and binds; port 0 picks a free port (see localEndpoint()).
  // Throws std::runtime_error naming the address and the reason on failure
  // (start-up path only).
  UdpTransport(boost::asio::io_context& io, const Peer& bindTo);
  ~UdpTransport() override;
  UdpTransport(const UdpTransport&) = delete;
  UdpTransport& operator=(const UdpTransport&) = delete;

  // "0.0.0.0", "::", "" / "*" (= "::", dual stack), an IP literal (brackets allowed)
  // or a host name resolved synchronously (start-up path).
  static Result<Peer> resolveBind(std::string_view host, std::uint16_t port);

  void start(ReceiveHandler handler) override;
  void send(const Peer& to, std::span<const std::uint8_t> datagram) override;
  Peer localEndpoint() const override;
  void close() override;

  std::uint64_t sendErrors() const;

 private:
  struct State;
  static void receiveNext(const std::shared_ptr<State>& state);

  std::shared_ptr<State> state_;
};

}  // namespace lwm2m::coap
