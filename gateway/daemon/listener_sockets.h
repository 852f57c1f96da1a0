#pragma once
// The UDP sockets devices reach the gateway on (coap, coaps, bootstrap,
// bootstrap_dtls): their buffers sized from coap.receive_buffer_kb and
// coap.send_buffer_kb, and the datagrams the kernel dropped for them watched.
//
// Contract:
// - add() sizes the socket's buffers at once and logs one info line with the
//   sizes in effect, or ONE warning per buffer the kernel capped, naming the
//   size asked, the size obtained and the sysctl to raise.
// - Once start()ed, the drop counts are read every second (a getsockopt per
//   socket, nothing on the receive path); while they rise a warning is
//   logged at once, then at most one line per kDropWarningInterval per
//   socket, each with the number dropped since the previous line.
// - Runs on the I/O thread with the injected scheduler; the sockets must
//   outlive this object or be removed by stop() before they go.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/daemon/config.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/udp_transport.h"

namespace lwm2m::gateway {

// One line of /metrics and /health per listener.
struct ListenerFigures {
  std::string name;     // coap, coaps, bootstrap, bootstrap_dtls
  std::string address;  // "0.0.0.0:5683"
  coap::SocketBuffers buffers;
  std::uint64_t dropped = 0;  // datagrams the kernel dropped since the socket opened
};

class ListenerSockets {
 public:
  static constexpr std::chrono::seconds kDropWarningInterval{60};

  ListenerSockets(coap::Scheduler& scheduler, const CoapConfig& config);
  ~ListenerSockets();
  ListenerSockets(const ListenerSockets&) = delete;
  ListenerSockets& operator=(const ListenerSockets&) = delete;

  // Sizes `socket`'s buffers (logged) and watches its drops.
  void add(std::string name, coap::UdpTransport& socket);
  void start();
  void stop();

  std::vector<ListenerFigures> figures() const;
  // How full the fullest receive queue is, 0..100 (one getsockopt per
  // listener): what lwm2m.overload_receive_queue_percent bounds.
  unsigned fullestReceiveQueuePercent() const;

 private:
  struct Watched {
    std::string name;
    coap::UdpTransport* socket;
    std::uint64_t droppedAtLastLine = 0;
    std::chrono::steady_clock::time_point lastLine{};
    bool warned = false;
  };

  void check();

  coap::Scheduler& scheduler_;
  const int receiveBytes_;
  const int sendBytes_;
  std::vector<Watched> sockets_;
  coap::Scheduler::TimerId timer_ = 0;
};

// One warning per buffer the kernel capped, e.g. "coap listener 0.0.0.0:5683:
// receive buffer capped by the kernel: asked 4096 KiB, got 208 KiB
// (net.core.rmem_max); ... `sysctl -w net.core.rmem_max=4194304` ..."; none
// when both were granted.
std::vector<std::string> bufferWarnings(const std::string& listener, const coap::SocketBuffers& buffers);

}  // namespace lwm2m::gateway
