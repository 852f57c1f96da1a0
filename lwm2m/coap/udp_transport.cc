#include "lwm2m/coap/udp_transport.h"

#include <sys/socket.h>
#include <linux/sock_diag.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>
#include <stdexcept>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>

namespace lwm2m::coap {

namespace asio = boost::asio;
using boost::system::error_code;

// Shared between the transport and its pending receive, so that a receive
// completing after the transport is gone touches only live memory.
struct UdpTransport::State {
  explicit State(asio::io_context& io) : socket(io) {}

  asio::ip::udp::socket socket;
  ReceiveHandler handler;
  bool closed = false;
  bool started = false;
  bool isV6 = false;
  std::uint64_t sendErrors = 0;
  int receiveAsked = 0;
  int sendAsked = 0;
  // The kernel's drop count is a wrapping 32-bit counter; kernelDrops
  // accumulates it from the latest value seen.
  std::uint32_t dropCountSeen = 0;
  std::uint64_t kernelDrops = 0;
  std::string dropCountProblem;  // why SO_RXQ_OVFL is off; empty when on

  void noteDropCount(std::uint32_t count) {
    const auto advance = static_cast<std::uint32_t>(count - dropCountSeen);
    // A datagram queued before newer drops carries an older count: ignored.
    if (advance == 0 || advance > 0x80000000u) return;
    dropCountSeen = count;
    kernelDrops += advance;
  }
};

namespace {

// Datagrams are read into buffers per thread, not per socket: a simulator
// runs thousands of transports in one process. Each slot holds 64 KiB + 1: a
// datagram filling a whole slot was truncated by the kernel and is dropped
// instead of being decoded half.
constexpr std::size_t kReceiveBufferSize = 65536 + 1;
// Datagrams read per readiness wake-up before yielding to other work.
constexpr int kMaxDatagramsPerWakeup = 32;
// Datagrams one recvmmsg call reads.
constexpr int kReceiveSlots = 16;

// recvmmsg's buffers and arguments. The bytes are left uninitialised (and
// large enough for malloc to map them apart): a page is resident only once a
// datagram reached it, so small datagrams cost a page or two per slot.
struct ReceiveSlots {
  std::unique_ptr<std::uint8_t[]> bytes{new std::uint8_t[kReceiveSlots * kReceiveBufferSize]};
  std::array<mmsghdr, kReceiveSlots> messages{};
  std::array<iovec, kReceiveSlots> vectors{};
  std::array<Peer, kReceiveSlots> senders{};
  struct Control {
    alignas(cmsghdr) char bytes[CMSG_SPACE(sizeof(std::uint32_t))];
  };
  std::array<Control, kReceiveSlots> controls{};

  std::uint8_t* slot(int i) { return bytes.get() + static_cast<std::size_t>(i) * kReceiveBufferSize; }
};

ReceiveSlots& receiveSlots() {
  thread_local ReceiveSlots slots;
  return slots;
}

// Datagrams sent while a batch of received ones is handled (the answers),
// held and sent together with one sendmmsg when the batch ends: one system
// call instead of one per answer. One per thread, like the receive buffer:
// batches of two sockets never overlap (readQueued runs from the reactor,
// never inside another socket's handler).
struct HeldSends {
  static constexpr std::size_t kMaxBytes = 32 * 1024;  // a larger datagram goes out at once
  const void* owner = nullptr;  // the State whose batch is open; null when none
  struct Datagram {
    Peer to;
    std::size_t offset;
    std::size_t size;
  };
  std::vector<Datagram> datagrams;
  std::vector<std::uint8_t> bytes;
  // sendmmsg's arguments, kept with their capacity.
  std::vector<mmsghdr> messages;
  std::vector<iovec> vectors;
  std::vector<Peer> targets;

