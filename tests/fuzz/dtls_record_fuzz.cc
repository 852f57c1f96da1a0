// The bytes before the CoAP layer: datagrams reaching the DTLS server, both
// from a peer with an established PSK session (record layer, alerts,
// application data, renegotiation attempts) and from unknown peers (the
// stateless ClientHello/cookie path). Input: a sequence of
//   [selector][length high][length low][datagram]
// where selector bit 0 chooses the established peer or a new one, and
// selector bit 1 advances the clock by a second after the datagram.
// No crash, no leak, no sanitizer report; sessions stay within bounds.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/manual_scheduler.h"

namespace {

using lwm2m::coap::DtlsSettings;
using lwm2m::coap::DtlsTransport;
using lwm2m::coap::ManualScheduler;
using lwm2m::coap::Peer;

class Keyring : public lwm2m::coap::PskKeyring {
 public:
  std::optional<std::vector<std::uint8_t>> keyFor(std::string_view identity) const override {
    if (identity != "fuzz") return std::nullopt;
    return std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8};
  }
};

// Datagrams in memory, delivered by zero-delay timers.
class Link : public lwm2m::coap::Transport {
 public:
  Link(ManualScheduler& scheduler, Peer local) : scheduler_(scheduler), local_(local) {}
  void start(ReceiveHandler handler) override { handler_ = std::move(handler); }
  void send(const Peer&, std::span<const std::uint8_t> datagram) override {
    if (!other) return;
    Link* target = other;
    std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
    const Peer from = local_;
    scheduler_.schedule({}, [target, from, copy] { target->receive(from, copy); });
  }
  Peer localEndpoint() const override { return local_; }
  void close() override { other = nullptr; }
  void receive(const Peer& from, std::span<const std::uint8_t> bytes) {
    if (handler_) handler_(from, bytes);
  }
  Link* other = nullptr;

 private:
  ManualScheduler& scheduler_;
  Peer local_;
  ReceiveHandler handler_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ManualScheduler scheduler;
  const Peer serverAt(boost::asio::ip::make_address("127.0.0.1"), 5684);
  const Peer clientAt(boost::asio::ip::make_address("127.0.0.1"), 40000);
  Keyring keyring;
  Link serverLink(scheduler, serverAt), clientLink(scheduler, clientAt);
  serverLink.other = &clientLink;
  clientLink.other = &serverLink;

  DtlsSettings serverSettings;
  serverSettings.pskKeyring = &keyring;
  serverSettings.maxSessions = 8;
  serverSettings.maxHandshakes = 4;
  DtlsTransport server(serverLink, scheduler, serverSettings);
  std::size_t delivered = 0;
  server.start([&delivered](const Peer&, std::span<const std::uint8_t> d) { delivered += d.size(); });

  DtlsSettings clientSettings;
  clientSettings.role = DtlsSettings::Role::Client;
  clientSettings.pskIdentity = "fuzz";
  clientSettings.pskKey = {1, 2, 3, 4, 5, 6, 7, 8};
  DtlsTransport client(clientLink, scheduler, clientSettings);
  client.start([](const Peer&, std::span<const std::uint8_t>) {});
  const std::uint8_t hello[] = {'h', 'i'};
  client.send(serverAt, hello);
  for (int i = 0; i < 50; ++i) scheduler.runDue();
  if (!server.hasSession(clientAt)) std::abort();  // the fixture itself must work

  std::uint16_t nextPort = 50000;
  std::size_t at = 0;
  while (at + 3 <= size) {
    const std::uint8_t selector = data[at];
    const std::size_t length = std::min<std::size_t>((data[at + 1] << 8) | data[at + 2], size - at - 3);
    std::span<const std::uint8_t> datagram(data + at + 3, length);
    at += 3 + length;
    const Peer from = (selector & 1) ? Peer(clientAt.address(), nextPort++) : clientAt;
    serverLink.receive(from, datagram);
    if (selector & 2) scheduler.advance(std::chrono::seconds(1));
    scheduler.runDue();
    if (server.sessionCount() > serverSettings.maxSessions) std::abort();
    if (server.handshakeCount() > serverSettings.maxHandshakes) std::abort();
  }
  server.close();
  client.close();
  for (int i = 0; i < 10; ++i) scheduler.runDue();
  return 0;
}
