// DtlsTransport server and client talking through an in-memory wire with the
// manual scheduler: handshakes, CoAP on top, identities, cookies, bounds,
// timers, resumption and close_notify.
#include "lwm2m/coap/dtls_transport.h"

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "lwm2m/coap/endpoint.h"
#include "tests/unit/lwm2m/coap/dtls_wire.h"
#include "tests/unit/lwm2m/coap/fake_transport.h"

namespace lwm2m::coap {
namespace {

using namespace std::chrono_literals;
using testing::peerAt;
using testing::Wire;

std::vector<std::uint8_t> bytes(std::string_view text) { return {text.begin(), text.end()}; }

class MapKeyring : public PskKeyring {
 public:
  std::optional<std::vector<std::uint8_t>> keyFor(std::string_view identity) const override {
    ++lookups;
    auto it = keys.find(std::string(identity));
    if (it == keys.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::vector<std::uint8_t>> keys;
  mutable int lookups = 0;
};

const Peer kServer = peerAt("127.0.0.1", 5684);

// True if one of the DTLS records in `datagram` is a ChangeCipherSpec (type 20).
bool carriesChangeCipherSpec(const std::vector<std::uint8_t>& datagram) {
  for (std::size_t at = 0; at + 13 <= datagram.size();) {
    if (datagram[at] == 20) return true;
    at += 13 + (static_cast<std::size_t>(datagram[at + 11]) << 8) + datagram[at + 12];
  }
  return false;
}

class DtlsTransportTest : public ::testing::Test {
 protected:
  DtlsTransportTest() { keyring.keys["sensor-1"] = bytes("sensor-1 secret key"); }

  DtlsSettings serverSettings() {
    DtlsSettings s;
    s.pskKeyring = &keyring;
    s.handshakeTimeout = 10s;
    s.onEvent = [this](const DtlsEvent& e) { serverEvents.push_back(e); };
    return s;
  }

  static DtlsSettings clientSettings(std::string identity, std::string_view key) {
    DtlsSettings s;
    s.role = DtlsSettings::Role::Client;
    s.pskIdentity = std::move(identity);
    s.pskKey = bytes(key);
    s.handshakeTimeout = 10s;
    return s;
  }

  void startServer(DtlsSettings settings) {
    serverPort = wire.port(kServer);
    server = std::make_unique<DtlsTransport>(*serverPort, scheduler, std::move(settings));
    server->start([this](const Peer& from, std::span<const std::uint8_t> datagram) {
      received.emplace_back(from, std::string(datagram.begin(), datagram.end()));
    });
  }

  struct Client {
    std::unique_ptr<Wire::Port> port;
    std::unique_ptr<DtlsTransport> transport;
    std::vector<DtlsEvent> events;
    std::vector<std::string> received;
  };

  std::unique_ptr<Client> makeClient(const Peer& at, DtlsSettings settings) {
    auto client = std::make_unique<Client>();
    Client* raw = client.get();
    settings.onEvent = [raw](const DtlsEvent& e) { raw->events.push_back(e); };
    client->port = wire.port(at);
    client->transport = std::make_unique<DtlsTransport>(*client->port, scheduler, std::move(settings));
    client->transport->start([raw](const Peer&, std::span<const std::uint8_t> datagram) {
      raw->received.emplace_back(datagram.begin(), datagram.end());
    });
    return client;
  }

  // Delivers everything in flight (zero-delay timers) without moving the clock.
  void settle() {
    for (int i = 0; i < 100; ++i) scheduler.runDue();
  }

  std::size_t count(DtlsEvent::Kind kind) const {
    std::size_t n = 0;
    for (const auto& e : serverEvents) n += e.kind == kind;
    return n;
  }

  ManualScheduler scheduler;
  Wire wire{scheduler};
  MapKeyring keyring;
  std::unique_ptr<Wire::Port> serverPort;
  std::unique_ptr<DtlsTransport> server;
  std::vector<DtlsEvent> serverEvents;
  std::vector<std::pair<Peer, std::string>> received;
};

TEST_F(DtlsTransportTest, CoapRequestCrossesPskSessionAndServerKnowsTheIdentity) {
  startServer(serverSettings());
  auto client = makeClient(peerAt("127.0.0.1", 40001), clientSettings("sensor-1", "sensor-1 secret key"));
  std::mt19937 rng(1);
  auto random = [&rng] { return static_cast<std::uint32_t>(rng()); };
  Endpoint serverEndpoint(*server, scheduler, {}, random);
  Endpoint clientEndpoint(*client->transport, scheduler, {}, random);
  serverEndpoint.setRequestHandler([](const Peer&, const Message& request, Endpoint::Responder respond) {
    Message reply = Message::response(request, codes::Content);
    reply.setPayload("hello " + request.uriPath().at(0));
    respond(reply);
  });
  serverEndpoint.start();
  clientEndpoint.start();

  Message request;
  request.code = codes::Get;
  request.setUriPath("dtls");
  std::optional<ResponseResult> result;
  clientEndpoint.sendRequest(kServer, request, [&](const ResponseResult& r) { result = r; });
  settle();

  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, RequestStatus::Ok);
  EXPECT_EQ(result->response.payloadString(), "hello dtls");
  auto identity = server->identityOf(peerAt("127.0.0.1", 40001));
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->kind, PeerIdentity::Kind::PreSharedKey);
  EXPECT_EQ(identity->name, "sensor-1");
  EXPECT_EQ(server->counters().helloVerifyRequests, 1u);
  EXPECT_EQ(server->counters().fullHandshakes, 1u);
  EXPECT_EQ(server->sessionCount(), 1u);
  EXPECT_EQ(server->handshakeCount(), 0u);
  ASSERT_EQ(count(DtlsEvent::Kind::Established), 1u);
  // Plain CoAP never reaches the wire: no record carries the request text.
  for (const auto& d : wire.log) {
    EXPECT_EQ(std::string(d.bytes.begin(), d.bytes.end()).find("dtls"), std::string::npos);
  }
}

class DtlsSuiteTest : public DtlsTransportTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(DtlsSuiteTest, ServerAcceptsEveryLwm2mPskSuite) {
  startServer(serverSettings());
  auto settings = clientSettings("sensor-1", "sensor-1 secret key");
  settings.cipherList = GetParam();
  auto client = makeClient(peerAt("127.0.0.1", 40002), settings);
  client->transport->send(kServer, bytes("ping"));
  settle();
  ASSERT_EQ(received.size(), 1u) << GetParam();
  EXPECT_EQ(received[0].second, "ping");
}

INSTANTIATE_TEST_SUITE_P(Suites, DtlsSuiteTest,
                         ::testing::Values("PSK-AES128-CCM8", "PSK-AES128-CBC-SHA256",
                                           "PSK-AES128-GCM-SHA256", "ECDHE-PSK-AES128-CBC-SHA256"));

TEST_F(DtlsTransportTest, AnswersBothWaysAndQueuesWhileHandshaking) {
  startServer(serverSettings());
  const Peer at = peerAt("::1", 40003);
  auto client = makeClient(at, clientSettings("sensor-1", "sensor-1 secret key"));
  client->transport->send(kServer, bytes("one"));
  client->transport->send(kServer, bytes("two"));
  settle();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].second, "one");
  EXPECT_EQ(received[1].second, "two");
  EXPECT_EQ(received[0].first, at);
  server->send(at, bytes("back"));
  settle();
  ASSERT_EQ(client->received.size(), 1u);
  EXPECT_EQ(client->received[0], "back");
}

