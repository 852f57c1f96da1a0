#include "lwm2m/coap/transport.h"

#include <functional>

namespace lwm2m::coap {

Transport::~Transport() = default;

std::size_t PeerHash::operator()(const Peer& peer) const noexcept {
  std::size_t seed = peer.port();
  auto mix = [&seed](std::size_t value) {
    seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  };
  const auto address = peer.address();
  if (address.is_v4()) {
    mix(address.to_v4().to_uint());
  } else {
    const auto v6 = address.to_v6();
    for (std::uint8_t byte : v6.to_bytes()) mix(byte);
    mix(v6.scope_id());
  }
  return seed;
}

std::string toString(const Peer& peer) {
  auto address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(peer.port());
  return address.to_string() + ":" + std::to_string(peer.port());
}

}  // namespace lwm2m::coap
