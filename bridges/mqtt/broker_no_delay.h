#pragma once
// BrokerNoDelay: TCP_NODELAY on the MQTT client's connection to the broker.
//
// Why: Paho MQTT C (1.3.12 in Debian 12, 1.3.13 in Yocto scarthgap) opens its
// socket with Nagle's algorithm on and offers no option or hook to change it.
// With Nagle on, a small packet written while an earlier one is still
// unacknowledged waits for the broker's delayed ACK (~40 ms): a command
// answer right after the command's PUBACK, or a PUBACK after a PUBLISH, is
// held that long.
//
// Contract:
//  - After each successful (re)connect, onConnected() resolves the broker's
//    host (without blocking the I/O thread) and sets TCP_NODELAY on every
//    socket of this process that is a connected TCP socket (SOCK_STREAM, not
//    listening) whose peer is one of the broker's addresses with the URI's
//    port, and whose own address is not one of them (a connection this
//    process accepted as the broker is not the client's). TLS (ssl://) and
//    WebSocket (ws://, wss://) connections run over such a socket too.
//  - More than one match (several connections of the gateway to one broker)
//    get it all; setting it again on a socket is harmless.
//  - It logs at debug level which descriptors got it, and a warning once per
//    BrokerNoDelay when none is found or the kernel refuses (Paho connecting
//    through an HTTP proxy from http_proxy/https_proxy, a connection lost at
//    once): messages then still flow, only slower.
//  - Only setsockopt() on sockets leading to the broker; nothing of Paho's
//    state is touched. A descriptor closed and reused between the scan and
//    setsockopt() is at worst another TCP connection to the broker.
//
// Threading: construct, call and destroy on the I/O thread that runs `io`; a
// resolution still running when the object is destroyed is dropped.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lwm2m::bridges::mqtt {

// This process's connected TCP sockets whose peer is one of `peers`,
// excluding listening sockets and sockets whose local address is one of
// `peers`; ascending descriptor numbers.
std::vector<int> tcpSocketsConnectedTo(const std::vector<boost::asio::ip::tcp::endpoint>& peers);

// Whether TCP_NODELAY is set on `fd` (false also when it cannot be read).
bool noDelayOn(int fd);

class BrokerNoDelay : public std::enable_shared_from_this<BrokerNoDelay> {
 public:
  // `pahoUri`: the URI the client connects to (tcp://, ssl://, ws://, wss://).
  // Must be owned by a std::shared_ptr.
  BrokerNoDelay(boost::asio::io_context& io, std::string pahoUri);
  BrokerNoDelay(const BrokerNoDelay&) = delete;
  BrokerNoDelay& operator=(const BrokerNoDelay&) = delete;

  // The client has just connected: see the contract above. `done`, if given,
  // is called on the I/O thread with the descriptors that got TCP_NODELAY
  // (empty when none was found), unless the object is destroyed first.
  void onConnected(std::function<void(const std::vector<int>&)> done = {});

  // The synchronous part of onConnected() once the addresses are known.
  std::vector<int> applyTo(const std::vector<boost::asio::ip::tcp::endpoint>& brokerAddresses);

 private:
  void warnOnce(const std::string& why);

  boost::asio::ip::tcp::resolver resolver_;
  const std::string uri_;
  bool warned_ = false;
};

}  // namespace lwm2m::bridges::mqtt