TEST_F(DtlsTransportTest, DatagramsUpToTwoKilobytesPassLargerOnesAreDroppedAndCounted) {
  startServer(serverSettings());
  const Peer at = peerAt("127.0.0.1", 40020);
  auto client = makeClient(at, clientSettings("sensor-1", "sensor-1 secret key"));
  client->transport->send(kServer, bytes("hello"));
  settle();
  server->send(at, std::vector<std::uint8_t>(2048, 'a'));
  server->send(at, std::vector<std::uint8_t>(2049, 'b'));
  settle();
  ASSERT_EQ(client->received.size(), 1u);
  EXPECT_EQ(client->received[0].size(), 2048u);
  EXPECT_EQ(server->counters().droppedDatagrams, 1u);
}

TEST_F(DtlsTransportTest, DeviceFromNewAddressResumesWithAbbreviatedHandshake) {
  startServer(serverSettings());
  auto client = makeClient(peerAt("127.0.0.1", 40004), clientSettings("sensor-1", "sensor-1 secret key"));
  client->transport->send(kServer, bytes("before sleep"));
  settle();
  ASSERT_EQ(server->counters().fullHandshakes, 1u);
  const int lookupsAfterFirst = keyring.lookups;

  // The device sleeps, its NAT forgets it, it wakes on another port.
  client->transport->forget(kServer);
  client->port->moveTo(peerAt("127.0.0.1", 40999));
  client->transport->send(kServer, bytes("after sleep"));
  settle();

  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].first, peerAt("127.0.0.1", 40999));
  EXPECT_EQ(server->counters().resumedHandshakes, 1u);
  EXPECT_EQ(server->counters().fullHandshakes, 1u);
  EXPECT_EQ(count(DtlsEvent::Kind::Resumed), 1u);
  auto identity = server->identityOf(peerAt("127.0.0.1", 40999));
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->name, "sensor-1");
  // A resumption still checks that the identity has not been removed.
  EXPECT_GT(keyring.lookups, lookupsAfterFirst);
}

