#include "gateway/daemon/listener_sockets.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

constexpr auto kCheckInterval = 1s;

// The size as set: Linux reports twice what was set; a default it was never
// asked for is reported as it is.
long long sizeSet(int asked, int reported) { return asked > 0 ? reported / 2 : reported; }

std::string kib(long long bytes) { return std::to_string(bytes / 1024) + " KiB"; }

std::string capWarning(const std::string& listener, const char* which, int asked, int reported,
                       const char* sysctl) {
  return listener + ": " + which + " buffer capped by the kernel: asked " + kib(asked) + ", got " +
         kib(sizeSet(asked, reported)) + " (" + sysctl + "); a burst beyond it is dropped. Raise the cap with `sysctl -w " +
         sysctl + "=" + std::to_string(asked) + "` (and in /etc/sysctl.d/ to keep it), or run the gateway with "
         "CAP_NET_ADMIN";
}

}  // namespace

std::vector<std::string> bufferWarnings(const std::string& listener, const coap::SocketBuffers& b) {
  std::vector<std::string> lines;
  if (b.receiveCapped()) {
    lines.push_back(capWarning(listener, "receive", b.receiveAsked, b.receiveBytes, "net.core.rmem_max"));
  }
  if (b.sendCapped()) lines.push_back(capWarning(listener, "send", b.sendAsked, b.sendBytes, "net.core.wmem_max"));
  return lines;
}

ListenerSockets::ListenerSockets(coap::Scheduler& scheduler, const CoapConfig& config)
    : scheduler_(scheduler),
      receiveBytes_(static_cast<int>(config.receiveBufferKb) * 1024),
      sendBytes_(static_cast<int>(config.sendBufferKb) * 1024) {}

ListenerSockets::~ListenerSockets() { stop(); }

void ListenerSockets::add(std::string name, coap::UdpTransport& socket) {
  const std::string listener = name + " listener " + coap::toString(socket.localEndpoint());
  auto buffers = socket.setBufferSizes(receiveBytes_, sendBytes_);
  if (!buffers) {
    spdlog::warn("{}: {}; the system's buffer sizes stay", listener, buffers.error().message);
  } else {
    const auto warnings = bufferWarnings(listener, *buffers);
    for (const std::string& line : warnings) spdlog::warn("{}", line);
    if (warnings.empty()) {
      spdlog::info("{}: receive buffer {}{}, send buffer {}{}", listener,
                   kib(sizeSet(buffers->receiveAsked, buffers->receiveBytes)),
                   buffers->receiveAsked > 0 ? "" : " (system default)",
                   kib(sizeSet(buffers->sendAsked, buffers->sendBytes)),
                   buffers->sendAsked > 0 ? "" : " (system default)");
    }
  }
  if (!socket.dropCountProblem().empty()) {
    spdlog::warn("{}: datagrams the kernel drops are not counted ({})", listener, socket.dropCountProblem());
  }
  sockets_.push_back(Watched{std::move(name), &socket, socket.kernelDrops()});
}

void ListenerSockets::start() {
  if (timer_ != 0) return;
  timer_ = scheduler_.schedule(kCheckInterval, [this] {
    timer_ = 0;
    check();
    start();
  });
}

void ListenerSockets::stop() {
  if (timer_ != 0) scheduler_.cancel(timer_);
  timer_ = 0;
}

void ListenerSockets::check() {
  const auto now = scheduler_.now();
  for (Watched& w : sockets_) {
    const std::uint64_t dropped = w.socket->kernelDrops();
    if (dropped == w.droppedAtLastLine) continue;
    if (w.warned && now - w.lastLine < kDropWarningInterval) continue;
    const auto since = w.warned ? std::chrono::duration_cast<std::chrono::seconds>(now - w.lastLine).count() : 0;
    spdlog::warn("{} listener {}: {} datagrams dropped by the kernel{} (receive buffer full, {} in all); the "
                 "gateway reads slower than devices send. Raise coap.receive_buffer_kb (now {}) and "
                 "net.core.rmem_max to absorb bursts",
                 w.name, coap::toString(w.socket->localEndpoint()), dropped - w.droppedAtLastLine,
                 w.warned ? " in the last " + std::to_string(since) + " s" : "", dropped,
                 receiveBytes_ > 0 ? kib(receiveBytes_) : std::string("the system default"));
    w.droppedAtLastLine = dropped;
    w.lastLine = now;
    w.warned = true;
  }
}

std::vector<ListenerFigures> ListenerSockets::figures() const {
  std::vector<ListenerFigures> out;
  out.reserve(sockets_.size());
  for (const Watched& w : sockets_) {
    out.push_back(ListenerFigures{w.name, coap::toString(w.socket->localEndpoint()), w.socket->bufferSizes(),
                                  w.socket->kernelDrops()});
  }
  return out;
}

unsigned ListenerSockets::fullestReceiveQueuePercent() const {
  unsigned fullest = 0;
  for (const Watched& w : sockets_) fullest = std::max(fullest, w.socket->receiveQueue().percent());
  return fullest;
}

}  // namespace lwm2m::gateway
