#include "tests/bench/registration_load.h"

#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <thread>

#include "lwm2m/coap/codec.h"

namespace lwm2m::testing {
namespace {

constexpr in_addr_t kFirstDeviceAddress = 0x7f010001;  // 127.1.0.1
constexpr int kReceiveBatch = 64;
constexpr std::size_t kMaxDatagram = 2048;

std::int64_t monotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int openDeviceSocket(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  const int on = 1;
  ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  const int buffer = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
  }
  socklen_t length = sizeof any;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&any), &length);
  port = ntohs(any.sin_port);
  return fd;
}

}  // namespace

LoopbackDevices::LoopbackDevices(std::size_t devices, std::size_t sockets, std::uint16_t serverPort)
    : devices_(devices), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (sockets == 0) sockets = 1;
  if (devices / sockets > 0xfe0000) throw std::runtime_error("too many devices per socket");
  server_.sin_family = AF_INET;
  server_.sin_port = htons(serverPort);
  server_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (std::size_t s = 0; s < sockets; ++s) {
    std::uint16_t port = 0;
    fds_.push_back(openDeviceSocket(port));
    ports_.push_back(port);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = s;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fds_.back(), &e);
  }
}

LoopbackDevices::~LoopbackDevices() {
  for (int fd : fds_) ::close(fd);
  ::close(epoll_);
}

std::string LoopbackDevices::peerOf(std::size_t i) const {
  const in_addr_t address = htonl(kFirstDeviceAddress + static_cast<in_addr_t>(i / fds_.size()));
  char text[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &address, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ports_[i % fds_.size()]);
}

std::size_t LoopbackDevices::deviceOf(std::size_t socket, in_addr_t to) const {
  const in_addr_t host = ntohl(to);
  if (host < kFirstDeviceAddress) return devices_;
  return static_cast<std::size_t>(host - kFirstDeviceAddress) * fds_.size() + socket;
}