TEST_F(DtlsTransportTest, RemovedCredentialsCannotResume) {
  startServer(serverSettings());
  auto client = makeClient(peerAt("127.0.0.1", 40005), clientSettings("sensor-1", "sensor-1 secret key"));
  client->transport->send(kServer, bytes("first"));
  settle();
  keyring.keys.clear();
  client->transport->forget(kServer);
  client->transport->send(kServer, bytes("second"));
  settle();
  ASSERT_EQ(received.size(), 1u);
  ASSERT_EQ(count(DtlsEvent::Kind::Failed), 1u);
  EXPECT_NE(serverEvents.back().reason.find("no longer"), std::string::npos) << serverEvents.back().reason;
  EXPECT_EQ(server->identityOf(peerAt("127.0.0.1", 40005)), std::nullopt);
}

TEST_F(DtlsTransportTest, UnknownIdentityIsRefusedAndNamed) {
  startServer(serverSettings());
  auto client = makeClient(peerAt("127.0.0.1", 40006), clientSettings("nobody", "whatever key"));
  client->transport->send(kServer, bytes("hello"));
  settle();
  EXPECT_TRUE(received.empty());
  ASSERT_EQ(count(DtlsEvent::Kind::Failed), 1u);
  EXPECT_NE(serverEvents.back().reason.find("unknown PSK identity 'nobody'"), std::string::npos)
      << serverEvents.back().reason;
  EXPECT_EQ(server->sessionCount(), 0u);
}

