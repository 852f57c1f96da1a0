#include "lwm2m/coap/transport.h"

#include <charconv>
#include <cstddef>
#include <cstring>
#include <functional>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace lwm2m::coap {

Transport::~Transport() = default;

namespace {

// The parts of a socket address that name a peer, copied out of it (memcpy:
// the asio endpoint keeps a union of sockaddr types).
struct PeerBytes {
  std::uint64_t high = 0;  // IPv6: the first 8 bytes; IPv4: 0
  std::uint64_t low = 0;   // IPv6: the last 8 bytes; IPv4: the address
  std::uint32_t scope = 0;
  std::uint16_t port = 0;  // network order
  sa_family_t family = AF_UNSPEC;
};

PeerBytes bytesOf(const Peer& peer) noexcept {
  const auto* raw = reinterpret_cast<const unsigned char*>(peer.data());
  PeerBytes bytes;
  std::memcpy(&bytes.family, raw + offsetof(sockaddr, sa_family), sizeof bytes.family);
  if (bytes.family == AF_INET) {
    std::uint32_t address = 0;
    std::memcpy(&address, raw + offsetof(sockaddr_in, sin_addr), sizeof address);
    bytes.low = address;
    std::memcpy(&bytes.port, raw + offsetof(sockaddr_in, sin_port), sizeof bytes.port);
  } else if (bytes.family == AF_INET6) {
    std::memcpy(&bytes.high, raw + offsetof(sockaddr_in6, sin6_addr), sizeof bytes.high);
    std::memcpy(&bytes.low, raw + offsetof(sockaddr_in6, sin6_addr) + 8, sizeof bytes.low);
    std::memcpy(&bytes.scope, raw + offsetof(sockaddr_in6, sin6_scope_id), sizeof bytes.scope);
    std::memcpy(&bytes.port, raw + offsetof(sockaddr_in6, sin6_port), sizeof bytes.port);
  }
  return bytes;
}

std::uint64_t mix(std::uint64_t x) noexcept {  // a 64-bit finalizer (xor-shift-multiply)
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

// "a.b.c.d:port" with to_chars (no inet_ntop, no string per part): written for
// every event and stored registration.
void writeV4(std::string& out, const unsigned char* address, std::uint16_t port) {
  char text[24];  // "255.255.255.255:65535"
  char* at = text;
  char* const end = text + sizeof text;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) *at++ = '.';
    at = std::to_chars(at, end, static_cast<unsigned>(address[i])).ptr;
  }
  *at++ = ':';
  at = std::to_chars(at, end, static_cast<unsigned>(port)).ptr;
  out.assign(text, at);
}

}  // namespace

std::size_t PeerHash::operator()(const Peer& peer) const noexcept {
  const PeerBytes b = bytesOf(peer);
  return static_cast<std::size_t>(
      mix(b.low ^ mix(b.high ^ (static_cast<std::uint64_t>(b.scope) << 16 | b.port))));
}

bool PeerEqual::operator()(const Peer& a, const Peer& b) const noexcept {
  const PeerBytes x = bytesOf(a);
  const PeerBytes y = bytesOf(b);
  return x.family == y.family && x.port == y.port && x.low == y.low && x.high == y.high && x.scope == y.scope;
}

void writePeer(std::string& out, const Peer& peer) {
  const PeerBytes b = bytesOf(peer);
  const std::uint16_t port = ntohs(b.port);
  unsigned char address[8];
  std::memcpy(address, &b.low, sizeof address);
  if (b.family == AF_INET) return writeV4(out, address, port);
  std::uint32_t mappedPrefix = 0;  // ::ffff:a.b.c.d
  std::memcpy(&mappedPrefix, address, sizeof mappedPrefix);
  if (b.family == AF_INET6 && b.high == 0 && mappedPrefix == htonl(0x0000ffff)) return writeV4(out, address + 4, port);
  out = "[" + peer.address().to_string() + "]:" + std::to_string(port);
}

std::string toString(const Peer& peer) {
  std::string text;
  writePeer(text, peer);
  return text;
}

}  // namespace lwm2m::coap