  bool take(const void* state, const Peer& to, std::span<const std::uint8_t> datagram) {
    if (owner != state || datagrams.size() >= static_cast<std::size_t>(kMaxDatagramsPerWakeup) ||
        bytes.size() + datagram.size() > kMaxBytes) {
      return false;
    }
    datagrams.push_back({to, bytes.size(), datagram.size()});
    bytes.insert(bytes.end(), datagram.begin(), datagram.end());
    return true;
  }
};

HeldSends& heldSends() {
  thread_local HeldSends held;
  return held;
}

[[noreturn]] void failBind(const Peer& bindTo, const char* step, const error_code& ec) {
  throw std::runtime_error("cannot " + std::string(step) + " UDP socket on " + toString(bindTo) +
                           ": " + ec.message());
}

// IPv4 peers reaching a dual-stack socket show up as ::ffff:a.b.c.d; report
// them as plain IPv4 so a peer has one spelling whatever socket it used.
Peer normalized(const Peer& peer) {
  const auto address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return Peer(asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()), peer.port());
  }
  return peer;
}

}  // namespace

UdpTransport::UdpTransport(asio::io_context& io, const Peer& bindTo)
    : state_(std::make_shared<State>(io)) {
  auto& socket = state_->socket;
  error_code ec;
  socket.open(bindTo.protocol(), ec);
  if (ec) failBind(bindTo, "open", ec);
  state_->isV6 = bindTo.address().is_v6();
  if (state_->isV6) {
    socket.set_option(asio::ip::v6_only(false), ec);
    if (ec) failBind(bindTo, "configure (v6_only off)", ec);
  }
  socket.bind(bindTo, ec);
  if (ec) failBind(bindTo, "bind", ec);
  socket.non_blocking(true, ec);
  if (ec) failBind(bindTo, "configure (non-blocking)", ec);
  const int on = 1;
  if (::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) != 0) {
    // Not fatal: some kernels and emulators (qemu-user) lack it; the socket
    // works, only the drop count is missing.
    state_->dropCountProblem = "SO_RXQ_OVFL: " + error_code(errno, boost::system::system_category()).message();
  }
}

UdpTransport::~UdpTransport() { close(); }

Result<Peer> UdpTransport::resolveBind(std::string_view host, std::uint16_t port) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "*") return Peer(asio::ip::address_v6::any(), port);
  error_code ec;
  auto address = asio::ip::make_address(std::string(host), ec);
  if (!ec) return Peer(address, port);

  asio::io_context io;
  asio::ip::udp::resolver resolver(io);
  auto results = resolver.resolve(std::string(host), std::to_string(port),
                                  asio::ip::udp::resolver::passive, ec);
  if (ec) return fail("cannot resolve bind address '" + std::string(host) + "': " + ec.message());
  if (results.empty()) return fail("bind address '" + std::string(host) + "' has no address");
  return results.begin()->endpoint();
}

void UdpTransport::start(ReceiveHandler handler) {
  state_->handler = std::move(handler);
  if (state_->started) return;
  state_->started = true;
  receiveNext(state_);
}

// Reads up to `count` queued datagrams into receiveSlots() with one
// non-blocking recvmmsg; a SO_RXQ_OVFL control message (there once the socket
// dropped something) updates the drop count. Returns how many were read, or
// -1 with errno set. A truncated datagram has msg_len == kReceiveBufferSize.
int UdpTransport::receiveMany(State& state, int count) {
  ReceiveSlots& slots = receiveSlots();
  for (int i = 0; i < count; ++i) {
    slots.vectors[i] = {slots.slot(i), kReceiveBufferSize};
    msghdr& header = slots.messages[i].msg_hdr;
    header = msghdr{};
    header.msg_name = slots.senders[i].data();
    header.msg_namelen = static_cast<socklen_t>(slots.senders[i].capacity());
    header.msg_iov = &slots.vectors[i];
    header.msg_iovlen = 1;
    header.msg_control = slots.controls[i].bytes;
    header.msg_controllen = sizeof slots.controls[i].bytes;
    slots.messages[i].msg_len = 0;
  }
  const int read = ::recvmmsg(state.socket.native_handle(), slots.messages.data(), static_cast<unsigned>(count),
                              MSG_DONTWAIT, nullptr);
  for (int i = 0; i < read; ++i) {
    msghdr& header = slots.messages[i].msg_hdr;
    slots.senders[i].resize(header.msg_namelen);
    for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
        std::uint32_t drops = 0;
        std::memcpy(&drops, CMSG_DATA(c), sizeof(drops));
        state.noteDropCount(drops);
      }
    }
    if (header.msg_flags & MSG_TRUNC) slots.messages[i].msg_len = kReceiveBufferSize;
  }
  return read;
}

