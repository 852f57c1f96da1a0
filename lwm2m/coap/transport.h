#pragma once
// The datagram seam under the CoAP endpoint. UdpTransport implements it today;
// a DTLS session layer will implement the same interface, so CoAP code never
// changes when security is added.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include <boost/asio/ip/udp.hpp>

namespace lwm2m::coap {

using Peer = boost::asio::ip::udp::endpoint;

// Hash of address + port, for unordered containers keyed by Peer. Read from
// the socket address as the kernel gave it (no asio address objects): it runs
// for every datagram.
struct PeerHash {
  std::size_t operator()(const Peer& peer) const noexcept;
};

// Same family, address, port (and IPv6 scope): what Peer's operator== says,
// compared on the socket address bytes. For the same containers.
struct PeerEqual {
  bool operator()(const Peer& a, const Peer& b) const noexcept;
};

// "[::1]:5683" or "127.0.0.1:5683"; IPv4-mapped IPv6 addresses print as IPv4.
std::string toString(const Peer& peer);
// The same written over `out` (its capacity is reused).
void writePeer(std::string& out, const Peer& peer);

class Transport {
 public:
  // Called on the io_context thread for every received datagram. The span is
  // valid only during the call.
  using ReceiveHandler = std::function<void(const Peer&, std::span<const std::uint8_t>)>;

  virtual ~Transport();
  // Starts delivering datagrams to `handler`. Called once.
  virtual void start(ReceiveHandler handler) = 0;
  // Best effort, never blocks, never throws: a datagram that cannot be sent is dropped
  // (CoAP retransmission covers loss). Never calls a receive handler from inside send().
  virtual void send(const Peer& to, std::span<const std::uint8_t> datagram) = 0;
  virtual Peer localEndpoint() const = 0;
  // Stops receiving; later sends are dropped. Idempotent.
  virtual void close() = 0;
};

}  // namespace lwm2m::coap