// DTLS drops the Finished that does not decrypt silently (OpenSSL sends
// nothing); the server sees it came right after the ChangeCipherSpec it took
// and refuses at once, long before handshakeTimeout (10 s here), with a fatal
// bad_record_mac alert the client fails on instead of retransmitting.
TEST_F(DtlsTransportTest, WrongKeyIsRefusedAtOnceWithABadRecordMacAlertAndNoSecretInTheReason) {
  startServer(serverSettings());
  const Peer device = peerAt("127.0.0.1", 40007);
  auto client = makeClient(device, clientSettings("sensor-1", "not the right key"));
  client->transport->send(kServer, bytes("hello"));
  settle();
  EXPECT_TRUE(received.empty());
  ASSERT_EQ(count(DtlsEvent::Kind::Failed), 1u);
  const std::string& reason = serverEvents.back().reason;
  EXPECT_NE(reason.find("did not decrypt (sent 1 time); sent a bad_record_mac alert"), std::string::npos) << reason;
  ASSERT_TRUE(serverEvents.back().identity);
  EXPECT_EQ(serverEvents.back().identity->name, "sensor-1");
  EXPECT_EQ(server->handshakeCount(), 0u);
  EXPECT_EQ(server->sessionCount(), 0u);
  EXPECT_NE(reason.find("key does not match"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("secret"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("right key"), std::string::npos) << reason;
  // The client (OpenSSL as well) took the alert: its handshake failed on it.
  ASSERT_FALSE(client->events.empty());
  EXPECT_EQ(client->events.back().kind, DtlsEvent::Kind::Failed);
  EXPECT_NE(client->events.back().reason.find("bad record mac"), std::string::npos) << client->events.back().reason;
}

// A Finished that arrives alone (its ChangeCipherSpec lost or reordered) is
// not proof yet; the client's flight coming again is.
TEST_F(DtlsTransportTest, WrongKeyWithoutItsChangeCipherSpecIsRefusedOnTheRetransmission) {
  startServer(serverSettings());
  const Peer device = peerAt("127.0.0.1", 40009);
  auto client = makeClient(device, clientSettings("sensor-1", "not the right key"));
  // The client's last flight, split: its records up to the ChangeCipherSpec
  // are delivered, the encrypted Finished held back and sent alone.
  std::vector<std::uint8_t> finished;
  std::vector<std::vector<std::uint8_t>> heads;
  wire.drop = [&](const testing::WireDatagram& d) {
    if (d.to != kServer) return false;
    std::size_t at = 0;
    while (at + 13 <= d.bytes.size() && (d.bytes[at + 3] | d.bytes[at + 4]) == 0) {
      at += 13 + ((d.bytes[at + 11] << 8) | d.bytes[at + 12]);
    }
    if (at == 0 || at >= d.bytes.size()) return false;
    finished.assign(d.bytes.begin() + static_cast<std::ptrdiff_t>(at), d.bytes.end());
    heads.emplace_back(d.bytes.begin(), d.bytes.begin() + static_cast<std::ptrdiff_t>(at));
    return true;
  };
  client->transport->send(kServer, bytes("hello"));
  settle();
  wire.drop = nullptr;
  ASSERT_FALSE(finished.empty());
  ASSERT_FALSE(heads.empty());
  wire.inject(device, kServer, heads.front());
  settle();
  wire.inject(device, kServer, finished);
  settle();
  EXPECT_EQ(count(DtlsEvent::Kind::Failed), 0u);
  wire.inject(device, kServer, finished);
  settle();
  ASSERT_EQ(count(DtlsEvent::Kind::Failed), 1u);
  EXPECT_NE(serverEvents.back().reason.find("did not decrypt (sent 2 times)"), std::string::npos)
      << serverEvents.back().reason;
}

TEST_F(DtlsTransportTest, SpoofedClientHelloFloodKeepsNoState) {
  startServer(serverSettings());
  // Capture a genuine first ClientHello, then replay it from 2000 forged addresses.
  auto client = makeClient(peerAt("127.0.0.1", 40008), clientSettings("sensor-1", "sensor-1 secret key"));
  wire.drop = [](const testing::WireDatagram& d) { return d.to == kServer; };
  client->transport->send(kServer, bytes("hello"));
  settle();
  ASSERT_FALSE(wire.log.empty());
  const auto hello = wire.log.front().bytes;
  wire.drop = nullptr;
  wire.log.clear();
  for (std::uint16_t i = 0; i < 2000; ++i) {
    wire.inject(peerAt("10.0.0.1", static_cast<std::uint16_t>(1000 + i)), kServer, hello);
  }
  wire.inject(peerAt("10.0.0.2", 1), kServer, bytes("not dtls at all"));
  settle();
  EXPECT_EQ(server->sessionCount(), 0u);
  EXPECT_EQ(server->handshakeCount(), 0u);
  EXPECT_EQ(server->counters().helloVerifyRequests, 2000u);
  EXPECT_EQ(server->counters().droppedDatagrams, 1u);
  // Each answer is one small HelloVerifyRequest (no amplification).
  for (const auto& d : wire.log) {
    if (d.from == kServer) {
      EXPECT_LE(d.bytes.size(), hello.size());
    }
  }
}

TEST_F(DtlsTransportTest, HalfOpenHandshakesAreBounded) {
  auto settings = serverSettings();
  settings.maxHandshakes = 2;
  startServer(settings);
  // Clients whose final flight (with ChangeCipherSpec) is lost stay half-open.
  wire.drop = [](const testing::WireDatagram& d) { return d.to == kServer && carriesChangeCipherSpec(d.bytes); };
  std::vector<std::unique_ptr<Client>> clients;
  for (std::uint16_t i = 0; i < 3; ++i) {
    clients.push_back(makeClient(peerAt("127.0.0.1", static_cast<std::uint16_t>(41000 + i)),
                                 clientSettings("sensor-1", "sensor-1 secret key")));
    clients.back()->transport->send(kServer, bytes("x"));
    settle();
  }
  EXPECT_EQ(server->handshakeCount(), 2u);
  EXPECT_EQ(server->sessionCount(), 2u);
  EXPECT_GE(server->counters().droppedDatagrams, 1u);
  // They time out, and room is made again.
  scheduler.advance(11s);
  settle();
  EXPECT_EQ(server->handshakeCount(), 0u);
  EXPECT_EQ(server->sessionCount(), 0u);
}

TEST_F(DtlsTransportTest, SessionLimitClosesTheLongestIdle) {
  auto settings = serverSettings();
  settings.maxSessions = 2;
  startServer(settings);
  std::vector<std::unique_ptr<Client>> clients;
  for (std::uint16_t i = 0; i < 3; ++i) {
    clients.push_back(makeClient(peerAt("127.0.0.1", static_cast<std::uint16_t>(42000 + i)),
                                 clientSettings("sensor-1", "sensor-1 secret key")));
    clients.back()->transport->send(kServer, bytes("x"));
    settle();
    scheduler.advance(1s);
  }
  EXPECT_EQ(server->sessionCount(), 2u);
  EXPECT_EQ(server->identityOf(peerAt("127.0.0.1", 42000)), std::nullopt);
  EXPECT_TRUE(server->identityOf(peerAt("127.0.0.1", 42002)));
  ASSERT_EQ(count(DtlsEvent::Kind::Expired), 1u);
  // The evicted device was told (close_notify).
  ASSERT_FALSE(clients[0]->events.empty());
  EXPECT_EQ(clients[0]->events.back().kind, DtlsEvent::Kind::Closed);
}

TEST_F(DtlsTransportTest, IdleSessionExpiresWithCloseNotify) {
  auto settings = serverSettings();
  settings.idleTimeout = 60s;
  startServer(settings);
  auto client = makeClient(peerAt("127.0.0.1", 40010), clientSettings("sensor-1", "sensor-1 secret key"));
  client->transport->send(kServer, bytes("x"));
  settle();
  scheduler.advance(40s);
  client->transport->send(kServer, bytes("still here"));
  settle();
  scheduler.advance(40s);
  settle();
  EXPECT_EQ(server->sessionCount(), 1u) << "activity restarts the idle clock";
  scheduler.advance(30s);
  settle();
  EXPECT_EQ(server->sessionCount(), 0u);
  EXPECT_EQ(count(DtlsEvent::Kind::Expired), 1u);
  EXPECT_EQ(client->transport->sessionCount(), 0u);
  ASSERT_FALSE(client->events.empty());
  EXPECT_EQ(client->events.back().kind, DtlsEvent::Kind::Closed);
}

TEST_F(DtlsTransportTest, CloseNotifyFromDeviceEndsItsSession) {
  startServer(serverSettings());
  auto client = makeClient(peerAt("127.0.0.1", 40011), clientSettings("sensor-1", "sensor-1 secret key"));
  client->transport->send(kServer, bytes("x"));
  settle();
  ASSERT_EQ(server->sessionCount(), 1u);
  client->transport->close();
  settle();
  EXPECT_EQ(server->sessionCount(), 0u);
  EXPECT_EQ(server->counters().closedByPeer, 1u);
  EXPECT_EQ(count(DtlsEvent::Kind::Closed), 1u);
}

// The device de-registered over its session: the session is closed after
// the short linger rather than the hour of idleTimeout, and the device that
// comes back later resumes it with an abbreviated handshake.
TEST_F(DtlsTransportTest, ReleasedSessionClosesAfterTheLingerAndTheDeviceResumes) {
  startServer(serverSettings());  // idleTimeout: 1 h
  const Peer at = peerAt("127.0.0.1", 40013);
  auto client = makeClient(at, clientSettings("sensor-1", "sensor-1 secret key"));
  client->transport->send(kServer, bytes("de-register"));
  settle();
  ASSERT_EQ(server->sessionCount(), 1u);
  server->release(at, 10s);
  server->send(at, bytes("deleted"));  // the gateway's answer does not keep the session
  settle();
  scheduler.advance(9s);
  settle();
  EXPECT_EQ(server->sessionCount(), 1u);
  scheduler.advance(1s);
  settle();
  EXPECT_EQ(server->sessionCount(), 0u);
  ASSERT_FALSE(serverEvents.empty());
  EXPECT_EQ(serverEvents.back().kind, DtlsEvent::Kind::Expired);
  EXPECT_EQ(serverEvents.back().reason, "registration ended");
  EXPECT_EQ(client->transport->sessionCount(), 0u) << "told with close_notify";

  client->transport->send(kServer, bytes("register again"));
  settle();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].second, "register again");
  EXPECT_EQ(server->counters().fullHandshakes, 1u);
  EXPECT_EQ(server->counters().resumedHandshakes, 1u);
}