void LoopbackDevices::send(std::size_t i, const std::vector<std::uint8_t>& datagram) {
  iovec iov{const_cast<std::uint8_t*>(datagram.data()), datagram.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
  msghdr msg{};
  msg.msg_name = &server_;
  msg.msg_namelen = sizeof server_;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IP;
  c->cmsg_type = IP_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo info{};
  info.ipi_spec_dst.s_addr = htonl(kFirstDeviceAddress + static_cast<in_addr_t>(i / fds_.size()));
  std::memcpy(CMSG_DATA(c), &info, sizeof info);
  // A full send buffer is waited out; anything else is the caller's loss (retransmitted).
  while (::sendmsg(fds_[i % fds_.size()], &msg, 0) < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
    pollfd p{fds_[i % fds_.size()], POLLOUT, 0};
    ::poll(&p, 1, 10);
  }
}

LoopbackDevices::Outcome LoopbackDevices::run(const Shape& shape, const NextRequest& next, const Judge& judge,
                                              const std::function<void()>& onWindowStart) {
  Outcome outcome;
  const std::size_t turnDevices = shape.devices == 0 ? devices_ : std::min(shape.devices, devices_);
  std::vector<InFlight> state(turnDevices);
  std::vector<std::vector<std::uint8_t>> datagrams(turnDevices);
  std::vector<std::size_t> active;  // devices with a request in flight
  std::vector<std::size_t> activeSlot(turnDevices, 0);
  std::deque<std::pair<std::int64_t, std::size_t>> waiting;  // Retry: (ready at, device)
  std::size_t turn = 0;
  bool exhausted = false;  // a whole round of turns found nothing to send

  const std::int64_t startNs = monotonicNs();
  const std::int64_t windowStartNs = startNs + std::chrono::nanoseconds(shape.warmup).count();
  const std::int64_t endNs = windowStartNs + std::chrono::nanoseconds(shape.window).count();
  bool inWindow = shape.warmup.count() == 0;
  if (inWindow && onWindowStart) onWindowStart();

  const auto deactivate = [&](std::size_t i) {
    state[i].active = false;
    const std::size_t slot = activeSlot[i];
    active[slot] = active.back();
    activeSlot[active[slot]] = slot;
    active.pop_back();
  };
  const auto start = [&](std::size_t i, std::int64_t now) {
    InFlight& f = state[i];
    f.messageId = nextMessageId_++;
    f.firstSentNs = f.lastSentNs = now;
    f.active = true;
    std::vector<std::uint8_t>& d = datagrams[i];
    d[2] = static_cast<std::uint8_t>(f.messageId >> 8);
    d[3] = static_cast<std::uint8_t>(f.messageId);
    activeSlot[i] = active.size();
    active.push_back(i);
    send(i, d);
  };
  // Fills the loop up to `outstanding`: devices waiting to retry first, then turns.
  const auto fill = [&](std::int64_t now) {
    while (active.size() < shape.outstanding && !waiting.empty() && waiting.front().first <= now) {
      const std::size_t i = waiting.front().second;
      waiting.pop_front();
      start(i, now);
    }
    std::size_t tried = 0;
    while (active.size() < shape.outstanding && !exhausted) {
      const std::size_t i = turn;
      turn = (turn + 1) % turnDevices;
      if (++tried > turnDevices) {
        exhausted = true;
        break;
      }
      if (state[i].active) continue;
      if (!next(i, datagrams[i]) || datagrams[i].size() < 4) continue;
      tried = 0;
      start(i, now);
    }
  };

  std::int64_t lastScanNs = startNs;
  fill(startNs);
  for (;;) {
    const std::int64_t now = monotonicNs();
    if (!inWindow && now >= windowStartNs) {
      inWindow = true;
      if (onWindowStart) onWindowStart();
    }
    if (now >= endNs) break;
    if (shape.stopAfterDone && outcome.done >= shape.stopAfterDone) break;
    if (exhausted && active.empty() && waiting.empty()) break;

    if (now - lastScanNs > 20'000'000) {
      lastScanNs = now;
      for (std::size_t k = 0; k < active.size();) {
        const std::size_t i = active[k];
        InFlight& f = state[i];
        if (now - f.firstSentNs > std::chrono::nanoseconds(shape.giveUpAfter).count()) {
          ++outcome.lost;
          deactivate(i);
          continue;
        }
        if (now - f.lastSentNs > std::chrono::nanoseconds(shape.retransmitAfter).count()) {
          f.lastSentNs = now;
          ++outcome.retransmitted;
          send(i, datagrams[i]);
        }
        ++k;
      }
      fill(now);
    }

    receiveReady(5, [&](std::size_t i, std::span<const std::uint8_t> bytes, std::int64_t at) {
      if (i >= turnDevices || !state[i].active || bytes.size() < 4) return;
      const std::uint16_t mid = static_cast<std::uint16_t>((bytes[2] << 8) | bytes[3]);
      if (mid != state[i].messageId) return;
      switch (judge(i, bytes)) {
        case Verdict::Done:
          ++outcome.done;
          if (inWindow && at < endNs) {
            ++outcome.inWindow;
            outcome.latencySeconds.push_back(static_cast<double>(at - state[i].firstSentNs) / 1e9);
          }
          deactivate(i);
          break;
        case Verdict::Retry:
          ++outcome.retries;
          deactivate(i);
          waiting.emplace_back(at + std::chrono::nanoseconds(shape.retryAfter).count(), i);
          break;
        case Verdict::Ignore:
          break;
      }
    }, [&](std::int64_t at) { fill(at); });
    if (!waiting.empty()) fill(monotonicNs());
  }
  const std::int64_t stopNs = std::min(monotonicNs(), endNs);
  outcome.windowSeconds = static_cast<double>(stopNs - windowStartNs) / 1e9;
  return outcome;
}

void LoopbackDevices::sendFrom(std::size_t i, std::span<const std::uint8_t> datagram) {
  send(i, std::vector<std::uint8_t>(datagram.begin(), datagram.end()));
}

void LoopbackDevices::receiveUntil(std::chrono::steady_clock::time_point until, const OnDatagram& onDatagram) {
  const std::int64_t endNs =
      std::chrono::duration_cast<std::chrono::nanoseconds>(until.time_since_epoch()).count();
  for (std::int64_t now = monotonicNs(); now < endNs; now = monotonicNs()) {
    const int timeoutMs = static_cast<int>(std::min<std::int64_t>(5, (endNs - now + 999'999) / 1'000'000));
    receiveReady(timeoutMs, [&](std::size_t i, std::span<const std::uint8_t> bytes, std::int64_t) {
      if (i < devices_) onDatagram(i, bytes);
    });
  }
}

void LoopbackDevices::receiveReady(int timeoutMs, const Received& received,
                                   const std::function<void(std::int64_t)>& afterBatch) {
  constexpr std::size_t kControl = CMSG_SPACE(sizeof(in_pktinfo));
  if (buffers_.empty()) {
    buffers_.resize(kReceiveBatch * kMaxDatagram);
    controls_.resize(kReceiveBatch * kControl);
  }
  mmsghdr messages[kReceiveBatch];
  iovec iovs[kReceiveBatch];
  epoll_event events[16];
  const int ready = ::epoll_wait(epoll_, events, 16, timeoutMs);
  for (int e = 0; e < ready; ++e) {
    const std::size_t s = static_cast<std::size_t>(events[e].data.u64);
    for (;;) {
      for (int m = 0; m < kReceiveBatch; ++m) {
        iovs[m] = {buffers_.data() + m * kMaxDatagram, kMaxDatagram};
        messages[m].msg_hdr = msghdr{};
        messages[m].msg_hdr.msg_iov = &iovs[m];
        messages[m].msg_hdr.msg_iovlen = 1;
        messages[m].msg_hdr.msg_control = controls_.data() + m * kControl;
        messages[m].msg_hdr.msg_controllen = kControl;
      }
      const int got = ::recvmmsg(fds_[s], messages, kReceiveBatch, MSG_DONTWAIT, nullptr);
      if (got <= 0) break;
      const std::int64_t at = monotonicNs();
      for (int m = 0; m < got; ++m) {
        in_addr_t to = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&messages[m].msg_hdr); c; c = CMSG_NXTHDR(&messages[m].msg_hdr, c)) {
          if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            to = info.ipi_addr.s_addr;
          }
        }
        received(deviceOf(s, to), std::span<const std::uint8_t>(buffers_.data() + m * kMaxDatagram, messages[m].msg_len),
                 at);
      }
      if (afterBatch) afterBatch(at);
      if (got < kReceiveBatch) break;
    }
  }
}

std::vector<std::uint8_t> registerDatagram(std::size_t i, std::string_view endpointPrefix,
                                           std::string_view objectLinks) {
  coap::Message m;
  m.type = coap::MessageType::Confirmable;
  m.code = coap::codes::Post;
  m.token = {0x52, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i >> 16)};
  m.setUriPath("rd");
  char number[16];
  std::snprintf(number, sizeof number, "%06zu", i);
  m.addUriQuery("ep=" + std::string(endpointPrefix) + number);
  m.addUriQuery("lt=3600");
  m.addUriQuery("lwm2m=1.1");
  m.addUriQuery("b=U");
  m.setContentFormat(40);
  m.setPayload(objectLinks);
  return coap::encode(m);
}

