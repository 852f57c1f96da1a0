#pragma once
// Transport over a plain UDP socket (IPv4 or IPv6; an IPv6 wildcard bind also
// accepts IPv4, v6_only off). Datagrams up to 64 KiB are read into one buffer
// per thread (thousands of transports cost no buffer memory each) with
// recvmsg, whose control message carries the kernel's drop count
// (SO_RXQ_OVFL); send is a non-blocking send_to without allocation. The
// socket lives in shared state held by the pending wait, so destroying the
// transport meanwhile is safe.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "lwm2m/coap/transport.h"
#include "lwm2m/result.h"

namespace lwm2m::coap {

// A socket's buffer sizes as asked and as the kernel reports them. Linux
// sets twice the size asked (the other half for its bookkeeping) and reports
// what it set; a size it capped reports less than twice the size asked.
struct SocketBuffers {
  int receiveAsked = 0;  // bytes; 0: the system default was kept
  int receiveBytes = 0;  // SO_RCVBUF as the kernel reports it
  int sendAsked = 0;
  int sendBytes = 0;     // SO_SNDBUF as the kernel reports it
  bool receiveCapped() const { return receiveAsked > 0 && receiveBytes / 2 < receiveAsked; }
  bool sendCapped() const { return sendAsked > 0 && sendBytes / 2 < sendAsked; }
};

// The datagrams waiting in a socket's receive queue, in the kernel's
// accounting (each datagram counts its buffer's true size, not its payload).
struct ReceiveQueue {
  std::uint32_t bytes = 0;
  std::uint32_t capacity = 0;  // SO_RCVBUF as the kernel reports it
  // 0..100; 0 when the capacity is unknown.
  unsigned percent() const {
    return capacity == 0 ? 0u : static_cast<unsigned>(std::uint64_t{bytes} * 100 / capacity);
  }
};

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

  // Asks the kernel for socket buffers of these sizes (a gateway absorbs
  // bursts from thousands of devices); 0 leaves one at the system default.
  // SO_RCVBUFFORCE / SO_SNDBUFFORCE first (they pass net.core.rmem_max and
  // wmem_max with CAP_NET_ADMIN), else SO_RCVBUF / SO_SNDBUF, which the
  // kernel caps there. Returns the sizes in effect, or an error naming the
  // failed call.
  Result<SocketBuffers> setBufferSizes(int receiveBytes, int sendBytes);
  // The sizes in effect now (asked: 0).
  SocketBuffers bufferSizes() const;

  // Datagrams the kernel dropped for this socket before they were read
  // (receive buffer full, bad checksum) since it opened: the newest of the
  // SO_RXQ_OVFL count the latest datagram carried and the SO_MEMINFO count
  // read now (a burst's drops show before the next datagram arrives).
  std::uint64_t kernelDrops() const;
  // What waits in the receive queue now (SO_MEMINFO, one getsockopt; the
  // drop count is refreshed too). All zero once closed or where the kernel
  // does not tell.
  ReceiveQueue receiveQueue() const;
  // Why the kernel does not tell this socket's drops (the option was
  // refused, e.g. under qemu-user): then kernelDrops() may stay 0 whatever
  // was lost. Empty when drops are counted.
  const std::string& dropCountProblem() const;

  // Datagrams that could not be sent (would block, no route, ...).
  std::uint64_t sendErrors() const;

 private:
  struct State;
  static void receiveNext(const std::shared_ptr<State>& state);
  static void readQueued(const std::shared_ptr<State>& state);
  static int receiveMany(State& state, int count);
  // Sends what readQueued's batch held back so far (one sendmmsg).
  static void sendHeld(State& state);
  static Peer target(const State& state, const Peer& to);

  std::shared_ptr<State> state_;
};

}  // namespace lwm2m::coap
