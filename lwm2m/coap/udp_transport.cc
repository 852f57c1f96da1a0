#include "lwm2m/coap/udp_transport.h"

#include <vector>
#include <stdexcept>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>

namespace lwm2m::coap {

namespace asio = boost::asio;
using boost::system::error_code;

// Shared between the transport and its pending receive, so that a receive
// completing after the transport is gone touches only live memory.
struct UdpTransport::State {
  explicit State(asio::io_context& io) : socket(io) {}

  asio::ip::udp::socket socket;
  ReceiveHandler handler;
  Peer sender;
  bool closed = false;
  bool started = false;
  bool isV6 = false;
  std::uint64_t sendErrors = 0;
};

namespace {

// Datagrams are read into one buffer per thread, not one per socket: a
// simulator runs thousands of transports in one process. 64 KiB + 1: a
// datagram filling the whole buffer was truncated by the kernel and is
// dropped instead of being decoded half.
constexpr std::size_t kReceiveBufferSize = 65536 + 1;
// Datagrams read per readiness wake-up before yielding to other work.
constexpr int kMaxDatagramsPerWakeup = 32;

std::span<std::uint8_t> receiveBuffer() {
  thread_local std::vector<std::uint8_t> buffer(kReceiveBufferSize);
  return buffer;
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

// Waits for readability, then reads what is queued with non-blocking
// receive_from calls into the per-thread buffer.
void UdpTransport::receiveNext(const std::shared_ptr<State>& state) {
  if (state->closed) return;
  state->socket.async_wait(asio::socket_base::wait_read, [state](const error_code& ec) {
    if (state->closed || ec == asio::error::operation_aborted ||
        ec == asio::error::bad_descriptor) {
      return;
    }
    const auto buffer = receiveBuffer();
    for (int i = 0; i < kMaxDatagramsPerWakeup && !state->closed; ++i) {
      error_code readError;
      const std::size_t size = state->socket.receive_from(
          asio::buffer(buffer.data(), buffer.size()), state->sender, 0, readError);
      if (readError == asio::error::would_block || readError == asio::error::try_again) break;
      // Errors such as ICMP port unreachable (ECONNREFUSED) must not stop the loop.
      if (readError || size >= buffer.size() || !state->handler) continue;
      state->handler(normalized(state->sender), std::span<const std::uint8_t>(buffer.data(), size));
    }
    receiveNext(state);
  });
}

void UdpTransport::send(const Peer& to, std::span<const std::uint8_t> datagram) {
  if (state_->closed) return;
  Peer target = to;
  // An IPv6 socket reaches IPv4 peers through IPv4-mapped addresses.
  if (state_->isV6 && to.address().is_v4()) {
    target = Peer(asio::ip::make_address_v6(asio::ip::v4_mapped, to.address().to_v4()), to.port());
  }
  error_code ec;
  state_->socket.send_to(asio::buffer(datagram.data(), datagram.size()), target, 0, ec);
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

Result<std::pair<int, int>> UdpTransport::setBufferSizes(int receiveBytes, int sendBytes) {
  error_code ec;
  state_->socket.set_option(asio::socket_base::receive_buffer_size(receiveBytes), ec);
  if (ec) return fail("cannot set UDP receive buffer size: " + ec.message());
  state_->socket.set_option(asio::socket_base::send_buffer_size(sendBytes), ec);
  if (ec) return fail("cannot set UDP send buffer size: " + ec.message());
  asio::socket_base::receive_buffer_size receive;
  asio::socket_base::send_buffer_size send;
  state_->socket.get_option(receive, ec);
  if (!ec) state_->socket.get_option(send, ec);
  if (ec) return fail("cannot read UDP buffer sizes: " + ec.message());
  return std::pair<int, int>(receive.value(), send.value());
}

std::uint64_t UdpTransport::sendErrors() const { return state_->sendErrors; }

}  // namespace lwm2m::coap
