#pragma once
// Paho C never sets TCP_NODELAY, so a benchmark client that publishes right
// after acknowledging a message waits for the broker's delayed ACK (~40 ms).
// The load clients are not what is measured: like the gateway's own
// connection (bridges/mqtt/broker_no_delay.h), each of this process's
// connections to the broker gets TCP_NODELAY. Call it after they connected.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "bridges/mqtt/broker_no_delay.h"

namespace lwm2m::testing {

// Returns how many connections to 127.0.0.1:`brokerPort` got it.
inline std::size_t sendAtOnceToBroker(std::uint16_t brokerPort) {
  boost::asio::io_context io;
  auto noDelay = std::make_shared<bridges::mqtt::BrokerNoDelay>(io, "tcp://127.0.0.1:" + std::to_string(brokerPort));
  return noDelay
      ->applyTo({boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), brokerPort)})
      .size();
}

}  // namespace lwm2m::testing