// Waits for readability, then reads what is queued.
void UdpTransport::receiveNext(const std::shared_ptr<State>& state) {
  if (state->closed) return;
  state->socket.async_wait(asio::socket_base::wait_read, [state](const error_code& ec) {
    if (state->closed || ec == asio::error::operation_aborted ||
        ec == asio::error::bad_descriptor) {
      return;
    }
    readQueued(state);
  });
}

// Reads up to kMaxDatagramsPerWakeup datagrams with non-blocking recvmmsg
// calls into the per-thread slots. Asio's reactor waits edge-triggered: a
// wait completes on new arrivals only, so when datagrams are left queued the
// next batch is posted (after other ready work) instead of waiting, else a
// burst held in a large receive buffer would sit there until the next arrival.
void UdpTransport::readQueued(const std::shared_ptr<State>& state) {
  ReceiveSlots& slots = receiveSlots();
  // Answers written by the handlers wait in heldSends() until the batch ends
  // (also when a handler throws); every datagram is handled before any answer
  // leaves, none waits longer than one batch.
  struct Batch {
    State& state;
    explicit Batch(State& s) : state(s) { heldSends().owner = &s; }
    ~Batch() {
      sendHeld(state);
      heldSends().owner = nullptr;
    }
  } batch(*state);
  for (int handled = 0; handled < kMaxDatagramsPerWakeup;) {
    if (state->closed) return;
    const int read = receiveMany(*state, std::min(kReceiveSlots, kMaxDatagramsPerWakeup - handled));
    if (read < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      receiveNext(state);
      return;
    }
    // Errors such as ICMP port unreachable (ECONNREFUSED) must not stop the loop.
    if (read <= 0) {
      ++handled;
      continue;
    }
    handled += read;
    for (int i = 0; i < read; ++i) {
      const std::size_t size = slots.messages[i].msg_len;
      if (state->closed) return;
      if (size >= kReceiveBufferSize || !state->handler) continue;
      state->handler(normalized(slots.senders[i]), std::span<const std::uint8_t>(slots.slot(i), size));
    }
  }
  if (state->closed) return;
  asio::post(state->socket.get_executor(), [state] { readQueued(state); });
}

void UdpTransport::sendHeld(State& state) {
  HeldSends& held = heldSends();
  const std::size_t count = held.datagrams.size();
  if (count == 0) return;
  if (!state.closed) {
    auto& messages = held.messages;
    auto& vectors = held.vectors;
    auto& targets = held.targets;
    messages.resize(count);
    vectors.resize(count);
    targets.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      const HeldSends::Datagram& d = held.datagrams[i];
      targets[i] = target(state, d.to);
      vectors[i] = {held.bytes.data() + d.offset, d.size};
      messages[i].msg_hdr = msghdr{};
      messages[i].msg_hdr.msg_name = targets[i].data();
      messages[i].msg_hdr.msg_namelen = static_cast<socklen_t>(targets[i].size());
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    // sendmmsg stops at the first datagram it cannot send: that one is
    // counted as a send error (as send() would) and the rest go on.
    std::size_t sent = 0;
    while (sent < count) {
      const int n = ::sendmmsg(state.socket.native_handle(), messages.data() + sent,
                               static_cast<unsigned>(count - sent), MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ++state.sendErrors;
        ++sent;
      } else {
        sent += static_cast<std::size_t>(n);
      }
    }
  }
  held.datagrams.clear();
  held.bytes.clear();
}

