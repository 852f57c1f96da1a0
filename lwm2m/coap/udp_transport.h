#pragma once
// Transport over a plain UDP socket (IPv4 or IPv6; an IPv6 wildcard bind also
// accepts IPv4, v6_only off). Datagrams up to 64 KiB are read into one buffer
// per thread (thousands of transports cost no buffer memory each); send is a
// non-blocking send_to without allocation. The socket lives in shared state
// held by the pending wait, so destroying the transport meanwhile is safe.

#include <cstdint>
#include <memory>
#include <utility>
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

  // Asks the kernel for larger socket buffers (a gateway absorbs bursts from
  // thousands of devices); the kernel may cap them (net.core.rmem_max).
  // Returns the sizes in effect, or an error naming the failed call.
  Result<std::pair<int, int>> setBufferSizes(int receiveBytes, int sendBytes);

  // Datagrams that could not be sent (would block, no route, ...).
  std::uint64_t sendErrors() const;

 private:
  struct State;
  static void receiveNext(const std::shared_ptr<State>& state);

  std::shared_ptr<State> state_;
};

}  // namespace lwm2m::coap