// RFC 6347 lets a device register again over the session it de-registered
// on: a datagram from it within the linger keeps the session (idleTimeout).
TEST_F(DtlsTransportTest, ReleasedSessionThatIsUsedAgainStays) {
  auto settings = serverSettings();
  settings.idleTimeout = 600s;
  startServer(settings);
  const Peer at = peerAt("127.0.0.1", 40014);
  auto client = makeClient(at, clientSettings("sensor-1", "sensor-1 secret key"));
  client->transport->send(kServer, bytes("de-register"));
  settle();
  server->release(at, 10s);
  scheduler.advance(2s);
  client->transport->send(kServer, bytes("register"));
  settle();
  scheduler.advance(300s);
  settle();
  EXPECT_EQ(server->sessionCount(), 1u);
  EXPECT_EQ(count(DtlsEvent::Kind::Expired), 0u);
  server->release(peerAt("127.0.0.1", 40999), 1s);  // no such session: nothing happens
  scheduler.advance(301s);
  settle();
  EXPECT_EQ(server->sessionCount(), 0u) << "then idle for idleTimeout";
}

TEST_F(DtlsTransportTest, RestartedDeviceOnSameAddressGetsANewSession) {
  startServer(serverSettings());
  const Peer at = peerAt("127.0.0.1", 40012);
  auto first = makeClient(at, clientSettings("sensor-1", "sensor-1 secret key"));
  first->transport->send(kServer, bytes("one"));
  settle();
  first.reset();  // power cut: no close_notify
  auto second = makeClient(at, clientSettings("sensor-1", "sensor-1 secret key"));
  second->transport->send(kServer, bytes("two"));
  settle();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].second, "two");
  EXPECT_EQ(server->counters().fullHandshakes, 2u);
  EXPECT_EQ(server->sessionCount(), 1u);
}