// An IPv6 socket reaches IPv4 peers through IPv4-mapped addresses.
Peer UdpTransport::target(const State& state, const Peer& to) {
  if (state.isV6 && to.address().is_v4()) {
    return Peer(asio::ip::make_address_v6(asio::ip::v4_mapped, to.address().to_v4()), to.port());
  }
  return to;
}

void UdpTransport::send(const Peer& to, std::span<const std::uint8_t> datagram) {
  if (state_->closed) return;
  HeldSends& held = heldSends();
  if (held.take(state_.get(), to, datagram)) return;
  if (held.owner == state_.get()) sendHeld(*state_);  // the held ones first: in order
  error_code ec;
  state_->socket.send_to(asio::buffer(datagram.data(), datagram.size()), target(*state_, to), 0, ec);
  if (ec) ++state_->sendErrors;
}

Peer UdpTransport::localEndpoint() const {
  error_code ec;
  auto local = state_->socket.local_endpoint(ec);
  return ec ? Peer() : local;
}

void UdpTransport::close() {
  if (state_->closed) return;
  // The handler is kept: close() may be called from inside it.
  state_->closed = true;
  error_code ignored;
  state_->socket.close(ignored);
}

namespace {

// Sets one buffer size: the FORCE option first (passes the sysctl cap with
// CAP_NET_ADMIN), else the ordinary one, which the kernel caps.
Result<void> setBufferSize(int fd, int force, int ordinary, int bytes, const char* what) {
  if (bytes <= 0) return {};
  if (::setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof(bytes)) == 0) return {};
  if (::setsockopt(fd, SOL_SOCKET, ordinary, &bytes, sizeof(bytes)) == 0) return {};
  return fail(std::string("cannot set the UDP ") + what + " buffer size: " + std::strerror(errno));
}

int bufferSize(int fd, int option) {
  int bytes = 0;
  socklen_t length = sizeof(bytes);
  if (::getsockopt(fd, SOL_SOCKET, option, &bytes, &length) != 0) return 0;
  return bytes;
}

}  // namespace

Result<SocketBuffers> UdpTransport::setBufferSizes(int receiveBytes, int sendBytes) {
  const int fd = state_->socket.native_handle();
  if (auto set = setBufferSize(fd, SO_RCVBUFFORCE, SO_RCVBUF, receiveBytes, "receive"); !set) return set.error();
  if (auto set = setBufferSize(fd, SO_SNDBUFFORCE, SO_SNDBUF, sendBytes, "send"); !set) return set.error();
  state_->receiveAsked = std::max(receiveBytes, 0);
  state_->sendAsked = std::max(sendBytes, 0);
  return bufferSizes();
}

SocketBuffers UdpTransport::bufferSizes() const {
  const int fd = state_->socket.native_handle();
  return SocketBuffers{state_->receiveAsked, bufferSize(fd, SO_RCVBUF), state_->sendAsked, bufferSize(fd, SO_SNDBUF)};
}

ReceiveQueue UdpTransport::receiveQueue() const {
  std::uint32_t memInfo[SK_MEMINFO_VARS] = {};
  socklen_t length = sizeof(memInfo);
  if (state_->closed ||
      ::getsockopt(state_->socket.native_handle(), SOL_SOCKET, SO_MEMINFO, memInfo, &length) != 0) {
    return {};
  }
  if (length > SK_MEMINFO_DROPS * sizeof(std::uint32_t)) state_->noteDropCount(memInfo[SK_MEMINFO_DROPS]);
  return ReceiveQueue{memInfo[SK_MEMINFO_RMEM_ALLOC], memInfo[SK_MEMINFO_RCVBUF]};
}

std::uint64_t UdpTransport::kernelDrops() const {
  receiveQueue();
  return state_->kernelDrops;
}

const std::string& UdpTransport::dropCountProblem() const { return state_->dropCountProblem; }

std::uint64_t UdpTransport::sendErrors() const { return state_->sendErrors; }

}  // namespace lwm2m::coap