struct UdpEchoServer::Thread {
  std::thread thread;
  clockid_t clock{};
};

UdpEchoServer::UdpEchoServer() {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int buffer = 4 << 20;  // what the gateway asks for by default (coap.receive_buffer_kb)
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    throw std::runtime_error(std::string("echo server: ") + std::strerror(errno));
  }
  socklen_t length = sizeof local;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length);
  port_ = ntohs(local.sin_port);
  stopFd_ = ::eventfd(0, EFD_CLOEXEC);
  thread_ = std::make_unique<Thread>();
  thread_->thread = std::thread([fd = fd_, stop = stopFd_] {
    std::uint8_t buffer[kMaxDatagram];
    for (;;) {
      sockaddr_in from{};
      socklen_t fromLength = sizeof from;
      const ssize_t size =
          ::recvfrom(fd, buffer, sizeof buffer, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &fromLength);
      if (size >= 0) {
        ::sendto(fd, buffer, static_cast<std::size_t>(size), 0, reinterpret_cast<const sockaddr*>(&from), fromLength);
        continue;
      }
      pollfd p[2] = {{fd, POLLIN, 0}, {stop, POLLIN, 0}};
      ::poll(p, 2, -1);
      if (p[1].revents) return;
    }
  });
  ::pthread_getcpuclockid(thread_->thread.native_handle(), &thread_->clock);
}

UdpEchoServer::~UdpEchoServer() {
  const std::uint64_t one = 1;
  (void)::write(stopFd_, &one, sizeof one);
  thread_->thread.join();
  ::close(stopFd_);
  ::close(fd_);
}

double UdpEchoServer::cpuSeconds() const {
  timespec t{};
  ::clock_gettime(thread_->clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace lwm2m::testing