TEST_F(DtlsTransportTest, LostFlightIsRetransmitted) {
  startServer(serverSettings());
  auto client = makeClient(peerAt("127.0.0.1", 40013), clientSettings("sensor-1", "sensor-1 secret key"));
  // Lose the server's first ServerHello flight once.
  int lost = 0;
  wire.drop = [&lost](const testing::WireDatagram& d) {
    const bool serverHello = d.from == kServer && d.bytes.size() > 13 && d.bytes[0] == 22 && d.bytes[13] == 2;
    return serverHello && lost++ == 0;
  };
  client->transport->send(kServer, bytes("x"));
  settle();
  EXPECT_TRUE(received.empty());
  // OpenSSL's DTLS timers (1 s, doubling) read the real clock; the scheduler
  // fires them. Both sides retransmit, so it may take a second round.
  for (int round = 0; round < 3 && received.empty(); ++round) {
    std::this_thread::sleep_for(1100ms * (round + 1));
    scheduler.advance(1100ms * (round + 1));
    settle();
  }
  ASSERT_EQ(received.size(), 1u);
  EXPECT_GE(lost, 2);  // the first was lost, a retransmission went through
}

TEST(DtlsSettingsTest, MissingCredentialsFailStartWithAClearMessage) {
  ManualScheduler scheduler;
  testing::FakeTransport records(scheduler, kServer);
  DtlsSettings settings;
  try {
    DtlsTransport transport(records, scheduler, settings);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no credentials"), std::string::npos) << e.what();
  }
  settings.certificateFile = "/nonexistent/cert.pem";
  settings.privateKeyFile = "/nonexistent/key.pem";
  try {
    DtlsTransport transport(records, scheduler, settings);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lwm2m::coap
